/**
 * Presentation mode in Chromium, driven by the keyboard alone: a saved run (/r/{id}) and a live run
 * against the tls13 demo target. The diagram builds up one step at a time (→ ← Home End), the step's
 * explanation and bytes are beside it in large type, the address keeps ?present=1 (a reload opens
 * it again), Escape leaves it; at 1280×720 nothing scrolls sideways; axe-core finds nothing in light
 * and dark, and the slide keeps 7:1 contrast (axe's enhanced rule).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { tls13OkTrace } from '../view/fixtures/traces';
import { enhancedContrastViolations, SCHEMES, violations } from './axe';
import { startStack, type Stack } from './harness';

let stack: Stack;
let savedId: string;

before(async () => {
  stack = await startStack();
  const response = await fetch(`${stack.baseUrl}/api/results`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tls13OkTrace()) });
  assert.ok(response.ok, await response.clone().text());
  savedId = ((await response.json()) as { id: string }).id;
});

after(async () => {
  await stack?.close();
});

/** Presses Tab until the element with `testId` has the focus (as a keyboard user reaches it). */
async function tabTo(page: Page, testId: string, limit = 80): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((id) => document.activeElement?.getAttribute('data-testid') === id, testId)) return;
  }
  throw new Error(`${testId} was not reached with ${limit} presses of Tab`);
}

/** What the slide shows now: its index, how many diagram rows are drawn, the selected row's name, the step's title. */
async function slide(page: Page) {
  const presentation = page.getByTestId('presentation');
  return {
    index: Number(await presentation.getAttribute('data-index')),
    rows: await presentation.locator('[data-testid=step-row]').count(),
    selected: (await presentation.locator('[data-testid=step-row][aria-selected=true]').getAttribute('aria-label')) ?? '',
    title: await presentation.getByTestId('present-title').innerText(),
    counter: await presentation.getByTestId('present-counter').innerText(),
  };
}

/** The number of rows the run view's diagram shows (the slide's last step is the last of them). */
async function runRows(page: Page): Promise<number> {
  // The first diagram is the run view's; the slide's own comes after it.
  return page.locator('[data-testid=run] [data-testid=sequence-diagram]').first().locator('[data-testid=step-row]').count();
}

describe('presentation mode on a saved run', () => {
  it('opens from the run view’s button, builds the diagram up with → ← Home End, and Escape leaves it', async () => {
    const page = await stack.newPage({ width: 1280, height: 720 });
    await page.goto(`${stack.baseUrl}/r/${savedId}`);
    await page.locator('[data-testid=run][data-status=done]').waitFor();
    const total = await runRows(page);
    assert.ok(total > 10, `the saved run has ${total} rows`);

    await tabTo(page, 'present-button');
    await page.keyboard.press('Enter');
    const presentation = page.getByTestId('presentation');
    await presentation.waitFor();
    assert.match(page.url(), /[?&]present=1(&|$)/, 'the address says presentation mode');
    assert.equal(await presentation.evaluate((d) => (d as HTMLDialogElement).open && d.matches(':modal')), true, 'a modal dialog');

    let now = await slide(page);
    assert.equal(now.index, 0);
    assert.equal(now.rows, 1, 'the diagram starts with the first step alone');
    assert.equal(now.counter, `Step 1 of ${total}`);

    // → until the ClientHello: one more row each time, and the slide's title is the selected row's.
    for (let i = 1; i <= 3; i++) {
      await page.keyboard.press('ArrowRight');
      now = await slide(page);
      assert.equal(now.rows, i + 1);
      assert.ok(now.selected.startsWith(now.title), `row “${now.selected}” is the step “${now.title}”`);
    }
    // The ClientHello comes within the first steps: back to the start, then forward to it.
    await page.keyboard.press('Home');
    const titles = [(await slide(page)).title];
    while (titles.length < 8 && titles.at(-1) !== 'ClientHello') {
      await page.keyboard.press('ArrowRight');
      titles.push((await slide(page)).title);
    }
    assert.equal(titles.at(-1), 'ClientHello', titles.join(' · '));
    // The explanation and the bytes, side by side with the diagram, in large type.
    const explanation = presentation.getByTestId('present-explanation').locator('p').first();
    assert.match(await explanation.innerText(), /.{40,}/);
    assert.ok(parseFloat(await explanation.evaluate((p) => getComputedStyle(p).fontSize)) >= 20, 'body text is at least 20 px');
    await presentation.getByTestId('hex-view').first().waitFor();
    const [diagramBox, stepBox] = [await presentation.getByTestId('present-diagram').boundingBox(), await presentation.getByTestId('present-step').boundingBox()];
    assert.ok(diagramBox && stepBox && diagramBox.x + diagramBox.width <= stepBox.x, 'the diagram is left of the step');

    const before = (await slide(page)).index;
    await page.keyboard.press('ArrowLeft');
    assert.equal((await slide(page)).index, before - 1);
    assert.equal((await slide(page)).rows, before);

    await page.keyboard.press('End');
    now = await slide(page);
    assert.equal(now.rows, total, 'End shows every step');
    assert.equal(now.counter, `Step ${total} of ${total}`);
    await page.keyboard.press('ArrowRight');
    assert.equal((await slide(page)).index, total - 1, '→ stops at the last step');
    await page.keyboard.press('Home');
    assert.equal((await slide(page)).rows, 1);

    // Readable on a 1280×720 projector: the dialog is the window, and nothing scrolls sideways.
    const box = await presentation.boundingBox();
    assert.deepEqual(box && [box.x, box.y, box.width, box.height], [0, 0, 1280, 720]);
    assert.equal(await presentation.evaluate((d) => d.scrollWidth <= d.clientWidth), true, 'no sideways scrolling');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= 1280), true);

    await page.keyboard.press('Escape');
    await presentation.waitFor({ state: 'detached' });
    assert.doesNotMatch(page.url(), /present=/, 'leaving presentation mode takes it out of the address');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'present-button', 'the focus returns to the button');
  });

  it('opens at once from ?present=1, and a reload keeps it open on the same step', async () => {
    const page = await stack.newPage({ width: 1280, height: 720 });
    await page.goto(`${stack.baseUrl}/r/${savedId}?present=1`);
    await page.getByTestId('presentation').waitFor();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal((await slide(page)).rows, 3, 'the keys work without a click first');
    assert.match(page.url(), /[?&]present=1&step=3$/, 'the address names the step the counter shows');
    const history = await page.evaluate(() => window.history.length);
    await page.reload();
    await page.getByTestId('presentation').waitFor();
    const now = await slide(page);
    assert.equal(now.index, 2);
    assert.equal(now.rows, 3);
    assert.match(now.counter, /^Step 3 of \d+$/);
    assert.equal(await page.evaluate(() => window.history.length), history, 'each step replaces the entry, it does not add one');
  });

  it('opens on the step a link names (&step=N), and Home, End and the arrows go on from there, each kept in the address', async () => {
    const page = await stack.newPage({ width: 1280, height: 720 });
    await page.goto(`${stack.baseUrl}/r/${savedId}`);
    await page.locator('[data-testid=run][data-status=done]').waitFor();
    const total = await runRows(page);
    await page.goto(`${stack.baseUrl}/r/${savedId}?present=1&step=6`);
    await page.getByTestId('presentation').waitFor();
    let now = await slide(page);
    assert.equal(now.index, 5);
    assert.equal(now.rows, 6, 'the diagram is built up to step 6');
    assert.equal(now.counter, `Step 6 of ${total}`);
    assert.ok(now.selected.startsWith(now.title));

    await page.keyboard.press('ArrowRight');
    assert.equal((await slide(page)).index, 6);
    assert.match(page.url(), /&step=7$/);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    assert.equal((await slide(page)).index, 4);
    assert.match(page.url(), /&step=5$/);
    await page.keyboard.press('End');
    now = await slide(page);
    assert.equal(now.rows, total);
    assert.match(page.url(), new RegExp(`&step=${total}$`));
    await page.keyboard.press('Home');
    assert.equal((await slide(page)).index, 0);
    assert.match(page.url(), /&step=1$/);

    // A step past the end opens on the last one; leaving takes present and step out of the address.
    await page.goto(`${stack.baseUrl}/r/${savedId}?present=1&step=${total + 50}`);
    await page.getByTestId('presentation').waitFor();
    assert.equal((await slide(page)).counter, `Step ${total} of ${total}`);
    await page.keyboard.press('Escape');
    await page.getByTestId('presentation').waitFor({ state: 'detached' });
    assert.doesNotMatch(page.url(), /present=|step=/);
  });

  it('speaks the page’s language', async () => {
    const page = await stack.newPage({ width: 1280, height: 720 });
    await page.goto(`${stack.baseUrl}/r/${savedId}?lang=zh-CN&present=1`);
    await page.getByTestId('presentation').waitFor();
    assert.match((await slide(page)).counter, /^第 1 步，共 \d+ 步$/);
    assert.equal(await page.getByTestId('present-exit').innerText(), '退出');
  });
});

describe('presentation mode on a live run', () => {
  it('follows a run of the tls13 demo target started from a recipe link with present=1 and a step', async () => {
    const page = await stack.newPage({ width: 1280, height: 720 });
    await page.goto(`${stack.baseUrl}/?url=${encodeURIComponent('https://tls13.test/')}&run=1&present=1&step=4`);
    const presentation = page.getByTestId('presentation');
    await presentation.waitFor({ timeout: 30_000 });
    await page.locator('[data-testid=run][data-status=done]').waitFor({ state: 'attached', timeout: 40_000 });
    assert.match(page.url(), /[?&]present=1&step=4(&|$)/, 'the run’s recipe link keeps presentation mode and the step');
    assert.match(page.url(), /[?&]url=https%3A%2F%2Ftls13\.test%2F/);
    // The live run grew past step 4 while the slide waited for it.
    assert.equal((await slide(page)).index, 3);
    const total = await runRows(page);

    await page.keyboard.press('End');
    let now = await slide(page);
    assert.equal(now.rows, total);
    assert.equal(now.counter, `Step ${total} of ${total}`);
    // Back through the run to the server's ServerHello, one key press at a time.
    const seen: string[] = [now.title];
    while (now.index > 0 && now.title !== 'ServerHello') {
      await page.keyboard.press('ArrowLeft');
      now = await slide(page);
      seen.push(now.title);
    }
    assert.equal(now.title, 'ServerHello', seen.join(' · '));
    assert.ok(seen.includes('EncryptedExtensions') && seen.includes('CertificateVerify'), seen.join(' · '));
    assert.match(await presentation.getByTestId('present-explanation').innerText(), /.{30,}/);
    await presentation.getByTestId('hex-view').first().waitFor();
  });
});

describe('axe-core finds no violations in presentation mode', () => {
  for (const scheme of SCHEMES) {
    it(`on a saved run (${scheme}), with 7:1 contrast on the slide`, async () => {
      const page = await stack.newPage({ colorScheme: scheme, width: 1280, height: 720 });
      await page.goto(`${stack.baseUrl}/r/${savedId}?present=1`);
      await page.getByTestId('presentation').waitFor();
      const found: string[] = [];
      // A message with bytes, a record, and the end (the HTTP answer and the outcome).
      for (const key of ['ArrowRight', 'ArrowRight', 'ArrowRight', 'End']) {
        await page.keyboard.press(key);
        const where = `/r ${scheme} presenting ${(await slide(page)).title}`;
        found.push(...(await violations(page, where)), ...(await enhancedContrastViolations(page, '[data-testid=presentation]', where)));
      }
      assert.deepEqual(found, [], `${found.length} violations:\n${found.join('\n')}`);
    });
  }
});
