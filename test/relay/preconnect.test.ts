/**
 * Sessions opened ahead of need (preconnect): `GET /relay` without a target, then the target in a
 * `connect` request as the first frame. A real TLS run through a warmed transport; the protocol
 * errors around `connect`; the quiet end of an unused one; and the limits that count it.
 */
import assert from 'node:assert/strict';
import { transportEvent } from '../../lib/trace/steps';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { nobleCrypto } from '../../lib/tls/crypto/index';
import { annotateCertificate, createCertificateVerifier } from '../../lib/run/certificates';
import { runTls, type RunRequest } from '../../lib/run/run';
import type { Transport } from '../../lib/transport/types';
import { RootStore } from '../../lib/tls/x509/roots';
import { createRelayTransport } from '../../lib/transport/relay';
import { startDemoTargets, type RunningDemo } from '../../server/demo/start';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENT_HELLO_RECORD, errorEvent, PUBLIC_V4, rawSession, startTestRelay, waitFor, type TestRelay } from './helpers';
import { outcomeSentence, stepTitle } from '../../lib/view/stepText';

/** A loopback TCP server that records what it receives (the stand-in target). */
async function recordingTarget(): Promise<{ server: Server; port: number; received: Buffer[]; close: () => Promise<void> }> {
  const received: Buffer[] = [];
  const server = createTcpServer((socket) => {
    socket.on('data', (d) => received.push(d));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('relay: a session opened without a target', () => {
  let relay: TestRelay;
  let target: Awaited<ReturnType<typeof recordingTarget>>;

  before(async () => {
    target = await recordingTarget();
    relay = await startTestRelay({ demoTargets: { plain: { host: '127.0.0.1', port: target.port } }, preconnectTimeoutMs: 300 });
  });

  after(async () => {
    await relay?.close();
    await target?.close();
  });

  test('names its target in a connect request and then runs like any session', async () => {
    const s = rawSession(relay.url, undefined);
    await s.opened;
    assert.equal(s.events.length, 0, 'the relay says nothing before it knows the target');
    s.ws.send(JSON.stringify({ type: 'connect', host: 'plain.test', port: 443 }));
    s.ws.send(CLIENT_HELLO_RECORD);
    await waitFor(() => s.events.some((e) => e.type === 'connected'), 3000, 'connected');
    await waitFor(() => Buffer.concat(target.received).length >= CLIENT_HELLO_RECORD.length, 3000, 'bytes at the target');
    assert.deepEqual(Buffer.concat(target.received), CLIENT_HELLO_RECORD);
    assert.deepEqual(
      s.events.map((e) => e.type),
      ['resolved', 'connected'],
    );
    s.ws.close();
    await waitFor(() => relay.logs.some((l) => l.event === 'session' && l.preconnected === true && l.host === 'plain.test'), 3000, 'the session log');
  });

  test('data before the connect request is a protocol error', async () => {
    const s = rawSession(relay.url, undefined);
    await s.opened;
    s.ws.send(CLIENT_HELLO_RECORD);
    const { code } = await s.closed;
    assert.equal(code, 1002);
    assert.equal(errorEvent(s.events)?.reason, 'bad-control');
    assert.equal(s.events.at(-1)?.type, 'closed');
  });

  for (const [what, frame] of [
    ['not JSON', 'connect please'],
    ['another request first', JSON.stringify({ type: 'shutdown' })],
    ['a port that is not a number', JSON.stringify({ type: 'connect', host: 'plain.test', port: '443' })],
  ] as const) {
    test(`a first frame that is ${what} is a protocol error`, async () => {
      const s = rawSession(relay.url, undefined);
      await s.opened;
      s.ws.send(frame);
      assert.equal((await s.closed).code, 1002);
      assert.equal(errorEvent(s.events)?.reason, 'bad-control');
    });
  }

  test('a second connect, or one in a session that had its target in the query, is a protocol error', async () => {
    const s = rawSession(relay.url, undefined);
    await s.opened;
    s.ws.send(JSON.stringify({ type: 'connect', host: 'plain.test', port: 443 }));
    s.ws.send(JSON.stringify({ type: 'connect', host: 'plain.test', port: 443 }));
    assert.equal((await s.closed).code, 1002);
    const q = rawSession(relay.url, { host: 'plain.test', port: 443 });
    await q.opened;
    q.ws.send(JSON.stringify({ type: 'connect', host: 'plain.test', port: 443 }));
    assert.equal((await q.closed).code, 1002);
    assert.match(errorEvent(q.events)?.message ?? '', /first frame only/);
  });

  test('the target named in connect goes through the same policy as one in the query', async () => {
    const s = rawSession(relay.url, undefined);
    await s.opened;
    s.ws.send(JSON.stringify({ type: 'connect', host: 'plain.test', port: 22 }));
    assert.equal((await s.closed).code, 1008);
    assert.equal(errorEvent(s.events)?.code, 'POLICY');
    assert.equal(errorEvent(s.events)?.reason, 'port');
    const before = relay.dials.length;
    const local = rawSession(relay.url, undefined);
    await local.opened;
    local.ws.send(JSON.stringify({ type: 'connect', host: 'localhost', port: 443 }));
    assert.equal((await local.closed).code, 1008);
    assert.equal(relay.dials.length, before, 'nothing was dialed');
  });

  test('unused, it ends quietly after RELAY_PRECONNECT_TIMEOUT_MS: closed with zero counts, close 1000', async () => {
    const s = rawSession(relay.url, undefined);
    await s.opened;
    const { code, reason } = await s.closed;
    assert.equal(code, 1000);
    assert.equal(reason, 'preconnect-timeout');
    assert.deepEqual(s.events, [{ type: 'closed', bytesSent: 0, bytesReceived: 0, durationMs: s.events[0]?.type === 'closed' ? s.events[0].durationMs : -1 }]);
    await waitFor(() => relay.relay.activeSessions() === 0, 3000, 'no session left');
  });
});

describe('relay: sessions opened ahead count against the client limits', () => {
  test('one per client allowed: a second upgrade is refused while the first waits for its target', async () => {
    const relay = await startTestRelay({ maxSessionsPerClient: 1 });
    try {
      const first = rawSession(relay.url, undefined);
      await first.opened;
      const second = rawSession(relay.url, undefined);
      assert.equal((await second.closed).code, 1013);
      assert.equal(errorEvent(second.events)?.reason, 'client-concurrency');
      first.ws.close();
      await waitFor(() => relay.relay.activeSessions() === 0, 3000, 'the first session to end');
    } finally {
      await relay.close();
    }
  });
});

describe('relay transport: warm() through a real relay', () => {
  let dir: string;
  let demo: RunningDemo;
  let relay: TestRelay;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'relay-preconnect-'));
    demo = await startDemoTargets({ dataDir: dir });
    relay = await startTestRelay({ demoTargets: Object.fromEntries(demo.targets.map((t) => [t.name, { host: t.host, port: t.port }])) });
  });

  after(async () => {
    await relay?.close();
    await demo?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** One run of the engine over `transport`, trusting the demo CA. */
  const runThrough = (transport: Transport, req: RunRequest) =>
    runTls(req, {
      transport,
      crypto: nobleCrypto,
      verifyCertificates: createCertificateVerifier({ roots: new RootStore([]), userCAs: [demo.ca.certDer], crypto: nobleCrypto }),
      annotateCertificate,
      timeoutMs: 10_000,
    });

  test('a TLS 1.3 run over a warmed WebSocket is the same run: connected, 200, and the relay logged it as opened ahead', async () => {
    const transport = createRelayTransport({ url: relay.url, WebSocketImpl: WebSocket });
    await transport.warm();
    await waitFor(() => relay.relay.activeSessions() === 1, 3000, 'the warmed session');
    const trace = await runThrough(transport, { url: 'https://tls13.test/' });
    assert.equal(trace.outcome, 'ok', outcomeSentence(trace.outcomeCause));
    assert.equal(trace.http?.status, 200);
    assert.ok(trace.steps.some((s) => transportEvent(s) === 'connected'));
    await waitFor(() => relay.logs.some((l) => l.event === 'session' && l.preconnected === true && l.host === 'tls13.test' && l.close !== 'preconnect-timeout'), 3000, 'the session log');
    // One WebSocket served the run: no other session was opened for it.
    assert.equal(relay.logs.filter((l) => l.event === 'session').length, 1);
  });

  test('the ClientHello follows the connect request at once; the relay holds it until its dial completes, and the run succeeds', async () => {
    // The relay's DNS answer is held back until the client has sent its ClientHello, so the bytes
    // are certainly early; the answer then leads (by redirect) to the tls13 demo server.
    let answer: () => void = () => {};
    const dnsHeld = new Promise<void>((resolve) => (answer = resolve));
    const tls13 = demo.targets.find((t) => t.name === 'tls13')!;
    const gated = await startTestRelay({}, { dns: { 'slow.example': async () => (await dnsHeld, [PUBLIC_V4]) }, redirect: { [PUBLIC_V4]: tls13.port } });
    const order: string[] = [];
    class RecordingWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        this.on('message', (data, isBinary) => order.push(isBinary ? 'server bytes' : `event ${(JSON.parse(String(data)) as { type: string }).type}`));
      }
      override send(data: unknown, ...rest: unknown[]): void {
        order.push(typeof data === 'string' ? `request ${(JSON.parse(data) as { type: string }).type}` : 'client bytes');
        if (typeof data !== 'string') answer();
        (super.send as (...args: unknown[]) => void)(data, ...rest);
      }
    }
    try {
      const transport = createRelayTransport({ url: gated.url, WebSocketImpl: RecordingWebSocket });
      await transport.warm();
      const trace = await runThrough(transport, { url: 'https://tls13.test/', connect: 'slow.example:443' });
      assert.equal(trace.outcome, 'ok', outcomeSentence(trace.outcomeCause));
      assert.deepEqual(order.slice(0, 2), ['request connect', 'client bytes'], order.join(', '));
      assert.ok(order.indexOf('client bytes') < order.indexOf('event connected'), order.join(', '));
      // The trace still tells it in wire order.
      const titles = trace.steps.map((st) => stepTitle(st));
      assert.ok(titles.findIndex((t) => t.startsWith('TCP connected')) < titles.indexOf('ClientHello'), titles.join(' | '));
    } finally {
      answer();
      await gated.close();
    }
  });
});
