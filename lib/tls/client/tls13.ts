/**
 * TLS 1.3 after the ServerHello (RFC 8446 §4.3 to §4.6): the server's encrypted flight, the client's
 * Finished (with its Certificate when asked), then traffic: tickets, KeyUpdate and post-handshake
 * authentication.
 */
import type { SignatureSchemeName } from '../crypto/provider';
import { said } from '../diagnostics';
import { refusal, TlsAlertError } from '../errors';
import { checkServerExtensions } from '../handshake/solicited';
import { parseSpki } from '../crypto/spki';
import { schemeCurve } from '../crypto/schemes';
import {
  encodeCertificate,
  encodeCertificateVerify,
  encodeEndOfEarlyData,
  encodeFinished,
  encodeKeyUpdate,
  readCertificate,
  readCertificateRequest13,
  readCertificateVerify,
  readFinished,
  readKeyUpdate,
  readNewSessionTicket,
  type CertificateRequest,
  type ServerHello,
} from '../handshake/messages';
import { readExtensions } from '../handshake/extensions';
import { certificateVerifyContent, Tls13KeySchedule } from '../keyschedule/tls13';
import { Tls13Protection } from '../record/protection';
import { cipherSuiteInfo, groups, signatureSchemes, type CipherSuiteName, type CipherSuiteInfo } from '../registry/crypto';
import { equalBytes, toHex } from '../wire/bytes';
import { keySink, type Common, type EarlyData, type HandshakeIn, type Hello, type ServerCertificateCheck, type State } from './connection';
import { pskAnswer } from './resumption';
import { codepoint, keyAgreementError, unexpected } from './tls12';
import type { PskMode } from '../handshake/extensions';
import { chooseClientScheme, concludeCertificateCheck, startCertificateCheck, verifyServerSignature } from './authentication';

/** RFC 8446 §D.4: at most one dummy ChangeCipherSpec, before the client's first encrypted flight or second ClientHello. */
export async function sendCompatibilityCcs(c: Common): Promise<void> {
  if (c.compatibilityCcsSent) return;
  c.compatibilityCcsSent = true;
  c.emit({ direction: 'client->server', layer: 'record', kind: 'change-cipher-spec', data: { from: 'client', compatibility: true }, rfc: 'RFC 8446 §D.4' });
  await c.sendRecords(20, new Uint8Array([1]));
}

/**
 * RFC 8446 §2.3, §4.2.10: the application data sent as 0-RTT data right after the ClientHello,
 * under the client_early_traffic_secret of the ticket's PSK and with the ticket's cipher suite.
 */
export async function sendEarlyData(c: Common, hello: Hello, early: EarlyData): Promise<void> {
  const psk = hello.psk!;
  // RFC 8446 §D.4: with early data, the compatibility ChangeCipherSpec goes right after the ClientHello.
  await sendCompatibilityCcs(c);
  const info = cipherSuiteInfo(psk.session.cipherSuite);
  const secret = psk.schedule.deriveEarlyTrafficSecret(c.transcript.hash(psk.hash));
  c.keyLog('CLIENT_EARLY_TRAFFIC_SECRET', hello.random, secret);
  const keys = psk.schedule.trafficKeys('client_early_traffic_secret', secret, info.keyLength);
  c.records.write = new Tls13Protection(c.deps.crypto, aeadOf(info), keys.key, keys.iv, 'client early traffic keys');
  c.emit({ direction: 'local', layer: 'handshake', kind: 'early-data', data: { event: 'sent', length: early.bytes.length, maxEarlyDataSize: psk.session.maxEarlyDataSize ?? 0 }, rfc: 'RFC 8446 §4.2.10' });
  if (early.step) c.emit(early.step);
  c.emit({
    direction: 'client->server',
    layer: 'application',
    kind: 'application-data',
    data: { length: early.bytes.length },
    bytes: { hex: toHex(early.bytes), field: { name: 'application_data', offset: 0, length: early.bytes.length } },
  });
  await c.sendRecords(23, early.bytes);
  c.summary.earlyData = 'sent';
}

/** Continues after a ServerHello that selected TLS 1.3: the handshake keys, then the server's encrypted flight. */
export async function handleServerHello13(c: Common, hello: Hello, sh: ServerHello, suite: CipherSuiteName, m: HandshakeIn): Promise<State> {
  const info = cipherSuiteInfo(suite);
  const answer = pskAnswer(hello.psk, sh, suite);
  const serverShare = sh.extensions.keyShare;
  if (!serverShare && !answer.accepted) throw new TlsAlertError('missing_extension', said('tls13.noKeyShare'));
  let shared: Uint8Array | undefined;
  if (serverShare) {
    const group = groups.name(serverShare.group);
    const share = hello.shares.find((s) => s.group === group);
    if (!group || !share) throw new TlsAlertError('illegal_parameter', said('tls13.shareNotSent', { group: codepoint(groups, serverShare.group) }));
    c.summary.group = group;
    try {
      shared = await c.deps.crypto.deriveSharedSecret(share, serverShare.keyExchange);
    } catch (e) {
      throw keyAgreementError(e, (error) => new TlsAlertError('illegal_parameter', said('tls13.badKeyShare', { group, error })));
    }
  }
  if (hello.psk) {
    const mode: PskMode = answer.accepted ? answer.mode : hello.psk.modes[0];
    c.summary.resumption = { ...c.summary.resumption, offered: true, accepted: answer.accepted, mode };
    c.emit({
      direction: 'local',
      layer: 'handshake',
      kind: 'resumption',
      data: answer.accepted ? { event: 'accepted', version: 'TLSv1.3', mode, selectedIdentity: 0 } : { event: 'refused', version: 'TLSv1.3', mode },
      rfc: 'RFC 8446 §4.2.11',
    });
  }
  c.transcript.add(m.bytes);
  // A refused ticket leaves a full handshake, whose schedule starts from no PSK.
  const schedule = answer.accepted ? hello.psk!.schedule : new Tls13KeySchedule(info.hash, keySink(c));
  const hs = schedule.deriveHandshakeSecrets(shared, c.transcript.hash(info.hash));
  c.keyLog('CLIENT_HANDSHAKE_TRAFFIC_SECRET', hello.random, hs.client);
  c.keyLog('SERVER_HANDSHAKE_TRAFFIC_SECRET', hello.random, hs.server);
  c.assertNoBufferedHandshake();
  const serverKeys = schedule.trafficKeys('server_handshake_traffic_secret', hs.server, info.keyLength);
  c.records.read = new Tls13Protection(c.deps.crypto, aeadOf(info), serverKeys.key, serverKeys.iv, 'server handshake traffic keys');
  const ctx: Handshake13 = { hello, suite, info, schedule, hs, certificateRequest: undefined, resumed: answer.accepted, earlyDataSent: Boolean(hello.psk?.earlyData && !hello.retried) };
  return expectEncryptedExtensions(c, ctx);
}

export function aeadOf(info: CipherSuiteInfo) {
  if (info.cipher === 'AES-128-CBC' || info.cipher === 'AES-256-CBC') throw new Error('not an AEAD suite');
  return info.cipher;
}

interface Handshake13 {
  hello: Hello;
  suite: CipherSuiteName;
  info: CipherSuiteInfo;
  schedule: Tls13KeySchedule;
  hs: { client: Uint8Array; server: Uint8Array };
  certificateRequest?: CertificateRequest;
  leafSpki?: Uint8Array;
  /** The server took the offered ticket: no Certificate or CertificateVerify follow (RFC 8446 §2.2). */
  resumed: boolean;
  /** 0-RTT data went out after the ClientHello (and was not cut off by a HelloRetryRequest). */
  earlyDataSent: boolean;
  /** The server's EncryptedExtensions carried early_data: it took the 0-RTT data. */
  earlyDataAccepted?: boolean;
}

function expectEncryptedExtensions(c: Common, h: Handshake13): State {
  return {
    name: 'ExpectEncryptedExtensions',
    async handle(m) {
      if (m.type !== 'encrypted_extensions') throw unexpected('EncryptedExtensions', m.type);
      const ext = c.parse(m, (r) => readExtensions(r, 'encrypted_extensions'));
      checkServerExtensions(ext.seen, h.hello.offeredExtensions, 'encrypted_extensions');
      if (ext.alpn !== undefined) {
        if (!c.options.alpn.includes(ext.alpn)) throw new TlsAlertError('illegal_parameter', said('tls12.alpnNotOffered', { protocol: ext.alpn }));
        c.summary.alpn = ext.alpn;
      }
      if (h.earlyDataSent) {
        // RFC 8446 §4.2.10: early data can only be accepted along with the first PSK.
        if (ext.earlyData && !h.resumed) {
          throw refusal('illegal_parameter', said('tls13.earlyDataWithoutPsk'), { check: 'early-data-without-psk', rule: 'RFC 8446 §4.2.10', facts: { extension: 'early_data' } });
        }
        h.earlyDataAccepted = Boolean(ext.earlyData);
        c.summary.earlyData = h.earlyDataAccepted ? 'accepted' : 'rejected';
        c.emit({
          direction: 'local',
          layer: 'handshake',
          kind: 'early-data',
          data: h.earlyDataAccepted ? { event: 'accepted' } : { event: 'rejected', reason: h.resumed ? 'server' : 'psk-refused' },
          rfc: 'RFC 8446 §4.2.10',
        });
        if (c.summary.resumption) c.summary.resumption.earlyData = h.earlyDataAccepted ? 'accepted' : 'rejected';
      }
      c.transcript.add(m.bytes);
      // RFC 8446 §2.2: a resumed handshake is authenticated by the PSK; no certificate follows.
      if (h.resumed) return expectFinished(c, h);
      return expectCertificateOrRequest(c, h);
    },
  };
}

function expectCertificateOrRequest(c: Common, h: Handshake13): State {
  return {
    name: 'ExpectCertificateOrCertificateRequest',
    async handle(m) {
      if (m.type === 'certificate_request') {
        h.certificateRequest = c.parse(m, (r) => readCertificateRequest13(r));
        // RFC 8446 §4.3.2: the context is for post-handshake authentication; during the handshake it is empty.
        if (h.certificateRequest.context.length) {
          throw refusal('illegal_parameter', said('tls13.requestContext'), {
            check: 'certificate-request-context',
            rule: 'RFC 8446 §4.3.2',
            facts: { contextLength: h.certificateRequest.context.length },
          });
        }
        c.transcript.add(m.bytes);
        return expectCertificate(c, h);
      }
      return expectCertificate(c, h).handle(m);
    },
  };
}

function expectCertificate(c: Common, h: Handshake13): State {
  return {
    name: 'ExpectCertificate',
    async handle(m) {
      if (m.type !== 'certificate') throw unexpected('Certificate', m.type);
      const cert = c.parse(m, (r) => readCertificate(r, true, (der) => c.deps.annotateCertificate?.(der)));
      if (cert.context.length) throw new TlsAlertError('illegal_parameter', said('tls13.certificateContext'));
      if (!cert.entries.length) throw new TlsAlertError('decode_error', said('tls13.emptyCertificate'));
      for (const entry of cert.entries) checkServerExtensions(entry.extensions ?? [], h.hello.offeredExtensions, 'certificate');
      c.transcript.add(m.bytes);
      // The verdict is reported with the CertificateVerify (whose signature is checked meanwhile),
      // or as soon as no more records are at hand.
      const check = startCertificateCheck(c, cert.entries.map((e) => e.der));
      c.pendingCertificateCheck = check;
      return expectCertificateVerify(c, h, check);
    },
  };
}

/**
 * The CertificateVerify scheme for this leaf key (RFC 8446 §4.4.3), or the illegal_parameter it
 * earns: offered by us, not PKCS#1 v1.5 or SHA-1, and for ECDSA the certificate key's curve.
 */
function certificateVerifyScheme(c: Common, code: number, leafSpki: Uint8Array): SignatureSchemeName {
  const scheme = signatureSchemes.name(code);
  if (!scheme || !c.options.signatureSchemes.includes(scheme)) throw new TlsAlertError('illegal_parameter', said('tls13.schemeNotOffered', { scheme: codepoint(signatureSchemes, code) }));
  if (scheme.startsWith('rsa_pkcs1') || scheme.endsWith('sha1')) throw new TlsAlertError('illegal_parameter', said('tls13.schemeNotAllowed', { scheme }));
  // RFC 8446 §4.2.3: in TLS 1.3 an ECDSA scheme names the curve too; it must be the certificate key's.
  const curve = schemeCurve(scheme);
  if (curve) {
    const key = parseSpki(leafSpki);
    if (key.algorithm !== 'ec' || key.curve !== curve) throw new TlsAlertError('illegal_parameter', said('tls13.schemeNotKey', { scheme, key: key.algorithm === 'ec' ? key.curve : key.algorithm }));
  }
  return scheme;
}

function expectCertificateVerify(c: Common, h: Handshake13, check: ServerCertificateCheck): State {
  return {
    name: 'ExpectCertificateVerify',
    async handle(m) {
      // Whatever happens to this message, the certificate verdict is reported (and wins) first.
      if (m.type !== 'certificate_verify') {
        await concludeCertificateCheck(c, check);
        throw unexpected('CertificateVerify', m.type);
      }
      let cv: ReturnType<typeof readCertificateVerify>;
      try {
        cv = c.parse(m, (r) => readCertificateVerify(r));
      } catch (e) {
        await concludeCertificateCheck(c, check);
        throw e;
      }
      const content = certificateVerifyContent(true, c.transcript.hash(h.info.hash));
      // With the leaf key as sent, the signature is verified while the chain still is; both must pass.
      let early: { scheme: SignatureSchemeName; verified: Promise<boolean> } | undefined;
      if (check.leafSpki) {
        try {
          const scheme = certificateVerifyScheme(c, cv.scheme, check.leafSpki);
          const verified = c.deps.crypto.verify(scheme, check.leafSpki, content, cv.signature);
          verified.catch(() => undefined); // awaited by verifyServerSignature
          early = { scheme, verified };
        } catch {
          // Reported below, after the certificate verdict.
        }
      }
      h.leafSpki = await concludeCertificateCheck(c, check);
      c.pendingCertificateCheck = undefined;
      const sameKey = early !== undefined && equalBytes(check.leafSpki!, h.leafSpki);
      const scheme = sameKey ? early!.scheme : certificateVerifyScheme(c, cv.scheme, h.leafSpki);
      await verifyServerSignature(c, scheme, h.leafSpki, content, cv.signature, 'CertificateVerify', sameKey ? early!.verified : undefined);
      c.summary.signatureScheme = scheme;
      c.transcript.add(m.bytes);
      return expectFinished(c, h);
    },
  };
}

function expectFinished(c: Common, h: Handshake13): State {
  return {
    name: 'ExpectFinished',
    async handle(m) {
      if (m.type !== 'finished') throw unexpected('Finished', m.type);
      const verifyData = c.parse(m, (r) => readFinished(r));
      const expected = h.schedule.finished('server_handshake_traffic_secret', h.hs.server, c.transcript.hash(h.info.hash));
      if (!equalBytes(verifyData, expected)) throw new TlsAlertError('decrypt_error', said('tls12.finishedMismatch'));
      c.emit({ direction: 'local', layer: 'verdict', kind: 'check', data: { check: 'finished', ok: true, version: 'TLSv1.3', expected: toHex(expected) }, rfc: 'RFC 8446 §4.4.4' });
      c.transcript.add(m.bytes);
      const app = h.schedule.deriveApplicationSecrets(c.transcript.hash(h.info.hash));
      c.keyLog('CLIENT_TRAFFIC_SECRET_0', h.hello.random, app.client);
      c.keyLog('SERVER_TRAFFIC_SECRET_0', h.hello.random, app.server);
      c.keyLog('EXPORTER_SECRET', h.hello.random, app.exporter);
      c.assertNoBufferedHandshake();
      const serverApp = h.schedule.trafficKeys('server_application_traffic_secret_0', app.server, h.info.keyLength);
      c.records.read = new Tls13Protection(c.deps.crypto, aeadOf(h.info), serverApp.key, serverApp.iv, 'server application traffic keys');

      // RFC 8446 §4.5: accepted 0-RTT data ends with EndOfEarlyData, under the early traffic keys.
      if (h.earlyDataAccepted) await c.sendHandshake([encodeEndOfEarlyData()]);
      await sendCompatibilityCcs(c);
      const clientKeys = h.schedule.trafficKeys('client_handshake_traffic_secret', h.hs.client, h.info.keyLength);
      c.records.write = new Tls13Protection(c.deps.crypto, aeadOf(h.info), clientKeys.key, clientKeys.iv, 'client handshake traffic keys');
      if (h.certificateRequest) await sendClientAuthentication(c, h.certificateRequest, h.info.hash);
      const clientVerifyData = h.schedule.finished('client_handshake_traffic_secret', h.hs.client, c.transcript.hash(h.info.hash));
      await c.sendHandshake([encodeFinished(clientVerifyData)]);
      const clientFinishedHash = c.transcript.hash(h.info.hash);
      const clientApp = h.schedule.trafficKeys('client_application_traffic_secret_0', app.client, h.info.keyLength);
      c.records.write = new Tls13Protection(c.deps.crypto, aeadOf(h.info), clientApp.key, clientApp.iv, 'client application traffic keys');
      c.state = 'connected';
      c.summary.handshakeCompleteAtMs = c.deps.now();
      c.emit({ direction: 'local', layer: 'verdict', kind: 'handshake-complete', data: { version: 'TLSv1.3', cipherSuite: h.suite, group: c.summary.group, renegotiation: false } });
      return traffic13(c, { ...h, app: { client: app.client, server: app.server, generation: 0 }, clientFinishedHash });
    },
  };
}

/** Client Certificate (+ CertificateVerify) for a TLS 1.3 CertificateRequest, during or after the handshake. */
async function sendClientAuthentication(c: Common, request: CertificateRequest, hash: 'sha256' | 'sha384'): Promise<void> {
  const cert = c.options.clientCertificate;
  const scheme = cert ? chooseClientScheme(cert.schemes, request.signatureSchemes) : undefined;
  const chain = cert && scheme ? cert.chainDer : [];
  await c.sendHandshake([encodeCertificate(chain, request.context, true)]);
  if (!cert || !scheme) {
    c.reportNoClientCertificate(cert !== undefined);
    return;
  }
  const content = certificateVerifyContent(false, c.transcript.hash(hash));
  const signature = await c.deps.crypto.sign(scheme, cert.keyPkcs8Der, content, c.deps.random);
  await c.sendHandshake([encodeCertificateVerify(scheme, signature)]);
}

interface Traffic13 extends Handshake13 {
  app: { client: Uint8Array; server: Uint8Array; generation: number };
  /** The transcript hash up to the client Finished: resumption_master_secret is derived from it. */
  clientFinishedHash: Uint8Array;
  /** Derived at the first NewSessionTicket (a connection that gets none shows no such step). */
  resumptionMasterSecret?: Uint8Array;
}

function traffic13(c: Common, t: Traffic13): State {
  return {
    name: 'Traffic',
    async handle(m) {
      switch (m.type) {
        case 'new_session_ticket': {
          const ticket = c.parse(m, (r) => readNewSessionTicket(r, true));
          if (!c.options.keepSessions) return this;
          t.resumptionMasterSecret ??= t.schedule.deriveResumptionMasterSecret(t.clientFinishedHash);
          c.sessions.push({
            version: 'TLSv1.3',
            serverName: c.options.serverName,
            cipherSuite: t.suite,
            ticket: ticket.ticket,
            ticketNonce: ticket.nonce,
            ticketAgeAdd: ticket.ageAdd,
            lifetimeSeconds: ticket.lifetimeSeconds,
            ...(ticket.maxEarlyDataSize !== undefined ? { maxEarlyDataSize: ticket.maxEarlyDataSize } : {}),
            receivedAtMs: c.deps.now(),
            resumptionMasterSecret: t.resumptionMasterSecret,
            ...(c.summary.alpn ? { alpn: c.summary.alpn } : {}),
          });
          c.emit({
            direction: 'local',
            layer: 'handshake',
            kind: 'resumption',
            data: { event: 'kept', version: 'TLSv1.3', mode: 'ticket', lifetimeSeconds: ticket.lifetimeSeconds, ticketLength: ticket.ticket.length, ...(ticket.maxEarlyDataSize !== undefined ? { maxEarlyDataSize: ticket.maxEarlyDataSize } : {}) },
            rfc: 'RFC 8446 §4.6.1',
          });
          return this;
        }
        case 'key_update': {
          const requested = c.parse(m, (r) => readKeyUpdate(r));
          c.assertNoBufferedHandshake();
          const n = t.app.generation;
          t.app.server = t.schedule.nextTrafficSecret(`server_application_traffic_secret_${n + 1}`, t.app.server, `server_application_traffic_secret_${n}`);
          const rk = t.schedule.trafficKeys(`server_application_traffic_secret_${n + 1}`, t.app.server, t.info.keyLength);
          c.records.read = new Tls13Protection(c.deps.crypto, aeadOf(t.info), rk.key, rk.iv, `server application traffic keys #${n + 1}`);
          if (requested) {
            await c.sendHandshake([encodeKeyUpdate(false)], false);
            t.app.client = t.schedule.nextTrafficSecret(`client_application_traffic_secret_${n + 1}`, t.app.client, `client_application_traffic_secret_${n}`);
            const wk = t.schedule.trafficKeys(`client_application_traffic_secret_${n + 1}`, t.app.client, t.info.keyLength);
            c.records.write = new Tls13Protection(c.deps.crypto, aeadOf(t.info), wk.key, wk.iv, `client application traffic keys #${n + 1}`);
          }
          t.app.generation = n + 1;
          return this;
        }
        case 'certificate_request':
          return handlePostHandshakeCertificateRequest(c, t, m, this);
        default:
          throw new TlsAlertError('unexpected_message', said('tls12.unexpectedAfter', { type: m.type, version: 'TLS 1.3' }));
      }
    },
  };
}

async function handlePostHandshakeCertificateRequest(c: Common, t: Traffic13, m: HandshakeIn, traffic: State): Promise<State> {
  c.summary.postHandshakeAuthRequested = true;
  const request = c.parse(m, (r) => readCertificateRequest13(r));
  // RFC 8446 §4.6.2: without post_handshake_auth in the ClientHello this message is a protocol violation.
  if (!c.options.postHandshakeAuth) {
    throw new TlsAlertError('unexpected_message', said('tls13.postHandshakeAuth'));
  }
  if (!request.context.length) throw new TlsAlertError('illegal_parameter', said('tls13.postHandshakeContext'));
  // The post-handshake transcript is the handshake transcript plus this exchange; the MAC key is the client application secret.
  const saved = c.transcript;
  c.transcript = saved.clone();
  try {
    c.transcript.add(m.bytes);
    await sendClientAuthentication(c, request, t.info.hash);
    const verifyData = t.schedule.finished(`client_application_traffic_secret_${t.app.generation}`, t.app.client, c.transcript.hash(t.info.hash));
    await c.sendHandshake([encodeFinished(verifyData)]);
  } finally {
    c.transcript = saved;
  }
  return traffic;
}

