import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseTraceJson } from '../../lib/export/json';
import type { StepV1, TraceV1 } from '../../lib/trace/migrate';
import { TRACE_VERSION } from '../../lib/trace/schema';
import { outcomeSentence, stepExplanation, stepTitle } from '../../lib/view/stepText';

const FIXTURES = join(import.meta.dirname, '../fixtures/traces');
const v1Files = readdirSync(FIXTURES).filter((f) => f.startsWith('v1-'));

/**
 * Explanations reworded on purpose since version 1, because what they said stopped being true: the
 * old words, and the current ones a migrated step must read as instead.
 */
const REWORDED = new Map([
  [
    'A ticket the client could present later to resume the session without a full handshake. This client shows it but does not resume.',
    'A ticket the client can present later to resume the session without a certificate exchange. A run that resumes keeps it for its second connection; any other run only shows it.',
  ],
]);

describe('migrating a version 1 trace to version 2', () => {
  for (const file of v1Files) {
    const text = readFileSync(join(FIXTURES, file), 'utf8');
    const v1 = JSON.parse(text) as TraceV1;
    const v2 = parseTraceJson(text);

    it(`${file}: becomes the current version, with a kind and data on every step and no words stored`, () => {
      assert.equal(v2.schemaVersion, TRACE_VERSION);
      assert.equal('outcomeDetail' in v2, false);
      for (const step of v2.steps) {
        assert.notEqual(step.kind, 'legacy', `step ${step.seq} was not recognised`);
        assert.equal(typeof step.data, 'object');
        assert.equal('title' in step, false);
        assert.equal('explanation' in step, false);
      }
    });

    it(`${file}: every step's title and explanation read exactly as version 1 stored them`, () => {
      v1.steps.forEach((old: StepV1, i) => {
        assert.equal(stepTitle(v2.steps[i]), old.title, `step ${old.seq} title`);
        const expected = old.explanation === undefined ? undefined : (REWORDED.get(old.explanation) ?? old.explanation);
        assert.equal(stepExplanation(v2.steps[i]), expected, `step ${old.seq} explanation`);
      });
    });

    it(`${file}: the outcome sentence reads as version 1 stored it`, () => {
      assert.equal(v2.outcome, v1.outcome);
      assert.equal(outcomeSentence(v2.outcomeCause), v1.outcomeDetail);
    });
  }
});
