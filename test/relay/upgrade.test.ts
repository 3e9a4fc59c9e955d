import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { connect as netConnect, Socket } from 'node:net';
import { after, before, describe, test, type TestContext } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { RELAY_SUBPROTOCOL, parseRelayEvent } from '../../lib/transport/relayProtocol';
import { resolveConfig, type Dialer, type LogRecord, type RelayConfig } from '../../server/relay/config';
import { RelayMetrics } from '../../server/relay/metrics';
import { TargetPolicy } from '../../server/relay/policy';
import { RelaySession } from '../../server/relay/session';
import { listenTcp } from '../transport/helpers';
import { CLIENT_HELLO_RECORD, PUBLIC_V4, rawSession, startTestRelay, waitFor } from './helpers';

type Peer = Awaited<ReturnType<typeof listenTcp>>;

/** What a client saw, in arrival order: `resolved`, `error:CODE:reason`, `data:<latin1>`, ... */
interface Recorded {
  ws: WebSocket;
  log: string[];
  closed: Promise<{ code: number; reason: string }>;
}

function record(ws: WebSocket): Recorded {
  const log: string[] = [];
  ws.on('message', (data, isBinary) => {
    const bytes = data as Buffer;
    if (isBinary) {
      log.push(`data:${bytes.toString('latin1')}`);
      return;
    }
    const event = parseRelayEvent(bytes.toString());
    log.push(event?.type === 'error' ? `error:${event.code}:${event.reason}` : (event?.type ?? `unparseable:${bytes.toString()}`));
  });
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return { ws, log, closed };
}

/** Received server bytes joined, and the log with consecutive data entries merged into one `data`. */
function shape(log: string[]): { text: string; steps: string[] } {
  const steps: string[] = [];
  let text = '';
  for (const entry of log) {
    if (!entry.startsWith('data:')) steps.push(entry);
    else {
      text += entry.slice(5);
      if (steps.at(-1) !== 'data') steps.push('data');
    }
  }
  return { text, steps };
}

/**
 * Writes an upgrade request by hand (so it can be malformed) and resolves with the HTTP status
 * line of the answer, read until the relay closes the connection.
 */
function rawUpgrade(port: number, target: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer.split('\r\n')[0]));
    const lines = [
      `GET /relay?${target} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Protocol: ${RELAY_SUBPROTOCOL}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

describe('relay: the target is planned while the WebSocket handshake is answered, and dialed once the ClientHello has passed', () => {
  let echo: Peer;
  /** Connections the echo peer accepted, and how many of them have closed since. */
  let accepted = 0;
  let closedByRelay = 0;

  before(async () => {
    echo = await listenTcp((s) => {
      accepted += 1;
      s.on('close', () => (closedByRelay += 1));
      s.on('error', () => {});
      s.pipe(s);
    });
  });
  after(() => echo.close());

  /** Waits until every connection the echo peer accepted has closed, so counts start level. */
  const settled = () => waitFor(() => closedByRelay === accepted, 2000, 'earlier connections to close');

  /** A dialer that reaches the echo peer whatever address was checked, noting each dial in `order`. */
  function echoDialer(order: string[]): Dialer {
    return (address) => {
      order.push(`dial ${address}`);
      return netConnect({ host: '127.0.0.1', port: echo.port, allowHalfOpen: true });
    };
  }

  /** Notes each RelaySession.attach (the moment the WebSocket handshake has been answered) in `order`. */
  function spyOnAttach(t: TestContext, order: string[], onAttach?: () => void): void {
    const attach = RelaySession.prototype.attach;
    t.mock.method(RelaySession.prototype, 'attach', function (this: RelaySession, ws: WebSocket) {
      order.push('attach');
      onAttach?.();
      attach.call(this, ws);
    });
  }

  test('a name is resolved before the WebSocket is attached; a demo alias or a name is dialed only after the ClientHello', async (t) => {
    const order: string[] = [];
    spyOnAttach(t, order);
    const relay = await startTestRelay({
      demoTargets: { echo: { host: '127.0.0.1', port: echo.port } },
      resolve: async (host) => {
        order.push(`resolve ${host}`);
        return [PUBLIC_V4];
      },
      dial: echoDialer(order),
    });
    try {
      for (const host of ['echo.test', 'www.example.com']) {
        order.length = 0;
        const s = rawSession(relay.url, { host, port: 443 });
        s.ws.once('open', () => {
          order.push('ClientHello sent');
          s.ws.send(CLIENT_HELLO_RECORD);
        });
        await waitFor(() => Buffer.concat(s.binary).equals(CLIENT_HELLO_RECORD), 3000, `echo through ${host}`);
        assert.deepEqual(
          order,
          host === 'echo.test' ? ['attach', 'ClientHello sent', 'dial 127.0.0.1'] : ['resolve www.example.com', 'attach', 'ClientHello sent', `dial ${PUBLIC_V4}`],
          host,
        );
        // The client still sees the events in their order, after its 'open'.
        assert.deepEqual(
          s.events.map((e) => e.type),
          ['resolved', 'connected'],
        );
        s.ws.close();
        await s.closed;
      }
      await waitFor(() => relay.relay.activeSessions() === 0, 2000, 'sessions end');
    } finally {
      await relay.close();
    }
  });

  test('a malformed upgrade that passes the relay checks gets 400, dials nothing, and its slot is released', async () => {
    const relay = await startTestRelay({ maxSessionsPerClient: 1, demoTargets: { echo: { host: '127.0.0.1', port: echo.port } } });
    try {
      const malformed = [
        { 'Sec-WebSocket-Key': 'not-a-key', 'Sec-WebSocket-Version': '13' },
        { 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '12' },
      ];
      await settled();
      for (const [i, headers] of malformed.entries()) {
        const acceptedBefore = accepted;
        const closedBefore = closedByRelay;
        assert.equal(await rawUpgrade(relay.relay.port, 'host=echo.test&port=443', headers), 'HTTP/1.1 400 Bad Request');
        await waitFor(() => relay.relay.activeSessions() === 0, 2000, 'no session left');
        // The dial waits for a ClientHello, which a failed handshake never delivers.
        assert.deepEqual([accepted, closedByRelay], [acceptedBefore, closedBefore], 'the target saw no connection');
        assert.equal(relay.relay.metrics.activeSessions, 0);
        assert.equal(relay.relay.metrics.sessionsTotal, i + 1);
        assert.equal(relay.relay.metrics.closes.get('handshake-failed'), i + 1);
      }
      const records = relay.logs.filter((r) => r.event === 'session');
      assert.deepEqual(
        records.map((r) => [r.host, r.close]),
        [
          ['echo.test', 'handshake-failed'],
          ['echo.test', 'handshake-failed'],
        ],
      );
      // The client's one slot is free again: a proper session is admitted and works.
      const s = rawSession(relay.url, { host: 'echo.test', port: 443 });
      s.ws.once('open', () => s.ws.send(CLIENT_HELLO_RECORD));
      await waitFor(() => Buffer.concat(s.binary).equals(CLIENT_HELLO_RECORD), 3000, 'echo');
      assert.deepEqual(
        s.events.map((e) => e.type),
        ['resolved', 'connected'],
      );
      s.ws.close();
      await s.closed;
    } finally {
      await relay.close();
    }
  });

  test('a client that hangs up right after its upgrade request leaves no session or connection behind', async () => {
    const relay = await startTestRelay({ demoTargets: { echo: { host: '127.0.0.1', port: echo.port } } });
    try {
      await settled();
      const acceptedBefore = accepted;
      const closedBefore = closedByRelay;
      // Some are gone before the handshake is answered, some just after: the timing decides.
      for (let i = 0; i < 20; i++) {
        const socket = netConnect(relay.relay.port, '127.0.0.1');
        socket.on('error', () => {});
        socket.write(
          `GET /relay?host=echo.test&port=443 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${RELAY_SUBPROTOCOL}\r\n\r\n`,
          () => socket.destroy(),
        );
      }
      await waitFor(() => relay.relay.metrics.sessionsTotal === 20 && relay.relay.activeSessions() === 0, 3000, 'every session ended');
      // None sent a ClientHello, so none was dialed.
      assert.deepEqual([accepted - acceptedBefore, closedByRelay - closedBefore], [0, 0], 'the target saw no connection');
      assert.equal(relay.relay.metrics.activeSessions, 0);
      const reasons = relay.logs.filter((r) => r.event === 'session').map((r) => r.close);
      assert.equal(reasons.length, 20);
      // Gone before the 101 (handshake-failed) or just after it (client-closed): either way, ended once.
      for (const reason of reasons) assert.ok(reason === 'handshake-failed' || reason === 'client-closed', String(reason));
    } finally {
      await relay.close();
    }
  });

  test('a policy refusal decided before the WebSocket is attached still arrives as error + closed, then close 1008', async (t) => {
    const order: string[] = [];
    let relayLogs: LogRecord[] = [];
    spyOnAttach(t, order, () => order.push(relayLogs.some((r) => r.event === 'session') ? 'session already ended' : 'session running'));
    const relay = await startTestRelay({ dial: echoDialer(order) });
    relayLogs = relay.logs;
    try {
      const s = rawSession(relay.url, { host: 'www.example.com', port: 22 });
      const { code } = await s.closed;
      assert.deepEqual(order, ['attach', 'session already ended']);
      assert.equal(code, 1008);
      assert.equal(s.events.length, 2);
      assert.deepEqual(s.events[0], { type: 'error', code: 'POLICY', reason: 'port', message: 'port 22 is not allowed (allowed: 443, 8443)' });
      assert.deepEqual({ ...s.events[1], durationMs: 0 }, { type: 'closed', bytesSent: 0, bytesReceived: 0, durationMs: 0 });
      assert.equal(relay.relay.metrics.closes.get('port'), 1);
      assert.equal(relay.relay.activeSessions(), 0);
    } finally {
      await relay.close();
    }
  });

  test('a refused admission is answered over the WebSocket as before (LIMIT, 1013) and dials nothing', async () => {
    const order: string[] = [];
    const relay = await startTestRelay({ maxSessionsPerClient: 1, dial: echoDialer(order), demoTargets: { echo: { host: '127.0.0.1', port: echo.port } } });
    try {
      const held = rawSession(relay.url, { host: 'echo.test', port: 443 });
      held.ws.once('open', () => held.ws.send(CLIENT_HELLO_RECORD));
      await waitFor(() => held.events.some((e) => e.type === 'connected'), 2000, 'first session connected');
      const refused = rawSession(relay.url, { host: 'echo.test', port: 443 });
      const { code } = await refused.closed;
      assert.equal(code, 1013);
      assert.deepEqual(
        refused.events.map((e) => (e.type === 'error' ? `error:${e.code}:${e.reason}` : e.type)),
        ['error:LIMIT:client-concurrency', 'closed'],
      );
      assert.deepEqual(order, ['dial 127.0.0.1']);
      assert.equal(relay.relay.metrics.sessionsTotal, 1);
      held.ws.close();
      await held.closed;
    } finally {
      await relay.close();
    }
  });

  test('close() called while a session is not yet attached: the drain covers it, the client gets relay-shutdown and 1001', async () => {
    let closing: Promise<void> | undefined;
    const relayRef: { current?: Awaited<ReturnType<typeof startTestRelay>> } = {};
    const relay = await startTestRelay({
      drainTimeoutMs: 0,
      resolve: async () => {
        // DNS runs before the handshake is answered: stop the relay right here.
        closing ??= relayRef.current!.close();
        return [PUBLIC_V4];
      },
      dial: echoDialer([]),
    });
    relayRef.current = relay;
    const s = rawSession(relay.url, { host: 'www.example.com', port: 443 });
    await waitFor(() => closing !== undefined, 2000, 'the DNS question');
    await closing;
    const { code } = await s.closed;
    assert.equal(code, 1001);
    assert.deepEqual(
      // Whether the answer came before the shutdown is a matter of timing; the end is not.
      s.events.map((e) => (e.type === 'error' ? `error:${e.code}:${e.reason}` : e.type)).filter((type) => type !== 'resolved'),
      ['error:RELAY:relay-shutdown', 'closed'],
    );
    assert.equal(relay.relay.activeSessions(), 0);
    assert.equal(relay.relay.metrics.closes.get('relay-shutdown'), 1);
  });
});

/**
 * With the ClientHello check on (the default) nothing is dialed before attach: the ClientHello
 * comes over the WebSocket. With RELAY_REQUIRE_CLIENT_HELLO=0 the dial follows the target's
 * approval at once, overlapping the handshake, and server bytes, FIN, resets and timeouts can all
 * happen before there is a client to tell: these sessions run that way unless a test says otherwise.
 */
describe('relay session: before its WebSocket is attached', () => {
  let wss: WebSocketServer;
  let wssUrl = '';
  const waiting: ((ws: WebSocket) => void)[] = [];
  const peers: Peer[] = [];

  before(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => RELAY_SUBPROTOCOL });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    wssUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    wss.on('connection', (ws) => waiting.shift()!(ws));
  });
  after(async () => {
    for (const peer of peers) await peer.close();
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });

  async function peer(onConnection: (socket: Socket) => void): Promise<number> {
    const p = await listenTcp((socket) => {
      socket.on('error', () => {});
      onConnection(socket);
    });
    peers.push(p);
    return p.port;
  }

  interface Harness {
    session: RelaySession;
    /** Resolves when the session has ended (its onEnd ran); counts the calls. */
    ended: Promise<void>;
    endCount: () => number;
    logs: LogRecord[];
    metrics: RelayMetrics;
    /** The TCP sockets the session dialed. */
    dialed: Socket[];
    /** Resolves once the first dialed socket's 'end' listeners (the session's too) have all run. */
    targetEnded: Promise<void>;
    /** Opens a client WebSocket and attaches its server side to the session. */
    attachClient: () => Recorded;
  }

  /** A session to `demo.test` (or `host`), started with no WebSocket, as server.ts starts one. */
  function startSession(config: Partial<RelayConfig>, target: { host?: string; port?: string; demoPort?: number; dial?: Dialer }): Harness {
    const full = resolveConfig({ requireClientHello: false, ...config, demoTargets: target.demoPort === undefined ? {} : { demo: { host: '127.0.0.1', port: target.demoPort } } });
    const logs: LogRecord[] = [];
    const metrics = new RelayMetrics();
    const dialed: Socket[] = [];
    let markTargetEnded!: () => void;
    const targetEnded = new Promise<void>((resolve) => (markTargetEnded = resolve));
    const dial: Dialer =
      target.dial ??
      ((address, port) => {
        assert.equal(address, '127.0.0.1', 'unit sessions only dial demo aliases on loopback');
        return netConnect({ host: address, port, allowHalfOpen: true });
      });
    const policy = new TargetPolicy({
      allowedPorts: full.allowedPorts,
      allowIpLiterals: false,
      allow: [],
      deny: [],
      demoTargets: full.demoTargets,
      ownAddresses: [],
      resolve: async (host) => {
        throw new Error(`no DNS in these tests (${host})`);
      },
      dnsTimeoutMs: full.dnsTimeoutMs,
    });
    let ends = 0;
    let markEnded!: () => void;
    const ended = new Promise<void>((resolve) => (markEnded = resolve));
    const info = { id: 1, client: '127.0.0.1', origin: undefined, host: target.host ?? 'demo.test', port: target.port ?? '443' };
    const deps = {
      config: full,
      policy,
      metrics,
      log: (r: LogRecord) => logs.push(r),
      dial: (address: string, port: number) => {
        const socket = dial(address, port);
        // Registered before the session's own listener, which it adds on connect; the microtask
        // runs once every listener of this 'end' has.
        if (dialed.length === 0) socket.once('end', () => queueMicrotask(markTargetEnded));
        dialed.push(socket);
        return socket;
      },
    };
    const session = new RelaySession(info, deps, () => {
      ends += 1;
      markEnded();
    });
    session.start();
    const attachClient = (): Recorded => {
      waiting.push((ws) => session.attach(ws));
      const ws = new WebSocket(wssUrl, [RELAY_SUBPROTOCOL], { perMessageDeflate: false });
      return record(ws);
    };
    return { session, ended, endCount: () => ends, logs, metrics, dialed, targetEnded, attachClient };
  }

  test('server bytes and FIN that arrive before attach are delivered after connected and before fin', async () => {
    const port = await peer((s) => s.end('early server bytes'));
    const h = startSession({}, { demoPort: port });
    await h.targetEnded;
    assert.equal(h.session.done, false);
    const client = h.attachClient();
    await waitFor(() => client.log.includes('fin'), 2000, 'fin');
    assert.deepEqual(shape(client.log), { text: 'early server bytes', steps: ['resolved', 'connected', 'data', 'fin'] });
    // From here on it is an ordinary live session.
    assert.equal(h.session.done, false);
    client.ws.close();
    await h.ended;
    assert.equal(h.logs.at(-1)?.close, 'client-closed');
    assert.equal(h.logs.at(-1)?.targetFin, true);
  });

  test('a reset before attach comes after the data that preceded it, then closed and close 1000', async () => {
    let server: Socket | undefined;
    const port = await peer((s) => {
      server = s;
      s.write('last words');
    });
    const h = startSession({}, { demoPort: port });
    // The RST follows once the relay has read the bytes: one that finds them unread would be read
    // as EOF (libuv ends the stream on the hang-up after a partial read), which a timer cannot rule
    // out on a loaded machine.
    await waitFor(() => h.metrics.bytes.get('target_to_client') === 'last words'.length, 5000, 'the relay to read the bytes');
    server!.resetAndDestroy();
    await h.ended;
    const client = h.attachClient();
    const { code } = await client.closed;
    assert.equal(code, 1000);
    assert.deepEqual(shape(client.log), { text: 'last words', steps: ['resolved', 'connected', 'data', 'error:ECONNRESET:reset', 'closed'] });
    assert.equal(h.logs.filter((r) => r.event === 'session').length, 1);
    assert.equal(h.logs[0].close, 'reset');
  });

  test('more server bytes than the buffer limit before attach: the relay stops reading, then delivers all of them in order', async () => {
    const body = Buffer.alloc(256 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = 0x41 + (i % 26);
    const port = await peer((s) => s.end(body));
    const h = startSession({ bufferHighWaterBytes: 4096 }, { demoPort: port });
    await waitFor(() => h.dialed.length === 1 && h.dialed[0].isPaused(), 2000, 'the relay to stop reading');
    assert.ok(h.metrics.bytes.get('target_to_client') < body.length, 'not everything was read before attach');
    const client = h.attachClient();
    await waitFor(() => client.log.includes('fin'), 5000, 'fin');
    assert.deepEqual(shape(client.log), { text: body.toString('latin1'), steps: ['resolved', 'connected', 'data', 'fin'] });
    client.ws.close();
    await h.ended;
  });

  test('the connect timeout runs before attach; the client then gets ETIMEDOUT, closed and close 1000', async () => {
    // A socket that never connects: the dial hangs until the relay's connect timer gives up.
    const h = startSession({ connectTimeoutMs: 50 }, { demoPort: 1, dial: () => new Socket() });
    await h.ended;
    assert.equal(h.dialed[0].destroyed, true);
    const client = h.attachClient();
    assert.equal((await client.closed).code, 1000);
    assert.deepEqual(client.log, ['resolved', 'error:ETIMEDOUT:connect-timeout', 'closed']);
  });

  test('the session timeout runs before attach; the client then gets LIMIT session-timeout and close 4001', async () => {
    const port = await peer((s) => s.resume());
    const h = startSession({ sessionTimeoutMs: 100 }, { demoPort: port });
    await h.ended;
    const client = h.attachClient();
    assert.equal((await client.closed).code, 4001);
    assert.deepEqual(client.log, ['resolved', 'connected', 'error:LIMIT:session-timeout', 'closed']);
  });

  test('shutdownNow before attach: the client gets relay-shutdown, closed and close 1001', async () => {
    const port = await peer((s) => s.resume());
    const h = startSession({}, { demoPort: port });
    await waitFor(() => h.dialed.length === 1, 2000, 'the dial');
    h.session.shutdownNow();
    await h.ended;
    assert.equal(h.dialed[0].destroyed, true);
    const client = h.attachClient();
    assert.equal((await client.closed).code, 1001);
    assert.deepEqual(client.log.slice(-2), ['error:RELAY:relay-shutdown', 'closed']);
  });

  test('abandon: the TCP connection is hung up, the end is logged once as handshake-failed, a late attach is refused', async () => {
    let serverSawClose = false;
    const port = await peer((s) => s.on('end', () => (serverSawClose = true)));
    const h = startSession({}, { demoPort: port });
    await waitFor(() => h.dialed.length === 1 && !h.dialed[0].connecting, 2000, 'connected');
    h.session.abandon();
    h.session.abandon();
    await h.ended;
    await waitFor(() => serverSawClose, 2000, 'the server to see the close');
    assert.equal(h.endCount(), 1);
    assert.deepEqual(
      h.logs.map((r) => [r.event, r.close, r.remote !== undefined]),
      [['session', 'handshake-failed', true]],
    );
    assert.equal(h.metrics.closes.get('handshake-failed'), 1);
    const client = h.attachClient();
    assert.equal((await client.closed).code, 1006);
    assert.deepEqual(client.log, []);
    assert.equal(h.endCount(), 1);
  });

  test('with the ClientHello check on, the target is approved but not dialed before attach; the hello timeout runs meanwhile', async () => {
    let connections = 0;
    const port = await peer(() => (connections += 1));
    const h = startSession({ requireClientHello: true, helloTimeoutMs: 100 }, { demoPort: port });
    await h.ended;
    assert.deepEqual([h.dialed.length, connections], [0, 0]);
    const client = h.attachClient();
    assert.equal((await client.closed).code, 4001);
    assert.deepEqual(client.log, ['resolved', 'error:LIMIT:hello-timeout', 'closed']);
  });

  test('with the ClientHello check on, the dial follows the ClientHello sent after attach', async () => {
    const port = await peer((s) => s.pipe(s));
    const h = startSession({ requireClientHello: true }, { demoPort: port });
    const client = h.attachClient();
    await waitFor(() => client.log.includes('resolved'), 2000, 'resolved');
    assert.equal(h.dialed.length, 0);
    client.ws.send(CLIENT_HELLO_RECORD);
    await waitFor(() => shape(client.log).text === CLIENT_HELLO_RECORD.toString('latin1'), 2000, 'the ClientHello echoed');
    assert.deepEqual(shape(client.log).steps, ['resolved', 'connected', 'data']);
    assert.equal(h.dialed.length, 1);
    client.ws.close();
    await h.ended;
  });

  test('a policy refusal before attach: error + closed, then close 1008, nothing dialed', async () => {
    const h = startSession({}, { host: 'demo.test', port: '22', demoPort: 1 });
    await h.ended;
    assert.equal(h.dialed.length, 0);
    const client = h.attachClient();
    assert.equal((await client.closed).code, 1008);
    assert.deepEqual(client.log, ['error:POLICY:port', 'closed']);
  });
});
