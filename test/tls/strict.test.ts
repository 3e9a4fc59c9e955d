/**
 * Strict where real stacks are strict: hostile servers, scripted byte by byte over loopback (with
 * real key exchange and encryption, so the engine decrypts what they send), and stock OpenSSL
 * servers where one can do the wrong thing. Each test pins one rule and the alert the RFC names
 * for breaking it; the refusal must also show as a check step that carries the rule as data.
 */
import { tEn } from '../helpers/i18n';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { ClientOptions } from '../../lib/tls/client/options';
import { adviceFor } from '../../lib/view/advice';
import type { StepContent } from '../../lib/tls/events';
import type { Trace } from '../../lib/trace/schema';
import type { TestPki } from '../../server/pki';
import { sharedTestPki } from '../helpers/pki';
import { describeEngineRun, describeTrace, runAgainst, runEngine, startOpensslServer, startScriptedServer, type EngineRun, type RunOptions } from '../helpers/tlsServers';
import { CA_EXTENSIONS, make, type Made } from '../x509/openssl';
import { dummyCompressions, macCompressions } from '../../lib/tls/record/tls12';
import { Tls12ServerConnection } from './tls12Server';
import { Tls13ServerConnection, type FlightSpec } from './tls13Server';
import { CONTENT, EXTENSION, extension, readClientHello, record, serverHello, u8, vec16, vec8 } from './wire';

let pki: TestPki;
let caFiles: string[];

before(async () => {
  pki = await sharedTestPki();
  caFiles = [pki.root.certPath];
});

type RefusalStep = Extract<StepContent, { kind: 'refusal' }>;

/** The refusal step that explains a refusal: the rule it applied, as data. */
function refusal(steps: readonly StepContent[], check: string): RefusalStep | undefined {
  return steps.find((s): s is RefusalStep => s.kind === 'refusal' && s.data.check === check);
}

/** The run ended with the client's own fatal `alert`, explained by a refusal of `check` under `rule`. */
function assertRefused(trace: Trace, alert: string, check: string, rule: RegExp): RefusalStep {
  const why = describeTrace(trace);
  assert.equal(trace.outcome, 'alert', why);
  assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: alert }], why);
  const step = refusal(trace.steps, check);
  assert.ok(step, `no refused "${check}" check step:\n${why}`);
  assert.match(String(step.rfc ?? step.data.rule), rule, why);
  assert.equal(step.data.alert, alert, why);
  // The check is reported before the alert goes out.
  const alertAt = trace.steps.findIndex((s) => s.direction === 'client->server' && s.layer === 'alert');
  assert.ok(trace.steps.indexOf(step as (typeof trace.steps)[number]) < alertAt, why);
  return step;
}

function assertEngineRefused(run: EngineRun, alert: string, check: string, rule: RegExp): RefusalStep {
  const why = describeEngineRun(run);
  assert.equal(run.state, 'failed', why);
  assert.deepEqual(run.summary.alerts, [{ from: 'client', level: 'fatal', description: alert }], why);
  const step = refusal(run.steps, check);
  assert.ok(step, `no refused "${check}" check step:\n${why}`);
  assert.match(String(step.rfc ?? step.data.rule), rule, why);
  return step;
}

/** True when the engine parsed a handshake message of this type from the server. */
function parsed(trace: Trace, type: string): boolean {
  return trace.steps.some((s) => s.layer === 'handshake' && s.direction === 'server->client' && s.bytes?.field?.children?.[0]?.value?.endsWith(`(${type})`));
}

// --- TLS 1.3, scripted ---

async function against13(script: (conn: Tls13ServerConnection) => Promise<void> | void, request: RunOptions = {}): Promise<Trace> {
  const server = await startScriptedServer((socket: Socket) => {
    const conn = new Tls13ServerConnection(socket);
    Promise.resolve()
      .then(() => conn.readClientHello())
      .then(() => script(conn))
      .catch(() => socket.end());
  });
  try {
    return await runAgainst(server.port, { versions: ['TLSv1.3'], groups: ['x25519'], setup: { caFiles }, timeoutMs: 4000, ...request });
  } finally {
    await server.close();
  }
}

function identity13() {
  return { keyPem: pki.leaves.p256.keyPem, chainDer: [pki.leaves.p256.certDer, pki.intermediate.certDer] };
}

/** The usual flight, then the HTTP exchange. */
async function normal13(conn: Tls13ServerConnection, spec: FlightSpec = {}): Promise<void> {
  conn.sendFlight(conn.flight(identity13(), spec));
  await conn.readClientFinished();
  await conn.readApplicationData();
  conn.respond('ok');
}

describe('scripted TLS 1.3 server', () => {
  test('control: a well-behaved flight completes and the response arrives', async () => {
    const trace = await against13((conn) => normal13(conn));
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    assert.equal(trace.http?.bodyPreview, 'ok');
    assert.equal(trace.version, 'TLSv1.3');
  });

  test('RFC 8446 §5.1: ServerHello and the encrypted flight in one plaintext record → unexpected_message, nothing read in the clear', async () => {
    const trace = await against13((conn) => {
      const f = conn.flight(identity13());
      conn.sendPlain(CONTENT.handshake, Buffer.concat([f.serverHello, f.encryptedExtensions, f.certificate, f.certificateVerify, f.finished]));
    });
    const step = assertRefused(trace, 'unexpected_message', 'record-boundary', /RFC 8446 §5\.1/);
    assert.equal(step.data.facts.message, 'server_hello');
    assert.ok(!parsed(trace, 'encrypted_extensions'), describeTrace(trace));
    assert.equal(trace.certificate, undefined, 'no certificate may be read from a plaintext record after the ServerHello');
  });

  test('RFC 8446 §5.1: KeyUpdate and a NewSessionTicket in one record → unexpected_message (the ticket would be read under the old keys)', async () => {
    const trace = await against13(async (conn) => {
      conn.sendFlight(conn.flight(identity13()));
      await conn.readClientFinished();
      conn.sendProtected(CONTENT.handshake, Buffer.concat([conn.keyUpdate(), conn.newSessionTicket()]));
      conn.rekey();
      await conn.readApplicationData();
      conn.respond('ok');
    });
    const step = assertRefused(trace, 'unexpected_message', 'record-boundary', /RFC 8446 §5\.1/);
    assert.equal(step.data.facts.message, 'key_update');
    assert.ok(!parsed(trace, 'new_session_ticket'), describeTrace(trace));
  });

  test('control: KeyUpdate in its own record, the ticket under the new keys → accepted', async () => {
    const trace = await against13(async (conn) => {
      conn.sendFlight(conn.flight(identity13()));
      await conn.readClientFinished();
      conn.sendProtected(CONTENT.handshake, conn.keyUpdate());
      conn.rekey();
      conn.sendProtected(CONTENT.handshake, conn.newSessionTicket());
      await conn.readApplicationData();
      conn.respond('ok');
    });
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    assert.ok(parsed(trace, 'new_session_ticket'), describeTrace(trace));
  });

  test('RFC 8446 §4.2: early_data in EncryptedExtensions, never offered → unsupported_extension', async () => {
    const trace = await against13((conn) => normal13(conn, { encryptedExtensions: [extension(42, Buffer.alloc(0))] }));
    const step = assertRefused(trace, 'unsupported_extension', 'unsolicited-extension', /RFC 8446 §4\.2/);
    assert.equal(step.data.facts.extension, 'early_data');
    assert.equal(step.data.facts.message, 'encrypted_extensions');
  });

  test('RFC 8446 §4.2: an unknown extension in the ServerHello → unsupported_extension', async () => {
    const trace = await against13((conn) => normal13(conn, { serverHelloExtensions: [extension(0xfe0d, Buffer.from([1, 2]))] }));
    assertRefused(trace, 'unsupported_extension', 'unsolicited-extension', /RFC 8446 §4\.2/);
  });

  test('RFC 8446 §4.2: ALPN (offered) but in the ServerHello instead of EncryptedExtensions → illegal_parameter', async () => {
    const alpn = extension(EXTENSION.alpn, vec16(vec8(Buffer.from('http/1.1'))));
    const trace = await against13((conn) => normal13(conn, { serverHelloExtensions: [alpn] }));
    const step = assertRefused(trace, 'illegal_parameter', 'extension-placement', /RFC 8446 §4\.2/);
    assert.equal(step.data.facts.extension, 'application_layer_protocol_negotiation');
  });

  test('control: server_name acknowledged and ALPN answered in EncryptedExtensions → accepted', async () => {
    const alpn = extension(EXTENSION.alpn, vec16(vec8(Buffer.from('http/1.1'))));
    const trace = await against13((conn) => normal13(conn, { encryptedExtensions: [extension(EXTENSION.server_name, Buffer.alloc(0)), alpn] }), { host: 'localhost' });
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    assert.equal(trace.alpn, 'http/1.1');
  });

  test('RFC 7301 §3.1: an ALPN answer naming two protocols → decode_error by the one-protocol rule', async () => {
    const two = extension(EXTENSION.alpn, vec16(vec8(Buffer.from('h2')), vec8(Buffer.from('http/1.1'))));
    const trace = await against13((conn) => normal13(conn, { encryptedExtensions: [two] }), { alpn: ['h2', 'http/1.1'] });
    const step = assertRefused(trace, 'decode_error', 'alpn-single-protocol', /RFC 7301 §3\.1/);
    assert.equal(step.data.facts.count, 2);
  });

  test('RFC 8446 §5: a ChangeCipherSpec inside an encrypted record → unexpected_message', async () => {
    const trace = await against13((conn) => {
      const f = conn.flight(identity13());
      conn.sendPlain(CONTENT.handshake, f.serverHello);
      conn.protect('handshake');
      conn.sendProtected(CONTENT.change_cipher_spec, Buffer.from([1]));
      conn.sendProtected(CONTENT.handshake, Buffer.concat([f.encryptedExtensions, f.certificate, f.certificateVerify, f.finished]));
    });
    assertRefused(trace, 'unexpected_message', 'protected-change-cipher-spec', /RFC 8446 §5/);
  });

  test('RFC 8446 §5.4: an encrypted handshake record with no content (only padding) → unexpected_message', async () => {
    const trace = await against13((conn) => {
      const f = conn.flight(identity13());
      conn.sendPlain(CONTENT.handshake, f.serverHello);
      conn.protect('handshake');
      conn.sendProtected(CONTENT.handshake, Buffer.alloc(0), 7);
    });
    const step = assertRefused(trace, 'unexpected_message', 'empty-record', /RFC 8446 §5\.4/);
    assert.equal(step.data.facts.contentType, 'handshake');
  });

  test('RFC 8446 §5.1: an encrypted alert record with no content → unexpected_message (not decode_error)', async () => {
    const trace = await against13((conn) => {
      const f = conn.flight(identity13());
      conn.sendPlain(CONTENT.handshake, f.serverHello);
      conn.protect('handshake');
      conn.sendProtected(CONTENT.alert, Buffer.alloc(0));
    });
    const step = assertRefused(trace, 'unexpected_message', 'empty-record', /RFC 8446 §5/);
    assert.equal(step.data.facts.contentType, 'alert');
  });

  test('RFC 8446 §4.3.2: a CertificateRequest with a non-empty context during the handshake → illegal_parameter', async () => {
    const trace = await against13((conn) => normal13(conn, { certificateRequestContext: Buffer.from([1, 2, 3, 4]) }));
    assertRefused(trace, 'illegal_parameter', 'certificate-request-context', /RFC 8446 §4\.3\.2/);
  });

  test('control: a CertificateRequest with an empty context during the handshake → an empty client Certificate, and the run goes on', async () => {
    const trace = await against13(async (conn) => {
      conn.sendFlight(conn.flight(identity13(), { certificateRequestContext: Buffer.alloc(0) }));
      // The client answers with an empty Certificate, then its Finished (RFC 8446 §4.4.2.4).
    });
    assert.ok(trace.steps.some((s) => s.kind === 'no-client-certificate'), describeTrace(trace));
    assert.ok(!trace.alerts.some((a) => a.from === 'client' && a.level === 'fatal'), describeTrace(trace));
  });
});

// --- ChangeCipherSpec before the ServerHello ---

describe('a ChangeCipherSpec before the ServerHello', () => {
  async function ccsBeforeTls12ServerHello(versions: ('TLSv1.2' | 'TLSv1.3')[]): Promise<Trace> {
    const server = await startScriptedServer(async (socket) => {
      try {
        await readClientHello(socket);
        socket.write(record(CONTENT.change_cipher_spec, Buffer.from([1])));
        socket.write(record(CONTENT.handshake, serverHello({ cipherSuite: 0xc02f, extensions: [extension(EXTENSION.renegotiation_info, u8(0)), extension(EXTENSION.extended_master_secret, Buffer.alloc(0))] })));
      } catch {
        // client gone
      }
    });
    try {
      return await runAgainst(server.port, { versions, setup: { caFiles }, timeoutMs: 3000 });
    } finally {
      await server.close();
    }
  }

  test('RFC 5246 §7.1: with only TLS 1.2 offered it cannot be TLS 1.3 compatibility mode → unexpected_message at once', async () => {
    const trace = await ccsBeforeTls12ServerHello(['TLSv1.2']);
    assertRefused(trace, 'unexpected_message', 'unexpected-change-cipher-spec', /RFC 5246 §7\.1/);
    assert.ok(!parsed(trace, 'server_hello'), describeTrace(trace));
  });

  test('RFC 5246 §7.1: with TLS 1.3 offered but TLS 1.2 chosen, the early ChangeCipherSpec was not compatibility mode → unexpected_message at the ServerHello', async () => {
    const trace = await ccsBeforeTls12ServerHello(['TLSv1.3', 'TLSv1.2']);
    assertRefused(trace, 'unexpected_message', 'unexpected-change-cipher-spec', /RFC 5246 §7\.1/);
  });

  test('control: before a TLS 1.3 ServerHello, RFC 8446 §5 lets it pass as a compatibility no-op', async () => {
    const trace = await against13(async (conn) => {
      conn.sendPlain(CONTENT.change_cipher_spec, Buffer.from([1]));
      await normal13(conn);
    });
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
  });
});

// --- TLS 1.2 extensions the client never asked for ---

describe('scripted TLS 1.2 server: extensions the client did not offer (RFC 5246 §7.4.1.4)', () => {
  async function tls12(overrides: Partial<ClientOptions>, options: { extensions?: Buffer[]; renegotiationInfo?: Buffer } = {}): Promise<EngineRun> {
    const server = await startScriptedServer((socket) => {
      const conn = new Tls12ServerConnection(socket);
      const identity = { keyPem: pki.leaves.rsa2048.keyPem, chainDer: [pki.leaves.rsa2048.certDer, pki.intermediate.certDer] };
      conn
        .readClientHello()
        .then((hello) => conn.handshake(identity, hello, options.renegotiationInfo, { extensions: options.extensions }))
        .then(() => conn.readApplicationData())
        .then(() => {
          conn.writeRecord(CONTENT.application_data, Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 'latin1'));
          conn.sendHelloRequest();
        })
        .catch(() => socket.end());
    });
    try {
      return await runEngine(server.port, { versions: ['TLSv1.2'], ...overrides }, { setup: { caFiles }, timeoutMs: 3000 });
    } finally {
      await server.close();
    }
  }

  test('control: everything offered and answered → the handshake completes', async () => {
    const run = await tls12({}, { renegotiationInfo: Buffer.alloc(0) });
    assert.equal(run.status, 200, describeEngineRun(run));
  });

  test('extended_master_secret answered to a ClientHello without it (--no-ems) → unsupported_extension, not adopted', async () => {
    const run = await tls12({ extendedMasterSecret: false });
    const step = assertEngineRefused(run, 'unsupported_extension', 'unsolicited-extension', /RFC 5246 §7\.4\.1\.4/);
    assert.equal(step.data.facts.extension, 'extended_master_secret');
    assert.notEqual(run.summary.extendedMasterSecret, true);
  });

  for (const personality of ['openssl', 'schannel'] as const) {
    test(`renegotiation_info answered without the extension or the SCSV (--no-reneg-info, ${personality}) → unsupported_extension; no secure renegotiation believed`, async () => {
      const run = await tls12({ renegotiationInfo: false, personality }, { renegotiationInfo: Buffer.alloc(0) });
      const step = assertEngineRefused(run, 'unsupported_extension', 'unsolicited-extension', /RFC 5746 §3\.4|RFC 5246 §7\.4\.1\.4/);
      assert.equal(step.data.facts.extension, 'renegotiation_info');
      assert.notEqual(run.summary.secureRenegotiation, true);
      assert.equal(run.summary.renegotiations, 0);
    });
  }

  test('encrypt_then_mac answered without being offered (--no-etm) → unsupported_extension', async () => {
    const run = await tls12({ encryptThenMac: false }, { extensions: [extension(0x0016, Buffer.alloc(0))] });
    const step = assertEngineRefused(run, 'unsupported_extension', 'unsolicited-extension', /RFC 5246 §7\.4\.1\.4/);
    assert.equal(step.data.facts.extension, 'encrypt_then_mac');
  });

  test('session_ticket answered without being offered (--no-ticket) → unsupported_extension', async () => {
    const run = await tls12({ sessionTicket: false }, { extensions: [extension(EXTENSION.session_ticket, Buffer.alloc(0))] });
    const step = assertEngineRefused(run, 'unsupported_extension', 'unsolicited-extension', /RFC 5246 §7\.4\.1\.4/);
    assert.equal(step.data.facts.extension, 'session_ticket');
  });

  test('the run’s advice names the unsolicited extension and the option that left it out (--no-ems)', async () => {
    const server = await startScriptedServer((socket) => {
      const conn = new Tls12ServerConnection(socket);
      const identity = { keyPem: pki.leaves.rsa2048.keyPem, chainDer: [pki.leaves.rsa2048.certDer, pki.intermediate.certDer] };
      conn
        .readClientHello()
        .then((hello) => conn.handshake(identity, hello, Buffer.alloc(0)))
        .catch(() => socket.end());
    });
    try {
      const trace = await runAgainst(server.port, { versions: ['TLSv1.2'], tls12Off: ['extended_master_secret'], setup: { caFiles }, timeoutMs: 3000 });
      assertRefused(trace, 'unsupported_extension', 'unsolicited-extension', /RFC 5246 §7\.4\.1\.4/);
      const advice = adviceFor(trace, tEn);
      assert.equal(advice?.kind, 'protocol', describeTrace(trace));
      assert.match(advice.title, /extension the client never offered/);
      assert.match(advice.explanation, /extended_master_secret/);
      assert.ok(advice.fixes.some((f) => f.who === 'you' && /extended_master_secret/.test(f.text)));
      assert.ok(advice.fixes.some((f) => f.who === 'server'));
    } finally {
      await server.close();
    }
  });

  test('an extension this client has never heard of → unsupported_extension', async () => {
    const run = await tls12({}, { renegotiationInfo: Buffer.alloc(0), extensions: [extension(0x7777, Buffer.from([0]))] });
    assertEngineRefused(run, 'unsupported_extension', 'unsolicited-extension', /RFC 5246 §7\.4\.1\.4/);
  });
});

// --- certificates: real servers with certificates real stacks refuse ---

describe('certificates refused by policy, against openssl s_server', () => {
  let dir: string;
  const issuer = () => ({ certPath: pki.intermediate.certPath, keyPath: pki.intermediate.keyPath });
  const leafExtensions = (san: string | undefined, ca = false) => [
    ca ? 'basicConstraints = critical,CA:TRUE' : 'basicConstraints = critical,CA:FALSE',
    'keyUsage = critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage = serverAuth',
    ...(san ? [`subjectAltName = ${san}`] : []),
    'authorityKeyIdentifier = keyid:always',
  ];
  let rsa1024: Made;
  let sha1: Made;
  let noSan: Made;
  let caLeaf: Made;
  let wildcardSuffix: Made;
  let wildcardOk: Made;
  let weakIntermediate: Made;
  let behindWeak: Made;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tlspg-strict-'));
    rsa1024 = make(dir, { name: 'rsa1024', subjectCN: 'localhost', keyType: 'rsa1024', issuer: issuer(), extensions: leafExtensions('DNS:localhost') });
    sha1 = make(dir, { name: 'sha1', subjectCN: 'localhost', keyType: 'p256', issuer: issuer(), digest: 'sha1', extensions: leafExtensions('DNS:localhost') });
    noSan = make(dir, { name: 'no-san', subjectCN: 'localhost', keyType: 'p256', issuer: issuer(), extensions: leafExtensions(undefined) });
    caLeaf = make(dir, { name: 'ca-leaf', subjectCN: 'localhost', keyType: 'p256', issuer: issuer(), extensions: leafExtensions('DNS:localhost', true) });
    wildcardSuffix = make(dir, { name: 'wildcard-co-uk', subjectCN: '*.co.uk', keyType: 'p256', issuer: issuer(), extensions: leafExtensions('DNS:*.co.uk') });
    wildcardOk = make(dir, { name: 'wildcard-example', subjectCN: '*.example.co.uk', keyType: 'p256', issuer: issuer(), extensions: leafExtensions('DNS:*.example.co.uk') });
    // An intermediate with a 1024-bit RSA key (under our root, which allows any path length).
    weakIntermediate = make(dir, { name: 'weak-intermediate', subjectCN: 'Weak Intermediate', keyType: 'rsa1024', issuer: { certPath: pki.root.certPath, keyPath: pki.root.keyPath }, extensions: CA_EXTENSIONS.concat('authorityKeyIdentifier = keyid:always') });
    behindWeak = make(dir, { name: 'behind-weak', subjectCN: 'localhost', keyType: 'p256', issuer: weakIntermediate, extensions: leafExtensions('DNS:localhost') });
  });

  async function serve(leaf: Made, chain: string, run: RunOptions, protocol: '-tls1_3' | '-tls1_2' = '-tls1_3'): Promise<Trace> {
    const server = await startOpensslServer([protocol, '-www', '-num_tickets', '0', '-cipher', 'DEFAULT:@SECLEVEL=0', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', chain]);
    try {
      return await runAgainst(server.port, { setup: { caFiles }, timeoutMs: 4000, ...run });
    } finally {
      await server.close();
    }
  }

  /** The certificate panel's check rows that failed, as data. */
  const failedChecks = (trace: Trace) => (trace.certificate?.checks ?? []).filter((c) => !c.ok);

  for (const protocol of ['-tls1_3', '-tls1_2'] as const) {
    test(`RSA-1024 server key (${protocol}, -cipher DEFAULT:@SECLEVEL=0) → bad_certificate by the key-size policy`, async () => {
      const trace = await serve(rsa1024, pki.intermediate.certPath, {}, protocol);
      const why = describeTrace(trace);
      assert.equal(trace.outcome, 'alert', why);
      assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: 'bad_certificate' }], why);
      const policy = failedChecks(trace).filter((c) => c.check === 'policy');
      assert.equal(policy.length, 1, why);
      assert.equal(policy[0].certificate, 0);
      assert.match(policy[0].detail, /1024/);
      assert.match(adviceFor(trace, tEn)?.title ?? '', /key or signature clients no longer accept/, why);
      assert.equal(trace.http, undefined, why);
    });
  }

  test('RSA-1024 with --insecure: the rest of the handshake is shown, and the run is marked insecure', async () => {
    const trace = await serve(rsa1024, pki.intermediate.certPath, { insecure: true });
    const why = describeTrace(trace);
    assert.equal(trace.outcome, 'ok', why);
    assert.equal(trace.certificate?.insecure, true, why);
    assert.ok(failedChecks(trace).some((c) => c.check === 'policy'), why);
    assert.ok(parsed(trace, 'certificate_verify') && parsed(trace, 'finished'), why);
    assert.ok(trace.http?.status === 200, why);
  });

  test('an intermediate with an RSA-1024 key → bad_certificate; the policy row names certificate #1', async () => {
    const trace = await serve(behindWeak, weakIntermediate.certPath, {});
    const why = describeTrace(trace);
    assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: 'bad_certificate' }], why);
    assert.ok(failedChecks(trace).some((c) => c.check === 'policy' && c.certificate === 1), why);
  });

  test('a leaf signed with SHA-1 → bad_certificate, reported as the policy row', async () => {
    const trace = await serve(sha1, pki.intermediate.certPath, {});
    const why = describeTrace(trace);
    assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: 'bad_certificate' }], why);
    assert.ok(failedChecks(trace).some((c) => c.check === 'policy' && c.certificate === 0 && /SHA-1/.test(c.detail)), why);
  });

  test('the policy rows pass for the standard chain (P-256 leaf and intermediate, RSA-2048 root)', async () => {
    const trace = await serve({ certPath: pki.leaves.p256.certPath, keyPath: pki.leaves.p256.keyPath, certDer: pki.leaves.p256.certDer }, pki.intermediate.certPath, {});
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    const policy = (trace.certificate?.checks ?? []).filter((c) => c.check === 'policy');
    assert.equal(policy.length, 3);
    assert.ok(policy.every((c) => c.ok));
  });

  test('RFC 6125 §6.4.4 as browsers apply it: no subjectAltName, CN localhost → certificate_unknown, no CN fallback', async () => {
    const trace = await serve(noSan, pki.intermediate.certPath, {});
    const why = describeTrace(trace);
    assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: 'certificate_unknown' }], why);
    const host = failedChecks(trace).find((c) => c.check === 'hostname');
    assert.ok(host, why);
    assert.match(host.detail, /no subjectAltName/);
  });

  test('RFC 5280 §4.2.1.9: a leaf that says CA:TRUE → bad_certificate', async () => {
    const trace = await serve(caLeaf, pki.intermediate.certPath, {});
    const why = describeTrace(trace);
    assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: 'bad_certificate' }], why);
    assert.ok(failedChecks(trace).some((c) => c.check === 'basicConstraints' && c.certificate === 0), why);
  });

  test('a wildcard over a public suffix (*.co.uk) does not match evil.co.uk → certificate_unknown', async () => {
    const trace = await serve(wildcardSuffix, pki.intermediate.certPath, { host: 'evil.co.uk' });
    const why = describeTrace(trace);
    assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: 'certificate_unknown' }], why);
    const host = failedChecks(trace).find((c) => c.check === 'hostname');
    assert.match(host?.detail ?? '', /public suffix/, why);
  });

  test('control: a wildcard one label under a registrable domain (*.example.co.uk) matches www.example.co.uk', async () => {
    const trace = await serve(wildcardOk, pki.intermediate.certPath, { host: 'www.example.co.uk' });
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
  });

  test('--insecure with a server key this client cannot use (Ed448): bad_certificate from the key, not internal_error or decrypt_error', async () => {
    const keyPath = join(dir, 'ed448.key');
    execFileSync('openssl', ['genpkey', '-algorithm', 'ED448', '-out', keyPath]);
    const ed448 = make(dir, { name: 'ed448', subjectCN: 'localhost', keyPath, issuer: issuer(), extensions: leafExtensions('DNS:localhost') });
    const trace = await against13((conn) => {
      // The CertificateVerify claims RSA-PSS: only the certificate's key can say it cannot check it.
      conn.sendFlight(conn.flight({ keyPem: pki.leaves.p256.keyPem, chainDer: [ed448.certDer, pki.intermediate.certDer] }, { certificateVerifyScheme: 0x0804 }));
    }, { insecure: true });
    assert.equal(trace.certificate?.insecure, true, describeTrace(trace));
    const step = assertRefused(trace, 'bad_certificate', 'leaf-key', /RFC 8446 §4\.4\.2\.2/);
    assert.equal(step.data.facts.scheme, 'rsa_pss_rsae_sha256');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));
});

// --- CBC MAC-then-encrypt: equal hashing work whatever the padding (Lucky Thirteen) ---

describe('CBC MAC-then-encrypt decryption hashes as many blocks with good padding as with bad', () => {
  /** SHA compressions for `n` bytes (FIPS 180-4 §5.1: a 0x80 byte and the bit length are appended). */
  const compressions = (n: number, block: number, lengthBytes: number) => Math.ceil((n + 1 + lengthBytes) / block);

  for (const [mac, macLength, block, lengthBytes] of [['sha1', 20, 64, 8], ['sha256', 32, 64, 8], ['sha384', 48, 128, 16]] as const) {
    test(`HMAC-${mac}: for every record length and padding length, MAC work + dummy work is the bad-padding MAC's work`, () => {
      for (let plain = 64; plain <= 1024; plain += 16) {
        const longest = plain - macLength;
        // The inner HMAC hashes the key block, 13 bytes of additional data and the record.
        const work = (macced: number) => 1 + compressions(13 + macced, block, lengthBytes);
        for (let padding = 0; padding < 256 && padding + 1 + macLength <= plain; padding++) {
          const content = plain - padding - 1 - macLength;
          assert.equal(macCompressions(mac, content), work(content), `${mac} ${content}`);
          assert.equal(work(content) + dummyCompressions(mac, longest, content), work(longest), `plain ${plain}, padding ${padding}`);
        }
      }
    });
  }
});
