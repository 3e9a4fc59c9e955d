/**
 * The playground in WebKit, Safari's engine (issue 5: "works in current Chrome, Firefox and Safari").
 * Safari itself runs only on Apple systems; Debian ships WebKitGTK, the same engine (JavaScriptCore,
 * WebCore, its WebSocket and its Web Crypto), with MiniBrowser and WebKitWebDriver. The test speaks
 * the W3C WebDriver protocol (https://www.w3.org/TR/webdriver2/) to WebKitWebDriver over HTTP with
 * fetch: a handful of commands, no client library. MiniBrowser needs a display, so it draws into an
 * Xvfb started for the test. Same production build, relay and demo targets as the other e2e tests.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { assertIisRustlsReset, assertTls13Ok, runResult, type RunResult } from './expectations';
import { freePort, screenshotPath, startServers, type Servers } from './harness';

const WEBDRIVER = '/usr/bin/WebKitWebDriver';
const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const XVFB = '/usr/bin/Xvfb';

/** WebKitWebDriver (which pulls in WebKitGTK and its MiniBrowser) and Xvfb, installed on first use when we are root. */
function ensureWebKit(): void {
  const missing = [WEBDRIVER, MINIBROWSER, XVFB].filter((p) => !existsSync(p));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`${missing.join(', ')} missing; install with: apt-get install -y webkit2gtk-driver xvfb`);
  execFileSync('apt-get', ['install', '-y', 'webkit2gtk-driver', 'xvfb'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const still = [WEBDRIVER, MINIBROWSER, XVFB].filter((p) => !existsSync(p));
  if (still.length > 0) throw new Error(`apt-get install webkit2gtk-driver xvfb did not provide ${still.join(', ')}`);
}

/** An X server of our own; -displayfd makes it pick a free display and tell us which. */
function startXvfb(): Promise<{ display: string; process: ChildProcess }> {
  const xvfb = spawn(XVFB, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    xvfb.stderr!.on('data', (d) => (err += d));
    xvfb.stdio[3]!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve({ display: `:${out.trim()}`, process: xvfb });
    });
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited with code ${code}: ${err}`)));
  });
}

/** The web element identifier (WebDriver section 12.1). */
const ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';
type ElementRef = { [ELEMENT_KEY]: string };

/** One WebDriver session: the few commands the tests need, each a plain HTTP request. */
class WebDriver {
  constructor(
    private readonly base: string,
    private readonly sessionId: string,
  ) {}

  static async newSession(base: string): Promise<WebDriver> {
    const value = await command(base, 'POST', '/session', {
      capabilities: {
        alwaysMatch: {
          browserName: 'MiniBrowser',
          'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
        },
      },
    });
    return new WebDriver(base, (value as { sessionId: string }).sessionId);
  }

  send(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    return command(this.base, method, `/session/${this.sessionId}${path}`, body);
  }

  /** Runs `script` as a function body in the page (WebDriver "Execute Script"); element references round-trip. */
  execute<T>(script: string, ...args: unknown[]): Promise<T> {
    return this.send('POST', '/execute/sync', { script, args }) as Promise<T>;
  }

  async find(css: string): Promise<ElementRef> {
    return (await this.send('POST', '/element', { using: 'css selector', value: css })) as ElementRef;
  }

  /** A real click (WebDriver "Element Click": scrolled into view, hit-tested, then pointer events). */
  async click(element: ElementRef): Promise<void> {
    await this.send('POST', `/element/${element[ELEMENT_KEY]}/click`, {});
  }

  /** Polls `predicate` (a script returning a boolean) until it holds. */
  async waitFor(predicate: string, timeoutMs: number, ...args: unknown[]): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await this.execute<boolean>(predicate, ...args)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for: ${predicate}`);
  }

  async screenshot(name: string): Promise<void> {
    const png = (await this.send('GET', '/screenshot')) as string;
    writeFileSync(screenshotPath(name), Buffer.from(png, 'base64'));
  }

  async quit(): Promise<void> {
    await this.send('DELETE', '');
  }
}

/** A WebDriver error comes back as {value: {error, message}} with a 4xx/5xx status; this throws it with the command. */
async function command(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(base + path, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as { value: unknown };
  if (!response.ok) {
    const { error, message } = json.value as { error: string; message: string };
    throw new Error(`WebDriver ${method} ${path}: ${error}: ${message}`);
  }
  return json.value;
}

async function waitForStatus(base: string, driver: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null) throw new Error(`WebKitWebDriver exited with code ${driver.exitCode}`);
    try {
      const status = (await command(base, 'GET', '/status')) as { ready: boolean };
      if (status.ready) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`WebKitWebDriver did not answer at ${base} within ${timeoutMs} ms`);
}

/**
 * WebKitGTK's WebDriver has no console log endpoint and no BiDi (it refuses the webSocketUrl
 * capability), so nothing can hook the page before its own scripts run. The next best thing: right
 * after navigation, record uncaught errors, unhandled rejections and console.error calls into a
 * global that the last test reads. An error during hydration itself would leave Next's
 * "Application error" page instead of the playground, which the first test checks.
 */
const RECORD_ERRORS = `
  window.__webkitErrors = [];
  window.addEventListener('error', (e) => window.__webkitErrors.push('error: ' + e.message));
  window.addEventListener('unhandledrejection', (e) => window.__webkitErrors.push('unhandled rejection: ' + String(e.reason)));
  const original = console.error.bind(console);
  console.error = (...args) => { window.__webkitErrors.push('console.error: ' + args.map(String).join(' ')); original(...args); };
`;

/**
 * The browser's environment: GSettings from memory, so the proxy settings are GNOME's defaults (no
 * proxy, no auto-discovery) whatever the machine has configured; no accessibility bus; local files only.
 */
const BROWSER_ENV = { NO_AT_BRIDGE: '1', GIO_USE_VFS: 'local', GSETTINGS_BACKEND: 'memory' };

let servers: Servers;
let xvfb: ChildProcess | undefined;
let driverProcess: ChildProcess | undefined;
let driver: WebDriver;

before(async () => {
  ensureWebKit();
  servers = await startServers();
  const x = await startXvfb();
  xvfb = x.process;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  driverProcess = spawn(WEBDRIVER, [`--port=${port}`, '--host=127.0.0.1'], {
    stdio: 'ignore',
    env: { ...process.env, ...BROWSER_ENV, DISPLAY: x.display },
  });
  await waitForStatus(base, driverProcess, 10_000);
  driver = await WebDriver.newSession(base);
  await driver.send('POST', '/window/rect', { width: 1280, height: 900 });
  // Navigate waits for the load event (pageLoadStrategy "normal").
  await driver.send('POST', '/url', { url: servers.baseUrl });
  await driver.execute(RECORD_ERRORS);
  await driver.waitFor(`return document.querySelector('[data-testid=run-options] summary') !== null`, 10_000);
  await driver.click(await driver.find('[data-testid=run-options] summary'));
});

after(async () => {
  await driver?.quit().catch(() => undefined);
  driverProcess?.kill();
  xvfb?.kill();
  await servers?.close();
});

/** Checks the radio button whose label, as rendered, matches `label` (the chromium tests' labels). */
async function checkRadio(group: string, label: RegExp) {
  const radios = (await driver.send('POST', '/elements', { using: 'css selector', value: `input[type=radio][name="${group}"]` })) as ElementRef[];
  for (const radio of radios) {
    const text = await driver.execute<string>(`return arguments[0].closest('label')?.innerText.trim() ?? ''`, radio);
    if (label.test(text)) {
      await driver.click(radio);
      assert.equal(await driver.execute<boolean>('return arguments[0].checked', radio), true, `radio ${text} is checked`);
      return;
    }
  }
  assert.fail(`no ${group} radio labelled ${label}`);
}


/** One click on a demo target; waits until the run for that target's host is done. */
async function runDemo(name: string, host: string): Promise<RunResult> {
  await driver.click(await driver.find(`[data-testid=demo-target][data-target="${name}"]`));
  // The diagram's header names the server, so a finished earlier run cannot be mistaken for this one.
  await driver.waitFor(
    `return document.querySelector('[data-testid=run][data-status=done]') !== null && document.querySelector('[data-testid=sequence-diagram] [title="' + arguments[0] + '"]') !== null`,
    40_000,
    host,
  );
  const run = await driver.execute<{ outcome: string | null; summary: string; labels: string[] }>(`
    const card = document.querySelector('[data-testid=summary-card]');
    return {
      outcome: card.getAttribute('data-outcome'),
      summary: card.innerText,
      labels: [...document.querySelectorAll('[data-testid=step-row]')].map((row) => row.getAttribute('aria-label') ?? ''),
    };
  `);
  return runResult(run.outcome, run.summary, run.labels);
}


describe('the playground in WebKit (Safari engine)', () => {
  it('runs in WebKit itself, in a secure context with Web Crypto, and the page hydrated', async () => {
    const env = await driver.execute<{ userAgent: string; secure: boolean; subtle: string; appError: boolean }>(`
      return {
        userAgent: navigator.userAgent,
        secure: window.isSecureContext,
        subtle: typeof crypto.subtle,
        appError: /Application error/.test(document.body.innerText),
      };
    `);
    assert.match(env.userAgent, /AppleWebKit\/\d+.*Safari\/\d+/);
    assert.doesNotMatch(env.userAgent, /Chrome|Firefox/);
    assert.equal(env.secure, true, 'http://127.0.0.1 is a secure context, so crypto.subtle exists');
    assert.equal(env.subtle, 'object');
    assert.equal(env.appError, false);
  });

  it('IIS renegotiation as rustls: HelloRequest, warning no_renegotiation, connection reset', async () => {
    await checkRadio('personality', /^rustls\s/);
    await checkRadio('client-certificate', /^None$/);
    const run = await runDemo('iis-renegotiation', 'iis-renegotiation.test');
    assertIisRustlsReset(run);
    // The failed run opens the reset and says why (the detail opens as the run's last render lands).
    await driver.waitFor(`return /Connection reset by peer/.test(document.querySelector('[data-testid=step-detail] h3')?.innerText ?? '')`, 5_000);
    const detail = await driver.execute<{ title: string; text: string }>(`
      const detail = document.querySelector('[data-testid=step-detail]');
      return { title: detail.querySelector('h3').innerText, text: detail.innerText };
    `);
    assert.match(detail.title, /Connection reset by peer/);
    assert.match(detail.text, /Why did this happen\?/);
    await driver.screenshot('webkit-iis-rustls-reset');
  });

  it('TLS 1.3: the handshake completes and the server answers 200', async () => {
    const run = await runDemo('tls13', 'tls13.test');
    assertTls13Ok(run);
    await driver.screenshot('webkit-tls13');
  });

  it('saves the run and gives its share link (the upload gzipped where the browser can)', async () => {
    await driver.click(await driver.find('[data-testid=save-button]'));
    await driver.waitFor(`return document.querySelector('[data-testid=save-result][data-status=saved]') !== null`, 20_000);
    const link = await driver.execute<string>(`return document.querySelector('[data-testid=result-link]').href`);
    const id = /\/r\/([A-Za-z0-9_-]+)(?:\?lang=[A-Za-z-]+)?$/.exec(link)?.[1];
    assert.ok(id, link);
    const saved = (await (await fetch(`${servers.baseUrl}/api/results/${id}`)).json()) as { options: { url: string } };
    assert.equal(saved.options.url, 'https://tls13.test/');
  });

  it('leaves no JavaScript errors behind (recorded from just after load; see RECORD_ERRORS)', async () => {
    assert.deepEqual(await driver.execute<string[]>('return window.__webkitErrors'), []);
  });
});
