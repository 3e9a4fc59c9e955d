import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import { type CryptoProvider, createWebCrypto, nobleCrypto } from '../../lib/tls/crypto';
import { TlsAlertError } from '../../lib/tls/errors';
import type { CertificateCheck } from '../../lib/tls/events';
import { findField } from '../../lib/tls/wire/field';
import { type ChainResult, verifyServerCertificates } from '../../lib/tls/x509/chain';
import { parseCertificate } from '../../lib/tls/x509/parse';
import { RootStore, mozillaRoots } from '../../lib/tls/x509/roots';
import { en } from '../../lib/i18n/messages/en';
import { zhCN } from '../../lib/i18n/messages/zh-CN';
import { translator } from '../../lib/i18n/translator';
import { checkDetail } from '../../lib/view/certificate';
import { type Issued, type TestPki, createTestPki, issue } from '../../server/pki';
import { CA_EXTENSIONS, LOCALHOST_LEAF_EXTENSIONS, type Made, make } from './openssl';

const LOCALHOST = { subjectCN: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] };

interface Extra {
  p384Intermediate: Issued;
  leafUnderP384: Issued;
  ed25519Intermediate: Issued;
  leafUnderEd25519: Issued;
  caWithoutKeyCertSign: Issued;
  leafUnderCaWithoutKeyCertSign: Issued;
  subIntermediate: Issued;
  leafUnderSubIntermediate: Issued;
  clientAuthLeaf: Issued;
  keyEnciphermentLeaf: Issued;
  notYetValid: Issued;
  caWithoutBasicConstraints: Made;
  leafUnderCaWithoutBasicConstraints: Made;
  unknownCriticalLeaf: Made;
  pssLeaf: Made;
  constrainedCa: Made;
  leafInsideConstraints: Made;
  leafOutsideConstraints: Made;
  loopA: Made;
  loopB: Made;
  loopLeaf: Made;
  crossUntrusted: Made;
  crossTrusted: Made;
  leafUnderCross: Made;
}

async function makeExtra(dir: string, pki: TestPki): Promise<Extra> {
  const { root, intermediate } = pki;
  const p384Intermediate = await issue({ name: 'int-p384', subjectCN: 'Test P-384 Intermediate', keyType: 'p384', isCA: true, issuer: root }, dir);
  const ed25519Intermediate = await issue({ name: 'int-ed25519', subjectCN: 'Test Ed25519 Intermediate', keyType: 'ed25519', isCA: true, issuer: root }, dir);
  const caWithoutKeyCertSign = await issue(
    { name: 'ca-no-keycertsign', subjectCN: 'CA Without keyCertSign', keyType: 'p256', isCA: true, keyUsage: ['digitalSignature', 'cRLSign'], issuer: root },
    dir,
  );
  const subIntermediate = await issue({ name: 'sub-intermediate', subjectCN: 'Sub Intermediate', keyType: 'p256', isCA: true, issuer: intermediate }, dir);
  const future = Date.now() + 30 * 86_400_000;

  const noBc = make(dir, { name: 'ca-no-bc', subjectCN: 'CA Without basicConstraints', issuer: root, extensions: ['keyUsage = critical,keyCertSign', 'subjectKeyIdentifier = hash'] });
  const constrainedCa = make(dir, { name: 'ca-constrained', subjectCN: 'Constrained CA', issuer: root, extensions: [...CA_EXTENSIONS, 'nameConstraints = critical,permitted;DNS:allowed.test'] });
  const leafWith = (name: string, issuer: { certPath: string; keyPath: string }, san: string, extra: string[] = []) =>
    make(dir, {
      name,
      subjectCN: 'localhost',
      issuer,
      extensions: [...LOCALHOST_LEAF_EXTENSIONS.filter((l) => !l.startsWith('subjectAltName')), `subjectAltName = ${san}`, ...extra],
    });

  // Cross-signing: one intermediate key, certified by both an untrusted and the trusted root.
  const crossUntrusted = make(dir, { name: 'cross-untrusted', subjectCN: 'Cross-Signed Intermediate', issuer: pki.unknownRoot, extensions: CA_EXTENSIONS });
  const crossTrusted = make(dir, { name: 'cross-trusted', subjectCN: 'Cross-Signed Intermediate', keyPath: crossUntrusted.keyPath, issuer: root, extensions: CA_EXTENSIONS });

  // A loop: A certified by B and B certified by A, with no trusted root in sight.
  const loopA0 = make(dir, { name: 'loop-a0', subjectCN: 'Loop A', extensions: CA_EXTENSIONS });
  const loopB0 = make(dir, { name: 'loop-b0', subjectCN: 'Loop B', extensions: CA_EXTENSIONS });
  const loopA = make(dir, { name: 'loop-a', subjectCN: 'Loop A', keyPath: loopA0.keyPath, issuer: loopB0, extensions: CA_EXTENSIONS });
  const loopB = make(dir, { name: 'loop-b', subjectCN: 'Loop B', keyPath: loopB0.keyPath, issuer: loopA0, extensions: CA_EXTENSIONS });

  return {
    p384Intermediate,
    leafUnderP384: await issue({ name: 'leaf-under-p384', keyType: 'p256', issuer: p384Intermediate, ...LOCALHOST }, dir),
    ed25519Intermediate,
    leafUnderEd25519: await issue({ name: 'leaf-under-ed25519', keyType: 'p256', issuer: ed25519Intermediate, ...LOCALHOST }, dir),
    caWithoutKeyCertSign,
    leafUnderCaWithoutKeyCertSign: await issue({ name: 'leaf-under-no-keycertsign', keyType: 'p256', issuer: caWithoutKeyCertSign, ...LOCALHOST }, dir),
    subIntermediate,
    leafUnderSubIntermediate: await issue({ name: 'leaf-under-sub', keyType: 'p256', issuer: subIntermediate, ...LOCALHOST }, dir),
    clientAuthLeaf: await issue({ name: 'leaf-clientauth', keyType: 'p256', issuer: intermediate, extendedKeyUsage: ['clientAuth'], ...LOCALHOST }, dir),
    keyEnciphermentLeaf: await issue({ name: 'leaf-keyencipherment', keyType: 'rsa2048', issuer: intermediate, keyUsage: ['keyEncipherment'], ...LOCALHOST }, dir),
    notYetValid: await issue({ name: 'not-yet-valid', keyType: 'p256', issuer: intermediate, ...LOCALHOST, notBefore: new Date(future), notAfter: new Date(future + 86_400_000) }, dir),
    caWithoutBasicConstraints: noBc,
    leafUnderCaWithoutBasicConstraints: leafWith('leaf-under-no-bc', noBc, 'DNS:localhost'),
    unknownCriticalLeaf: leafWith('leaf-unknown-critical', intermediate, 'DNS:localhost', ['1.3.6.1.4.1.55555.1 = critical,DER:05:00']),
    pssLeaf: make(dir, {
      name: 'leaf-pss',
      subjectCN: 'localhost',
      issuer: root,
      extensions: LOCALHOST_LEAF_EXTENSIONS,
      sigopts: ['rsa_padding_mode:pss', 'rsa_pss_saltlen:digest', 'rsa_mgf1_md:sha256'],
    }),
    constrainedCa,
    leafInsideConstraints: leafWith('leaf-inside', constrainedCa, 'DNS:a.allowed.test'),
    leafOutsideConstraints: leafWith('leaf-outside', constrainedCa, 'DNS:localhost'),
    loopA,
    loopB,
    loopLeaf: leafWith('loop-leaf', loopA0, 'DNS:localhost'),
    crossUntrusted,
    crossTrusted,
    leafUnderCross: leafWith('leaf-under-cross', crossUntrusted, 'DNS:localhost'),
  };
}

const backends: [string, CryptoProvider][] = [
  ['noble', nobleCrypto],
  ['webcrypto', createWebCrypto(globalThis.crypto.subtle)],
];

/** Every check the tests below made, to read again in every language at the end. */
const seen: CertificateCheck[] = [];

function failed(r: ChainResult): CertificateCheck[] {
  return r.summary.checks.filter((c) => !c.ok);
}

function only(r: ChainResult, check: string): CertificateCheck {
  const f = failed(r);
  assert.deepEqual(
    f.map((c) => c.check),
    [check],
    `exactly one failing check, ${check}; got: ${f.map((c) => `${c.check}: ${c.detail}`).join(' | ')}`,
  );
  return f[0];
}

describe('verifyServerCertificates', () => {
  let dir: string;
  let pki: TestPki;
  let x: Extra;
  let trusted: RootStore;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tlspg-x509-chain-'));
    pki = await createTestPki(dir);
    x = await makeExtra(dir, pki);
    trusted = new RootStore([pki.root.certDer]);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const [backendName, crypto] of backends) {
    describe(`with the ${backendName} crypto backend`, () => {
      const verify = async (certificates: Uint8Array[], more: { hostname?: string; roots?: RootStore; userCAs?: Uint8Array[]; leafKeyUsage?: 'digitalSignature' | 'keyEncipherment' } = {}) => {
        const r = await verifyServerCertificates({ certificates, hostname: more.hostname ?? 'localhost', now: new Date(), roots: more.roots ?? trusted, userCAs: more.userCAs, crypto, leafKeyUsage: more.leafKeyUsage });
        seen.push(...r.summary.checks);
        return r;
      };

      for (const keyType of ['rsa2048', 'p256', 'p384', 'ed25519'] as const) {
        test(`a ${keyType} leaf via the intermediate to the root is trusted, every check passing`, async () => {
          const leaf = pki.leaves[keyType];
          const r = await verify([leaf.certDer, pki.intermediate.certDer]);
          assert.equal(r.summary.verdict, 'trusted', failed(r).map((c) => c.detail).join(' | '));
          assert.equal(r.alert, undefined);
          assert.deepEqual(r.summary.chain.map((e) => e.source), ['server', 'server', 'root-store']);
          assert.deepEqual(r.summary.chain.map((e) => e.subject), [
            'CN=localhost, O=TLS Playground (test only)',
            'CN=TLS Playground Test Intermediate CA, O=TLS Playground (test only)',
            'CN=TLS Playground Test Root CA, O=TLS Playground (test only)',
          ]);
          assert.equal(r.summary.chain[0].sha256, new X509Certificate(leaf.certPem).fingerprint256.replace(/:/g, '').toLowerCase());
          const checks = r.summary.checks.map((c) => `${c.check}@${c.certificate ?? '-'}`);
          for (const expected of ['chain@-', 'signature@0', 'signature@1', 'validity@0', 'validity@1', 'validity@2', 'hostname@0', 'basicConstraints@1', 'basicConstraints@2', 'keyUsage@0', 'keyUsage@1', 'extendedKeyUsage@0']) {
            assert.ok(checks.includes(expected), `check ${expected} is reported`);
          }
          const sig = r.summary.checks.filter((c) => c.check === 'signature');
          assert.equal(sig[0].detail, 'signed by "TLS Playground Test Intermediate CA" (ecdsa_secp256r1_sha256): the signature verifies');
          assert.equal(sig[1].detail, 'signed by "TLS Playground Test Root CA" (rsa_pkcs1_sha256): the signature verifies');
          assert.equal(r.path.length, 3);
          assert.equal(r.leaf.subject.display, 'CN=localhost, O=TLS Playground (test only)');
        });
      }

      test('signatures by P-384 and Ed25519 issuers verify with their schemes', async () => {
        const p384 = await verify([x.leafUnderP384.certDer, x.p384Intermediate.certDer]);
        assert.equal(p384.summary.verdict, 'trusted');
        assert.match(p384.summary.checks.find((c) => c.check === 'signature' && c.certificate === 0)!.detail, /\(ecdsa_secp384r1_sha384\): the signature verifies/);
        const ed = await verify([x.leafUnderEd25519.certDer, x.ed25519Intermediate.certDer]);
        assert.equal(ed.summary.verdict, 'trusted');
        assert.match(ed.summary.checks.find((c) => c.check === 'signature' && c.certificate === 0)!.detail, /\(ed25519\): the signature verifies/);
      });

      test('an RSASSA-PSS signature verifies as rsa_pss_rsae_sha256', async () => {
        const r = await verify([x.pssLeaf.certDer]);
        assert.equal(r.summary.verdict, 'trusted', failed(r).map((c) => c.detail).join(' | '));
        assert.match(r.summary.checks.find((c) => c.check === 'signature')!.detail, /\(rsa_pss_rsae_sha256\): the signature verifies/);
      });

      test('certificates in any order, with extra certificates, still lead to the root', async () => {
        const r = await verify([pki.leaves.p256.certDer, pki.unknownRoot.certDer, pki.root.certDer, pki.wrongHost.certDer, pki.intermediate.certDer]);
        assert.equal(r.summary.verdict, 'trusted');
        assert.equal(r.summary.chain.length, 3);
        assert.match(r.summary.checks.find((c) => c.check === 'chain')!.detail, /the server also sent 2 certificates that are not part of it/);
      });

      test('the root sent by the server is replaced by the trusted copy in the store', async () => {
        const r = await verify([pki.leaves.p256.certDer, pki.intermediate.certDer, pki.root.certDer]);
        assert.equal(r.summary.verdict, 'trusted');
        assert.equal(r.summary.chain[2].source, 'root-store');
        assert.doesNotMatch(r.summary.checks.find((c) => c.check === 'chain')!.detail, /also sent/);
      });

      test('a CA supplied by the user is a trust anchor, marked as such', async () => {
        const r = await verify([pki.leaves.p256.certDer, pki.intermediate.certDer], { roots: new RootStore(), userCAs: [pki.root.certDer] });
        assert.equal(r.summary.verdict, 'trusted');
        assert.equal(r.summary.chain[2].source, 'user-ca');
        assert.match(r.summary.checks.find((c) => c.check === 'chain')!.detail, /\(from your CA list\)/);
      });

      test('a self-signed certificate the user trusts is accepted on its own', async () => {
        const r = await verify([pki.selfSigned.certDer], { roots: new RootStore(), userCAs: [pki.selfSigned.certDer] });
        assert.equal(r.summary.verdict, 'trusted', failed(r).map((c) => c.detail).join(' | '));
        assert.equal(r.summary.checks.find((c) => c.check === 'chain')!.detail, "the server's certificate is itself trusted (it is in your CA list)");
      });

      test('an IP address is checked against the iPAddress entries', async () => {
        assert.equal((await verify([pki.leaves.p256.certDer, pki.intermediate.certDer], { hostname: '127.0.0.1' })).summary.verdict, 'trusted');
        const v6 = await verify([pki.leaves.p256.certDer, pki.intermediate.certDer], { hostname: '[::1]' });
        assert.equal(v6.alert, 'certificate_unknown');
        assert.match(only(v6, 'hostname').detail, /::1 is not among the certificate's subjectAltName entries \(DNS:localhost, IP:127\.0\.0\.1\)/);
      });

      test('a missing intermediate → unknown_ca, naming the issuer that could not be found', async () => {
        const r = await verify([pki.leaves.rsa2048.certDer]);
        assert.equal(r.summary.verdict, 'untrusted');
        assert.equal(r.alert, 'unknown_ca');
        assert.equal(r.summary.alert, 'unknown_ca');
        assert.equal(
          only(r, 'chain').detail,
          'no path to a trusted root: "TLS Playground Test Intermediate CA", the issuer of "localhost", was not sent by the server and is not a trusted root (the server is probably not sending its intermediate certificate)',
        );
        assert.deepEqual(r.summary.chain.map((e) => e.source), ['server']);
      });

      test('an expired certificate → certificate_expired, with the date', async () => {
        const r = await verify([pki.expired.certDer, pki.intermediate.certDer]);
        assert.equal(r.alert, 'certificate_expired');
        const check = only(r, 'validity');
        assert.equal(check.certificate, 0);
        assert.match(check.detail, /^expired on 2021-01-01T00:00:00Z \(\d+ days before this check\)$/);
      });

      test('a certificate not yet valid → certificate_expired', async () => {
        const r = await verify([x.notYetValid.certDer, pki.intermediate.certDer]);
        assert.equal(r.alert, 'certificate_expired');
        assert.match(only(r, 'validity').detail, /^not valid before \d{4}-\d\d-\d\dT/);
      });

      test('the wrong host → certificate_unknown, listing the names the certificate has', async () => {
        const r = await verify([pki.wrongHost.certDer, pki.intermediate.certDer]);
        assert.equal(r.alert, 'certificate_unknown');
        assert.equal(only(r, 'hostname').detail, 'localhost does not match any name the certificate is valid for (DNS:wrong-host.test)');
      });

      test('a self-signed certificate → unknown_ca', async () => {
        const r = await verify([pki.selfSigned.certDer]);
        assert.equal(r.alert, 'unknown_ca');
        assert.match(only(r, 'chain').detail, /self-signed and is neither in the root store nor in your CA list/);
      });

      test('a chain to a root nobody trusts → unknown_ca, with or without that root sent', async () => {
        const withRoot = await verify([pki.unknownCaLeaf.certDer, pki.unknownRoot.certDer]);
        assert.equal(withRoot.alert, 'unknown_ca');
        assert.match(only(withRoot, 'chain').detail, /ends at "Nobody Trusts This Root CA", a self-signed root the server sent/);
        const without = await verify([pki.unknownCaLeaf.certDer]);
        assert.equal(without.alert, 'unknown_ca');
        assert.match(only(without, 'chain').detail, /"Nobody Trusts This Root CA", the issuer of "localhost"/);
      });

      test('the Mozilla root store does not trust the test PKI', async () => {
        const r = await verify([pki.leaves.p256.certDer, pki.intermediate.certDer], { roots: await mozillaRoots() });
        assert.equal(r.alert, 'unknown_ca');
      });

      test('a tampered certificate → bad_certificate: its signature does not verify', async () => {
        const der = pki.leaves.p256.certDer.slice();
        const serial = findField(parseCertificate(der).field, 'serialNumber')!;
        der[serial.offset + serial.length - 1] ^= 0x01;
        const r = await verify([der, pki.intermediate.certDer]);
        assert.equal(r.alert, 'bad_certificate');
        const check = only(r, 'signature');
        assert.equal(check.certificate, 0);
        assert.match(check.detail, /does not verify: the certificate was altered or was not issued by this CA/);
      });

      test('an issuer without keyCertSign → bad_certificate', async () => {
        const r = await verify([x.leafUnderCaWithoutKeyCertSign.certDer, x.caWithoutKeyCertSign.certDer]);
        assert.equal(r.alert, 'bad_certificate');
        const check = only(r, 'keyUsage');
        assert.equal(check.certificate, 1);
        assert.equal(check.detail, 'its keyUsage (digitalSignature, cRLSign) lacks keyCertSign, so it may not sign certificates (RFC 5280 §4.2.1.3)');
      });

      test('an issuer without basicConstraints is not a CA → bad_certificate', async () => {
        const r = await verify([x.leafUnderCaWithoutBasicConstraints.certDer, x.caWithoutBasicConstraints.certDer]);
        assert.equal(r.alert, 'bad_certificate');
        assert.match(only(r, 'basicConstraints').detail, /no basicConstraints extension, so it is not a CA/);
      });

      test('an intermediate below a pathLen 0 CA → bad_certificate', async () => {
        const r = await verify([x.leafUnderSubIntermediate.certDer, x.subIntermediate.certDer, pki.intermediate.certDer]);
        assert.equal(r.alert, 'bad_certificate');
        const check = only(r, 'basicConstraints');
        assert.equal(check.certificate, 2);
        assert.equal(check.detail, 'its pathLenConstraint of 0 allows 0 intermediate CAs below it, but 1 follows (RFC 5280 §4.2.1.9)');
      });

      test('a leaf for clientAuth only → unsupported_certificate', async () => {
        const r = await verify([x.clientAuthLeaf.certDer, pki.intermediate.certDer]);
        assert.equal(r.alert, 'unsupported_certificate');
        assert.equal(only(r, 'extendedKeyUsage').detail, 'its extKeyUsage (clientAuth) does not include serverAuth: it is not meant for TLS servers (RFC 5280 §4.2.1.12)');
      });

      test('the leaf keyUsage must allow what the key exchange does with the key', async () => {
        const signing = await verify([x.keyEnciphermentLeaf.certDer, pki.intermediate.certDer]);
        assert.equal(signing.alert, 'unsupported_certificate');
        assert.match(only(signing, 'keyUsage').detail, /its keyUsage \(keyEncipherment\) lacks digitalSignature/);
        const rsaKeyExchange = await verify([x.keyEnciphermentLeaf.certDer, pki.intermediate.certDer], { leafKeyUsage: 'keyEncipherment' });
        assert.equal(rsaKeyExchange.summary.verdict, 'trusted');
      });

      test('an unknown critical extension → unsupported_certificate', async () => {
        const r = await verify([x.unknownCriticalLeaf.certDer, pki.intermediate.certDer]);
        assert.equal(r.alert, 'unsupported_certificate');
        assert.match(only(r, 'criticalExtensions').detail, /critical extension 1\.3\.6\.1\.4\.1\.55555\.1 that this client does not process/);
      });

      test('name constraints of a CA bind the names below it', async () => {
        const inside = await verify([x.leafInsideConstraints.certDer, x.constrainedCa.certDer], { hostname: 'a.allowed.test' });
        assert.equal(inside.summary.verdict, 'trusted', failed(inside).map((c) => c.detail).join(' | '));
        const outside = await verify([x.leafOutsideConstraints.certDer, x.constrainedCa.certDer]);
        assert.equal(outside.alert, 'bad_certificate');
        assert.match(only(outside, 'nameConstraints').detail, /DNS:localhost is outside the permitted subtrees \(DNS:allowed\.test\)/);
      });

      test('a cross-signed intermediate: the path through the trusted root is found, whatever the order', async () => {
        for (const order of [
          [x.crossUntrusted, x.crossTrusted],
          [x.crossTrusted, x.crossUntrusted],
        ]) {
          const r = await verify([x.leafUnderCross.certDer, ...order.map((m) => m.certDer)]);
          assert.equal(r.summary.verdict, 'trusted', failed(r).map((c) => c.detail).join(' | '));
          assert.equal(r.summary.chain[2].subject, 'CN=TLS Playground Test Root CA, O=TLS Playground (test only)');
        }
      });

      test('certificates that certify each other in a loop end in unknown_ca, not a hang', async () => {
        const r = await verify([x.loopLeaf.certDer, x.loopA.certDer, x.loopB.certDer]);
        assert.equal(r.alert, 'unknown_ca');
        assert.deepEqual(r.summary.chain.map((e) => e.subject.split(',')[0]), ['CN=localhost', 'CN=Loop A', 'CN=Loop B']);
      });
    });
  }

  test('the first failure by severity decides the alert; every failure is reported', async () => {
    // Expired, and for the wrong host: certificate_expired outranks certificate_unknown.
    const r = await verifyServerCertificates({ certificates: [pki.expired.certDer, pki.intermediate.certDer], hostname: 'other.test', now: new Date(), roots: trusted, crypto: nobleCrypto });
    assert.deepEqual(failed(r).map((c) => c.check), ['validity', 'hostname']);
    assert.equal(r.alert, 'certificate_expired');
  });

  test('the check time is the injected clock', async () => {
    const r = await verifyServerCertificates({
      certificates: [pki.expired.certDer, pki.intermediate.certDer, pki.root.certDer],
      hostname: 'localhost',
      now: new Date('2020-06-01T00:00:00Z'),
      roots: trusted,
      crypto: nobleCrypto,
    });
    // In mid-2020 the leaf was valid, but the CAs (made today) were not yet.
    assert.deepEqual(failed(r).map((c) => `${c.check}@${c.certificate}`), ['validity@1', 'validity@2']);
  });

  test('an empty certificate list → decode_error (RFC 8446 §4.4.2.4)', async () => {
    await assert.rejects(
      verifyServerCertificates({ certificates: [], hostname: 'localhost', now: new Date(), roots: trusted, crypto: nobleCrypto }),
      (err: unknown) => err instanceof TlsAlertError && err.alert === 'decode_error',
    );
  });

  test('a malformed certificate in the list → bad_certificate naming its position', async () => {
    await assert.rejects(
      verifyServerCertificates({ certificates: [pki.leaves.p256.certDer, new Uint8Array([0x30, 0x03, 0x02, 0x01])], hostname: 'localhost', now: new Date(), roots: trusted, crypto: nobleCrypto }),
      (err: unknown) => err instanceof TlsAlertError && err.alert === 'bad_certificate' && /^certificate #1 sent by the server: /.test(err.message),
    );
  });

  test('a user CA that is not a certificate is reported as the user’s mistake', async () => {
    await assert.rejects(
      verifyServerCertificates({ certificates: [pki.leaves.p256.certDer], hostname: 'localhost', now: new Date(), roots: trusted, userCAs: [new Uint8Array([1, 2, 3])], crypto: nobleCrypto }),
      /CA certificate #1 you supplied is not usable/,
    );
  });
});

describe('RootStore and the Mozilla roots', () => {
  test('mozillaRoots() holds every root Node ships, each found by its own subject', async () => {
    const store = await mozillaRoots();
    assert.equal(store.size, tls.rootCertificates.length);
    for (const pem of tls.rootCertificates) {
      const c = parseCertificate(new Uint8Array(new X509Certificate(pem).raw));
      assert.equal(store.find(c)?.certificate.sha256, c.sha256, c.subject.display);
      assert.ok(store.findIssuers(c).some((a) => a.certificate.sha256 === c.sha256 && a.source === 'root-store'));
    }
  });

  test('a Mozilla root presented by a server is trusted as itself', async () => {
    const isrg = new Uint8Array(new X509Certificate(tls.rootCertificates.find((p) => new X509Certificate(p).subject.includes('CN=ISRG Root X1'))!).raw);
    const r = await verifyServerCertificates({ certificates: [isrg], hostname: 'localhost', now: new Date('2030-01-01T00:00:00Z'), roots: await mozillaRoots(), crypto: nobleCrypto });
    assert.equal(r.summary.checks.find((c) => c.check === 'chain')?.detail, "the server's certificate is itself trusted (it is in the root store)");
    // Trusted, but unfit as a server certificate: it is a CA (CA:TRUE), its key signs certificates, and it names no host.
    assert.deepEqual(failed(r).map((c) => c.check), ['basicConstraints', 'keyUsage', 'hostname']);
    assert.equal(r.alert, 'bad_certificate');
  });

  test('entries are decoded lazily: a broken entry is skipped at lookup, an added one is checked at once', () => {
    const isrgPem = tls.rootCertificates.find((p) => new X509Certificate(p).subject.includes('CN=ISRG Root X1'))!;
    const isrg = new Uint8Array(new X509Certificate(isrgPem).raw);
    const store = new RootStore(['AAAA', Buffer.from(isrg).toString('base64')]);
    assert.equal(store.size, 2);
    assert.equal(store.findIssuers(parseCertificate(isrg)).length, 1);
    assert.throws(() => store.add(new Uint8Array([0x30, 0x00])), (err: unknown) => err instanceof TlsAlertError && err.alert === 'bad_certificate');
  });
});

describe('verifyServerCertificates: a hostile certificate list', () => {
  test('many same-named issuers with wrong keys cost a bounded number of signature checks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tlspg-x509-hostile-'));
    try {
      // One leaf, and 60 self-signed impostors that all carry its issuer's name but not its key.
      const ca = make(dir, { name: 'real-ca', subjectCN: 'Popular Name CA', extensions: CA_EXTENSIONS });
      const leaf = make(dir, { name: 'leaf', subjectCN: 'localhost', issuer: ca, extensions: LOCALHOST_LEAF_EXTENSIONS });
      const impostor = make(dir, { name: 'impostor', subjectCN: 'Popular Name CA', extensions: CA_EXTENSIONS });
      // The same impostor, re-signed so that each copy has a distinct fingerprint but the same name.
      const copies = Array.from({ length: 60 }, (_, i) => {
        const der = impostor.certDer.slice();
        der[der.length - 1] ^= i + 1;
        return der;
      });
      let verifications = 0;
      const counting: CryptoProvider = {
        ...nobleCrypto,
        verify: async (...args) => {
          verifications++;
          return nobleCrypto.verify(...args);
        },
      };
      const r = await verifyServerCertificates({ certificates: [leaf.certDer, ...copies], hostname: 'localhost', now: new Date(), roots: new RootStore(), crypto: counting });
      assert.equal(r.alert, 'unknown_ca');
      assert.ok(verifications <= 48, `${verifications} signature checks`);
      assert.match(only(r, 'chain').detail, /within 48 signature checks: the server sent too many candidate certificates/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('what the checks found, in every language', () => {
  const english = translator('en', en);
  const chinese = translator('zh-CN', zhCN);
  // Quotes and apostrophes are typographic in the catalog, straight in the engine's English.
  // Numbers are grouped per locale in the catalog ("3,649 days").
  const plain = (text: string) => text.replace(/[“”]/g, '"').replace(/’/g, "'").replace(/(\d),(\d{3})\b/g, '$1$2');

  test('every check the suite made carries its finding as data, of many kinds', () => {
    assert.ok(seen.length > 100, `${seen.length} checks`);
    assert.deepEqual(seen.filter((c) => !c.finding).map((c) => c.detail), []);
    const kinds = new Set(seen.map((c) => c.finding!.is));
    assert.ok(kinds.size >= 20, [...kinds].join(' '));
  });

  test('in English, the words made from the finding are the engine’s own detail', () => {
    const differ = seen.filter((c) => plain(checkDetail(c, english)) !== plain(c.detail)).map((c) => `${checkDetail(c, english)}\n  ≠ ${c.detail}`);
    assert.deepEqual([...new Set(differ)], []);
  });

  test('in Chinese, no English phrase is left outside names, values and the RFCs’ own words', () => {
    const english = seen.flatMap((c) => {
      const words = checkDetail(c, chinese)
        // Values the finding carries (names, usages, algorithms), printed as they are.
        .replace(/“[^”]*”|（[^）]*）|\([^)]*\)/g, ' ')
        .replace(/\b(?:RSASSA-PSS|RSA|ECDSA|Ed25519|SHA-?\d+|P-\d+|secp\d+r1|CA:TRUE|CA:FALSE)\b/g, ' ');
      const phrase = words.match(/\b[a-z]{3,}(?:[ ,]+[a-z]{3,}){2,}\b/g);
      return phrase ? [`${phrase.join(' | ')} in: ${checkDetail(c, chinese)}`] : [];
    });
    assert.deepEqual([...new Set(english)], []);
  });
});
