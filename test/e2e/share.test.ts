/**
 * Sharing, embedding and exports in a real browser against the production build: a live run saved
 * and reopened from its /r link in a fresh browser context; "Run again live" (a recipe link); 404s;
 * the embed inside a sandboxed iframe on another origin, reporting its height; oEmbed and the share
 * card; downloads of the trace JSON, the key log and the pcapng (read back by tshark).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { Download, Frame, Page } from 'playwright-core';
import type { Trace } from '../../lib/trace/schema';
import { transportEvent } from '../../lib/trace/steps';
import { iisRustlsTrace } from '../view/fixtures/traces';
import { ensureTshark, tsharkFields } from '../export/tshark';
import { frameAt, freePort, RESULTS_DIR, screenshotPath, type Stack, startStack } from './harness';

const JSON_TYPE = { 'Content-Type': 'application/json' };

let stack: Stack;
let host: { server: Server; origin: string; page: string };

/** A page on another origin (another loopback port), with whatever HTML a test puts there. */
async function startHostSite(): Promise<typeof host> {
  const port = await freePort();
  const state = { server: undefined as unknown as Server, origin: `http://127.0.0.1:${port}`, page: '' };
  state.server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(state.page);
  });
  await new Promise<void>((resolve) => state.server.listen(port, '127.0.0.1', resolve));
  return state;
}

before(async () => {
  stack = await startStack();
  host = await startHostSite();
});

after(async () => {
  await stack?.close();
  await new Promise((resolve) => host?.server.close(resolve));
});

interface Shown {
  outcome: string | null;
  summary: string;
  steps: string[];
}

async function shownRun(where: Page | Frame): Promise<Shown> {
  await where.locator('[data-testid=run][data-status=done]').waitFor({ timeout: 40_000 });
  const card = where.locator('[data-testid=summary-card]');
  return {
    outcome: await card.getAttribute('data-outcome'),
    summary: await card.innerText(),
    steps: await where.locator('[data-testid=step-row]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? '')),
  };
}

async function savedTrace(id: string): Promise<Trace> {
  const response = await fetch(`${stack.baseUrl}/api/results/${id}`);
  assert.equal(response.status, 200);
  return (await response.json()) as Trace;
}

function pngSize(bytes: Buffer): { width: number; height: number } {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(bytes.toString('latin1', 12, 16), 'IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

async function downloaded(page: Page, testId: string): Promise<{ download: Download; text: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const path = join(RESULTS_DIR, `share-${download.suggestedFilename()}`);
  await download.saveAs(path);
  return { download, text: readFileSync(path) };
}

/** The frame whose document comes from `urlPrefix`, once it has loaded (embed snippets load lazily). */

/** Removes and returns the console errors a test expects (a refused upload, a refused frame). */
function takeConsoleErrors(pattern: RegExp): string[] {
  const taken = stack.consoleErrors.filter((e) => pattern.test(e));
  stack.consoleErrors.splice(0, stack.consoleErrors.length, ...stack.consoleErrors.filter((e) => !pattern.test(e)));
  return taken;
}

/** Filled in by the first test: the saved TLS 1.3 run that the later tests share, embed and export. */
let saved: { id: string; url: string; live: Shown };
/** The "embed this experiment, run live" code offered beside that live run. */
let liveEmbedSnippet: string;

describe('saving a run and opening its link', () => {
  it('saves a live run, and the link shows the same steps and summary in a fresh browser context', async () => {
    const page = await stack.newPage();
    await page.goto(stack.baseUrl);
    await page.locator('[data-testid=demo-target][data-target="tls13"]').click();
    const live = await shownRun(page);
    assert.equal(live.outcome, 'ok');
    // The address bar now holds the experiment as a recipe link.
    assert.equal(new URL(page.url()).searchParams.get('url'), 'https://tls13.test/');

    await page.getByTestId('live-embed-code').locator('summary').click();
    liveEmbedSnippet = await page.getByTestId('live-embed-code').getByTestId('embed-snippet').inputValue();
    assert.match(liveEmbedSnippet, new RegExp(`^<iframe src="${stack.baseUrl}/embed\\?url=https%3A%2F%2Ftls13\\.test%2F&amp;lang=en" .*sandbox="allow-scripts allow-same-origin[^"]*"></iframe>$`));

    await page.getByTestId('save-button').click();
    const link = page.getByTestId('result-link');
    await link.waitFor();
    const url = (await link.getAttribute('href')) ?? '';
    const id = /\/r\/([A-Za-z0-9_-]{22})(?:\?lang=[A-Za-z-]+)?$/.exec(url)?.[1];
    assert.ok(id, `a /r/{id} link, got ${url}`);
    assert.ok(url.startsWith(stack.baseUrl), url);
    await page.screenshot({ path: screenshotPath('share-saved'), fullPage: true });

    const viewer = await stack.newPage();
    const response = await viewer.goto(url);
    assert.equal(response?.status(), 200);
    const recorded = await shownRun(viewer);
    assert.deepEqual(recorded, live);
    assert.match(await viewer.getByTestId('recorded-at').innerText(), /Recorded \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by tls-playground/);
    await viewer.screenshot({ path: screenshotPath('share-recorded-run'), fullPage: true });
    saved = { id, url, live };
  });

  it('"Run again live" opens the playground with the same target and options and runs it', async () => {
    const page = await stack.newPage();
    await page.goto(saved.url);
    const href = (await page.getByTestId('run-again').getAttribute('href')) ?? '';
    assert.equal(href, '/?url=https%3A%2F%2Ftls13.test%2F&run=1&lang=en', 'the same target, run at once, in the language the run was viewed in');
    await page.getByTestId('run-again').click();
    await page.waitForURL((u) => u.pathname === '/');
    const rerun = await shownRun(page);
    assert.equal(rerun.outcome, 'ok');
    // The same messages in the same order (sizes may differ: an ECDSA signature's DER length varies).
    // (and the TCP connect time is measured anew).
    const titles = (steps: string[]) => steps.map((label) => label.split(/[,:]/)[0]);
    assert.deepEqual(titles(rerun.steps), titles(saved.live.steps));
    // Once started, the address bar keeps the recipe but not run=1, so a reload does not re-run.
    assert.equal(new URL(page.url()).searchParams.get('run'), null);
    assert.equal(new URL(page.url()).searchParams.get('url'), 'https://tls13.test/');
  });

  it('a recipe link with options prefills them: personality, TLS 1.2 only, the demo client certificate', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.baseUrl}/?url=https://iis-renegotiation.test/secure/&as=openssl&versions=TLSv1.2&cert=demo&run=1`);
    const run = await shownRun(page);
    assert.equal(run.outcome, 'ok');
    assert.match(run.summary, /TLSv1\.2/);
    assert.match(run.summary, /openssl/);
    assert.ok(run.steps.some((s) => s.startsWith('HelloRequest')), run.steps.join('\n'));
    assert.match(run.summary, /200/);
  });

  it('renders a trace recorded by an older engine, with only the fields every version has', async () => {
    const old = {
      schema: 'tls-playground/trace',
      schemaVersion: 1,
      engine: { name: 'tls-playground', version: '0.0.1', crypto: 'noble' },
      startedAt: '2025-01-02T03:04:05.000Z',
      options: { url: 'https://legacy.example/' },
      outcome: 'alert',
      outcomeDetail: 'The server sent a fatal handshake_failure alert.',
      alerts: [{ from: 'server', level: 'fatal', description: 'handshake_failure' }],
      personality: 'openssl',
      timings: { totalMs: 42 },
      keyLog: [],
      steps: [
        { seq: 0, timeMs: 0, direction: 'client->server', layer: 'handshake', title: 'ClientHello', bytes: { hex: '0100000403030000' } },
        { seq: 1, timeMs: 40, direction: 'server->client', layer: 'alert', title: 'Alert: handshake_failure (fatal)', bytes: { hex: '0228' } },
      ],
    };
    const response = await fetch(`${stack.baseUrl}/api/results`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify(old) });
    assert.equal(response.status, 201);
    const { url } = (await response.json()) as { url: string };
    const page = await stack.newPage();
    await page.goto(url);
    const shown = await shownRun(page);
    assert.equal(shown.outcome, 'alert');
    assert.match(shown.summary, /handshake_failure/);
    assert.deepEqual(shown.steps.map((l) => l.split(',')[0]), ['ClientHello', 'Alert: handshake_failure (fatal)']);
    assert.match(await page.getByTestId('recorded-at').innerText(), /by tls-playground 0\.0\.1/);
    assert.equal(await page.getByTestId('run-again').getAttribute('href'), '/?url=https%3A%2F%2Flegacy.example%2F&as=openssl&run=1&lang=en');
  });

  it('keeps the id of a run saved before steps carried typed data, and opens it as it rendered then', async () => {
    // A version 1 trace (the words of each step stored as its title) saved again: the id is the one
    // the code before schema version 2 gave it, so links shared back then keep opening.
    const text = readFileSync(join(import.meta.dirname, '../fixtures/traces/v1-iis-rustls-reset.json'), 'utf8');
    const v1 = JSON.parse(text) as { outcomeDetail: string; steps: { title: string; layer: string }[] };
    const expected = (JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/rendered-by-v1-views.json'), 'utf8')) as Record<string, { advice: { title: string; explanation: string } }>)['v1-iis-rustls-reset.json'];
    const response = await fetch(`${stack.baseUrl}/api/results`, { method: 'POST', headers: JSON_TYPE, body: text });
    assert.ok(response.status === 201 || response.status === 200, `status ${response.status}`);
    const { id, url } = (await response.json()) as { id: string; url: string };
    assert.equal(id, 'NySbB9gXPP01gUJKkmyjM5');
    assert.equal(new URL(url).pathname, `/r/${id}`);
    // The API answers in today's schema: kinds and data, no words.
    const api = (await savedTrace(id)) as unknown as { schemaVersion: number; steps: Record<string, unknown>[] };
    assert.equal(api.schemaVersion, 2);
    assert.ok(api.steps.every((s) => typeof s.kind === 'string' && !('title' in s)));
    const page = await stack.newPage();
    await page.goto(`${stack.baseUrl}/r/${id}`);
    const shown = await shownRun(page);
    assert.equal(shown.outcome, 'reset');
    assert.ok(shown.summary.includes(v1.outcomeDetail), shown.summary);
    assert.equal(await page.getByTestId('advice').getAttribute('data-kind'), 'renegotiation');
    assert.ok(shown.summary.includes(expected.advice.title), shown.summary);
    assert.ok(shown.summary.includes(expected.advice.explanation), shown.summary);
    // Every step is there, in order, under the title it had (key derivations have a panel of their own).
    let at = 0;
    const labels = shown.steps.join('\n');
    for (const step of v1.steps.filter((s) => s.layer !== 'key')) {
      const found = labels.indexOf(step.title, at);
      assert.ok(found >= 0, `step "${step.title}" is shown after position ${at}`);
      at = found + step.title.length;
    }
  });

  it('answers an unknown result with a 404 page, and the API with JSON errors', async () => {
    const page = await stack.newPage();
    for (const path of ['/r/AAAAAAAAAAAAAAAAAAAAAA', '/r/not-an-id', '/embed/r/AAAAAAAAAAAAAAAAAAAAAA']) {
      const response = await page.goto(`${stack.baseUrl}${path}`);
      assert.equal(response?.status(), 404, path);
      await page.getByTestId('not-found').waitFor();
    }
    assert.equal(takeConsoleErrors(/status of 404/).length, 3, 'the three 404 pages, and nothing else');
    const missing = await fetch(`${stack.baseUrl}/api/results/AAAAAAAAAAAAAAAAAAAAAA`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { code: string }).code, 'NOT_FOUND');

    const malformed = await fetch(`${stack.baseUrl}/api/results`, { method: 'POST', headers: JSON_TYPE, body: '{"schema": "tls-playground/trace", ' });
    assert.equal(malformed.status, 400);
    assert.match(((await malformed.json()) as { error: string }).error, /not valid JSON/);
    const notATrace = await fetch(`${stack.baseUrl}/api/results`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ hello: 'world' }) });
    assert.equal(notATrace.status, 400);
    assert.match(((await notATrace.json()) as { error: string }).error, /not a TLS Playground trace/);
    const oversized = await fetch(`${stack.baseUrl}/api/results`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ ...iisRustlsTrace(), padding: 'x'.repeat(8 * 1024 * 1024) }) });
    assert.equal(oversized.status, 413);
    assert.match(((await oversized.json()) as { error: string }).error, /^The trace is 8\.0 MiB; saved results are limited to 8\.0 MiB\. A large response body/);
  });

  it('takes a gzip upload (as the page sends it), and refuses a gzip bomb, broken gzip and unknown encodings', async () => {
    const trace = iisRustlsTrace();
    const gzipped = await fetch(`${stack.baseUrl}/api/results`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body: gzipSync(JSON.stringify(trace)) });
    assert.ok(gzipped.status === 201 || gzipped.status === 200, String(gzipped.status));
    const { id } = (await gzipped.json()) as { id: string };
    const plain = await fetch(`${stack.baseUrl}/api/results`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify(trace) });
    assert.equal(((await plain.json()) as { id: string }).id, id, 'the same trace, however it was sent, is the same result');
    // 33 MiB of JSON that packs into some 33 KB: refused after unpacking 32 MiB (four times the
    // 8 MiB cap on the compact form), not after unpacking it all.
    const bomb = gzipSync(JSON.stringify({ ...trace, padding: ' '.repeat(33 * 1024 * 1024) }));
    assert.ok(bomb.length < 64 * 1024);
    const refused = await fetch(`${stack.baseUrl}/api/results`, { method: 'POST', headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' }, body: bomb });
    assert.equal(refused.status, 413);
    assert.match(((await refused.json()) as { error: string }).error, /larger than 32\.0 MiB, the most this server reads for a saved result: a large response body/);
    const broken = await fetch(`${stack.baseUrl}/api/results`, { method: 'POST', headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' }, body: JSON.stringify(trace) });
    assert.equal(broken.status, 400);
    assert.match(((await broken.json()) as { error: string }).error, /says it is gzip but does not unpack/);
    const brotli = await fetch(`${stack.baseUrl}/api/results`, { method: 'POST', headers: { ...JSON_TYPE, 'Content-Encoding': 'br' }, body: 'x' });
    assert.equal(brotli.status, 400);
    assert.match(((await brotli.json()) as { error: string }).error, /Content-Encoding br is not supported/);
  });

  it('shows why a save failed: an oversized trace opened from a file is refused with 413', async () => {
    const big = iisRustlsTrace();
    big.steps.push({ seq: big.steps.length, timeMs: 99, direction: 'server->client', layer: 'application', kind: 'application-data', data: { length: 4_300_000 }, bytes: { hex: 'ab'.repeat(4_300_000) } });
    const file = join(RESULTS_DIR, 'share-oversized.json');
    writeFileSync(file, JSON.stringify(big));
    const page = await stack.newPage();
    await page.goto(stack.baseUrl);
    await page.getByTestId('open-trace').setInputFiles(file);
    await page.getByTestId('save-button').click();
    const error = page.getByTestId('save-error');
    await error.waitFor();
    // The page sends it gzipped (a few KB): the server unpacks it and measures what it would store.
    assert.match(await error.innerText(), /The trace is 8\.2 MiB; saved results are limited to 8\.0 MiB\. A large response body makes a large trace: keep it as a file instead \(Save this trace\)/);
    assert.equal(takeConsoleErrors(/status of 413/).length, 1, 'the refused upload, and nothing else');
  });
});

describe('embedding', () => {
  it('renders a saved run from its embed code inside a sandboxed iframe on another origin, and reports its height', async () => {
    // The embed code as the saved run's page offers it, pasted into another site's page.
    const source = await stack.newPage();
    await source.goto(saved.url);
    await source.getByText('Embed this run in a page').click();
    const snippet = await source.getByTestId('embed-snippet').inputValue();
    assert.match(snippet, new RegExp(`^<iframe src="${stack.baseUrl}/embed/r/${saved.id}\\?lang=en" .*sandbox="allow-scripts[^"]*"></iframe>$`));
    assert.doesNotMatch(snippet, /allow-same-origin/);
    host.page = `<!doctype html><meta charset="utf-8"><title>Docs</title>
<h1>Docs page</h1>
${snippet.replace('<iframe ', '<iframe id="embed" ')}
<iframe id="framed-page" src="${stack.baseUrl}/r/${saved.id}" style="width:400px;height:100px"></iframe>
<script>
  window.heights = [];
  addEventListener('message', (e) => {
    if (!e.data || e.data.type !== 'tls-playground:height') return;
    window.heights.push(e.data.height);
    document.getElementById('embed').style.height = e.data.height + 'px';
  });
</script>`;
    // Tall enough that the screenshot shows the whole frame (frames outside the viewport are not painted).
    const page = await stack.newPage({ height: 2400 });
    await page.goto(`${host.origin}/`);
    const frame = await frameAt(page, `${stack.baseUrl}/embed/r/${saved.id}`);
    const embedded = await shownRun(frame);
    assert.deepEqual(embedded.steps, saved.live.steps);
    assert.equal(embedded.outcome, 'ok');
    // The sandbox gives the frame an opaque origin: the embed must not need its own.
    assert.equal(await frame.evaluate(() => window.origin), 'null');

    await page.waitForFunction(() => (window as unknown as { heights: number[] }).heights.length > 0);
    const first = await page.evaluate(() => (window as unknown as { heights: number[] }).heights.at(-1) ?? 0);
    assert.ok(first > 300, `reported height ${first}`);
    // Opening a step makes the embed taller; it says so.
    await frame.locator('[data-testid=step-row][data-layer=handshake]').first().click();
    await frame.getByTestId('step-detail').waitFor();
    await page.waitForFunction((h) => ((window as unknown as { heights: number[] }).heights.at(-1) ?? 0) > h, first);
    // The detail settles over a few frames; the last report must match the frame's final height.
    let reported = 0;
    let actual = -1;
    for (let tries = 0; tries < 50 && reported !== actual; tries++) {
      await new Promise((r) => setTimeout(r, 100));
      actual = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
      reported = await page.evaluate(() => (window as unknown as { heights: number[] }).heights.at(-1) ?? 0);
    }
    assert.equal(reported, actual);
    assert.ok(reported > first, `taller after opening a step: ${first} → ${reported}`);
    const box = await page.locator('#embed').boundingBox();
    assert.equal(Math.round(box?.height ?? 0), reported, 'the host sized the iframe from the message');
    await page.locator('#embed').screenshot({ path: screenshotPath('share-embed-cross-origin') });

    // Everything that is not /embed/… refuses to be framed by another site (frame-ancestors 'self').
    const refusal = /Framing '.*' violates the following Content Security Policy directive: "frame-ancestors 'self'"/;
    for (let tries = 0; tries < 50 && !stack.consoleErrors.some((e) => refusal.test(e)); tries++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(takeConsoleErrors(refusal).length, 1, 'the browser refused to frame /r/{id}');
    for (const other of page.frames().filter((f) => f !== page.mainFrame() && f !== frame)) {
      assert.equal(await other.locator('[data-testid=summary-card]').count(), 0, 'the /r page must not render inside another origin');
    }
  });

  it('runs the experiment live from its embed code inside an iframe on another origin', async () => {
    host.page = `<!doctype html><meta charset="utf-8"><title>Docs</title>\n${liveEmbedSnippet}`;
    const page = await stack.newPage();
    await page.goto(`${host.origin}/`);
    const frame = await frameAt(page, `${stack.baseUrl}/embed?`);
    await frame.getByTestId('run-button').click();
    const run = await shownRun(frame);
    assert.equal(run.outcome, 'ok');
    assert.match(run.summary, /TLSv1\.3/);
  });

  it('runs a recipe embed with run=1 on load only on its own: framed by another site it waits for a click', async () => {
    const recipe = `${stack.baseUrl}/embed?url=https://iis-renegotiation.test/secure/&run=1`;
    host.page = `<!doctype html><meta charset="utf-8"><title>Docs</title>
<iframe sandbox="allow-scripts allow-same-origin" src="${recipe}" style="width:720px;height:600px;border:0"></iframe>`;
    const page = await stack.newPage();
    await page.goto(`${host.origin}/`);
    const frame = await frameAt(page, `${stack.baseUrl}/embed?`);
    await frame.getByTestId('run-held-back').waitFor();
    const sessionsBefore = stack.relay.metrics.sessionsTotal;
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await frame.getByTestId('live-embed').getAttribute('data-status'), 'idle');
    assert.equal(stack.relay.metrics.sessionsTotal, sessionsBefore, 'no relay session was opened by loading the frame');
    await frame.getByTestId('run-button').click();
    const run = await shownRun(frame);
    assert.equal(run.outcome, 'reset', 'rustls refuses to renegotiate and IIS resets the connection');
    assert.ok(run.steps.some((s) => s.startsWith('Alert: no_renegotiation (warning)')), run.steps.join('\n'));

    const own = await stack.newPage();
    await own.goto(recipe);
    const direct = await shownRun(own);
    assert.equal(direct.outcome, 'reset', 'opened on its own, run=1 runs at once');
  });
});

describe('oEmbed and share cards', () => {
  it('advertises oEmbed on /r/{id} and answers with a rich iframe', async () => {
    const html = await (await fetch(saved.url, { headers: { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0' } })).text();
    const head = html.slice(0, html.indexOf('</head>'));
    const discovery = /<link rel="alternate" type="application\/json\+oembed" href="([^"]+)"/.exec(head)?.[1];
    assert.ok(discovery, 'oEmbed discovery link in <head>');
    const response = await fetch(discovery.replace(/&amp;/g, '&'));
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    const oembed = (await response.json()) as Record<string, unknown>;
    assert.equal(oembed.version, '1.0');
    assert.equal(oembed.type, 'rich');
    assert.equal(oembed.provider_name, 'TLS Playground');
    assert.equal(oembed.title, 'TLS handshake with tls13.test: Handshake complete');
    assert.equal(oembed.width, 720);
    assert.equal(oembed.height, 560);
    assert.match(String(oembed.html), new RegExp(`^<iframe src="${stack.baseUrl}/embed/r/${saved.id}\\?lang=en" `));
    const thumbnail = await fetch(String(oembed.thumbnail_url));
    assert.deepEqual(pngSize(Buffer.from(await thumbnail.arrayBuffer())), { width: 1200, height: 630 });

    const notOurs = await fetch(`${stack.baseUrl}/api/oembed?url=${encodeURIComponent(`${stack.baseUrl}/compare`)}&format=json`);
    assert.equal(notOurs.status, 404);
    const xml = await fetch(`${stack.baseUrl}/api/oembed?url=${encodeURIComponent(saved.url)}&format=xml`);
    assert.equal(xml.status, 501);
  });

  it('has Open Graph and Twitter card tags with a PNG preview that summarizes the run', async () => {
    const page = await stack.newPage();
    await page.goto(saved.url);
    const meta = (key: string) => page.locator(`head meta[property="${key}"], head meta[name="${key}"]`).first().getAttribute('content');
    assert.equal(await meta('og:title'), 'TLS handshake with tls13.test: Handshake complete');
    assert.match((await meta('og:description')) ?? '', /^TLSv1\.3 · TLS_\w+ · HTTP 200/);
    assert.equal(await meta('twitter:card'), 'summary_large_image');
    const image = (await meta('og:image')) ?? '';
    assert.equal(image, `${stack.baseUrl}/r/${saved.id}/preview.png`);
    assert.equal(await meta('twitter:image'), image);
    const png = await fetch(image);
    assert.equal(png.headers.get('content-type'), 'image/png');
    assert.deepEqual(pngSize(Buffer.from(await png.arrayBuffer())), { width: 1200, height: 630 });
    // The browser itself decodes it: an image element gets the natural size.
    const natural = await page.evaluate(async (src) => {
      const img = new Image();
      img.src = src;
      await img.decode();
      return [img.naturalWidth, img.naturalHeight];
    }, image);
    assert.deepEqual(natural, [1200, 630]);
  });
});

describe('exports of a saved run', () => {
  let page: Page;
  let trace: Trace;
  before(async () => {
    page = await stack.newPage();
    await page.goto(saved.url);
    trace = await savedTrace(saved.id);
  });

  it('downloads the trace JSON, which parses, and saved again names the same result', async () => {
    const { download, text } = await downloaded(page, 'export-json');
    assert.match(download.suggestedFilename(), /^tls-tls13\.test-.*\.json$/);
    const parsed = JSON.parse(text.toString('utf8')) as Trace;
    assert.deepEqual(parsed, trace);
    const response = await fetch(`${stack.baseUrl}/api/results`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: text.toString('utf8') });
    assert.equal(response.status, 200, 'already saved');
    const body = (await response.json()) as { id: string; created: boolean };
    assert.deepEqual([body.id, body.created], [saved.id, false]);
    const reopened = await stack.newPage();
    await reopened.goto(`${stack.baseUrl}/r/${body.id}`);
    assert.deepEqual(await shownRun(reopened), saved.live);
  });

  it('downloads the NSS key log: the run’s secrets, one line each', async () => {
    const { text } = await downloaded(page, 'export-keylog');
    const lines = text.toString('utf8').split('\n');
    assert.equal(lines.pop(), '', 'newline-terminated');
    assert.deepEqual(lines, trace.keyLog);
    assert.ok(lines.some((l) => /^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} [0-9a-f]+$/.test(l)), lines.join('\n'));
  });

  it('downloads a pcapng that tshark decrypts on its own: the HTTP response code is visible', async () => {
    await ensureTshark();
    const { download } = await downloaded(page, 'export-pcapng');
    const file = join(RESULTS_DIR, `share-${download.suggestedFilename()}`);
    const connected = trace.steps.find((s) => transportEvent(s) === 'connected');
    const serverPort = connected?.kind === 'transport' && connected.data.event === 'connected' ? connected.data.remotePort : undefined;
    const handshake = await tsharkFields(file, ['tls.handshake.type'], 'tls.handshake.type', serverPort);
    const types = handshake.flatMap((row) => row['tls.handshake.type']);
    for (const type of ['1', '2', '8', '11', '15', '20']) assert.ok(types.includes(type), `handshake type ${type} in ${types.join(',')}`);
    const http = await tsharkFields(file, ['http.request.method', 'http.response.code'], 'http', serverPort);
    assert.deepEqual(http.flatMap((row) => row['http.request.method']), ['GET']);
    assert.deepEqual(http.flatMap((row) => row['http.response.code']), [String(trace.http?.status)]);
  });

  it('logged no errors in any page', () => {
    assert.deepEqual(stack.consoleErrors, []);
  });
});
