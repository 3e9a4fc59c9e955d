import type { RsaPrivateKey } from './rsa';
import { said } from '../diagnostics';
import { TlsAlertError } from '../errors';
import { bigIntToBytes, bitLength, contextTag, DerError, DerReader, Tag } from './der';
import { checkRsaPublic, curveByOid, curveFieldLength, Oid, UnsupportedKey, type EcCurve } from './spki';

export interface RsaPrivateKeyInfo extends RsaPrivateKey {
  algorithm: 'rsa' | 'rsa-pss';
  bits: number;
}

export interface EcPrivateKeyInfo {
  algorithm: 'ec';
  curve: EcCurve;
  /** The private scalar, exactly curveFieldLength[curve] bytes (RFC 5915 §3). */
  privateKey: Uint8Array;
}

export interface Ed25519PrivateKeyInfo {
  algorithm: 'ed25519';
  /** The 32-byte private key (RFC 8032 §5.1.5 "seed"). */
  seed: Uint8Array;
}

export type PrivateKeyInfo = RsaPrivateKeyInfo | EcPrivateKeyInfo | Ed25519PrivateKeyInfo;

/**
 * Parses a PKCS#8 PrivateKeyInfo / OneAsymmetricKey (RFC 5958 §2) holding an RSA (RFC 8017 App.
 * A.1.2), RSASSA-PSS, EC (RFC 5915) or Ed25519 (RFC 8410 §7) private key. It is the user's own
 * client-certificate key, so a problem with it is an internal_error, not the server's fault.
 */
export function parsePkcs8(der: Uint8Array): PrivateKeyInfo {
  try {
    return parsePkcs8Strict(der);
  } catch (e) {
    if (e instanceof DerError || e instanceof UnsupportedKey) {
      throw new TlsAlertError('internal_error', said('crypto.clientKey', { why: e.diagnostic }));
    }
    throw e;
  }
}

function parsePkcs8Strict(der: Uint8Array): PrivateKeyInfo {
  const outer = new DerReader(der, 'PrivateKeyInfo');
  const info = outer.sequence('SEQUENCE');
  outer.end();
  const version = info.smallInteger('version');
  if (version > 1) throw new UnsupportedKey(said('crypto.pkcs8Version', { version }));
  const alg = info.sequence('privateKeyAlgorithm');
  const algorithm = alg.oid('algorithm');
  const privateKey = info.octetString('privateKey');
  // RFC 5958 §2: [0] attributes and [1] publicKey are optional and not needed to sign.
  if (info.peekTag() === contextTag(0, true)) info.next('attributes');
  if (info.peekTag() === contextTag(1, false)) info.next('publicKey');
  info.end();

  switch (algorithm) {
    case Oid.rsaEncryption:
    case Oid.rsassaPss: {
      // The RSASSA-PSS parameters, if any, are not re-checked here: signing uses the scheme's hash.
      if (algorithm === Oid.rsaEncryption && !alg.atEnd) alg.null('parameters');
      return { algorithm: algorithm === Oid.rsaEncryption ? 'rsa' : 'rsa-pss', ...parseRsaPrivateKey(privateKey) };
    }
    case Oid.ecPublicKey: {
      const curveOid = alg.peekTag() === Tag.OID ? alg.oid('namedCurve') : undefined;
      alg.end();
      return parseEcPrivateKey(privateKey, curveOid);
    }
    case Oid.ed25519: {
      alg.end();
      // RFC 8410 §7: CurvePrivateKey ::= OCTET STRING, nested inside privateKey.
      const inner = new DerReader(privateKey, 'CurvePrivateKey');
      const seed = inner.octetString('OCTET STRING');
      inner.end();
      if (seed.length !== 32) throw new UnsupportedKey(said('crypto.ed25519PrivateLength', { length: seed.length }));
      return { algorithm: 'ed25519', seed: seed.slice() };
    }
    default:
      throw new UnsupportedKey(said('crypto.algorithm', { oid: algorithm }));
  }
}

/** RSAPrivateKey (RFC 8017 App. A.1.2), two-prime only. */
function parseRsaPrivateKey(bytes: Uint8Array): Omit<RsaPrivateKeyInfo, 'algorithm'> {
  const outer = new DerReader(bytes, 'RSAPrivateKey');
  const key = outer.sequence('SEQUENCE');
  outer.end();
  const version = key.smallInteger('version');
  if (version !== 0) throw new UnsupportedKey(said('crypto.multiPrime'));
  const n = key.unsignedInteger('modulus');
  const e = key.unsignedInteger('publicExponent');
  const d = key.unsignedInteger('privateExponent');
  const p = key.unsignedInteger('prime1');
  const q = key.unsignedInteger('prime2');
  const dp = key.unsignedInteger('exponent1');
  const dq = key.unsignedInteger('exponent2');
  const qi = key.unsignedInteger('coefficient');
  key.end();
  checkRsaPublic(n, e);
  // A key whose parts disagree would make CRT signing produce garbage (or leak a factor on a fault).
  if (p * q !== n || d === 0n || dp !== d % (p - 1n) || dq !== d % (q - 1n) || (qi * q) % p !== 1n) {
    throw new UnsupportedKey(said('crypto.rsaInconsistent'));
  }
  return { n, e, d, p, q, dp, dq, qi, bits: bitLength(n) };
}

/** ECPrivateKey (RFC 5915 §3). */
function parseEcPrivateKey(bytes: Uint8Array, curveOidFromAlgorithm: string | undefined): EcPrivateKeyInfo {
  const outer = new DerReader(bytes, 'ECPrivateKey');
  const key = outer.sequence('SEQUENCE');
  outer.end();
  const version = key.smallInteger('version');
  if (version !== 1) throw new UnsupportedKey(said('crypto.ecVersion', { version }));
  const scalar = key.octetString('privateKey');
  let curveOid = curveOidFromAlgorithm;
  const parameters = key.optionalSequence('parameters', contextTag(0, true));
  if (parameters) {
    const inner = parameters.oid('namedCurve');
    parameters.end();
    if (curveOid && curveOid !== inner) throw new UnsupportedKey(said('crypto.ecTwoCurves'));
    curveOid = inner;
  }
  if (key.peekTag() === contextTag(1, true)) key.next('publicKey');
  key.end();
  if (!curveOid) throw new UnsupportedKey(said('crypto.ecPrivateNoCurve'));
  const curve = curveByOid[curveOid];
  if (!curve) throw new UnsupportedKey(said('crypto.ecPrivateCurve', { oid: curveOid }));
  const L = curveFieldLength[curve];
  // RFC 5915 §3: the octet string is ceiling(log2(n)/8) long; left-pad an encoder's short output.
  if (scalar.length > L) throw new UnsupportedKey(said('crypto.ecPrivateLength', { curve, length: scalar.length, max: L }));
  let value = 0n;
  for (const b of scalar) value = (value << 8n) | BigInt(b);
  if (value === 0n) throw new UnsupportedKey(said('crypto.ecPrivateZero'));
  return { algorithm: 'ec', curve, privateKey: bigIntToBytes(value, L) };
}
