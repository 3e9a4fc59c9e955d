/**
 * The key sizes and algorithms this client accepts in a server's certification path, in one table.
 * The numbers are the ones current browsers and rustls apply (CA/Browser Forum Baseline
 * Requirements §6.1.5 and §7.1.3.2; NIST SP 800-131A): a certificate outside them is refused with
 * bad_certificate, and the certificate panel shows each certificate's row whatever the verdict.
 */
import type { Certificate } from './parse';
import type { CheckFinding, PolicyProblem } from '../events';

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
  /** The same, as data (lib/trace/schema.ts CheckFinding). */
  finding: CheckFinding;
}

/**
 * A certificate of the path against the table: its own key, and (unless it is the trust anchor,
 * whose self-signature nobody relies on) the hash of the signature its issuer made over it.
 */
export function checkPolicy(cert: Certificate, signatureRelied: boolean, policy: CertificatePolicy = certificatePolicy): PolicyVerdict {
  const key = cert.publicKey;
  const problems: PolicyProblem[] = [];
  if (key.algorithm === 'rsa' || key.algorithm === 'rsa-pss') {
    if ((key.bits ?? 0) < policy.rsaMinimumBits) problems.push({ problem: 'rsa-too-short', key: key.description, bits: policy.rsaMinimumBits });
  } else if (key.algorithm === 'ec') {
    if (!policy.curves.includes(String(key.curve))) problems.push({ problem: 'curve', ...(key.curve ? { curve: key.curve } : {}), curves: [...policy.curves] });
  } else if (!policy.otherKeys.includes(key.algorithm)) {
    problems.push({ problem: 'key-type', key: key.description });
  }
  const hash = cert.signatureAlgorithm.hash;
  if (signatureRelied && hash && policy.refusedSignatureHashes.includes(hash)) {
    problems.push({ problem: 'hash', algorithm: cert.signatureAlgorithm.name, hash: hash === 'sha1' ? 'SHA-1' : hash.toUpperCase() });
  }
  if (problems.length) return { ok: false, detail: `${problems.map(policyProblemWords).join('; ')} (key and algorithm policy)`, finding: { is: 'policy-refused', problems } };
  const signedWith = signatureRelied && hash ? hash.toUpperCase().replace('SHA', 'SHA-') : undefined;
  return {
    ok: true,
    detail: `${key.description}${signedWith ? `, signed with ${signedWith}` : ''}: within the key and algorithm policy`,
    finding: { is: 'policy-ok', key: key.description, ...(signedWith ? { hash: signedWith } : {}) },
  };
}

/** A policy problem as an English clause. */
function policyProblemWords(p: PolicyProblem): string {
  switch (p.problem) {
    case 'rsa-too-short':
      return `its ${p.key} key is shorter than the ${p.bits} bits required`;
    case 'curve':
      return `its EC key is on ${p.curve ?? 'an unnamed curve'}, not one of ${p.curves.join(', ')}`;
    case 'key-type':
      return `its ${p.key} key is of a type this client does not accept`;
    case 'hash':
      return `it is signed with ${p.algorithm}: ${p.hash} signatures on certificates are no longer accepted`;
  }
}
