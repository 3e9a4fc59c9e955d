import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { RELAY_SUBPROTOCOL } from '../../lib/transport/relayProtocol';
import { clientAddress, ClientLimiter, limitKey } from '../../server/relay/limits';
import { parseRuleList } from '../../server/relay/policy';
import { eventTypes, listenTcp, openAndRecord, startUnresponsiveListener, unusedPort } from '../transport/helpers';
import { settled } from '../helpers/wait';
import { CLIENT_HELLO_RECORD, errorEvent, rawSession, startTestRelay, upgradeStatus, waitFor, type RawSession } from './helpers';

type Peer = Awaited<ReturnType<typeof listenTcp>>;

/** Opens a session to `host` and sends a ClientHello header; resolves once connected or refused. */
async function openHeld(url: string, host: string, headers?: Record<string, string>): Promise<RawSession> {
  const session = rawSession(url, { host, port: 443 }, { headers });
  session.ws.once('open', () => session.ws.send(CLIENT_HELLO_RECORD));
  await waitFor(() => session.events.some((e) => e.type === 'connected' || e.type === 'error'), 3000, `session to ${host}`);
  return session;
}

describe('relay limits: who may open sessions', () => {
  let hold: Peer;
  const demo = () => ({ hold: { host: '127.0.0.1', port: hold.port } });
  before(async () => {
    hold = await listenTcp((s) => s.resume());
  });
  after(() => hold.close());

  test('an Origin outside the allow list is refused at the upgrade (403); allowed origins open', async () => {
    const relay = await startTestRelay({ allowedOrigins: ['https://playground.example'], allowMissingOrigin: false, demoTargets: demo() });
    try {
      assert.equal(await upgradeStatus(`${relay.url}?host=hold.test&port=443`, { origin: 'https://evil.example' }), 403);
      assert.equal(await upgradeStatus(`${relay.url}?host=hold.test&port=443`), 403);
      const ok = rawSession(relay.url, { host: 'hold.test', port: 443 }, { origin: 'https://playground.example' });
      await ok.opened;
      ok.ws.close();
      await ok.closed;
      assert.equal(relay.relay.metrics.refusals.get('origin'), 2);
    } finally {
      await relay.close();
    }
  });

  test('an upgrade without the relay subprotocol is refused (400); other paths are 404', async () => {
    const relay = await startTestRelay();
    try {
      assert.equal(await upgradeStatus(`${relay.url}?host=a.example&port=443`, { protocol: null }), 400);
      assert.equal(await upgradeStatus(`${relay.url}?host=a.example&port=443`, { protocol: 'tls-playground.relay.v0' }), 400);
      assert.equal(await upgradeStatus(relay.url.replace('/relay', '/other')), 404);
    } finally {
      await relay.close();
    }
  });

  test('per-client concurrency: the session over the limit gets LIMIT and close 1013; a freed slot is reusable', async () => {
    const relay = await startTestRelay({ maxSessionsPerClient: 2, demoTargets: demo() });
    try {
      const a = await openHeld(relay.url, 'hold.test');
      const b = await openHeld(relay.url, 'hold.test');
      const c = rawSession(relay.url, { host: 'hold.test', port: 443 });
      const { code } = await c.closed;
      assert.equal(code, 1013);
      assert.deepEqual(c.events.map((e) => e.type), ['error', 'closed']);
      assert.equal(errorEvent(c.events)?.code, 'LIMIT');
      assert.equal(errorEvent(c.events)?.reason, 'client-concurrency');
      a.ws.close();
      await a.closed;
      await waitFor(() => relay.relay.activeSessions() === 1, 2000, 'slot release');
      const d = await openHeld(relay.url, 'hold.test');
      assert.equal(d.events[1]?.type, 'connected');
      b.ws.close();
      d.ws.close();
    } finally {
      await relay.close();
    }
  });

  test('new-session rate: past the per-minute budget a client gets RATE', async () => {
    const relay = await startTestRelay({ newSessionsPerMinute: 3, demoTargets: demo() });
    try {
      const codes: string[] = [];
      for (let i = 0; i < 4; i++) {
        const s = rawSession(relay.url, { host: 'nothing.example', port: 22 });
        await s.closed;
        codes.push(errorEvent(s.events)?.code ?? 'none');
      }
      assert.deepEqual(codes, ['POLICY', 'POLICY', 'POLICY', 'RATE']);
    } finally {
      await relay.close();
    }
  });

  test('sessions to the demo targets have an allowance of their own: they neither spend nor meet the outside world’s rate', async () => {
    const relay = await startTestRelay({ newSessionsPerMinute: 3, demoSessionsPerMinute: 8, demoTargets: demo() });
    try {
      // A lesson page reloaded: more demo runs in a minute than the outside world's rate allows.
      for (let i = 0; i < 6; i++) {
        const s = await openHeld(relay.url, 'hold.test');
        assert.equal(s.events[1]?.type, 'connected', `demo session ${i + 1}`);
        s.ws.close();
        await s.closed;
      }
      // The outside world's allowance is untouched by them, and still ends at its rate.
      const codes: string[] = [];
      for (let i = 0; i < 4; i++) {
        const s = rawSession(relay.url, { host: 'nothing.example', port: 443 });
        await s.closed;
        codes.push(errorEvent(s.events)?.code ?? 'none');
      }
      assert.deepEqual(codes, ['ENOTFOUND', 'ENOTFOUND', 'ENOTFOUND', 'RATE']);
      // The demo allowance has its own end: 8 a minute here, 6 spent.
      const demoCodes: string[] = [];
      for (let i = 0; i < 3; i++) {
        const s = await openHeld(relay.url, 'hold.test');
        demoCodes.push(s.events[1]?.type === 'connected' ? 'connected' : (errorEvent(s.events)?.code ?? 'none'));
        s.ws.close();
        await s.closed;
      }
      assert.deepEqual(demoCodes, ['connected', 'connected', 'RATE']);
      assert.equal(relay.dials.length, 8, 'only the admitted demo sessions dialed (loopback), nothing else');
      assert.ok(relay.dials.every((d) => d.address === '127.0.0.1'));
    } finally {
      await relay.close();
    }
  });

  test('a session opened ahead counts as the outside world’s until it names a demo target, then as the demo targets’', async () => {
    const relay = await startTestRelay({ newSessionsPerMinute: 2, demoSessionsPerMinute: 100, demoTargets: demo() });
    const openAhead = async (host: string) => {
      const s = rawSession(relay.url, undefined);
      await s.opened;
      s.ws.send(JSON.stringify({ type: 'connect', host, port: 443 }));
      s.ws.send(CLIENT_HELLO_RECORD);
      await waitFor(() => s.events.some((e) => e.type === 'connected' || e.type === 'error'), 3000, `session ahead to ${host}`);
      s.ws.close();
      await s.closed;
      return s.events.find((e) => e.type === 'connected') ? 'connected' : (errorEvent(s.events)?.code ?? 'none');
    };
    try {
      const demoRuns: string[] = [];
      for (let i = 0; i < 5; i++) demoRuns.push(await openAhead('hold.test'));
      assert.deepEqual(demoRuns, ['connected', 'connected', 'connected', 'connected', 'connected']);
      // Opened ahead and naming the outside world: counted there (2 a minute).
      assert.deepEqual([await openAhead('nothing.example'), await openAhead('nothing.example'), await openAhead('nothing.example')], ['ENOTFOUND', 'ENOTFOUND', 'RATE']);
    } finally {
      await relay.close();
    }
  });

  test('global concurrency: when the relay is full, a new client gets LIMIT (global-concurrency)', async () => {
    const relay = await startTestRelay({ maxSessions: 2, trustedProxies: ['127.0.0.1'], demoTargets: demo() });
    try {
      const a = await openHeld(relay.url, 'hold.test', { 'x-forwarded-for': '198.51.100.1' });
      const b = await openHeld(relay.url, 'hold.test', { 'x-forwarded-for': '198.51.100.2' });
      const c = rawSession(relay.url, { host: 'hold.test', port: 443 }, { headers: { 'x-forwarded-for': '198.51.100.3' } });
      await c.closed;
      assert.equal(errorEvent(c.events)?.reason, 'global-concurrency');
      a.ws.close();
      b.ws.close();
    } finally {
      await relay.close();
    }
  });

  test('X-Forwarded-For counts only behind a trusted proxy', async () => {
    const trusting = await startTestRelay({ maxSessionsPerClient: 1, trustedProxies: ['127.0.0.0/8'], demoTargets: demo() });
    const untrusting = await startTestRelay({ maxSessionsPerClient: 1, demoTargets: demo() });
    try {
      const a = await openHeld(trusting.url, 'hold.test', { 'x-forwarded-for': '198.51.100.1' });
      const b = await openHeld(trusting.url, 'hold.test', { 'x-forwarded-for': '198.51.100.2' });
      assert.equal(b.events[1]?.type, 'connected', 'a different forwarded client has its own budget');
      // A forged left-hand entry does not help: the rightmost untrusted hop is the client.
      const c = await openHeld(trusting.url, 'hold.test', { 'x-forwarded-for': '203.0.113.77, 198.51.100.1' });
      assert.equal(errorEvent(c.events)?.reason, 'client-concurrency');
      const d = await openHeld(untrusting.url, 'hold.test', { 'x-forwarded-for': '198.51.100.1' });
      const e = await openHeld(untrusting.url, 'hold.test', { 'x-forwarded-for': '198.51.100.2' });
      assert.equal(d.events[1]?.type, 'connected');
      assert.equal(errorEvent(e.events)?.reason, 'client-concurrency', 'without trust every session is 127.0.0.1');
      for (const s of [a, b, d]) s.ws.close();
      assert.equal(trusting.logs.find((r) => r.event === 'session-refused')?.client, '198.51.100.1');
    } finally {
      await trusting.close();
      await untrusting.close();
    }
  });

  test('client identity and limit keys (unit)', () => {
    const trusted = parseRuleList('RELAY_TRUSTED_PROXIES', ['10.0.0.0/8']).cidrs;
    assert.equal(clientAddress('::ffff:10.1.1.1', '192.0.2.5, 10.2.2.2', trusted), '192.0.2.5');
    assert.equal(clientAddress('198.51.100.9', '192.0.2.5', trusted), '198.51.100.9', 'untrusted peer');
    assert.equal(clientAddress('10.1.1.1', 'garbage', trusted), '10.1.1.1');
    assert.equal(clientAddress('10.1.1.1', '10.3.3.3', trusted), '10.1.1.1', 'only proxies in the chain');
    assert.equal(limitKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(limitKey('2001:db8:1:2:bbbb::9'), '2001:db8:1:2::/64');
    assert.equal(limitKey('192.0.2.1'), '192.0.2.1');
    let now = 0;
    const limiter = new ClientLimiter({ maxSessionsPerClient: 10, newSessionsPerMinute: 2, demoSessionsPerMinute: 20, maxSessions: 10 }, () => now);
    assert.equal(limiter.admit('192.0.2.1').ok, true);
    assert.equal(limiter.admit('192.0.2.1').ok, true);
    assert.equal(limiter.admit('192.0.2.1').ok, false);
    now = 30_000; // half a minute refills one token at 2 per minute
    assert.equal(limiter.admit('192.0.2.1').ok, true);
    now = 10 * 60_000;
    limiter.prune();
    assert.equal(limiter.trackedClients, 0);
  });

  test('the demo targets’ allowance and the outside world’s are separate buckets per client (unit)', () => {
    let now = 0;
    const limiter = new ClientLimiter({ maxSessionsPerClient: 100, newSessionsPerMinute: 2, demoSessionsPerMinute: 3, maxSessions: 100 }, () => now);
    const admitted = (allowance: 'demo' | 'outside') => limiter.admit('192.0.2.1', allowance).ok;
    assert.deepEqual([admitted('demo'), admitted('demo'), admitted('demo'), admitted('demo')], [true, true, true, false]);
    assert.deepEqual([admitted('outside'), admitted('outside'), admitted('outside')], [true, true, false], 'the demo sessions spent none of it');
    const refused = limiter.admit('192.0.2.1', 'demo');
    assert.equal(refused.ok, false);
    assert.match((refused as { message: string }).message, /more than 3 new sessions per minute to the demo targets from 192\.0\.2\.1/);
    assert.equal((refused as { reason: string }).reason, 'client-rate');
    assert.equal(limiter.admit('192.0.2.2', 'outside').ok, true, 'another client has its own buckets');

    // Opened ahead (counted as the outside world's), then naming a demo target: the token moves.
    now = 60_000; // both buckets full again
    const ahead = limiter.admit('192.0.2.1', 'outside');
    assert.ok(ahead.ok);
    assert.equal(ahead.countAsDemo(), undefined);
    assert.equal(ahead.countAsDemo(), undefined, 'moved once only');
    assert.deepEqual([admitted('outside'), admitted('outside'), admitted('outside')], [true, true, false], 'its outside token came back');
    assert.deepEqual([admitted('demo'), admitted('demo'), admitted('demo')], [true, true, false], 'it holds one of the three demo tokens');
    const late = limiter.admit('192.0.2.3', 'outside');
    assert.ok(late.ok);
    for (let i = 0; i < 3; i++) assert.ok(limiter.admit('192.0.2.3', 'demo').ok);
    assert.equal(late.countAsDemo()?.reason, 'client-rate', 'no demo token left: refused, not moved for free');
    assert.equal(limiter.admit('192.0.2.3', 'outside').ok, true);
    assert.equal(limiter.admit('192.0.2.3', 'outside').ok, false, 'the refused move kept its outside token');
  });
});

describe('relay limits: timeouts and caps each end the session with their own event', () => {
  let hold: Peer;
  let chatty: Peer;
  let unresponsive: Awaited<ReturnType<typeof startUnresponsiveListener>>;
  let closedPort = 0;
  const received: Buffer[] = [];
  /** TCP connections the hold peer has accepted: what the target sees of a session, bytes or not. */
  let holdConnections = 0;
  before(async () => {
    hold = await listenTcp((s) => {
      holdConnections += 1;
      s.on('data', (d) => received.push(d));
    });
    chatty = await listenTcp((s) => s.once('data', () => s.write(Buffer.alloc(5000, 0x42))));
    unresponsive = await startUnresponsiveListener();
    closedPort = await unusedPort();
  });
  after(async () => {
    await hold.close();
    await chatty.close();
    unresponsive.stop();
  });

  const demo = () => ({
    hold: { host: '127.0.0.1', port: hold.port },
    chatty: { host: '127.0.0.1', port: chatty.port },
    blackhole: { host: '127.0.0.1', port: unresponsive.port },
    closed: { host: '127.0.0.1', port: closedPort },
  });

  test('connect timeout: ETIMEDOUT', async () => {
    const relay = await startTestRelay({ connectTimeoutMs: 300, demoTargets: demo() });
    try {
      const { connection, closed } = openAndRecord(relay.transport, { host: 'blackhole.test', port: 443 });
      connection.write(CLIENT_HELLO_RECORD); // the relay dials once the ClientHello is in
      assert.deepEqual(eventTypes(await closed), ['resolved', 'error:ETIMEDOUT', 'closed']);
    } finally {
      await relay.close();
    }
  });

  test('connection refused: ECONNREFUSED', async () => {
    const relay = await startTestRelay({ demoTargets: demo() });
    try {
      const { connection, closed } = openAndRecord(relay.transport, { host: 'closed.test', port: 443 });
      connection.write(CLIENT_HELLO_RECORD);
      assert.deepEqual(eventTypes(await closed), ['resolved', 'error:ECONNREFUSED', 'closed']);
    } finally {
      await relay.close();
    }
  });

  test('idle timeout: LIMIT idle-timeout, close 4001', async () => {
    const relay = await startTestRelay({ idleTimeoutMs: 200, demoTargets: demo() });
    try {
      const s = await openHeld(relay.url, 'hold.test');
      const { code } = await s.closed;
      assert.equal(code, 4001);
      assert.equal(errorEvent(s.events)?.code, 'LIMIT');
      assert.equal(errorEvent(s.events)?.reason, 'idle-timeout');
    } finally {
      await relay.close();
    }
  });

  test('session timeout: LIMIT session-timeout even while bytes keep flowing', async () => {
    const relay = await startTestRelay({ sessionTimeoutMs: 400, idleTimeoutMs: 10_000, demoTargets: demo() });
    try {
      const s = await openHeld(relay.url, 'hold.test');
      const ticker = setInterval(() => s.ws.readyState === WebSocket.OPEN && s.ws.send(Buffer.from('tick')), 50);
      await s.closed;
      clearInterval(ticker);
      assert.equal(errorEvent(s.events)?.reason, 'session-timeout');
    } finally {
      await relay.close();
    }
  });

  test('byte cap client→server: LIMIT bytes-up; nothing past the cap reaches the server', async () => {
    const relay = await startTestRelay({ maxBytesPerDirection: 1000, demoTargets: demo() });
    try {
      received.length = 0;
      const s = await openHeld(relay.url, 'hold.test');
      s.ws.send(Buffer.alloc(500));
      s.ws.send(Buffer.alloc(600));
      await s.closed;
      assert.equal(errorEvent(s.events)?.reason, 'bytes-up');
      await new Promise((r) => setTimeout(r, 50));
      assert.ok(Buffer.concat(received).length <= 1000);
    } finally {
      await relay.close();
    }
  });

  test('byte cap server→client: LIMIT bytes-down', async () => {
    const relay = await startTestRelay({ maxBytesPerDirection: 1000, demoTargets: demo() });
    try {
      const s = await openHeld(relay.url, 'chatty.test');
      await s.closed;
      assert.equal(errorEvent(s.events)?.reason, 'bytes-down');
      assert.ok(Buffer.concat(s.binary).length <= 1000);
    } finally {
      await relay.close();
    }
  });

  test('a frame larger than the maximum closes with 1009, which the transport reports as LIMIT', async () => {
    const relay = await startTestRelay({ maxFrameBytes: 1024, demoTargets: demo() });
    try {
      const s = await openHeld(relay.url, 'hold.test');
      s.ws.send(Buffer.alloc(4096));
      const { code } = await s.closed;
      assert.equal(code, 1009);
      const { connection, closed } = openAndRecord(relay.transport, { host: 'hold.test', port: 443 }, (event, conn) => {
        if (event.type === 'connected') conn.write(Buffer.alloc(4096));
      });
      connection.write(CLIENT_HELLO_RECORD);
      const events = await closed;
      assert.deepEqual(eventTypes(events), ['resolved', 'connected', 'error:LIMIT', 'closed']);
      await waitFor(() => relay.relay.metrics.refusals.get('frame-too-large') === 2, 2000, 'metric');
    } finally {
      await relay.close();
    }
  });

  test('the first bytes must be a whole TLS ClientHello record: anything else is POLICY, and the server sees no connection', async () => {
    const relay = await startTestRelay({ demoTargets: demo() });
    try {
      received.length = 0;
      holdConnections = 0;
      const s = rawSession(relay.url, { host: 'hold.test', port: 443 });
      s.ws.once('open', () => s.ws.send(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')));
      const { code } = await s.closed;
      assert.equal(code, 1008);
      assert.equal(errorEvent(s.events)?.reason, 'not-client-hello');
      assert.match(errorEvent(s.events)?.message ?? '', /not 22 \(a TLS handshake record\); the relay only carries TLS/);
      // A header split over frames is judged as its bytes arrive.
      const split = rawSession(relay.url, { host: 'hold.test', port: 443 });
      split.ws.once('open', () => {
        split.ws.send(CLIENT_HELLO_RECORD.subarray(0, 2));
        split.ws.send(CLIENT_HELLO_RECORD.subarray(2, 5));
        split.ws.send(Buffer.from([0x02])); // ServerHello, not ClientHello
      });
      await split.closed;
      assert.match(errorEvent(split.events)?.message ?? '', /not client_hello/);
      // A valid-looking header is not enough: the whole record must be a ClientHello.
      const forged = rawSession(relay.url, { host: 'hold.test', port: 443 });
      forged.ws.once('open', () => {
        forged.ws.send(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x40, 0x01]));
        forged.ws.send(Buffer.from('GET / HTTP/1.1\r\nHost: internal\r\n\r\n'.padEnd(63, ' ')));
      });
      await forged.closed;
      assert.equal(errorEvent(forged.events)?.reason, 'not-client-hello');
      assert.deepEqual(
        forged.events.map((e) => e.type),
        ['resolved', 'error', 'closed'],
        'approved, then refused: never connected',
      );
      await settled(() => holdConnections, { quietMs: 100, what: 'connections at the server' });
      assert.deepEqual(relay.dials, [], 'nothing was dialed');
      assert.equal(holdConnections, 0, 'the server saw no connection');
      assert.equal(Buffer.concat(received).length, 0);
    } finally {
      await relay.close();
    }
    const open = await startTestRelay({ requireClientHello: false, demoTargets: demo() });
    try {
      received.length = 0;
      const s = await openHeld(open.url, 'hold.test');
      s.ws.send(Buffer.from('plain text'));
      await waitFor(() => Buffer.concat(received).toString('latin1').endsWith('plain text'), 2000, 'bytes at the server');
      s.ws.close();
    } finally {
      await open.close();
    }
  });

  test('a ClientHello record that arrives in pieces is waited for; the dial follows its last byte', async () => {
    const relay = await startTestRelay({ demoTargets: demo() });
    try {
      received.length = 0;
      holdConnections = 0;
      const s = rawSession(relay.url, { host: 'hold.test', port: 443 });
      await s.opened;
      s.ws.send(CLIENT_HELLO_RECORD.subarray(0, 20));
      await waitFor(() => s.events.some((e) => e.type === 'resolved'), 2000, 'resolved');
      await settled(() => relay.dials.length, { quietMs: 100, what: 'dials' });
      assert.deepEqual(relay.dials, [], 'half a record: not dialed yet');
      s.ws.send(CLIENT_HELLO_RECORD.subarray(20));
      await waitFor(() => Buffer.concat(received).equals(CLIENT_HELLO_RECORD), 2000, 'the whole ClientHello at the server');
      assert.equal(relay.dials.length, 1);
      assert.equal(holdConnections, 1);
      s.ws.close();
      await s.closed;
    } finally {
      await relay.close();
    }
  });

  test('a ClientHello record that never completes ends the session (LIMIT hello-timeout) without a dial', async () => {
    const relay = await startTestRelay({ helloTimeoutMs: 200, demoTargets: demo() });
    try {
      holdConnections = 0;
      const s = rawSession(relay.url, { host: 'hold.test', port: 443 });
      s.ws.once('open', () => s.ws.send(CLIENT_HELLO_RECORD.subarray(0, CLIENT_HELLO_RECORD.length - 1)));
      const { code } = await s.closed;
      assert.equal(code, 4001);
      assert.equal(errorEvent(s.events)?.code, 'LIMIT');
      assert.equal(errorEvent(s.events)?.reason, 'hello-timeout');
      assert.match(errorEvent(s.events)?.message ?? '', /no complete ClientHello record within 200 ms; nothing was sent to the server/);
      // A client that sends nothing at all is ended the same way.
      const silent = rawSession(relay.url, { host: 'hold.test', port: 443 });
      await silent.closed;
      assert.equal(errorEvent(silent.events)?.reason, 'hello-timeout');
      assert.deepEqual(relay.dials, []);
      assert.equal(holdConnections, 0);
    } finally {
      await relay.close();
    }
  });

  test('bytes sent before the connection is ready are held, up to a cap (LIMIT early-bytes)', async () => {
    let release: () => void = () => {};
    const slowDns = new Promise<void>((r) => (release = r));
    const relay = await startTestRelay(
      { maxEarlyBytes: 100, allowedPorts: [443] },
      { dns: { 'slow.example': async () => (await slowDns, ['10.0.0.1']) } },
    );
    try {
      const s = rawSession(relay.url, { host: 'slow.example', port: 443 });
      s.ws.once('open', () => {
        s.ws.send(CLIENT_HELLO_RECORD);
        s.ws.send(Buffer.alloc(200));
      });
      const { code } = await s.closed;
      release();
      assert.equal(code, 4001);
      assert.equal(errorEvent(s.events)?.reason, 'early-bytes');
      assert.deepEqual(relay.dials, []);
    } finally {
      await relay.close();
    }
  });

  test('a client that stops answering pings is dropped', async () => {
    const relay = await startTestRelay({ pingIntervalMs: 100, demoTargets: demo() });
    try {
      const url = new URL(relay.url);
      url.searchParams.set('host', 'hold.test');
      url.searchParams.set('port', '443');
      const ws = new WebSocket(url.toString(), [RELAY_SUBPROTOCOL], { autoPong: false });
      ws.on('error', () => {});
      await new Promise((resolve) => ws.once('open', resolve));
      ws.send(CLIENT_HELLO_RECORD);
      await new Promise((resolve) => ws.once('close', resolve));
      await waitFor(() => relay.logs.some((r) => r.event === 'session' && r.close === 'ping-timeout'), 2000, 'ping-timeout log');
    } finally {
      await relay.close();
    }
  });
});

describe('relay backpressure', () => {
  test('a client that does not read makes the relay stop reading the server; all bytes still arrive in order', async () => {
    const total = 40 * 1024 * 1024;
    const payload = Buffer.alloc(total);
    for (let i = 0; i < total; i += 4) payload.writeUInt32BE(i / 4, i);
    let serverSocket: Socket | undefined;
    const server = await listenTcp((s) => {
      serverSocket = s;
      s.once('data', () => s.end(payload));
    });
    const relay = await startTestRelay({ bufferHighWaterBytes: 64 * 1024, maxBytesPerDirection: 64 * 1024 * 1024, demoTargets: { bulk: { host: '127.0.0.1', port: server.port } } });
    try {
      const s = rawSession(relay.url, { host: 'bulk.test', port: 443 });
      await s.opened;
      s.ws.pause();
      s.ws.send(CLIENT_HELLO_RECORD);
      // Wait until the relay stops reading the server: the bytes it relayed stop growing.
      const relayed = await settled(() => relay.relay.metrics.bytes.get('target_to_client'), { from: 0, what: 'bytes relayed to the client' });
      assert.ok(relayed < 24 * 1024 * 1024, `the relay read only what fits in buffers (${relayed} bytes)`);
      assert.ok(serverSocket!.writableLength > 0, 'the server is held back by TCP flow control');
      s.ws.resume();
      await waitFor(() => s.events.some((e) => e.type === 'fin'), 10_000, 'fin');
      assert.ok(Buffer.concat(s.binary).equals(payload), 'every byte, in order');
      s.ws.close();
    } finally {
      await relay.close();
      await server.close();
    }
  });

  test('a server that does not read makes the relay stop reading WebSocket frames', async () => {
    let serverSocket: Socket | undefined;
    let got = 0;
    const server = await listenTcp((s) => {
      serverSocket = s;
      s.pause();
      s.on('data', (d) => (got += d.length));
    });
    const relay = await startTestRelay({ maxBytesPerDirection: 64 * 1024 * 1024, demoTargets: { sink: { host: '127.0.0.1', port: server.port } } });
    try {
      const s = await openHeld(relay.url, 'sink.test');
      const chunk = Buffer.alloc(64 * 1024);
      for (let i = 0; i < 640; i++) s.ws.send(chunk); // 40 MiB
      // Wait until the relay stops taking frames: what the client has queued stops shrinking.
      await settled(() => s.ws.bufferedAmount, { what: 'the client’s queued bytes' });
      assert.ok(s.ws.bufferedAmount > 8 * 1024 * 1024, `the client is held back (${s.ws.bufferedAmount} bytes queued)`);
      serverSocket!.resume();
      await waitFor(() => got === 640 * chunk.length + CLIENT_HELLO_RECORD.length, 10_000, 'all bytes at the server');
      s.ws.close();
    } finally {
      await relay.close();
      await server.close();
    }
  });
});
