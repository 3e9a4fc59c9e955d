import assert from 'node:assert/strict';
import type { Server as NetServer, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { connect as tlsConnect, createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import type { TransportEvent } from '../../lib/transport/types';
import { eventTypes, listenTcp, openAndRecord, receivedText, testCertificate, transportDuplex } from '../transport/helpers';
import { waitFor } from '../helpers/wait';
import { CLIENT_HELLO_RECORD, PUBLIC_V4, startTestRelay, type TestRelay } from './helpers';

/** Events, leaving out the data the TLS handshake moves (segmenting is not part of the contract). */
function controlEvents(events: TransportEvent[]): TransportEvent[] {
  return events.filter((e) => e.type !== 'data');
}

describe('relay: sessions end to end on loopback', () => {
  let tlsServer: TlsServer;
  let tlsPort = 0;
  const plain: { close: () => Promise<void>; port: number; server: NetServer }[] = [];
  let finPort = 0;
  let rstPort = 0;
  let bulkRstPort = 0;
  let halfClosePort = 0;
  let relay: TestRelay;
  const serverSawHalfClose: string[] = [];
  /**
   * The reset peers' connections, reset by the test once the client holds every byte sent before
   * the RST: an RST that finds bytes still unread at the relay is read there as EOF (libuv ends
   * the stream on the hang-up after a partial read), so a timer does not order them on a loaded
   * machine; the bytes' arrival does.
   */
  const toReset: Socket[] = [];

  before(async () => {
    const { key, cert } = testCertificate();
    tlsServer = createTlsServer({ key, cert }, (socket) => {
      socket.on('data', (d) => socket.write(`echo:${d.toString()}`));
      socket.on('end', () => socket.end());
    });
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    tlsPort = (tlsServer.address() as { port: number }).port;

    // Plain TCP peers: they answer the first client bytes and then end the connection their way.
    const fin = await listenTcp((s) => s.once('data', () => s.end('server bytes')));
    const writeThenAwaitReset = (bytes: string | Buffer) => (s: Socket) =>
      s.once('data', () => {
        s.write(bytes);
        toReset.push(s);
      });
    const rst = await listenTcp(writeThenAwaitReset('server bytes'));
    const bulkRst = await listenTcp(writeThenAwaitReset(Buffer.alloc(200_000, 0x41)));
    const halfClose = await listenTcp((s) => {
      let got = '';
      s.on('data', (d) => (got += d.toString('latin1')));
      s.on('end', () => {
        serverSawHalfClose.push(got);
        s.end('answer after your FIN');
      });
    });
    plain.push(fin, rst, bulkRst, halfClose);
    [finPort, rstPort, bulkRstPort, halfClosePort] = [fin.port, rst.port, bulkRst.port, halfClose.port];

    relay = await startTestRelay(
      {
        demoTargets: {
          echo: { host: '127.0.0.1', port: tlsPort },
          fin: { host: '127.0.0.1', port: finPort },
          rst: { host: '127.0.0.1', port: rstPort },
          'bulk-rst': { host: '127.0.0.1', port: bulkRstPort },
          'half-close': { host: '127.0.0.1', port: halfClosePort },
        },
      },
      { dns: { 'www.example.com': [PUBLIC_V4] }, redirect: { [PUBLIC_V4]: tlsPort } },
    );
  });

  after(async () => {
    await relay.close();
    await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
    for (const p of plain) await p.close();
  });

  test("Node's TLS client completes a full handshake through the relay to a demo alias", async () => {
    const started = performance.now();
    const socket = transportDuplex(relay.transport, { host: 'echo.test', port: 443 });
    const tls = tlsConnect({ socket, servername: 'echo.test', ca: testCertificate().cert });
    await new Promise<void>((resolve, reject) => tls.once('secureConnect', resolve).once('error', reject));
    assert.equal(tls.authorized, true);
    assert.match(tls.getProtocol() ?? '', /^TLSv1\.[23]$/);
    tls.write('hello through the relay');
    const reply = await new Promise<string>((resolve) => tls.once('data', (d) => resolve(d.toString())));
    assert.equal(reply, 'echo:hello through the relay');
    tls.end();
    await new Promise<void>((resolve) => socket.once('close', resolve));
    const events = controlEvents(socket.events);
    assert.deepEqual(events[0], { type: 'resolved', host: 'echo.test', addresses: ['127.0.0.1'] });
    assert.equal(events[1].type, 'connected');
    const connected = events[1] as Extract<TransportEvent, { type: 'connected' }>;
    assert.equal(connected.remotePort, tlsPort);
    // The relay's dial time is a measurement within this test's own span, not a placeholder.
    const span = performance.now() - started;
    assert.ok(Number.isFinite(connected.connectMs) && connected.connectMs >= 0 && connected.connectMs <= span, `connectMs ${connected.connectMs} within ${span} ms`);
    assert.equal(connected.remoteAddress, '127.0.0.1');
    const closed = events.at(-1) as Extract<TransportEvent, { type: 'closed' }>;
    assert.equal(closed.type, 'closed');
    assert.ok(closed.bytesSent > 200 && closed.bytesReceived > 200, 'handshake bytes counted both ways');
  });

  test('a public name is resolved by the relay and only the checked address is dialed', async () => {
    const dialsBefore = relay.dials.length;
    const socket = transportDuplex(relay.transport, { host: 'www.example.com', port: 443 });
    const tls = tlsConnect({ socket, servername: 'localhost', ca: testCertificate().cert });
    await new Promise<void>((resolve, reject) => tls.once('secureConnect', resolve).once('error', reject));
    tls.destroy();
    assert.deepEqual(controlEvents(socket.events)[0], { type: 'resolved', host: 'www.example.com', addresses: [PUBLIC_V4] });
    assert.deepEqual(relay.dials.slice(dialsBefore), [{ address: PUBLIC_V4, port: 443 }]);
  });

  test('a server FIN arrives as fin, after the last data byte', async () => {
    const { connection, closed } = openAndRecord(relay.transport, { host: 'fin.test', port: 443 }, (event, conn) => {
      if (event.type === 'fin') conn.close();
    });
    connection.write(CLIENT_HELLO_RECORD);
    const events = await closed;
    assert.deepEqual(eventTypes(events), ['resolved', 'connected', 'data', 'fin', 'closed']);
    assert.equal(receivedText(events), 'server bytes');
  });

  /** Resets the peer's connection once the client has received `bytes`; a fin instead fails the test rather than hanging it. */
  function resetAfter(bytes: number): (event: TransportEvent, connection: { close(): void }) => void {
    let received = 0;
    return (event, connection) => {
      if (event.type === 'data' && (received += event.bytes.length) === bytes) toReset.shift()?.resetAndDestroy();
      if (event.type === 'fin') connection.close();
    };
  }

  test('a server RST arrives as reset (not fin), after the last data byte', async () => {
    const { connection, closed } = openAndRecord(relay.transport, { host: 'rst.test', port: 443 }, resetAfter('server bytes'.length));
    connection.write(CLIENT_HELLO_RECORD);
    const events = await closed;
    assert.deepEqual(eventTypes(events), ['resolved', 'connected', 'data', 'reset', 'closed']);
    assert.equal(receivedText(events), 'server bytes');
  });

  test('a reset after 200 kB of data comes after every one of those bytes', async () => {
    const { connection, closed } = openAndRecord(relay.transport, { host: 'bulk-rst.test', port: 443 }, resetAfter(200_000));
    connection.write(CLIENT_HELLO_RECORD);
    const events = await closed;
    assert.deepEqual(eventTypes(events), ['resolved', 'connected', 'data', 'reset', 'closed']);
    assert.equal(receivedText(events).length, 200_000);
    assert.deepEqual(events.at(-1), { type: 'closed', bytesSent: CLIENT_HELLO_RECORD.length, bytesReceived: 200_000 });
  });

  test('half-close: shutdown() delivers FIN after our bytes; the server answer and its fin still arrive', async () => {
    const { connection, closed } = openAndRecord(relay.transport, { host: 'half-close.test', port: 443 });
    connection.write(CLIENT_HELLO_RECORD);
    connection.write(new TextEncoder().encode('last words'));
    connection.shutdown();
    const events = await closed;
    assert.deepEqual(serverSawHalfClose, [CLIENT_HELLO_RECORD.toString('latin1') + 'last words']);
    assert.deepEqual(eventTypes(events), ['resolved', 'connected', 'data', 'fin', 'closed']);
    assert.equal(receivedText(events), 'answer after your FIN');
    assert.deepEqual(events.at(-1), { type: 'closed', bytesSent: CLIENT_HELLO_RECORD.length + 10, bytesReceived: 21 });
  });

  test('the session log records target, address, bytes and close reason, never payload', async () => {
    const sessionRecords = () => relay.logs.filter((r) => r.event === 'session' && r.host === 'fin.test');
    const before = sessionRecords().length;
    const { connection, closed } = openAndRecord(relay.transport, { host: 'fin.test', port: 443 }, (event, conn) => {
      if (event.type === 'fin') conn.close();
    });
    connection.write(Buffer.concat([CLIENT_HELLO_RECORD, Buffer.from('SECRET-PAYLOAD')]));
    await closed;
    // The relay writes the record when it has closed both sides, which may come after our close.
    await waitFor(() => sessionRecords().length > before, 3000, 'the session record');
    const record = sessionRecords().at(-1);
    assert.ok(record, 'a session record');
    assert.equal(record.client, '127.0.0.1');
    assert.equal(record.remote, `127.0.0.1:${finPort}`);
    assert.equal(record.bytesSent, CLIENT_HELLO_RECORD.length + 'SECRET-PAYLOAD'.length);
    assert.equal(record.bytesReceived, 12);
    assert.equal(typeof record.durationMs, 'number');
    assert.ok(typeof record.close === 'string');
    const everything = JSON.stringify(relay.logs);
    assert.ok(!everything.includes('SECRET') && !everything.includes('server bytes'), 'no payload in logs');
  });
});
