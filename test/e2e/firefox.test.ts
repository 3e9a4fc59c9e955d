/**
 * The playground in Firefox (issue 5: "works in current Chrome, Firefox and Safari"): Debian's
 * firefox-esr, driven by puppeteer-core over WebDriver BiDi, against the same production build, relay
 * and demo targets as the chromium tests. The TLS client runs in Firefox's JavaScript engine and its
 * bytes go through Firefox's WebSocket, so this checks the engine, the crypto backends and the page in
 * a second browser, not just the layout.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { assertIisRustlsReset, assertTls13Ok, runResult, type RunResult } from './expectations';
import { screenshotPath, startServers, type Servers } from './harness';

const FIREFOX = '/usr/bin/firefox-esr';

/** Debian's firefox-esr, installed on first use when we are root (as ensureChromium does). */
function ensureFirefox(): string {
  if (existsSync(FIREFOX)) return FIREFOX;
  if (process.getuid?.() !== 0) throw new Error(`${FIREFOX} is missing; install it with: apt-get install -y firefox-esr`);
  execFileSync('apt-get', ['install', '-y', 'firefox-esr'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (!existsSync(FIREFOX)) throw new Error(`apt-get install firefox-esr did not provide ${FIREFOX}`);
  return FIREFOX;
}

/**
 * Puppeteer's profile already turns off updates, telemetry and safe browsing; these close the rest.
 * Every request that is not for loopback goes to a proxy on 127.0.0.1:9, where nothing listens
 * (loopback itself never goes through the proxy). Remote Settings is the exception that needs more:
 * a release build ignores services.settings.server and looks up its default host in DNS, proxy or
 * not, unless MOZ_REMOTE_SETTINGS_DEVTOOLS is set (see launch below). With both, an strace of a run
 * shows no connect() and no DNS query beyond 127.0.0.1.
 */
const OFFLINE_PREFS: Record<string, string | number | boolean> = {
  'services.settings.server': 'http://127.0.0.1:9/v1',
  'network.proxy.type': 1,
  'network.proxy.http': '127.0.0.1',
  'network.proxy.http_port': 9,
  'network.proxy.ssl': '127.0.0.1',
  'network.proxy.ssl_port': 9,
  'network.proxy.share_proxy_settings': true,
  'network.proxy.no_proxies_on': 'localhost, 127.0.0.1',
  'network.trr.mode': 5,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.connectivity-service.enabled': false,
  'network.captive-portal-service.enabled': false,
  'browser.region.network.url': '',
  'browser.region.update.enabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.server': '',
  'extensions.systemAddon.update.enabled': false,
  'security.OCSP.enabled': 0,
  'security.remote_settings.crlite_filters.enabled': false,
  // The light theme, as the chromium tests use, so screenshots compare.
  'layout.css.prefers-color-scheme.content-override': 1,
};

let servers: Servers;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

before(async () => {
  const executablePath = ensureFirefox();
  servers = await startServers();
  browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath,
    headless: true,
    defaultViewport: { width: 1280, height: 900 },
    extraPrefsFirefox: OFFLINE_PREFS,
    env: { ...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' },
  });
  page = await browser.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: ${error instanceof Error ? error.message : String(error)}`));
  await page.goto(servers.baseUrl, { waitUntil: 'load' });
  await page.locator('[data-testid=run-options] summary').click();
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await servers?.close();
});

/** Checks the radio button whose label, as rendered, matches `label` (the chromium tests' labels). */
async function checkRadio(group: string, label: RegExp) {
  const radios = await page.$$(`input[type=radio][name="${group}"]`);
  for (const radio of radios) {
    const text = await radio.evaluate((input) => input.closest('label')?.innerText.trim() ?? '');
    if (label.test(text)) {
      await radio.click();
      assert.equal(await radio.evaluate((input) => input.checked), true, `radio ${text} is checked`);
      return;
    }
  }
  assert.fail(`no ${group} radio labelled ${label}`);
}


/** One click on a demo target; waits until the run for that target's host is done. */
async function runDemo(name: string, host: string): Promise<RunResult> {
  await page.locator(`[data-testid=demo-target][data-target="${name}"]`).click();
  // The diagram's header names the server, so a finished earlier run cannot be mistaken for this one.
  await page.waitForFunction(
    (h) => document.querySelector('[data-testid=run][data-status=done]') !== null && document.querySelector(`[data-testid=sequence-diagram] [title="${h}"]`) !== null,
    { timeout: 40_000 },
    host,
  );
  const summary = await page.$eval('[data-testid=summary-card]', (card) => ({ outcome: card.getAttribute('data-outcome'), text: (card as HTMLElement).innerText }));
  const labels = await page.$$eval('[data-testid=step-row]', (rows) => rows.map((row) => row.getAttribute('aria-label') ?? ''));
  return runResult(summary.outcome, summary.text, labels);
}


describe('the playground in Firefox', () => {
  it('runs in Firefox itself, not in another browser', async () => {
    assert.match(await page.evaluate(() => navigator.userAgent), /Firefox\/\d+/);
  });

  it('IIS renegotiation as rustls: HelloRequest, warning no_renegotiation, connection reset', async () => {
    await checkRadio('personality', /^rustls\s/);
    await checkRadio('client-certificate', /^None$/);
    const run = await runDemo('iis-renegotiation', 'iis-renegotiation.test');
    assertIisRustlsReset(run);
    // The failed run opens the reset and says why.
    assert.match(await page.$eval('[data-testid=step-detail] h3', (h) => (h as HTMLElement).innerText), /Connection reset by peer/);
    assert.match(await page.$eval('[data-testid=step-detail]', (d) => (d as HTMLElement).innerText), /Why did this happen\?/);
    await page.screenshot({ path: screenshotPath('firefox-iis-rustls-reset'), fullPage: true });
  });

  it('a step opened from the diagram shows its bytes; a field lights up its bytes and a byte its field', async () => {
    await page.locator('[data-testid=step-row][aria-label^="HelloRequest, "][aria-label*=" B, server to client,"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=step-detail] h3')?.textContent?.trim() === 'HelloRequest');
    const cells = await page.$$eval('[data-testid=hex-grid] [role=gridcell]', (els) => els.map((e) => e.textContent ?? ''));
    // A HelloRequest is msg_type 0 and a zero length: four bytes (RFC 5246 section 7.4.1.1).
    assert.deepEqual(cells.slice(0, 4), ['00', '00', '00', '00'], `hex view cells: ${cells.join(' ')}`);
    assert.ok(cells.every((c) => /^[0-9a-f]{2}$/.test(c)), `every cell is one byte in hex: ${cells.join(' ')}`);

    // Field to bytes: hovering msg_type lights up byte 0 and nothing else.
    const fields = await page.$$('[data-testid=step-detail] [data-testid=hex-field]');
    const names = await Promise.all(fields.map((f) => f.evaluate((li) => li.querySelector('.font-mono')?.textContent ?? '')));
    const msgType = fields[names.indexOf('msg_type')];
    assert.ok(msgType, `the field tree lists msg_type: ${names.join(', ')}`);
    await msgType.hover();
    await page.waitForFunction(() => document.querySelector('[data-testid=field-detail] .font-semibold')?.textContent === 'msg_type');
    assert.deepEqual(await page.$$eval('[data-testid=hex-grid] [data-lit=true]', (els) => els.map((e) => e.getAttribute('data-byte'))), ['0']);

    // Bytes to field: hovering byte 2 lights up the three bytes of length.
    const byte = await page.$('[data-testid=hex-grid] [data-byte="2"]');
    await byte!.hover();
    await page.waitForFunction(() => document.querySelector('[data-testid=field-detail] .font-semibold')?.textContent === 'length');
    assert.deepEqual(await page.$$eval('[data-testid=hex-grid] [data-lit=true]', (els) => els.map((e) => e.getAttribute('data-byte'))), ['1', '2', '3']);
    await page.screenshot({ path: screenshotPath('firefox-hello-request-hex'), fullPage: true });
  });

  it('TLS 1.3: the handshake completes and the server answers 200', async () => {
    const run = await runDemo('tls13', 'tls13.test');
    assertTls13Ok(run);
    await page.screenshot({ path: screenshotPath('firefox-tls13'), fullPage: true });
  });

  it('saves the run and gives its share link (the upload gzipped where the browser can)', async () => {
    await page.click('[data-testid=save-button]');
    await page.waitForSelector('[data-testid=save-result][data-status=saved]', { timeout: 20_000 });
    const link = await page.$eval('[data-testid=result-link]', (a) => (a as HTMLAnchorElement).href);
    const id = /\/r\/([A-Za-z0-9_-]+)(?:\?lang=[A-Za-z-]+)?$/.exec(link)?.[1];
    assert.ok(id, link);
    const saved = (await (await fetch(`${servers.baseUrl}/api/results/${id}`)).json()) as { options: { url: string } };
    assert.equal(saved.options.url, 'https://tls13.test/');
  });

  it('leaves no console errors behind', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
