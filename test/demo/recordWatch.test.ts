import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ContentType, RecordHeaderScanner, RenegotiationRefusalDetector } from '../../server/demo/recordWatch';

/** A TLS 1.2 record: header (type, version 3,3, length) and an opaque fragment of `length` bytes. */
function record(type: number, length: number, fill = 0xab): Uint8Array {
  const r = new Uint8Array(5 + length).fill(fill);
  r.set([type, 3, 3, length >> 8, length & 0xff]);
  return r;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const { change_cipher_spec, alert, handshake, application_data } = ContentType;

/** The server side of a full TLS 1.2 handshake as record headers show it. */
const serverInitialFlights = [
  record(handshake, 1200), // ServerHello, Certificate, ServerKeyExchange, ServerHelloDone
  record(handshake, 200), // NewSessionTicket
  record(change_cipher_spec, 1),
  record(handshake, 40), // encrypted Finished
];
/** An encrypted HelloRequest: 4 bytes of plaintext, plus explicit nonce and GCM tag. */
const helloRequest = record(handshake, 4 + 8 + 16);
const warningNoRenegotiation = record(alert, 2 + 8 + 16);
const encryptedClientHello = record(handshake, 300 + 8 + 16);

function established(): RenegotiationRefusalDetector {
  const d = new RenegotiationRefusalDetector();
  d.clientBytes(record(handshake, 250)); // ClientHello
  for (const r of serverInitialFlights) d.serverBytes(r);
  d.clientBytes(concat(record(handshake, 70), record(change_cipher_spec, 1), record(handshake, 40)));
  return d;
}

describe('RecordHeaderScanner', () => {
  test('reports each record type once its 5-byte header is complete, however the stream is cut', () => {
    const stream = concat(record(handshake, 3), record(change_cipher_spec, 1), record(application_data, 300), record(alert, 2));
    const whole = new RecordHeaderScanner().push(stream);
    assert.deepEqual(whole, [22, 20, 23, 21]);
    const scanner = new RecordHeaderScanner();
    const byteByByte = [...stream].flatMap((b) => scanner.push(Uint8Array.of(b)));
    assert.deepEqual(byteByByte, [22, 20, 23, 21]);
  });

  test('gives up on a stream that is not TLS records (plain HTTP) and reports nothing more', () => {
    const scanner = new RecordHeaderScanner();
    assert.deepEqual(scanner.push(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n')), []);
    assert.ok(scanner.gaveUp);
    assert.deepEqual(scanner.push(record(alert, 2)), []);
  });

  test('gives up on a record longer than RFC 5246 §6.2.3 allows', () => {
    const scanner = new RecordHeaderScanner();
    assert.deepEqual(scanner.push(Uint8Array.of(23, 3, 3, 0x48, 0x01)), []);
    assert.ok(scanner.gaveUp);
  });
});

describe('RenegotiationRefusalDetector: http.sys resets when a HelloRequest is answered by an alert', () => {
  test('HelloRequest after the handshake, then a warning alert from the client → reset', () => {
    const d = established();
    assert.equal(d.clientBytes(record(application_data, 120)), 'forward', 'the HTTP request');
    d.serverBytes(helloRequest);
    assert.ok(d.awaitingAnswer);
    assert.equal(d.clientBytes(warningNoRenegotiation), 'reset');
  });

  test('HelloRequest answered by a ClientHello (renegotiation) → no reset, even for a later close_notify', () => {
    const d = established();
    d.serverBytes(helloRequest);
    assert.equal(d.clientBytes(encryptedClientHello), 'forward');
    assert.ok(!d.awaitingAnswer);
    // The renegotiated handshake runs to its end, then the response and a normal close.
    d.serverBytes(concat(record(handshake, 2000), record(change_cipher_spec, 1), record(handshake, 40)));
    d.clientBytes(concat(record(handshake, 900), record(change_cipher_spec, 1), record(handshake, 40)));
    d.serverBytes(record(application_data, 500));
    assert.equal(d.clientBytes(record(alert, 26)), 'forward', 'close_notify is not a refusal');
  });

  test('application data in flight before the HelloRequest arrived does not settle anything', () => {
    const d = established();
    d.serverBytes(helloRequest);
    assert.equal(d.clientBytes(record(application_data, 1000)), 'forward');
    assert.ok(d.awaitingAnswer);
    assert.equal(d.clientBytes(warningNoRenegotiation), 'reset');
  });

  test('an alert split across TCP segments is caught when its header completes', () => {
    const d = established();
    d.serverBytes(helloRequest);
    assert.equal(d.clientBytes(warningNoRenegotiation.subarray(0, 3)), 'forward');
    assert.equal(d.clientBytes(warningNoRenegotiation.subarray(3)), 'reset');
  });

  test('the HelloRequest may share a TCP segment with application data, and arrive byte by byte', () => {
    const d = established();
    for (const b of concat(record(application_data, 30), helloRequest)) d.serverBytes(Uint8Array.of(b));
    assert.equal(d.clientBytes(warningNoRenegotiation), 'reset');
  });

  test('alerts during the initial handshake (e.g. the client rejects the certificate) pass through', () => {
    const d = new RenegotiationRefusalDetector();
    d.clientBytes(record(handshake, 250));
    d.serverBytes(record(handshake, 1200));
    assert.equal(d.clientBytes(record(alert, 2)), 'forward');
  });

  test('without a HelloRequest, application data and a final close_notify pass through', () => {
    const d = established();
    assert.equal(d.clientBytes(record(application_data, 100)), 'forward');
    d.serverBytes(record(application_data, 700));
    assert.equal(d.clientBytes(record(alert, 26)), 'forward');
  });

  test('an abbreviated handshake (server CCS + Finished first) also counts as finished', () => {
    const d = new RenegotiationRefusalDetector();
    d.clientBytes(record(handshake, 250));
    d.serverBytes(concat(record(handshake, 90), record(change_cipher_spec, 1), record(handshake, 40)));
    d.clientBytes(concat(record(change_cipher_spec, 1), record(handshake, 40)));
    d.serverBytes(helloRequest);
    assert.equal(d.clientBytes(warningNoRenegotiation), 'reset');
  });

  test('a second HelloRequest after a completed renegotiation is watched again', () => {
    const d = established();
    d.serverBytes(helloRequest);
    d.clientBytes(encryptedClientHello);
    d.serverBytes(concat(record(handshake, 2000), record(change_cipher_spec, 1), record(handshake, 40)));
    d.serverBytes(helloRequest);
    assert.equal(d.clientBytes(warningNoRenegotiation), 'reset');
  });
});
