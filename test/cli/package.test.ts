/**
 * The installable package as someone outside the repository gets it: `npm run pack` builds the
 * tarball once, npm installs it offline into a temporary prefix, and the installed `tls-playground`
 * (plain Node, no tsx, run from outside the repository) answers exactly as the repository's CLI
 * does — against openssl s_server (TLS 1.3 and 1.2) and the iis-renegotiation demo target. Then a
 * plain `node` script and a TypeScript consumer use the library entry points of the installed copy.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { NO_LICENCE_YET, pack, type PackResult } from '../../scripts/pack';
import { startDemoTargets, type RunningDemo } from '../../server/demo/start';
import type { TestPki } from '../../server/pki/testPki';
import { sharedTestPki } from '../helpers/pki';
import { startOpensslServer, type OpensslServer } from '../helpers/tlsServers';

const ROOT = resolve(import.meta.dirname, '..', '..');

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Exit> {
  return new Promise((done) => {
    execFile(file, args, { ...options, timeout: 90_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let dir: string;
let prefix: string;
let built: PackResult;
let pki: TestPki;
let tls13: OpensslServer;
let tls12: OpensslServer;
let demo: RunningDemo;
let demoDataDir: string;

/** What a user's shell gives the installed CLI: no tsx loader, a directory outside the repository. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DEMO_DATA_DIR: demoDataDir, NO_COLOR: '1' };
  delete env.NODE_OPTIONS;
  for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
  return env;
}

const installed = (args: string[]) => run(join(prefix, 'bin', 'tls-playground'), args, { cwd: dir, env: userEnv() });
const repository = (args: string[]) => run(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { cwd: ROOT, env: { ...process.env, DEMO_DATA_DIR: demoDataDir } });

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tlspg-package-'));
  prefix = join(dir, 'prefix');
  demoDataDir = join(dir, 'demo');
  const [packed, testPki, running] = await Promise.all([pack(join(dir, 'out')), sharedTestPki(), startDemoTargets({ dataDir: demoDataDir, renegotiationTimeoutMs: 5000, log: () => undefined })]);
  built = packed;
  pki = testPki;
  demo = running;
  // --offline: the registry is never asked; the tarball must carry everything it needs.
  const install = await run('npm', ['install', '--global', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, built.tarball], { cwd: dir });
  assert.equal(install.code, 0, install.stderr);
  const leaf = pki.leaves.p256;
  tls13 = await startOpensslServer(['-tls1_3', '-www', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath]);
  tls12 = await startOpensslServer(['-tls1_2', '-www', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath]);
});

after(async () => {
  await Promise.all([tls13?.close(), tls12?.close(), demo?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The parts of a --json trace that say what happened (not when, nor the random bytes). */
function outcomeOf(stdout: string) {
  const t = JSON.parse(stdout);
  return {
    outcome: t.outcome,
    outcomeCause: t.outcomeCause,
    version: t.version,
    cipherSuite: t.cipherSuite,
    group: t.group,
    signatureScheme: t.signatureScheme,
    alerts: t.alerts,
    http: t.http?.status,
    certificate: t.certificate?.verdict,
    personality: t.personality,
    // What each step is; its data carries lengths, times and random values that differ run to run.
    steps: (t.steps as { direction: string; layer: string; kind: string }[]).map((s) => `${s.direction} ${s.layer} ${s.kind}`),
  };
}

async function sameAsRepository(args: string[]): Promise<ReturnType<typeof outcomeOf>> {
  const mine = await installed([...args, '--json']);
  const theirs = await repository([...args, '--json']);
  assert.equal(mine.code, theirs.code, `exit status: installed ${mine.code} (${mine.stderr}), repository ${theirs.code} (${theirs.stderr})`);
  const a = outcomeOf(mine.stdout);
  assert.deepEqual(a, outcomeOf(theirs.stdout));
  return a;
}

describe('the packed tarball', () => {
  it('declares no dependencies: the code it imports is bundled in, and named with its licence', async () => {
    const manifest = JSON.parse(await readFile(join(built.packageDir, 'package.json'), 'utf8'));
    assert.equal(manifest.name, 'tls-playground');
    assert.equal(manifest.version, JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version);
    assert.equal(manifest.dependencies, undefined);
    assert.deepEqual(manifest.bin, { 'tls-playground': 'bin/tls-playground.js' });
    assert.deepEqual(Object.keys(manifest.exports), ['./engine', './trace', './node', './package.json']);
    assert.equal(manifest.engines.node, '>=20.19');
    // The engine's crypto at least; whatever else the code imports is read from the build.
    const names = built.bundled.map((p) => p.name);
    for (const name of ['@noble/ciphers', '@noble/curves', '@noble/hashes', '@noble/post-quantum']) assert.ok(names.includes(name), names.join(', '));
    const notices = await readFile(join(built.packageDir, 'THIRD_PARTY_LICENSES.md'), 'utf8');
    for (const p of built.bundled) assert.match(notices, new RegExp(`## ${p.name.replace('/', '\\/')} ${p.version} \\(${p.license}\\)\\n\\n\`\`\`\\n.*(Copyright|MIT License)`, 'i'));
    // The installed copy carries no node_modules of its own: nothing was fetched.
    assert.deepEqual((await readdir(join(prefix, 'lib', 'node_modules', 'tls-playground'))).sort(), ['README.md', 'THIRD_PARTY_LICENSES.md', 'bin', 'dist', 'package.json', 'types']);
  });

  it('declares the licence root package.json names, and while it names none, says so instead of implying one', async () => {
    const root = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { license?: string };
    const manifest = JSON.parse(await readFile(join(built.packageDir, 'package.json'), 'utf8')) as { license?: string };
    const readme = await readFile(join(built.packageDir, 'README.md'), 'utf8');
    assert.equal(manifest.license, root.license);
    assert.equal(built.license, root.license);
    if (root.license) assert.ok(!readme.includes(NO_LICENCE_YET));
    else assert.ok(readme.endsWith(NO_LICENCE_YET), 'the README says no licence is declared yet');
  });

  it('carries the generated Mozilla root store', async () => {
    const chunks = await readdir(join(built.packageDir, 'dist', 'chunks'));
    const roots = chunks.find((f) => f.startsWith('roots.generated'));
    assert.ok(roots, chunks.join(', '));
    assert.match(await readFile(join(built.packageDir, 'dist', 'chunks', roots), 'utf8'), /tls\.rootCertificates \(Mozilla NSS\)/);
  });
});

describe('the installed tls-playground', () => {
  it('--version and --help', async () => {
    const v = await installed(['--version']);
    assert.equal(v.stdout, `tls-playground ${built.version}\n`);
    const h = await installed(['--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /^ {2}tls-playground diagnose https:\/\/HOST/m);
  });

  it('TLS 1.3 against openssl s_server: the same trace outcome as the repository CLI', async () => {
    const t = await sameAsRepository([`https://localhost:${tls13.port}/`, '--ca', pki.root.certPath]);
    assert.equal(t.outcome, 'ok');
    assert.equal(t.version, 'TLSv1.3');
    assert.equal(t.certificate, 'trusted');
    assert.equal(t.http, 200);
  });

  it('TLS 1.2 against openssl s_server, with named suite and group: the same as the repository CLI', async () => {
    const t = await sameAsRepository([`https://localhost:${tls12.port}/`, '--ca', pki.root.certPath, '--tls', '1.2', '--suite', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', '--group', 'secp256r1']);
    assert.equal(t.outcome, 'ok');
    assert.equal(t.version, 'TLSv1.2');
    assert.equal(t.cipherSuite, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
    assert.equal(t.group, 'secp256r1');
  });

  it('--connect and --keylog: the same run, and the key log the installed copy wrote has the TLS 1.3 secrets', async () => {
    const keylog = join(dir, 'keylog.txt');
    const t = await sameAsRepository(['https://localhost/', '--connect', `127.0.0.1:${tls13.port}`, '--ca', pki.root.certPath, '--keylog', keylog]);
    assert.equal(t.outcome, 'ok');
    // Both CLIs appended to the same file: two runs, five secrets each (RFC 8446 §7.1; NSS key log labels).
    const labels = (await readFile(keylog, 'utf8')).trim().split('\n').map((l) => l.split(' ')[0]);
    assert.equal(labels.length, 10);
    assert.deepEqual([...new Set(labels)].sort(), ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'EXPORTER_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0']);
  });

  it('an untrusted certificate fails the same way, exit 1', async () => {
    const t = await sameAsRepository([`https://localhost:${tls13.port}/`]);
    assert.equal(t.outcome, 'alert');
    assert.equal(t.certificate, 'untrusted');
  });

  it('the iis-renegotiation demo target by its alias, as rustls: reset, as in the repository', async () => {
    const t = await sameAsRepository(['https://iis-renegotiation.test/secure/', '--as', 'rustls']);
    assert.equal(t.outcome, 'reset');
    assert.deepEqual(t.alerts, [{ from: 'client', level: 'warning', description: 'no_renegotiation' }]);
  });

  it('as openssl with --client-cert demo: renegotiates and gets 200, as in the repository', async () => {
    const t = await sameAsRepository(['https://iis-renegotiation.test/secure/', '--as', 'openssl', '--client-cert', 'demo']);
    assert.equal(t.outcome, 'ok');
    assert.equal(t.http, 200);
  });

  it('diagnose: the same verdict, clients and fixes as the repository CLI', async () => {
    const args = ['diagnose', 'https://iis-renegotiation.test/secure/', '--timeout', '2500', '--json'];
    const [mine, theirs] = await Promise.all([installed(args), repository(args)]);
    assert.equal(mine.code, 0, mine.stderr);
    const verdict = (stdout: string) => {
      const d = JSON.parse(stdout);
      return { severity: d.severity, verdict: d.verdict, tls12: d.tls12, tls13: d.tls13, fixes: d.fixes, clients: d.personalities.map((p: { personality: string; outcome: string }) => `${p.personality} ${p.outcome}`) };
    };
    const d = verdict(mine.stdout);
    assert.deepEqual(d, verdict(theirs.stdout));
    assert.equal(d.severity, 'problem');
    assert.ok(d.clients.includes('rustls reset') && d.clients.includes('openssl ok'), d.clients.join(', '));
  });

  it('prints the readable transcript with the advice, pointing at npx tls-playground diagnose', async () => {
    const r = await installed(['https://iis-renegotiation.test/secure/', '--as', 'rustls']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /→ ClientHello/);
    assert.match(r.stdout, /^outcome: reset/m);
    assert.match(r.stdout, /^more: npx tls-playground diagnose https:\/\/iis-renegotiation\.test\/secure\//m);
  });

  it('demo list shows where the running demo targets listen; without them, says they live in the repository', async () => {
    const running = await installed(['demo', 'list']);
    const port = demo.targets.find((t) => t.name === 'iis-renegotiation')!.port;
    assert.match(running.stdout, new RegExp(`https://iis-renegotiation\\.test/ .*\\n {4}running on 127\\.0\\.0\\.1:${port}\\n`));
    const none = await run(join(prefix, 'bin', 'tls-playground'), ['demo', 'list'], { cwd: dir, env: { ...userEnv(), DEMO_DATA_DIR: join(dir, 'nowhere') } });
    assert.equal(none.code, 0);
    assert.match(none.stdout, /not running/);
    assert.match(none.stdout, /clone of the TLS Playground repository: start them there with npm start/);
    const alias = await run(join(prefix, 'bin', 'tls-playground'), ['https://tls13.test/'], { cwd: dir, env: { ...userEnv(), DEMO_DATA_DIR: join(dir, 'nowhere') } });
    assert.equal(alias.code, 2);
    assert.match(alias.stderr, /demo targets are not running/);
  });

  it('bad input: one message, exit 2, as in the repository', async () => {
    for (const args of [['https://localhost/', '--frobnicate'], ['https://localhost/', '--suite', 'TLS_FOO']]) {
      const mine = await installed(args);
      const theirs = await repository(args);
      assert.equal(mine.code, 2);
      assert.equal(mine.stderr, theirs.stderr);
    }
  });
});

describe('the library from the installed package', () => {
  it('a plain node script imports the entry points, completes handshakes and runs the doctor', async () => {
    // Beside the global node_modules, so the bare specifiers resolve to the installed copy.
    const script = join(prefix, 'lib', 'handshake.mjs');
    await writeFile(
      script,
      `import { runOverTcp, nodeRunDeps } from 'tls-playground/node';
import { runTls, diagnose, ENGINE_VERSION, personalityNames } from 'tls-playground/engine';
import { validateTrace, keyLogText, TRACE_SCHEMA } from 'tls-playground/trace';
const [url13, url12, ca] = process.argv.slice(2);
const steps = [];
const t13 = await runOverTcp({ url: url13 }, { caFiles: [ca], onStep: (s) => steps.push(s.kind) });
const { req, deps } = await nodeRunDeps({ url: url12, versions: ['TLSv1.2'], personality: 'openssl' }, { caFiles: [ca] });
const t12 = await runTls(req, deps);
const report = await diagnose({ url: 'https://iis-renegotiation.test/secure/' }, (r) => nodeRunDeps(r), { probeTimeoutMs: 2500 });
validateTrace(JSON.parse(JSON.stringify(t13)));
console.log(JSON.stringify({
  engine: ENGINE_VERSION, personalities: personalityNames.length, schema: t13.schema === TRACE_SCHEMA,
  tls13: [t13.outcome, t13.version, t13.http?.status, t13.certificate?.verdict], streamed: steps.length === t13.steps.length,
  keyLog: keyLogText(t13).split('\\n').filter(Boolean).length,
  tls12: [t12.outcome, t12.version, t12.http?.status],
  doctor: [report.severity, report.personalities.find((p) => p.personality === 'rustls').outcome],
}));
`,
    );
    const r = await run(process.execPath, [script, `https://localhost:${tls13.port}/`, `https://localhost:${tls12.port}/`, pki.root.certPath], { cwd: dir, env: userEnv() });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      engine: built.version,
      personalities: 6,
      schema: true,
      tls13: ['ok', 'TLSv1.3', 200, 'trusted'],
      streamed: true,
      keyLog: 5,
      tls12: ['ok', 'TLSv1.2', 200],
      doctor: ['problem', 'reset'],
    });
  });

  it('tls-playground/engine and /trace bundle for a browser: no Node built-in anywhere in their imports', async () => {
    // A browser build cannot resolve node:net and the like: it fails where the graph reaches one.
    const forBrowser = (entries: string[]) =>
      build({
        stdin: { contents: entries.map((e) => `export * from 'tls-playground/${e}';`).join('\n'), resolveDir: join(prefix, 'lib'), loader: 'js' },
        bundle: true,
        splitting: true,
        outdir: join(dir, 'browser'),
        platform: 'browser',
        format: 'esm',
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
    const inputs = Object.keys((await forBrowser(['engine', 'trace'])).metafile.inputs);
    assert.ok(inputs.some((f) => f.endsWith('dist/engine.js')) && inputs.some((f) => f.endsWith('dist/trace.js')), inputs.join(', '));
    await assert.rejects(forBrowser(['node']), /Could not resolve "node:/);
  });

  it('its types check in a strict TypeScript consumer (moduleResolution nodenext, library checks on)', async () => {
    const consumer = join(prefix, 'lib', 'consumer');
    await mkdir(consumer, { recursive: true });
    await writeFile(join(consumer, 'package.json'), '{"type":"module"}\n');
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2023', 'dom'], strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] },
        files: ['consumer.ts'],
      }),
    );
    await writeFile(
      join(consumer, 'consumer.ts'),
      `import { runOverTcp, type NodeRunSetup } from 'tls-playground/node';
import { runTls, TlsClient, RootStore, type RunRequest, type ClientOptions } from 'tls-playground/engine';
import { adviceFor, traceToPcapng, type Trace, type Outcome } from 'tls-playground/trace';
const request: RunRequest = { url: 'https://localhost/', versions: ['TLSv1.3'], personality: 'rustls' };
const setup: NodeRunSetup = { caFiles: ['ca.pem'], timeoutMs: 5000 };
const trace: Trace = await runOverTcp(request, setup);
const outcome: Outcome = trace.outcome;
const pcap: Uint8Array = traceToPcapng(trace);
const why: string | undefined = adviceFor(trace)?.title;
// @ts-expect-error the versions are named as the RFCs name them
const wrong: RunRequest = { url: 'https://localhost/', versions: ['SSLv3'] };
export { outcome, pcap, why, wrong, runTls, TlsClient, RootStore };
export type { ClientOptions };
`,
    );
    const r = await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(consumer, 'tsconfig.json')], { cwd: consumer });
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});
