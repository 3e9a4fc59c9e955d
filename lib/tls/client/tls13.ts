/**
 * TLS 1.3 after the ServerHello (RFC 8446 §4.3 to §4.6): the server's encrypted flight, the client's
 * Finished (with its Certificate when asked), then traffic: tickets, KeyUpdate and post-handshake
 * authentication.
 */
import type { SignatureSchemeName } from '../crypto/provider';
import { refusal, TlsAlertError } from '../errors';
import { checkServerExtensions } from '../handshake/solicited';
import { parseSpki } from '../crypto/spki';
import { schemeCurve } from '../crypto/schemes';
import {
  encodeCertificate,
  encodeCertificateVerify,
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
import { keySink, type Common, type HandshakeIn, type Hello, type ServerCertificateCheck, type State } from './connection';
import { chooseClientScheme, concludeCertificateCheck, startCertificateCheck, verifyServerSignature } from './authentication';

/** RFC 8446 §D.4: at most one dummy ChangeCipherSpec, before the client's first encrypted flight or second ClientHello. */
export async function sendCompatibilityCcs(c: Common): Promise<void> {
  if (c.compatibilityCcsSent) return;
  c.compatibilityCcsSent = true;
  c.emit({ direction: 'client->server', layer: 'record', kind: 'change-cipher-spec', data: { from: 'client', compatibility: true }, rfc: 'RFC 8446 §D.4' });
  await c.sendRecords(20, new Uint8Array([1]));
}

/** Continues after a ServerHello that selected TLS 1.3: the handshake keys, then the server's encrypted flight. */
export async function handleServerHello13(c: Common, hello: Hello, sh: ServerHello, suite: CipherSuiteName, m: HandshakeIn): Promise<State> {
  const info = cipherSuiteInfo(suite);
  const serverShare = sh.extensions.keyShare;
  if (!serverShare) throw new TlsAlertError('missing_extension', 'TLS 1.3 ServerHello without key_share (this client offers no PSK)');
  const group = groups.name(serverShare.group);
  const share = hello.shares.find((s) => s.group === group);
  if (!group || !share) throw new TlsAlertError('illegal_parameter', `the server answered with a key share for ${groups.describe(serverShare.group)}, for which the client sent none`);
  c.summary.group = group;
  let shared: Uint8Array;
  try {
    shared = await c.deps.crypto.deriveSharedSecret(share, serverShare.keyExchange);
  } catch (e) {
    throw new TlsAlertError('illegal_parameter', `the server\u2019s ${group} key share is invalid: ${e instanceof Error ? e.message : e}`);
  }
  c.transcript.add(m.bytes);
  const schedule = new Tls13KeySchedule(info.hash, keySink(c));
  const hs = schedule.deriveHandshakeSecrets(shared, c.transcript.hash(info.hash));
  c.keyLog('CLIENT_HANDSHAKE_TRAFFIC_SECRET', hello.random, hs.client);
  c.keyLog('SERVER_HANDSHAKE_TRAFFIC_SECRET', hello.random, hs.server);
  c.assertNoBufferedHandshake();
  const serverKeys = schedule.trafficKeys('server_handshake_traffic_secret', hs.server, info.keyLength);
  c.records.read = new Tls13Protection(c.deps.crypto, aeadOf(info), serverKeys.key, serverKeys.iv, 'server handshake traffic keys');
  const ctx: Handshake13 = { hello, suite, info, schedule, hs, certificateRequest: undefined };
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
}

function expectEncryptedExtensions(c: Common, h: Handshake13): State {
  return {
    name: 'ExpectEncryptedExtensions',
    async handle(m) {
      if (m.type !== 'encrypted_extensions') throw new TlsAlertError('unexpected_message', `expected EncryptedExtensions, got ${m.type}`);
      const ext = c.parse(m, (r) => readExtensions(r, 'encrypted_extensions'));
      checkServerExtensions(ext.seen, h.hello.offeredExtensions, 'encrypted_extensions');
      if (ext.alpn !== undefined) {
        if (!c.options.alpn.includes(ext.alpn)) throw new TlsAlertError('illegal_parameter', `the server chose ALPN "${ext.alpn}", which was not offered`);
        c.summary.alpn = ext.alpn;
      }
      c.transcript.add(m.bytes);
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
          throw refusal('illegal_parameter', 'the server\u2019s CertificateRequest during the handshake carries a non-empty certificate_request_context', {
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
      if (m.type !== 'certificate') throw new TlsAlertError('unexpected_message', `expected Certificate, got ${m.type}`);
      const cert = c.parse(m, (r) => readCertificate(r, true, (der) => c.deps.annotateCertificate?.(der)));
      if (cert.context.length) throw new TlsAlertError('illegal_parameter', 'server Certificate with a non-empty certificate_request_context');
      if (!cert.entries.length) throw new TlsAlertError('decode_error', 'the server sent an empty Certificate message (RFC 8446 §4.4.2.4)');
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
  if (!scheme || !c.options.signatureSchemes.includes(scheme)) throw new TlsAlertError('illegal_parameter', `CertificateVerify uses ${signatureSchemes.describe(code)}, which was not offered`);
  if (scheme.startsWith('rsa_pkcs1') || scheme.endsWith('sha1')) throw new TlsAlertError('illegal_parameter', `${scheme} is not allowed in a TLS 1.3 CertificateVerify`);
  // RFC 8446 §4.2.3: in TLS 1.3 an ECDSA scheme names the curve too; it must be the certificate key's.
  const curve = schemeCurve(scheme);
  if (curve) {
    const key = parseSpki(leafSpki);
    if (key.algorithm !== 'ec' || key.curve !== curve) throw new TlsAlertError('illegal_parameter', `CertificateVerify uses ${scheme}, but the certificate key is ${key.algorithm === 'ec' ? key.curve : key.algorithm}`);
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
        throw new TlsAlertError('unexpected_message', `expected CertificateVerify, got ${m.type}`);
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
      if (m.type !== 'finished') throw new TlsAlertError('unexpected_message', `expected Finished, got ${m.type}`);
      const verifyData = c.parse(m, (r) => readFinished(r));
      const expected = h.schedule.finished('server_handshake_traffic_secret', h.hs.server, c.transcript.hash(h.info.hash));
      if (!equalBytes(verifyData, expected)) throw new TlsAlertError('decrypt_error', 'the server\u2019s Finished does not match the handshake transcript');
      c.emit({ direction: 'local', layer: 'verdict', kind: 'check', data: { check: 'finished', ok: true, version: 'TLSv1.3', expected: toHex(expected) }, rfc: 'RFC 8446 §4.4.4' });
      c.transcript.add(m.bytes);
      const app = h.schedule.deriveApplicationSecrets(c.transcript.hash(h.info.hash));
      c.keyLog('CLIENT_TRAFFIC_SECRET_0', h.hello.random, app.client);
      c.keyLog('SERVER_TRAFFIC_SECRET_0', h.hello.random, app.server);
      c.keyLog('EXPORTER_SECRET', h.hello.random, app.exporter);
      c.assertNoBufferedHandshake();
      const serverApp = h.schedule.trafficKeys('server_application_traffic_secret_0', app.server, h.info.keyLength);
      c.records.read = new Tls13Protection(c.deps.crypto, aeadOf(h.info), serverApp.key, serverApp.iv, 'server application traffic keys');

      await sendCompatibilityCcs(c);
      const clientKeys = h.schedule.trafficKeys('client_handshake_traffic_secret', h.hs.client, h.info.keyLength);
      c.records.write = new Tls13Protection(c.deps.crypto, aeadOf(h.info), clientKeys.key, clientKeys.iv, 'client handshake traffic keys');
      if (h.certificateRequest) await sendClientAuthentication(c, h.certificateRequest, h.info.hash);
      const clientVerifyData = h.schedule.finished('client_handshake_traffic_secret', h.hs.client, c.transcript.hash(h.info.hash));
      await c.sendHandshake([encodeFinished(clientVerifyData)]);
      const clientApp = h.schedule.trafficKeys('client_application_traffic_secret_0', app.client, h.info.keyLength);
      c.records.write = new Tls13Protection(c.deps.crypto, aeadOf(h.info), clientApp.key, clientApp.iv, 'client application traffic keys');
      c.state = 'connected';
      c.summary.handshakeCompleteAtMs = c.deps.now();
      c.emit({ direction: 'local', layer: 'verdict', kind: 'handshake-complete', data: { version: 'TLSv1.3', cipherSuite: h.suite, group: c.summary.group, renegotiation: false } });
      return traffic13(c, { ...h, app: { client: app.client, server: app.server, generation: 0 } });
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
}

function traffic13(c: Common, t: Traffic13): State {
  return {
    name: 'Traffic',
    async handle(m) {
      switch (m.type) {
        case 'new_session_ticket':
          c.parse(m, (r) => readNewSessionTicket(r, true));
          return this;
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
          throw new TlsAlertError('unexpected_message', `unexpected ${m.type} after the TLS 1.3 handshake`);
      }
    },
  };
}

async function handlePostHandshakeCertificateRequest(c: Common, t: Traffic13, m: HandshakeIn, traffic: State): Promise<State> {
  c.summary.postHandshakeAuthRequested = true;
  const request = c.parse(m, (r) => readCertificateRequest13(r));
  // RFC 8446 §4.6.2: without post_handshake_auth in the ClientHello this message is a protocol violation.
  if (!c.options.postHandshakeAuth) {
    throw new TlsAlertError('unexpected_message', 'the server sent a post-handshake CertificateRequest, but this client did not offer post_handshake_auth');
  }
  if (!request.context.length) throw new TlsAlertError('illegal_parameter', 'post-handshake CertificateRequest with an empty context (RFC 8446 §4.3.2)');
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

