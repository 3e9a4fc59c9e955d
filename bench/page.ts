/**
 * Section "page" (issue 5), against the production build in .next (this section never builds it):
 * - first-load JS of `/`: every script the page loads up to its load event (headless chromium),
 *   each gzipped (level 9), summed; what it fetches afterwards in idle time is reported apart;
 * - Run → last step rendered: the TLS 1.3 demo target run from the page (engine in the page, over
 *   the relay, to the demo server on loopback), timed inside the page from the click on Run to the
 *   first animation frame after the run is marked done (every step row is in the DOM by then).
 *   The first run also loads the engine chunk and the root store; it is reported on its own.
 * - cold first run from a demo card: a fresh browser context loads `/` and clicks the demo card as
 *   soon as the page's load event has fired (no waiting for the network to be idle), timed from the
 *   click to the last step rendered, several times; next to it, in the same run, its floor: the same
 *   fresh page given time to settle first (network idle, then a pause), so the engine, the root store
 *   and the relay WebSocket are ready before the click. The cold run cannot beat its floor; what
 *   separates them is what the click still had to wait for.
 * Everything listens on 127.0.0.1 (next start, relay, demo targets); chromium loads nothing else.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { startRelay } from '../server/relay';
import { startDemoTargets } from '../server/demo/start';
import { BENCH_TMP } from './peers';
import { SkipSection } from './skip';
import { round, summarize, type Summary } from './stats';
import { appServerArgs, BUILD_SOURCES, CHROMIUM, CHROMIUM_ARGS, freePort, newestMtime } from '../test/e2e/harness';

const ROOT = resolve(import.meta.dirname, '..');

export interface PageOptions {
  /** Runs after the first (cold) one. */
  runs: number;
  /** Demo target run from the page. */
  target: string;
}

export interface PageResult {
  build: { builtAt: string; staleSources: string[] };
  firstLoadJs: { scripts: number; rawBytes: number; gzipBytes: number; gzipKB: number; files: { url: string; gzipBytes: number }[]; targetGzipKB: number; withinTarget: boolean };
  /** Scripts fetched after the load event while the page is idle (the engine, the root store). */
  loadedWhenIdle: { scripts: number; gzipBytes: number; gzipKB: number };
  /** Scripts the first Run loads (engine, root store): not part of the first load. */
  loadedOnFirstRun: { scripts: number; gzipBytes: number; gzipKB: number; files: { url: string; gzipBytes: number }[] };
  runToLastStep: {
    target: string;
    url: string;
    steps: number;
    outcome: string | null;
    coldMs: number;
    warm: Summary;
    targetMs: number;
    withinTarget: boolean;
  };
  coldDemoClick: {
    target: string;
    /** Click on the demo card right after the load event of a fresh page. */
    cold: Summary;
    /** The same click on a fresh page that was left to settle first: what the machine allows. */
    floor: Summary;
    targetMs: number;
    withinTarget: boolean;
  };
}

/** Whether some process on this machine is running `next build` right now (reads /proc, Linux). */
function nextBuildRunning(): boolean {
  try {
    return readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .some((pid) => {
        try {
          const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
          return argv.some((a) => a.endsWith('next') || a.includes('/next/dist/bin/next')) && argv.includes('build');
        } catch {
          return false;
        }
      });
  } catch {
    return false;
  }
}

/**
 * Why the page section cannot run here, or undefined when it can. A build that is in progress
 * (another `next build` running) is waited for, up to `waitMs`.
 */
export async function pageUnavailable(waitMs = 180_000): Promise<string | undefined> {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install -y chromium)`;
  const buildId = join(ROOT, '.next', 'BUILD_ID');
  const deadline = Date.now() + waitMs;
  while (!existsSync(buildId) && nextBuildRunning() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2000));
  if (!existsSync(buildId)) {
    return nextBuildRunning()
      ? `a \`next build\` was still running after ${Math.round(waitMs / 1000)} s, so there was no production build to measure`
      : 'no production build in .next (run `npm run build` first; the benchmark does not build the app)';
  }
  return undefined;
}

async function waitForHttp(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with code ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${output()}`);
}

/** Installed before the page's own scripts: timestamps for the click on Run and for the run being done. */
const TIMING_PROBE = `
  window.__benchRun = { clickAt: 0, running: false, doneAt: 0, steps: 0 };
  document.addEventListener('click', (e) => {
    if (e.target instanceof Element && e.target.closest('[data-testid=run-button], [data-testid=demo-target]')) {
      window.__benchRun = { clickAt: performance.now(), running: false, doneAt: 0, steps: 0 };
    }
  }, true);
  new MutationObserver(() => {
    const b = window.__benchRun;
    const status = document.querySelector('[data-testid=run]')?.getAttribute('data-status');
    // The previous run's section still says "done" until this run replaces it.
    if (b.clickAt && status === 'running') b.running = true;
    if (b.running && !b.doneAt && status === 'done') {
      b.doneAt = -1;
      requestAnimationFrame(() => {
        b.doneAt = performance.now();
        b.steps = document.querySelectorAll('[data-testid=step-row]').length;
      });
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
`;

async function timedRun(page: Page, url: string): Promise<{ ms: number; steps: number; outcome: string | null }> {
  await page.getByTestId('url-input').fill(url);
  await page.getByTestId('run-button').click();
  await page.waitForFunction(() => (window as unknown as { __benchRun: { doneAt: number } }).__benchRun.doneAt > 0, undefined, { timeout: 30_000, polling: 50 });
  const b = await page.evaluate(() => (window as unknown as { __benchRun: { clickAt: number; doneAt: number; steps: number } }).__benchRun);
  const outcome = await page.getByTestId('summary-card').getAttribute('data-outcome');
  return { ms: b.doneAt - b.clickAt, steps: b.steps, outcome };
}

/**
 * One fresh page (a new browser context, empty cache) clicking the demo card `target`: right after
 * the load event (`settle` false), or once the network has been idle and a further second has passed.
 */
async function freshDemoClick(browser: import('playwright-core').Browser, baseUrl: string, target: string, settle: boolean): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    await context.route((u) => !/^(http|ws)s?:\/\/127\.0\.0\.1[:/]/.test(u.toString()), (route) => route.abort());
    const page = await context.newPage();
    await page.addInitScript(TIMING_PROBE);
    await page.goto(baseUrl, { waitUntil: settle ? 'networkidle' : 'load' });
    if (settle) await page.waitForTimeout(1000);
    await page.locator(`[data-testid=demo-target][data-target="${target}"]`).click();
    await page.waitForFunction(() => (window as unknown as { __benchRun: { doneAt: number } }).__benchRun.doneAt > 0, undefined, { timeout: 30_000, polling: 20 });
    const b = await page.evaluate(() => (window as unknown as { __benchRun: { clickAt: number; doneAt: number } }).__benchRun);
    const outcome = await page.getByTestId('summary-card').getAttribute('data-outcome');
    if (outcome !== 'ok') throw new Error(`the ${target} demo card's run ended "${outcome}"`);
    return b.doneAt - b.clickAt;
  } finally {
    await context.close();
  }
}

export async function benchPage(opts: PageOptions): Promise<PageResult> {
  const unavailable = await pageUnavailable();
  if (unavailable) throw new SkipSection(unavailable);
  const builtAtMs = statSync(join(ROOT, '.next', 'BUILD_ID')).mtimeMs;
  const staleSources = BUILD_SOURCES.filter((s) => newestMtime(join(ROOT, s)) > builtAtMs);

  const dataDir = join(BENCH_TMP, 'demo');
  const demo = await startDemoTargets({ dataDir, log: () => undefined });
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const demoTargets = Object.fromEntries(demo.targets.map((t) => [t.name, { host: t.host, port: t.port }]));
  const relay = await startRelay({ host: '127.0.0.1', port: 0, allowedOrigins: [baseUrl], demoTargets, log: () => undefined, drainTimeoutMs: 0, newSessionsPerMinute: 10_000, demoSessionsPerMinute: 10_000 });
  let nextOutput = '';
  const next = spawn(process.execPath, appServerArgs(port), {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', RELAY_PUBLIC_URL: relay.url, PUBLIC_URL: baseUrl, TLSPG_DEMO_DIR: dataDir, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  next.stdout?.on('data', (d) => (nextOutput = (nextOutput + d).slice(-4000)));
  next.stderr?.on('data', (d) => (nextOutput = (nextOutput + d).slice(-4000)));
  const browser = await (async () => {
    await waitForHttp(baseUrl, next, () => nextOutput, 30_000);
    return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  })().catch(async (e) => {
    next.kill('SIGTERM');
    await relay.close();
    await demo.close();
    throw e;
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Loopback only: anything else the page asks for is refused, not fetched.
    await context.route((u) => !/^(http|ws)s?:\/\/127\.0\.0\.1[:/]/.test(u.toString()), (route) => route.abort());
    const page = await context.newPage();
    await page.addInitScript(TIMING_PROBE);

    const scripts = new Map<string, Promise<Buffer | undefined>>();
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script') scripts.set(response.url(), response.body().catch(() => undefined));
    });
    const sized = async (from: Map<string, Promise<Buffer | undefined>>) => {
      const out: { url: string; gzipBytes: number; rawBytes: number }[] = [];
      for (const [u, body] of from) {
        const bytes = await body;
        if (bytes) out.push({ url: u.replace(baseUrl, ''), rawBytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length });
      }
      return out;
    };
    // First-load JS: what the page loads up to its load event. What it fetches after that, in idle
    // time (the engine and the root store, so the first click need not wait), is reported apart.
    await page.goto(baseUrl, { waitUntil: 'load' });
    const files = await sized(scripts);
    const beforeLoad = new Set(scripts.keys());
    await page.waitForLoadState('networkidle');
    // The idle callback may come after the network first goes quiet (1.5 s at the latest, more on a busy machine).
    await page.waitForTimeout(2500);
    await page.waitForLoadState('networkidle');
    const idle = await sized(new Map([...scripts].filter(([u]) => !beforeLoad.has(u))));
    const gzipBytes = files.reduce((a, f) => a + f.gzipBytes, 0);
    const firstLoadTargetKB = 250;

    // What the first Run fetches on top: the engine chunk(s) and the root store, loaded on demand.
    scripts.clear();
    const url = `https://${opts.target}.test/`;
    const cold = await timedRun(page, url);
    page.removeAllListeners('response');
    const onDemand = await sized(scripts);
    if (cold.outcome !== 'ok') throw new Error(`the ${opts.target} demo run from the page ended "${cold.outcome}"`);
    const warm: number[] = [];
    let last = cold;
    for (let i = 0; i < opts.runs; i++) {
      last = await timedRun(page, url);
      if (last.outcome !== 'ok') throw new Error(`run ${i + 2} of the ${opts.target} demo ended "${last.outcome}"`);
      warm.push(last.ms);
    }
    const warmSummary = summarize(warm);
    const targetMs = 500;

    // Cold first runs from a demo card, alternating with their floor so both see the same machine.
    const coldSamples: number[] = [];
    const floorSamples: number[] = [];
    const freshPages = Math.max(3, Math.min(7, opts.runs));
    for (let i = 0; i < freshPages; i++) {
      coldSamples.push(await freshDemoClick(browser, baseUrl, opts.target, false));
      floorSamples.push(await freshDemoClick(browser, baseUrl, opts.target, true));
    }
    const coldSummary = summarize(coldSamples);
    return {
      build: { builtAt: new Date(builtAtMs).toISOString(), staleSources },
      firstLoadJs: {
        scripts: files.length,
        rawBytes: files.reduce((a, f) => a + f.rawBytes, 0),
        gzipBytes,
        gzipKB: round(gzipBytes / 1024, 1),
        files: files.map(({ url: u, gzipBytes: g }) => ({ url: u, gzipBytes: g })),
        targetGzipKB: firstLoadTargetKB,
        withinTarget: gzipBytes / 1024 <= firstLoadTargetKB,
      },
      loadedWhenIdle: {
        scripts: idle.length,
        gzipBytes: idle.reduce((a, f) => a + f.gzipBytes, 0),
        gzipKB: round(idle.reduce((a, f) => a + f.gzipBytes, 0) / 1024, 1),
      },
      loadedOnFirstRun: {
        scripts: onDemand.length,
        gzipBytes: onDemand.reduce((a, f) => a + f.gzipBytes, 0),
        gzipKB: round(onDemand.reduce((a, f) => a + f.gzipBytes, 0) / 1024, 1),
        files: onDemand.map(({ url: u, gzipBytes: g }) => ({ url: u, gzipBytes: g })),
      },
      runToLastStep: {
        target: opts.target,
        url,
        steps: last.steps,
        outcome: last.outcome,
        coldMs: round(cold.ms, 1),
        warm: warmSummary,
        targetMs,
        withinTarget: cold.ms <= targetMs && warmSummary.medianMs <= targetMs,
      },
      coldDemoClick: {
        target: opts.target,
        cold: coldSummary,
        floor: summarize(floorSamples),
        targetMs,
        withinTarget: coldSummary.medianMs <= targetMs,
      },
    };
  } finally {
    await browser.close().catch(() => undefined);
    next.kill('SIGTERM');
    await new Promise((r) => (next.exitCode !== null ? r(undefined) : next.once('exit', r)));
    await relay.close();
    await demo.close();
  }
}
