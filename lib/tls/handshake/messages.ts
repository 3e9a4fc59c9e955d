import type { SignatureSchemeName } from '../crypto/provider';
import { said } from '../diagnostics';
import { TlsAlertError } from '../errors';
import { cipherSuites, groups, signatureSchemes, type CipherSuiteName } from '../registry/crypto';
import { handshakeTypes, protocolVersions, type HandshakeType } from '../registry/protocol';
import { equalBytes, toHex } from '../wire/bytes';
import type { Field } from '../wire/field';
import { sizeValue, EMPTY_VALUE } from '../wire/field';
import { Reader } from '../wire/reader';
import { Writer } from '../wire/writer';
import { readExtensions, writeExtensionList, type ExtensionWriter, type ServerExtensions } from './extensions';

/** RFC 8446 §4.1.3: a ServerHello with this random is a HelloRetryRequest. */
export const HELLO_RETRY_REQUEST_RANDOM = new Uint8Array([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/** RFC 8446 §4.1.3: the last 8 bytes of ServerHello.random when a TLS 1.3 server negotiates 1.2 / 1.1. */
export const DOWNGRADE_TLS12 = new Uint8Array([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]);
export const DOWNGRADE_TLS11 = new Uint8Array([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00]);

/** A handshake message as it was on the wire: its bytes (header included) and their annotation. */
export interface EncodedMessage {
  type: HandshakeType;
  bytes: Uint8Array;
  field: Field;
}

const TITLES: Record<HandshakeType, string> = {
  hello_request: 'HelloRequest',
  client_hello: 'ClientHello',
  server_hello: 'ServerHello',
  new_session_ticket: 'NewSessionTicket',
  end_of_early_data: 'EndOfEarlyData',
  encrypted_extensions: 'EncryptedExtensions',
  certificate: 'Certificate',
  server_key_exchange: 'ServerKeyExchange',
  certificate_request: 'CertificateRequest',
  server_hello_done: 'ServerHelloDone',
  certificate_verify: 'CertificateVerify',
  client_key_exchange: 'ClientKeyExchange',
  finished: 'Finished',
  key_update: 'KeyUpdate',
  message_hash: 'message_hash',
};

export function messageTitle(type: HandshakeType): string {
  return TITLES[type];
}

const RFC: Partial<Record<HandshakeType, string>> = {
  hello_request: 'RFC 5246 §7.4.1.1',
  client_hello: 'RFC 8446 §4.1.2',
  server_hello: 'RFC 8446 §4.1.3',
  new_session_ticket: 'RFC 8446 §4.6.1',
  end_of_early_data: 'RFC 8446 §4.5',
  encrypted_extensions: 'RFC 8446 §4.3.1',
  certificate: 'RFC 8446 §4.4.2',
  server_key_exchange: 'RFC 8422 §5.4',
  certificate_request: 'RFC 8446 §4.3.2',
  server_hello_done: 'RFC 5246 §7.4.5',
  certificate_verify: 'RFC 8446 §4.4.3',
  client_key_exchange: 'RFC 5246 §7.4.7',
  finished: 'RFC 8446 §4.4.4',
  key_update: 'RFC 8446 §4.6.3',
};

export function messageRfc(type: HandshakeType): string | undefined {
  return RFC[type];
}

/** Writes msg_type, the 3-byte length and the body (RFC 8446 §4). */
export function encodeMessage(type: HandshakeType, body: (w: Writer) => void): EncodedMessage {
  const code = handshakeTypes.code(type);
  const w = new Writer(TITLES[type], { rfc: RFC[type] });
  w.u8('msg_type', code, { value: handshakeTypes.describe(code) });
  w.prefixed('length', 3, body);
  const { bytes, field } = w.finish();
  return { type, bytes, field };
}

export interface ClientHelloParams {
  random: Uint8Array;
  legacySessionId: Uint8Array;
  /** Cipher suite codepoints (numbers allow reproducing another client's hello). */
  cipherSuites: (CipherSuiteName | number)[];
  extensions: ExtensionWriter[];
}

export function encodeClientHello(p: ClientHelloParams): EncodedMessage {
  return encodeMessage('client_hello', (w) => {
    w.u16('legacy_version', 0x0303, { value: '0x0303 (TLS 1.2)', rfc: 'RFC 8446 §4.1.2' });
    w.bytes('random', p.random, { value: toHex(p.random) });
    w.opaque('legacy_session_id', 1, p.legacySessionId, {
      ...(p.legacySessionId.length ? sizeValue(p.legacySessionId.length) : EMPTY_VALUE),
    });
    w.vector('cipher_suites', 2, () => {
      for (const s of p.cipherSuites) {
        const code = typeof s === 'number' ? s : cipherSuites.code(s);
        w.u16('cipher_suite', code, { value: cipherSuites.describe(code) });
      }
    });
    w.vector('legacy_compression_methods', 1, () => w.u8('compression_method', 0, { value: 'null (0)' }));
    writeExtensionList(w, p.extensions);
  });
}

/** Splits a handshake message header; the reader is positioned at msg_type. */
export function readMessage<T>(bytes: Uint8Array, annotateBody: (r: Reader, type: HandshakeType) => T): { type: HandshakeType; value: T; field: Field } {
  const typeCode = bytes[0];
  const type = handshakeTypes.name(typeCode);
  if (!type) throw new TlsAlertError('unexpected_message', said('wire.unknownMessage', { type: typeCode }));
  const r = new Reader(bytes, TITLES[type], { rfc: RFC[type] });
  r.u8('msg_type', (v) => ({ value: handshakeTypes.describe(v) }));
  const value = r.prefixed('length', 3, () => annotateBody(r, type));
  r.end();
  return { type, value, field: r.field };
}

export interface ServerHello {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compression: number;
  extensions: ServerExtensions;
  isHelloRetryRequest: boolean;
}

export function readServerHello(r: Reader): ServerHello {
  const legacyVersion = r.u16('legacy_version', (v) => ({ value: protocolVersions.describe(v) }));
  const random = r.bytes('random', 32, (b) => ({
    value: toHex(b),
  }));
  const isHelloRetryRequest = equalBytes(random, HELLO_RETRY_REQUEST_RANDOM);
  const sessionId = r.opaque('legacy_session_id_echo', 1, (b) => (b.length ? sizeValue(b.length) : EMPTY_VALUE), 0, 32);
  const cipherSuite = r.u16('cipher_suite', (v) => ({ value: cipherSuites.describe(v) }));
  const compression = r.u8('legacy_compression_method', (v) => ({ value: v === 0 ? 'null (0)' : String(v) }));
  const extensions = readExtensions(r, isHelloRetryRequest ? 'hello_retry_request' : 'server_hello');
  return { legacyVersion, random, sessionId, cipherSuite, compression, extensions, isHelloRetryRequest };
}

export interface CertificateEntry {
  der: Uint8Array;
  /** TLS 1.3: the extension types of the entry (RFC 8446 §4.4.2). */
  extensions?: number[];
}

export interface CertificateMessage {
  context: Uint8Array;
  entries: CertificateEntry[];
}

/** RFC 8446 §4.4.2 (tls13) / RFC 5246 §7.4.2. `annotateDer` lays the X.509 tree over each certificate. */
export function readCertificate(r: Reader, tls13: boolean, annotateDer: (der: Uint8Array) => Field | undefined): CertificateMessage {
  const context = tls13 ? r.opaque('certificate_request_context', 1, (b) => (b.length ? { value: toHex(b) } : EMPTY_VALUE)) : new Uint8Array(0);
  const entries: CertificateEntry[] = [];
  r.vector('certificate_list', 3, () => {
    while (!r.atEnd) {
      r.struct(`CertificateEntry ${entries.length}`, () => {
        const der = r.prefixed('cert_data_length', 3, () => r.embedded('cert_data', r.remaining, annotateDer));
        if (der.length === 0) throw new TlsAlertError('decode_error', said('wire.emptyCertificate'));
        const extensions = tls13 ? readExtensions(r, 'certificate').seen : undefined;
        entries.push({ der, extensions });
      });
    }
  });
  return { context, entries };
}

/** The client's Certificate (RFC 8446 §4.4.2 / RFC 5246 §7.4.6); an empty list when it has none to offer. */
export function encodeCertificate(chain: Uint8Array[], context: Uint8Array, tls13: boolean): EncodedMessage {
  return encodeMessage('certificate', (w) => {
    if (tls13) w.opaque('certificate_request_context', 1, context);
    w.vector('certificate_list', 3, () => {
      chain.forEach((der, i) =>
        w.struct(`CertificateEntry ${i}`, () => {
          w.opaque('cert_data', 3, der, { ...sizeValue(der.length) });
          if (tls13) w.vector('extensions', 2, () => {});
        }),
      );
    });
  });
}

export interface CertificateRequest {
  context: Uint8Array;
  signatureSchemes: number[];
  certificateTypes?: number[];
  authorities: Uint8Array[];
}

export function readCertificateRequest13(r: Reader): CertificateRequest {
  const context = r.opaque('certificate_request_context', 1, (b) => (b.length ? { value: toHex(b) } : EMPTY_VALUE));
  const ext = readExtensions(r, 'certificate_request');
  if (!ext.signatureAlgorithms) throw new TlsAlertError('missing_extension', said('wire.noSignatureAlgorithms'));
  return { context, signatureSchemes: ext.signatureAlgorithms, authorities: ext.certificateAuthorities ?? [] };
}

export function readCertificateRequest12(r: Reader): CertificateRequest {
  const certificateTypes: number[] = [];
  r.vector('certificate_types', 1, () => {
    while (!r.atEnd) certificateTypes.push(r.u8('certificate_type', (v) => ({ value: ({ 1: 'rsa_sign', 64: 'ecdsa_sign' } as Record<number, string>)[v] ?? String(v) })));
  });
  const schemes: number[] = [];
  r.vector('supported_signature_algorithms', 2, () => {
    while (!r.atEnd) schemes.push(r.u16('signature_scheme', (v) => ({ value: signatureSchemes.describe(v) })));
  });
  const authorities: Uint8Array[] = [];
  r.vector('certificate_authorities', 2, () => {
    while (!r.atEnd) authorities.push(r.opaque('DistinguishedName', 2, undefined, 1));
  });
  return { context: new Uint8Array(0), signatureSchemes: schemes, certificateTypes, authorities };
}

export interface CertificateVerify {
  scheme: number;
  signature: Uint8Array;
}

export function readCertificateVerify(r: Reader): CertificateVerify {
  const scheme = r.u16('algorithm', (v) => ({ value: signatureSchemes.describe(v) }));
  const signature = r.opaque('signature', 2, (b) => ({ ...sizeValue(b.length) }), 1);
  return { scheme, signature };
}

/** RFC 8446 §4.4.3 / RFC 5246 §7.4.8: the scheme's code point and the signature. */
export function encodeCertificateVerify(scheme: SignatureSchemeName, signature: Uint8Array): EncodedMessage {
  return encodeMessage('certificate_verify', (w) => {
    const code = signatureSchemes.code(scheme);
    w.u16('algorithm', code, { value: signatureSchemes.describe(code) });
    w.opaque('signature', 2, signature, { ...sizeValue(signature.length) });
  });
}

export function readFinished(r: Reader): Uint8Array {
  return r.rest('verify_data', (b) => ({ value: toHex(b) }));
}

/** RFC 8446 §4.4.4 / RFC 5246 §7.4.9: verify_data alone (lib/view says how each version computes it). */
export function encodeFinished(verifyData: Uint8Array): EncodedMessage {
  return encodeMessage('finished', (w) => w.bytes('verify_data', verifyData, { value: toHex(verifyData) }));
}

export interface NewSessionTicket {
  lifetimeSeconds: number;
  ticket: Uint8Array;
  /** TLS 1.3: added to the ticket's age to hide it from observers (RFC 8446 §4.6.1). */
  ageAdd: number;
  /** TLS 1.3: makes each ticket's PSK unique (RFC 8446 §4.6.1). */
  nonce: Uint8Array;
  /** TLS 1.3: the early_data extension's limit; absent when the ticket allows no 0-RTT data. */
  maxEarlyDataSize?: number;
}

/** RFC 8446 §4.6.1 (TLS 1.3) and RFC 5077 §3.3 (TLS 1.2: lifetime hint and ticket only). */
export function readNewSessionTicket(r: Reader, tls13: boolean): NewSessionTicket {
  const lifetimeSeconds = r.u32('ticket_lifetime', (v) => ({ value: `${v} s`, words: { say: 'seconds', n: v } }));
  let ageAdd = 0;
  let nonce: Uint8Array = new Uint8Array(0);
  if (tls13) {
    ageAdd = r.u32('ticket_age_add', (v) => ({ value: String(v) }));
    nonce = r.opaque('ticket_nonce', 1, (b) => (b.length ? { value: toHex(b) } : EMPTY_VALUE));
  }
  const ticket = r.opaque('ticket', 2, (b) => ({ ...sizeValue(b.length) }), tls13 ? 1 : 0);
  const extensions = tls13 ? readExtensions(r, 'new_session_ticket') : undefined;
  // RFC 8446 §4.6.1: a lifetime over seven days is not allowed.
  if (tls13 && lifetimeSeconds > 604800) throw new TlsAlertError('illegal_parameter', said('wire.lifetime', { seconds: lifetimeSeconds }));
  return { lifetimeSeconds, ticket, ageAdd, nonce, ...(extensions?.maxEarlyDataSize !== undefined ? { maxEarlyDataSize: extensions.maxEarlyDataSize } : {}) };
}

/** RFC 8446 §4.5: EndOfEarlyData, an empty message that ends the 0-RTT data. */
export function encodeEndOfEarlyData(): EncodedMessage {
  return encodeMessage('end_of_early_data', () => {});
}

export function readKeyUpdate(r: Reader): boolean {
  const v = r.u8('request_update', (v) => ({ value: v === 0 ? 'update_not_requested (0)' : v === 1 ? 'update_requested (1)' : String(v) }));
  if (v > 1) throw new TlsAlertError('illegal_parameter', said('wire.requestUpdate', { value: v }));
  return v === 1;
}

/** RFC 8446 §4.6.3: request_update asks the peer to update its sending keys too. */
export function encodeKeyUpdate(requestUpdate: boolean): EncodedMessage {
  return encodeMessage('key_update', (w) => w.u8('request_update', requestUpdate ? 1 : 0, { value: requestUpdate ? 'update_requested (1)' : 'update_not_requested (0)' }));
}

export interface ServerKeyExchange {
  group: number;
  publicKey: Uint8Array;
  /** The signed part: ServerECDHParams (RFC 8422 §5.4). */
  params: Uint8Array;
  scheme: number;
  signature: Uint8Array;
}

export function readServerKeyExchange(r: Reader): ServerKeyExchange {
  const start = r.offset;
  let group = 0;
  let publicKey: Uint8Array = new Uint8Array(0);
  r.struct('params', () => {
    const curveType = r.u8('curve_type', (v) => ({ value: v === 3 ? 'named_curve (3)' : String(v) }));
    if (curveType !== 3) throw new TlsAlertError('illegal_parameter', said('wire.curveType', { curveType }));
    group = r.u16('named_curve', (v) => ({ value: groups.describe(v) }));
    publicKey = r.opaque('public', 1, (b) => ({ ...sizeValue(b.length) }), 1);
  });
  const paramsEnd = r.offset;
  const scheme = r.u16('signature_algorithm', (v) => ({ value: signatureSchemes.describe(v) }));
  const signature = r.opaque('signature', 2, (b) => ({ ...sizeValue(b.length) }), 1);
  return { group, publicKey, params: r.slice(start, paramsEnd), scheme, signature };
}

/** RFC 5246 §7.4.7.1: the pre-master secret, encrypted to the server certificate's RSA key. */
export function encodeRsaClientKeyExchange(encryptedPreMaster: Uint8Array): EncodedMessage {
  return encodeMessage('client_key_exchange', (w) =>
    w.opaque('EncryptedPreMasterSecret', 2, encryptedPreMaster, { ...sizeValue(encryptedPreMaster.length) }),
  );
}

/** RFC 8422 §5.7: the client's ephemeral ECDH public key (ClientECDiffieHellmanPublic). */
export function encodeEcdhClientKeyExchange(publicKey: Uint8Array): EncodedMessage {
  return encodeMessage('client_key_exchange', (w) =>
    w.opaque('ecdh_Yc', 1, publicKey, { ...sizeValue(publicKey.length) }),
  );
}
