/**
 * A resumed run from the page, in chromium: the Resume option in the run options makes two
 * connections to the tls13 demo target; the trace shown is the second one's, which offers the
 * first one's ticket and is resumed without a certificate. The run is saved and reopened from its
 * /r link with the same steps, its recipe carries resume=1.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { screenshotPath, startStack, type Stack } from './harness';

let stack: Stack;

before(async () => {
  stack = await startStack();
});

after(async () => {
  await stack?.close();
});

async function shownSteps(page: Page): Promise<string[]> {
  await page.locator('[data-testid=run][data-status=done]').waitFor({ timeout: 60_000 });
  return page.locator('[data-testid=step-row]').evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? '').replace(/, at [\d.]+ m?s$/, '')));
}

function assertResumed(steps: string[]): void {
  const all = steps.join('\n');
  // Resumption notes are named as such for screen readers, not as generic checks.
  const offered = steps.findIndex((s) => s.startsWith('Session resumption: Offering to resume with a ticket'));
  const accepted = steps.findIndex((s) => s.startsWith('Session resumption: Server resumed the session (psk_dhe_ke, selected_identity 0)'));
  assert.ok(offered >= 0, `the ticket is offered; steps:\n${all}`);
  assert.ok(accepted > offered, `the server resumes; steps:\n${all}`);
  // The PSK authenticates the server: no Certificate in the resumed handshake.
  assert.ok(!steps.some((s) => /^Certificate, server to client/.test(s)), `no certificate; steps:\n${all}`);
  assert.ok(steps.some((s) => /^HTTP response: 200/.test(s)), `200; steps:\n${all}`);
}

describe('a resumed run from the page', () => {
  let saved: { url: string; steps: string[] };

  it('Resume in the run options makes two connections; the second resumes the first one’s ticket', async () => {
    const page = await stack.newPage();
    await page.goto(stack.baseUrl);
    await page.locator('[data-testid=run-options] summary').click();
    await page.getByLabel(/^Resume: a second connection/).check();
    assert.match(await page.locator('[data-testid=run-options] summary').innerText(), /resumed \(two connections\)/);
    await page.locator('[data-testid=demo-target][data-target="tls13"]').click();
    const steps = await shownSteps(page);
    assertResumed(steps);
    assert.equal(new URL(page.url()).searchParams.get('resume'), '1');
    await page.screenshot({ path: screenshotPath('resume-live'), fullPage: true });
    await page.getByTestId('save-button').click();
    const link = page.getByTestId('result-link');
    await link.waitFor();
    saved = { url: (await link.getAttribute('href')) ?? '', steps };
    assert.match(saved.url, /\/r\/[A-Za-z0-9_-]{22}/);
  });

  it('the saved run reopens from its link with the same steps', async () => {
    const viewer = await stack.newPage();
    const response = await viewer.goto(saved.url);
    assert.equal(response?.status(), 200);
    const steps = await shownSteps(viewer);
    assert.deepEqual(steps, saved.steps);
    assertResumed(steps);
    await viewer.screenshot({ path: screenshotPath('resume-saved'), fullPage: true });
  });
});
