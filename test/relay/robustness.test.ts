import assert from 'node:assert/strict';
import { connect as netConnect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { listenTcp, startUnresponsiveListener } from '../transport/helpers';
import { CLIENT_HELLO_RECORD, errorEvent, httpGet, rawSession, startTestRelay, startWitnessedRelay, waitFor, type TestRelay, type Witness } from './helpers';

describe('relay robustness: malformed input leaves the relay up and other sessions unaffected', () => {
  let stage: Awaited<ReturnType<typeof startWitnessedRelay>>;
  let relay: TestRelay;
  let witness: Witness;
  let unresponsive: Awaited<ReturnType<typeof startUnresponsiveListener>>;
  let release: () => void = () => {};

  before(async () => {
    unresponsive = await startUnresponsiveListener();
    const slow = new Promise<void>((r) => (release = r));
    stage = await startWitnessedRelay(
      { headersTimeoutMs: 500, maxFrameBytes: 4096, maxSessionsPerClient: 50, newSessionsPerMinute: 10_000, demoSessionsPerMinute: 10_000, demoTargets: { blackhole: { host: '127.0.0.1', port: unresponsive.port } } },
      { dns: { 'slow.example': async () => (await slow, ['93.184.215.14']) } },
    );
    ({ relay, witness } = stage);
  });

  after(async () => {
    await stage.close();
    unresponsive.stop();
  });

  test('a text frame that is not JSON, or JSON that is not a request, ends that session with 1002', async () => {
    for (const text of ['hello', '{"type":"shutdown"', '[]', '{"type":"connect","host":"10.0.0.1"}', 'null']) {
      const s = rawSession(relay.url, { host: 'echo.test', port: 443 });
      s.ws.once('open', () => s.ws.send(text));
      const { code } = await s.closed;
      assert.equal(code, 1002, text);
      assert.equal(errorEvent(s.events)?.code, 'RELAY', text);
    }
    await witness.assertAlive();
  });

  test('a text frame with invalid UTF-8 is closed by the WebSocket layer (1007)', async () => {
    const s = rawSession(relay.url, { host: 'echo.test', port: 443 });
    s.ws.once('open', () => s.ws.send(Buffer.from([0xc3, 0x28, 0xff]), { binary: false }));
    const { code } = await s.closed;
    assert.equal(code, 1007);
    await witness.assertAlive();
  });

  test('random binary garbage is not a ClientHello: POLICY, and the server never sees it', async () => {
    const s = rawSession(relay.url, { host: 'echo.test', port: 443 });
    s.ws.once('open', () => s.ws.send(Buffer.from('\x00\xff garbage \x16\x03')));
    await s.closed;
    assert.equal(errorEvent(s.events)?.reason, 'not-client-hello');
    assert.equal(s.binary.length, 0);
    await witness.assertAlive();
  });

  test('oversized frames close only their own session (1009)', async () => {
    const closes = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const s = rawSession(relay.url, { host: 'echo.test', port: 443 });
        s.ws.once('open', () => s.ws.send(Buffer.alloc(1024 * 1024)));
        return (await s.closed).code;
      }),
    );
    assert.deepEqual(closes, [1009, 1009, 1009, 1009, 1009]);
    await witness.assertAlive();
  });

  test('data with no target, or a malformed target, is refused without dialing', async () => {
    const dialsBefore = relay.dials.length;
    for (const target of [undefined, { host: '', port: 443 }, { host: 'echo.test', port: 'https' }, { host: 'a'.repeat(300), port: 443 }]) {
      const s = rawSession(relay.url, target);
      s.ws.once('open', () => s.ws.send(CLIENT_HELLO_RECORD));
      await s.closed;
      // Without a target the first frame must name one (docs/relay-protocol.md, preconnect):
      // data instead is a protocol error; a malformed target is the policy's refusal.
      assert.equal(errorEvent(s.events)?.code, target ? 'POLICY' : 'RELAY', JSON.stringify(target));
    }
    assert.equal(relay.dials.length, dialsBefore);
    await witness.assertAlive();
  });

  test('a client that leaves during DNS or during connect leaves nothing behind, and nothing is dialed late', async () => {
    const dialsBefore = relay.dials.length;
    const duringDns = rawSession(relay.url, { host: 'slow.example', port: 443 });
    await duringDns.opened;
    // Its ClientHello is in, so only the missing DNS answer stands between it and a dial.
    await new Promise<void>((sent) => duringDns.ws.send(CLIENT_HELLO_RECORD, () => sent()));
    duringDns.ws.terminate();
    const duringConnect = rawSession(relay.url, { host: 'blackhole.test', port: 443 });
    duringConnect.ws.once('open', () => duringConnect.ws.send(CLIENT_HELLO_RECORD));
    await waitFor(() => relay.dials.length === dialsBefore + 1, 2000, 'the blackhole dial');
    duringConnect.ws.close();
    await duringConnect.closed;
    release(); // the DNS answer arrives after the client is gone
    await waitFor(() => relay.relay.activeSessions() === 1, 2000, 'only the witness left');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(
      relay.dials.slice(dialsBefore).map((d) => d.port),
      [unresponsive.port],
      'only the blackhole dial happened; the slow name was never dialed',
    );
    await witness.assertAlive();
  });

  test('a client dropping mid-session (no close frame) closes the server connection too', async () => {
    let serverClosed = false;
    const peer = await listenTcp((s) => {
      s.resume();
      // allowHalfOpen peer: the relay's FIN shows up as 'end'.
      s.on('end', () => (serverClosed = true));
    });
    const r = await startTestRelay({ demoTargets: { peer: { host: '127.0.0.1', port: peer.port } } });
    try {
      const s = rawSession(r.url, { host: 'peer.test', port: 443 });
      s.ws.once('open', () => s.ws.send(CLIENT_HELLO_RECORD));
      await waitFor(() => s.events.some((e) => e.type === 'connected'), 2000, 'connected');
      s.ws.terminate();
      await waitFor(() => serverClosed, 2000, 'server side closed');
      await waitFor(() => r.relay.activeSessions() === 0, 2000, 'session gone');
    } finally {
      await r.close();
      await peer.close();
    }
  });

  test('a thousand half-sent upgrade requests are cut by the headers timeout; new sessions still work meanwhile', async () => {
    const sockets: Socket[] = [];
    let closedByRelay = 0;
    for (let i = 0; i < 1000; i++) {
      const s = netConnect(relay.relay.port, '127.0.0.1');
      s.on('error', () => {});
      s.on('close', () => closedByRelay++);
      s.resume(); // read the relay's 400/408 so its FIN is seen
      s.write(i % 2 === 0 ? 'GET /relay?host=echo.test&port=443 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n' : '\x16\x03\x01 not http at all');
      sockets.push(s);
    }
    // While they hang, the relay still serves health checks, new sessions and the witness.
    assert.equal((await httpGet(`http://127.0.0.1:${relay.relay.port}/healthz`)).status, 200);
    const fresh = rawSession(relay.url, { host: 'echo.test', port: 443 });
    fresh.ws.once('open', () => fresh.ws.send(CLIENT_HELLO_RECORD));
    await waitFor(() => Buffer.concat(fresh.binary).equals(CLIENT_HELLO_RECORD), 3000, 'fresh session echo');
    fresh.ws.close();
    await witness.assertAlive();
    await waitFor(() => closedByRelay === 1000, 5000, 'the relay to close every half-open socket');
    await witness.assertAlive();
  });

  test('plain HTTP on the relay path is answered 426, unknown paths 404', async () => {
    assert.equal((await httpGet(`http://127.0.0.1:${relay.relay.port}/relay?host=echo.test&port=443`)).status, 426);
    assert.equal((await httpGet(`http://127.0.0.1:${relay.relay.port}/nope`)).status, 404);
    await witness.assertAlive();
  });
});
