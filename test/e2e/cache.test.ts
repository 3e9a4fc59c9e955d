/**
 * Saved runs served like static files, against the production build: every view of a saved run is
 * rendered once and then served from the render cache (the x-render-cache header says where each
 * answer came from: render, memory or store — no timing is measured), with immutable caching; an
 * unknown id is a 404 no cache keeps; two app instances on one PostgreSQL render a view once between
 * them; the light embed works in a frame sandboxed with allow-scripts alone, loads nothing but
 * itself, reports its height, and opens the interactive embed on a click or from the keyboard.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { appServerArgs, frameAt, freePort, ROOT, screenshotPath, startStack, type Stack } from './harness';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { en } from '../../lib/i18n/messages/en';

const TRACE = readFileSync(join(ROOT, 'test/fixtures/traces/v1-iis-rustls-reset.json'), 'utf8');
const IMMUTABLE = 'public, max-age=31536000, immutable';
const UNKNOWN = 'AAAAAAAAAAAAAAAAAAAAAA';

let stack: Stack;
let id: string;
let host: { server: Server; origin: string; page: string };

async function save(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/results`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: TRACE });
  assert.ok(response.status === 201 || response.status === 200, String(response.status));
  return ((await response.json()) as { id: string }).id;
}

/** The views of a saved run, by name. */
function views(baseUrl: string, ofId: string): Record<string, string> {
  return {
    page: `/r/${ofId}`,
    embed: `/embed/r/${ofId}`,
    steps: `/embed/r/${ofId}/steps`,
    preview: `/r/${ofId}/preview.png`,
    oembed: `/api/oembed?url=${encodeURIComponent(`${baseUrl}/r/${ofId}`)}&format=json`,
    json: `/api/results/${ofId}`,
  };
}

async function get(baseUrl: string, path: string): Promise<{ status: number; source: string | null; cacheControl: string | null; vary: string[]; body: Buffer; csp: string | null }> {
  const response = await fetch(`${baseUrl}${path}`);
  return {
    status: response.status,
    source: response.headers.get('x-render-cache'),
    cacheControl: response.headers.get('cache-control'),
    vary: (response.headers.get('vary') ?? '').split(',').map((v) => v.trim().toLowerCase()),
    body: Buffer.from(await response.arrayBuffer()),
    csp: response.headers.get('content-security-policy'),
  };
}

before(async () => {
  stack = await startStack();
  id = await save(stack.baseUrl);
  const port = await freePort();
  host = { server: createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(host.page)), origin: `http://127.0.0.1:${port}`, page: '' };
  await new Promise<void>((resolve) => host.server.listen(port, '127.0.0.1', resolve));
});

after(async () => {
  await stack?.close();
  await new Promise((resolve) => host?.server.close(resolve));
});

describe('render once, serve many', () => {
  it('renders each view on its first request only: the second is served from memory, byte for byte the same, immutable', async () => {
    for (const [name, path] of Object.entries(views(stack.baseUrl, id))) {
      const first = await get(stack.baseUrl, path);
      const second = await get(stack.baseUrl, path);
      assert.equal(first.status, 200, name);
      assert.deepEqual([first.source, second.source], ['render', 'memory'], `${name}: rendered, then served from memory`);
      assert.ok(second.body.equals(first.body), `${name}: the same bytes`);
      assert.equal(second.cacheControl, IMMUTABLE, name);
    }
  });

  it('varies only on what besides the URL decided the answer: the language without ?lang= (the origin is PUBLIC_URL)', async () => {
    const v = views(stack.baseUrl, id);
    for (const name of ['page', 'embed', 'steps', 'oembed']) {
      const negotiated = await get(stack.baseUrl, v[name]);
      assert.ok(negotiated.vary.includes('accept-language') && negotiated.vary.includes('cookie'), `${name}: ${negotiated.vary.join(', ')}`);
      const named = await get(stack.baseUrl, `${v[name]}${v[name].includes('?') ? '&' : '?'}lang=en`);
      assert.ok(!named.vary.includes('accept-language') && !named.vary.includes('cookie'), `${name}?lang=en: ${named.vary.join(', ')}`);
      assert.equal(named.cacheControl, IMMUTABLE);
      assert.ok(!named.vary.some((h) => ['x-forwarded-host', 'host'].includes(h)), `${name}: links come from PUBLIC_URL alone`);
    }
    for (const name of ['preview', 'json']) {
      const answer = await get(stack.baseUrl, v[name]);
      assert.ok(!answer.vary.some((h) => ['accept-language', 'cookie', 'x-forwarded-host'].includes(h)), `${name}: ${answer.vary.join(', ')}`);
    }
  });

  it('renders each language once: ?lang=zh-CN is a view of its own, in Chinese', async () => {
    const first = await get(stack.baseUrl, `/r/${id}?lang=zh-CN`);
    const second = await get(stack.baseUrl, `/r/${id}?lang=zh-CN`);
    assert.deepEqual([first.source, second.source], ['render', 'memory']);
    assert.match(first.body.toString('utf8'), /<html lang="zh-CN"/);
    assert.match((await get(stack.baseUrl, `/r/${id}?lang=en`)).body.toString('utf8'), /<html lang="en"/);
    // Accept-Language picks the same view when there is no ?lang=.
    const negotiated = await fetch(`${stack.baseUrl}/r/${id}`, { headers: { 'Accept-Language': 'zh-CN,zh;q=0.9' } });
    assert.equal(negotiated.headers.get('x-render-cache'), 'memory');
    assert.ok(Buffer.from(await negotiated.arrayBuffer()).equals(first.body));
  });

  it('sends each cached page a policy that allows its own inline scripts by hash, not any inline script', async () => {
    for (const name of ['page', 'embed', 'steps']) {
      const answer = await get(stack.baseUrl, views(stack.baseUrl, id)[name]);
      assert.ok(answer.csp, name);
      const scriptSrc = /script-src ([^;]*)/.exec(answer.csp)?.[1] ?? '';
      assert.doesNotMatch(scriptSrc, /unsafe-inline/, name);
      assert.match(scriptSrc, /'sha256-[A-Za-z0-9+/=]+'/, name);
      assert.match(answer.csp, name === 'page' ? /frame-ancestors 'self'/ : /frame-ancestors \*/, name);
    }
  });

  it('answers an unknown id with a 404 that no cache keeps, every time (a result saved later is found)', async () => {
    for (const [name, path] of Object.entries(views(stack.baseUrl, UNKNOWN))) {
      for (let i = 0; i < 2; i++) {
        const answer = await get(stack.baseUrl, path);
        assert.equal(answer.status, 404, name);
        assert.equal(answer.cacheControl, 'no-store', name);
        assert.equal(answer.source, null, `${name}: nothing was cached`);
      }
    }
  });
});

/** One raw HTTP answer (no decompression), as a cache or a browser receives it. */
function raw(baseUrl: string, path: string, { method = 'GET', headers = {} }: { method?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, baseUrl), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Headers that describe a view's answer (not the connection, the date, the framing or where the bytes came from). */
function describing(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'x-render-cache', 'vary'].includes(name)) continue;
    out[name] = String(value);
  }
  return out;
}

/** Vary's names, lower case, without the ones Next's router adds to every app route (no view reads them). */
function varyOf(headers: IncomingHttpHeaders): string[] {
  const routerOnly = ['rsc', 'next-router-state-tree', 'next-router-prefetch', 'next-router-segment-prefetch'];
  return String(headers.vary ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v && !routerOnly.includes(v))
    .sort();
}

describe('the fast path: a view this instance holds in memory is answered before Next\'s router', () => {
  let other: string;
  before(async () => {
    // A run no other test has asked for, so its first request of each view goes through Next.
    const saved = await fetch(`${stack.baseUrl}/api/results`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: readFileSync(join(ROOT, 'test/fixtures/traces/v1-legacy-tls12.json')) });
    assert.ok(saved.ok, String(saved.status));
    other = ((await saved.json()) as { id: string }).id;
  });

  it('with the same status, headers and bytes as the route that rendered it (security headers, policy, Vary), gzipped once', async () => {
    const gzip = { headers: { 'Accept-Encoding': 'gzip' } };
    const bytes = (answer: { headers: IncomingHttpHeaders; body: Buffer }) => (answer.headers['content-encoding'] === 'gzip' ? gunzipSync(answer.body) : answer.body);
    for (const [name, path] of Object.entries(views(stack.baseUrl, other))) {
      const viaNext = await raw(stack.baseUrl, path, gzip);
      const fast = await raw(stack.baseUrl, path, gzip);
      const plain = await raw(stack.baseUrl, path, { headers: { 'Accept-Encoding': 'identity' } });
      assert.deepEqual([viaNext.headers['x-render-cache'], fast.headers['x-render-cache'], plain.headers['x-render-cache']], ['render', 'memory', 'memory'], name);
      assert.equal(fast.status, viaNext.status, name);
      const { 'content-encoding': coding, ...fastHeaders } = describing(fast.headers);
      const { 'content-encoding': _, ...nextHeaders } = describing(viaNext.headers);
      assert.deepEqual(fastHeaders, nextHeaders, `${name}: the same headers`);
      // Compressed once, when there is something to gain (Next gzips every streamed answer, the smallest too).
      const worth = bytes(viaNext).length >= 1024 && /^(text\/|application\/json)/.test(String(fast.headers['content-type']));
      assert.equal(coding, worth ? 'gzip' : undefined, `${name}: ${bytes(viaNext).length} bytes of ${fast.headers['content-type']}`);
      assert.equal(varyOf(fast.headers).includes('accept-encoding'), worth, `${name}: Vary names Accept-Encoding when the coding depends on it`);
      const others = (headers: IncomingHttpHeaders) => varyOf(headers).filter((h) => h !== 'accept-encoding');
      assert.deepEqual(others(fast.headers), others(viaNext.headers), `${name}: the same Vary`);
      assert.ok(bytes(fast).equals(bytes(viaNext)), `${name}: the same bytes`);
      assert.equal(Number(fast.headers['content-length']), fast.body.length, `${name}: a length, not chunks`);
      // Without gzip: the same answer, uncompressed.
      assert.deepEqual(describing(plain.headers), nextHeaders, `${name}: the same headers without gzip`);
      assert.ok(plain.body.equals(bytes(viaNext)), `${name}: the same bytes without gzip`);
    }
    // The security headers are there (a framed-by-anyone embed has no X-Frame-Options; the page does).
    const page = await raw(stack.baseUrl, `/r/${other}?lang=en`);
    const embed = await raw(stack.baseUrl, `/embed/r/${other}?lang=en`);
    assert.equal(page.headers['x-render-cache'], 'memory');
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN');
    assert.equal(embed.headers['x-frame-options'], undefined);
    assert.equal((await raw(stack.baseUrl, `/api/results/${other}`)).headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
  });

  it('answers HEAD with the GET answer\'s headers and no body, and leaves other methods to Next', async () => {
    const path = `/embed/r/${other}?lang=en`;
    const got = await raw(stack.baseUrl, path, { headers: { 'Accept-Encoding': 'gzip' } });
    const head = await raw(stack.baseUrl, path, { method: 'HEAD', headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(head.status, 200);
    assert.equal(head.headers['x-render-cache'], 'memory');
    assert.equal(head.headers['content-length'], got.headers['content-length']);
    assert.equal(head.body.length, 0);
    const posted = await raw(stack.baseUrl, path, { method: 'POST' });
    assert.equal(posted.status, 405, 'the route has no POST: Next says so');
  });

  it('takes gzip;q=0 as a refusal of gzip', async () => {
    const refused = await raw(stack.baseUrl, `/r/${other}?lang=en`, { headers: { 'Accept-Encoding': 'gzip;q=0, *' } });
    assert.equal(refused.headers['x-render-cache'], 'memory');
    assert.equal(refused.headers['content-encoding'], undefined);
    assert.match(refused.body.toString('utf8'), /^<!DOCTYPE html>/i);
  });
});

describe('icons', () => {
  it('serves the favicon, the Apple touch icon and the web manifest with its icons', async () => {
    const expected: [string, RegExp][] = [
      ['/favicon.ico', /^image\/(x-icon|vnd\.microsoft\.icon)$/],
      ['/icon.svg', /^image\/svg\+xml/],
      ['/apple-icon.png', /^image\/png$/],
      ['/icon-192.png', /^image\/png$/],
      ['/icon-512.png', /^image\/png$/],
      ['/manifest.webmanifest', /^application\/manifest\+json/],
    ];
    for (const [path, type] of expected) {
      const response = await fetch(`${stack.baseUrl}${path}`);
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get('content-type') ?? '', type, path);
    }
    const manifest = (await (await fetch(`${stack.baseUrl}/manifest.webmanifest`)).json()) as { icons: { src: string }[] };
    assert.deepEqual(manifest.icons.map((i) => i.src), ['/icon.svg', '/icon-192.png', '/icon-512.png']);
    const html = await (await fetch(`${stack.baseUrl}/`)).text();
    assert.match(html, /<link rel="icon" href="\/favicon\.ico/);
    assert.match(html, /<link rel="apple-touch-icon" href="\/apple-icon\.png/);
    assert.match(html, /<link rel="manifest" href="\/manifest\.webmanifest/);
  });
});

/** Every request the browser makes, with the frame that made it. */
function recordRequests(page: Page): { url: string; type: string }[] {
  const seen: { url: string; type: string }[] = [];
  page.on('request', (request) => seen.push({ url: request.url(), type: request.resourceType() }));
  return seen;
}


const HEIGHT_LISTENER = `<script>
  window.heights = [];
  addEventListener('message', (e) => {
    if (!e.data || e.data.type !== 'tls-playground:height') return;
    window.heights.push(e.data.height);
    document.getElementById('embed').style.height = e.data.height + 'px';
  });
</script>`;

describe('the light embed', () => {
  it('shows the summary and the diagram in a frame sandboxed with allow-scripts only, loading nothing but itself, and reports its height', async () => {
    host.page = `<!doctype html><meta charset="utf-8"><title>Docs</title><h1>Docs</h1>
<iframe id="embed" src="${stack.baseUrl}/embed/r/${id}" sandbox="allow-scripts" title="A saved TLS run" style="width:720px;height:400px;border:0"></iframe>${HEIGHT_LISTENER}`;
    const page = await stack.newPage({ height: 2400 });
    const requests = recordRequests(page);
    await page.goto(`${host.origin}/`);
    const frame = await frameAt(page, `${stack.baseUrl}/embed/r/${id}`);
    await frame.locator('[data-testid=run][data-status=done]').waitFor();
    assert.equal(await frame.evaluate(() => window.origin), 'null', 'the sandbox gives the frame an opaque origin');
    assert.equal(await frame.getByTestId('summary-card').getAttribute('data-outcome'), 'reset');
    assert.match(await frame.getByTestId('summary-card').innerText(), /Connection reset/);
    assert.match(await frame.getByTestId('advice').innerText(), /renegotiate/);
    const rows = frame.locator('[data-testid=step-row]');
    assert.ok((await rows.count()) > 20, `${await rows.count()} step rows`);
    // Screen readers hear each step as the full diagram says it.
    assert.match((await rows.first().getAttribute('aria-label')) ?? '', /^Connecting: .*, at \d/);
    assert.ok(
      (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))).some((l) => /^ClientHello, \d+ B, client to server/.test(l)),
      'the ClientHello row says what it is, which way and how big',
    );

    await page.waitForFunction(() => (window as unknown as { heights: number[] }).heights.length > 0);
    const reported = await page.evaluate(() => (window as unknown as { heights: number[] }).heights.at(-1) ?? 0);
    const actual = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
    assert.equal(reported, actual, 'the height it reports is its own');
    await page.locator('#embed').screenshot({ path: screenshotPath('cache-light-embed') });

    const fromApp = requests.filter((r) => r.url.startsWith(stack.baseUrl));
    assert.deepEqual(
      fromApp.map((r) => [r.url.replace(stack.baseUrl, ''), r.type]),
      [[`/embed/r/${id}`, 'document']],
      'before any interaction the embed loads its one document and nothing else',
    );
    assert.deepEqual(stack.consoleErrors, [], 'no errors, no refused inline script');
  });

  it('opens the interactive embed with the clicked step selected: its bytes and explanation', async () => {
    host.page = `<!doctype html><meta charset="utf-8"><title>Docs</title>
<iframe id="embed" src="${stack.baseUrl}/embed/r/${id}" sandbox="allow-scripts" style="width:720px;height:400px;border:0"></iframe>${HEIGHT_LISTENER}`;
    const page = await stack.newPage({ height: 2400 });
    await page.goto(`${host.origin}/`);
    const frame = await frameAt(page, `${stack.baseUrl}/embed/r/${id}`);
    const serverHello = frame.locator('[data-testid=step-row][data-layer=handshake]').nth(1);
    const seq = await serverHello.getAttribute('data-seq');
    const label = (await serverHello.getAttribute('aria-label')) ?? '';
    await serverHello.click();
    // (The page is drawn on the server with the run's explaining step open; the fragment, which only
    // the browser sees, then selects the clicked one.)
    await frame.locator(`[data-testid=step-detail][data-seq="${seq}"]`).waitFor({ timeout: 30_000 });
    assert.match(frame.url(), new RegExp(`/embed/r/${id}/steps\\?lang=en#step-${seq}$`));
    await frame.getByTestId('hex-view').waitFor();
    // The same row is selected in the interactive diagram, and it reads the same.
    const selected = frame.locator('[data-testid=step-row][aria-selected=true]');
    assert.equal(await selected.getAttribute('aria-label'), label);
    // Still in the opaque-origin sandbox, still telling the host its (new) height.
    assert.equal(await frame.evaluate(() => window.origin), 'null');
    let reported = 0;
    let actual = -1;
    for (let tries = 0; tries < 50 && reported !== actual; tries++) {
      await new Promise((r) => setTimeout(r, 100));
      actual = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
      reported = await page.evaluate(() => (window as unknown as { heights: number[] }).heights.at(-1) ?? 0);
    }
    assert.equal(reported, actual);
    await page.locator('#embed').screenshot({ path: screenshotPath('cache-light-embed-expanded') });
    assert.deepEqual(stack.consoleErrors, [], 'no errors, no refused inline script');
  });

  it('works from the keyboard: Tab reaches the steps, Enter opens one, and the diagram then has the focus', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.baseUrl}/embed/r/${id}`);
    // Tab order: the "Open in TLS Playground" link, the advice's links, then the steps.
    let focused = '';
    for (let i = 0; i < 10 && focused !== 'step-row'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
    }
    assert.equal(focused, 'step-row');
    const seq = await page.evaluate(() => document.activeElement?.getAttribute('data-seq'));
    await page.keyboard.press('Enter');
    await page.locator(`[data-testid=step-detail][data-seq="${seq}"]`).waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => document.activeElement?.getAttribute('role') === 'listbox');
    // Arrow keys now move through the steps as in the playground.
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction((before) => document.querySelector('[data-testid=step-detail]')?.getAttribute('data-seq') !== before, seq);
    assert.deepEqual(stack.consoleErrors, []);
  });
});

/** Every string of at least `min` characters in a catalog (its words, for looking them up in a page). */
function catalogLeaves(catalog: unknown, min: number): string[] {
  if (typeof catalog === 'string') return catalog.length >= min && !catalog.includes('{') ? [catalog] : [];
  return catalog && typeof catalog === 'object' ? Object.values(catalog).flatMap((v) => catalogLeaves(v, min)) : [];
}

/** Every `hex` of a trace (the bytes of its steps). */
function hexesOf(value: unknown): string[] {
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => (key === 'hex' && typeof v === 'string' ? [v] : hexesOf(v)));
}

describe('the saved run’s page (/r/{id})', () => {
  it('carries the summary and the diagram but not the trace: the steps’ bytes and the catalog’s explanations come after the page', async () => {
    const html = (await get(stack.baseUrl, `/r/${id}?lang=en`)).body.toString('utf8');
    assert.match(html, /data-testid="summary-card"/);
    assert.ok((html.match(/data-testid="step-row"/g) ?? []).length > 10, 'the diagram is drawn');
    const stored: unknown = JSON.parse((await get(stack.baseUrl, `/api/results/${id}`)).body.toString('utf8'));
    const hexes = hexesOf(stored).filter((hex) => hex.length >= 32);
    assert.ok(hexes.length > 10, `the trace has bytes (${hexes.length})`);
    for (const hex of hexes) assert.ok(!html.includes(hex), `a step’s bytes are in the page: ${hex.slice(0, 40)}…`);
    const explanations = catalogLeaves(en.fields, 40);
    assert.ok(explanations.length > 20);
    for (const words of explanations) assert.ok(!html.includes(JSON.stringify(words).slice(1, -1)), `the catalog’s fields are in the page: ${words}`);
  });

  it('loads the trace from /api/results/{id}, then opens the step that explains the reset, and any other, with its bytes', async () => {
    const page = await stack.newPage();
    const asked: string[] = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await page.goto(`${stack.baseUrl}/r/${id}?lang=en`);
    await page.locator('[data-testid=run][data-status=done]').waitFor({ timeout: 30_000 });
    assert.ok(asked.includes(`/api/results/${id}`), asked.join(' '));
    // The run was reset: it opens on the step that says so, with its detail from the loaded trace.
    const opened = await page.locator('[data-testid=step-detail]').getAttribute('data-seq', { timeout: 30_000 });
    assert.equal(await page.locator('[role=option][aria-selected=true]').getAttribute('data-seq'), opened);
    const row = page.locator('[data-testid=step-row][data-kind=message]').first();
    const seq = await row.getAttribute('data-seq');
    await row.click();
    await page.locator(`[data-testid=step-detail][data-seq="${seq}"]`).waitFor();
    await page.getByTestId('hex-view').waitFor();
    assert.ok((await page.getByTestId('hex-field').count()) > 0, 'the bytes are annotated');
    await page.getByTestId('tab-keys').click();
    assert.match(await page.getByRole('tabpanel').innerText(), /master|traffic|secret/i);
    assert.deepEqual(stack.consoleErrors, []);
  });
});

describe('the full embed (/embed/r/{id}/steps)', () => {
  it('scrolls its diagram in one box, which brings the selected row into view (a #step- link, End, Home)', async () => {
    const page = await stack.newPage({ width: 720, height: 1100 });
    /** The selected row's scroll boxes up to the document, and those it is not fully inside. */
    const where = () =>
      page.evaluate(() => {
        const row = document.querySelector('[data-testid=step-row][aria-selected=true]')!;
        const r = row.getBoundingClientRect();
        const boxes: { testid: string | null; visible: boolean }[] = [];
        for (let el = row.parentElement; el && el !== document.body; el = el.parentElement) {
          const style = getComputedStyle(el);
          if (!/(auto|scroll)/.test(style.overflowY) || el.scrollHeight <= el.clientHeight) continue;
          const b = el.getBoundingClientRect();
          boxes.push({ testid: el.getAttribute('role') ?? el.getAttribute('data-testid'), visible: r.top >= b.top - 1 && r.bottom <= b.bottom + 1 });
        }
        return { seq: row.getAttribute('data-seq'), boxes, inWindow: r.top >= -1 && r.bottom <= window.innerHeight + 1 };
      });
    await page.goto(`${stack.baseUrl}/embed/r/${id}/steps`);
    const seqs = await page.locator('[data-testid=step-row]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-seq')));
    const deep = seqs[Math.floor(seqs.length * 0.8)];
    // A #step- link as a reader opens it: a page load with the hash (not a change of hash on a page
    // that may still be hydrating).
    await page.goto('about:blank');
    await page.goto(`${stack.baseUrl}/embed/r/${id}/steps#step-${deep}`);
    await page.locator(`[data-testid=step-detail][data-seq="${deep}"]`).waitFor();
    const opened = await where();
    assert.equal(opened.seq, deep);
    assert.deepEqual(opened.boxes, [{ testid: 'listbox', visible: true }], 'one scroll box around the rows, and the selected row is inside it');
    assert.ok(opened.inWindow, 'the selected row is in the window');
    const list = page.getByRole('listbox');
    for (const [key, seq] of [['Home', seqs[0]], ['End', seqs[seqs.length - 1]], ['Home', seqs[0]]]) {
      await list.focus();
      await page.keyboard.press(key!);
      await page.waitForFunction((want) => document.querySelector('[data-testid=step-row][aria-selected=true]')?.getAttribute('data-seq') === want, seq);
      await page.waitForTimeout(100);
      const moved = await where();
      assert.deepEqual(moved.boxes, [{ testid: 'listbox', visible: true }], `${key}: the row is in view in the one box`);
      assert.ok(moved.inWindow, `${key}: the row is in the window`);
    }
  });
});

/** The app's production process (server/app/main.ts) on a free loopback port with extra environment; stopped by stop(). */
async function startApp(env: Record<string, string>): Promise<{ baseUrl: string; child: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, appServerArgs(port), {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production', PUBLIC_URL: 'https://playground.example', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
  };
  for (let tries = 0; ; tries++) {
    if (child.exitCode !== null || tries > 150) {
      await stop();
      throw new Error(`the app did not come up:\n${output}`);
    }
    try {
      if ((await fetch(baseUrl)).ok) break;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { baseUrl, child, stop };
}

describe('several app instances on one PostgreSQL', () => {
  let postgres: PostgresServer;
  let apps: Awaited<ReturnType<typeof startApp>>[] = [];

  before(async () => {
    postgres = await startPostgres();
    const url = await postgres.createDatabase('cache_e2e');
    // PUBLIC_URL fixes the origin, as a deployment behind a load balancer must: then even the /r
    // page (which writes absolute links) is shared between instances.
    apps = [await startApp({ DATABASE_URL: url }), await startApp({ DATABASE_URL: url })];
  });

  after(async () => {
    for (const app of apps) await app.stop();
    await postgres?.stop();
  });

  it('a view rendered by one instance is read from the database by the other, not rendered again', async () => {
    const [a, b] = apps;
    const saved = await save(a.baseUrl);
    for (const [name, path] of Object.entries(views('https://playground.example', saved))) {
      if (name === 'json') continue; // the stored trace itself; each instance keeps its JSON in memory
      const first = await get(a.baseUrl, path);
      const other = await get(b.baseUrl, path);
      const again = await get(b.baseUrl, path);
      assert.deepEqual([first.source, other.source, again.source], ['render', 'store', 'memory'], name);
      assert.ok(other.body.equals(first.body), `${name}: the same bytes from either instance`);
      assert.equal(other.cacheControl, IMMUTABLE, name);
      assert.ok(!other.vary.includes('x-forwarded-host'), `${name}: with PUBLIC_URL the URL alone decides`);
    }
  });
});
