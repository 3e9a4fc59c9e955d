/**
 * The demo PKI: one demo root CA (the one the app and CLI can trust for the demo targets), a demo
 * intermediate that issues the server certificates, a demo client certificate, and the deliberately
 * broken certificates of the certificate-failure targets. Generated at first start into
 * `<dataDir>/pki` and reused afterwards (server/pki loadOrIssue); never committed.
 */
import { type Issued, type KeyType, loadOrIssue } from '../pki';
import { demoPkiDir } from './paths';

export interface ServerIdentity {
  key: string;
  /** The certificate chain the server sends, leaf first, PEM-concatenated. */
  certChainPem: string;
  leaf: Issued;
}

export interface DemoPki {
  dir: string;
  /** Trust anchor of every demo target that is supposed to verify. */
  root: Issued;
  intermediate: Issued;
  /** extendedKeyUsage clientAuth, issued by `root`: the certificate the IIS-like targets accept. */
  client: Issued;
  /** The never-trusted root of the untrusted-root target. */
  unknownRoot: Issued;
  /** Server identity per target name. */
  servers: Record<string, ServerIdentity>;
}

export { demoPkiDir } from './paths';

export async function loadOrCreateDemoPki(dataDir: string): Promise<DemoPki> {
  const dir = demoPkiDir(dataDir);
  const root = await loadOrIssue({ name: 'demo-root-ca', subjectCN: 'TLS Playground Demo Root CA', keyType: 'rsa2048', isCA: true }, dir);
  const intermediate = await loadOrIssue(
    { name: 'demo-intermediate-ca', subjectCN: 'TLS Playground Demo Intermediate CA', keyType: 'rsa2048', isCA: true, pathLen: 0, issuer: root },
    dir,
  );
  const unknownRoot = await loadOrIssue({ name: 'unknown-root-ca', subjectCN: 'Unknown Corporate Root CA', keyType: 'rsa2048', isCA: true }, dir);

  const leaf = (name: string, keyType: KeyType, extra: { issuer?: Issued; dnsNames?: string[]; notBefore?: Date; notAfter?: Date } = {}) => {
    const dnsNames = extra.dnsNames ?? [`${name}.test`];
    return loadOrIssue(
      {
        name: `server-${name}`,
        subjectCN: dnsNames[0],
        keyType,
        dnsNames,
        issuer: 'issuer' in extra ? extra.issuer : intermediate,
        notBefore: extra.notBefore,
        notAfter: extra.notAfter,
      },
      dir,
    );
  };

  const [client, iis, iisFixed, tls13, tls13pha, tls13EarlyData, tls13NoEarlyData, tls13NoResume, legacy, wildcard, expired, wrongHost, selfSigned, untrusted, incomplete] = await Promise.all([
    loadOrIssue({ name: 'demo-client', subjectCN: 'Demo Client', keyType: 'p256', issuer: root, extendedKeyUsage: ['clientAuth'] }, dir),
    leaf('iis-renegotiation', 'rsa2048'),
    leaf('iis-fixed', 'rsa2048'),
    leaf('tls13', 'p256'),
    leaf('tls13-pha', 'rsa2048'),
    leaf('tls13-0rtt', 'p256'),
    leaf('tls13-no-0rtt', 'p256'),
    leaf('tls13-no-resume', 'p256'),
    // Static RSA key exchange needs an RSA key with keyEncipherment (RFC 5246 §7.4.2).
    leaf('legacy-tls12', 'rsa2048'),
    // Only the wildcard: www.wildcard.test is covered, the alias wildcard.test itself is not (RFC 6125 §6.4.3).
    leaf('wildcard', 'p256', { dnsNames: ['*.wildcard.test'] }),
    leaf('expired', 'rsa2048', { notBefore: new Date('2023-01-01T00:00:00Z'), notAfter: new Date('2024-01-01T00:00:00Z') }),
    leaf('wrong-host', 'p256', { dnsNames: ['other-host.test'] }),
    leaf('self-signed', 'p256', { issuer: undefined }),
    leaf('untrusted-root', 'rsa2048', { issuer: unknownRoot }),
    leaf('incomplete-chain', 'p256'),
  ]);

  const withIntermediate = (i: Issued): ServerIdentity => ({ key: i.keyPem, certChainPem: i.certPem + intermediate.certPem, leaf: i });
  const servers: Record<string, ServerIdentity> = {
    'iis-renegotiation': withIntermediate(iis),
    'iis-fixed': withIntermediate(iisFixed),
    tls13: withIntermediate(tls13),
    'tls13-pha': withIntermediate(tls13pha),
    'tls13-0rtt': withIntermediate(tls13EarlyData),
    'tls13-no-0rtt': withIntermediate(tls13NoEarlyData),
    'tls13-no-resume': withIntermediate(tls13NoResume),
    'legacy-tls12': withIntermediate(legacy),
    wildcard: withIntermediate(wildcard),
    expired: withIntermediate(expired),
    'wrong-host': withIntermediate(wrongHost),
    'self-signed': { key: selfSigned.keyPem, certChainPem: selfSigned.certPem, leaf: selfSigned },
    // The server sends the unknown root too: trust comes from the store, not from what is sent.
    'untrusted-root': { key: untrusted.keyPem, certChainPem: untrusted.certPem + unknownRoot.certPem, leaf: untrusted },
    // The misconfiguration itself: the intermediate is left out.
    'incomplete-chain': { key: incomplete.keyPem, certChainPem: incomplete.certPem, leaf: incomplete },
  };
  return { dir, root, intermediate, client, unknownRoot, servers };
}
