/**
 * A resumed run from the page, in chromium: the Resume option in the run options makes two
 * connections to the tls13 demo target; the trace shown is the second one's, which offers the
 * first one's ticket and is resumed without a certificate. The run is saved and reopened from its
 * /r link with the same steps, its recipe carries resume=1. Then a 0-RTT run on tls13-0rtt (nginx):
 * the request goes as early data, is taken and answered before the handshake completes; saved and
 * reopened from its link, and opened again from its recipe link (resume=0rtt), which runs it anew.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { violations } from './axe';
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
  assert.ok(!steps.some((s) => /^Certificate, \d+ B, server to client/.test(s)), `no certificate; steps:\n${all}`);
  assert.ok(steps.some((s) => /^HTTP response: 200/.test(s)), `200; steps:\n${all}`);
}

/** The two connections side by side: the resumed one has fewer handshake messages and no certificate. */
async function assertSideBySide(page: Page): Promise<void> {
  const view = page.getByTestId('connections');
  await view.waitFor();
  const count = async (n: number) => Number(await view.locator(`[data-testid=connection-${n}] [data-messages]`).getAttribute('data-messages'));
  const [first, second] = [await count(1), await count(2)];
  assert.ok(second < first, `resumed: ${second} handshake messages, full: ${first}`);
  assert.match(await view.getByTestId('connection-2').innerText(), /Connection 2: resumed[\s\S]*no certificate/i);
  const onlyFirst = await view.locator('[data-testid=connections-row][data-same=false] td:first-child').allInnerTexts();
  assert.ok(onlyFirst.some((text) => /^←\s*Certificate$/.test(text.trim())), onlyFirst.join(' | '));
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
    await assertSideBySide(page);
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
    await assertSideBySide(viewer);
    await viewer.screenshot({ path: screenshotPath('resume-saved'), fullPage: true });
  });

  it('the saved run with both connections side by side has no axe-core violations, light and dark, and reads in Chinese', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await stack.newPage({ colorScheme });
      await page.goto(saved.url);
      await shownSteps(page);
      await page.getByTestId('connections').waitFor();
      assert.deepEqual(await violations(page, `saved resumed run, ${colorScheme}`), []);
    }
    // A saved run is in the link's language (?lang=), whatever the browser's.
    const zh = await stack.newPage();
    const link = new URL(saved.url, stack.baseUrl);
    link.searchParams.set('lang', 'zh-CN');
    await zh.goto(link.toString());
    await zh.getByTestId('connections').waitFor();
    assert.match(await zh.getByTestId('connections').innerText(), /两个连接并排对比[\s\S]*连接 2：会话恢复[\s\S]*没有证书/);
  });
});

function assertEarlyDataAccepted(steps: string[]): void {
  const all = steps.join('\n');
  const order = [
    /^Session resumption: Offering to resume with a ticket/,
    /^0-RTT early data: 0-RTT: request sent as early data/,
    /^HTTP request: GET \/ \(as 0-RTT early data\)/,
    /^Session resumption: Server resumed the session \(psk_dhe_ke, selected_identity 0\)/,
    /^0-RTT early data: 0-RTT early data accepted/,
    /^EndOfEarlyData, \d+ B, client to server/,
    /^HTTP response: 200/,
  ];
  let at = 0;
  for (const pattern of order) {
    const found = steps.findIndex((s, i) => i >= at && pattern.test(s));
    assert.ok(found >= 0, `expected ${pattern} after step ${at}; steps:\n${all}`);
    at = found + 1;
  }
  assert.ok(!steps.some((s) => /sent again after 0-RTT was rejected/.test(s)), `the request is sent once; steps:\n${all}`);
}

describe('a 0-RTT run from the page', () => {
  let saved: { url: string; recipe: string; steps: string[] };

  it('Resume and 0-RTT on the tls13-0rtt target: the request goes as early data and is answered before the handshake completes', async () => {
    const page = await stack.newPage();
    await page.goto(stack.baseUrl);
    await page.locator('[data-testid=run-options] summary').click();
    await page.getByLabel(/^Resume: a second connection/).check();
    await page.getByLabel(/^Send the request as 0-RTT early data/).check();
    assert.match(await page.locator('[data-testid=run-options] summary').innerText(), /resumed with 0-RTT early data \(two connections\)/);
    await page.locator('[data-testid=demo-target][data-target="tls13-0rtt"]').click();
    const steps = await shownSteps(page);
    assertEarlyDataAccepted(steps);
    assert.equal(new URL(page.url()).searchParams.get('resume'), '0rtt');
    // The key schedule draws the resumption chain with this run's values (RFC 8446 §7.1, §4.2.11.2).
    await page.getByTestId('tab-keys').click();
    const secrets = await page.locator('[data-testid=key-node]').evaluateAll((els) => els.map((e) => e.getAttribute('data-key-id') ?? ''));
    for (const label of ['resumption_master_secret', 'PSK', 'early_secret', 'binder_key', 'binder', 'client_early_traffic_secret']) {
      assert.ok(secrets.some((id) => id.startsWith(`${label}#`)), `key schedule shows ${label}: ${secrets.join(', ')}`);
    }
    await page.getByTestId('tab-step').click();
    await page.screenshot({ path: screenshotPath('resume-0rtt-live'), fullPage: true });
    await page.getByTestId('save-button').click();
    const link = page.getByTestId('result-link');
    await link.waitFor();
    saved = { url: (await link.getAttribute('href')) ?? '', recipe: page.url(), steps };
    assert.match(saved.url, /\/r\/[A-Za-z0-9_-]{22}/);
  });

  it('the saved 0-RTT run reopens from its link with the same steps', async () => {
    const viewer = await stack.newPage();
    const response = await viewer.goto(saved.url);
    assert.equal(response?.status(), 200);
    const steps = await shownSteps(viewer);
    assert.deepEqual(steps, saved.steps);
    assertEarlyDataAccepted(steps);
  });

  it('its recipe link (resume=0rtt) runs it again with the same options', async () => {
    const again = await stack.newPage();
    const recipe = new URL(saved.recipe);
    recipe.searchParams.set('run', '1');
    await again.goto(recipe.toString());
    assertEarlyDataAccepted(await shownSteps(again));
  });
});
