/**
 * A production install, as docs/deploy.md makes one: the checkout (without test/ and bench/) in a
 * temporary directory, `npm ci --omit=dev` from npm's cache with the network unused, the build in
 * .next, and then the processes a deployment runs, each from that directory alone — the demo
 * targets (`npm start`'s), the relay and the app server in production mode. A real handshake goes
 * through that relay to a demo target, and the app serves a page and saves and shows a result in
 * its SQLite store. Nothing outside the directory can be imported by them: it is not under the
 * repository, so its node_modules is the only one on their resolution path.
 *
 * Install scripts are skipped and run the way they would have: the root's postinstall (the root
 * store, with tsx, a runtime dependency for that reason) by `npm run postinstall`, and
 * better-sqlite3's native addon, which only compiles C, is copied from the repository's own
 * install of the same locked version for the same Node (compiling it again would test the C
 * compiler, not the dependency list, and takes minutes of a two-core machine).
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { annotateCertificate, createCertificateVerifier } from '../../lib/run/certificates';
import { runTls } from '../../lib/run/run';
import { nobleCrypto } from '../../lib/tls/crypto/index';
import { RootStore } from '../../lib/tls/x509/roots';
import { createRelayTransport } from '../../lib/transport/relay';
import { ensureBuild, freePort, ROOT } from '../e2e/harness';

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Exit> {
  return new Promise((done) => {
    execFile(file, args, { cwd: options.cwd, env: options.env, timeout: options.timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/**
 * The environment of a shell on the deployment host: no tsx loader, no npm_* settings inherited
 * from `npm test` (npm's cache location and config files excepted: the install must find the cache).
 */
function hostEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', NEXT_TELEMETRY_DISABLED: '1' };
  delete env.NODE_OPTIONS;
  for (const key of Object.keys(env)) {
    if (key.startsWith('npm_') && !['npm_config_cache', 'npm_config_userconfig', 'npm_config_globalconfig'].includes(key)) delete env[key];
  }
  return { ...env, ...extra };
}

/** Every .ts/.tsx/.js file under `path` (or `path` itself). */
function sourceFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return /\.(tsx?|m?js)$/.test(path) && !path.endsWith('.d.ts') ? [path] : [];
  return readdirSync(path).flatMap((name) => sourceFiles(join(path, name)));
}

let dir: string;
const children: ChildProcess[] = [];

/** Starts `node --import tsx <entry>` from the install; resolves with the child once `ready(line)` matches a line of its output. */
function startEntry(entry: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: dir, env: hostEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} was not ready within 90 s:\n${output}`)), 90_000);
    const take = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => output });
      }
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited (${code}) before it was ready:\n${output}`));
    });
  });
}

before(
  async () => {
    await ensureBuild();
    dir = await mkdtemp(join(tmpdir(), 'tlspg-production-'));
    // The checkout as a deployment has it: tracked and new files, not what .gitignore leaves out.
    const listed = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, env: hostEnv(), timeoutMs: 30_000 });
    assert.equal(listed.code, 0, listed.stderr);
    const files = listed.stdout.split('\0').filter((f) => f && !/^(test|bench)\//.test(f) && existsSync(join(ROOT, f)));
    for (const file of files) {
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await cp(join(ROOT, file), join(dir, file));
    }
    const install = await run('npm', ['ci', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, env: hostEnv(), timeoutMs: 540_000 });
    assert.equal(install.code, 0, `npm ci --omit=dev --offline failed:\n${install.stdout}\n${install.stderr}`);
    const postinstall = await run('npm', ['run', 'postinstall'], { cwd: dir, env: hostEnv(), timeoutMs: 120_000 });
    assert.equal(postinstall.code, 0, `the root's postinstall failed:\n${postinstall.stdout}\n${postinstall.stderr}`);
    const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
    await mkdir(dirname(join(dir, addon)), { recursive: true });
    await cp(join(ROOT, addon), join(dir, addon));
    // The build made with dev dependencies (npm run build), without its compiler cache.
    await cp(join(ROOT, '.next'), join(dir, '.next'), { recursive: true, filter: (source) => !source.startsWith(join(ROOT, '.next', 'cache')) });
  },
  { timeout: 900_000 },
);

after(async () => {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm ci --omit=dev, then the production processes from that install alone', () => {
  it('installs every runtime dependency and none of the development-only ones', async () => {
    const lock = JSON.parse(await readFile(join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; optional?: boolean }> };
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const name of Object.keys(manifest.dependencies)) assert.ok(existsSync(join(dir, 'node_modules', name, 'package.json')), `${name} is installed`);
    const devOnly = Object.keys(manifest.devDependencies).filter((name) => lock.packages[`node_modules/${name}`]?.dev);
    assert.ok(devOnly.includes('typescript') && devOnly.includes('playwright-core'), 'the lockfile marks development-only packages');
    for (const name of devOnly) assert.ok(!existsSync(join(dir, 'node_modules', name)), `${name} (development only) is not installed`);
    assert.ok(existsSync(join(dir, 'lib/tls/x509/roots.generated.ts')), 'the postinstall wrote the root store');
  });

  it('holds every package the served code imports, lazily imported ones too (pg only with DATABASE_URL)', async () => {
    const packages = new Set<string>();
    for (const top of ['app', 'components', 'lib', 'server', 'cli', 'proxy.ts', 'next.config.js']) {
      for (const file of sourceFiles(join(dir, top))) {
        const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
        const specifiers = [
          ...[...code.matchAll(/\b(?:import|export)\s+(?!type\s)(?:[^'"`;]*?\sfrom\s+)?['"]([^'"]+)['"]/g)].map((m) => m[1]),
          ...[...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]),
        ];
        for (const spec of specifiers) {
          if (/^(\.|@\/|node:)/.test(spec) || builtinModules.includes(spec.split('/')[0])) continue;
          packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
        }
      }
    }
    assert.ok(packages.has('pg') && packages.has('ws') && packages.has('next'), [...packages].join(', '));
    for (const name of packages) assert.ok(existsSync(join(dir, 'node_modules', name, 'package.json')), `${name} is imported by the served code and installed by npm ci --omit=dev`);
  });

  let demoDir: string;
  let relayUrl: string;

  it('runs the demo targets and the relay in production mode, and a real handshake goes through that relay', async () => {
    demoDir = join(dir, 'data', 'demo');
    const demo = await startEntry('server/demo/main.ts', ['--data-dir', demoDir], { NODE_ENV: 'production' }, /^demo CA: (.+)$/m);
    assert.match(demo.output(), /^tls13\.test\s+127\.0\.0\.1:\d+/m);
    const relay = await startEntry('server/relay/main.ts', [], { NODE_ENV: 'production', RELAY_HOST: '127.0.0.1', RELAY_PORT: '0', DEMO_DATA_DIR: demoDir }, /"event":"ready","url":"(ws:\/\/[^"]+)"/);
    relayUrl = relay.match[1];
    const caDer = Buffer.from(
      readFileSync(demo.match[1].trim(), 'utf8')
        .replace(/-----[A-Z ]+-----/g, '')
        .replace(/\s+/g, ''),
      'base64',
    );
    const trace = await runTls(
      { url: 'https://tls13.test/' },
      {
        transport: createRelayTransport({ url: relayUrl, WebSocketImpl: WebSocket }),
        crypto: nobleCrypto,
        verifyCertificates: createCertificateVerifier({ roots: new RootStore([]), userCAs: [caDer], crypto: nobleCrypto }),
        annotateCertificate,
        timeoutMs: 20_000,
      },
    );
    assert.equal(trace.outcome, 'ok', JSON.stringify(trace.outcomeCause));
    assert.equal(trace.http?.status, 200);
    assert.equal(trace.certificate?.verdict, 'trusted');
    const health = await fetch(relayUrl.replace(/^ws/, 'http').replace(/\/relay$/, '/healthz'));
    assert.equal(health.status, 200);
  });

  it('runs the app server in production mode: a page, and a result saved to SQLite and shown', async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    await startEntry(
      'server/app/main.ts',
      ['-H', '127.0.0.1', '-p', String(port)],
      { PUBLIC_URL: origin, RELAY_PUBLIC_URL: relayUrl ?? 'ws://127.0.0.1:1/relay', RESULTS_DB: join(dir, 'data', 'results.db'), TLSPG_DEMO_DIR: demoDir ?? join(dir, 'data', 'demo') },
      /ready on http:\/\/127\.0\.0\.1:\d+/,
    );
    const home = await fetch(`${origin}/`);
    assert.equal(home.status, 200);
    assert.match(await home.text(), /TLS Playground/);
    const trace = await readFile(join(ROOT, 'test/fixtures/traces/v1-iis-rustls-reset.json'));
    const saved = await fetch(`${origin}/api/results`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: trace });
    assert.equal(saved.status, 201, await saved.clone().text());
    const { id, url } = (await saved.json()) as { id: string; url: string };
    assert.equal(url, `${origin}/r/${id}`);
    const page = await fetch(`${origin}/r/${id}`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /iis-renegotiation/);
    assert.ok(existsSync(join(dir, 'data', 'results.db')), 'the result is in the SQLite file of the install');
  });

  it('runs the CLI from the checkout (npm run -s cli)', async () => {
    const help = await run('npm', ['run', '-s', 'cli', '--', '--help'], { cwd: dir, env: hostEnv(), timeoutMs: 60_000 });
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /tls-playground/);
  });
});
