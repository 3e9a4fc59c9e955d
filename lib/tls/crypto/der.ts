/**
 * DER for the few structures the crypto adapters need: SubjectPublicKeyInfo, PKCS#8 PrivateKeyInfo
 * and ECDSA-Sig-Value. Reading goes through the one strict reader in lib/tls/wire/der (the
 * certificate parser uses it too); a malformed encoding here is a DerError naming the field, which
 * each caller maps to its alert (bad_certificate for the peer's key, internal_error for our own).
 * The writer below is only what ECDSA-Sig-Value and the WebCrypto key encodings need.
 */
import { inEnglish, said, type Diagnostic } from '../diagnostics';
import { concat } from '../wire/bytes';
import * as der from '../wire/der';

export { Tag, contextTag, bytesToBigInt } from '../wire/der';

/**
 * A malformed key encoding: the field's path, its byte and what is wrong, as a diagnostic that the
 * caller nests in its own sentence ("the certificate's public key cannot be used: …").
 */
export class DerError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(inEnglish(diagnostic));
    this.name = 'DerError';
  }
}

const malformedKey: der.DerFailure = (at, byte, problem) =>
  new DerError(byte === undefined ? said('crypto.der', { at, problem }) : said('crypto.derAt', { at, byte, problem }));

/** A DER reader whose failures are DerErrors; `what` names the structure ("SubjectPublicKeyInfo"). */
export class DerReader extends der.DerReader {
  constructor(bytes: Uint8Array, what: string, base = 0) {
    super(bytes, base, what, malformedKey);
  }
}

/** I2OSP (RFC 8017 §4.1): `value` as exactly `length` big-endian bytes; throws if it does not fit. */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  if (value < 0n) throw new RangeError('negative integer');
  const hex = value.toString(16);
  const digits = hex.length;
  if (digits > 2 * length) throw new RangeError(`integer does not fit in ${length} bytes`);
  const out = new Uint8Array(length);
  // Walk from the least significant end; an odd digit count leaves a lone high nibble.
  for (let i = length - 1, end = digits; end > 0; i--, end -= 2) {
    out[i] = parseInt(hex.slice(Math.max(0, end - 2), end), 16);
  }
  return out;
}

export function bitLength(v: bigint): number {
  if (v === 0n) return 0;
  const hex = v.toString(16);
  return (hex.length - 1) * 4 + parseInt(hex[0], 16).toString(2).length;
}

// --- writer: only what ECDSA-Sig-Value and the webcrypto key encodings need ---

function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function derElement(tag: number, contents: Uint8Array): Uint8Array {
  const len = encodeLength(contents.length);
  const out = new Uint8Array(1 + len.length + contents.length);
  out[0] = tag;
  out.set(len, 1);
  out.set(contents, 1 + len.length);
  return out;
}

/** A non-negative INTEGER in its minimal encoding (X.690 §8.3.2). */
export function derUnsignedInteger(v: bigint): Uint8Array {
  if (v < 0n) throw new RangeError('negative integer');
  const len = Math.max(1, Math.ceil(bitLength(v) / 8));
  const raw = bigIntToBytes(v, len);
  // A leading 1 bit would make it negative: prefix a zero byte.
  return derElement(der.Tag.INTEGER, raw[0] & 0x80 ? Uint8Array.of(0, ...raw) : raw);
}

export function derSequence(...parts: Uint8Array[]): Uint8Array {
  return derElement(der.Tag.SEQUENCE, concat(...parts));
}
