/**
 * What both backends share about the key-exchange groups: the wire sizes, how a private key is
 * drawn from the injected randomness, and which peer shares are rejected before any arithmetic.
 * Keeping this in one place is what makes the two backends agree byte for byte.
 */
import { p256, p384 } from '@noble/curves/nist.js';
import { said, type Diagnostic } from '../diagnostics';
import { TlsAlertError } from '../errors';
import type { GroupName, RandomSource } from './provider';
import type { EcCurve } from './spki';

/** FIPS 203 ML-KEM-768 sizes (Table 3). */
export const mlKem768 = { seedLength: 64, encapsulationKeyLength: 1184, ciphertextLength: 1088, sharedSecretLength: 32 } as const;

export const x25519KeyLength = 32;

/** The NIST groups and their curves (RFC 8446 §4.2.7). */
export const groupCurve: Partial<Record<GroupName, EcCurve>> = { secp256r1: 'P-256', secp384r1: 'P-384' };

const coordinateLength: Record<'P-256' | 'P-384', number> = { 'P-256': 32, 'P-384': 48 };
const curveOrder: Record<'P-256' | 'P-384', bigint> = { 'P-256': p256.Point.Fn.ORDER, 'P-384': p384.Point.Fn.ORDER };

/** Length of the key_exchange the server sends back for `group` (RFC 8446 §4.2.8.2, draft-ietf-tls-ecdhe-mlkem §4). */
export function serverShareLength(group: GroupName): number {
  switch (group) {
    case 'x25519':
      return x25519KeyLength;
    case 'secp256r1':
      return 65;
    case 'secp384r1':
      return 97;
    case 'X25519MLKEM768':
      return mlKem768.ciphertextLength + x25519KeyLength;
  }
}

export function invalidKeyShare(group: GroupName, why: Diagnostic): TlsAlertError {
  // RFC 8446 §4.2.8 and draft-ietf-tls-ecdhe-mlkem §4: an unusable peer share aborts the handshake.
  return new TlsAlertError('illegal_parameter', said('crypto.keyShare', { group, why }));
}

/**
 * Checks the shape of the server's key_exchange before it reaches any curve code: exact length,
 * and for the NIST curves the uncompressed form, the only one TLS 1.3 allows (RFC 8446 §4.2.8.2).
 */
export function checkServerShareShape(group: GroupName, peer: Uint8Array): void {
  const expected = serverShareLength(group);
  if (peer.length !== expected) throw invalidKeyShare(group, said('crypto.shareLength', { length: peer.length, expected }));
  if (groupCurve[group] && peer[0] !== 0x04) {
    throw invalidKeyShare(group, said('crypto.shareNotUncompressed', { byte: `0x${peer[0].toString(16).padStart(2, '0')}` }));
  }
}

/** Splits a hybrid server share into its ML-KEM ciphertext and X25519 key (mlkem first for 0x11EC). */
export function splitHybridServerShare(peer: Uint8Array): { ciphertext: Uint8Array; x25519: Uint8Array } {
  return { ciphertext: peer.subarray(0, mlKem768.ciphertextLength), x25519: peer.subarray(mlKem768.ciphertextLength) };
}

/**
 * A private scalar for P-256/P-384 taken straight from the random bytes, redrawing until it lies in
 * [1, n−1] (FIPS 186-5 §A.4.2, rejection sampling). So an injected private key is used as is.
 */
export function ecPrivateKeyFrom(curve: 'P-256' | 'P-384', random: RandomSource): Uint8Array {
  const L = coordinateLength[curve];
  for (let attempt = 0; attempt < 64; attempt++) {
    const candidate = random(L);
    if (candidate.length !== L) throw new Error(`random source returned ${candidate.length} bytes, not ${L}`);
    let v = 0n;
    for (const b of candidate) v = (v << 8n) | BigInt(b);
    if (v > 0n && v < curveOrder[curve]) return candidate.slice();
  }
  throw new Error(`random source gave no usable ${curve} private key in 64 draws`);
}

export function x25519PrivateKeyFrom(random: RandomSource): Uint8Array {
  const k = random(x25519KeyLength);
  if (k.length !== x25519KeyLength) throw new Error(`random source returned ${k.length} bytes, not 32`);
  return k.slice();
}

/** RFC 8446 §7.4.2 and RFC 7748 §6.1: an all-zero X25519 output means a low-order peer key. */
export function checkX25519Output(group: GroupName, shared: Uint8Array): Uint8Array {
  let acc = 0;
  for (const b of shared) acc |= b;
  if (acc === 0) throw invalidKeyShare(group, said('crypto.lowOrder'));
  return shared;
}
