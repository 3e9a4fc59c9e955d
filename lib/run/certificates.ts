import type { CryptoProvider, SignatureSchemeName } from '../tls/crypto/provider';
import type { CertificateVerdict, ClientDeps } from '../tls/client/options';
import { parseCertificate } from '../tls/x509/parse';
import { verifyServerCertificates } from '../tls/x509/chain';
import type { RootStore } from '../tls/x509/roots';
import type { Field } from '../tls/wire/field';

/**
 * The engine's certificate check, backed by lib/tls/x509 (chain building, RFC 5280/6125 checks).
 * `roots` may still be loading (the page fetches the root store while the run connects): the
 * check waits for it, the handshake up to the server's Certificate does not.
 */
export function createCertificateVerifier(opts: { roots: RootStore | Promise<RootStore>; userCAs?: Uint8Array[]; crypto: CryptoProvider }): ClientDeps['verifyCertificates'] {
  return async (certificates, hostname, now, leafKeyUsage): Promise<CertificateVerdict> => {
    const roots = await opts.roots;
    const result = await verifyServerCertificates({ certificates, hostname, now, roots, userCAs: opts.userCAs, crypto: opts.crypto, leafKeyUsage });
    const firstFailure = result.summary.checks.find((k) => !k.ok);
    return { summary: result.summary, alert: result.alert, message: firstFailure?.detail, ...(firstFailure?.finding ? { finding: firstFailure.finding } : {}), leafSpki: result.leaf.spki };
  };
}

/** Lays the X.509 annotation over a certificate; undefined when it does not parse (the check reports why). */
export function annotateCertificate(der: Uint8Array): Field | undefined {
  try {
    return parseCertificate(der).field;
  } catch {
    return undefined;
  }
}

/** The signature schemes a client key can make, best first, from its certificate. */
export function schemesForCertificate(leafDer: Uint8Array): SignatureSchemeName[] {
  const key = parseCertificate(leafDer).publicKey as { algorithm: string; curve?: string };
  switch (key.algorithm) {
    case 'ec':
      return key.curve === 'P-384' ? ['ecdsa_secp384r1_sha384'] : key.curve === 'P-521' ? ['ecdsa_secp521r1_sha512'] : ['ecdsa_secp256r1_sha256'];
    case 'ed25519':
      return ['ed25519'];
    case 'rsa-pss':
      return ['rsa_pss_pss_sha256', 'rsa_pss_pss_sha384'];
    default:
      return ['rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha384', 'rsa_pkcs1_sha256', 'rsa_pkcs1_sha384'];
  }
}
