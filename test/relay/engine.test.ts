/**
 * The engine through the relay, as the browser runs it: runTls over the relay transport (ws's
 * WebSocket standing in for the browser's), the relay dialing the demo targets by alias.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { transportEvent } from '../../lib/trace/steps';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startDemoTargets, type RunningDemo } from '../../server/demo/start';
import { startRelay, type RelayServer } from '../../server/relay';
import { createRelayTransport } from '../../lib/transport/relay';
import { nobleCrypto } from '../../lib/tls/crypto/index';
import { createCertificateVerifier, annotateCertificate } from '../../lib/run/certificates';
import { RootStore } from '../../lib/tls/x509/roots';
import { runTls, type RunRequest } from '../../lib/run/run';
import { outcomeSentence, stepExplanation, stepTitle } from '../../lib/view/stepText';

let dir: string;
let demo: RunningDemo;
let relay: RelayServer;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relay-engine-'));
  demo = await startDemoTargets({ dataDir: dir });
  relay = await startRelay({ port: 0, demoTargets: Object.fromEntries(demo.targets.map((t) => [t.name, { host: t.host, port: t.port }])), log: () => {} });
});

after(async () => {
  await relay?.close();
  await demo?.close();
  await rm(dir, { recursive: true, force: true });
});

function run(req: RunRequest) {
  const roots = new RootStore([]);
  return runTls(req, {
    transport: createRelayTransport({ url: relay.url, WebSocketImpl: WebSocket }),
    crypto: nobleCrypto,
    verifyCertificates: createCertificateVerifier({ roots, userCAs: [demo.ca.certDer], crypto: nobleCrypto }),
    annotateCertificate,
    timeoutMs: 10000,
  });
}

test('a TLS 1.3 handshake and GET through the relay reach the demo target by alias', async () => {
  const trace = await run({ url: 'https://tls13.test/' });
  assert.equal(trace.outcome, 'ok', outcomeSentence(trace.outcomeCause));
  assert.equal(trace.version, 'TLSv1.3');
  assert.equal(trace.http?.status, 200);
  assert.equal(trace.certificate?.verdict, 'trusted');
  const connected = trace.steps.find((s) => transportEvent(s) === 'connected');
  assert.ok(connected, 'the relay reports the TCP connection as a step');
});

test('through the relay, rustls on the IIS target ends in "Connection reset by peer"', async () => {
  const trace = await run({ url: 'https://iis-renegotiation.test/secure/', personality: 'rustls' });
  const titles = trace.steps.map((s) => stepTitle(s));
  const hr = titles.indexOf('HelloRequest');
  assert.ok(hr > 0, 'HelloRequest received');
  const alert = titles.indexOf('Alert: no_renegotiation (warning)');
  const reset = titles.indexOf('Connection reset by peer (RST)');
  assert.ok(hr < alert && alert < reset, titles.join(' | '));
  assert.equal(trace.outcome, 'reset');
});

test('the relay refuses a non-demo loopback target, and the refusal is a step with a clear reason', async () => {
  const trace = await run({ url: 'https://127.0.0.1/' });
  assert.equal(trace.outcome, 'error');
  const refusal = trace.steps.find((s) => transportEvent(s) === 'error');
  assert.ok(refusal, 'an error step');
  // Who decided is said once: "Relay refused: …", not "Relay refused: relay refused: …".
  assert.match(stepTitle(refusal!), /^Relay refused: (?!relay refused)/i);
  assert.doesNotMatch(outcomeSentence(trace.outcomeCause) ?? '', /relay refused: relay refused/i);
  assert.match(stepExplanation(refusal!) ?? '', /^The relay carries this browser’s bytes only to public TLS servers on allowed ports, and refused this target before connecting to it: .+\.$/);
});
