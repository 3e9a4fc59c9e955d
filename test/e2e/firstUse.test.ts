/**
 * What a first-time user hits, in Chromium against the production build: each rough edge found by
 * trying the page as a newcomer would (desktop and phone widths, keyboard, hover), as a test that
 * failed before its fix.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startStack, type Stack } from './harness';

let stack: Stack;

before(async () => {
  stack = await startStack();
});

after(async () => {
  await stack?.close();
});

async function run(page: Page, url: string): Promise<void> {
  await page.getByTestId('url-input').fill(url);
  await page.getByTestId('run-button').click();
  await page.locator('[data-testid=run][data-status=done]').waitFor({ timeout: 40_000 });
}

describe('a first-time user', () => {
  it('reads step numbers from 1 to the number of steps (not "Step 2" first and "Step 50 of 49")', async () => {
    const page = await stack.newPage();
    await page.goto(stack.baseUrl);
    await run(page, 'https://tls13.test/');
    const header = await page.locator('[data-testid=diagram-header], [data-testid=sequence-diagram]').first().isVisible();
    assert.ok(header);
    const rows = page.locator('[data-testid=step-row]');
    const count = await rows.count();
    await rows.first().click();
    assert.match(await page.getByTestId('step-number').innerText(), /^Step 1 of \d+$/);
    const total = Number(/of (\d+)$/.exec(await page.getByTestId('step-number').innerText())![1]);
    await rows.nth(count - 1).click();
    assert.equal(await page.getByTestId('step-number').innerText(), `Step ${total} of ${total}`);
  });

  it('hovers an alert’s description and is told "byte 1", with the byte cursor on byte 1', async () => {
    const page = await stack.newPage();
    await page.goto(stack.baseUrl);
    await run(page, 'https://iis-renegotiation.test/secure/');
    await page.locator('[data-testid=step-row][data-layer=alert]').first().click();
    const description = page.locator('[data-testid=hex-field]', { hasText: 'description' }).first();
    await description.hover();
    const status = page.locator('[data-testid=hex-view] p[aria-live=polite]').first();
    assert.match(await status.innerText(), /^Byte 0x0*1 · Alert › description · byte 1$/);
    assert.equal(await page.locator('[data-testid=hex-grid] [data-byte].outline').getAttribute('data-byte'), '1');
  });

  it('sees the rustls refusal marked as a refusal, not with the success check', async () => {
    const page = await stack.newPage();
    await page.goto(stack.baseUrl);
    await run(page, 'https://iis-renegotiation.test/secure/');
    const glyphs = await page.locator('[data-testid=step-row][data-kind=note] [data-glyph]').evaluateAll((els) => els.map((e) => [e.textContent ?? '', e.getAttribute('data-glyph')]));
    const refusal = glyphs.find(([text]) => /on HelloRequest: refuse/.test(text ?? ''));
    assert.ok(refusal, JSON.stringify(glyphs));
    assert.equal(refusal[1], 'warning');
  });

  it('cannot reach a demo target on another port: https://tls13.test:8443/ is refused with the reason', async () => {
    const page = await stack.newPage();
    await page.goto(stack.baseUrl);
    await run(page, 'https://tls13.test:8443/');
    assert.notEqual(await page.getByTestId('summary-card').getAttribute('data-outcome'), 'ok');
    assert.match(await page.getByTestId('summary-card').innerText(), /port 443 only/);
  });

  it('at 390 px sees every page of the header nav, without sideways scrolling', async () => {
    const page = await stack.newPage({ width: 390, height: 844 });
    await page.goto(stack.baseUrl);
    const nav = page.getByRole('navigation', { name: 'Main' });
    const links = await nav.getByRole('link').evaluateAll((els) => els.map((e) => ({ text: e.textContent, right: e.getBoundingClientRect().right, left: e.getBoundingClientRect().left })));
    assert.equal(links.length, 4);
    for (const link of links) assert.ok(link.left >= 0 && link.right <= 390, `${link.text} is in sight: ${JSON.stringify(link)}`);
    assert.equal(await nav.evaluate((n) => n.scrollWidth <= n.clientWidth), true, 'the nav does not scroll sideways');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= 390), true, 'nor does the page');
  });
});
