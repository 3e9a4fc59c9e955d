/**
 * What a first-time user hits, in Chromium against the production build: each rough edge found by
 * trying the page as a newcomer would (desktop and phone widths, keyboard, hover), as a test that
 * failed before its fix.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page, Request } from 'playwright-core';
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
    assert.equal(links.length, 5);
    for (const link of links) assert.ok(link.left >= 0 && link.right <= 390, `${link.text} is in sight: ${JSON.stringify(link)}`);
    assert.equal(await nav.evaluate((n) => n.scrollWidth <= n.clientWidth), true, 'the nav does not scroll sideways');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= 390), true, 'nor does the page');
  });
});

describe('a first-time user typing something that is not an https URL', () => {
  it('is told in the page; nothing runs, the address bar keeps its address, and no earlier result stays below the message', async () => {
    const page = await stack.newPage();
    await page.goto(stack.baseUrl);
    const before = page.url();
    await page.getByTestId('url-input').fill('asdf qwer!!');
    await page.getByTestId('run-button').click();
    await page.getByRole('alert').first().waitFor();
    assert.match(await page.getByRole('alert').first().innerText(), /“asdf qwer!!” is not a URL/);
    assert.equal(page.url(), before, 'the address bar is not rewritten (it was ?url=https://asdf%2520qwer%21%21/)');
    assert.equal(await page.getByTestId('run').count(), 0, 'nothing ran: no run, no advice, no Save and share');
    assert.equal(await page.getByTestId('save-button').count(), 0);

    await run(page, 'https://tls13.test/');
    await page.getByTestId('url-input').fill('http://example.com/');
    await page.getByTestId('run-button').click();
    await page.getByText(/Only https URLs can be traced/).waitFor();
    assert.equal(await page.getByTestId('run').count(), 0, 'the previous run’s card does not stay under the message');
  });
});

describe('after a run', () => {
  it('the diagram shows the step that says how it ended, selected and in view (success and failure)', async () => {
    const page = await stack.newPage({ height: 700 });
    await page.goto(stack.baseUrl);
    for (const url of ['https://tls13.test/', 'https://iis-renegotiation.test/secure/']) {
      await run(page, url);
      const selected = page.locator('[data-testid=step-row][aria-selected=true]');
      await selected.waitFor();
      await page.getByTestId('step-detail').waitFor();
      const inView = await selected.evaluate((row) => {
        const list = row.closest('[role=listbox]') ?? row.parentElement!;
        const a = row.getBoundingClientRect();
        const b = list.getBoundingClientRect();
        return a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
      });
      assert.ok(inView, `${url}: the selected row is in view in the diagram`);
    }
  });

  it('"Compare rustls with OpenSSL" runs the comparison that proves the point: OpenSSL, with the demo certificate, gets 200', async () => {
    const page = await stack.newPage();
    await page.goto(stack.baseUrl);
    await run(page, 'https://iis-renegotiation.test/secure/');
    await page.getByRole('link', { name: /Compare rustls with OpenSSL/ }).click();
    await page.waitForURL(/\/compare\?/);
    await page.getByTestId('comparison').waitFor({ timeout: 60_000 });
    assert.match(await page.getByTestId('comparison-outcome-a').innerText(), /Connection reset/);
    assert.match(await page.getByTestId('comparison-outcome-b').innerText(), /Handshake complete[\s\S]*200/);
  });
});

describe('a first click right after the page appears', () => {
  it('does not wait for the engine: it loads right after the load event, with no intent shown', async () => {
    const page = await stack.newPage();
    const afterLoad: Promise<string>[] = [];
    let loaded = false;
    page.on('load', () => (loaded = true));
    page.on('response', (response) => {
      if (loaded && response.request().resourceType() === 'script') afterLoad.push(response.text().catch(() => ''));
    });
    await page.goto(stack.baseUrl, { waitUntil: 'load' });
    // No pointer over the form, no focus: the page loads the engine once it has loaded.
    let bodies: string[] = [];
    for (let tries = 0; tries < 50 && !bodies.some((b) => b.includes('renegotiation_info')); tries++) {
      await page.waitForTimeout(100);
      bodies = await Promise.all(afterLoad);
    }
    assert.ok(bodies.some((b) => b.includes('renegotiation_info')), `the engine's code was fetched after load (${bodies.length} scripts)`);
  });

  it('nor for the run configuration: it is asked for while the engine is still on its way, not after', async () => {
    const page = await stack.newPage();
    // In the order the browser reports them: the configuration's request, and the arrival of each
    // script asked for after the load event (the engine's chunks, then the root store's).
    const events: { kind: 'config' | 'script'; body?: Promise<string> }[] = [];
    const afterLoad = new Set<Request>();
    let loaded = false;
    page.on('load', () => (loaded = true));
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/run-config') events.push({ kind: 'config' });
      if (loaded && request.resourceType() === 'script') afterLoad.add(request);
    });
    page.on('requestfinished', (request) => {
      if (afterLoad.has(request)) events.push({ kind: 'script', body: request.response().then((r) => r?.text() ?? '').catch(() => '') });
    });
    await page.goto(stack.baseUrl, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    let engineAt = -1;
    for (const [i, e] of events.entries()) if (engineAt < 0 && e.kind === 'script' && (await e.body)!.includes('renegotiation_info')) engineAt = i;
    const configAt = events.findIndex((e) => e.kind === 'config');
    assert.ok(engineAt >= 0 && configAt >= 0, `the engine (${engineAt}) and the configuration (${configAt}) were both fetched with no intent shown`);
    assert.ok(configAt < engineAt, `the configuration was asked for before the engine's code had arrived (request ${configAt}, engine ${engineAt})`);
  });

  it('nor for the server to render the other pages: the header prefetches a page only once the pointer is on its link', async () => {
    const page = await stack.newPage();
    const prefetched: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.searchParams.has('_rsc')) prefetched.push(url.pathname);
    });
    await page.goto(stack.baseUrl, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(500);
    assert.equal(prefetched.join(', '), '', 'no page was prefetched while the reader only looked');
    await page.getByRole('navigation').getByRole('link', { name: 'Compare' }).hover();
    for (let tries = 0; tries < 50 && !prefetched.includes('/compare'); tries++) await page.waitForTimeout(100);
    assert.ok(prefetched.includes('/compare'), `pointing at Compare prefetched it (${prefetched.join(', ')})`);
    assert.deepEqual([...new Set(prefetched)], ['/compare'], 'and only it');
  });
});
