/**
 * The handshake's failures (lib/tls/client/tls12.ts and tls13.ts) are diagnostics: a sentence's code
 * and the values it names. Scripted hostile servers make each failure happen for real over loopback;
 * the step that reports it must read in Chinese from that data — Chinese words, the exact values
 * (the message types, the codepoint, the ALPN protocol, the scheme and the key's curve), and no
 * English sentence — while the English reads as it always did.
 */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { before, describe, test } from 'node:test';
import type { StepContent } from '../../lib/tls/events';
import type { Trace } from '../../lib/trace/schema';
import { outcomeSentence, stepTitle } from '../../lib/view/stepText';
import type { TestPki } from '../../server/pki';
import { tEn, tZh } from '../helpers/i18n';
import { sharedTestPki } from '../helpers/pki';
import { describeTrace, runAgainst, startScriptedServer, type RunOptions } from '../helpers/tlsServers';
import { Tls12ServerConnection, type HandshakeFaults } from './tls12Server';
import { Tls13ServerConnection, type FlightSpec } from './tls13Server';
import { CONTENT, EXTENSION, HANDSHAKE, extension, handshake, readClientHello, record, serverHello, u16, u8, vec16, vec24, vec8 } from './wire';

const HAN = /\p{Script=Han}/u;
/** Three Latin words in a row: an English phrase left in a Chinese sentence. */
const ENGLISH_PHRASE = /\b[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}\b/;

let pki: TestPki;
let caFiles: string[];

before(async () => {
  pki = await sharedTestPki();
  caFiles = [pki.root.certPath];
});

type FailureStep = Extract<StepContent, { kind: 'refusal' | 'error' }>;

/** The step that says why the client gave up: a refusal of a named rule, or the engine's error. */
function failureStep(trace: Trace): FailureStep {
  const step = trace.steps.find((s): s is FailureStep & (typeof trace.steps)[number] => s.kind === 'refusal' || (s.kind === 'error' && s.data.source === 'tls'));
  assert.ok(step, `no refusal or error step:\n${describeTrace(trace)}`);
  return step;
}

/**
 * The run ended with the client's fatal `alert`, said as `code`; its step's title and the outcome
 * read in Chinese, name every one of `values`, and keep no English phrase; the English is `english`.
 */
function assertSaid(trace: Trace, alert: string, code: string, values: string[], english: string): void {
  const why = describeTrace(trace);
  assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: alert }], why);
  const step = failureStep(trace);
  assert.equal(step.data.diagnostic?.code, code, why);
  assert.equal(step.data.message, english, why);
  assert.ok(stepTitle(step, tEn).includes(english), stepTitle(step, tEn));
  for (const zh of [stepTitle(step, tZh), outcomeSentence(trace.outcomeCause, tZh)]) {
    assert.match(zh, HAN, zh);
    for (const value of values) assert.ok(zh.includes(value), `“${zh}” does not name ${value}`);
    assert.doesNotMatch(zh, ENGLISH_PHRASE, zh);
  }
}

async function serve(script: (socket: Socket) => void | Promise<void>, options: RunOptions): Promise<Trace> {
  const server = await startScriptedServer(async (socket) => {
    try {
      await script(socket);
    } catch {
      socket.end(); // the client went away first
    }
  });
  try {
    return await runAgainst(server.port, { setup: { caFiles }, timeoutMs: 4000, ...options });
  } finally {
    await server.close();
  }
}

// --- TLS 1.2 ---

/** A TLS 1.2 ServerHello the client accepts: ECDHE_RSA AES-128-GCM, secure renegotiation, EMS. */
const GOOD_SERVER_HELLO = serverHello({
  cipherSuite: 0xc02f,
  extensions: [extension(EXTENSION.renegotiation_info, u8(0)), extension(EXTENSION.extended_master_secret, Buffer.alloc(0))],
});

/** Bytes a scripted server writes after reading the ClientHello. */
function afterClientHello12(bytes: Buffer): Promise<Trace> {
  return serve(async (socket) => {
    await readClientHello(socket);
    socket.write(bytes);
  }, {});
}

/** A real TLS 1.2 handshake (ECDHE_RSA, RSA-PSS), with `faults` in what the server sends. */
function handshake12(faults: HandshakeFaults): Promise<Trace> {
  return serve(async (socket) => {
    const conn = new Tls12ServerConnection(socket);
    const identity = { keyPem: pki.leaves.rsa2048.keyPem, chainDer: [pki.leaves.rsa2048.certDer, pki.intermediate.certDer] };
    await conn.handshake(identity, await conn.readClientHello(), Buffer.alloc(0), faults);
  }, { versions: ['TLSv1.2'] });
}

describe('TLS 1.2 failures read in Chinese, with their values', () => {
  test('a Finished where the Certificate belongs names both messages', async () => {
    const trace = await afterClientHello12(record(CONTENT.handshake, Buffer.concat([GOOD_SERVER_HELLO, handshake(HANDSHAKE.finished, Buffer.alloc(12))])));
    assertSaid(trace, 'unexpected_message', 'tls12.expected', ['Certificate', 'finished'], 'expected Certificate, got finished');
  });

  test('a cipher suite the client did not offer (and this client does not know) is named by its codepoint', async () => {
    const trace = await afterClientHello12(record(CONTENT.handshake, serverHello({ cipherSuite: 0x000a, extensions: [extension(EXTENSION.renegotiation_info, u8(0))] })));
    assertSaid(trace, 'illegal_parameter', 'tls12.suiteNotOffered', ['0x000a'], 'the server chose cipher suite 0x000a, which the client did not offer for TLS 1.2');
  });

  test('a non-empty renegotiation_info in the initial handshake cites RFC 5746', async () => {
    const ri = extension(EXTENSION.renegotiation_info, Buffer.concat([u8(12), Buffer.alloc(12, 1)]));
    const trace = await afterClientHello12(record(CONTENT.handshake, serverHello({ cipherSuite: 0xc02f, extensions: [ri] })));
    assertSaid(trace, 'handshake_failure', 'tls12.initialRenegotiationInfo', ['renegotiation_info', 'RFC 5746 §3.4'], 'renegotiation_info must be empty in an initial handshake (RFC 5746 §3.4)');
  });

  test('a ServerKeyExchange group that was not offered (secp521r1, unknown to this client) is named by its codepoint', async () => {
    const trace = await handshake12({ group: 0x0019 });
    assertSaid(trace, 'illegal_parameter', 'tls12.groupNotOffered', ['ServerKeyExchange', '0x0019'], 'ServerKeyExchange uses group 0x0019, which was not offered');
  });

  test('an ECDSA scheme in an ECDHE_RSA key exchange names the scheme and the key exchange', async () => {
    const trace = await handshake12({ scheme: 0x0403 });
    assertSaid(trace, 'illegal_parameter', 'tls12.schemeMismatch', ['ecdsa_secp256r1_sha256', 'ECDHE_RSA'], 'ecdsa_secp256r1_sha256 does not match the ECDHE_RSA key exchange');
  });

  test('encrypt_then_mac echoed for an AEAD suite cites RFC 7366', async () => {
    const trace = await handshake12({ extensions: [extension(0x0016, Buffer.alloc(0))] });
    assertSaid(trace, 'illegal_parameter', 'tls12.encryptThenMac', ['encrypt_then_mac', 'CBC', 'RFC 7366 §3'], 'encrypt_then_mac echoed for a non-CBC cipher suite (RFC 7366 §3)');
  });

  test('an ALPN protocol that was not offered is quoted', async () => {
    const h2 = extension(EXTENSION.alpn, Buffer.concat([u16(3), u8(2), Buffer.from('h2')]));
    const trace = await handshake12({ extensions: [h2] });
    assertSaid(trace, 'illegal_parameter', 'tls12.alpnNotOffered', ['ALPN', '“h2”'], 'the server chose ALPN "h2", which was not offered');
  });

  test('a server Finished that does not match the transcript', async () => {
    const trace = await handshake12({ corruptFinished: true });
    assertSaid(trace, 'decrypt_error', 'tls12.finishedMismatch', ['Finished'], 'the server’s Finished does not match the handshake transcript');
  });
});

// --- TLS 1.3 ---

function identity13() {
  return { keyPem: pki.leaves.p256.keyPem, chainDer: [pki.leaves.p256.certDer, pki.intermediate.certDer] };
}

/** A scripted TLS 1.3 server (x25519, TLS_AES_128_GCM_SHA256, an ECDSA P-256 leaf) playing `script`. */
function against13(script: (conn: Tls13ServerConnection) => void | Promise<void>, options: RunOptions = {}): Promise<Trace> {
  return serve(async (socket) => {
    const conn = new Tls13ServerConnection(socket);
    await conn.readClientHello();
    await script(conn);
  }, { versions: ['TLSv1.3'], groups: ['x25519'], ...options });
}

/** The usual flight, built to `spec`. */
function flight13(spec: FlightSpec): Promise<Trace> {
  return against13((conn) => conn.sendFlight(conn.flight(identity13(), spec)));
}

/** The handshake completes; then the server sends `message` under its application keys. */
function afterHandshake13(message: Buffer): Promise<Trace> {
  return against13(async (conn) => {
    conn.sendFlight(conn.flight(identity13()));
    await conn.readClientFinished();
    conn.sendProtected(CONTENT.handshake, message);
    await conn.readApplicationData();
  });
}

describe('TLS 1.3 failures read in Chinese, with their values', () => {
  test('a CertificateRequest with a context during the handshake is a refusal of RFC 8446 §4.3.2', async () => {
    const trace = await flight13({ certificateRequestContext: Buffer.from([1, 2, 3, 4]) });
    assert.equal(failureStep(trace).kind, 'refusal');
    assertSaid(trace, 'illegal_parameter', 'tls13.requestContext', ['CertificateRequest', 'certificate_request_context'], 'the server’s CertificateRequest during the handshake carries a non-empty certificate_request_context');
  });

  test('a CertificateVerify scheme for another curve names the scheme and the key’s curve', async () => {
    const trace = await flight13({ certificateVerifyScheme: 0x0503 });
    assertSaid(trace, 'illegal_parameter', 'tls13.schemeNotKey', ['CertificateVerify', 'ecdsa_secp384r1_sha384', 'P-256'], 'CertificateVerify uses ecdsa_secp384r1_sha384, but the certificate key is P-256');
  });

  test('an ALPN protocol that was not offered, in EncryptedExtensions, says what TLS 1.2 says', async () => {
    const trace = await flight13({ encryptedExtensions: [extension(EXTENSION.alpn, vec16(vec8(Buffer.from('h2'))))] });
    assertSaid(trace, 'illegal_parameter', 'tls12.alpnNotOffered', ['“h2”'], 'the server chose ALPN "h2", which was not offered');
  });

  test('a Certificate where EncryptedExtensions belongs names both messages', async () => {
    const trace = await against13((conn) => {
      const f = conn.flight(identity13());
      conn.sendPlain(CONTENT.handshake, f.serverHello);
      conn.protect('handshake');
      conn.sendProtected(CONTENT.handshake, f.certificate);
    });
    assertSaid(trace, 'unexpected_message', 'tls12.expected', ['EncryptedExtensions', 'certificate'], 'expected EncryptedExtensions, got certificate');
  });

  test('a post-handshake CertificateRequest the client did not allow names post_handshake_auth', async () => {
    const request = handshake(HANDSHAKE.certificate_request, Buffer.concat([vec8(Buffer.from([7])), vec16(extension(EXTENSION.signature_algorithms, vec16(u16(0x0403))))]));
    const trace = await afterHandshake13(request);
    assertSaid(trace, 'unexpected_message', 'tls13.postHandshakeAuth', ['CertificateRequest', 'post_handshake_auth'], 'the server sent a post-handshake CertificateRequest, but this client did not offer post_handshake_auth');
  });

  test('a handshake message that has no place after the handshake names it and the version', async () => {
    const trace = await afterHandshake13(handshake(HANDSHAKE.certificate, Buffer.concat([vec8(), vec24()])));
    assertSaid(trace, 'unexpected_message', 'tls12.unexpectedAfter', ['certificate', 'TLS 1.3'], 'unexpected certificate after the TLS 1.3 handshake');
  });
});
