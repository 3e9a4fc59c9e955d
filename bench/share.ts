/**
 * Section "share" (issue 19), against the production build in .next (this section never builds it):
 *
 * - Throughput of the saved-run views under load: the app's production process on loopback
 *   (server/app/main.ts, as docs/deploy.md runs it: Next.js behind the fast path that answers views
 *   held in memory before Next's router), one saved run (a real
 *   recorded run of the IIS story, test/fixtures/traces/v1-iis-rustls-reset.json), and for each path
 *   32 concurrent keep-alive clients for 8 s (the issue's table), with a static JavaScript chunk
 *   under /_next/static as the floor; the paths take turns of one second (floor, each path, again),
 *   so the machine's other load falls on all of them alike. The table is measured twice: without
 *   Accept-Encoding (the bytes as stored) and with
 *   `Accept-Encoding: gzip`, as browsers send it — then Next.js gzips the floor (every static file)
 *   on the way out, while the views are sent as the fast path compressed them once. The targets
 *   are judged on both.
 *   Clients read whole bodies. Each path
 *   is requested once before its run, so the run measures serving, not the first render (which the
 *   section reports separately, by the x-render-cache header of that first answer).
 * - What a light embed costs a docs page before anyone interacts: headless chromium opens
 *   /embed/r/{id}, waits for the network to go idle, and sums the bytes transferred (encoded, as on
 *   the wire, headers excluded) by type; the full embed (/embed/r/{id}/steps) is measured the same way.
 *
 * The load client is in this process (node:http, a bounded pool of 32 sockets), so it shares the
 * two cores with the server; the ratios compare paths under the same handicap.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { BENCH_TMP } from './peers';
import { pageUnavailable } from './page';
import { SkipSection } from './skip';
import { percentile, round } from './stats';
import { appServerArgs, CHROMIUM, CHROMIUM_ARGS, freePort } from '../test/e2e/harness';

const ROOT = resolve(import.meta.dirname, '..');
const TRACE = join(ROOT, 'test/fixtures/traces/v1-iis-rustls-reset.json');

export interface ShareOptions {
  concurrency: number;
  seconds: number;
}

type Encoding = 'identity' | 'gzip';

export interface LoadResult {
  path: string;
  requests: number;
  errors: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of the app process per answer (user + system): less sensitive to the machine's other load than req/s. */
  serverCpuMsPerRequest: number;
  /** Bytes of one answer as sent (gzip when the server compressed it). */
  bodyBytes: number;
  contentEncoding: string | null;
  cacheControl: string | null;
  vary: string | null;
  /** x-render-cache of the request before the run: "render" when that request made the view. */
  firstAnswer: string | null;
  /** reqPerSec over the floor's (the mean of its two runs). */
  ofFloor?: number;
  target?: number;
  withinTarget?: boolean;
}

interface Transfer {
  url: string;
  type: string;
  encodedBytes: number;
}

export interface EmbedBytes {
  url: string;
  requests: number;
  bytes: number;
  kb: number;
  byType: Record<string, number>;
  files: Transfer[];
}

export interface ShareResult {
  build: { builtAt: string };
  id: string;
  concurrency: number;
  seconds: number;
  floor: { path: string; rawBytes: number };
  /** Without Accept-Encoding (the bytes as stored). */
  paths: LoadResult[];
  /** The same with Accept-Encoding: gzip, as browsers send it (Next.js compresses the floor per answer; the views were compressed once). */
  pathsGzip: LoadResult[];
  embedTransfer: { light: EmbedBytes & { targetKB: number; withinTarget: boolean }; full: EmbedBytes };
  met: boolean;
}

function get(agent: Agent, url: URL, encoding: Encoding): Promise<{ status: number; bytes: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolveRequest, reject) => {
    const req = httpRequest(url, { agent, headers: encoding === 'gzip' ? { 'accept-encoding': 'gzip' } : {} }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolveRequest({ status: res.statusCode ?? 0, bytes, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The CPU time (user + system, ms) the process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks, USER_HZ = 100
  } catch {
    return Number.NaN;
  }
}

interface Tally {
  path: string;
  first: Awaited<ReturnType<typeof get>>;
  latencies: number[];
  errors: number;
  seconds: number;
  serverCpuMs: number;
}

/** `concurrency` clients on one path, each sending its next request when the last answer is read, for `ms`. */
async function slice(agent: Agent, url: URL, concurrency: number, ms: number, encoding: Encoding, tally: Tally, serverPid: number | undefined): Promise<void> {
  const cpu0 = cpuMs(serverPid);
  const started = performance.now();
  const deadline = started + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          const answer = await get(agent, url, encoding);
          if (answer.status === 200) tally.latencies.push(performance.now() - t0);
          else tally.errors++;
        } catch {
          tally.errors++;
        }
      }
    }),
  );
  tally.seconds += (performance.now() - started) / 1000;
  tally.serverCpuMs += cpuMs(serverPid) - cpu0;
}

/**
 * Every path for `seconds` in all, in turns of one second each (floor, then each path, round after
 * round), so that a change in the machine's other load between turns falls on every path alike.
 */
async function loadInTurns(baseUrl: string, paths: string[], { concurrency, seconds }: ShareOptions, encoding: Encoding, serverPid: number | undefined): Promise<LoadResult[]> {
  const agents = paths.map(() => new Agent({ keepAlive: true, maxSockets: concurrency }));
  try {
    const tallies: Tally[] = [];
    for (const [i, path] of paths.entries()) {
      const first = await get(agents[i], new URL(path, baseUrl), encoding);
      if (first.status !== 200) throw new Error(`${path} answered ${first.status}`);
      tallies.push({ path, first, latencies: [], errors: 0, seconds: 0, serverCpuMs: 0 });
    }
    // One untallied turn each first: the server's first answers of a route compile it and warm the JIT.
    const warmup: Tally[] = tallies.map((t) => ({ ...t, latencies: [], errors: 0, seconds: 0, serverCpuMs: 0 }));
    for (const [i, tally] of warmup.entries()) await slice(agents[i], new URL(tally.path, baseUrl), concurrency, 1000, encoding, tally, serverPid);
    for (let round = 0; round < seconds; round++) {
      for (const [i, tally] of tallies.entries()) await slice(agents[i], new URL(tally.path, baseUrl), concurrency, 1000, encoding, tally, serverPid);
    }
    return tallies.map(({ path, first, latencies, errors, seconds: elapsed, serverCpuMs }) => {
      const header = (name: string) => {
        const value = first.headers[name];
        return value === undefined ? null : String(value);
      };
      return {
        path,
        requests: latencies.length,
        errors,
        reqPerSec: round(latencies.length / elapsed, 1),
        p50Ms: round(percentile(latencies, 50), 1),
        p99Ms: round(percentile(latencies, 99), 1),
        serverCpuMsPerRequest: round(serverCpuMs / Math.max(1, latencies.length + errors), 3),
        bodyBytes: first.bytes,
        contentEncoding: header('content-encoding'),
        cacheControl: header('cache-control'),
        vary: header('vary'),
        firstAnswer: header('x-render-cache'),
      };
    });
  } finally {
    for (const agent of agents) agent.destroy();
  }
}

async function waitForHttp(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within 30 s:\n${output()}`);
}

/** Bytes chromium transferred for a page until the network was idle, before any interaction. */
async function transferred(baseUrl: string, path: string): Promise<EmbedBytes> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 720, height: 900 } });
    await context.route((u) => !u.toString().startsWith(baseUrl), (route) => route.abort());
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const types = new Map<string, { url: string; type: string }>();
    const files: Transfer[] = [];
    cdp.on('Network.responseReceived', (e) => types.set(e.requestId, { url: e.response.url, type: e.type }));
    cdp.on('Network.loadingFinished', (e) => {
      const seen = types.get(e.requestId);
      // encodedDataLength counts the response as received: headers and the (compressed) body.
      if (seen) files.push({ url: seen.url.replace(baseUrl, ''), type: seen.type, encodedBytes: e.encodedDataLength });
    });
    await page.goto(new URL(path, baseUrl).toString(), { waitUntil: 'networkidle' });
    const bytes = files.reduce((a, f) => a + f.encodedBytes, 0);
    const byType: Record<string, number> = {};
    for (const f of files) byType[f.type] = (byType[f.type] ?? 0) + f.encodedBytes;
    return { url: path, requests: files.length, bytes, kb: round(bytes / 1024, 1), byType, files };
  } finally {
    await browser.close();
  }
}

export async function benchShare(opts: ShareOptions): Promise<ShareResult> {
  const unavailable = await pageUnavailable();
  if (unavailable) throw new SkipSection(unavailable);
  const builtAt = new Date(statSync(join(ROOT, '.next', 'BUILD_ID')).mtimeMs).toISOString();
  const dir = join(BENCH_TMP, 'share');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let output = '';
  const next = spawn(process.execPath, appServerArgs(port), {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production', RESULTS_DB: join(dir, 'results.db'), PUBLIC_URL: baseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  next.stdout?.on('data', (d) => (output = (output + d).slice(-4000)));
  next.stderr?.on('data', (d) => (output = (output + d).slice(-4000)));
  try {
    await waitForHttp(baseUrl, next, () => output);
    const saved = await fetch(`${baseUrl}/api/results`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: readFileSync(TRACE) });
    if (!saved.ok) throw new Error(`saving the trace answered ${saved.status}: ${await saved.text()}`);
    const { id } = (await saved.json()) as { id: string };

    // The floor: the median-sized script the /r page loads (a static chunk, served by Next itself).
    const html = await (await fetch(`${baseUrl}/r/${id}`)).text();
    const chunks = await Promise.all(
      [...html.matchAll(/<script[^>]*src="(\/_next\/static\/[^"]+\.js)"/g)].map(async ([, src]) => ({ src, size: (await (await fetch(baseUrl + src)).arrayBuffer()).byteLength })),
    );
    if (!chunks.length) throw new Error('the /r page loads no /_next/static script to use as the floor');
    chunks.sort((a, b) => a.size - b.size);
    const floorChunk = chunks[Math.floor(chunks.length / 2)];

    const targets: [string, number][] = [
      [`/embed/r/${id}`, 0.5],
      [`/r/${id}`, 0.5],
      [`/r/${id}/preview.png`, 0.5],
      [`/api/oembed?url=${encodeURIComponent(`${baseUrl}/r/${id}`)}&format=json`, 0.5],
      [`/api/results/${id}`, 0.25],
    ];
    const table = async (encoding: Encoding) => {
      const [floor, ...measured] = await loadInTurns(baseUrl, [floorChunk.src, ...targets.map(([path]) => path)], opts, encoding, next.pid);
      return {
        floor,
        paths: [
          { ...floor, ofFloor: 1 },
              ...measured.map((m, i) => {
            const ofFloor = round(m.reqPerSec / floor.reqPerSec, 2);
            return { ...m, ofFloor, target: targets[i][1], withinTarget: ofFloor >= targets[i][1] };
          }),
        ],
      };
    };
    const identity = await table('identity');
    const gzip = await table('gzip');

    const light = await transferred(baseUrl, `/embed/r/${id}`);
    const full = await transferred(baseUrl, `/embed/r/${id}/steps`);
    const targetKB = 60;
    const lightResult = { ...light, targetKB, withinTarget: light.kb <= targetKB };
    return {
      build: { builtAt },
      id,
      concurrency: opts.concurrency,
      seconds: opts.seconds,
      floor: { path: floorChunk.src, rawBytes: floorChunk.size },
      paths: identity.paths,
      pathsGzip: gzip.paths,
      embedTransfer: { light: lightResult, full },
      met: [...identity.paths, ...gzip.paths].every((p) => p.withinTarget !== false) && lightResult.withinTarget,
    };
  } finally {
    next.kill('SIGTERM');
    await new Promise((r) => (next.exitCode !== null ? r(undefined) : next.once('exit', r)));
  }
}
