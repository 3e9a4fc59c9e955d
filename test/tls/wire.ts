/**
 * Hand-built TLS bytes for scripted servers and for checking what the client sent. Deliberately
 * independent of lib/tls (a test that used the engine's own encoder to check the engine would prove
 * nothing): every length here is counted by hand from RFC 8446 §4 / RFC 5246 §7.4.
 */
import type { Socket } from 'node:net';

export const u8 = (n: number) => Buffer.from([n & 0xff]);
export const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
export const u24 = (n: number) => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
export const vec8 = (...parts: Buffer[]) => Buffer.concat([u8(Buffer.concat(parts).length), ...parts]);
export const vec16 = (...parts: Buffer[]) => Buffer.concat([u16(Buffer.concat(parts).length), ...parts]);
export const vec24 = (...parts: Buffer[]) => Buffer.concat([u24(Buffer.concat(parts).length), ...parts]);

export const CONTENT = { change_cipher_spec: 20, alert: 21, handshake: 22, application_data: 23 } as const;
export const HANDSHAKE = { hello_request: 0, client_hello: 1, server_hello: 2, new_session_ticket: 4, encrypted_extensions: 8, certificate: 11, server_key_exchange: 12, certificate_request: 13, server_hello_done: 14, certificate_verify: 15, client_key_exchange: 16, finished: 20 } as const;
export const EXTENSION = { server_name: 0, supported_groups: 10, signature_algorithms: 13, alpn: 16, extended_master_secret: 23, session_ticket: 35, supported_versions: 43, cookie: 44, key_share: 51, renegotiation_info: 0xff01 } as const;

/** RFC 8446 §4.1.3: the random of a HelloRetryRequest. */
export const HELLO_RETRY_REQUEST_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

export function record(type: number, body: Buffer, version = 0x0303): Buffer {
  return Buffer.concat([u8(type), u16(version), u16(body.length), body]);
}

export function handshake(type: number, body: Buffer): Buffer {
  return Buffer.concat([u8(type), u24(body.length), body]);
}

export function extension(type: number, data: Buffer): Buffer {
  return Buffer.concat([u16(type), vec16(data)]);
}

export interface ServerHelloSpec {
  random?: Buffer;
  sessionId?: Buffer;
  cipherSuite: number;
  extensions?: Buffer[];
  version?: number;
}

export function serverHello(s: ServerHelloSpec): Buffer {
  return handshake(
    HANDSHAKE.server_hello,
    Buffer.concat([u16(s.version ?? 0x0303), s.random ?? Buffer.alloc(32, 0x5a), vec8(s.sessionId ?? Buffer.alloc(0)), u16(s.cipherSuite), u8(0), ...(s.extensions ? [vec16(...s.extensions)] : [])]),
  );
}

export interface ClientHelloView {
  random: Buffer;
  sessionId: Buffer;
  cipherSuites: number[];
  /** Extension type → data, in the order sent. */
  extensions: Map<number, Buffer>;
}

/** Parses a ClientHello handshake message (type byte first). */
export function parseClientHello(message: Buffer): ClientHelloView {
  if (message[0] !== HANDSHAKE.client_hello) throw new Error(`not a ClientHello (type ${message[0]})`);
  let off = 4 + 2;
  const random = message.subarray(off, off + 32);
  off += 32;
  const sessionId = message.subarray(off + 1, off + 1 + message[off]);
  off += 1 + message[off];
  const suitesLength = message.readUInt16BE(off);
  const cipherSuites: number[] = [];
  for (let i = 0; i < suitesLength; i += 2) cipherSuites.push(message.readUInt16BE(off + 2 + i));
  off += 2 + suitesLength;
  off += 1 + message[off];
  const extensions = new Map<number, Buffer>();
  const end = off + 2 + message.readUInt16BE(off);
  off += 2;
  while (off < end) {
    const type = message.readUInt16BE(off);
    const length = message.readUInt16BE(off + 2);
    extensions.set(type, message.subarray(off + 4, off + 4 + length));
    off += 4 + length;
  }
  return { random, sessionId, cipherSuites, extensions };
}

/** The groups of the key_share entries of a ClientHello's key_share extension. */
export function keyShareGroups(data: Buffer): number[] {
  const out: number[] = [];
  let off = 2;
  while (off < data.length) {
    out.push(data.readUInt16BE(off));
    off += 4 + data.readUInt16BE(off + 2);
  }
  return out;
}

export interface PlainRecord {
  type: number;
  version: number;
  body: Buffer;
}

/** Splits a byte stream into records (complete ones only). */
export function splitRecords(bytes: Buffer): PlainRecord[] {
  const out: PlainRecord[] = [];
  let off = 0;
  while (off + 5 <= bytes.length) {
    const length = bytes.readUInt16BE(off + 3);
    if (off + 5 + length > bytes.length) break;
    out.push({ type: bytes[off], version: bytes.readUInt16BE(off + 1), body: bytes.subarray(off + 5, off + 5 + length) });
    off += 5 + length;
  }
  return out;
}

/** Resolves with the next complete unencrypted ClientHello the socket delivers (one record). */
export function readClientHello(socket: Socket, buffered: { bytes: Buffer } = { bytes: Buffer.alloc(0) }): Promise<ClientHelloView & { message: Buffer }> {
  return new Promise((resolve, reject) => {
    const tryParse = () => {
      const records = splitRecords(buffered.bytes);
      const hs = records.find((r) => r.type === CONTENT.handshake);
      if (!hs) return false;
      let consumed = 0;
      for (const r of records) {
        consumed += 5 + r.body.length;
        if (r === hs) break;
      }
      buffered.bytes = buffered.bytes.subarray(consumed);
      socket.off('data', onData);
      resolve({ ...parseClientHello(hs.body), message: hs.body });
      return true;
    };
    const onData = (d: Buffer) => {
      buffered.bytes = Buffer.concat([buffered.bytes, d]);
      tryParse();
    };
    if (tryParse()) return;
    socket.on('data', onData);
    socket.once('close', () => reject(new Error('the client closed before sending a ClientHello')));
  });
}
