/**
 * The SubtleCrypto backend. Public-key work (key shares, ECDH, signature verification and signing)
 * and AES run on the platform's native code, which is 5–25× faster than noble here; everything
 * WebCrypto lacks (ML-KEM, ChaCha20-Poly1305, RSAES-PKCS1-v1_5 encryption, and X25519/Ed25519 on
 * older browsers) runs on the noble backend. Results are identical: inputs are parsed and checked
 * by the same code as noble's, and whenever SubtleCrypto refuses an input noble decides.
 *
 * Key shares are generated natively by default and so are not replayable from the injected
 * randomness: importing a private key built from injected bytes measured 2–3× slower than native
 * generation (X25519 0.5 vs 0.2 ms, P-256 0.8 vs 0.25 ms, P-384 3.5 vs 1.0 ms on Node 20), more
 * than the whole handshake budget allows. Deterministic runs use the noble backend, or pass
 * `replayableKeyShares: true` to draw the private keys exactly as noble does.
 */
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { said } from '../diagnostics';
import { TlsAlertError } from '../errors';
import { concat, equalBytes, toHex } from '../wire/bytes';
import { ecdsaDerToRaw, ecdsaRawToDer } from './ecdsaSignature';
import { bigIntToBytes, bitLength } from './der';
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
import {
  aeadTagLength,
  checkAeadInputs,
  checkCbcInputs,
  keyForScheme,
  nobleCbcDecrypt,
  nobleCbcEncrypt,
  nobleCrypto,
  nobleDeriveSharedSecret,
  nobleKeyShare,
  nobleOpen,
  nobleSeal,
  nobleSignWithKey,
  nobleVerifyWithKey,
  privateKeyForScheme,
  type NobleKeyShareSecret,
} from './noble';
import type { PrivateKeyInfo } from './pkcs8';
import type { CryptoProvider, GroupName, KeyShare, RandomSource, SignatureSchemeName } from './provider';
import { hashLengthBytes, schemeFamily, schemeHash, type SignatureHash } from './schemes';
import { curveFieldLength, type PublicKeyInfo } from './spki';

export interface WebCryptoOptions {
  /**
   * Draw key-share private keys from the injected RandomSource (as the noble backend does, so the
   * same randomness gives the same public keys) and import them, instead of letting SubtleCrypto
   * generate them. Slower; for replays and cross-checks.
   */
  replayableKeyShares?: boolean;
  /**
   * AES-GCM records shorter than this run on noble: a SubtleCrypto call (a hop to its thread pool)
   * costs more than noble on a short record. Measured with the handshake benchmark (A/B in one
   * process, 400 runs each, the record layer opening a flight's records together): 256, 512 and
   * 1024 within noise of each other (1.93–1.97× Node), all of SubtleCrypto (0) clearly slower;
   * 1024 uses the least CPU. Tests set 0 to exercise SubtleCrypto on every size.
   */
  gcmWebCryptoMinBytes?: number;
}

/** Default for WebCryptoOptions.gcmWebCryptoMinBytes. */
export const gcmWebCryptoMinBytesDefault = 1024;

/** The secret half of a key share made by SubtleCrypto. */
export interface WebCryptoKeyShareSecret {
  backend: 'webcrypto';
  /** X25519 or ECDH private key (for the hybrid: the X25519 part). */
  privateKey: CryptoKey;
  mlKemDecapsulationKey?: Uint8Array;
}

/** AES-CBC runs on noble below this size: two SubtleCrypto calls cost more than noble on short records (bench/crypto.ts). */
export const cbcWebCryptoMinBytes = 2048;

const hashName: Record<SignatureHash, string> = { sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };
const ecPoints = { 'P-256': p256.Point, 'P-384': p384.Point, 'P-521': p521.Point } as const;

/** SubtleCrypto wants ArrayBuffer-backed views; the engine's bytes always are. */
function bs(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>;
}

function isNotSupported(e: unknown): boolean {
  // WebCrypto §18.4 "normalize an algorithm": an unknown algorithm or curve is a NotSupportedError.
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'NotSupportedError';
}

/** Fixed DER prefixes of PKCS#8 PrivateKeyInfo for a raw private key (RFC 5958, RFC 5915, RFC 8410). */
const pkcs8Prefix = {
  X25519: '302e020100300506032b656e04220420',
  Ed25519: '302e020100300506032b657004220420',
  'P-256': '3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420',
  'P-384': '304e020100301006072a8648ce3d020106052b81040022043730350201010430',
  'P-521': '3060020100301006072a8648ce3d020106052b81040023044930470201010442',
} as const;

function pkcs8Of(kind: keyof typeof pkcs8Prefix, privateKey: Uint8Array): Uint8Array<ArrayBuffer> {
  const prefix = pkcs8Prefix[kind];
  const out = new Uint8Array(prefix.length / 2 + privateKey.length);
  for (let i = 0; i < prefix.length / 2; i++) out[i] = parseInt(prefix.slice(2 * i, 2 * i + 2), 16);
  out.set(privateKey, prefix.length / 2);
  return out;
}

// --- base64url (RFC 4648 §5), for JWK ---

const b64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = i + 2 < bytes.length ? 4 : i + 1 < bytes.length ? 3 : 2;
    for (let c = 0; c < chars; c++) s += b64Alphabet[(n >> (18 - 6 * c)) & 63];
  }
  return s;
}

function fromBase64url(s: string): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of s) {
    const v = b64Alphabet.indexOf(ch);
    if (v < 0) throw new Error('invalid base64url');
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

/** A JWK integer: unsigned big-endian, no leading zero bytes (RFC 7518 §6.3). */
function jwkInt(v: bigint): string {
  return base64url(bigIntToBytes(v, Math.max(1, Math.ceil(bitLength(v) / 8))));
}

function rsaPublicJwk(key: { n: bigint; e: bigint }): JsonWebKey {
  return { kty: 'RSA', n: jwkInt(key.n), e: jwkInt(key.e), ext: true };
}

/** A small least-recently-used cache of imported keys (root and intermediate keys recur across runs). */
class KeyCache<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    const v = this.entries.get(k);
    if (v !== undefined) {
      this.entries.delete(k);
      this.entries.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.entries.delete(k);
    this.entries.set(k, v);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }
}

export function createWebCrypto(subtle: SubtleCrypto, options: WebCryptoOptions = {}): CryptoProvider {
  const gcmMinBytes = options.gcmWebCryptoMinBytes ?? gcmWebCryptoMinBytesDefault;
  /** Algorithms (with curve or hash) SubtleCrypto said it does not implement; asked once each. */
  const unsupported = new Set<string>();

  /** Runs `web` unless `feature` is known to be missing; on NotSupportedError remembers that and runs `fallback`. */
  async function tryNative<T>(feature: string, web: () => Promise<T>, fallback: () => T | Promise<T>): Promise<T> {
    if (unsupported.has(feature)) return fallback();
    try {
      return await web();
    } catch (e) {
      if (!isNotSupported(e)) throw e;
      unsupported.add(feature);
      return fallback();
    }
  }

  // --- key exchange ---

  async function nativeKeyPair(group: 'x25519' | 'secp256r1' | 'secp384r1', random: RandomSource): Promise<{ privateKey: CryptoKey; publicKey: Uint8Array }> {
    const algorithm: EcKeyImportParams | Algorithm =
      group === 'x25519' ? { name: 'X25519' } : { name: 'ECDH', namedCurve: groupCurve[group] as string };
    if (!options.replayableKeyShares) {
      const pair = (await subtle.generateKey(algorithm, false, ['deriveBits'])) as CryptoKeyPair;
      // The JWK export is read without a trip to the crypto thread in Node (raw is a job there):
      // about 0.08 ms less per share. Its coordinates are fixed-length (RFC 7518 §6.2.1.2).
      const publicKey = jwkPublicKey(group, await subtle.exportKey('jwk', pair.publicKey));
      return { privateKey: pair.privateKey, publicKey: publicKey ?? new Uint8Array(await subtle.exportKey('raw', pair.publicKey)) };
    }
    // Replayable: the same private key noble would draw, imported; the public key read back from the JWK.
    const kind = group === 'x25519' ? 'X25519' : (groupCurve[group] as 'P-256' | 'P-384');
    const raw = group === 'x25519' ? x25519PrivateKeyFrom(random) : ecPrivateKeyFrom(kind as 'P-256' | 'P-384', random);
    const privateKey = await subtle.importKey('pkcs8', pkcs8Of(kind, raw), algorithm, true, ['deriveBits']);
    const publicKey = jwkPublicKey(group, await subtle.exportKey('jwk', privateKey));
    if (!publicKey) throw new TlsAlertError('internal_error', said('crypto.malformedJwk', { group }));
    return { privateKey, publicKey };
  }

  /** The key share's wire form from a JWK: X25519's 32 bytes, or an uncompressed point 04 ‖ x ‖ y; undefined if malformed. */
  function jwkPublicKey(group: 'x25519' | 'secp256r1' | 'secp384r1', jwk: JsonWebKey): Uint8Array | undefined {
    const size = group === 'x25519' ? 32 : curveFieldLength[groupCurve[group] as 'P-256' | 'P-384'];
    const x = typeof jwk.x === 'string' ? fromBase64url(jwk.x) : undefined;
    if (x?.length !== size) return undefined;
    if (group === 'x25519') return x;
    const y = typeof jwk.y === 'string' ? fromBase64url(jwk.y) : undefined;
    return y?.length === size ? concat(Uint8Array.of(4), x, y) : undefined;
  }

  async function generateKeyShare(group: GroupName, random: RandomSource): Promise<KeyShare> {
    // A replayable share that SubtleCrypto cannot import (some browsers want the public key inside
    // PKCS#8) is made by noble from the same bytes, so the result does not change.
    const noble = () => nobleKeyShare(group, random);
    const feature = group === 'secp256r1' || group === 'secp384r1' ? `ECDH:${groupCurve[group]}` : 'X25519';
    if (unsupported.has(feature)) return noble();
    const fork = options.replayableKeyShares ? forkRandom(random) : undefined;
    try {
      if (group === 'X25519MLKEM768') {
        // draft-ietf-tls-ecdhe-mlkem §3: ML-KEM-768 encapsulation key ‖ X25519 public key. ML-KEM is
        // noble's (no WebCrypto yet); randomness is drawn in wire order, as in the noble backend.
        const r = fork?.random ?? random;
        const seed = r(mlKem768.seedLength);
        // SubtleCrypto works off the main thread: start X25519 first, run ML-KEM meanwhile.
        const pending = nativeKeyPair('x25519', r);
        pending.catch(() => undefined); // awaited below; keep an early failure from going unhandled
        const { publicKey: encapsulationKey, secretKey } = ml_kem768.keygen(seed);
        const pair = await pending;
        const secret: WebCryptoKeyShareSecret = { backend: 'webcrypto', privateKey: pair.privateKey, mlKemDecapsulationKey: secretKey };
        return { group, publicKey: concat(encapsulationKey, pair.publicKey), secret };
      }
      const pair = await nativeKeyPair(group, fork?.random ?? random);
      const secret: WebCryptoKeyShareSecret = { backend: 'webcrypto', privateKey: pair.privateKey };
      return { group, publicKey: pair.publicKey, secret };
    } catch (e) {
      if (isNotSupported(e)) unsupported.add(feature);
      // Any other failure is this one key's, not the algorithm's: WebKitGTK 2.50 (libgcrypt) fails
      // about one X25519 generateKey in 300 with an OperationError. A share is fresh randomness
      // either way, so noble's serves as well, and the next share tries SubtleCrypto again.
      // Replay the bytes the failed attempt drew so noble gets the same randomness.
      return fork ? nobleKeyShare(group, fork.replay()) : noble();
    }
  }

  async function nativeX25519(group: GroupName, privateKey: CryptoKey, peer: Uint8Array): Promise<Uint8Array> {
    let peerKey: CryptoKey;
    try {
      peerKey = await subtle.importKey('raw', bs(peer), { name: 'X25519' }, false, []);
    } catch {
      // Any 32 bytes are a valid X25519 public key (RFC 7748 §5); a refusal here is the platform's.
      throw invalidKeyShare(group, said('crypto.platformRefused'));
    }
    let shared: Uint8Array;
    try {
      shared = new Uint8Array(await subtle.deriveBits({ name: 'X25519', public: peerKey } as EcdhKeyDeriveParams, privateKey, 256));
    } catch {
      // OpenSSL (and the WebCrypto spec, since 2024) fail the derivation when the output is all zeros.
      return checkX25519Output(group, new Uint8Array(32));
    }
    return checkX25519Output(group, shared);
  }

  async function deriveSharedSecret(share: KeyShare, peer: Uint8Array): Promise<Uint8Array> {
    const secret = share.secret as WebCryptoKeyShareSecret | NobleKeyShareSecret;
    if (secret?.backend === 'noble') return nobleDeriveSharedSecret(share, peer);
    if (secret?.backend !== 'webcrypto') throw new TlsAlertError('internal_error', said('crypto.foreignShare', { backend: 'webcrypto' }));
    const { group } = share;
    checkServerShareShape(group, peer);
    switch (group) {
      case 'x25519':
        return nativeX25519(group, secret.privateKey, peer);
      case 'secp256r1':
      case 'secp384r1': {
        const curve = groupCurve[group] as 'P-256' | 'P-384';
        let peerKey: CryptoKey;
        try {
          peerKey = await subtle.importKey('raw', bs(peer), { name: 'ECDH', namedCurve: curve }, false, []);
        } catch {
          // The shape was checked above; SubtleCrypto refuses points that are not on the curve.
          throw invalidKeyShare(group, said('crypto.notOnCurve'));
        }
        // RFC 8446 §7.4.2: the x-coordinate, which is what ECDH deriveBits returns.
        const bits = curveFieldLength[curve] * 8;
        return new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: peerKey } as EcdhKeyDeriveParams, secret.privateKey, bits));
      }
      case 'X25519MLKEM768': {
        const { ciphertext, x25519 } = splitHybridServerShare(peer);
        // As in generateKeyShare: X25519 off the main thread while ML-KEM decapsulates here.
        const pending = nativeX25519(group, secret.privateKey, x25519);
        pending.catch(() => undefined);
        const mlKemSecret = ml_kem768.decapsulate(ciphertext, secret.mlKemDecapsulationKey as Uint8Array);
        return concat(mlKemSecret, await pending);
      }
    }
  }

  // --- signatures ---

  const verifyKeys = new KeyCache<CryptoKey>(64);

  async function importVerifyKey(key: PublicKeyInfo, spki: Uint8Array, algorithm: RsaHashedImportParams | EcKeyImportParams | Algorithm): Promise<CryptoKey> {
    const cacheKey = `${JSON.stringify(algorithm)}|${toHex(spki)}`;
    const cached = verifyKeys.get(cacheKey);
    if (cached) return cached;
    let imported: CryptoKey;
    switch (key.algorithm) {
      case 'ec': {
        // SubtleCrypto imports uncompressed points only everywhere; expand a compressed one.
        const point = key.point[0] === 0x04 ? key.point : ecPoints[key.curve].fromBytes(key.point).toBytes(false);
        imported = await subtle.importKey('raw', bs(point), algorithm, false, ['verify']);
        break;
      }
      case 'rsa':
      case 'rsa-pss':
        // JWK, not SPKI: browsers do not import id-RSASSA-PSS SubjectPublicKeyInfo.
        imported = await subtle.importKey('jwk', rsaPublicJwk(key), algorithm, false, ['verify']);
        break;
      case 'ed25519':
        imported = await subtle.importKey('raw', bs(key.publicKey), algorithm, false, ['verify']);
        break;
    }
    verifyKeys.set(cacheKey, imported);
    return imported;
  }

  async function verify(scheme: SignatureSchemeName, spki: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
    const key = keyForScheme(scheme, spki);
    const noble = () => nobleVerifyWithKey(scheme, key, message, signature);
    const hash = schemeHash(scheme) as SignatureHash;
    let importParams: RsaHashedImportParams | EcKeyImportParams | Algorithm;
    let verifyParams: EcdsaParams | RsaPssParams | Algorithm;
    let sig = signature;
    switch (key.algorithm) {
      case 'ec': {
        const raw = ecdsaDerToRaw(signature, curveFieldLength[key.curve]);
        if (!raw) return false;
        sig = raw;
        importParams = { name: 'ECDSA', namedCurve: key.curve };
        verifyParams = { name: 'ECDSA', hash: hashName[hash] };
        break;
      }
      case 'rsa':
      case 'rsa-pss':
        if (schemeFamily(scheme) === 'rsa-pkcs1') {
          importParams = { name: 'RSASSA-PKCS1-v1_5', hash: hashName[hash] };
          verifyParams = { name: 'RSASSA-PKCS1-v1_5' };
        } else {
          importParams = { name: 'RSA-PSS', hash: hashName[hash] };
          // RFC 8446 §4.2.3: salt length = digest length.
          verifyParams = { name: 'RSA-PSS', saltLength: hashLengthBytes[hash] } as RsaPssParams;
        }
        break;
      case 'ed25519':
        importParams = { name: 'Ed25519' };
        verifyParams = { name: 'Ed25519' };
        break;
    }
    const feature = `${importParams.name}:${(importParams as EcKeyImportParams).namedCurve ?? (importParams as RsaHashedImportParams).hash ?? ''}`;
    return tryNative(
      feature,
      async () => {
        let cryptoKey: CryptoKey;
        try {
          cryptoKey = await importVerifyKey(key, spki, importParams);
        } catch (e) {
          if (isNotSupported(e)) throw e;
          // SubtleCrypto refused this particular key (off-curve point, odd RSA size): noble decides.
          return noble();
        }
        try {
          return await subtle.verify(verifyParams, cryptoKey, bs(sig), bs(message));
        } catch (e) {
          if (isNotSupported(e)) throw e;
          return noble();
        }
      },
      noble,
    );
  }

  const signKeys = new KeyCache<CryptoKey>(8);

  async function sign(scheme: SignatureSchemeName, pkcs8: Uint8Array, message: Uint8Array, random: RandomSource): Promise<Uint8Array> {
    const key = privateKeyForScheme(scheme, pkcs8);
    const hash = schemeHash(scheme) as SignatureHash;
    const noble = () => nobleSignWithKey(scheme, key, message, random);
    let importFormat: 'pkcs8' | 'jwk';
    let keyData: Uint8Array<ArrayBuffer> | JsonWebKey;
    let importParams: RsaHashedImportParams | EcKeyImportParams | Algorithm;
    let signParams: EcdsaParams | RsaPssParams | Algorithm;
    switch (key.algorithm) {
      case 'ec':
        // Re-encoded minimally: browsers differ on which optional ECPrivateKey fields they accept.
        importFormat = 'pkcs8';
        keyData = pkcs8Of(key.curve, key.privateKey);
        importParams = { name: 'ECDSA', namedCurve: key.curve };
        signParams = { name: 'ECDSA', hash: hashName[hash] };
        break;
      case 'rsa':
      case 'rsa-pss':
        importFormat = 'jwk';
        keyData = rsaPrivateJwk(key);
        if (schemeFamily(scheme) === 'rsa-pkcs1') {
          importParams = { name: 'RSASSA-PKCS1-v1_5', hash: hashName[hash] };
          signParams = { name: 'RSASSA-PKCS1-v1_5' };
        } else {
          importParams = { name: 'RSA-PSS', hash: hashName[hash] };
          signParams = { name: 'RSA-PSS', saltLength: hashLengthBytes[hash] } as RsaPssParams;
        }
        break;
      case 'ed25519':
        importFormat = 'pkcs8';
        keyData = pkcs8Of('Ed25519', key.seed);
        importParams = { name: 'Ed25519' };
        signParams = { name: 'Ed25519' };
        break;
    }
    const feature = `${importParams.name}:${(importParams as EcKeyImportParams).namedCurve ?? (importParams as RsaHashedImportParams).hash ?? ''}`;
    return tryNative(
      feature,
      async () => {
        let signature: Uint8Array;
        try {
          // The client-certificate key recurs across runs; its import (PKCS#8 EC import is the slow
          // part) is cached under a digest of the key, so the cache holds no copy of it.
          const cacheKey = `${JSON.stringify(importParams)}|${toHex(sha256(pkcs8))}`;
          let cryptoKey = signKeys.get(cacheKey);
          if (!cryptoKey) {
            cryptoKey =
              importFormat === 'jwk'
                ? await subtle.importKey('jwk', keyData as JsonWebKey, importParams, false, ['sign'])
                : await subtle.importKey('pkcs8', keyData as Uint8Array<ArrayBuffer>, importParams, false, ['sign']);
            signKeys.set(cacheKey, cryptoKey);
          }
          signature = new Uint8Array(await subtle.sign(signParams, cryptoKey, bs(message)));
        } catch (e) {
          if (isNotSupported(e)) throw e;
          return noble();
        }
        // WebCrypto ECDSA signatures are r‖s; TLS wants DER (RFC 8446 §4.2.3).
        return key.algorithm === 'ec' ? ecdsaRawToDer(signature) : signature;
      },
      noble,
    );
  }

  // --- symmetric ---

  /** Imported AES keys, by the key array the record layer keeps (checked against a copy). */
  const aesKeys = new WeakMap<Uint8Array, { copy: Uint8Array; gcm?: Promise<CryptoKey>; cbc?: Promise<CryptoKey> }>();

  function aesKey(key: Uint8Array, mode: 'gcm' | 'cbc'): Promise<CryptoKey> {
    let entry = aesKeys.get(key);
    if (!entry || !equalBytes(entry.copy, key)) {
      entry = { copy: key.slice() };
      aesKeys.set(key, entry);
    }
    const name = mode === 'gcm' ? 'AES-GCM' : 'AES-CBC';
    let imported = entry[mode];
    if (!imported) {
      imported = subtle.importKey('raw', bs(entry.copy), { name }, false, ['encrypt', 'decrypt']);
      // A failed import must not poison the cache.
      imported.catch(() => {
        if (entry) entry[mode] = undefined;
      });
      entry[mode] = imported;
    }
    return imported;
  }

  return {
    name: 'webcrypto',
    generateKeyShare,
    deriveSharedSecret,
    verify,
    sign,

    // WebCrypto has no RSAES-PKCS1-v1_5 (only OAEP); the public-key operation is cheap anyway.
    rsaEncryptPkcs1: (spki, plaintext, random) => nobleCrypto.rsaEncryptPkcs1(spki, plaintext, random),

    async seal(aead, key, nonce, aad, plaintext) {
      if (aead === 'CHACHA20-POLY1305') return nobleSeal(aead, key, nonce, aad, plaintext);
      checkAeadInputs(aead, key, nonce);
      if (plaintext.length < gcmMinBytes) return nobleSeal(aead, key, nonce, aad, plaintext);
      return tryNative(
        'AES-GCM',
        async () =>
          new Uint8Array(
            await subtle.encrypt({ name: 'AES-GCM', iv: bs(nonce), additionalData: bs(aad), tagLength: 128 }, await aesKey(key, 'gcm'), bs(plaintext)),
          ),
        () => nobleSeal(aead, key, nonce, aad, plaintext),
      );
    },

    async open(aead, key, nonce, aad, ciphertext) {
      if (aead === 'CHACHA20-POLY1305') return nobleOpen(aead, key, nonce, aad, ciphertext);
      checkAeadInputs(aead, key, nonce);
      if (ciphertext.length < aeadTagLength) return null;
      if (ciphertext.length < gcmMinBytes) return nobleOpen(aead, key, nonce, aad, ciphertext);
      return tryNative(
        'AES-GCM',
        async () => {
          const cryptoKey = await aesKey(key, 'gcm');
          try {
            return new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv: bs(nonce), additionalData: bs(aad), tagLength: 128 }, cryptoKey, bs(ciphertext)));
          } catch (e) {
            if (isNotSupported(e)) throw e;
            // The inputs were checked, so an OperationError here is the tag failing (WebCrypto §27.4.4).
            return null;
          }
        },
        () => nobleOpen(aead, key, nonce, aad, ciphertext),
      );
    },

    async cbcEncrypt(key, iv, data) {
      checkCbcInputs(key, iv, data);
      if (data.length < cbcWebCryptoMinBytes) return nobleCbcEncrypt(key, iv, data);
      return tryNative(
        'AES-CBC',
        async () => {
          // WebCrypto always appends PKCS#7 padding: a whole extra block here, which is dropped.
          const out = await subtle.encrypt({ name: 'AES-CBC', iv: bs(iv) }, await aesKey(key, 'cbc'), bs(data));
          return new Uint8Array(out, 0, data.length);
        },
        () => nobleCbcEncrypt(key, iv, data),
      );
    },

    async cbcDecrypt(key, iv, data) {
      checkCbcInputs(key, iv, data);
      if (data.length < cbcWebCryptoMinBytes) return nobleCbcDecrypt(key, iv, data);
      return tryNative(
        'AES-CBC',
        async () => {
          const cryptoKey = await aesKey(key, 'cbc');
          // WebCrypto insists on removing PKCS#7 padding. Append the block that decrypts to a full
          // padding block: the CBC encryption of nothing, chained from the last ciphertext block.
          const lastBlock = data.subarray(data.length - 16);
          const paddingBlock = new Uint8Array(await subtle.encrypt({ name: 'AES-CBC', iv: bs(lastBlock.slice()) }, cryptoKey, new Uint8Array(0)));
          return new Uint8Array(await subtle.decrypt({ name: 'AES-CBC', iv: bs(iv) }, cryptoKey, bs(concat(data, paddingBlock))));
        },
        () => nobleCbcDecrypt(key, iv, data),
      );
    },
  };
}

function rsaPrivateJwk(key: Extract<PrivateKeyInfo, { algorithm: 'rsa' | 'rsa-pss' }>): JsonWebKey {
  return {
    kty: 'RSA',
    n: jwkInt(key.n),
    e: jwkInt(key.e),
    d: jwkInt(key.d),
    p: jwkInt(key.p),
    q: jwkInt(key.q),
    dp: jwkInt(key.dp),
    dq: jwkInt(key.dq),
    qi: jwkInt(key.qi),
    ext: false,
  };
}

/**
 * Records what a RandomSource hands out so the same bytes can be handed out again: a replayable key
 * share that SubtleCrypto could not import is then rebuilt by noble from identical randomness.
 */
function forkRandom(random: RandomSource): { random: RandomSource; replay: () => RandomSource } {
  const drawn: Uint8Array[] = [];
  return {
    random: (n) => {
      const b = random(n);
      drawn.push(b.slice());
      return b;
    },
    replay: () => {
      let i = 0;
      return (n) => {
        const b = i < drawn.length ? drawn[i++] : random(n);
        if (b.length !== n) throw new Error('replayed randomness was drawn in a different order');
        return b;
      };
    },
  };
}

