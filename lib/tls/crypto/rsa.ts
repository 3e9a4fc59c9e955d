/**
 * RSA as TLS uses it (RFC 8017): RSASSA-PSS and RSASSA-PKCS1-v1_5 signatures, and RSAES-PKCS1-v1_5
 * encryption for the TLS 1.2 static-RSA premaster secret. Written out here rather than taken from
 * a library so that every random byte (PSS salt, PKCS#1 padding) comes from the injected source and
 * private-key operations use the CRT form (about 3× faster than a plain d exponent).
 *
 * Not constant-time (JavaScript BigInt is not): acceptable for verifying server signatures and for
 * the rare client-certificate signature, which is what the engine does with it.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { said } from '../diagnostics';
import { TlsAlertError } from '../errors';
import type { RandomSource } from './provider';
import type { SignatureHash } from './schemes';
import { bigIntToBytes, bitLength, bytesToBigInt } from './der';

export interface RsaPublicKey {
  n: bigint;
  e: bigint;
}

/** RFC 8017 §3.2: the private exponent and the CRT form (dp = d mod (p−1), dq = d mod (q−1), qi = q⁻¹ mod p). */
export interface RsaPrivateKey extends RsaPublicKey {
  d: bigint;
  p: bigint;
  q: bigint;
  dp: bigint;
  dq: bigint;
  qi: bigint;
}

interface HashFunction {
  (message: Uint8Array): Uint8Array;
  outputLen: number;
}

const hashFunctions: Record<SignatureHash, HashFunction> = { sha1, sha256, sha384, sha512 };

/**
 * DER of DigestInfo's AlgorithmIdentifier and the OCTET STRING header, i.e. everything before the
 * hash value (RFC 8017 §9.2 note 1).
 */
const digestInfoPrefix: Record<SignatureHash, Uint8Array> = {
  sha1: Uint8Array.of(0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14),
  sha256: Uint8Array.of(0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20),
  sha384: Uint8Array.of(0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30),
  sha512: Uint8Array.of(0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40),
};

export function digest(hash: SignatureHash, message: Uint8Array): Uint8Array {
  return hashFunctions[hash](message);
}

/** Modulus length in bytes (RFC 8017 §2: k). */
export function modulusLength(n: bigint): number {
  return Math.ceil(bitLength(n) / 8);
}

/** base^exp mod m, left to right with a 4-bit fixed window. */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  if (m === 1n) return 0n;
  const b = ((base % m) + m) % m;
  const table: bigint[] = [1n, b];
  for (let i = 2; i < 16; i++) table.push((table[i - 1] * b) % m);
  let r = 1n;
  for (const digit of exp.toString(16)) {
    for (let i = 0; i < 4 && r !== 1n; i++) r = (r * r) % m;
    const d = parseInt(digit, 16);
    if (d !== 0) r = (r * table[d]) % m;
  }
  return r;
}

/** RSAVP1 / RSAEP (RFC 8017 §5.2.2, §5.1.1). */
function publicOperation(key: RsaPublicKey, x: bigint): bigint {
  return modPow(x, key.e, key.n);
}

/** RSASP1 (RFC 8017 §5.2.1) in CRT form, checked against the public key before release. */
function privateOperation(key: RsaPrivateKey, m: bigint): bigint {
  if (m >= key.n) throw new RangeError('message representative out of range');
  const s1 = modPow(m % key.p, key.dp, key.p);
  const s2 = modPow(m % key.q, key.dq, key.q);
  const h = (((((s1 - s2) % key.p) + key.p) % key.p) * key.qi) % key.p;
  const s = s2 + h * key.q;
  // A fault in one CRT half would let anyone factor n from the output (Boneh–DeMillo–Lipton).
  if (publicOperation(key, s) !== m) throw new Error('RSA signature self-check failed');
  return s;
}

/** MGF1 (RFC 8017 App. B.2.1). */
export function mgf1(hash: SignatureHash, seed: Uint8Array, maskLength: number): Uint8Array {
  const h = hashFunctions[hash];
  const out = new Uint8Array(maskLength);
  const input = new Uint8Array(seed.length + 4);
  input.set(seed);
  for (let counter = 0, offset = 0; offset < maskLength; counter++, offset += h.outputLen) {
    input[seed.length] = counter >>> 24;
    input[seed.length + 1] = (counter >>> 16) & 0xff;
    input[seed.length + 2] = (counter >>> 8) & 0xff;
    input[seed.length + 3] = counter & 0xff;
    const block = h(input);
    out.set(block.subarray(0, Math.min(block.length, maskLength - offset)), offset);
  }
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** The signature as an integer, or undefined when it is not a valid representative (RFC 8017 §8.1.2 step 1, §5.2.2 step 1). */
function signatureRepresentative(key: RsaPublicKey, signature: Uint8Array): bigint | undefined {
  if (signature.length !== modulusLength(key.n)) return undefined;
  const s = bytesToBigInt(signature);
  return s < key.n ? s : undefined;
}

// --- RSASSA-PSS (RFC 8017 §8.1, EMSA-PSS §9.1) ---

function pssEncode(hash: SignatureHash, mHash: Uint8Array, emBits: number, salt: Uint8Array): Uint8Array {
  const hLen = hashFunctions[hash].outputLen;
  const emLen = Math.ceil(emBits / 8);
  if (emLen < hLen + salt.length + 2) throw tooSmallToSign(emBits + 1, hash);
  const mPrime = new Uint8Array(8 + hLen + salt.length);
  mPrime.set(mHash, 8);
  mPrime.set(salt, 8 + hLen);
  const H = digest(hash, mPrime);
  const dbLen = emLen - hLen - 1;
  const db = new Uint8Array(dbLen); // PS (zeros) ‖ 0x01 ‖ salt
  db[dbLen - salt.length - 1] = 0x01;
  db.set(salt, dbLen - salt.length);
  const mask = mgf1(hash, H, dbLen);
  const em = new Uint8Array(emLen);
  for (let i = 0; i < dbLen; i++) em[i] = db[i] ^ mask[i];
  em[0] &= 0xff >>> (8 * emLen - emBits);
  em.set(H, dbLen);
  em[emLen - 1] = 0xbc;
  return em;
}

/** RSASSA-PSS-VERIFY with MGF1 over the same hash and the given salt length. */
export function verifyPss(key: RsaPublicKey, hash: SignatureHash, message: Uint8Array, signature: Uint8Array, saltLength: number): boolean {
  const s = signatureRepresentative(key, signature);
  if (s === undefined) return false;
  const m = publicOperation(key, s);
  const emBits = bitLength(key.n) - 1;
  const emLen = Math.ceil(emBits / 8);
  if (bitLength(m) > emBits) return false; // I2OSP(m, emLen) would fail, or the top bits are set
  const em = bigIntToBytes(m, emLen);

  // EMSA-PSS-VERIFY (§9.1.2)
  const hLen = hashFunctions[hash].outputLen;
  if (emLen < hLen + saltLength + 2) return false;
  if (em[emLen - 1] !== 0xbc) return false;
  const dbLen = emLen - hLen - 1;
  const H = em.subarray(dbLen, dbLen + hLen);
  const mask = mgf1(hash, H, dbLen);
  const db = new Uint8Array(dbLen);
  for (let i = 0; i < dbLen; i++) db[i] = em[i] ^ mask[i];
  db[0] &= 0xff >>> (8 * emLen - emBits);
  const psLength = emLen - hLen - saltLength - 2;
  for (let i = 0; i < psLength; i++) if (db[i] !== 0) return false;
  if (db[psLength] !== 0x01) return false;
  const salt = db.subarray(dbLen - saltLength);
  const mPrime = new Uint8Array(8 + hLen + saltLength);
  mPrime.set(digest(hash, message), 8);
  mPrime.set(salt, 8 + hLen);
  return equalBytes(digest(hash, mPrime), H);
}

/** RSASSA-PSS-SIGN with MGF1 over the same hash; the salt comes from the caller. */
export function signPss(key: RsaPrivateKey, hash: SignatureHash, message: Uint8Array, salt: Uint8Array): Uint8Array {
  const em = pssEncode(hash, digest(hash, message), bitLength(key.n) - 1, salt);
  return bigIntToBytes(privateOperation(key, bytesToBigInt(em)), modulusLength(key.n));
}

// --- RSASSA-PKCS1-v1_5 (RFC 8017 §8.2, EMSA-PKCS1-v1_5 §9.2) ---

function pkcs1Encode(hash: SignatureHash, message: Uint8Array, emLen: number): Uint8Array {
  const prefix = digestInfoPrefix[hash];
  const h = digest(hash, message);
  const tLen = prefix.length + h.length;
  if (emLen < tLen + 11) throw new RangeError('RSA key too small for this PKCS#1 hash');
  const em = new Uint8Array(emLen).fill(0xff);
  em[0] = 0x00;
  em[1] = 0x01;
  em[emLen - tLen - 1] = 0x00;
  em.set(prefix, emLen - tLen);
  em.set(h, emLen - h.length);
  return em;
}

/**
 * RSASSA-PKCS1-V1_5-VERIFY by re-encoding and comparing (§8.2.2 step 3), never by parsing the
 * decrypted block: parsing is what made Bleichenbacher's 2006 signature forgery possible.
 */
export function verifyPkcs1(key: RsaPublicKey, hash: SignatureHash, message: Uint8Array, signature: Uint8Array): boolean {
  const s = signatureRepresentative(key, signature);
  if (s === undefined) return false;
  const k = modulusLength(key.n);
  let expected: Uint8Array;
  try {
    expected = pkcs1Encode(hash, message, k);
  } catch {
    return false;
  }
  return equalBytes(bigIntToBytes(publicOperation(key, s), k), expected);
}

export function signPkcs1(key: RsaPrivateKey, hash: SignatureHash, message: Uint8Array): Uint8Array {
  const k = modulusLength(key.n);
  if (k < digestInfoPrefix[hash].length + hashFunctions[hash].outputLen + 11) throw tooSmallToSign(bitLength(key.n), hash);
  return bigIntToBytes(privateOperation(key, bytesToBigInt(pkcs1Encode(hash, message, k))), k);
}

/**
 * RFC 8017 §9.1.1 step 3 and §9.2 step 3 ("intended encoded message length too short"): the
 * client's own key has no room for this hash. Its fault, not the server's: internal_error.
 */
function tooSmallToSign(bits: number, hash: SignatureHash): TlsAlertError {
  return new TlsAlertError('internal_error', said('crypto.keyTooSmall', { bits, hash }));
}

// --- RSAES-PKCS1-v1_5 (RFC 8017 §7.2.1) ---

/** Non-zero padding bytes drawn from `random`: zeros are replaced by fresh draws (§7.2.1 step 2a). */
function nonZeroRandom(length: number, random: RandomSource): Uint8Array {
  const out = random(length).slice();
  if (out.length !== length) throw new Error(`random source returned ${out.length} bytes, not ${length}`);
  for (let i = 0; i < length; i++) {
    while (out[i] === 0) out[i] = random(1)[0];
  }
  return out;
}

export function encryptPkcs1(key: RsaPublicKey, plaintext: Uint8Array, random: RandomSource): Uint8Array {
  const k = modulusLength(key.n);
  if (plaintext.length > k - 11) throw new RangeError(`message too long for a ${k}-byte RSA key`);
  const ps = nonZeroRandom(k - plaintext.length - 3, random);
  const em = new Uint8Array(k); // 0x00 ‖ 0x02 ‖ PS ‖ 0x00 ‖ M
  em[1] = 0x02;
  em.set(ps, 2);
  em.set(plaintext, k - plaintext.length);
  return bigIntToBytes(publicOperation(key, bytesToBigInt(em)), k);
}
