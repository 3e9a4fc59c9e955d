/**
 * The end-to-end stack: the production build served by the app's production process
 * (server/app/main.ts: Next.js behind the fast path for cached views), the relay and the demo targets
 * (both in this process, on loopback, ephemeral ports), and Debian's chromium driven by
 * playwright-core (firefox.test.ts drives Debian's firefox-esr itself). Nothing here reaches beyond
 * 127.0.0.1.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before } from 'node:test';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { startRelay, type RelayServer } from '../../server/relay';
import { startDemoTargets, type RunningDemo, type StartDemoOptions } from '../../server/demo/start';
import { notRunningSentence } from '../../server/demo/registry';

export const ROOT = resolve(import.meta.dirname, '../..');
export const RESULTS_DIR = join(ROOT, 'test-results', 'e2e');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Debian's chromium, installed on first use when we are root (the test machine's setup). */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() !== 0) throw new Error(`${CHROMIUM} is missing; install it with: apt-get install -y chromium`);
  execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get install chromium did not provide ${CHROMIUM}`);
  return CHROMIUM;
}

export function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Sources the production build is made from: a build older than any of them is stale. */
export const BUILD_SOURCES = ['app', 'components', 'lib', 'public', 'server/demo/catalog.ts', 'server/demo/registry.ts', 'server/demo/paths.ts', 'server/share', 'server/store', 'server/app/headers.json', 'next.config.js', 'proxy.ts', 'postcss.config.mjs', 'tsconfig.next.json'];

function buildIsFresh(): boolean {
  const buildId = join(ROOT, '.next', 'BUILD_ID');
  const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  return built > Math.max(...BUILD_SOURCES.map((s) => newestMtime(join(ROOT, s))));
}

/**
 * Builds the app unless .next holds a build newer than every source it is made of. Test files run
 * in parallel processes: a lock directory makes one of them build while the others wait.
 */
export async function ensureBuild(): Promise<void> {
  const lock = join(RESULTS_DIR, 'build.lock');
  mkdirSync(RESULTS_DIR, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another process is building; a lock older than ten minutes was left by a crash.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (buildIsFresh() && process.env.E2E_REBUILD !== '1') return;
    execFileSync(process.execPath, [join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The app's production process on 127.0.0.1:`port`, as docs/deploy.md runs it: `node --import tsx
 * server/app/main.ts` (Next.js, the build in .next, behind the fast path for cached saved-run views).
 * The process spawned is node itself, so its pid is the server's (the bench reads its CPU time).
 */
export function appServerArgs(port: number): string[] {
  return ['--import', import.meta.resolve('tsx'), join(ROOT, 'server/app/main.ts'), '-H', '127.0.0.1', '-p', String(port)];
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** The app, the relay and the demo targets on loopback, without a browser. */
export interface Servers {
  baseUrl: string;
  relay: RelayServer;
  demo: RunningDemo;
  close(): Promise<void>;
}

export interface Stack extends Servers {
  browser: Browser;
  /** Console errors and page errors seen by any page from newPage(). */
  consoleErrors: string[];
  /** `locale`: the browser's language (navigator.language and Accept-Language), e.g. 'zh-CN'. */
  newPage(options?: { colorScheme?: 'light' | 'dark'; width?: number; height?: number; locale?: string }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * The servers alone, for a test that drives a browser other than chromium (test/e2e/firefox.test.ts).
 */
export interface ServerOptions {
  env?: Record<string, string>;
  /** The demo targets' programs (a missing one: its target is not started, as on a machine without it). */
  demoPrograms?: StartDemoOptions['programs'];
}

export async function startServers(options: ServerOptions = {}): Promise<Servers> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  await ensureBuild();

  // Each stack gets its own demo data (keys and certificates are made at start, never committed).
  mkdirSync(join(ROOT, 'data'), { recursive: true });
  const dataDir = mkdtempSync(join(ROOT, 'data', 'e2e-demo-'));
  const demo = await startDemoTargets({ dataDir, log: () => undefined, programs: options.demoPrograms });
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const demoTargets = Object.fromEntries(demo.targets.map((t) => [t.name, { host: t.host, port: t.port }]));
  // Every page of a test file is one client (127.0.0.1) to the relay, and a lessons walk starts dozens
  // of runs a minute: the per-client limits are raised here (they are tested on relays of their own,
  // test/relay/limits.test.ts and the deploy e2e), so a fast machine does not meet them mid-file.
  const relay = await startRelay({
    host: '127.0.0.1',
    port: 0,
    allowedOrigins: [baseUrl],
    demoTargets,
    // As server/relay/main.ts reads them from the registry: a target not started is refused with why.
    unavailableDemoTargets: Object.fromEntries(demo.notStarted.map(({ name, ...why }) => [name, notRunningSentence(`${name}.test`, why)])),
    log: () => undefined,
    drainTimeoutMs: 0,
    maxSessionsPerClient: 64,
    newSessionsPerMinute: 6000,
    demoSessionsPerMinute: 6000,
  });

  // Saved runs go to a database of this stack's own (unless the test names one), so a test run
  // neither reads nor fills the developer's data/results.db, and no two test files share rows.
  const next = spawn(process.execPath, appServerArgs(port), {
    cwd: ROOT,
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      RELAY_PUBLIC_URL: relay.url,
      PUBLIC_URL: baseUrl,
      TLSPG_DEMO_DIR: dataDir,
      RESULTS_DB: join(dataDir, 'results.db'),
      NODE_ENV: 'production',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let nextOutput = '';
  next.stdout?.on('data', (d) => (nextOutput += d));
  next.stderr?.on('data', (d) => (nextOutput += d));
  try {
    await waitForHttp(baseUrl, next, 30_000);
  } catch (error) {
    next.kill();
    await relay.close();
    await demo.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${nextOutput}`);
  }

  return {
    baseUrl,
    relay,
    demo,
    async close() {
      next.kill('SIGTERM');
      await new Promise((r) => (next.exitCode !== null ? r(undefined) : next.once('exit', r)));
      await relay.close();
      await demo.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startStack(options: ServerOptions = {}): Promise<Stack> {
  const executablePath = ensureChromium();
  const servers = await startServers(options);
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS }).catch(async (error: unknown) => {
    await servers.close();
    throw error;
  });
  const contexts: BrowserContext[] = [];
  const consoleErrors: string[] = [];

  return {
    ...servers,
    browser,
    consoleErrors,
    async newPage({ colorScheme = 'light', width = 1280, height = 900, locale = 'en-US' } = {}) {
      const context = await browser.newContext({ colorScheme, viewport: { width, height }, locale });
      contexts.push(context);
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(`${page.url()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await servers.close();
    },
  };
}

/**
 * One stack for the test file that calls this at its top level: started before its first test and
 * closed after its last (node:test hooks). The stack is read through the returned function, since it
 * exists only once the hook has run.
 */
export function stackForFile(): () => Stack {
  let stack: Stack | undefined;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });
  return () => {
    if (!stack) throw new Error('the stack is started in the file’s before hook, and read only in its tests');
    return stack;
  };
}

/** The frame (an embed) whose address starts with `urlPrefix`, once it has loaded. */
export async function frameAt(page: Page, urlPrefix: string): Promise<Frame> {
  for (let tries = 0; tries < 100; tries++) {
    const frame = page.frames().find((f) => f.url().startsWith(urlPrefix));
    if (frame) {
      await frame.waitForLoadState('load');
      return frame;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no frame from ${urlPrefix}`);
}

export function screenshotPath(name: string): string {
  return join(RESULTS_DIR, `${name}.png`);
}
