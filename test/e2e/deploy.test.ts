/**
 * The production deployment of docs/deploy.md, run for real on loopback: the production build under
 * `next start` and the relay as separate processes, behind Debian's Caddy running the sample
 * docs/deploy/Caddyfile as it is, terminating TLS with a certificate from a test CA. Chromium talks
 * only to Caddy's https origin (it trusts exactly that certificate's key): a live run of the IIS
 * demo through wss://…/relay, save, the share link, the embed on another site. Then what the relay's
 * limits see as the client (the proxy's X-Forwarded-For only when the proxy is trusted), and what a
 * forged X-Forwarded-Host sent to the app changes (nothing).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { RELAY_SUBPROTOCOL, parseRelayEvent, type RelayEvent } from '../../lib/transport/relayProtocol';
import { startDemoTargets, type RunningDemo } from '../../server/demo/start';
import { issue, type Issued } from '../../server/pki/issue';
import { appServerArgs, CHROMIUM_ARGS, ROOT, ensureBuild, ensureChromium, freePort } from './harness';

/** The sample configuration, used exactly as docs/deploy.md prints it. */
const CADDYFILE = join(ROOT, 'docs', 'deploy', 'Caddyfile');

const children: ChildProcess[] = [];
let work: string;
let demo: RunningDemo;
let server: Issued;
let ca: Issued;
let browser: Browser;
/** Caddy in front of the app and a relay that trusts it. */
let site: string;
/** A second Caddy, in front of the same app and a relay that does not list it as a trusted proxy. */
let untrustedSite: string;
let appOrigin: string;
const relayLogs = { trusting: [] as Record<string, unknown>[], untrusting: [] as Record<string, unknown>[] };
let hostSite: { server: Server; origin: string; page: string };
const consoleErrors: string[] = [];
/** The run the browser saved (the browser tests run before the ones that use it). */
let savedRun: { id: string; url: string } | undefined;

function saved(): { id: string; url: string } {
  assert.ok(savedRun, 'the browser test saved a run');
  return savedRun;
}

function start(name: string, command: string, args: string[], env: Record<string, string>, onLine?: (line: string) => void): { child: ChildProcess; output: () => string } {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  let partial = '';
  const take = (chunk: Buffer) => {
    output += chunk.toString();
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine?.(line);
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  child.on('exit', (code) => {
    if (code !== null && code !== 0) output += `\n[${name} exited with ${code}]`;
  });
  return { child, output: () => output };
}

async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000, output?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms${output ? `:\n${output().slice(-3000)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A relay as its own process (server/relay/main.ts), as deployed. Resolves its port. */
async function startRelayProcess(name: 'trusting' | 'untrusting', env: Record<string, string>): Promise<number> {
  const relay = start(`relay-${name}`, process.execPath, ['--import', 'tsx', 'server/relay/main.ts'], { RELAY_HOST: '127.0.0.1', RELAY_PORT: '0', ...env }, (line) => {
    if (line.startsWith('{')) relayLogs[name].push(JSON.parse(line) as Record<string, unknown>);
  });
  const ready = await until('the relay is ready', () => relayLogs[name].find((r) => r.event === 'ready'), 30_000, relay.output);
  return Number(new URL(String(ready.url)).port);
}

/** Caddy with the sample Caddyfile; its state (and autosaved config) in a directory of its own. */
async function startCaddy(name: string, port: number, appPort: number, relayPort: number): Promise<string> {
  const home = join(work, name);
  mkdirSync(home, { recursive: true });
  const caddy = start(name, 'caddy', ['run', '--config', CADDYFILE, '--adapter', 'caddyfile'], {
    HOME: home,
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CONFIG_HOME: join(home, 'config'),
    SITE_ADDRESS: `https://127.0.0.1:${port}`,
    APP_UPSTREAMS: `127.0.0.1:${appPort}`,
    RELAY_UPSTREAMS: `127.0.0.1:${relayPort}`,
    CADDY_TLS: `tls ${server.certPath} ${server.keyPath}`,
    // Tests only: no admin endpoint (several Caddys at once), no ACME, no port-80 redirect listener.
    CADDY_GLOBAL: 'admin off\nauto_https off',
  });
  const origin = `https://127.0.0.1:${port}`;
  await until(
    `Caddy (${name}) answers on ${origin}`,
    async () => ((await httpsStatus(`${origin}/healthz-of-nothing`)) ? true : undefined),
    30_000,
    caddy.output,
  );
  return origin;
}

/** GET through TLS that trusts only the test CA; the status, or undefined when nothing answers. */
async function httpsStatus(url: string): Promise<number | undefined> {
  const { request } = await import('node:https');
  return new Promise((resolve) => {
    const req = request(url, { ca: ca.certPem, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** An https request to Caddy with the test CA; the response's status, headers and body. */
async function httpsFetch(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: ca.certPem, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

before(async () => {
  const caddyVersion = spawnSync('caddy', ['version'], { encoding: 'utf8' });
  if (caddyVersion.status !== 0) throw new Error('caddy is not installed: apt-get install -y caddy (.ci/run installs it)');
  await ensureBuild();
  work = mkdtempSync(join(tmpdir(), 'tlspg-deploy-'));

  // The site's certificate, from a CA made for this run.
  ca = await issue({ name: 'deploy-ca', subjectCN: 'TLS Playground Deploy Test CA', keyType: 'p256', isCA: true }, work);
  server = await issue({ name: 'site', subjectCN: '127.0.0.1', keyType: 'p256', issuer: ca, ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'], extendedKeyUsage: ['serverAuth'] }, work);

  const dataDir = join(work, 'demo');
  demo = await startDemoTargets({ dataDir, log: () => undefined });

  const [sitePort, untrustedPort, appPort] = [await freePort(), await freePort(), await freePort()];
  site = `https://127.0.0.1:${sitePort}`;
  untrustedSite = `https://127.0.0.1:${untrustedPort}`;
  appOrigin = `http://127.0.0.1:${appPort}`;

  const relayEnv = { DEMO_DATA_DIR: dataDir, RELAY_MAX_PER_IP: '3', RELAY_DRAIN_TIMEOUT_MS: '0' };
  const trustingPort = await startRelayProcess('trusting', { ...relayEnv, RELAY_ALLOWED_ORIGINS: site, RELAY_TRUSTED_PROXIES: '127.0.0.1' });
  const untrustingPort = await startRelayProcess('untrusting', { ...relayEnv, RELAY_ALLOWED_ORIGINS: untrustedSite });

  const app = start('app', process.execPath, appServerArgs(appPort), {
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    PUBLIC_URL: site,
    RELAY_PUBLIC_URL: `wss://127.0.0.1:${sitePort}/relay`,
    TLSPG_DEMO_DIR: dataDir,
    RESULTS_DB: join(work, 'results.db'),
  });
  await until('the app answers', async () => ((await fetch(appOrigin).catch(() => undefined))?.ok ? true : undefined), 60_000, app.output);
  await startCaddy('caddy', sitePort, appPort, trustingPort);
  await startCaddy('caddy-untrusted', untrustedPort, appPort, untrustingPort);

  const hostPort = await freePort();
  hostSite = { server: undefined as unknown as Server, origin: `http://127.0.0.1:${hostPort}`, page: '' };
  hostSite.server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(hostSite.page));
  await new Promise<void>((resolve) => hostSite.server.listen(hostPort, '127.0.0.1', resolve));

  // Chromium trusts the site's key and nothing else extra (RFC 7469-style SPKI SHA-256 pin).
  const spki = createHash('sha256').update(createPublicKey(server.certPem).export({ type: 'spki', format: 'der' })).digest('base64');
  browser = await chromium.launch({ executablePath: ensureChromium(), args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${spki}`] });
});

after(async () => {
  await browser?.close();
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
  await demo?.close();
  await new Promise((r) => (hostSite ? hostSite.server.close(r) : r(undefined)));
  if (work) rmSync(work, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  return page;
}

async function shownRun(where: Page | Frame): Promise<{ outcome: string | null; steps: string[] }> {
  await where.locator('[data-testid=run][data-status=done]').waitFor({ timeout: 60_000 });
  return {
    outcome: await where.locator('[data-testid=summary-card]').getAttribute('data-outcome'),
    steps: await where.locator('[data-testid=step-row]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? '')),
  };
}

interface RawSession {
  events: RelayEvent[];
  opened: Promise<boolean>;
  ws: WebSocket;
}

/** A relay session through Caddy from a chosen loopback source address, with a forged X-Forwarded-For. */
function sessionThrough(origin: string, siteOrigin: string, from: string): RawSession {
  const ws = new WebSocket(`${origin.replace('https:', 'wss:').replace('http:', 'ws:')}/relay`, RELAY_SUBPROTOCOL, {
    ca: ca.certPem,
    localAddress: from,
    headers: { Origin: siteOrigin, 'X-Forwarded-For': '203.0.113.9' },
  });
  const events: RelayEvent[] = [];
  ws.on('message', (data, isBinary) => {
    const event = isBinary ? undefined : parseRelayEvent(data.toString());
    if (event) events.push(event);
  });
  ws.on('error', () => {});
  const opened = new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('close', () => resolve(false));
  });
  return { events, opened, ws };
}

async function closeAll(sessions: RawSession[]): Promise<void> {
  await Promise.all(
    sessions.map((s) =>
      s.ws.readyState === WebSocket.CLOSED ? undefined : new Promise((r) => { s.ws.once('close', r); s.ws.close(); }),
    ),
  );
}

describe('behind Caddy (docs/deploy/Caddyfile): who the relay’s limits see', () => {
  it('with the proxy trusted, each client address is its own: a forged X-Forwarded-For from a client changes nothing', async () => {
    const held = ['127.0.0.2', '127.0.0.2', '127.0.0.2'].map((from) => sessionThrough(site, site, from));
    try {
      assert.deepEqual(await Promise.all(held.map((s) => s.opened)), [true, true, true]);
      const fourth = sessionThrough(site, site, '127.0.0.2');
      await until('the fourth session from 127.0.0.2 is refused', () => (fourth.events.some((e) => e.type === 'error') ? true : undefined), 10_000);
      assert.equal(fourth.events.find((e) => e.type === 'error' && 'code' in e)?.code, 'LIMIT');
      const other = sessionThrough(site, site, '127.0.0.3');
      assert.equal(await other.opened, true);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(other.events.some((e) => e.type === 'error'), false, `127.0.0.3 is another client: ${JSON.stringify(other.events)}`);
      await closeAll([...held, other, fourth]);
      const clients = await until('session records', () => {
        const records = relayLogs.trusting.filter((r) => r.event === 'session' || r.event === 'session-refused');
        return records.length >= 5 ? records.map((r) => r.client) : undefined;
      });
      assert.deepEqual([...new Set(clients)].sort(), ['127.0.0.2', '127.0.0.3'], 'never Caddy’s 127.0.0.1, never the forged 203.0.113.9');
    } finally {
      await closeAll(held);
    }
  });

  it('with the proxy not trusted, every client is the proxy, and the per-client limit is shared', async () => {
    const held = ['127.0.0.2', '127.0.0.2', '127.0.0.2'].map((from) => sessionThrough(untrustedSite, untrustedSite, from));
    try {
      assert.deepEqual(await Promise.all(held.map((s) => s.opened)), [true, true, true]);
      const other = sessionThrough(untrustedSite, untrustedSite, '127.0.0.3');
      await until('the session from 127.0.0.3 is refused', () => (other.events.some((e) => e.type === 'error') ? true : undefined), 10_000);
      assert.equal(other.events.find((e) => e.type === 'error' && 'code' in e)?.code, 'LIMIT');
      await closeAll([...held, other]);
      const clients = relayLogs.untrusting.filter((r) => r.event === 'session' || r.event === 'session-refused').map((r) => r.client);
      assert.deepEqual([...new Set(clients)], ['127.0.0.1']);
    } finally {
      await closeAll(held);
    }
  });

  it('a forged X-Forwarded-For sent straight to the relay, bypassing the proxy, is not believed', async () => {
    const relayPort = Number(new URL(String(relayLogs.trusting.find((r) => r.event === 'ready')?.url)).port);
    const direct = sessionThrough(`http://127.0.0.1:${relayPort}`, site, '127.0.0.4');
    assert.equal(await direct.opened, true);
    await closeAll([direct]);
    const record = await until('a session record for the direct client', () => relayLogs.trusting.find((r) => r.event === 'session' && r.client === '127.0.0.4'));
    assert.equal(record.client, '127.0.0.4');
    assert.equal(relayLogs.trusting.some((r) => r.client === '203.0.113.9'), false);
  });
});

describe('behind Caddy: the browser through the https origin', () => {
  it('runs the IIS demo live over wss://…/relay, saves it, and the share link is the public https URL', async () => {
    const page = await newPage();
    const response = await page.goto(`${site}/?url=https://iis-renegotiation.test/secure/&run=1`);
    assert.equal(response?.status(), 200);
    const policy = (await response?.allHeaders())?.['content-security-policy'] ?? '';
    assert.match(policy, /script-src 'self' 'nonce-[A-Za-z0-9+/=]+'(;|$)/);
    assert.match(policy, new RegExp(`connect-src 'self' ${site.replace('https:', 'wss:').replace(/[.]/g, '\\.')}(;|$)`));
    const live = await shownRun(page);
    assert.equal(live.outcome, 'reset', 'rustls refuses the renegotiation and IIS resets the connection');
    assert.ok(live.steps.some((s) => s.startsWith('Alert: no_renegotiation (warning)')), live.steps.join('\n'));

    await page.getByTestId('save-button').click();
    const link = page.getByTestId('result-link');
    await link.waitFor();
    const url = (await link.getAttribute('href')) ?? '';
    // The link names the page's language (?lang=…) as share links do.
    const id = /\/r\/([A-Za-z0-9_-]{22})(?:\?lang=[A-Za-z-]+)?$/.exec(url)?.[1];
    assert.ok(id && url.startsWith(`${site}/r/${id}`), url);
    savedRun = { id, url };

    const viewer = await newPage();
    assert.equal((await viewer.goto(url))?.status(), 200);
    assert.equal((await shownRun(viewer)).outcome, 'reset');
    const ogUrl = await viewer.locator('meta[property="og:url"]').getAttribute('content');
    assert.ok(ogUrl?.startsWith(`${site}/r/${id}`), `og:url ${ogUrl}`);
  });

  it('shows the saved run in an embed on another site, and a live embed there runs after a click', async () => {
    hostSite.page = `<!doctype html><meta charset="utf-8"><title>Docs</title>
<iframe src="${site}/embed/r/${saved().id}" sandbox="allow-scripts" style="width:720px;height:560px;border:0"></iframe>
<iframe src="${site}/embed?url=https://iis-renegotiation.test/secure/&as=openssl&cert=demo&run=1" sandbox="allow-scripts allow-same-origin" style="width:720px;height:600px;border:0"></iframe>`;
    const page = await newPage();
    await page.goto(`${hostSite.origin}/`);
    const frameAt = (prefix: string) => until(`a frame at ${prefix}`, () => page.frames().find((f) => f.url().startsWith(prefix)));
    const savedFrame = await frameAt(`${site}/embed/r/`);
    assert.equal((await shownRun(savedFrame)).outcome, 'reset');
    const liveFrame = await frameAt(`${site}/embed?`);
    await liveFrame.getByTestId('run-held-back').waitFor();
    await liveFrame.getByTestId('run-button').click();
    const run = await shownRun(liveFrame);
    assert.equal(run.outcome, 'ok', 'OpenSSL renegotiates with the demo client certificate and gets the page');
  });

  it('logged no errors in any page', () => {
    assert.deepEqual(consoleErrors, []);
  });
});

describe('a forged X-Forwarded-Host changes no URL', () => {
  const forged = { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'http', 'X-Forwarded-Port': '8666', Forwarded: 'host=evil.example;proto=http' };
  const forgedHost = /evil\.example|:8666/;

  it('in any response of the app, sent straight to it (bypassing the proxy)', async () => {
    const { id, url } = saved();
    const trace = await (await fetch(`${appOrigin}/api/results/${id}`)).text();
    const requests: [string, RequestInit?][] = [
      ['/'],
      [`/r/${id}`],
      [`/embed/r/${id}`],
      [`/embed/r/${id}/steps`],
      [`/api/results/${id}`],
      [`/api/oembed?url=${encodeURIComponent(url)}&format=json`],
      ['/embed?url=https%3A%2F%2Fiis-renegotiation.test%2Fsecure%2F'],
      ['/r/0000000000000000000000'],
      ['/api/results', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: trace }],
    ];
    for (const [path, init] of requests) {
      const response = await fetch(`${appOrigin}${path}`, { ...init, redirect: 'manual', headers: { ...(init?.headers as Record<string, string>), ...forged } });
      const headers = [...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
      const body = await response.text();
      assert.ok(response.status < 500, `${path}: ${response.status}`);
      assert.doesNotMatch(headers, forgedHost, `${path}: headers`);
      assert.doesNotMatch(body, forgedHost, `${path}: body`);
      if (init?.method === 'POST') {
        assert.ok(response.status === 200 || response.status === 201, `saved again: ${response.status}`);
        assert.equal(response.headers.get('location'), `${site}/r/${id}`, 'Location is the link PUBLIC_URL makes');
        assert.equal((JSON.parse(body) as { url: string }).url, `${site}/r/${id}`);
      }
    }
    const oembed = await (await fetch(`${appOrigin}/api/oembed?url=${encodeURIComponent(url)}&format=json`, { headers: forged })).text();
    assert.match(oembed, new RegExp(`"provider_url":"${site.replace(/[.]/g, '\\.')}/"`));
  });

  it('through Caddy, which replaces what the client sent', async () => {
    const proxied = await httpsFetch(`${site}/r/${saved().id}`, { headers: forged });
    assert.equal(proxied.status, 200);
    assert.doesNotMatch(proxied.body, forgedHost);
    assert.match(proxied.body, new RegExp(`<meta property="og:url" content="${site.replace(/[.]/g, '\\.')}/r/${saved().id}[?"]`));
  });
});

