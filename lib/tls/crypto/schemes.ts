import { said, type Diagnostic } from '../diagnostics';
import { TlsAlertError } from '../errors';
import type { EcCurve, SignatureHash, SignatureSchemeName } from './provider';
import type { PublicKeyInfo } from './spki';

export type { SignatureHash } from './provider';

/**
 * How a scheme signs: ECDSA (DER signature), RSASSA-PSS with the key's OID rsaEncryption (`rsae`)
 * or id-RSASSA-PSS (`pss`), RSASSA-PKCS1-v1_5, or Ed25519 (RFC 8446 §4.2.3).
 */
export type SignatureFamily = 'ecdsa' | 'rsa-pss-rsae' | 'rsa-pss-pss' | 'rsa-pkcs1' | 'ed25519';

interface SchemeInfo {
  family: SignatureFamily;
  /** Undefined for Ed25519, which hashes internally (RFC 8032 §5.1.6). */
  hash: SignatureHash | undefined;
  /** TLS 1.3 binds ECDSA schemes to one curve (RFC 8446 §4.2.3); TLS 1.2 and X.509 do not. */
  curve?: EcCurve;
}

const schemes: Record<SignatureSchemeName, SchemeInfo> = {
  ecdsa_secp256r1_sha256: { family: 'ecdsa', hash: 'sha256', curve: 'P-256' },
  ecdsa_secp384r1_sha384: { family: 'ecdsa', hash: 'sha384', curve: 'P-384' },
  ecdsa_secp521r1_sha512: { family: 'ecdsa', hash: 'sha512', curve: 'P-521' },
  ecdsa_sha1: { family: 'ecdsa', hash: 'sha1' },
  rsa_pss_rsae_sha256: { family: 'rsa-pss-rsae', hash: 'sha256' },
  rsa_pss_rsae_sha384: { family: 'rsa-pss-rsae', hash: 'sha384' },
  rsa_pss_rsae_sha512: { family: 'rsa-pss-rsae', hash: 'sha512' },
  rsa_pss_pss_sha256: { family: 'rsa-pss-pss', hash: 'sha256' },
  rsa_pss_pss_sha384: { family: 'rsa-pss-pss', hash: 'sha384' },
  rsa_pss_pss_sha512: { family: 'rsa-pss-pss', hash: 'sha512' },
  rsa_pkcs1_sha256: { family: 'rsa-pkcs1', hash: 'sha256' },
  rsa_pkcs1_sha384: { family: 'rsa-pkcs1', hash: 'sha384' },
  rsa_pkcs1_sha512: { family: 'rsa-pkcs1', hash: 'sha512' },
  rsa_pkcs1_sha1: { family: 'rsa-pkcs1', hash: 'sha1' },
  ed25519: { family: 'ed25519', hash: undefined },
};

export const signatureSchemeNames = Object.keys(schemes) as SignatureSchemeName[];

function info(scheme: SignatureSchemeName): SchemeInfo {
  const i = schemes[scheme];
  if (!i) throw new TlsAlertError('internal_error', said('crypto.unknownScheme', { scheme: String(scheme) }));
  return i;
}

/**
 * The hash a scheme applies to the message before signing; undefined for Ed25519, which takes the
 * message itself (PureEdDSA).
 */
export function schemeHash(scheme: SignatureSchemeName): SignatureHash | undefined {
  return info(scheme).hash;
}

export function schemeFamily(scheme: SignatureSchemeName): SignatureFamily {
  return info(scheme).family;
}

/**
 * The curve a TLS 1.3 ECDSA scheme requires of the key (RFC 8446 §4.2.3: "ecdsa_secp256r1_sha256"
 * means P-256 with SHA-256). `verify` does not enforce it because X.509 signatures and TLS 1.2
 * (RFC 5246 §7.4.1.4.1) use these names for the hash only; the TLS 1.3 CertificateVerify check
 * calls this.
 */
export function schemeCurve(scheme: SignatureSchemeName): EcCurve | undefined {
  return info(scheme).curve;
}

export const hashLengthBytes: Record<SignatureHash, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

/** The kind of a key, as a clause the sentences about it nest: "an RSA 2048-bit key (rsaEncryption)". */
export function describeKey(key: PublicKeyInfo | { algorithm: PublicKeyInfo['algorithm']; curve?: EcCurve; bits?: number }): Diagnostic {
  const bits = 'bits' in key ? key.bits : undefined;
  switch (key.algorithm) {
    case 'rsa':
      return bits ? said('crypto.rsaKeyBits', { bits }) : said('crypto.rsaKey');
    case 'rsa-pss':
      return bits ? said('crypto.pssKeyBits', { bits }) : said('crypto.pssKey');
    case 'ec':
      return said('crypto.ecKey', { curve: String(key.curve) });
    case 'ed25519':
      return said('crypto.ed25519Key');
  }
}

/**
 * Checks that `scheme` can be used with a key of this kind (RFC 8446 §4.2.3): ECDSA needs an EC
 * key, rsa_pss_rsae_* and rsa_pkcs1_* an rsaEncryption key, rsa_pss_pss_* an id-RSASSA-PSS key
 * (whose parameters, when present, must name the same hash: RFC 4055 §3.1), ed25519 an Ed25519 key.
 * Returns a diagnostic describing the mismatch, or undefined when they fit.
 */
export function schemeKeyMismatch(
  scheme: SignatureSchemeName,
  key: { algorithm: PublicKeyInfo['algorithm']; curve?: EcCurve; bits?: number; pssHash?: SignatureHash },
): Diagnostic | undefined {
  const { family, hash } = info(scheme);
  const needs: Record<SignatureFamily, PublicKeyInfo['algorithm']> = {
    ecdsa: 'ec',
    'rsa-pss-rsae': 'rsa',
    'rsa-pkcs1': 'rsa',
    'rsa-pss-pss': 'rsa-pss',
    ed25519: 'ed25519',
  };
  if (needs[family] !== key.algorithm) {
    return said('crypto.schemeKey', { scheme, key: describeKey(key) });
  }
  if (family === 'rsa-pss-pss' && key.pssHash && key.pssHash !== hash) {
    return said('crypto.schemePssHash', { scheme, hash: String(hash), keyHash: key.pssHash });
  }
  return undefined;
}
