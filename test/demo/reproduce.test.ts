/**
 * "Reproduce it yourself", end to end on loopback: the openssl s_client and curl commands generated
 * from a real run against the demo targets, run through `sh`, reach the run's own outcome (for the IIS
 * story: the refusal and the reset as rustls, the renegotiation and 200 as OpenSSL); the generated key
 * schedule script, run with `node`, recomputes the run's secrets and finds every one the trace shows.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { keyLogText } from '../../lib/export/keylog';
import { runTls, type RunRequest } from '../../lib/run/run';
import type { Trace } from '../../lib/trace/schema';
import { reproduceCommands } from '../../lib/view/reproduce/commands';
import { keyScheduleInputs, keyScheduleScript, scriptFileName } from '../../lib/view/reproduce/keyScheduleScript';
import { type RunningDemo, startDemoTargets } from '../../server/demo/start';
import { nodeRunDeps } from '../../server/runtime/nodeRun';

let dataDir: string;
let workDir: string;
let demo: RunningDemo;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tlspg-reproduce-demo-'));
  workDir = await mkdtemp(join(tmpdir(), 'tlspg-reproduce-'));
  demo = await startDemoTargets({ dataDir, renegotiationTimeoutMs: 5000, log: () => undefined });
});

after(async () => {
  await demo?.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(workDir, { recursive: true, force: true });
});

function portOf(name: string): number {
  const target = demo.targets.find((t) => t.name === name);
  if (!target) throw new Error(`no running target ${name}`);
  return target.port;
}

/** A run with our engine, as the CLI makes it (the demo alias resolved to its loopback port). */
async function run(req: RunRequest, clientCert = false): Promise<Trace> {
  const { req: request, deps } = await nodeRunDeps(req, { demoDataDir: dataDir, clientCertFile: clientCert ? 'demo' : undefined, timeoutMs: 15000 });
  return runTls(request, deps);
}

/** A command line run by a POSIX shell, as a reader pastes it: exit code and everything it printed. */
function sh(line: string, timeoutMs = 20000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', line], { timeout: timeoutMs, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? null) : 0;
      resolve({ code: typeof code === 'number' ? code : null, output: `${stdout}${stderr}` });
    });
  });
}

/** A trace as the browser records it: the relay dials the demo target, so the trace names no address. */
function asBrowserRun(trace: Trace): Trace {
  const { connect: _connect, ...options } = trace.options;
  return { ...trace, options };
}

const demoFiles = () => ({ caFile: demo.ca.certPath, clientCertFile: demo.clientCert.certPath, clientKeyFile: demo.clientCert.keyPath });

describe('the generated openssl s_client command reaches the run’s outcome', () => {
  test('tls13: a browser run’s command, pointed at the target’s port, completes TLS 1.3 with the same suite and gets 200', async () => {
    const trace = await run({ url: 'https://tls13.test/', cipherSuites: ['TLS_CHACHA20_POLY1305_SHA256'], groups: ['secp256r1'] });
    assert.equal(trace.outcome, 'ok');
    assert.equal(trace.http?.status, 200);
    const { openssl, curl } = reproduceCommands(asBrowserRun(trace), { ...demoFiles(), connect: `127.0.0.1:${portOf('tls13')}` });
    assert.match(openssl.line, /-connect 127\.0\.0\.1:\d+ -servername tls13\.test /);
    const result = await sh(openssl.line);
    assert.match(result.output, /New, TLSv1\.3, Cipher is TLS_CHACHA20_POLY1305_SHA256/);
    assert.match(result.output, /Server Temp Key: ECDH, prime256v1/);
    assert.match(result.output, /Verification: OK/);
    assert.match(result.output, /^HTTP\/1\.1 200 OK/m);
    const viaCurl = await sh(curl.line);
    assert.match(viaCurl.output, /SSL connection using TLSv1\.3 \/ TLS_CHACHA20_POLY1305_SHA256/);
    assert.match(viaCurl.output, /< HTTP\/1\.1 200 OK/);
  });

  test('tls13: a TLS 1.2-only run fails with protocol_version, and so does its command', async () => {
    const trace = await run({ url: 'https://tls13.test/', versions: ['TLSv1.2'] });
    assert.equal(trace.outcome, 'alert');
    assert.ok(trace.alerts.some((a) => a.from === 'server' && a.description === 'protocol_version'));
    const result = await sh(reproduceCommands(trace, demoFiles()).openssl.line);
    assert.notEqual(result.code, 0);
    assert.match(result.output, /alert protocol version/);
    assert.doesNotMatch(result.output, /HTTP\/1\.1/);
  });

  test('iis-renegotiation as rustls: the run ends in a reset after refusing; the command refuses (warning no_renegotiation) and is reset too', async () => {
    const trace = await run({ url: 'https://iis-renegotiation.test/secure/', personality: 'rustls' });
    assert.equal(trace.outcome, 'reset');
    assert.ok(trace.alerts.some((a) => a.from === 'client' && a.level === 'warning' && a.description === 'no_renegotiation'));
    const { openssl } = reproduceCommands(trace, demoFiles());
    assert.ok(openssl.argv.includes('-no_renegotiation'));
    // The generated command as it is, plus -trace to print the alert it sends (a flag a reader adds the same way).
    const result = await sh(`${openssl.line} -trace`);
    const helloRequestAt = result.output.indexOf('HelloRequest');
    assert.ok(helloRequestAt > 0, 'the server asked to renegotiate');
    assert.match(result.output.slice(helloRequestAt), /Level=warning\(1\), description=no renegotiation\(100\)/);
    assert.match(result.output, /errno=104|Connection reset by peer/);
    assert.doesNotMatch(result.output, /^HTTP\/1\.1/m);
  });

  test('iis-renegotiation as OpenSSL with the demo client certificate: the run renegotiates and gets 200; so does the command', async () => {
    const trace = await run({ url: 'https://iis-renegotiation.test/secure/', personality: 'openssl' }, true);
    assert.equal(trace.outcome, 'ok');
    assert.equal(trace.http?.status, 200);
    assert.ok(trace.steps.some((s) => s.kind === 'handshake-complete' && s.data.renegotiation));
    const { openssl, curl } = reproduceCommands(trace, demoFiles());
    assert.ok(!openssl.argv.includes('-no_renegotiation'));
    const result = await sh(openssl.line);
    assert.match(result.output, /^HTTP\/1\.1 200 OK/m);
    // The certificate only goes out in the renegotiated handshake: the server naming it proves it happened.
    assert.match(result.output, /hello Demo Client/);
    assert.equal(result.output.match(/^depth=0 .*CN = iis-renegotiation\.test$/gm)?.length, 2, 'the server certificate is verified in both handshakes');
    const viaCurl = await sh(curl.line);
    assert.match(viaCurl.output, /TLS handshake, Hello request \(0\)/);
    assert.match(viaCurl.output, /TLS handshake, Request CERT \(13\)/);
    assert.match(viaCurl.output, /hello Demo Client/);
  });
});

describe('the generated key schedule script recomputes the run’s secrets', () => {
  /** Writes the key log and the script as the CLI and the page do, runs it with node; its output and exit code. */
  async function runScript(trace: Trace, name: string, edit: (script: string) => string = (s) => s) {
    const dir = join(workDir, name);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
    const keyLogFile = `${name}.keylog.txt`;
    await writeFile(join(dir, keyLogFile), keyLogText(trace));
    const inputs = keyScheduleInputs(trace, keyLogFile);
    assert.ok(inputs);
    const script = join(dir, scriptFileName(keyLogFile));
    await writeFile(script, edit(keyScheduleScript(inputs)));
    return sh(`${JSON.stringify(process.execPath)} ${JSON.stringify(script)}`);
  }

  /** Every derived secret the trace shows, printed by the script with "page: match". */
  function assertEverySecretMatches(trace: Trace, output: string) {
    const derived = trace.steps.filter((s) => s.kind === 'key' && s.data.inputs.length > 0);
    assert.ok(derived.length >= 6);
    for (const step of derived) {
      if (step.kind !== 'key') continue;
      assert.ok(output.includes(`    ${step.data.value}  [page: match`), `${step.data.label} = ${step.data.value} recomputed and matched`);
    }
    assert.doesNotMatch(output, /DIFFERS|NOT RECOMPUTED/);
    assert.match(output, /^ALL MATCH: /m);
  }

  test('TLS 1.3 (tls13): every secret, key and IV, and the five key log lines', async () => {
    const trace = await run({ url: 'https://tls13.test/' });
    assert.equal(trace.version, 'TLSv1.3');
    const { code, output } = await runScript(trace, 'tls13');
    assert.equal(code, 0, output);
    assertEverySecretMatches(trace, output);
    for (const label of ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0', 'EXPORTER_SECRET']) {
      assert.match(output, new RegExp(`key log ${label}: match`));
    }
  });

  test('TLS 1.2 with renegotiation (iis-renegotiation as OpenSSL): both handshakes, master secrets checked against the key log', async () => {
    const trace = await run({ url: 'https://iis-renegotiation.test/secure/', personality: 'openssl' }, true);
    const { code, output } = await runScript(trace, 'iis');
    assert.equal(code, 0, output);
    assertEverySecretMatches(trace, output);
    assert.match(output, /Handshake 2 \(renegotiation\)/);
    assert.equal(output.match(/key log CLIENT_RANDOM: match/g)?.length, 2);
  });

  test('TLS 1.2 with RSA key transport and CBC (legacy-tls12): MAC keys and cipher keys from the key block', async () => {
    const trace = await run({ url: 'https://legacy-tls12.test/', tls12Off: ['extended_master_secret'] });
    assert.equal(trace.version, 'TLSv1.2');
    const { code, output } = await runScript(trace, 'legacy');
    assert.equal(code, 0, output);
    assertEverySecretMatches(trace, output);
    assert.match(output, /PRF\(pre_master_secret, "master secret", client_random \+ server_random\)/);
    assert.match(output, /client_write_MAC_key/);
  });

  test('a value that differs from the page is reported and fails the script', async () => {
    const trace = await run({ url: 'https://tls13.test/' });
    const masterStep = trace.steps.find((s) => s.kind === 'key' && s.data.label === 'master_secret');
    assert.ok(masterStep && masterStep.kind === 'key');
    const wrong = masterStep.data.value.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const { code, output } = await runScript(trace, 'tampered', (script) => script.replace(masterStep.data.value, wrong));
    assert.equal(code, 1);
    assert.match(output, new RegExp(`master_secret  = .*\\n    ${masterStep.data.value}  \\[page: DIFFERS, the page shows ${wrong}\\]`));
    assert.match(output, /^MISMATCH: /m);
  });

  test('without its key log the script says where it looked and exits 2', async () => {
    const trace = await run({ url: 'https://tls13.test/' });
    const inputs = keyScheduleInputs(trace, 'missing.keylog.txt');
    assert.ok(inputs);
    const script = join(workDir, 'alone.keys.cjs');
    await writeFile(script, keyScheduleScript(inputs));
    const { code, output } = await sh(`${JSON.stringify(process.execPath)} ${JSON.stringify(script)}`);
    assert.equal(code, 2);
    assert.match(output, /Key log not found: .*missing\.keylog\.txt/);
  });

  test('resumed runs against tls13-0rtt (nginx, early data taken), tls13-no-0rtt (declined), tls13-no-resume (ticket refused): the script matches both connections', async () => {
    for (const [name, earlyData, resumption] of [
      ['tls13-0rtt', true, { offered: true, accepted: true, mode: 'psk_dhe_ke', earlyData: 'accepted' }],
      ['tls13-no-0rtt', true, { offered: true, accepted: true, mode: 'psk_dhe_ke', earlyData: 'rejected' }],
      ['tls13-no-resume', false, { offered: true, accepted: false, mode: 'psk_dhe_ke' }],
    ] as const) {
      const trace = await run({ url: `https://${name}.test/`, resume: true, earlyData });
      assert.deepEqual(trace.resumption, resumption, name);
      const { code, output } = await runScript(trace, name);
      assert.equal(code, 0, output);
      assertEverySecretMatches(trace, output);
      assert.match(output, /^Handshake 2 \(connection 2, resumes handshake 1's session/m);
      assert.match(output, /\[sent in the ClientHello: match\]/);
    }
  });

  test('a resumed run’s s_client steps (tls13-0rtt): they resume, and nginx takes the request as early data', async () => {
    const trace = await run({ url: 'https://tls13-0rtt.test/', resume: true, earlyData: true });
    const dir = join(workDir, 'steps-0rtt');
    await mkdir(dir, { recursive: true });
    const { openssl } = reproduceCommands(asBrowserRun(trace), { ...demoFiles(), connect: `127.0.0.1:${portOf('tls13-0rtt')}`, sessionFile: join(dir, 'session.pem'), requestFile: join(dir, 'request.txt') });
    assert.equal(openssl.line.split('\n').length, 3);
    const result = await sh(openssl.line);
    assert.match(result.output, /^Reused, TLSv1\.3/m);
    assert.match(result.output, /Early data was accepted/);
    assert.equal(result.output.match(/^HTTP\/1\.1 200 OK/gm)?.length, 2);
  });
});

describe('npm run cli -- URL --reproduce DIR', () => {
  test('prints both commands for the run and writes the script with its key log, which then matches', async () => {
    const dir = join(workDir, 'cli');
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'https://tls13.test/', '--no-color', '--reproduce', dir], { timeout: 60000, env: { ...process.env, DEMO_DATA_DIR: dataDir } }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Reproduce it yourself$/m);
    assert.match(result.stdout, new RegExp(`openssl s_client -connect 127\\.0\\.0\\.1:${portOf('tls13')} -servername tls13\\.test .*-CAfile ${demo.ca.certPath.replace(/[.]/g, '\\.')}`));
    assert.match(result.stdout, /curl -sS -v .*--connect-to tls13\.test:443:127\.0\.0\.1:\d+ .*https:\/\/tls13\.test\//);
    const files = (await readdir(dir)).sort();
    assert.equal(files.length, 2);
    const script = files.find((f) => f.endsWith('.keys.cjs'));
    assert.ok(script && files.some((f) => f.endsWith('.keylog.txt')));
    assert.match(result.stdout, new RegExp(`recompute the keys: node ${join(dir, script).replace(/[.]/g, '\\.')}`));
    assert.match(await readFile(join(dir, script), 'utf8'), /^\/\/ Recomputes the key schedule/);
    const { code, output } = await sh(`${JSON.stringify(process.execPath)} ${JSON.stringify(join(dir, script))}`);
    assert.equal(code, 0, output);
    assert.match(output, /^ALL MATCH: \d+ values match the page, 5 match the key log\.$/m);
  });
});
