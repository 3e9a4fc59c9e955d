/**
 * The key sizes and algorithms this client accepts in a server's certification path, in one table.
 * The numbers are the ones current browsers and rustls apply (CA/Browser Forum Baseline
 * Requirements §6.1.5 and §7.1.3.2; NIST SP 800-131A): a certificate outside them is refused with
 * bad_certificate, and the certificate panel shows each certificate's row whatever the verdict.
 */
import type { Certificate } from './parse';

export interface CertificatePolicy {
  /** RSA and RSASSA-PSS keys need a modulus of at least this many bits (BR §6.1.5). */
  rsaMinimumBits: number;
  /** Named curves accepted for EC keys (BR §6.1.5: P-256, P-384; P-521 as rustls and Firefox take it). */
  curves: readonly string[];
  /** Key algorithms accepted besides RSA and EC. */
  otherKeys: readonly string[];
  /** Hashes no certificate signature may use: collisions are practical (SHAttered, 2017; MD5 before it). */
  refusedSignatureHashes: readonly string[];
}

export const certificatePolicy: CertificatePolicy = {
  rsaMinimumBits: 2048,
  curves: ['P-256', 'P-384', 'P-521'],
  otherKeys: ['ed25519'],
  refusedSignatureHashes: ['md5', 'sha1'],
};

export interface PolicyVerdict {
  ok: boolean;
  detail: string;
}

/**
 * A certificate of the path against the table: its own key, and (unless it is the trust anchor,
 * whose self-signature nobody relies on) the hash of the signature its issuer made over it.
 */
export function checkPolicy(cert: Certificate, signatureRelied: boolean, policy: CertificatePolicy = certificatePolicy): PolicyVerdict {
  const key = cert.publicKey;
  const problems: string[] = [];
  if (key.algorithm === 'rsa' || key.algorithm === 'rsa-pss') {
    if ((key.bits ?? 0) < policy.rsaMinimumBits) problems.push(`its ${key.description} key is shorter than the ${policy.rsaMinimumBits} bits required`);
  } else if (key.algorithm === 'ec') {
    if (!policy.curves.includes(String(key.curve))) problems.push(`its EC key is on ${key.curve ?? 'an unnamed curve'}, not one of ${policy.curves.join(', ')}`);
  } else if (!policy.otherKeys.includes(key.algorithm)) {
    problems.push(`its ${key.description} key is of a type this client does not accept`);
  }
  const hash = cert.signatureAlgorithm.hash;
  if (signatureRelied && hash && policy.refusedSignatureHashes.includes(hash)) {
    problems.push(`it is signed with ${cert.signatureAlgorithm.name}: ${hash === 'sha1' ? 'SHA-1' : hash.toUpperCase()} signatures on certificates are no longer accepted`);
  }
  if (problems.length) return { ok: false, detail: `${problems.join('; ')} (key and algorithm policy)` };
  const signed = signatureRelied && hash ? `, signed with ${hash.toUpperCase().replace('SHA', 'SHA-')}` : '';
  return { ok: true, detail: `${key.description}${signed}: within the key and algorithm policy` };
}
