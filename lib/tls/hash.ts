import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { hmac } from '@noble/hashes/hmac.js';
import { extract, expand } from '@noble/hashes/hkdf.js';
import type { HashName } from './registry/crypto';
import { concat, utf8 } from './wire/bytes';

export type MacHash = HashName | 'sha1';

const hashes = { sha256, sha384, sha1 } as const;

export function hashLength(hash: MacHash): number {
  return hashes[hash].outputLen;
}

export function digest(hash: MacHash, data: Uint8Array): Uint8Array {
  return hashes[hash](data);
}

export function hmacOf(hash: MacHash, key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(hashes[hash], key, data);
}

export function hkdfExtract(hash: HashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return extract(hashes[hash], ikm, salt);
}

/** RFC 8446 §7.1: HKDF-Expand-Label(Secret, Label, Context, Length) with the "tls13 " prefix. */
export function hkdfExpandLabel(hash: HashName, secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const fullLabel = utf8('tls13 ' + label);
  const info = concat(new Uint8Array([length >> 8, length & 0xff, fullLabel.length]), fullLabel, new Uint8Array([context.length]), context);
  return expand(hashes[hash], secret, info, length);
}

/**
 * The running hash of the handshake messages (RFC 8446 §4.4.1). It keeps the messages, not a hash
 * state, because the hash is only known once the cipher suite is chosen, and a HelloRetryRequest
 * replaces ClientHello1 by a synthetic message_hash.
 */
export class Transcript {
  private messages: Uint8Array[] = [];

  add(message: Uint8Array): void {
    this.messages.push(message);
  }

  hash(hash: HashName): Uint8Array {
    const h = hashes[hash].create();
    for (const m of this.messages) h.update(m);
    return h.digest();
  }

  /** RFC 8446 §4.4.1: after a HelloRetryRequest, ClientHello1 becomes message_hash(Hash(ClientHello1)). */
  replaceWithMessageHash(hash: HashName): void {
    const digestOfAll = this.hash(hash);
    this.messages = [concat(new Uint8Array([254, 0, 0, digestOfAll.length]), digestOfAll)];
  }

  /** All messages so far, concatenated (TLS 1.2 session hash and CertificateVerify). */
  bytes(): Uint8Array {
    return concat(...this.messages);
  }

  clone(): Transcript {
    const copy = new Transcript();
    copy.messages = [...this.messages];
    return copy;
  }

  reset(): void {
    this.messages = [];
  }
}
