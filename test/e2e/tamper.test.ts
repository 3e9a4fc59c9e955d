/**
 * A tamper experiment from the page, in chromium: the Tamper control in the run options chooses a
 * field of the annotated ClientHello (here the client Finished's verify_data), the run against the
 * tls13 demo target shows the change as its own step and then the server's decrypt_error; the run
 * is saved, reopened from its /r link with the same steps, and "Run again live" carries the tamper.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { screenshotPath, startStack, type Stack } from './harness';
import { violations } from './axe';

let stack: Stack;

// The stack saves runs to a database of its own (harness.ts).
before(async () => {
  stack = await startStack();
});

after(async () => {
  await stack?.close();
});

interface Shown {
  outcome: string | null;
  summary: string;
  steps: string[];
}

async function shownRun(page: Page): Promise<Shown> {
  await page.locator('[data-testid=run][data-status=done]').waitFor({ timeout: 40_000 });
  const card = page.getByTestId('summary-card');
  const steps = await page.locator('[data-testid=step-row]').evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? '').replace(/, at [\d.]+ m?s$/, '')));
  return { outcome: await card.getAttribute('data-outcome'), summary: await card.innerText(), steps };
}

/** The tamper row, then the server's decrypt_error after it. */
function assertTamperThenDecryptError(shown: Shown): void {
  const all = shown.steps.join('\n');
  const tampered = shown.steps.findIndex((s) => s.startsWith('Tamper experiment: Tampered: bit 0 of finished.verify_data flipped'));
  const alert = shown.steps.findIndex((s) => /^Alert: decrypt_error \(fatal\), \d+ B, server to client/.test(s));
  assert.ok(tampered >= 0, `a tamper step; steps:\n${all}`);
  assert.ok(alert > tampered, `the server's decrypt_error after the tamper; steps:\n${all}`);
  assert.equal(shown.outcome, 'alert');
  assert.match(shown.summary, /decrypt_error/);
}

describe('a tamper experiment from the page', () => {
  let saved: { url: string; live: Shown };

  it('chooses a field in the run options, shows it in the summary line, and runs it: the server answers decrypt_error', async () => {
    const page = await stack.newPage();
    await page.goto(stack.baseUrl);
    await page.locator('[data-testid=run-options] summary').click();
    const target = page.getByTestId('tamper-target');
    // The fields come from the annotated ClientHello built with the form's options.
    await page.locator('[data-testid=tamper-target] option[value="client_hello.extensions.supported_versions"]').waitFor({ state: 'attached' });
    await target.selectOption('finished.verify_data');
    assert.equal(await page.getByTestId('tamper-op').inputValue(), 'flip');
    assert.equal(await page.getByTestId('tamper-value').inputValue(), '0');
    assert.equal(await page.getByTestId('tamper-spec').innerText(), 'As a CLI option: --tamper finished.verify_data:flip=0');
    assert.match(await page.locator('[data-testid=run-options] summary').innerText(), /tamper finished\.verify_data:flip=0/);
    assert.deepEqual(await violations(page, 'the run options with a tamper chosen'), []);

    // A value that is not a bit number is refused before anything runs.
    await page.getByTestId('tamper-value').fill('x');
    await page.locator('[data-testid=demo-target][data-target="tls13"]').click();
    await page.getByText(/This tamper cannot run: .*flip needs a bit number/).first().waitFor();
    assert.equal(await page.locator('[data-testid=run][data-status=done]').count(), 0);
    await page.getByTestId('tamper-value').fill('0');

    await page.locator('[data-testid=demo-target][data-target="tls13"]').click();
    const live = await shownRun(page);
    assertTamperThenDecryptError(live);
    // The summary's advice says it is the experiment's result, not a fault to fix.
    assert.equal(await page.getByTestId('advice').getAttribute('data-kind'), 'tamper');
    // The tamper row is drawn with its own mark in the diagram.
    assert.equal(await page.locator('[data-glyph=tamper]').count(), 1);
    // The address bar is the experiment's recipe, tamper included.
    assert.equal(new URL(page.url()).searchParams.get('tamper'), 'finished.verify_data:flip=0');
    await page.screenshot({ path: screenshotPath('tamper-live'), fullPage: true });

    await page.getByTestId('save-button').click();
    const link = page.getByTestId('result-link');
    await link.waitFor();
    saved = { url: (await link.getAttribute('href')) ?? '', live };
    assert.match(saved.url, /\/r\/[A-Za-z0-9_-]{22}/);
  });

  it('the saved run reopens from its link with the tamper step and the server’s reaction, and re-runs with the tamper', async () => {
    const viewer = await stack.newPage();
    const response = await viewer.goto(saved.url);
    assert.equal(response?.status(), 200);
    const recorded = await shownRun(viewer);
    assert.deepEqual(recorded.steps, saved.live.steps);
    assertTamperThenDecryptError(recorded);
    assert.equal(await viewer.locator('[data-glyph=tamper]').count(), 1);
    // The tamper step's detail says what changed.
    await viewer.locator('[data-testid=step-row][aria-label^="Tamper experiment:"]').click();
    await viewer.waitForFunction(() => document.querySelector('[data-testid=step-detail] h3')?.textContent?.startsWith('Tampered: bit 0 of finished.verify_data flipped'));
    assert.match(await viewer.getByTestId('step-detail').innerText(), /The client changed this field before sending it: it was [0-9a-f]{64,96} and went out as [0-9a-f]{64,96}\./);
    await viewer.screenshot({ path: screenshotPath('tamper-saved'), fullPage: true });

    const again = new URL((await viewer.getByTestId('run-again').getAttribute('href')) ?? '', stack.baseUrl);
    assert.equal(again.searchParams.get('tamper'), 'finished.verify_data:flip=0');
    await viewer.getByTestId('run-again').click();
    await viewer.waitForURL((u) => u.pathname === '/');
    assertTamperThenDecryptError(await shownRun(viewer));
  });

  it('a recipe link opens the control with its tamper, in Chinese too', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.baseUrl}/?url=https://tls13.test/&tamper=client_hello.extensions.supported_versions:drop&lang=zh-CN`);
    const summary = page.locator('[data-testid=run-options] summary');
    await page.waitForFunction(() => document.querySelector('[data-testid=run-options] summary')?.textContent?.includes('篡改 client_hello.extensions.supported_versions:drop'));
    await summary.click();
    assert.equal(await page.getByTestId('tamper-target').inputValue(), 'client_hello.extensions.supported_versions');
    assert.equal(await page.getByTestId('tamper-op').inputValue(), 'drop');
    assert.equal(await page.getByTestId('tamper-value').count(), 0, 'drop takes no value');
    assert.match(await page.getByTestId('tamper-control').innerText(), /字段[\s\S]*改动方式[\s\S]*对应的命令行选项：--tamper client_hello\.extensions\.supported_versions:drop/);
    assert.deepEqual(await violations(page, 'the Chinese run options with a tamper from a link'), []);
  });
});
