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
 * The running hash of the handshake messages (RFC 8446 §4.4.1). It keeps the messages, because the
 * hash is only known once the cipher suite is chosen and a HelloRetryRequest replaces ClientHello1
 * by a synthetic message_hash; once a hash has been asked for, it also keeps that hash's running
 * state, so each later digest costs only the messages added since.
 */
export class Transcript {
  private messages: Uint8Array[] = [];
  private readonly running = new Map<HashName, ReturnType<(typeof hashes)[HashName]['create']>>();

  add(message: Uint8Array): void {
    this.messages.push(message);
    for (const state of this.running.values()) state.update(message);
  }

  hash(hash: HashName): Uint8Array {
    let state = this.running.get(hash);
    if (!state) {
      state = hashes[hash].create();
      for (const m of this.messages) state.update(m);
      this.running.set(hash, state);
    }
    return state.clone().digest();
  }

  /** RFC 8446 §4.4.1: after a HelloRetryRequest, ClientHello1 becomes message_hash(Hash(ClientHello1)). */
  replaceWithMessageHash(hash: HashName): void {
    const digestOfAll = this.hash(hash);
    this.messages = [concat(new Uint8Array([254, 0, 0, digestOfAll.length]), digestOfAll)];
    this.running.clear();
  }

  /** All messages so far, concatenated (TLS 1.2 session hash and CertificateVerify). */
  bytes(): Uint8Array {
    return concat(...this.messages);
  }

  clone(): Transcript {
    const copy = new Transcript();
    copy.messages = [...this.messages];
    for (const [name, state] of this.running) copy.running.set(name, state.clone());
    return copy;
  }

  reset(): void {
    this.messages = [];
    this.running.clear();
  }
}
