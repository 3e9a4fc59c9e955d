/**
 * AlgorithmIdentifiers (RFC 5280 §4.1.1.2), SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) and the
 * mapping from a certificate's signature algorithm to the TLS SignatureScheme the crypto backends
 * verify with (RFC 8446 §4.2.3).
 */
import type { SignatureSchemeName } from '../crypto/provider';
import type { EcCurve } from '../crypto/spki';
import type { Field, FieldInfo, ValueWords } from '../wire/field';
import { sizeValue } from '../wire/field';
import { said } from '../diagnostics';
import { DerReader, Tag, type Tlv, decodeBitString, decodeOid, decodeSmallInteger, contextTag, malformedAt, tagValue, tlvField } from './der';
import { OIDS, describeOid, oidName } from './oids';

export type HashAlgorithmName = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

export interface SignatureAlgorithm {
  oid: string;
  /** "sha256WithRSAEncryption", "ecdsa-with-SHA384", "RSASSA-PSS", "Ed25519". */
  name: string;
  family: 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa' | 'ed25519' | 'ed448' | 'unknown';
  hash?: HashAlgorithmName;
  /** RSASSA-PSS-params (RFC 4055 §3.1), defaults applied. */
  pss?: { hash: string; mgfHash: string; saltLength: number };
  /** The AlgorithmIdentifier's DER (the inner and outer copies must be identical). */
  der: Uint8Array;
}

export interface PublicKeyInfo {
  algorithm: 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448' | 'unknown';
  oid: string;
  /** Named curve for EC keys, named as lib/tls/crypto names them ("P-256"), else the curve's OID name. */
  curve?: EcCurve | string;
  /** Modulus size for RSA, field size for EC and EdDSA. */
  bits?: number;
  /** "RSA 2048 bits", "ECDSA P-256", "Ed25519". */
  description: string;
}

const HASH_BY_OID: Record<string, HashAlgorithmName> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const HASH_LENGTH: Record<string, number> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

const SIGNATURE_ALGORITHMS: Record<string, Pick<SignatureAlgorithm, 'family' | 'hash'>> = {
  '1.2.840.113549.1.1.4': { family: 'rsa-pkcs1', hash: 'md5' },
  '1.2.840.113549.1.1.5': { family: 'rsa-pkcs1', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { family: 'rsa-pkcs1', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { family: 'rsa-pkcs1', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { family: 'rsa-pkcs1', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { family: 'rsa-pkcs1', hash: 'sha512' },
  '1.2.840.113549.1.1.10': { family: 'rsa-pss' },
  '1.2.840.10045.4.1': { family: 'ecdsa', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { family: 'ecdsa', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { family: 'ecdsa', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { family: 'ecdsa', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { family: 'ecdsa', hash: 'sha512' },
  '1.3.101.112': { family: 'ed25519' },
  '1.3.101.113': { family: 'ed448' },
};

const CURVE_BY_OID: Record<string, EcCurve> = { '1.2.840.10045.3.1.7': 'P-256', '1.3.132.0.34': 'P-384', '1.3.132.0.35': 'P-521' };
const CURVE_BITS: Record<string, number> = { 'P-256': 256, 'P-384': 384, 'P-521': 521 };
/** The hash each NIST curve is paired with in TLS 1.3 (RFC 8446 §4.2.3). */
const CURVE_HASH: Record<string, HashAlgorithmName> = { 'P-256': 'sha256', 'P-384': 'sha384', 'P-521': 'sha512' };

/** Reads `SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }`. */
function readAlgorithmIdentifier(tlv: Tlv, path: string): { oid: string; oidTlv: Tlv; params?: Tlv } {
  if (tlv.tag !== Tag.SEQUENCE) throw malformedAt(path, tlv.offset, said('wire.wrongTag', { expected: 'SEQUENCE', found: tagValue(tlv.tag) }));
  const r = DerReader.inside(tlv, path);
  const oidTlv = r.next('algorithm', Tag.OID);
  const oid = decodeOid(oidTlv.content, r.at('algorithm'));
  const params = r.atEnd ? undefined : r.next('parameters');
  r.end();
  return { oid, oidTlv, params };
}

/** `HashAlgorithm` / `MaskGenAlgorithm` inside RSASSA-PSS-params. */
function pssHash(tlv: Tlv, path: string): { hash: string; field: Field } {
  const { oid, oidTlv, params } = readAlgorithmIdentifier(tlv, path);
  const children = [tlvField(oidTlv, 'algorithm', { value: describeOid(oid) })];
  if (oid === '1.2.840.113549.1.1.8') {
    // RFC 4055 §2.2: MGF1 carries its hash as parameters.
    if (!params) throw malformedAt(path, tlv.offset, said('x509.mgf1'));
    const inner = pssHash(params, `${path}.parameters`);
    children.push({ ...inner.field, name: 'parameters' });
    return { hash: inner.hash, field: tlvField(tlv, 'maskGenAlgorithm', { value: `MGF1 with ${inner.hash}`, words: { say: 'mgf1', hash: inner.hash } }, children) };
  }
  if (params) children.push(tlvField(params, 'parameters', params.tag === Tag.NULL ? { value: 'NULL' } : sizeValue(params.length)));
  const hash = HASH_BY_OID[oid] ?? oidName(oid);
  return { hash, field: tlvField(tlv, 'hashAlgorithm', { value: hash }, children) };
}

/** RSASSA-PSS-params (RFC 4055 §3.1), every field optional with its DEFAULT. */
function decodePssParams(tlv: Tlv | undefined, path: string): { pss: NonNullable<SignatureAlgorithm['pss']>; field?: Field } {
  const pss = { hash: 'sha1', mgfHash: 'sha1', saltLength: 20 };
  if (!tlv || tlv.tag === Tag.NULL) return { pss, field: tlv && tlvField(tlv, 'parameters', { value: 'NULL' }) };
  if (tlv.tag !== Tag.SEQUENCE) throw malformedAt(path, tlv.offset, said('wire.wrongTag', { expected: 'SEQUENCE', found: tagValue(tlv.tag) }));
  const r = DerReader.inside(tlv, path);
  const children: Field[] = [];
  const hashTlv = r.optional('hashAlgorithm', contextTag(0, true));
  if (hashTlv) {
    const h = pssHash(DerReader.inside(hashTlv, r.at('hashAlgorithm')).next('', Tag.SEQUENCE), r.at('hashAlgorithm'));
    pss.hash = h.hash;
    children.push(tlvField(hashTlv, 'hashAlgorithm', { value: h.hash, rfc: 'RFC 4055 §3.1' }, [h.field]));
  }
  const mgfTlv = r.optional('maskGenAlgorithm', contextTag(1, true));
  if (mgfTlv) {
    const m = pssHash(DerReader.inside(mgfTlv, r.at('maskGenAlgorithm')).next('', Tag.SEQUENCE), r.at('maskGenAlgorithm'));
    pss.mgfHash = m.hash;
    children.push(tlvField(mgfTlv, 'maskGenAlgorithm', { value: `MGF1 with ${m.hash}`, words: { say: 'mgf1', hash: m.hash }, rfc: 'RFC 4055 §3.1' }, [m.field]));
  }
  const saltTlv = r.optional('saltLength', contextTag(2, true));
  if (saltTlv) {
    const inner = DerReader.inside(saltTlv, r.at('saltLength'));
    pss.saltLength = decodeSmallInteger(inner.next('', Tag.INTEGER).content, r.at('saltLength'));
    inner.end();
    children.push(tlvField(saltTlv, 'saltLength', { ...sizeValue(pss.saltLength), rfc: 'RFC 4055 §3.1' }));
  }
  const trailerTlv = r.optional('trailerField', contextTag(3, true));
  if (trailerTlv) children.push(tlvField(trailerTlv, 'trailerField', { value: 'trailerFieldBC' }));
  r.end();
  return { pss, field: tlvField(tlv, 'parameters', { value: `${pss.hash}, MGF1 ${pss.mgfHash}, salt ${pss.saltLength} bytes`, words: { say: 'rsa-pss-params', hash: pss.hash, mgfHash: pss.mgfHash, salt: pss.saltLength } }, children) };
}

export function decodeSignatureAlgorithm(tlv: Tlv, fieldName: string, path: string, info: { rfc?: string }): { algorithm: SignatureAlgorithm; field: Field } {
  const { oid, oidTlv, params } = readAlgorithmIdentifier(tlv, path);
  const known = SIGNATURE_ALGORITHMS[oid] ?? { family: 'unknown' as const };
  const algorithm: SignatureAlgorithm = { oid, name: oidName(oid), ...known, der: tlv.bytes };
  const children: Field[] = [tlvField(oidTlv, 'algorithm', { value: describeOid(oid), rfc: OIDS[oid]?.rfc })];
  if (known.family === 'rsa-pss') {
    const { pss, field } = decodePssParams(params, `${path}.parameters`);
    algorithm.pss = pss;
    if (pss.hash in HASH_LENGTH) algorithm.hash = pss.hash as HashAlgorithmName;
    if (field) children.push(field);
  } else if (params) {
    children.push(tlvField(params, 'parameters', params.tag === Tag.NULL ? { value: 'NULL (no parameters)', words: { say: 'no-parameters' } } : sizeValue(params.length)));
  }
  const value = algorithm.pss ? `RSASSA-PSS (${algorithm.pss.hash}, salt ${algorithm.pss.saltLength})` : algorithm.name;
  return { algorithm, field: tlvField(tlv, fieldName, { value, ...info }, children) };
}

function bitLength(magnitude: Uint8Array): number {
  let i = 0;
  while (i < magnitude.length && magnitude[i] === 0) i++;
  if (i === magnitude.length) return 0;
  return (magnitude.length - i - 1) * 8 + (32 - Math.clz32(magnitude[i]));
}

/** SubjectPublicKeyInfo: the algorithm, and the key annotated down to modulus/exponent or point. */
export function decodeSubjectPublicKeyInfo(tlv: Tlv, path: string): { key: PublicKeyInfo; field: Field } {
  if (tlv.tag !== Tag.SEQUENCE) throw malformedAt(path, tlv.offset, said('wire.wrongTag', { expected: 'SEQUENCE', found: tagValue(tlv.tag) }));
  const r = DerReader.inside(tlv, path);
  const algTlv = r.next('algorithm', Tag.SEQUENCE);
  const keyTlv = r.next('subjectPublicKey', Tag.BIT_STRING);
  r.end();

  const { oid, oidTlv, params } = readAlgorithmIdentifier(algTlv, r.at('algorithm'));
  const algChildren: Field[] = [tlvField(oidTlv, 'algorithm', { value: describeOid(oid), rfc: OIDS[oid]?.rfc })];
  const key: PublicKeyInfo = { algorithm: 'unknown', oid, description: oidName(oid) };
  if (oid === '1.2.840.113549.1.1.1') key.algorithm = 'rsa';
  else if (oid === '1.2.840.113549.1.1.10') key.algorithm = 'rsa-pss';
  else if (oid === '1.2.840.10045.2.1') key.algorithm = 'ec';
  else if (oid === '1.3.101.112') key.algorithm = 'ed25519';
  else if (oid === '1.3.101.113') key.algorithm = 'ed448';

  if (params) {
    if (key.algorithm === 'ec' && params.tag === Tag.OID) {
      const curveOid = decodeOid(params.content, `${r.at('algorithm')}.parameters`);
      key.curve = CURVE_BY_OID[curveOid] ?? oidName(curveOid);
      algChildren.push(tlvField(params, 'namedCurve', { value: describeOid(curveOid), rfc: 'RFC 5480 §2.1.1' }));
    } else if (key.algorithm === 'rsa-pss') {
      const { field } = decodePssParams(params, `${r.at('algorithm')}.parameters`);
      if (field) algChildren.push(field);
    } else {
      algChildren.push(tlvField(params, 'parameters', params.tag === Tag.NULL ? { value: 'NULL (no parameters)', words: { say: 'no-parameters' } } : sizeValue(params.length)));
    }
  }

  const { bits } = decodeBitString(keyTlv.content, r.at('subjectPublicKey'));
  const keyStart = keyTlv.offset + keyTlv.headerLength;
  const keyChildren: Field[] = [{ name: 'unusedBits', offset: keyStart, length: 1, value: String(keyTlv.content[0]) }];
  const bitsField = (name: string, info: FieldInfo): Field => ({ name, offset: keyStart + 1, length: bits.length, ...info });

  // The key's one-line description in the codec's English (key.description), and as data for the views.
  let keyWords: ValueWords | undefined;
  if (key.algorithm === 'rsa' || key.algorithm === 'rsa-pss') {
    // RFC 3279 §2.3.1: the BIT STRING holds RSAPublicKey ::= SEQUENCE { modulus, publicExponent }.
    const kr = new DerReader(bits, keyStart + 1, r.at('subjectPublicKey'));
    const seq = kr.next('RSAPublicKey', Tag.SEQUENCE);
    kr.end();
    const sr = DerReader.inside(seq, kr.at('RSAPublicKey'));
    const modulus = sr.next('modulus', Tag.INTEGER);
    const exponent = sr.next('publicExponent', Tag.INTEGER);
    sr.end();
    const modulusBits = bitLength(modulus.content);
    key.bits = modulusBits;
    // An exponent too large for a JS number (RFC 8017 allows any odd e) is shown by its size.
    const e: FieldInfo = exponent.content.length <= 6 ? { value: String(exponent.content.reduce((v, b) => v * 256 + b, 0)) } : sizeValue(exponent.content.length);
    key.description = `RSA ${modulusBits} bits`;
    keyWords = { say: 'rsa-key-bits', n: modulusBits };
    keyChildren.push(
      tlvField(seq, 'RSAPublicKey', { value: key.description, words: keyWords, rfc: 'RFC 3279 §2.3.1' }, [
        tlvField(modulus, 'modulus', { value: `${key.bits}-bit modulus`, words: { say: 'modulus-bits', n: key.bits } }),
        tlvField(exponent, 'publicExponent', e),
      ]),
    );
  } else if (key.algorithm === 'ec') {
    key.bits = key.curve ? CURVE_BITS[key.curve] : undefined;
    key.description = `ECDSA ${key.curve ?? '(explicit curve parameters)'}`;
    if (!key.curve) keyWords = { say: 'ec-explicit-curve' };
    const form = bits[0] === 4 ? 'uncompressed' : bits[0] === 2 || bits[0] === 3 ? 'compressed' : 'invalid';
    keyChildren.push(bitsField('ecPoint', { value: `${form} point (${bits.length} bytes)`, words: { say: 'ec-point', form, n: bits.length }, rfc: 'RFC 5480 §2.2' }));
  } else if (key.algorithm === 'ed25519' || key.algorithm === 'ed448') {
    key.bits = key.algorithm === 'ed25519' ? 256 : 456;
    key.description = key.algorithm === 'ed25519' ? 'Ed25519' : 'Ed448';
    keyChildren.push(bitsField('publicKey', { ...sizeValue(bits.length), rfc: 'RFC 8410 §4' }));
  } else if (bits.length > 0) {
    keyChildren.push(bitsField('publicKey', sizeValue(bits.length)));
  }

  const field = tlvField(tlv, 'subjectPublicKeyInfo', { value: key.description, ...(keyWords && { words: keyWords }), rfc: 'RFC 5280 §4.1.2.7' }, [
    tlvField(algTlv, 'algorithm', { value: oidName(oid) }, algChildren),
    tlvField(keyTlv, 'subjectPublicKey', { ...sizeValue(bits.length) }, keyChildren),
  ]);
  return { key, field };
}

/**
 * The TLS SignatureScheme that verifies a signature made with `algorithm` by a holder of
 * `issuerKey`, or why none does. `description` is set when the scheme's name alone would mislead
 * (an ECDSA hash and curve that TLS 1.3 would not pair: ecdsa-with-SHA384 by a P-256 key).
 */
export function signatureSchemeFor(algorithm: SignatureAlgorithm, issuerKey: PublicKeyInfo): { scheme: SignatureSchemeName; description?: string } | { reason: string } {
  const mismatch = { reason: `${algorithm.name} cannot be made with the issuer's ${issuerKey.description} key` };
  switch (algorithm.family) {
    case 'rsa-pkcs1': {
      if (issuerKey.algorithm !== 'rsa') return mismatch;
      const schemes: Partial<Record<HashAlgorithmName, SignatureSchemeName>> = { sha1: 'rsa_pkcs1_sha1', sha256: 'rsa_pkcs1_sha256', sha384: 'rsa_pkcs1_sha384', sha512: 'rsa_pkcs1_sha512' };
      const scheme = algorithm.hash && schemes[algorithm.hash];
      return scheme ? { scheme } : { reason: `${algorithm.name} is not supported` };
    }
    case 'rsa-pss': {
      if (issuerKey.algorithm !== 'rsa' && issuerKey.algorithm !== 'rsa-pss') return mismatch;
      const pss = algorithm.pss!;
      // RFC 8446 §4.2.3: the TLS PSS schemes use MGF1 with the same hash and a salt as long as the hash.
      if (!['sha256', 'sha384', 'sha512'].includes(pss.hash) || pss.mgfHash !== pss.hash || pss.saltLength !== HASH_LENGTH[pss.hash]) {
        return { reason: `RSASSA-PSS with ${pss.hash}, MGF1 ${pss.mgfHash} and a ${pss.saltLength}-byte salt is not one of the TLS PSS schemes` };
      }
      return { scheme: `rsa_pss_${issuerKey.algorithm === 'rsa' ? 'rsae' : 'pss'}_${pss.hash}` as SignatureSchemeName };
    }
    case 'ecdsa': {
      if (issuerKey.algorithm !== 'ec') return mismatch;
      if (!issuerKey.curve || !CURVE_HASH[issuerKey.curve]) return { reason: `the issuer's curve ${issuerKey.curve ?? '(explicit parameters)'} is not supported` };
      // X.509 pairs any hash with any curve (RFC 5758 §3.2). TLS 1.3 names bind a curve, but the
      // backends read an ECDSA scheme as "ECDSA with this hash" for certificates (as TLS 1.2 does),
      // so the hash picks the scheme and the key brings its own curve.
      const byHash: Partial<Record<HashAlgorithmName, SignatureSchemeName>> = {
        sha1: 'ecdsa_sha1',
        sha256: 'ecdsa_secp256r1_sha256',
        sha384: 'ecdsa_secp384r1_sha384',
        sha512: 'ecdsa_secp521r1_sha512',
      };
      const scheme = algorithm.hash && byHash[algorithm.hash];
      if (!scheme) return { reason: `${algorithm.name} is not supported` };
      return CURVE_HASH[issuerKey.curve] === algorithm.hash || algorithm.hash === 'sha1' ? { scheme } : { scheme, description: `${algorithm.name} with a ${issuerKey.curve} key` };
    }
    case 'ed25519':
      return issuerKey.algorithm === 'ed25519' ? { scheme: 'ed25519' } : mismatch;
    default:
      return { reason: `${algorithm.name} is not supported` };
  }
}
