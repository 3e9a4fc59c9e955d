/**
 * A standard set of certificates for tests: a two-level CA (root → intermediate) issuing a
 * `localhost` / 127.0.0.1 server certificate for each key type, plus one certificate for each way
 * a certificate check can fail, and a client certificate issued by the root.
 */
import { type Issued, type KeyType, keyTypes, loadOrIssue } from './issue';

export interface TestPki {
  dir: string;
  /** The trust anchor the tests configure (rsa2048, self-signed CA). */
  root: Issued;
  /** Issued by `root` (p256, pathLen 0); issues every good leaf. */
  intermediate: Issued;
  /** Server certificates for localhost / 127.0.0.1, one per key type, issued by `intermediate`. */
  leaves: Record<KeyType, Issued>;
  /** Valid 2020-01-01 … 2021-01-01 (real past dates), issued by `intermediate`. */
  expired: Issued;
  /** Names only `wrong-host.test`; issued by `intermediate`. */
  wrongHost: Issued;
  /** A self-signed end-entity certificate for localhost. */
  selfSigned: Issued;
  /** A CA that nobody trusts. */
  unknownRoot: Issued;
  /** A localhost server certificate issued by `unknownRoot`. */
  unknownCaLeaf: Issued;
  /** A client certificate (extendedKeyUsage clientAuth) issued by `root`. */
  client: Issued;
}

const LOCALHOST = { subjectCN: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] };

/** Creates (or reuses, see loadOrIssue) the standard test certificates in `dir`. */
export async function createTestPki(dir: string): Promise<TestPki> {
  const root = await loadOrIssue({ name: 'root-ca', subjectCN: 'TLS Playground Test Root CA', keyType: 'rsa2048', isCA: true }, dir);
  const intermediate = await loadOrIssue(
    { name: 'intermediate-ca', subjectCN: 'TLS Playground Test Intermediate CA', keyType: 'p256', isCA: true, pathLen: 0, issuer: root },
    dir,
  );
  const leafEntries = await Promise.all(
    keyTypes.map(async (keyType) => [keyType, await loadOrIssue({ name: `leaf-${keyType}`, keyType, issuer: intermediate, ...LOCALHOST }, dir)] as const),
  );
  const leaves = Object.fromEntries(leafEntries) as Record<KeyType, Issued>;
  const unknownRoot = await loadOrIssue({ name: 'unknown-root-ca', subjectCN: 'Nobody Trusts This Root CA', keyType: 'p256', isCA: true }, dir);
  const [expired, wrongHost, selfSigned, unknownCaLeaf, client] = await Promise.all([
    loadOrIssue(
      {
        name: 'expired',
        keyType: 'rsa2048',
        issuer: intermediate,
        ...LOCALHOST,
        notBefore: new Date('2020-01-01T00:00:00Z'),
        notAfter: new Date('2021-01-01T00:00:00Z'),
      },
      dir,
    ),
    loadOrIssue({ name: 'wrong-host', subjectCN: 'wrong-host.test', dnsNames: ['wrong-host.test'], keyType: 'rsa2048', issuer: intermediate }, dir),
    loadOrIssue({ name: 'self-signed', keyType: 'rsa2048', ...LOCALHOST }, dir),
    loadOrIssue({ name: 'unknown-ca-leaf', keyType: 'rsa2048', issuer: unknownRoot, ...LOCALHOST }, dir),
    loadOrIssue({ name: 'client', subjectCN: 'Test Client', keyType: 'p256', issuer: root, extendedKeyUsage: ['clientAuth'] }, dir),
  ]);
  return { dir, root, intermediate, leaves, expired, wrongHost, selfSigned, unknownRoot, unknownCaLeaf, client };
}
