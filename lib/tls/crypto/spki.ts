import { inEnglish, said, type Diagnostic } from '../diagnostics';
import { TlsAlertError } from '../errors';
import { bitLength, contextTag, DerError, DerReader, Tag } from './der';
import type { EcCurve, SignatureHash } from './provider';

export type { EcCurve } from './provider';

/** Object identifiers of the key algorithms and hashes the client understands. */
export const Oid = {
  rsaEncryption: '1.2.840.113549.1.1.1', // RFC 8017 App. C
  rsassaPss: '1.2.840.113549.1.1.10', // RFC 4055 §3.1
  mgf1: '1.2.840.113549.1.1.8', // RFC 8017 App. B.2.1
  ecPublicKey: '1.2.840.10045.2.1', // RFC 5480 §2.1.1
  ed25519: '1.3.101.112', // RFC 8410 §3
  prime256v1: '1.2.840.10045.3.1.7', // RFC 5480 §2.1.1.1
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

/** The named curves (RFC 5480 §2.1.1.1) of keys the client can use, public or private. */
export const curveByOid: Record<string, EcCurve> = {
  [Oid.prime256v1]: 'P-256',
  [Oid.secp384r1]: 'P-384',
  [Oid.secp521r1]: 'P-521',
};

const hashByOid: Record<string, SignatureHash> = {
  [Oid.sha1]: 'sha1',
  [Oid.sha256]: 'sha256',
  [Oid.sha384]: 'sha384',
  [Oid.sha512]: 'sha512',
};

/** Bytes per coordinate (and per private scalar) of each curve. */
export const curveFieldLength: Record<EcCurve, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

export interface RsaPublicKeyInfo {
  algorithm: 'rsa';
  n: bigint;
  e: bigint;
  /** Modulus size in bits. */
  bits: number;
}

export interface RsaPssPublicKeyInfo {
  algorithm: 'rsa-pss';
  n: bigint;
  e: bigint;
  bits: number;
  /** RFC 4055 §3.1: when the key carries RSASSA-PSS-params, the hash it is restricted to. */
  pssHash?: SignatureHash;
  /** …and the hash of its MGF1 mask generation function. */
  pssMgf1Hash?: SignatureHash;
}

export interface EcPublicKeyInfo {
  algorithm: 'ec';
  curve: EcCurve;
  /** SEC 1 §2.3.3 encoded point, as in the certificate (0x04‖X‖Y, or compressed 0x02/0x03‖X). */
  point: Uint8Array;
}

export interface Ed25519PublicKeyInfo {
  algorithm: 'ed25519';
  /** RFC 8032 §5.1.5 encoded public key, 32 bytes. */
  publicKey: Uint8Array;
}

export type PublicKeyInfo = RsaPublicKeyInfo | RsaPssPublicKeyInfo | EcPublicKeyInfo | Ed25519PublicKeyInfo;

/**
 * Parses a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) into the key it carries. A malformed or
 * unsupported key is a bad_certificate: it can only have come from the peer's certificate.
 */
export function parseSpki(der: Uint8Array): PublicKeyInfo {
  try {
    return parseSpkiStrict(der);
  } catch (e) {
    if (e instanceof DerError || e instanceof UnsupportedKey) {
      throw new TlsAlertError('bad_certificate', said('crypto.certificateKey', { why: e.diagnostic }));
    }
    throw e;
  }
}

/** A well-formed key this client cannot use; its diagnostic is nested in the caller's sentence, as a DerError's is. */
class UnsupportedKey extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(inEnglish(diagnostic));
  }
}

function parseSpkiStrict(der: Uint8Array): PublicKeyInfo {
  const outer = new DerReader(der, 'SubjectPublicKeyInfo');
  const spki = outer.sequence('SEQUENCE');
  outer.end();
  const algorithmIdentifier = spki.sequence('algorithm');
  const algorithm = algorithmIdentifier.oid('algorithm');
  const subjectPublicKey = spki.bitStringBytes('subjectPublicKey');
  spki.end();

  switch (algorithm) {
    case Oid.rsaEncryption: {
      // RFC 3279 §2.3.1: the parameters MUST be NULL; some encoders omit them, which is harmless.
      if (!algorithmIdentifier.atEnd) algorithmIdentifier.null('parameters');
      algorithmIdentifier.end();
      return { algorithm: 'rsa', ...parseRsaPublicKey(subjectPublicKey) };
    }
    case Oid.rsassaPss: {
      const params = algorithmIdentifier.atEnd ? undefined : parseRsassaPssParams(algorithmIdentifier.sequence('parameters'));
      algorithmIdentifier.end();
      return { algorithm: 'rsa-pss', ...parseRsaPublicKey(subjectPublicKey), ...params };
    }
    case Oid.ecPublicKey: {
      // RFC 5480 §2.1.1: only namedCurve is allowed in certificates (no implicit or explicit curves).
      if (algorithmIdentifier.peekTag() !== Tag.OID) {
        throw new UnsupportedKey(said('crypto.ecNoCurve'));
      }
      const curveOid = algorithmIdentifier.oid('namedCurve');
      algorithmIdentifier.end();
      const curve = curveByOid[curveOid];
      if (!curve) throw new UnsupportedKey(said('crypto.ecCurve', { oid: curveOid }));
      return { algorithm: 'ec', curve, point: checkEcPoint(curve, subjectPublicKey) };
    }
    case Oid.ed25519: {
      // RFC 8410 §3: the parameters MUST be absent.
      algorithmIdentifier.end();
      if (subjectPublicKey.length !== 32) throw new UnsupportedKey(said('crypto.ed25519Length', { length: subjectPublicKey.length }));
      return { algorithm: 'ed25519', publicKey: subjectPublicKey.slice() };
    }
    default:
      throw new UnsupportedKey(said('crypto.algorithm', { oid: algorithm }));
  }
}

/** RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 App. A.1.1). */
function parseRsaPublicKey(bytes: Uint8Array): { n: bigint; e: bigint; bits: number } {
  const outer = new DerReader(bytes, 'RSAPublicKey');
  const key = outer.sequence('SEQUENCE');
  outer.end();
  const n = key.unsignedInteger('modulus');
  const e = key.unsignedInteger('publicExponent');
  key.end();
  checkRsaPublic(n, e);
  return { n, e, bits: bitLength(n) };
}

export function checkRsaPublic(n: bigint, e: bigint): void {
  // RFC 8017 §3.1: n is a product of odd primes; 3 ≤ e < n, odd.
  if (n % 2n === 0n || bitLength(n) < 256) throw new UnsupportedKey(said('crypto.rsaModulus', { bits: bitLength(n) }));
  if (e < 3n || e % 2n === 0n || e >= n) throw new UnsupportedKey(said('crypto.rsaExponent', { e: e.toString() }));
}

/**
 * RSASSA-PSS-params (RFC 4055 §3.1 / RFC 8017 App. A.2.3). Present parameters restrict the key to
 * one hash; absent fields take their defaults (SHA-1, MGF1 with SHA-1).
 */
function parseRsassaPssParams(params: DerReader): { pssHash: SignatureHash; pssMgf1Hash: SignatureHash } {
  let pssHash: SignatureHash = 'sha1';
  let pssMgf1Hash: SignatureHash = 'sha1';
  const hashAlgorithm = params.optionalSequence('hashAlgorithm', contextTag(0, true));
  if (hashAlgorithm) {
    pssHash = parseHashAlgorithm(hashAlgorithm.sequence('AlgorithmIdentifier'));
    hashAlgorithm.end();
  }
  const maskGen = params.optionalSequence('maskGenAlgorithm', contextTag(1, true));
  if (maskGen) {
    const alg = maskGen.sequence('AlgorithmIdentifier');
    maskGen.end();
    const oid = alg.oid('algorithm');
    if (oid !== Oid.mgf1) throw new UnsupportedKey(said('crypto.pssMgf', { oid }));
    pssMgf1Hash = parseHashAlgorithm(alg.sequence('parameters'));
    alg.end();
  }
  const saltLength = params.optionalSequence('saltLength', contextTag(2, true));
  if (saltLength) {
    saltLength.unsignedInteger('INTEGER');
    saltLength.end();
  }
  const trailerField = params.optionalSequence('trailerField', contextTag(3, true));
  if (trailerField) {
    // RFC 4055 §3.1: trailerField MUST be 1 (0xbc).
    if (trailerField.unsignedInteger('INTEGER') !== 1n) throw new UnsupportedKey(said('crypto.pssTrailer'));
    trailerField.end();
  }
  params.end();
  return { pssHash, pssMgf1Hash };
}

function parseHashAlgorithm(alg: DerReader): SignatureHash {
  const oid = alg.oid('algorithm');
  // RFC 4055 §2.1: the parameters are absent or NULL.
  if (!alg.atEnd) alg.null('parameters');
  alg.end();
  const hash = hashByOid[oid];
  if (!hash) throw new UnsupportedKey(said('crypto.pssHash', { oid }));
  return hash;
}

/**
 * SEC 1 §2.3.3: 0x04‖X‖Y (uncompressed) or 0x02/0x03‖X (compressed). Whether the point is on the
 * curve is left to the signature check, which rejects it.
 */
function checkEcPoint(curve: EcCurve, point: Uint8Array): Uint8Array {
  const L = curveFieldLength[curve];
  if (point.length === 1 + 2 * L && point[0] === 0x04) return point.slice();
  if (point.length === 1 + L && (point[0] === 0x02 || point[0] === 0x03)) return point.slice();
  throw new UnsupportedKey(said('crypto.ecPoint', { curve, length: point.length, byte: `0x${(point[0] ?? 0).toString(16).padStart(2, '0')}` }));
}

export { UnsupportedKey };
