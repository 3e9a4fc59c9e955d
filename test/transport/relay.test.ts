/**
 * The relay transport's translation of relay frames into TransportEvents, against a scripted
 * WebSocket (the end-to-end behaviour with a real relay is in test/relay/).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRelayTransport, type WebSocketLike } from '../../lib/transport/relay';
import { RELAY_SUBPROTOCOL } from '../../lib/transport/relayProtocol';
import type { TransportEvent } from '../../lib/transport/types';

class ScriptedWebSocket implements WebSocketLike {
  static last: ScriptedWebSocket;
  binaryType = 'blob';
  readyState = 0;
  sent: (string | Uint8Array)[] = [];
  closedWith: number | undefined;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    ScriptedWebSocket.last = this;
  }
  send(data: string | ArrayBuffer | ArrayBufferView): void {
    this.sent.push(typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer));
  }
  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 2;
  }
  // Relay side of the script:
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  event(json: object): void {
    this.onmessage?.({ data: JSON.stringify(json) });
  }
  bytes(text: string): void {
    this.onmessage?.({ data: new TextEncoder().encode(text).buffer });
  }
  closeFromRelay(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

function open(host = 'www.example.com', port = 443) {
  const events: TransportEvent[] = [];
  const transport = createRelayTransport({ url: 'wss://relay.example/relay', WebSocketImpl: ScriptedWebSocket });
  const connection = transport.open({ host, port }, (e) => events.push(e));
  return { events, connection, ws: ScriptedWebSocket.last };
}

describe('relay transport: relay frames to transport events', () => {
  test('opens /relay?host&port with the versioned subprotocol and binary frames as ArrayBuffer', () => {
    const { ws } = open('bücher.example', 8443);
    assert.equal(ws.url, 'wss://relay.example/relay?host=b%C3%BCcher.example&port=8443');
    assert.equal(ws.protocols, RELAY_SUBPROTOCOL);
    assert.equal(ws.binaryType, 'arraybuffer');
  });

  test('a normal session: resolved, connected, data, fin, closed with the relay byte counts', () => {
    const { events, ws } = open();
    ws.open();
    ws.event({ type: 'resolved', host: 'www.example.com', addresses: ['93.184.215.14'] });
    ws.event({ type: 'connected', remoteAddress: '93.184.215.14', remotePort: 443, connectMs: 12.5 });
    ws.bytes('server bytes');
    ws.event({ type: 'fin' });
    ws.event({ type: 'closed', bytesSent: 517, bytesReceived: 12, durationMs: 40 });
    ws.closeFromRelay(1000);
    assert.deepEqual(events, [
      { type: 'resolved', host: 'www.example.com', addresses: ['93.184.215.14'] },
      { type: 'connected', remoteAddress: '93.184.215.14', remotePort: 443, connectMs: 12.5 },
      { type: 'data', bytes: new TextEncoder().encode('server bytes') },
      { type: 'fin' },
      { type: 'closed', bytesSent: 517, bytesReceived: 12 },
    ]);
  });

  test('ECONNRESET becomes a reset event of its own', () => {
    const { events, ws } = open();
    ws.open();
    ws.event({ type: 'error', code: 'ECONNRESET', reason: 'reset', message: 'the server reset the connection (TCP RST)' });
    ws.event({ type: 'closed', bytesSent: 0, bytesReceived: 0, durationMs: 1 });
    assert.deepEqual(events, [{ type: 'reset' }, { type: 'closed', bytesSent: 0, bytesReceived: 0 }]);
  });

  test('relay refusals and limits keep their code, the relay\u2019s stable word for why and its own words (the run\u2019s step says who decided)', () => {
    const { events, ws } = open();
    ws.open();
    ws.event({ type: 'error', code: 'POLICY', reason: 'address-private', message: 'www.example.com resolves to 10.0.0.5, a private address (RFC 1918)' });
    ws.event({ type: 'closed', bytesSent: 0, bytesReceived: 0, durationMs: 1 });
    ws.closeFromRelay(1008);
    assert.deepEqual(events, [
      { type: 'error', code: 'POLICY', reason: 'address-private', message: 'www.example.com resolves to 10.0.0.5, a private address (RFC 1918)' },
      { type: 'closed', bytesSent: 0, bytesReceived: 0 },
    ]);
    const second = open();
    second.ws.open();
    second.ws.event({ type: 'error', code: 'LIMIT', reason: 'idle-timeout', message: 'no bytes either way for 60000 ms' });
    second.ws.event({ type: 'error', code: 'EWHATEVER', reason: 'x', message: 'odd' });
    assert.deepEqual(second.events, [
      { type: 'error', code: 'LIMIT', reason: 'idle-timeout', message: 'no bytes either way for 60000 ms' },
      { type: 'error', code: 'UNKNOWN', reason: 'x', message: 'odd' },
    ]);
  });

  test('a close without events is explained by its close code', () => {
    const cases: [number, boolean, string, string][] = [
      [1009, true, 'LIMIT', 'frame-too-big'],
      [1013, true, 'LIMIT', 'busy'],
      [1008, true, 'POLICY', 'policy'],
      [1001, true, 'RELAY', 'relay-gone'],
      [1006, true, 'RELAY', 'relay-lost'],
      [1006, false, 'RELAY', 'relay-unreachable'],
    ];
    for (const [code, opened, expected, reason] of cases) {
      const { events, ws } = open();
      if (opened) ws.open();
      ws.closeFromRelay(code);
      assert.equal(events.length, 2, String(code));
      assert.equal(events[0].type === 'error' && events[0].code, expected, String(code));
      assert.equal(events[0].type === 'error' && events[0].reason, reason, String(code));
      assert.deepEqual(events[1], { type: 'closed', bytesSent: 0, bytesReceived: 0 });
    }
  });

  test('writes and shutdown before the WebSocket opens are sent in order once it does', () => {
    const { connection, ws } = open();
    connection.write(new Uint8Array([0x16, 0x03, 0x01]));
    connection.write(new Uint8Array([0x00, 0x05]));
    connection.shutdown();
    assert.deepEqual(ws.sent, []);
    ws.open();
    assert.deepEqual(ws.sent, [new Uint8Array([0x16, 0x03, 0x01]), new Uint8Array([0x00, 0x05]), '{"type":"shutdown"}']);
  });

  test('close() closes the WebSocket with 1000; nothing after it but one closed event', () => {
    const { connection, events, ws } = open();
    ws.open();
    connection.write(new Uint8Array(10));
    connection.close();
    assert.equal(ws.closedWith, 1000);
    ws.bytes('late');
    ws.closeFromRelay(1000);
    assert.deepEqual(events, [{ type: 'closed', bytesSent: 10, bytesReceived: 0 }]);
  });

  test('an unreadable relay event is reported, not ignored', () => {
    const { events, ws } = open();
    ws.open();
    ws.onmessage?.({ data: '{"type":"connected"}' });
    assert.equal(events[0].type === 'error' && events[0].code, 'RELAY');
  });
});

describe('relay transport: a WebSocket opened ahead (warm)', () => {
  test('warm() opens /relay without a target; open() then names it in a connect request, before any data', async () => {
    const transport = createRelayTransport({ url: 'wss://relay.example/relay', WebSocketImpl: ScriptedWebSocket });
    const ready = transport.warm();
    const ws = ScriptedWebSocket.last;
    assert.equal(ws.url, 'wss://relay.example/relay');
    assert.equal(ws.protocols, RELAY_SUBPROTOCOL);
    ws.open();
    await ready;
    // A second warm() while the first is fresh reuses it.
    await transport.warm();
    assert.equal(ScriptedWebSocket.last, ws);
    const events: TransportEvent[] = [];
    const connection = transport.open({ host: 'www.example.com', port: 443 }, (e) => events.push(e));
    assert.equal(ScriptedWebSocket.last, ws, 'open() took the warmed WebSocket');
    connection.write(new TextEncoder().encode('hello'));
    assert.deepEqual(ws.sent[0], JSON.stringify({ type: 'connect', host: 'www.example.com', port: 443 }));
    assert.deepEqual(ws.sent[1], new TextEncoder().encode('hello'));
    ws.event({ type: 'connected', remoteAddress: '93.184.215.14', remotePort: 443, connectMs: 3 });
    assert.deepEqual(events, [{ type: 'connected', remoteAddress: '93.184.215.14', remotePort: 443, connectMs: 3 }]);
    // The next open() has nothing warmed: it opens its own WebSocket with the target in the query.
    transport.open({ host: 'other.example', port: 8443 }, () => {});
    assert.equal(ScriptedWebSocket.last.url, 'wss://relay.example/relay?host=other.example&port=8443');
  });

  test('a warmed WebSocket still connecting is used too: the connect request goes first once it opens', () => {
    const transport = createRelayTransport({ url: 'wss://relay.example/relay', WebSocketImpl: ScriptedWebSocket });
    void transport.warm();
    const ws = ScriptedWebSocket.last;
    const connection = transport.open({ host: 'www.example.com', port: 443 }, () => {});
    connection.write(new Uint8Array([22, 3, 1]));
    assert.deepEqual(ws.sent, []);
    ws.open();
    assert.deepEqual(ws.sent, [JSON.stringify({ type: 'connect', host: 'www.example.com', port: 443 }), new Uint8Array([22, 3, 1])]);
  });

  test('release() closes the warmed WebSocket; the next open() opens its own, and warm() a new one', async () => {
    const transport = createRelayTransport({ url: 'wss://relay.example/relay', WebSocketImpl: ScriptedWebSocket });
    const ready = transport.warm();
    const spare = ScriptedWebSocket.last;
    spare.open();
    await ready;
    transport.release();
    assert.equal(spare.closedWith, 1000);
    transport.release(); // nothing left: a no-op
    transport.open({ host: 'www.example.com', port: 443 }, () => {});
    assert.equal(ScriptedWebSocket.last.url, 'wss://relay.example/relay?host=www.example.com&port=443');
    void transport.warm();
    assert.notEqual(ScriptedWebSocket.last, spare);
    assert.equal(ScriptedWebSocket.last.url, 'wss://relay.example/relay');
  });

  test('a warmed WebSocket that closed, or grew too old, is not used', async () => {
    const transport = createRelayTransport({ url: 'wss://relay.example/relay', WebSocketImpl: ScriptedWebSocket, spareMaxAgeMs: 0 });
    const ready = transport.warm();
    const stale = ScriptedWebSocket.last;
    stale.open();
    await ready;
    transport.open({ host: 'www.example.com', port: 443 }, () => {});
    assert.notEqual(ScriptedWebSocket.last, stale);
    assert.equal(stale.closedWith, 1000, 'the stale one is closed');

    const fresh = createRelayTransport({ url: 'wss://relay.example/relay', WebSocketImpl: ScriptedWebSocket });
    const warming = fresh.warm();
    const gone = ScriptedWebSocket.last;
    gone.closeFromRelay(1000, 'preconnect-timeout');
    await warming; // settles on close as well as on open
    fresh.open({ host: 'www.example.com', port: 443 }, () => {});
    assert.notEqual(ScriptedWebSocket.last, gone);
    assert.equal(ScriptedWebSocket.last.url, 'wss://relay.example/relay?host=www.example.com&port=443');
  });
});
