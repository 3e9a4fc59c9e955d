/**
 * What a resuming client must refuse in the server's answer, through the engine against scripted
 * servers over loopback (test/tls/tls13Server.ts, tls12Server.ts; see docs/strictness.md). The
 * first connection is a normal handshake that leaves a ticket (or a TLS 1.2 session id); the second
 * offers it, and the server answers it the wrong way. Each test pins the rule and the alert.
 */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { before, describe, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import type { StepContent } from '../../lib/tls/events';
import type { Trace } from '../../lib/trace/schema';
import { resumptionOf } from '../../lib/trace/steps';
import type { TestPki } from '../../server/pki';
import { tZh } from '../helpers/i18n';
import { sharedTestPki } from '../helpers/pki';
import { stepTitle } from '../../lib/view/stepText';
import { describeTrace, runAgainst, startScriptedServer, type RunOptions } from '../helpers/tlsServers';
import { Tls12ServerConnection } from './tls12Server';
import { Tls13ServerConnection } from './tls13Server';
import { CONTENT, EXTENSION, HANDSHAKE, extension, handshake, serverHello, u16, u8, vec16, vec8 } from './wire';

let pki: TestPki;
let caFiles: string[];

before(async () => {
  pki = await sharedTestPki();
  caFiles = [pki.root.certPath];
});

const PRE_SHARED_KEY = 41;
const EARLY_DATA = 42;
const TLS_AES_128_GCM_SHA256 = 0x1301;
const TLS_AES_256_GCM_SHA384 = 0x1302;
const X25519 = 0x001d;

type RefusalStep = Extract<StepContent, { kind: 'refusal' }>;

function identity13() {
  return { keyPem: pki.leaves.p256.keyPem, chainDer: [pki.leaves.p256.certDer, pki.intermediate.certDer] };
}

/** A NewSessionTicket (RFC 8446 §4.6.1): one hour, nonce 00, a 16-byte ticket; early_data allows `maxEarlyData` bytes. */
function newSessionTicket(maxEarlyData?: number): Buffer {
  const extensions = maxEarlyData === undefined ? vec16() : vec16(extension(EARLY_DATA, Buffer.from([0, 0, (maxEarlyData >> 8) & 0xff, maxEarlyData & 0xff])));
  return handshake(HANDSHAKE.new_session_ticket, Buffer.concat([Buffer.from([0, 0, 0x0e, 0x10]), Buffer.from([1, 2, 3, 4]), vec8(u8(0)), vec16(Buffer.alloc(16, 7)), extensions]));
}

/** The first connection: a full handshake, a ticket, the response. */
async function issueTicket(conn: Tls13ServerConnection, maxEarlyData?: number): Promise<void> {
  conn.sendFlight(conn.flight(identity13()));
  await conn.readClientFinished();
  conn.sendProtected(CONTENT.handshake, newSessionTicket(maxEarlyData));
  await conn.readApplicationData();
  conn.respond('ok');
}

/** A resumed run: the first connection gets a ticket, the second is answered by `second`. */
async function resumedAgainst(second: (conn: Tls13ServerConnection) => Promise<void> | void, request: RunOptions = {}, maxEarlyData?: number): Promise<Trace> {
  let connections = 0;
  const server = await startScriptedServer((socket: Socket) => {
    const conn = new Tls13ServerConnection(socket);
    const first = connections++ === 0;
    conn
      .readClientHello()
      .then(() => (first ? issueTicket(conn, maxEarlyData) : second(conn)))
      .catch(() => socket.end());
  });
  try {
    return await runAgainst(server.port, { versions: ['TLSv1.3'], groups: ['x25519'], setup: { caFiles }, timeoutMs: 4000, resume: true, ...request });
  } finally {
    await server.close();
  }
}

/** A TLS 1.3 ServerHello answering the second ClientHello as the test says (nothing after it is needed: the client stops here). */
function resumingServerHello(conn: Tls13ServerConnection, spec: { cipherSuite?: number; selectedIdentity?: number; keyShare?: boolean }): Buffer {
  const extensions = [extension(EXTENSION.supported_versions, u16(0x0304))];
  // Any 32 bytes are an x25519 public key (RFC 7748 §5).
  if (spec.keyShare !== false) extensions.push(extension(EXTENSION.key_share, Buffer.concat([u16(X25519), vec16(randomBytes(32))])));
  if (spec.selectedIdentity !== undefined) extensions.push(extension(PRE_SHARED_KEY, u16(spec.selectedIdentity)));
  return serverHello({ random: randomBytes(32), sessionId: conn.clientHello!.sessionId, cipherSuite: spec.cipherSuite ?? TLS_AES_128_GCM_SHA256, extensions });
}

/** The second connection kept and offered the first one's ticket, then ended with the client's fatal `alert`. */
function assertOfferedThenAlert(trace: Trace, alert: string): void {
  const why = `${trace.firstConnection ? describeTrace(trace.firstConnection) : '(no first connection)'}\n---\n${describeTrace(trace)}`;
  assert.equal(trace.firstConnection?.outcome, 'ok', why);
  assert.ok(trace.firstConnection!.steps.some((s) => resumptionOf(s)?.event === 'kept'), why);
  assert.ok(trace.steps.some((s) => resumptionOf(s)?.event === 'offered'), why);
  assert.ok(!trace.steps.some((s) => resumptionOf(s)?.event === 'accepted'), `never taken as resumed:\n${why}`);
  assert.equal(trace.outcome, 'alert', why);
  assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: alert }], why);
}

function refusalOf(trace: Trace, check: string): RefusalStep | undefined {
  return trace.steps.find((s): s is RefusalStep & (typeof trace.steps)[number] => s.kind === 'refusal' && s.data.check === check);
}

/** The refusal of `check` reads in Chinese (said as `code`), naming each of `values`, with no English phrase left. */
function assertRefusalInChinese(trace: Trace, check: string, code: string, values: string[]): void {
  const step = refusalOf(trace, check);
  assert.equal(step?.data.diagnostic?.code, code, describeTrace(trace));
  const zh = stepTitle(step!, tZh);
  assert.match(zh, /\p{Script=Han}/u, zh);
  for (const value of values) assert.ok(zh.includes(value), `“${zh}” does not name ${value}`);
  assert.doesNotMatch(zh, /\b[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}\b/, zh);
}

describe('TLS 1.3: a server answering an offered ticket the wrong way', () => {
  test('control: the ServerHello selects identity 0 with the ticket’s suite → taken (the scripted server stops there)', async () => {
    const trace = await resumedAgainst((conn) => conn.sendPlain(CONTENT.handshake, resumingServerHello(conn, { selectedIdentity: 0 })));
    assert.ok(trace.steps.some((s) => resumptionOf(s)?.event === 'accepted'), describeTrace(trace));
  });

  test('RFC 8446 §4.2.11: selected_identity 1 when only identity 0 was offered → illegal_parameter', async () => {
    const trace = await resumedAgainst((conn) => conn.sendPlain(CONTENT.handshake, resumingServerHello(conn, { selectedIdentity: 1 })));
    assertOfferedThenAlert(trace, 'illegal_parameter');
    const step = refusalOf(trace, 'psk-identity');
    assert.ok(step, describeTrace(trace));
    assert.equal(step.data.facts.selectedIdentity, 1);
  });

  test('RFC 8446 §4.2.11: the ticket resumed under TLS_AES_256_GCM_SHA384, whose hash (SHA-384) is not the ticket’s (SHA-256) → illegal_parameter', async () => {
    const trace = await resumedAgainst((conn) => conn.sendPlain(CONTENT.handshake, resumingServerHello(conn, { selectedIdentity: 0, cipherSuite: TLS_AES_256_GCM_SHA384 })));
    assertOfferedThenAlert(trace, 'illegal_parameter');
    const step = refusalOf(trace, 'psk-cipher-suite');
    assert.ok(step, describeTrace(trace));
    assert.equal(step.data.facts.ticketHash, 'sha256');
  });

  test('RFC 8446 §4.2.9: resumed in psk_ke (no key_share) when only psk_dhe_ke was offered → missing_extension, as OpenSSL’s client answers', async () => {
    // The server may not pick a mode the client did not list; what the client sees is a ServerHello
    // lacking the key_share its only mode requires (RFC 8446 §9.2 names missing_extension).
    const trace = await resumedAgainst((conn) => conn.sendPlain(CONTENT.handshake, resumingServerHello(conn, { selectedIdentity: 0, keyShare: false })), { pskModes: ['psk_dhe_ke'] });
    assertOfferedThenAlert(trace, 'missing_extension');
  });

  test('RFC 8446 §4.2: pre_shared_key in the ServerHello of a connection that offered none → unsupported_extension', async () => {
    let hello: Buffer | undefined;
    const server = await startScriptedServer((socket: Socket) => {
      const conn = new Tls13ServerConnection(socket);
      conn
        .readClientHello()
        .then(() => {
          hello = resumingServerHello(conn, { selectedIdentity: 0 });
          conn.sendPlain(CONTENT.handshake, hello);
        })
        .catch(() => socket.end());
    });
    let trace: Trace;
    try {
      trace = await runAgainst(server.port, { versions: ['TLSv1.3'], groups: ['x25519'], setup: { caFiles }, timeoutMs: 4000 });
    } finally {
      await server.close();
    }
    assert.ok(hello);
    assert.equal(trace.outcome, 'alert', describeTrace(trace));
    assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: 'unsupported_extension' }], describeTrace(trace));
    const step = refusalOf(trace, 'unsolicited-extension');
    assert.equal(step?.data.facts.extension, 'pre_shared_key', describeTrace(trace));
  });

  test('RFC 8446 §4.2: the ticket refused and early_data in EncryptedExtensions, though the client sent none → unsupported_extension', async () => {
    // The ticket allows no early data, so the client does not offer it; the server answers with a full handshake.
    const trace = await resumedAgainst((conn) => conn.sendFlight(conn.flight(identity13(), { encryptedExtensions: [extension(EARLY_DATA, Buffer.alloc(0))] })), { earlyData: true });
    assertOfferedThenAlert(trace, 'unsupported_extension');
    assert.equal(refusalOf(trace, 'unsolicited-extension')?.data.facts.extension, 'early_data', describeTrace(trace));
  });

  test('RFC 8446 §4.2.10: early data sent, the ticket refused, yet EncryptedExtensions accept the early data → illegal_parameter', async () => {
    const trace = await resumedAgainst((conn) => conn.sendFlight(conn.flight(identity13(), { encryptedExtensions: [extension(EARLY_DATA, Buffer.alloc(0))] })), { earlyData: true }, 16384);
    assert.ok(trace.steps.some((s) => s.kind === 'early-data' && s.data.event === 'sent'), describeTrace(trace));
    assertOfferedThenAlert(trace, 'illegal_parameter');
    assert.ok(refusalOf(trace, 'early-data-without-psk'), describeTrace(trace));
    assertRefusalInChinese(trace, 'early-data-without-psk', 'tls13.earlyDataWithoutPsk', ['早期数据']);
  });
});

describe('TLS 1.2: a server resuming a session with other parameters', () => {
  const SESSION_ID = Buffer.alloc(32, 0x5e);
  const TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = 0xc02f;
  const TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 = 0xc030;

  /** First connection: a full handshake whose ServerHello gives the session an id. Second: `second`'s ServerHello echoing it. */
  async function resumed12(second: (hello: Buffer) => Buffer[]): Promise<Trace> {
    let connections = 0;
    const server = await startScriptedServer((socket: Socket) => {
      const conn = new Tls12ServerConnection(socket);
      const first = connections++ === 0;
      const identity = { keyPem: pki.leaves.rsa2048.keyPem, chainDer: [pki.leaves.rsa2048.certDer, pki.intermediate.certDer] };
      conn
        .readClientHello()
        .then(async (hello) => {
          if (!first) {
            conn.sendHandshake(second(hello), false);
            return;
          }
          await conn.handshake(identity, hello, Buffer.alloc(0), { sessionId: SESSION_ID });
          await conn.readApplicationData();
          conn.writeRecord(CONTENT.application_data, Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok', 'latin1'));
          socket.end();
        })
        .catch(() => socket.end());
    });
    try {
      // Without session_ticket the session is resumed by its id (RFC 5246 §7.4.1.2).
      return await runAgainst(server.port, { versions: ['TLSv1.2'], groups: ['x25519'], tls12Off: ['session_ticket'], setup: { caFiles }, timeoutMs: 4000, resume: true });
    } finally {
      await server.close();
    }
  }

  const echo = (extensions: Buffer[], cipherSuite: number) =>
    [serverHello({ random: randomBytes(32), sessionId: SESSION_ID, cipherSuite, extensions: [extension(EXTENSION.renegotiation_info, vec8()), ...extensions] })];
  const ems = extension(EXTENSION.extended_master_secret, Buffer.alloc(0));

  test('RFC 5246 §7.4.1.3: the session id echoed with another cipher suite than the session’s → illegal_parameter', async () => {
    const trace = await resumed12(() => echo([ems], TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384));
    assertOfferedThenAlert(trace, 'illegal_parameter');
    assert.equal(refusalOf(trace, 'resumed-cipher-suite')?.data.facts.sessionCipherSuite, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', describeTrace(trace));
    assertRefusalInChinese(trace, 'resumed-cipher-suite', 'tls12.resumedSuite', ['0xc030 (TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384)', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']);
  });

  test('RFC 7627 §5.3: a session made with extended_master_secret resumed without it → handshake_failure', async () => {
    const trace = await resumed12(() => echo([], TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256));
    assertOfferedThenAlert(trace, 'handshake_failure');
    assert.equal(refusalOf(trace, 'resumed-extended-master-secret')?.data.facts.sessionUsedIt, true, describeTrace(trace));
    assertRefusalInChinese(trace, 'resumed-extended-master-secret', 'tls12.resumedWithoutEms', ['extended_master_secret']);
  });
});
