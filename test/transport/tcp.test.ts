import assert from 'node:assert/strict';
import { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { createTcpTransport } from '../../lib/transport/tcp';
import type { TransportEvent } from '../../lib/transport/types';
import {
  eventTypes,
  listenTcp,
  openAndRecord,
  receivedText,
  startUnresponsiveListener,
  testCertificate,
  transportDuplex,
  unusedPort,
} from './helpers';

const tcp = createTcpTransport({ connectTimeoutMs: 2000 });

describe('TCP transport', () => {
  test('reports connected, the server bytes, then fin after the last byte; closed counts both ways', async () => {
    const server = await listenTcp((socket) => {
      socket.once('data', () => {
        socket.write('hello ');
        socket.end('world');
      });
      socket.on('end', () => socket.end());
    });
    const { connection, closed } = openAndRecord(tcp, { host: '127.0.0.1', port: server.port }, (event, conn) => {
      if (event.type === 'fin') conn.shutdown();
    });
    connection.write(new TextEncoder().encode('GET'));
    const events = await closed;
    await server.close();
    assert.deepEqual(eventTypes(events), ['connected', 'data', 'fin', 'closed']);
    assert.equal(receivedText(events), 'hello world');
    const connected = events[0] as Extract<TransportEvent, { type: 'connected' }>;
    assert.equal(connected.remoteAddress, '127.0.0.1');
    assert.equal(connected.remotePort, server.port);
    assert.ok(connected.connectMs >= 0 && connected.connectMs < 2000);
    assert.deepEqual(events.at(-1), { type: 'closed', bytesSent: 3, bytesReceived: 11 });
  });

  test('a TCP reset (RST) is reported as reset, after the bytes that came before it', async () => {
    // The server resets only once the client has read every byte before it. An RST that finds bytes
    // still unread is news the client may never get: libuv reads the bytes and, seeing the hang-up
    // with them, reports the end of the stream (EOF, a fin here) instead of ECONNRESET. On a loaded
    // machine a timer between the write and the reset does not order them; the client's read does.
    const SENT = 'partial response';
    let clientReadAll: () => void = () => {};
    const readAll = new Promise<void>((resolve) => (clientReadAll = resolve));
    const server = await listenTcp((socket) => {
      socket.write(SENT);
      void readAll.then(() => socket.resetAndDestroy());
    });
    let bytesRead = 0;
    const { closed } = openAndRecord(tcp, { host: '127.0.0.1', port: server.port }, (event, connection) => {
      if (event.type === 'data' && (bytesRead += event.bytes.length) === SENT.length) clientReadAll();
      // Should a fin come instead of the reset, the test fails on the events rather than waiting
      // on a half-open connection that will never close.
      if (event.type === 'fin') connection.close();
    });
    const events = await closed;
    await server.close();
    assert.deepEqual(eventTypes(events), ['connected', 'data', 'reset', 'closed']);
    assert.equal(receivedText(events), SENT);
  });

  test('half-close: after shutdown() the client still receives the server answer and its fin', async () => {
    const received: string[] = [];
    const server = await listenTcp((socket) => {
      socket.on('data', (d) => received.push(d.toString()));
      // The server sees our FIN first, then answers on its still-open side.
      socket.on('end', () => socket.end('pong'));
    });
    const { connection, closed } = openAndRecord(tcp, { host: '127.0.0.1', port: server.port });
    connection.write(new TextEncoder().encode('ping'));
    connection.shutdown();
    const events = await closed;
    await server.close();
    assert.equal(received.join(''), 'ping');
    assert.deepEqual(eventTypes(events), ['connected', 'data', 'fin', 'closed']);
    assert.equal(receivedText(events), 'pong');
  });

  test('the client can keep writing after the server half-closed', async () => {
    const received: string[] = [];
    let serverSawFin: () => void = () => {};
    const serverDone = new Promise<void>((resolve) => (serverSawFin = resolve));
    const server = await listenTcp((socket) => {
      socket.end('bye'); // server FIN first
      socket.on('data', (d) => received.push(d.toString()));
      socket.on('end', () => serverSawFin());
    });
    const { closed } = openAndRecord(tcp, { host: '127.0.0.1', port: server.port }, (event, conn) => {
      if (event.type === 'fin') {
        conn.write(new TextEncoder().encode('late words'));
        conn.shutdown();
      }
    });
    const events = await closed;
    await serverDone;
    await server.close();
    assert.deepEqual(eventTypes(events), ['connected', 'data', 'fin', 'closed']);
    assert.equal(received.join(''), 'late words');
  });

  test('a closed port is ECONNREFUSED', async () => {
    const port = await unusedPort();
    const events = await openAndRecord(tcp, { host: '127.0.0.1', port }).closed;
    assert.deepEqual(eventTypes(events), ['error:ECONNREFUSED', 'closed']);
  });

  test('a listener that never completes the TCP handshake trips the connect timeout (ETIMEDOUT)', async () => {
    const listener = await startUnresponsiveListener();
    try {
      const started = Date.now();
      const transport = createTcpTransport({ connectTimeoutMs: 300 });
      const events = await openAndRecord(transport, { host: '127.0.0.1', port: listener.port }).closed;
      const elapsed = Date.now() - started;
      assert.deepEqual(eventTypes(events), ['error:ETIMEDOUT', 'closed']);
      assert.ok(elapsed >= 280 && elapsed < 2000, `timed out after ${elapsed} ms`);
    } finally {
      listener.stop();
    }
  });

  test('the connect timer also fires for an injected socket that never connects', async () => {
    const transport = createTcpTransport({ connectTimeoutMs: 50, connect: () => new Socket() });
    const events = await openAndRecord(transport, { host: '127.0.0.1', port: 9 }).closed;
    assert.deepEqual(eventTypes(events), ['error:ETIMEDOUT', 'closed']);
  });

  test('a host name is resolved first (resolved event), and a failing address falls through to the next', async () => {
    const server = await listenTcp((socket) => socket.end('ok'));
    const closedPort = await unusedPort();
    const dialed: string[] = [];
    const transport = createTcpTransport({
      lookup: async () => ['127.0.0.2', '127.0.0.1'],
      connect: (options) => {
        const o = options as { host: string; port: number };
        dialed.push(o.host);
        // 127.0.0.2 gets the closed port: refused, so the transport must try 127.0.0.1.
        return new Socket().connect({ host: o.host, port: o.host === '127.0.0.2' ? closedPort : o.port, allowHalfOpen: true } as never);
      },
    });
    const { closed } = openAndRecord(transport, { host: 'service.example', port: server.port }, (event, conn) => {
      if (event.type === 'fin') conn.close();
    });
    const events = await closed;
    await server.close();
    assert.deepEqual(events[0], { type: 'resolved', host: 'service.example', addresses: ['127.0.0.2', '127.0.0.1'] });
    assert.deepEqual(dialed, ['127.0.0.2', '127.0.0.1']);
    assert.deepEqual(eventTypes(events), ['resolved', 'connected', 'data', 'fin', 'closed']);
  });

  test('a name that does not resolve is ENOTFOUND', async () => {
    const transport = createTcpTransport({
      lookup: async (host) => {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      },
    });
    const events = await openAndRecord(transport, { host: 'nowhere.invalid', port: 443 }).closed;
    assert.deepEqual(eventTypes(events), ['error:ENOTFOUND', 'closed']);
  });

  test('close() while connecting ends with closed only', async () => {
    const transport = createTcpTransport({ connect: () => new Socket() });
    const { connection, closed } = openAndRecord(transport, { host: '127.0.0.1', port: 9 });
    connection.close();
    assert.deepEqual(eventTypes(await closed), ['closed']);
  });

  describe('TLS over the transport', () => {
    let server: ReturnType<typeof createTlsServer>;
    let port = 0;
    before(async () => {
      const { key, cert } = testCertificate();
      server = createTlsServer({ key, cert }, (socket: TLSSocket) => {
        socket.on('data', (d) => socket.end(`echo:${d.toString()}`));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    test("Node's TLS client completes a handshake and exchanges data through the transport", async () => {
      const socket = transportDuplex(tcp, { host: '127.0.0.1', port });
      const tls = tlsConnect({ socket, servername: 'localhost', ca: testCertificate().cert });
      await new Promise<void>((resolve, reject) => tls.once('secureConnect', resolve).once('error', reject));
      assert.ok(tls.authorized);
      tls.write('hi');
      let reply = '';
      for await (const chunk of tls) reply += chunk.toString();
      assert.equal(reply, 'echo:hi');
      tls.destroy();
    });
  });
});
