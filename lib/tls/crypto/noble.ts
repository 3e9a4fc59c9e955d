/**
 * The pure-TypeScript backend over @noble/*. Always available, and deterministic: every private key,
 * salt and padding byte comes from the injected RandomSource, so a run can be replayed exactly.
 */
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { cbc, gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { said } from '../diagnostics';
import { TlsAlertError } from '../errors';
import { concat } from '../wire/bytes';
import { ecdsaDerToRaw } from './ecdsaSignature';
import {
  checkServerShareShape,
  checkX25519Output,
  ecPrivateKeyFrom,
  groupCurve,
  invalidKeyShare,
  mlKem768,
  splitHybridServerShare,
  x25519PrivateKeyFrom,
} from './groups';
import { parsePkcs8, type PrivateKeyInfo } from './pkcs8';
import type { AeadName, CryptoProvider, GroupName, KeyShare, RandomSource, SignatureSchemeName } from './provider';
import * as rsa from './rsa';
import { describeKey, hashLengthBytes, schemeFamily, schemeHash, schemeKeyMismatch, type SignatureHash } from './schemes';
import { curveFieldLength, parseSpki, type PublicKeyInfo } from './spki';

/** The secret half of a key share made by this backend. */
export interface NobleKeyShareSecret {
  backend: 'noble';
  /** X25519 or NIST private key (for the hybrid: the X25519 part). */
  privateKey: Uint8Array;
  /** ML-KEM-768 decapsulation key, for X25519MLKEM768 only. */
  mlKemDecapsulationKey?: Uint8Array;
}

const ecdsaCurves = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;

// --- key exchange ---

export function nobleKeyShare(group: GroupName, random: RandomSource): KeyShare {
  switch (group) {
    case 'x25519': {
      const privateKey = x25519PrivateKeyFrom(random);
      return share(group, x25519.getPublicKey(privateKey), { backend: 'noble', privateKey });
    }
    case 'secp256r1':
    case 'secp384r1': {
      const curve = groupCurve[group] as 'P-256' | 'P-384';
      const privateKey = ecPrivateKeyFrom(curve, random);
      return share(group, ecdsaCurves[curve].getPublicKey(privateKey, false), { backend: 'noble', privateKey });
    }
    case 'X25519MLKEM768': {
      // draft-ietf-tls-ecdhe-mlkem §3: client share = ML-KEM-768 encapsulation key ‖ X25519 public key.
      // The randomness is drawn in wire order: the 64-byte ML-KEM seed (d‖z, FIPS 203 §7.1), then X25519.
      const seed = random(mlKem768.seedLength);
      const { publicKey: encapsulationKey, secretKey } = ml_kem768.keygen(seed);
      const privateKey = x25519PrivateKeyFrom(random);
      return share(group, concat(encapsulationKey, x25519.getPublicKey(privateKey)), {
        backend: 'noble',
        privateKey,
        mlKemDecapsulationKey: secretKey,
      });
    }
  }
}

function share(group: GroupName, publicKey: Uint8Array, secret: NobleKeyShareSecret): KeyShare {
  return { group, publicKey, secret };
}

export function nobleX25519(group: GroupName, privateKey: Uint8Array, peer: Uint8Array): Uint8Array {
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(privateKey, peer);
  } catch {
    // noble refuses the low-order points before the ladder; they are exactly the all-zero outputs.
    return checkX25519Output(group, new Uint8Array(32));
  }
  return checkX25519Output(group, shared);
}

export function nobleDeriveSharedSecret(share: KeyShare, peer: Uint8Array): Uint8Array {
  const secret = share.secret as NobleKeyShareSecret;
  if (secret?.backend !== 'noble') throw new TlsAlertError('internal_error', said('crypto.foreignShare', { backend: 'noble' }));
  const { group } = share;
  checkServerShareShape(group, peer);
  switch (group) {
    case 'x25519':
      return nobleX25519(group, secret.privateKey, peer);
    case 'secp256r1':
    case 'secp384r1': {
      const curve = ecdsaCurves[groupCurve[group] as 'P-256' | 'P-384'];
      let point: Uint8Array;
      try {
        point = curve.getSharedSecret(secret.privateKey, peer, true);
      } catch {
        throw invalidKeyShare(group, said('crypto.notOnCurve'));
      }
      // RFC 8446 §7.4.2: the ECDH shared secret is the x-coordinate only.
      return point.slice(1);
    }
    case 'X25519MLKEM768': {
      const { ciphertext, x25519: peerX25519 } = splitHybridServerShare(peer);
      // draft-ietf-tls-ecdhe-mlkem §3: shared secret = ML-KEM shared secret ‖ X25519 shared secret.
      const mlKemSecret = ml_kem768.decapsulate(ciphertext, secret.mlKemDecapsulationKey as Uint8Array);
      return concat(mlKemSecret, nobleX25519(group, secret.privateKey, peerX25519));
    }
  }
}

// --- signatures ---

/** Parses the SPKI and checks that the scheme fits the key (illegal_parameter otherwise). */
export function keyForScheme(scheme: SignatureSchemeName, spki: Uint8Array): PublicKeyInfo {
  const key = parseSpki(spki);
  const mismatch = schemeKeyMismatch(scheme, key);
  if (mismatch) throw new TlsAlertError('illegal_parameter', mismatch);
  return key;
}

export function privateKeyForScheme(scheme: SignatureSchemeName, pkcs8: Uint8Array): PrivateKeyInfo {
  const key = parsePkcs8(pkcs8);
  const mismatch = schemeKeyMismatch(scheme, key);
  if (mismatch) throw new TlsAlertError('internal_error', said('crypto.clientKeyCannotSign', { why: mismatch }));
  return key;
}

export function nobleVerifyWithKey(scheme: SignatureSchemeName, key: PublicKeyInfo, message: Uint8Array, signature: Uint8Array): boolean {
  const hash = schemeHash(scheme) as SignatureHash;
  switch (key.algorithm) {
    case 'ec': {
      const raw = ecdsaDerToRaw(signature, curveFieldLength[key.curve]);
      if (!raw) return false;
      try {
        // The message is hashed with the scheme's hash, not the curve's default (prehash: false), and
        // high-S signatures are valid ECDSA (lowS: false): OpenSSL produces them.
        return ecdsaCurves[key.curve].verify(raw, rsa.digest(hash, message), key.point, { prehash: false, lowS: false, format: 'compact' });
      } catch {
        return false;
      }
    }
    case 'rsa':
    case 'rsa-pss':
      return schemeFamily(scheme) === 'rsa-pkcs1'
        ? rsa.verifyPkcs1(key, hash, message, signature)
        : // RFC 8446 §4.2.3: the PSS salt length equals the digest length.
          rsa.verifyPss(key, hash, message, signature, hashLengthBytes[hash]);
    case 'ed25519':
      try {
        // zip215: false is RFC 8032 §5.1.7 verification (canonical encodings), as OpenSSL does it.
        return ed25519.verify(signature, message, key.publicKey, { zip215: false });
      } catch {
        return false;
      }
  }
}

export function nobleSignWithKey(scheme: SignatureSchemeName, key: PrivateKeyInfo, message: Uint8Array, random: RandomSource): Uint8Array {
  const hash = schemeHash(scheme) as SignatureHash;
  switch (key.algorithm) {
    case 'ec':
      // RFC 6979 nonce hedged with injected randomness: deterministic for a given RandomSource.
      return ecdsaCurves[key.curve].sign(rsa.digest(hash, message), key.privateKey, {
        prehash: false,
        format: 'der',
        extraEntropy: random(32),
      });
    case 'rsa':
    case 'rsa-pss':
      return schemeFamily(scheme) === 'rsa-pkcs1'
        ? rsa.signPkcs1(key, hash, message)
        : rsa.signPss(key, hash, message, random(hashLengthBytes[hash]));
    case 'ed25519':
      return ed25519.sign(message, key.seed);
  }
}

export function rsaKeyForEncryption(spki: Uint8Array, plaintextLength: number): { n: bigint; e: bigint } {
  const key = parseSpki(spki);
  // RFC 5246 §7.4.7.1: the premaster secret is encrypted to the server certificate's RSA key.
  if (key.algorithm !== 'rsa') {
    throw new TlsAlertError('unsupported_certificate', said('crypto.rsaTransportKey', { key: describeKey(key) }));
  }
  // RFC 8017 §7.2.1: the message is at most k − 11 bytes.
  if (plaintextLength > rsa.modulusLength(key.n) - 11) {
    throw new TlsAlertError('unsupported_certificate', said('crypto.rsaTooSmall', { bits: key.bits, length: plaintextLength }));
  }
  return key;
}

// --- symmetric ---

const aeadKeyLength: Record<AeadName, number> = { 'AES-128-GCM': 16, 'AES-256-GCM': 32, 'CHACHA20-POLY1305': 32 };
export const aeadTagLength = 16;

/** Key and nonce sizes are the engine's responsibility; a wrong one is a bug, not a peer error. */
export function checkAeadInputs(aead: AeadName, key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== aeadKeyLength[aead]) throw new TlsAlertError('internal_error', said('crypto.aeadKey', { aead, need: aeadKeyLength[aead], length: key.length }));
  // RFC 8446 §5.3 / RFC 5288 §3 / RFC 7905 §2: all three AEADs use a 12-byte nonce.
  if (nonce.length !== 12) throw new TlsAlertError('internal_error', said('crypto.aeadNonce', { aead, length: nonce.length }));
}

export function checkCbcInputs(key: Uint8Array, iv: Uint8Array, data: Uint8Array): void {
  if (key.length !== 16 && key.length !== 32) throw new TlsAlertError('internal_error', said('crypto.cbcKey', { length: key.length }));
  if (iv.length !== 16) throw new TlsAlertError('internal_error', said('crypto.cbcIv', { length: iv.length }));
  if (data.length % 16 !== 0) throw new TlsAlertError('internal_error', said('crypto.cbcBlocks', { length: data.length }));
}

function aeadCipher(aead: AeadName, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array) {
  return aead === 'CHACHA20-POLY1305' ? chacha20poly1305(key, nonce, aad) : gcm(key, nonce, aad);
}

export function nobleSeal(aead: AeadName, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  checkAeadInputs(aead, key, nonce);
  return aeadCipher(aead, key, nonce, aad).encrypt(plaintext);
}

export function nobleOpen(aead: AeadName, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
  checkAeadInputs(aead, key, nonce);
  if (ciphertext.length < aeadTagLength) return null;
  try {
    return aeadCipher(aead, key, nonce, aad).decrypt(ciphertext);
  } catch {
    // The inputs were checked above, so the only failure left is the tag.
    return null;
  }
}

export function nobleCbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  checkCbcInputs(key, iv, data);
  return cbc(key, iv, { disablePadding: true }).encrypt(data);
}

export function nobleCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  checkCbcInputs(key, iv, data);
  return cbc(key, iv, { disablePadding: true }).decrypt(data);
}

export const nobleCrypto: CryptoProvider = {
  name: 'noble',
  async generateKeyShare(group, random) {
    return nobleKeyShare(group, random);
  },
  async deriveSharedSecret(share, peer) {
    return nobleDeriveSharedSecret(share, peer);
  },
  async verify(scheme, spki, message, signature) {
    return nobleVerifyWithKey(scheme, keyForScheme(scheme, spki), message, signature);
  },
  async sign(scheme, pkcs8, message, random) {
    return nobleSignWithKey(scheme, privateKeyForScheme(scheme, pkcs8), message, random);
  },
  async rsaEncryptPkcs1(spki, plaintext, random) {
    return rsa.encryptPkcs1(rsaKeyForEncryption(spki, plaintext.length), plaintext, random);
  },
  async seal(aead, key, nonce, aad, plaintext) {
    return nobleSeal(aead, key, nonce, aad, plaintext);
  },
  async open(aead, key, nonce, aad, ciphertext) {
    return nobleOpen(aead, key, nonce, aad, ciphertext);
  },
  async cbcEncrypt(key, iv, data) {
    return nobleCbcEncrypt(key, iv, data);
  },
  async cbcDecrypt(key, iv, data) {
    return nobleCbcDecrypt(key, iv, data);
  },
};

