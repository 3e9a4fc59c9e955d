import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import { type Issued, type TestPki, createTestPki, issue, keyTypes, loadOrIssue } from '../../server/pki';

function x509(i: Issued): X509Certificate {
  return new X509Certificate(i.certPem);
}

/** The basicConstraints extension as OpenSSL prints it, e.g. "critical CA:TRUE, pathlen:0". */
function basicConstraints(i: Issued): string {
  const out = execFileSync('openssl', ['x509', '-noout', '-ext', 'basicConstraints'], { input: i.certPem, encoding: 'utf8' });
  return out.replace(/^X509v3 Basic Constraints:\s*/, '').replace(/\s+/g, ' ').trim();
}

/** Node's own chain check: signature by the issuer's key and issuer/subject name chaining. */
function assertIssuedBy(child: Issued, parent: Issued): void {
  const c = x509(child);
  const p = x509(parent);
  assert.ok(c.checkIssued(p), `${child.name} names ${parent.name} as issuer`);
  assert.ok(c.verify(p.publicKey), `${child.name} is signed by ${parent.name}'s key`);
}

/** A real TLS handshake on loopback with Node's client, trusting `ca`. */
async function handshake(opts: { cert: string; key: string; ca: string[]; servername?: string }): Promise<string | null> {
  const server = tls.createServer({ cert: opts.cert, key: opts.key });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    return await new Promise<string | null>((resolve) => {
      const socket = tls.connect({ host: '127.0.0.1', port, ca: opts.ca, servername: opts.servername ?? 'localhost' }, () => {
        socket.end();
        resolve(null);
      });
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
  } finally {
    server.close();
  }
}

describe('server/pki: the standard test PKI', () => {
  let dir: string;
  let pki: TestPki;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tlspg-pki-test-'));
    pki = await createTestPki(dir);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('every certificate parses, and its PEM, DER and key forms agree', () => {
    const all = [pki.root, pki.intermediate, ...Object.values(pki.leaves), pki.expired, pki.wrongHost, pki.selfSigned, pki.unknownRoot, pki.unknownCaLeaf, pki.client];
    for (const i of all) {
      const c = x509(i);
      assert.deepEqual(new Uint8Array(c.raw), i.certDer, `${i.name}: certDer is the DER of certPem`);
      assert.ok(c.checkPrivateKey(createPrivateKey(i.keyPem)), `${i.name}: key matches certificate`);
      const fromDer = createPrivateKey({ key: Buffer.from(i.keyPkcs8Der), format: 'der', type: 'pkcs8' });
      assert.ok(c.checkPrivateKey(fromDer), `${i.name}: PKCS#8 DER is the same key`);
      assert.match(c.subject, /O=TLS Playground \(test only\)/);
    }
  });

  test('files on disk are the returned PEMs, and the key file is private', async () => {
    assert.equal(await readFile(pki.root.certPath, 'utf8'), pki.root.certPem);
    assert.equal(await readFile(pki.root.keyPath, 'utf8'), pki.root.keyPem);
    const { stat } = await import('node:fs/promises');
    assert.equal((await stat(pki.root.keyPath)).mode & 0o777, 0o600);
  });

  test('root → intermediate → leaf chains verify; the root is self-signed', () => {
    assertIssuedBy(pki.root, pki.root);
    assertIssuedBy(pki.intermediate, pki.root);
    for (const keyType of keyTypes) assertIssuedBy(pki.leaves[keyType], pki.intermediate);
    assertIssuedBy(pki.expired, pki.intermediate);
    assertIssuedBy(pki.wrongHost, pki.intermediate);
    assertIssuedBy(pki.unknownCaLeaf, pki.unknownRoot);
    assertIssuedBy(pki.client, pki.root);
    // A self-signed end entity: its own name as issuer and its own signature, but no keyCertSign,
    // so OpenSSL's checkIssued (which insists on a CA key usage) rightly says no.
    const selfSigned = x509(pki.selfSigned);
    assert.equal(selfSigned.issuer, selfSigned.subject);
    assert.ok(selfSigned.verify(selfSigned.publicKey));
    assert.ok(!selfSigned.checkIssued(selfSigned));
    assert.ok(!x509(pki.unknownCaLeaf).verify(x509(pki.root).publicKey));
  });

  test('CA flags, path length and key types are as asked', () => {
    assert.ok(x509(pki.root).ca);
    assert.ok(x509(pki.intermediate).ca);
    assert.ok(!x509(pki.selfSigned).ca);
    assert.ok(!x509(pki.leaves.rsa2048).ca);
    assert.equal(basicConstraints(pki.root), 'critical CA:TRUE');
    assert.equal(basicConstraints(pki.intermediate), 'critical CA:TRUE, pathlen:0');
    assert.equal(basicConstraints(pki.client), 'critical CA:FALSE');
    const expectedType: Record<string, string> = { rsa2048: 'rsa', p256: 'ec', p384: 'ec', ed25519: 'ed25519' };
    for (const keyType of keyTypes) {
      assert.equal(x509(pki.leaves[keyType]).publicKey.asymmetricKeyType, expectedType[keyType]);
    }
    assert.equal(x509(pki.leaves.p256).publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(x509(pki.leaves.p384).publicKey.asymmetricKeyDetails?.namedCurve, 'secp384r1');
    assert.equal(x509(pki.leaves.rsa2048).publicKey.asymmetricKeyDetails?.modulusLength, 2048);
  });

  test('subject alternative names and extended key usage are as asked', () => {
    for (const keyType of keyTypes) {
      const c = x509(pki.leaves[keyType]);
      assert.equal(c.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1');
      assert.equal(c.checkHost('localhost'), 'localhost');
      assert.equal(c.checkIP('127.0.0.1'), '127.0.0.1');
      assert.deepEqual(c.keyUsage, ['1.3.6.1.5.5.7.3.1']); // serverAuth
    }
    assert.equal(x509(pki.wrongHost).subjectAltName, 'DNS:wrong-host.test');
    assert.equal(x509(pki.wrongHost).checkHost('localhost'), undefined);
    assert.deepEqual(x509(pki.client).keyUsage, ['1.3.6.1.5.5.7.3.2']); // clientAuth
  });

  test('the expired certificate carries the real past dates asked for', () => {
    const c = x509(pki.expired);
    assert.equal(new Date(c.validFrom).toISOString(), '2020-01-01T00:00:00.000Z');
    assert.equal(new Date(c.validTo).toISOString(), '2021-01-01T00:00:00.000Z');
    const now = Date.now();
    for (const i of [pki.root, pki.intermediate, pki.leaves.rsa2048, pki.client]) {
      assert.ok(new Date(x509(i).validFrom).getTime() <= now && now < new Date(x509(i).validTo).getTime(), `${i.name} is valid now`);
    }
  });

  test('a real Node TLS client accepts each key type\'s leaf + intermediate when trusting the root', async () => {
    for (const keyType of keyTypes) {
      const leaf = pki.leaves[keyType];
      const err = await handshake({ cert: leaf.certPem + pki.intermediate.certPem, key: leaf.keyPem, ca: [pki.root.certPem] });
      assert.equal(err, null, `${keyType}: handshake succeeds`);
    }
  });

  test('a real Node TLS client rejects each failure certificate with the expected code', async () => {
    const ca = [pki.root.certPem];
    const withChain = (i: Issued) => i.certPem + pki.intermediate.certPem;
    assert.equal(await handshake({ cert: withChain(pki.expired), key: pki.expired.keyPem, ca }), 'CERT_HAS_EXPIRED');
    assert.equal(await handshake({ cert: withChain(pki.wrongHost), key: pki.wrongHost.keyPem, ca }), 'ERR_TLS_CERT_ALTNAME_INVALID');
    assert.equal(await handshake({ cert: pki.selfSigned.certPem, key: pki.selfSigned.keyPem, ca }), 'DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.equal(await handshake({ cert: pki.unknownCaLeaf.certPem, key: pki.unknownCaLeaf.keyPem, ca }), 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const leaf = pki.leaves.rsa2048;
    assert.equal(await handshake({ cert: leaf.certPem, key: leaf.keyPem, ca }), 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'leaf without its intermediate');
  });
});

describe('server/pki: issue and loadOrIssue', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tlspg-pki-reuse-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('loadOrIssue reuses files made from the same spec and reissues when the issuer changes', async () => {
    const ca1 = await issue({ name: 'ca', subjectCN: 'CA one', keyType: 'p256', isCA: true }, dir);
    const spec = { name: 'leaf', subjectCN: 'leaf.test', dnsNames: ['leaf.test'], keyType: 'p256' as const, issuer: ca1 };
    const first = await loadOrIssue(spec, dir);
    const again = await loadOrIssue(spec, dir);
    assert.deepEqual(again.certDer, first.certDer, 'same spec, same files');
    const changed = await loadOrIssue({ ...spec, dnsNames: ['other.test'] }, dir);
    assert.notDeepEqual(changed.certDer, first.certDer, 'a changed SAN list makes a new certificate');
    const ca2 = await issue({ name: 'ca', subjectCN: 'CA one', keyType: 'p256', isCA: true }, dir);
    const reissued = await loadOrIssue({ ...spec, issuer: ca2 }, dir);
    assert.ok(x509(reissued).verify(x509(ca2).publicKey), 'the leaf is re-signed by the new CA');
  });

  test('a not-yet-valid certificate and a pathLen constraint are encoded as asked', async () => {
    const ca = await issue({ name: 'constrained', subjectCN: 'Constrained CA', keyType: 'ed25519', isCA: true, pathLen: 1 }, dir);
    assert.equal(basicConstraints(ca), 'critical CA:TRUE, pathlen:1');
    const future = await issue(
      { name: 'future', subjectCN: 'future.test', keyType: 'ed25519', issuer: ca, notBefore: new Date('2099-01-01T00:00:00Z'), notAfter: new Date('2100-01-01T00:00:00Z') },
      dir,
    );
    assert.equal(new Date(x509(future).validFrom).toISOString(), '2099-01-01T00:00:00.000Z');
    assert.ok(x509(future).verify(x509(ca).publicKey), 'Ed25519 issuer signatures verify');
  });

  test('bad specs are refused before anything is generated', async () => {
    await assert.rejects(issue({ name: '../escape', subjectCN: 'x', keyType: 'p256' }, dir), /plain file stem/);
    await assert.rejects(issue({ name: 'x', subjectCN: 'x', keyType: 'p256', pathLen: 0 }, dir), /only meaningful for a CA/);
    await assert.rejects(
      issue({ name: 'x', subjectCN: 'x', keyType: 'p256', notBefore: new Date('2021-01-01'), notAfter: new Date('2020-01-01') }, dir),
      /notAfter must be later/,
    );
  });
});
