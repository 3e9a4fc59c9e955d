/**
 * TLS 1.2 after a ServerHello that selected it (RFC 5246 §7.4): the server's flight, the client's
 * key exchange and Finished, then traffic, where a HelloRequest meets the client's personality and
 * may start a renegotiation (RFC 5746).
 */
import type { GroupName } from '../crypto/provider';
import { inEnglish, said, type Diagnostic } from '../diagnostics';
import { refusal, TlsAlertError } from '../errors';
import { checkServerExtensions } from '../handshake/solicited';
import { Transcript } from '../hash';
import { clientHelloExtensionList, sniHostName } from '../handshake/extensions';
import {
  DOWNGRADE_TLS11,
  DOWNGRADE_TLS12,
  encodeCertificate,
  encodeCertificateVerify,
  encodeClientHello,
  encodeEcdhClientKeyExchange,
  encodeFinished,
  encodeRsaClientKeyExchange,
  readCertificate,
  readCertificateRequest12,
  readFinished,
  readNewSessionTicket,
  readServerHello,
  readServerKeyExchange,
  type CertificateRequest,
  type NewSessionTicket,
  type ServerHello,
  type ServerKeyExchange,
} from '../handshake/messages';
import { Tls12KeySchedule, type Tls12Keys } from '../keyschedule/tls12';
import { Tls12AeadProtection, Tls12CbcProtection } from '../record/tls12';
import { cipherSuiteInfo, cipherSuites, groups, signatureSchemes, suitesForVersions, type CipherSuiteInfo, type CipherSuiteName } from '../registry/crypto';
import type { Registry } from '../registry/table';
import { extensionTypes } from '../registry/protocol';
import { concat, equalBytes, toHex } from '../wire/bytes';
import { acceptServerCertificate, chooseClientScheme, verifyServerSignature } from './authentication';
import { earlyChangeCipherSpec, keySink, type Common, type HandshakeIn, type Hello, type State } from './connection';
import type { Tls12Session } from './session';

/** What a renegotiation is bound to (RFC 5746 §3.5) and checked against (triple handshake). */
interface PreviousHandshake {
  clientVerifyData: Uint8Array;
  serverVerifyData: Uint8Array;
  leafDer: Uint8Array;
}

interface Handshake12 {
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  suite: CipherSuiteName;
  info: CipherSuiteInfo;
  extendedMasterSecret: boolean;
  encryptThenMac: boolean;
  secureRenegotiation: boolean;
  sessionTicket: boolean;
  previous?: PreviousHandshake;
  schedule: Tls12KeySchedule;
  leafDer?: Uint8Array;
  leafSpki?: Uint8Array;
  serverKeyExchange?: ServerKeyExchange;
  certificateRequest?: CertificateRequest;
  master?: Uint8Array;
  clientVerifyData?: Uint8Array;
  /** The session id the ServerHello gave (empty when none). */
  sessionId: Uint8Array;
  /** A ticket the server issued in this handshake (RFC 5077 §3.3). */
  newTicket?: NewSessionTicket;
  /** The kept session this handshake resumes (abbreviated handshake). */
  resumed?: Tls12Session;
  /** Abbreviated handshake: the client's keys, switched to after the server's Finished. */
  clientKeys?: Tls12Keys;
}

/** Continues after a ServerHello that selected TLS 1.2 in the first handshake. */
export async function continueTls12(c: Common, hello: Hello, sh: ServerHello, m: HandshakeIn): Promise<State> {
  if (!c.options.versions.includes('TLSv1.2')) {
    throw new TlsAlertError('protocol_version', said('tls12.onlyTls13', { version: versionName(sh.legacyVersion) }));
  }
  if (sh.legacyVersion !== 0x0303) {
    throw new TlsAlertError('protocol_version', said('tls12.unsupportedVersion', { version: versionName(sh.legacyVersion) }));
  }
  checkServerExtensions(sh.extensions.seen, hello.offeredExtensions, 'tls12_server_hello');
  // RFC 5246 §7.1: a ChangeCipherSpec comes after the key exchange. One before this ServerHello
  // was let through as TLS 1.3 compatibility (RFC 8446 §5); TLS 1.2 makes it a protocol violation.
  if (c.changeCipherSpecBeforeServerHello) throw earlyChangeCipherSpec();
  // RFC 8446 §4.1.3: a TLS 1.3 server that negotiates down marks its random; seeing the mark means an attacker removed 1.3.
  // TLS 1.3 is offered in supported_versions only (RFC 8446 §4.2.1): a ClientHello sent without it offered TLS 1.2.
  if (hello.offeredExtensions.includes(extensionTypes.code('supported_versions'))) {
    const tail = sh.random.subarray(24);
    if (equalBytes(tail, DOWNGRADE_TLS12) || equalBytes(tail, DOWNGRADE_TLS11)) {
      throw new TlsAlertError('illegal_parameter', said('tls12.downgrade'));
    }
    c.emit({ direction: 'local', layer: 'verdict', kind: 'check', data: { check: 'downgrade-sentinel', ok: true }, rfc: 'RFC 8446 §4.1.3' });
  }
  const ri = sh.extensions.renegotiationInfo;
  if (ri && ri.length) throw new TlsAlertError('handshake_failure', said('tls12.initialRenegotiationInfo'));
  return afterServerHello(c, hello.random, hello.suites, sh, m, undefined, hello);
}

/** A protocol version by its name ("TLS 1.0"), or "version 0x0305" for one that has none. */
function versionName(v: number): string | Diagnostic {
  return { 0x0300: 'SSL 3.0', 0x0301: 'TLS 1.0', 0x0302: 'TLS 1.1', 0x0303: 'TLS 1.2', 0x0304: 'TLS 1.3' }[v] ?? said('tls12.version', { code: `0x${v.toString(16).padStart(4, '0')}` });
}

/**
 * A codepoint as a diagnostic names it: "0x1301 (TLS_AES_128_GCM_SHA256)", or the bare hex when
 * the registry has no name for it (a value, in no language).
 */
export function codepoint<N extends string>(registry: Registry<N>, code: number): string {
  const hex = `0x${code.toString(16).padStart(4, '0')}`;
  const name = registry.name(code);
  return name ? `${hex} (${name})` : hex;
}

/** What a failed key agreement says: the crypto layer's own diagnostic, else the library's words. */
export function keyAgreementError(e: unknown, wrap: (error: string) => TlsAlertError): TlsAlertError {
  return e instanceof TlsAlertError ? e : wrap(e instanceof Error ? e.message : String(e));
}

async function afterServerHello(c: Common, clientRandom: Uint8Array, offered: CipherSuiteName[], sh: ServerHello, m: HandshakeIn, previous: PreviousHandshake | undefined, hello?: Hello): Promise<State> {
  const suite = cipherSuites.name(sh.cipherSuite);
  if (!suite || !offered.includes(suite) || cipherSuiteInfo(suite).version !== 'TLSv1.2') {
    throw new TlsAlertError('illegal_parameter', said('tls12.suiteNotOffered', { suite: codepoint(cipherSuites, sh.cipherSuite) }));
  }
  if (sh.compression !== 0) throw new TlsAlertError('illegal_parameter', said('tls12.compression'));
  const info = cipherSuiteInfo(suite);
  const ext = sh.extensions;
  if (ext.alpn !== undefined && !c.options.alpn.includes(ext.alpn)) throw new TlsAlertError('illegal_parameter', said('tls12.alpnNotOffered', { protocol: ext.alpn }));
  if (ext.supportedVersion !== undefined) throw new TlsAlertError('illegal_parameter', said('tls12.supportedVersions'));
  c.version = 'TLSv1.2';
  c.summary.version = 'TLSv1.2';
  c.summary.cipherSuite = suite;
  if (ext.alpn) c.summary.alpn = ext.alpn;
  const secureRenegotiation = ext.renegotiationInfo !== undefined;
  c.summary.secureRenegotiation = secureRenegotiation;
  c.summary.extendedMasterSecret = Boolean(ext.extendedMasterSecret);
  const encryptThenMac = Boolean(ext.encryptThenMac) && info.cipher.endsWith('CBC');
  if (ext.encryptThenMac && !info.cipher.endsWith('CBC')) {
    // RFC 7366 §3: a server must not echo encrypt_then_mac for an AEAD suite.
    throw new TlsAlertError('illegal_parameter', said('tls12.encryptThenMac'));
  }
  c.summary.encryptThenMac = encryptThenMac;
  c.transcript.add(m.bytes);
  c.emit({
    direction: 'local',
    layer: 'verdict',
    kind: 'negotiated',
    data: { version: 'TLSv1.2', cipherSuite: suite, secureRenegotiation, extendedMasterSecret: Boolean(ext.extendedMasterSecret), encryptThenMac, cbc: info.cipher.endsWith('CBC'), sessionId: toHex(sh.sessionId) },
  });
  const h: Handshake12 = {
    clientRandom,
    serverRandom: sh.random,
    suite,
    info,
    extendedMasterSecret: Boolean(ext.extendedMasterSecret),
    encryptThenMac,
    secureRenegotiation,
    sessionTicket: Boolean(ext.sessionTicket),
    previous,
    schedule: new Tls12KeySchedule(info.hash, keySink(c)),
    sessionId: sh.sessionId,
  };
  const session = hello ? tls12SessionAnswer(c, hello, sh) : undefined;
  if (session) return resumeTls12(c, h, session);
  return expectCertificate(c, h);
}

function expectCertificate(c: Common, h: Handshake12): State {
  return {
    name: 'ExpectCertificate (TLS 1.2)',
    async handle(m) {
      if (m.type !== 'certificate') throw unexpected('Certificate', m.type);
      const cert = c.parse(m, (r) => readCertificate(r, false, (der) => c.deps.annotateCertificate?.(der)));
      if (!cert.entries.length) throw new TlsAlertError('decode_error', said('tls12.emptyCertificate'));
      const leaf = cert.entries[0].der;
      // Triple-handshake defence: the server's identity must not change across a renegotiation.
      if (h.previous && !equalBytes(leaf, h.previous.leafDer)) {
        throw new TlsAlertError('handshake_failure', said('tls12.certificateChanged'));
      }
      c.transcript.add(m.bytes);
      h.leafDer = leaf;
      h.leafSpki = await acceptServerCertificate(c, cert.entries.map((e) => e.der), h.info.keyExchange === 'RSA' ? 'keyEncipherment' : 'digitalSignature');
      return h.info.keyExchange === 'RSA' ? expectCertificateRequestOrDone(c, h) : expectServerKeyExchange(c, h);
    },
  };
}

function expectServerKeyExchange(c: Common, h: Handshake12): State {
  return {
    name: 'ExpectServerKeyExchange',
    async handle(m) {
      if (m.type !== 'server_key_exchange') throw unexpected('ServerKeyExchange', m.type);
      const ske = c.parse(m, (r) => readServerKeyExchange(r));
      const group = groups.name(ske.group);
      if (!group || group === 'X25519MLKEM768' || !c.options.groups.includes(group)) {
        throw new TlsAlertError('illegal_parameter', said('tls12.groupNotOffered', { group: codepoint(groups, ske.group) }));
      }
      const scheme = signatureSchemes.name(ske.scheme);
      if (!scheme || !c.options.signatureSchemes.includes(scheme)) throw new TlsAlertError('illegal_parameter', said('tls12.schemeNotOffered', { scheme: codepoint(signatureSchemes, ske.scheme) }));
      const wantsRsa = h.info.keyExchange === 'ECDHE_RSA';
      if (wantsRsa !== scheme.startsWith('rsa')) throw new TlsAlertError('illegal_parameter', said('tls12.schemeMismatch', { scheme, keyExchange: h.info.keyExchange }));
      const signed = concat(h.clientRandom, h.serverRandom, ske.params);
      await verifyServerSignature(c, scheme, h.leafSpki!, signed, ske.signature, 'ServerKeyExchange');
      c.summary.group = group;
      c.summary.signatureScheme = scheme;
      c.transcript.add(m.bytes);
      h.serverKeyExchange = ske;
      return expectCertificateRequestOrDone(c, h);
    },
  };
}

function expectCertificateRequestOrDone(c: Common, h: Handshake12): State {
  return {
    name: 'ExpectCertificateRequestOrServerHelloDone',
    async handle(m) {
      if (m.type === 'certificate_request' && !h.certificateRequest) {
        h.certificateRequest = c.parse(m, (r) => readCertificateRequest12(r));
        c.transcript.add(m.bytes);
        return this;
      }
      if (m.type !== 'server_hello_done') throw unexpected('ServerHelloDone', m.type);
      c.parse(m, () => undefined);
      c.transcript.add(m.bytes);
      return sendClientFlight(c, h);
    },
  };
}

async function sendClientFlight(c: Common, h: Handshake12): Promise<State> {
  const cert = c.options.clientCertificate;
  const request = h.certificateRequest;
  const scheme = request && cert ? chooseClientScheme(cert.schemes, request.signatureSchemes) : undefined;
  if (request) {
    await c.sendHandshake([encodeCertificate(scheme ? cert!.chainDer : [], new Uint8Array(0), false)]);
    if (!scheme) c.reportNoClientCertificate(cert !== undefined);
  }

  let preMaster: Uint8Array;
  if (h.info.keyExchange === 'RSA') {
    // RFC 5246 §7.4.7.1: 48 bytes, the first two the offered version, encrypted to the server's RSA key.
    preMaster = concat(new Uint8Array([3, 3]), c.deps.random(46));
    const encrypted = await c.deps.crypto.rsaEncryptPkcs1(h.leafSpki!, preMaster, c.deps.random);
    await c.sendHandshake([encodeRsaClientKeyExchange(encrypted)]);
  } else {
    const ske = h.serverKeyExchange!;
    const group = groups.name(ske.group) as GroupName;
    const share = await c.deps.crypto.generateKeyShare(group, c.deps.random);
    try {
      preMaster = await c.deps.crypto.deriveSharedSecret(share, ske.publicKey);
    } catch (e) {
      throw keyAgreementError(e, (error) => new TlsAlertError('illegal_parameter', said('tls12.badPublicKey', { group, error })));
    }
    await c.sendHandshake([encodeEcdhClientKeyExchange(share.publicKey)]);
  }

  const sessionHash = h.extendedMasterSecret ? c.transcript.hash(h.info.hash) : undefined;
  const master = h.schedule.masterSecret(preMaster, h.clientRandom, h.serverRandom, sessionHash);
  h.master = master;
  c.keyLog('CLIENT_RANDOM', h.clientRandom, master);
  const keys = h.schedule.keyBlock(master, h.clientRandom, h.serverRandom, h.info);

  if (request && scheme) {
    const signature = await c.deps.crypto.sign(scheme, cert!.keyPkcs8Der, c.transcript.bytes(), c.deps.random);
    await c.sendHandshake([encodeCertificateVerify(scheme, signature)]);
  }

  c.emit({ direction: 'client->server', layer: 'record', kind: 'change-cipher-spec', data: { from: 'client', compatibility: false }, rfc: 'RFC 5246 §7.1' });
  await c.sendRecords(20, new Uint8Array([1]));
  c.records.write = protection(c, h, keys.clientKey, keys.clientIv, keys.clientMacKey, 'client write keys');
  const verifyData = h.schedule.finished(master, 'client finished', c.transcript.hash(h.info.hash));
  h.clientVerifyData = verifyData;
  await c.sendHandshake([encodeFinished(verifyData)]);
  const serverProtection = protection(c, h, keys.serverKey, keys.serverIv, keys.serverMacKey, 'server write keys');
  return expectTicketOrChangeCipherSpec(c, h, serverProtection);
}

function protection(c: Common, h: Handshake12, key: Uint8Array, iv: Uint8Array, macKey: Uint8Array, label: string) {
  const description = `${label}${h.previous ? ' (renegotiated)' : ''}`;
  if (h.info.cipher.endsWith('CBC')) return new Tls12CbcProtection(c.deps.crypto, h.info.mac!, macKey, key, c.deps.random, h.encryptThenMac, description);
  return new Tls12AeadProtection(c.deps.crypto, h.info, key, iv, description);
}

function expectTicketOrChangeCipherSpec(c: Common, h: Handshake12, serverProtection: Tls12AeadProtection | Tls12CbcProtection): State {
  return {
    name: 'ExpectChangeCipherSpec',
    async handle(m) {
      if (m.type !== 'new_session_ticket' || !h.sessionTicket) throw unexpected('ChangeCipherSpec', m.type);
      h.newTicket = c.parse(m, (r) => readNewSessionTicket(r, false));
      c.transcript.add(m.bytes);
      h.sessionTicket = false;
      return this;
    },
    async changeCipherSpec() {
      c.assertNoBufferedHandshake();
      c.records.read = serverProtection;
      c.emit({ direction: 'local', layer: 'record', kind: 'change-cipher-spec', data: { from: 'server', compatibility: false }, rfc: 'RFC 5246 §7.1' });
      return expectFinished(c, h);
    },
  };
}

function expectFinished(c: Common, h: Handshake12): State {
  return {
    name: 'ExpectFinished (TLS 1.2)',
    async handle(m) {
      if (m.type !== 'finished') throw unexpected('Finished', m.type);
      const verifyData = c.parse(m, (r) => readFinished(r));
      const expected = h.schedule.finished(h.master!, 'server finished', c.transcript.hash(h.info.hash));
      if (!equalBytes(verifyData, expected)) throw new TlsAlertError('decrypt_error', said('tls12.finishedMismatch'));
      c.transcript.add(m.bytes);
      c.emit({ direction: 'local', layer: 'verdict', kind: 'check', data: { check: 'finished', ok: true, version: 'TLSv1.2' }, rfc: 'RFC 5246 §7.4.9' });
      // RFC 5246 §7.3: in an abbreviated handshake the client's Finished comes after the server's.
      if (h.resumed) await finishResumedTls12(c, h);
      else keepTls12Session(c, h);
      const previous: PreviousHandshake = { clientVerifyData: h.clientVerifyData!, serverVerifyData: verifyData, leafDer: h.leafDer ?? new Uint8Array(0) };
      if (h.previous) {
        c.summary.renegotiations++;
        c.emit({ direction: 'local', layer: 'verdict', kind: 'handshake-complete', data: { version: 'TLSv1.2', cipherSuite: h.suite, group: c.summary.group, renegotiation: true }, rfc: 'RFC 5746 §3.5' });
      } else {
        c.state = 'connected';
        c.summary.handshakeCompleteAtMs = c.deps.now();
        c.emit({ direction: 'local', layer: 'verdict', kind: 'handshake-complete', data: { version: 'TLSv1.2', cipherSuite: h.suite, group: c.summary.group, renegotiation: false } });
      }
      return traffic12(c, h, previous);
    },
  };
}

function traffic12(c: Common, h: Handshake12, previous: PreviousHandshake): State {
  return {
    name: 'Traffic (TLS 1.2)',
    async handle(m) {
      if (m.type !== 'hello_request') throw new TlsAlertError('unexpected_message', said('tls12.unexpectedAfter', { type: m.type, version: 'TLS 1.2' }));
      return onHelloRequest(c, h, previous, m, this);
    },
  };
}

/** A handshake message out of order: the state expected another (RFC 5246 §7.3, RFC 8446 §4). */
export function unexpected(expected: string, got: string): TlsAlertError {
  return new TlsAlertError('unexpected_message', said('tls12.expected', { expected, got }));
}

/** RFC 5246 §7.4.1.1: HelloRequest is not part of the transcript; the client's personality decides. */
async function onHelloRequest(c: Common, h: Handshake12, previous: PreviousHandshake, m: HandshakeIn, traffic: State): Promise<State> {
  c.summary.helloRequests++;
  c.parse(m, () => undefined);
  const p = c.personality;
  let reaction = p.onHelloRequest;
  let override: 'insecure-renegotiation' | 'renegotiation-limit' | undefined;
  if (reaction === 'renegotiate' && !h.secureRenegotiation) {
    reaction = 'refuse-warning';
    override = 'insecure-renegotiation';
  } else if (reaction === 'renegotiate' && c.summary.renegotiations >= c.options.maxRenegotiations) {
    reaction = 'refuse-warning';
    override = 'renegotiation-limit';
  }
  const decision = { personality: p.name, trigger: 'hello_request', reaction, ...(override ? { override } : {}), renegotiations: c.summary.renegotiations } as const;
  c.emit({ direction: 'local', layer: 'verdict', kind: 'personality', data: decision });
  const why = { cause: 'renegotiation-refused', personality: p.name, reaction, ...(override ? { override } : {}) } as const;
  switch (reaction) {
    case 'ignore':
      return traffic;
    case 'refuse-warning':
      await c.sendAlert('warning', 'no_renegotiation', why);
      return traffic;
    case 'refuse-warning-then-fail':
      await c.sendAlert('warning', 'no_renegotiation', why);
      c.unusable = 'no-renegotiation';
      return traffic;
    case 'refuse-fatal': {
      await c.sendAlert('fatal', 'no_renegotiation', why);
      c.state = 'failed';
      const diagnostic = said('tls12.refusesRenegotiation', { client: p.title });
      c.failure = { by: 'client', alert: 'no_renegotiation', message: inEnglish(diagnostic), diagnostic };
      return traffic;
    }
    case 'renegotiate':
      return startRenegotiation(c, h, previous);
  }
}

/** RFC 5746 §3.5: a new full handshake, encrypted under the current keys, bound to the previous one. */
async function startRenegotiation(c: Common, h: Handshake12, previous: PreviousHandshake): Promise<State> {
  const o = c.options;
  const suites = suitesForVersions(o.cipherSuites, ['TLSv1.2']);
  const random = c.deps.random(32);
  c.transcript = new Transcript();
  const extensions = clientHelloExtensionList({
    serverName: sniHostName(o.serverName),
    // Never TLS 1.3 in a renegotiation ClientHello, no resumption (no session id, no ticket).
    versions: ['TLSv1.2'],
    groups: o.groups.filter((g) => g !== 'X25519MLKEM768'),
    keyShares: [],
    signatureSchemes: o.signatureSchemes,
    alpn: o.alpn,
    postHandshakeAuth: false,
    renegotiationInfo: previous.clientVerifyData,
    extendedMasterSecret: true,
    encryptThenMac: o.encryptThenMac,
    sessionTicket: false,
  });
  const hello = encodeClientHello({ random, legacySessionId: new Uint8Array(0), cipherSuites: suites, extensions });
  c.emit({ direction: 'local', layer: 'handshake', kind: 'renegotiation-start', data: {}, rfc: 'RFC 5746 §3.5' });
  await c.sendHandshake([hello], true, true);
  return expectRenegotiationServerHello(c, random, suites, previous, extensions.map((e) => e.type));
}

function expectRenegotiationServerHello(c: Common, clientRandom: Uint8Array, suites: CipherSuiteName[], previous: PreviousHandshake, offeredExtensions: number[]): State {
  return {
    name: 'ExpectServerHello (renegotiation)',
    async handle(m) {
      if (m.type === 'hello_request') {
        // RFC 5246 §7.4.1.1: ignore HelloRequest while negotiating.
        c.parse(m, () => undefined);
        return this;
      }
      if (m.type !== 'server_hello') throw unexpected('ServerHello', m.type);
      const sh = c.parse(m, (r) => readServerHello(r));
      if (sh.legacyVersion !== 0x0303 || sh.extensions.supportedVersion) throw new TlsAlertError('protocol_version', said('tls12.renegotiationVersion'));
      checkServerExtensions(sh.extensions.seen, offeredExtensions, 'tls12_server_hello');
      const expected = concat(previous.clientVerifyData, previous.serverVerifyData);
      const got = sh.extensions.renegotiationInfo;
      if (!got || !equalBytes(got, expected)) {
        throw new TlsAlertError('handshake_failure', said('tls12.renegotiationInfo'));
      }
      c.emit({ direction: 'local', layer: 'verdict', kind: 'check', data: { check: 'renegotiation-info', ok: true }, rfc: 'RFC 5746 §3.5' });
      return afterServerHello(c, clientRandom, suites, sh, m, previous);
    },
  };
}

/**
 * The TLS 1.2 session to offer in the ClientHello, if the caller kept one that fits: issued under
 * the same server name, for a suite still offered. Says so in a step (RFC 5246 §7.4.1.2, RFC 5077 §3.4).
 */
export function tls12Resumption(c: Common): Tls12Session | undefined {
  const session = c.options.resume;
  if (!session || session.version !== 'TLSv1.2' || !c.options.versions.includes('TLSv1.2')) return undefined;
  const reason = session.serverName !== c.options.serverName ? 'other-server' : !c.options.cipherSuites.includes(session.cipherSuite) ? 'no-suite' : undefined;
  if (reason) {
    c.emit({ direction: 'local', layer: 'handshake', kind: 'resumption', data: { event: 'not-offered', version: 'TLSv1.2', reason }, rfc: 'RFC 5246 §7.4.1.2' });
    return undefined;
  }
  const mode = session.ticket ? 'session-ticket' : 'session-id';
  c.summary.resumption = { offered: true, accepted: false, mode };
  c.emit({ direction: 'local', layer: 'handshake', kind: 'resumption', data: { event: 'offered', version: 'TLSv1.2', mode }, rfc: session.ticket ? 'RFC 5077 §3.4' : 'RFC 5246 §7.4.1.2' });
  return session;
}

/**
 * The server's answer to an offered TLS 1.2 session: it resumes by echoing the session id the
 * client sent (RFC 5246 §7.4.1.3; RFC 5077 §3.4 for a ticket), with the session's cipher suite and
 * the same extended_master_secret choice (RFC 7627 §5.3); any other session id starts a full handshake.
 */
function tls12SessionAnswer(c: Common, hello: Hello, sh: ServerHello): Tls12Session | undefined {
  const session = hello.tls12Session;
  if (!session) return undefined;
  const mode = session.ticket ? 'session-ticket' : 'session-id';
  const resumed = sh.sessionId.length > 0 && equalBytes(sh.sessionId, hello.sessionId);
  if (!resumed) {
    c.emit({ direction: 'local', layer: 'handshake', kind: 'resumption', data: { event: 'refused', version: 'TLSv1.2', mode }, rfc: 'RFC 5246 §7.4.1.3' });
    return undefined;
  }
  if (cipherSuites.name(sh.cipherSuite) !== session.cipherSuite) {
    throw refusal('illegal_parameter', said('tls12.resumedSuite', { suite: codepoint(cipherSuites, sh.cipherSuite), sessionSuite: session.cipherSuite }), {
      check: 'resumed-cipher-suite',
      rule: 'RFC 5246 §7.4.1.3',
      facts: { cipherSuite: cipherSuites.describe(sh.cipherSuite), sessionCipherSuite: session.cipherSuite },
    });
  }
  if (Boolean(sh.extensions.extendedMasterSecret) !== session.extendedMasterSecret) {
    throw refusal('handshake_failure', said(session.extendedMasterSecret ? 'tls12.resumedWithoutEms' : 'tls12.resumedWithEms'), {
      check: 'resumed-extended-master-secret',
      rule: 'RFC 7627 §5.3',
      facts: { sessionUsedIt: session.extendedMasterSecret },
    });
  }
  c.summary.resumption = { offered: true, accepted: true, mode };
  c.emit({ direction: 'local', layer: 'handshake', kind: 'resumption', data: { event: 'accepted', version: 'TLSv1.2', mode }, rfc: session.ticket ? 'RFC 5077 §3.4' : 'RFC 5246 §7.3' });
  return session;
}

/**
 * The abbreviated handshake (RFC 5246 §7.3, Figure 2): no certificate and no key exchange; the
 * kept master secret and the two new randoms give the keys, the server sends [NewSessionTicket,]
 * ChangeCipherSpec and Finished first, then the client its ChangeCipherSpec and Finished.
 */
function resumeTls12(c: Common, h: Handshake12, session: Tls12Session): State {
  c.emit({ direction: 'local', layer: 'key', kind: 'key', data: { label: 'master_secret', value: toHex(session.masterSecret), inputs: [], algorithm: 'kept from the earlier connection (RFC 5246 §7.3)' }, rfc: 'RFC 5246 §8.1' });
  h.master = session.masterSecret;
  h.resumed = session;
  h.leafDer = session.leafDer;
  c.keyLog('CLIENT_RANDOM', h.clientRandom, session.masterSecret);
  const keys = h.schedule.keyBlock(session.masterSecret, h.clientRandom, h.serverRandom, h.info);
  const serverProtection = protection(c, h, keys.serverKey, keys.serverIv, keys.serverMacKey, 'server write keys');
  h.clientKeys = keys;
  return expectTicketOrChangeCipherSpec(c, h, serverProtection);
}

/** After an abbreviated handshake's server Finished: the client's ChangeCipherSpec and Finished. */
async function finishResumedTls12(c: Common, h: Handshake12): Promise<void> {
  const keys = h.clientKeys!;
  c.emit({ direction: 'client->server', layer: 'record', kind: 'change-cipher-spec', data: { from: 'client', compatibility: false }, rfc: 'RFC 5246 §7.1' });
  await c.sendRecords(20, new Uint8Array([1]));
  c.records.write = protection(c, h, keys.clientKey, keys.clientIv, keys.clientMacKey, 'client write keys');
  const verifyData = h.schedule.finished(h.master!, 'client finished', c.transcript.hash(h.info.hash));
  h.clientVerifyData = verifyData;
  await c.sendHandshake([encodeFinished(verifyData)]);
}

/** After a full handshake: what a later connection needs to resume this session, if the server offered any. */
function keepTls12Session(c: Common, h: Handshake12): void {
  if (!c.options.keepSessions || h.previous || h.resumed) return;
  if (!h.sessionId.length && !h.newTicket) return;
  c.sessions.push({
    version: 'TLSv1.2',
    serverName: c.options.serverName,
    cipherSuite: h.suite,
    sessionId: h.sessionId,
    ...(h.newTicket ? { ticket: h.newTicket.ticket } : {}),
    masterSecret: h.master!,
    extendedMasterSecret: h.extendedMasterSecret,
    encryptThenMac: h.encryptThenMac,
    ...(h.leafDer ? { leafDer: h.leafDer } : {}),
  });
  c.emit({
    direction: 'local',
    layer: 'handshake',
    kind: 'resumption',
    data: h.newTicket ? { event: 'kept', version: 'TLSv1.2', mode: 'ticket', lifetimeSeconds: h.newTicket.lifetimeSeconds, ticketLength: h.newTicket.ticket.length } : { event: 'kept', version: 'TLSv1.2', mode: 'session-id' },
    rfc: h.newTicket ? 'RFC 5077 §3.3' : 'RFC 5246 §7.4.1.3',
  });
}
