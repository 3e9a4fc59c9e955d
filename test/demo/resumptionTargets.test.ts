/**
 * The resumption demo targets, through the engine (lib/run exactly as the CLI and the page run it):
 * tls13 issues tickets and resumes; tls13-0rtt (nginx) takes 0-RTT early data and answers it
 * before the handshake completes, but refuses an unsafe request as early data with 425 (RFC 8470);
 * tls13-no-0rtt (openssl s_server) takes the ticket and declines the early data; tls13-no-resume
 * issues tickets it cannot take back. Also: the programs behind the targets stop with them, even
 * when the process that started them is killed.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runTls, type RunRequest } from '../../lib/run/run';
import type { Trace } from '../../lib/trace/schema';
import { earlyDataOf, isHandshakeMessage, resumptionOf } from '../../lib/trace/steps';
import { connectionsOf } from '../../lib/view/connections';
import { nodeRunDeps } from '../../server/runtime/nodeRun';
import { DEMO_MAX_EARLY_DATA, type RunningDemo, startDemoTargets } from '../../server/demo/start';
import { describeTrace } from '../helpers/tlsServers';

let dataDir: string;
let demo: RunningDemo;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tlspg-demo-resume-'));
  demo = await startDemoTargets({ dataDir, log: () => {} });
});

after(async () => {
  await demo?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function run(name: string, path: string, options: Partial<RunRequest> = {}): Promise<Trace> {
  const target = demo.targets.find((t) => t.name === name);
  assert.ok(target, `${name} is running`);
  const { req, deps } = await nodeRunDeps({ url: `https://${name}.test${path}`, connect: `127.0.0.1:${target.port}`, ...options }, { caFiles: [demo.ca.certPath], timeoutMs: 10_000 });
  return runTls(req, deps);
}

function why(trace: Trace): string {
  return `${trace.firstConnection ? describeTrace(trace.firstConnection) : ''}\n---\n${describeTrace(trace)}`;
}

const events = (trace: Trace) => trace.steps.flatMap((s) => [resumptionOf(s)?.event, earlyDataOf(s)?.event].filter((e): e is NonNullable<typeof e> => e !== undefined));
const requests = (trace: Trace) => trace.steps.flatMap((s) => (s.kind === 'http' && s.data.message === 'request' ? [s.data] : []));

describe('resumption demo targets', () => {
  test('tls13: a resumed run offers the first connection’s ticket and is resumed, without a certificate', async () => {
    const trace = await run('tls13', '/', { resume: true });
    assert.equal(trace.outcome, 'ok', why(trace));
    assert.deepEqual(trace.resumption, { offered: true, accepted: true, mode: 'psk_dhe_ke' }, why(trace));
    assert.ok(!trace.steps.some((s) => isHandshakeMessage(s, 'certificate', 'server')), why(trace));
    // Side by side, the resumed handshake is the shorter one: Certificate and CertificateVerify only in the first.
    const view = connectionsOf(trace)!;
    assert.ok(view.second.handshakeMessages < view.first.handshakeMessages, JSON.stringify(view.first) + JSON.stringify(view.second));
    assert.equal(view.first.certificate, true);
    assert.equal(view.second.certificate, false);
    const onlyFirst = view.rows.filter((r) => r.a && !r.b).map((r) => r.a!.kind === 'handshake' && r.a!.data.message);
    for (const message of ['certificate', 'certificate_verify']) assert.ok(onlyFirst.includes(message), onlyFirst.join(', '));
  });

  test('legacy-tls12: a TLS 1.2 session resumed from its ticket; side by side, the abbreviated handshake has no certificate and no key exchange', async () => {
    const trace = await run('legacy-tls12', '/', { resume: true });
    assert.equal(trace.outcome, 'ok', why(trace));
    assert.deepEqual(trace.resumption, { offered: true, accepted: true, mode: 'session-ticket' }, why(trace));
    const view = connectionsOf(trace)!;
    assert.ok(view.second.handshakeMessages < view.first.handshakeMessages, JSON.stringify(view.first) + JSON.stringify(view.second));
    const onlyFirst = view.rows.filter((r) => r.a && !r.b).map((r) => r.a!.kind === 'handshake' && r.a!.data.message);
    for (const message of ['certificate', 'server_hello_done', 'client_key_exchange']) assert.ok(onlyFirst.includes(message), onlyFirst.join(', '));
    assert.equal(view.second.certificate, false);
  });

  test(`tls13-0rtt: tickets allow ${DEMO_MAX_EARLY_DATA} bytes of early data; the request goes as 0-RTT, is taken, and the server says it answered it before the handshake completed`, async () => {
    const trace = await run('tls13-0rtt', '/', { resume: true, earlyData: true });
    assert.equal(trace.outcome, 'ok', why(trace));
    const kept = trace.firstConnection!.steps.flatMap((s) => {
      const d = resumptionOf(s);
      return d?.event === 'kept' ? [d] : [];
    });
    assert.ok(kept.length > 0 && kept.every((d) => 'maxEarlyDataSize' in d && d.maxEarlyDataSize === DEMO_MAX_EARLY_DATA), why(trace));
    assert.deepEqual(trace.resumption, { offered: true, accepted: true, mode: 'psk_dhe_ke', earlyData: 'accepted' }, why(trace));
    assert.deepEqual(events(trace), ['offered', 'sent', 'accepted', 'accepted'], why(trace));
    assert.ok(trace.steps.some((s) => isHandshakeMessage(s, 'end_of_early_data', 'client')), why(trace));
    assert.equal(requests(trace).length, 1, why(trace));
    assert.equal(trace.http?.status, 200, why(trace));
    assert.match(trace.http?.bodyPreview ?? '', /request received as 0-RTT early data, before the handshake completed/);
    // Without early data the same target answers after the handshake.
    assert.match(trace.firstConnection?.http?.bodyPreview ?? '', /request received after the handshake/);
  });

  test('tls13-0rtt: /transfer as early data is answered 425 Too Early (RFC 8470 §5.2); sent after the handshake it is done', async () => {
    const early = await run('tls13-0rtt', '/transfer', { resume: true, earlyData: true });
    assert.equal(early.resumption?.earlyData, 'accepted', why(early));
    assert.equal(early.http?.status, 425, why(early));
    const late = await run('tls13-0rtt', '/transfer', { resume: true });
    assert.equal(late.http?.status, 200, why(late));
    assert.match(late.http?.bodyPreview ?? '', /transfer done/);
  });

  test('tls13-no-0rtt: the ticket says early data is allowed and is taken, but the early data is declined; the request is sent again', async () => {
    const trace = await run('tls13-no-0rtt', '/', { resume: true, earlyData: true });
    assert.equal(trace.outcome, 'ok', why(trace));
    assert.deepEqual(trace.resumption, { offered: true, accepted: true, mode: 'psk_dhe_ke', earlyData: 'rejected' }, why(trace));
    assert.deepEqual(events(trace), ['offered', 'sent', 'accepted', 'rejected'], why(trace));
    assert.deepEqual(requests(trace).map((r) => [Boolean(r.earlyData), Boolean(r.afterEarlyDataRejected)]), [[true, false], [false, true]], why(trace));
    assert.equal(trace.http?.status, 200, why(trace));
  });

  test('tls13-no-resume: tickets are issued, the offer is refused, a full handshake with the certificate follows', async () => {
    const trace = await run('tls13-no-resume', '/', { resume: true, earlyData: true });
    assert.equal(trace.outcome, 'ok', why(trace));
    assert.ok(trace.firstConnection!.steps.some((s) => resumptionOf(s)?.event === 'kept'), why(trace));
    assert.deepEqual(trace.resumption?.accepted, false, why(trace));
    assert.deepEqual(events(trace).slice(0, 2), ['offered', 'refused'], why(trace));
    assert.ok(trace.steps.some((s) => isHandshakeMessage(s, 'certificate', 'server')), why(trace));
    assert.equal(trace.http?.status, 200, why(trace));
  });

  /** Command lines of the processes that serve targets out of `dir` (nginx and s_server name files there). */
  function servingFrom(dir: string): string[] {
    const all = execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' }).split('\n');
    return all.filter((line) => (line.startsWith('nginx ') || line.startsWith('openssl s_server ')) && line.includes(dir));
  }

  async function gone(dir: string, withinMs: number): Promise<string[]> {
    const until = Date.now() + withinMs;
    while (servingFrom(dir).length && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    return servingFrom(dir);
  }

  test('the targets’ programs (nginx, openssl s_server) end when the demo closes', async () => {
    const own = await mkdtemp(join(tmpdir(), 'tlspg-demo-children-'));
    const started = await startDemoTargets({ dataDir: own, log: () => {} });
    try {
      const running = servingFrom(own);
      assert.ok(running.some((l) => l.startsWith('nginx ')) && running.some((l) => l.startsWith('openssl s_server ')), running.join('\n'));
    } finally {
      await started.close();
    }
    assert.deepEqual(await gone(own, 5000), []);
    await rm(own, { recursive: true, force: true });
  });

  test('…and when the process that started them is killed (SIGKILL: no handler runs), they do not outlive it', async () => {
    const own = await mkdtemp(join(tmpdir(), 'tlspg-demo-orphans-'));
    const main = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../server/demo/main.ts', import.meta.url)), '--data-dir', own], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        main.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('registry:')) resolve();
        });
        main.once('exit', (code) => reject(new Error(`server/demo/main.ts exited (${code}): ${out}`)));
      });
      assert.equal(servingFrom(own).length, 2, servingFrom(own).join('\n'));
    } finally {
      main.kill('SIGKILL');
    }
    assert.deepEqual(await gone(own, 5000), []);
    await rm(own, { recursive: true, force: true });
  });
});
