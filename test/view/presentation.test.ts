import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { presentedStep, stepAfterKey, wantsPresentation, withPresentation } from '../../lib/view/presentation';

describe('presentation mode’s keys', () => {
  it('→ and PageDown go one step forward and stop at the last step', () => {
    assert.equal(stepAfterKey('ArrowRight', 0, 5), 1);
    assert.equal(stepAfterKey('PageDown', 3, 5), 4);
    assert.equal(stepAfterKey('ArrowRight', 4, 5), 4);
  });

  it('← and PageUp go one step back and stop at the first step', () => {
    assert.equal(stepAfterKey('ArrowLeft', 3, 5), 2);
    assert.equal(stepAfterKey('PageUp', 0, 5), 0);
  });

  it('Home goes to the first step, End to the last one so far', () => {
    assert.equal(stepAfterKey('Home', 3, 5), 0);
    assert.equal(stepAfterKey('End', 1, 5), 4);
    assert.equal(stepAfterKey('End', 1, 9), 8, 'a live run that grew: End reaches its newest step');
  });

  it('leaves other keys to the page, and has nothing to move through before the first step', () => {
    assert.equal(stepAfterKey('ArrowDown', 1, 5), undefined);
    assert.equal(stepAfterKey('Enter', 1, 5), undefined);
    assert.equal(stepAfterKey('ArrowRight', 0, 0), undefined);
  });

  it('clamps a step index past the end (the run was replaced by a shorter one)', () => {
    assert.equal(stepAfterKey('ArrowLeft', 10, 3), 1);
  });
});

describe('presentation mode in the address', () => {
  it('is asked for with present=1 only', () => {
    assert.equal(wantsPresentation('?present=1'), true);
    assert.equal(wantsPresentation('?url=https%3A%2F%2Ftls13.test%2F&run=1&present=1'), true);
    assert.equal(wantsPresentation('?present=0'), false);
    assert.equal(wantsPresentation(''), false);
  });

  it('is added and removed without touching the other parameters or the fragment', () => {
    assert.equal(withPresentation('/r/abc?lang=zh-CN#step-4', true), '/r/abc?lang=zh-CN&present=1#step-4');
    assert.equal(withPresentation('/r/abc?lang=zh-CN&present=1#step-4', false), '/r/abc?lang=zh-CN#step-4');
    assert.equal(withPresentation('/?url=https%3A%2F%2Ftls13.test%2F&run=1', true), '/?url=https%3A%2F%2Ftls13.test%2F&run=1&present=1');
    assert.equal(withPresentation('/', false), '/');
  });

  it('keeps the current step in the address, 1-based as the counter shows it, and forgets it on leaving', () => {
    assert.equal(withPresentation('/r/abc?lang=zh-CN&present=1#step-4', true, 6), '/r/abc?lang=zh-CN&present=1&step=7#step-4');
    assert.equal(withPresentation('/r/abc?present=1&step=7', true, 0), '/r/abc?present=1&step=1');
    assert.equal(withPresentation('/r/abc?present=1&step=7', true), '/r/abc?present=1&step=7');
    assert.equal(withPresentation('/r/abc?present=1&step=7&lang=en', false), '/r/abc?lang=en');
  });

  it('opens on the step the address names; anything else opens on the first', () => {
    assert.equal(presentedStep('?present=1&step=7'), 6);
    assert.equal(presentedStep(new URLSearchParams('step=1')), 0);
    for (const bad of ['', '?step=0', '?step=-3', '?step=2.5', '?step=abc', '?step=07', '?step=99999999']) assert.equal(presentedStep(bad), 0, bad);
  });
});
