/**
 * Malformed and hostile input: scripted servers that send crafted bytes, and real OpenSSL
 * handshakes with bytes altered in flight by a proxy. Every case must end with a trace (never an
 * uncaught exception, never a hang) whose outcome and alerts say what went wrong: the client's own
 * fatal alert for protocol violations (RFC 8446 §6.2, RFC 5246 §7.2.2), the TCP event otherwise.
 */
import assert from 'node:assert/strict';
import { isHelloRequest, transportEvent } from '../../lib/trace/steps';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Trace } from '../../lib/trace/schema';
import type { TestPki } from '../../server/pki';
import { sharedTestPki } from '../helpers/pki';
import {
  LOOPBACK,
  describeEngineRun,
  describeTrace,
  refusedPort,
  runAgainst,
  runEngine,
  startOpensslServer,
  startScriptedServer,
  startTamperingProxy,
  titles,
  type OpensslServer,
  type RecordTamper,
} from '../helpers/tlsServers';
import { Tls12ServerConnection, type HandshakeFaults } from './tls12Server';
import { CONTENT, EXTENSION, HANDSHAKE, extension, handshake, readClientHello, record, serverHello, u16, u24, u8, vec24 } from './wire';
import { outcomeSentence, stepExplanation } from '../../lib/view/stepText';

let pki: TestPki;
let caFiles: string[];

before(async () => {
  pki = await sharedTestPki();
  caFiles = [pki.root.certPath];
});

/** A TLS 1.2 ServerHello the client accepts: ECDHE_RSA AES-128-GCM, secure renegotiation, EMS. */
const GOOD_SERVER_HELLO = serverHello({
  cipherSuite: 0xc02f,
  extensions: [extension(EXTENSION.renegotiation_info, u8(0)), extension(EXTENSION.extended_master_secret, Buffer.alloc(0))],
});

/** The TLS 1.2 Certificate message with the RSA test leaf and its intermediate. */
function certificateMessage(): Buffer {
  return handshake(HANDSHAKE.certificate, vec24(vec24(Buffer.from(pki.leaves.rsa2048.certDer)), vec24(Buffer.from(pki.intermediate.certDer))));
}

/**
 * Runs the client against a scripted server that waits for the ClientHello, then plays `script`.
 * The run uses a short timeout: a case that would hang shows up as outcome "timeout".
 */
async function against(script: (socket: Socket) => void | Promise<void>, timeoutMs = 3000): Promise<Trace> {
  const server = await startScriptedServer(async (socket) => {
    try {
      await readClientHello(socket);
      await script(socket);
    } catch {
      // The client went away first; nothing more to play.
    }
  });
  try {
    return await runAgainst(server.port, { setup: { caFiles }, timeoutMs });
  } finally {
    await server.close();
  }
}

/** The run ended because the client detected `alert`: it sent it as a fatal alert and nothing followed. */
function assertClientAlert(trace: Trace, alert: string, detail?: RegExp): void {
  const why = describeTrace(trace);
  assert.equal(trace.outcome, 'alert', why);
  assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: alert }], why);
  if (detail) assert.match(outcomeSentence(trace.outcomeCause), detail, why);
  const t = titles(trace);
  assert.ok(t.includes(`Alert: ${alert} (fatal)`), why);
  assert.match(t.at(-1)!, /^Outcome: alert/);
  // The alert went out as a real record (2 bytes: level fatal, description).
  const sent = trace.steps.filter((s) => s.direction === 'client->server' && s.layer === 'alert').at(-1);
  assert.equal(sent?.bytes?.hex.slice(0, 2), '02', why);
}

describe('scripted servers: record layer', () => {
  test('a record cut short, then FIN: the run ends as closed during the handshake, and shows the partial bytes', async () => {
    const full = record(CONTENT.handshake, GOOD_SERVER_HELLO);
    const trace = await against((s) => {
      s.end(full.subarray(0, 30));
    });
    const why = describeTrace(trace);
    assert.equal(trace.outcome, 'closed', why);
    assert.match(outcomeSentence(trace.outcomeCause), /during the handshake/);
    assert.deepEqual(trace.alerts, []);
    assert.ok(titles(trace).includes('Server closed the connection (FIN)'), why);
  });

  test('a record header announcing 18433 bytes (more than 2^14 + 2048) → record_overflow, without waiting for the bytes', async () => {
    const trace = await against((s) => {
      s.write(Buffer.from([22, 3, 3, 0x48, 0x01]));
    });
    assertClientAlert(trace, 'record_overflow');
  });

  test('an unprotected record of 2^14 + 1 bytes → record_overflow (RFC 8446 §5.1)', async () => {
    const trace = await against((s) => {
      s.write(record(CONTENT.handshake, Buffer.concat([GOOD_SERVER_HELLO, Buffer.alloc(16385 - GOOD_SERVER_HELLO.length)])));
    });
    assertClientAlert(trace, 'record_overflow');
  });

  test('an empty handshake record → unexpected_message', async () => {
    const trace = await against((s) => {
      s.write(record(CONTENT.handshake, Buffer.alloc(0)));
    });
    assertClientAlert(trace, 'unexpected_message');
  });

  test('a record with version 0x0200 in its header → decode_error', async () => {
    const trace = await against((s) => {
      s.write(record(CONTENT.handshake, GOOD_SERVER_HELLO, 0x0200));
    });
    assertClientAlert(trace, 'decode_error');
  });

  test('binary garbage (unknown content type) → unexpected_message, "not a TLS record"', async () => {
    const trace = await against((s) => {
      s.write(Buffer.from('0000000000000000deadbeef', 'hex'));
    });
    assertClientAlert(trace, 'unexpected_message', /not a TLS record/);
  });

  test('an alert record of 3 bytes → decode_error', async () => {
    const trace = await against((s) => {
      s.write(record(CONTENT.alert, Buffer.from([2, 40, 0])));
    });
    assertClientAlert(trace, 'decode_error');
  });

  test('application data before the handshake → unexpected_message', async () => {
    const trace = await against((s) => {
      s.write(record(CONTENT.application_data, Buffer.from('hello')));
    });
    assertClientAlert(trace, 'unexpected_message');
  });

  test('a close_notify during the handshake ends the run, and is not called fatal', async () => {
    const trace = await against((s) => {
      s.write(record(CONTENT.alert, Buffer.from([1, 0])));
    });
    const why = describeTrace(trace);
    assert.equal(trace.outcome, 'alert', why);
    assert.deepEqual(trace.alerts, [{ from: 'server', level: 'warning', description: 'close_notify' }], why);
    assert.doesNotMatch(outcomeSentence(trace.outcomeCause), /fatal/, why);
    assert.match(outcomeSentence(trace.outcomeCause), /closed the connection during the handshake/, why);
  });

  test('the server\u2019s own fatal alert during the handshake → outcome alert, from the server', async () => {
    const trace = await against((s) => {
      s.end(record(CONTENT.alert, Buffer.from([2, 40])));
    });
    assert.equal(trace.outcome, 'alert', describeTrace(trace));
    assert.deepEqual(trace.alerts, [{ from: 'server', level: 'fatal', description: 'handshake_failure' }]);
    assert.match(outcomeSentence(trace.outcomeCause), /server sent a fatal handshake_failure/);
  });
});

describe('scripted servers: handshake messages', () => {
  test('a ServerHello whose length field is 2 bytes longer than its content → decode_error', async () => {
    const body = GOOD_SERVER_HELLO.subarray(4);
    const trace = await against((s) => {
      s.write(record(CONTENT.handshake, Buffer.concat([u8(HANDSHAKE.server_hello), u24(body.length + 2), body, Buffer.from([0, 0])])));
    });
    assertClientAlert(trace, 'decode_error');
    assert.ok(titles(trace).includes('ServerHello (malformed)'), describeTrace(trace));
  });

  test('a ServerHello whose extensions vector runs past the message → decode_error', async () => {
    const body = Buffer.from(GOOD_SERVER_HELLO.subarray(4));
    // The extensions length is the last 2-byte length before the extensions: make it claim 40 bytes more.
    const extOffset = 2 + 32 + 1 + 2 + 1;
    body.writeUInt16BE(body.readUInt16BE(extOffset) + 40, extOffset);
    const trace = await against((s) => {
      s.write(record(CONTENT.handshake, Buffer.concat([u8(HANDSHAKE.server_hello), u24(body.length), body])));
    });
    assertClientAlert(trace, 'decode_error');
  });

  test('a handshake message announcing 16 MB → decode_error at once, not a buffer that grows', async () => {
    const trace = await against((s) => {
      s.write(record(CONTENT.handshake, Buffer.concat([u8(HANDSHAKE.certificate), u24(0xffffff)])));
    });
    assertClientAlert(trace, 'decode_error');
  });

  test('an unknown handshake message type → unexpected_message', async () => {
    const trace = await against((s) => {
      s.write(record(CONTENT.handshake, handshake(99, Buffer.alloc(4))));
    });
    assertClientAlert(trace, 'unexpected_message');
  });

  test('Finished instead of Certificate (TLS 1.2) → unexpected_message', async () => {
    const trace = await against((s) => {
      s.write(record(CONTENT.handshake, Buffer.concat([GOOD_SERVER_HELLO, handshake(HANDSHAKE.finished, Buffer.alloc(12))])));
    });
    assertClientAlert(trace, 'unexpected_message', /expected Certificate, got finished/);
  });

  test('ServerHelloDone before Certificate → unexpected_message', async () => {
    const trace = await against((s) => {
      s.write(record(CONTENT.handshake, Buffer.concat([GOOD_SERVER_HELLO, handshake(HANDSHAKE.server_hello_done, Buffer.alloc(0))])));
    });
    assertClientAlert(trace, 'unexpected_message');
  });

  test('a ServerHello choosing a suite the client did not offer → illegal_parameter', async () => {
    const trace = await against((s) => {
      s.write(record(CONTENT.handshake, serverHello({ cipherSuite: 0x000a, extensions: [extension(EXTENSION.renegotiation_info, u8(0))] })));
    });
    assertClientAlert(trace, 'illegal_parameter');
  });

  test('a ServerHello with a non-empty renegotiation_info in the initial handshake → handshake_failure (RFC 5746 §3.4)', async () => {
    const trace = await against((s) => {
      s.write(record(CONTENT.handshake, serverHello({ cipherSuite: 0xc02f, extensions: [extension(EXTENSION.renegotiation_info, Buffer.concat([u8(12), Buffer.alloc(12, 1)]))] })));
    });
    assertClientAlert(trace, 'handshake_failure');
  });

  test('messages split across records and coalesced into one are reassembled; then a missing ServerKeyExchange → unexpected_message', async () => {
    const flight = Buffer.concat([GOOD_SERVER_HELLO, certificateMessage(), handshake(HANDSHAKE.server_hello_done, Buffer.alloc(0))]);
    const trace = await against((s) => {
      // ServerHello in three records, the third also carrying the start of the Certificate; the rest in one record.
      const cuts = [10, 40, GOOD_SERVER_HELLO.length + 100, flight.length];
      let from = 0;
      for (const to of cuts) {
        s.write(record(CONTENT.handshake, flight.subarray(from, to)));
        from = to;
      }
    });
    assertClientAlert(trace, 'unexpected_message', /expected ServerKeyExchange, got server_hello_done/);
    const t = titles(trace);
    assert.ok(t.includes('ServerHello') && t.includes('Certificate chain trusted'), describeTrace(trace));
  });

  test('a HelloRequest before the ServerHello is ignored (RFC 5246 §7.4.1.1); the handshake goes on', async () => {
    const trace = await against((s) => {
      s.end(record(CONTENT.handshake, Buffer.concat([handshake(HANDSHAKE.hello_request, Buffer.alloc(0)), GOOD_SERVER_HELLO, certificateMessage()])));
    });
    const why = describeTrace(trace);
    assert.equal(trace.outcome, 'closed', why);
    assert.deepEqual(trace.alerts, [], why);
    const helloRequest = trace.steps.find(isHelloRequest);
    assert.ok(helloRequest?.kind === 'handshake' && helloRequest.data.ignored, why);
    assert.ok(titles(trace).includes('Certificate chain trusted'), why);
  });

  test('a second HelloRetryRequest → unexpected_message (RFC 8446 §4.1.4)', async () => {
    const hrr = (sessionId: Buffer, group: number) =>
      record(
        CONTENT.handshake,
        serverHello({
          random: Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex'),
          sessionId,
          cipherSuite: 0x1301,
          extensions: [extension(EXTENSION.supported_versions, u16(0x0304)), extension(EXTENSION.key_share, u16(group))],
        }),
      );
    const server = await startScriptedServer(async (socket) => {
      try {
        const buffered = { bytes: Buffer.alloc(0) };
        const first = await readClientHello(socket, buffered);
        socket.write(hrr(first.sessionId, 0x0017));
        await readClientHello(socket, buffered);
        socket.write(hrr(first.sessionId, 0x0018));
      } catch {
        // client gone
      }
    });
    try {
      const trace = await runAgainst(server.port, { versions: ['TLSv1.3'], timeoutMs: 3000 });
      assertClientAlert(trace, 'unexpected_message', /second HelloRetryRequest/);
    } finally {
      await server.close();
    }
  });
});

describe('scripted TLS 1.2 server: the integrity of the server\u2019s handshake', () => {
  async function withFaults(faults: HandshakeFaults): Promise<Trace> {
    const server = await startScriptedServer((socket) => {
      const conn = new Tls12ServerConnection(socket);
      const identity = { keyPem: pki.leaves.rsa2048.keyPem, chainDer: [pki.leaves.rsa2048.certDer, pki.intermediate.certDer] };
      conn
        .readClientHello()
        .then((hello) => conn.handshake(identity, hello, Buffer.alloc(0), faults))
        .then(() => conn.readApplicationData())
        .then(() => conn.writeRecord(CONTENT.application_data, Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 'latin1')))
        .catch(() => socket.end());
    });
    try {
      return await runAgainst(server.port, { versions: ['TLSv1.2'], setup: { caFiles }, timeoutMs: 3000 });
    } finally {
      await server.close();
    }
  }

  test('control: without faults the scripted handshake completes', async () => {
    const trace = await withFaults({});
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    assert.equal(trace.http?.bodyPreview, 'ok');
  });

  test('a ServerKeyExchange signature that does not verify → decrypt_error', async () => {
    assertClientAlert(await withFaults({ corruptSignature: true }), 'decrypt_error', /ServerKeyExchange signature/);
  });

  test('a ServerKeyExchange for a group the client did not offer (secp521r1) → illegal_parameter', async () => {
    assertClientAlert(await withFaults({ group: 0x0019 }), 'illegal_parameter');
  });

  test('an ECDSA signature scheme in an ECDHE_RSA ServerKeyExchange → illegal_parameter', async () => {
    assertClientAlert(await withFaults({ scheme: 0x0403 }), 'illegal_parameter');
  });

  test('a server Finished that does not match the transcript → decrypt_error', async () => {
    const trace = await withFaults({ corruptFinished: true });
    assertClientAlert(trace, 'decrypt_error', /Finished/);
    assert.ok(!titles(trace).includes('Handshake complete'));
  });

  test('encrypt_then_mac echoed for an AEAD suite → illegal_parameter (RFC 7366 §3)', async () => {
    assertClientAlert(await withFaults({ extensions: [extension(0x0016, Buffer.alloc(0))] }), 'illegal_parameter');
  });

  test('an ALPN protocol the client did not offer → illegal_parameter', async () => {
    const h2 = Buffer.concat([u16(3), u8(2), Buffer.from('h2')]);
    assertClientAlert(await withFaults({ extensions: [extension(EXTENSION.alpn, h2)] }), 'illegal_parameter');
  });
});

describe('scripted servers: TCP-level endings', () => {
  test('a server that accepts and closes at once → closed during the handshake', async () => {
    const server = await startScriptedServer((socket) => socket.end());
    try {
      const trace = await runAgainst(server.port, { timeoutMs: 3000 });
      assert.equal(trace.outcome, 'closed', describeTrace(trace));
      assert.match(outcomeSentence(trace.outcomeCause), /during the handshake/);
      assert.deepEqual(trace.alerts, []);
    } finally {
      await server.close();
    }
  });

  test('a server that resets the connection as soon as it accepts it → the run ends naming the reset', async () => {
    const server = await startScriptedServer((socket) => socket.resetAndDestroy());
    try {
      const trace = await runAgainst(server.port, { timeoutMs: 3000 });
      const why = describeTrace(trace);
      // The RST can beat Node's connect callback; the transport still reports it as a reset.
      assert.equal(trace.outcome, 'reset', why);
      assert.match(outcomeSentence(trace.outcomeCause), /reset/, why);
      assert.deepEqual(trace.alerts, []);
    } finally {
      await server.close();
    }
  });

  test('a server that resets after the ClientHello → reset during the handshake', async () => {
    const trace = await against((s) => {
      s.resetAndDestroy();
    });
    assert.equal(trace.outcome, 'reset', describeTrace(trace));
    assert.match(outcomeSentence(trace.outcomeCause), /during the handshake/);
  });

  test('a refused port → outcome error with ECONNREFUSED', async () => {
    const port = await refusedPort();
    const trace = await runAgainst(port, { timeoutMs: 3000 });
    assert.equal(trace.outcome, 'error', describeTrace(trace));
    const failure = trace.steps.find((s) => transportEvent(s) === 'error');
    assert.equal(failure?.kind === 'transport' && failure.data.event === 'error' ? failure.data.code : undefined, 'ECONNREFUSED');
    assert.match(outcomeSentence(trace.outcomeCause), /refused/i);
    // The step explains it in a sentence, and keeps the system's own words.
    assert.match((failure && stepExplanation(failure)) ?? '', /^The host answered the connection attempt with a reset: nothing listens on that port, so no TLS handshake can start \(.*ECONNREFUSED.*\)\.$/);
  });

  test('a server that never answers → timeout, after exactly the configured time', async () => {
    const server = await startScriptedServer(() => undefined);
    try {
      const started = Date.now();
      const trace = await runAgainst(server.port, { timeoutMs: 800 });
      assert.equal(trace.outcome, 'timeout', describeTrace(trace));
      assert.match(outcomeSentence(trace.outcomeCause), /800 ms waiting for the handshake/);
      assert.ok(Date.now() - started < 3000);
    } finally {
      await server.close();
    }
  });

  test('half a handshake message, then silence → timeout, not a hang', async () => {
    const trace = await against((s) => {
      s.write(record(CONTENT.handshake, GOOD_SERVER_HELLO.subarray(0, 20)));
    }, 800);
    assert.equal(trace.outcome, 'timeout', describeTrace(trace));
  });

  test('a plain HTTP server on the port → a clear "plain HTTP" message', async () => {
    const server = http.createServer((_req, res) => res.end('plain'));
    await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
    try {
      const trace = await runAgainst((server.address() as AddressInfo).port, { timeoutMs: 3000 });
      const why = describeTrace(trace);
      assert.match(outcomeSentence(trace.outcomeCause), /plain HTTP/, why);
      assert.notEqual(trace.outcome, 'ok');
      assert.ok(trace.steps.some((s) => s.layer === 'record' && s.direction === 'server->client' && Buffer.from(s.bytes?.hex ?? '', 'hex').toString('latin1').startsWith('HTTP/1.1 400')), why);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('real OpenSSL handshakes with bytes altered in flight', () => {
  let tls13: OpensslServer;
  let tls12: OpensslServer;
  before(async () => {
    const leaf = pki.leaves.p256;
    const common = ['-www', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath];
    tls13 = await startOpensslServer(['-tls1_3', '-num_tickets', '0', ...common]);
    tls12 = await startOpensslServer(['-tls1_2', '-cipher', 'ALL:@SECLEVEL=0', ...common]);
  });
  after(async () => {
    await tls13.close();
    await tls12.close();
  });

  async function through(server: OpensslServer, tamper: RecordTamper, request: Parameters<typeof runAgainst>[1] = {}): Promise<Trace> {
    const proxy = await startTamperingProxy(server.port, tamper);
    try {
      return await runAgainst(proxy.port, { setup: { caFiles }, timeoutMs: 3000, ...request });
    } finally {
      await proxy.close();
    }
  }

  /** Flips one bit in the last byte (inside the AEAD tag or the MAC/padding) of the chosen records. */
  const flipLast = (pick: (record: Buffer, index: number) => boolean): RecordTamper => (r, i) => {
    if (!pick(r, i)) return r;
    const out = Buffer.from(r);
    out[out.length - 1] ^= 0x01;
    return out;
  };

  /** In TLS 1.3 (-num_tickets 0): ServerHello, CCS, then EncryptedExtensions, Certificate, CertificateVerify, Finished, then the response. */
  let encryptedSeen = 0;
  const nthEncrypted = (n: number) => (r: Buffer, i: number) => {
    if (i === 0) encryptedSeen = 0;
    return r[0] === CONTENT.application_data && encryptedSeen++ === n;
  };

  test('TLS 1.3: one bit flipped in EncryptedExtensions → bad_record_mac', async () => {
    const trace = await through(tls13, flipLast(nthEncrypted(0)));
    assertClientAlert(trace, 'bad_record_mac');
    assert.equal(trace.version, 'TLSv1.3');
  });

  test('TLS 1.3: one bit flipped in the HTTP response → bad_record_mac after the handshake', async () => {
    const trace = await through(tls13, flipLast(nthEncrypted(4)));
    assertClientAlert(trace, 'bad_record_mac');
    assert.ok(titles(trace).includes('Handshake complete'), describeTrace(trace));
  });

  test('TLS 1.3: an unprotected alert injected after the handshake → unexpected_message', async () => {
    const trace = await through(tls13, (r, i) => (nthEncrypted(4)(r, i) ? Buffer.concat([record(CONTENT.alert, Buffer.from([2, 40])), r]) : r));
    assertClientAlert(trace, 'unexpected_message');
  });

  test('TLS 1.3: a protected record longer than 2^14 + 256 → record_overflow (RFC 8446 §5.2)', async () => {
    const trace = await through(tls13, (r, i) => (nthEncrypted(4)(r, i) ? record(CONTENT.application_data, Buffer.alloc(16384 + 257, 0xaa)) : r));
    assertClientAlert(trace, 'record_overflow');
  });

  // RFC 9112 §9.8: a response without Content-Length or chunking is complete only with close_notify.
  // s_server -www answers HTTP/1.0 without Content-Length, then sends close_notify: in TLS 1.3 the
  // sixth encrypted record (after EncryptedExtensions, Certificate, CertificateVerify, Finished and
  // the response), in TLS 1.2 the only alert record.
  for (const [version, server, isCloseNotify] of [
    ['TLS 1.3', () => tls13, (r: Buffer, i: number) => nthEncrypted(5)(r, i)],
    ['TLS 1.2', () => tls12, (r: Buffer) => r[0] === CONTENT.alert],
  ] as const) {
    test(`${version}: a close-delimited response whose close_notify is dropped (bare FIN) → closed, not ok`, async () => {
      const trace = await through(server(), (r, i) => (isCloseNotify(r, i) ? { truncateTo: 0 } : r));
      const why = describeTrace(trace);
      assert.equal(trace.outcome, 'closed', why);
      assert.match(outcomeSentence(trace.outcomeCause), /in the middle of the HTTP response/, why);
      assert.ok(titles(trace).some((t) => /^Application data, \d+ bytes$/.test(t)), why);
      assert.ok(!trace.alerts.some((a) => a.from === 'server'), why);

      const intact = await through(server(), (r) => r);
      assert.equal(intact.outcome, 'ok', describeTrace(intact));
      assert.ok(intact.alerts.some((a) => a.from === 'server' && a.description === 'close_notify'));
    });
  }

  test('TLS 1.3: the response cut in the middle of a record, then FIN → closed, never ok', async () => {
    const trace = await through(tls13, (r, i) => (nthEncrypted(4)(r, i) ? { truncateTo: 40 } : r));
    assert.equal(trace.outcome, 'closed', describeTrace(trace));
    assert.equal(trace.http, undefined);
  });

  for (const [suite, what] of [
    ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'AES-GCM'],
    ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ChaCha20-Poly1305'],
    ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'CBC, encrypt-then-MAC'],
  ] as const) {
    test(`TLS 1.2 ${what}: one bit flipped in the server Finished, and in the response → bad_record_mac`, async () => {
      // The server's Finished is its only encrypted handshake record; the response is application data.
      let sawCcs = false;
      const finished = await through(
        tls12,
        flipLast((r, i) => {
          if (i === 0) sawCcs = false;
          if (r[0] === CONTENT.change_cipher_spec) sawCcs = true;
          return sawCcs && r[0] === CONTENT.handshake;
        }),
        { versions: ['TLSv1.2'], cipherSuites: [suite] },
      );
      assertClientAlert(finished, 'bad_record_mac');
      const response = await through(tls12, flipLast((r) => r[0] === CONTENT.application_data), { versions: ['TLSv1.2'], cipherSuites: [suite] });
      assertClientAlert(response, 'bad_record_mac');
      assert.ok(titles(response).includes('Handshake complete'));
    });
  }

  test('TLS 1.2 CBC, MAC-then-encrypt: a flipped bit in the padding or in the MAC gives the same bad_record_mac (RFC 5246 §6.2.3.2)', async () => {
    for (const offsetFromEnd of [1, 17, 40]) {
      const proxy = await startTamperingProxy(tls12.port, (r) => {
        if (r[0] !== CONTENT.application_data) return r;
        const out = Buffer.from(r);
        // CBC: flipping a ciphertext bit garbles its block and flips the same bit in the next one's plaintext.
        out[out.length - offsetFromEnd] ^= 0x80;
        return out;
      });
      try {
        const run = await runEngine(proxy.port, { versions: ['TLSv1.2'], cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384'], encryptThenMac: false }, { setup: { caFiles }, timeoutMs: 3000 });
        const why = describeEngineRun(run);
        assert.equal(run.summary.encryptThenMac, false, why);
        assert.equal(run.state, 'failed', why);
        assert.deepEqual(run.summary.alerts, [{ from: 'client', level: 'fatal', description: 'bad_record_mac' }], why);
      } finally {
        await proxy.close();
      }
    }
  });
});
