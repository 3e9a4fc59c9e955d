import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import { en } from '../../lib/i18n/messages/en';
import { translator } from '../../lib/i18n/translator';
import { TlsAlertError } from '../../lib/tls/errors';
import { concat, toHex } from '../../lib/tls/wire/bytes';
import { type Field, findField } from '../../lib/tls/wire/field';
import { signatureSchemeFor } from '../../lib/tls/x509/algorithms';
import { type Certificate, parseCertificate } from '../../lib/tls/x509/parse';
import { explainField, fieldsOf } from '../../lib/view/fieldText';
import { type TestPki, createTestPki } from '../../server/pki';
import { CA_EXTENSIONS, make } from './openssl';

const roots = tls.rootCertificates.map((pem) => new X509Certificate(pem));

/** Node prints names one attribute per line, DER order, with RFC 2253 backslash escapes. */
function nodeNameLines(name: string): string[] {
  return name.split('\n').map((line) => line.replace(/\\(.)/g, '$1'));
}

function ourNameLines(c: Certificate['subject']): string[] {
  return c.rdns.flat().map((a) => `${a.short}=${a.value}`);
}

/** Tag-length header size of the DER element starting at `offset` (decoded independently of the parser). */
function headerLength(der: Uint8Array, offset: number): { header: number; total: number } {
  const first = der[offset + 1];
  if (first < 0x80) return { header: 2, total: 2 + first };
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + der[offset + 2 + i];
  return { header: 2 + n, total: 2 + n + len };
}

/** Leaves that are raw bytes inside a BIT STRING, not DER elements of their own. */
const RAW_LEAVES = new Set(['unusedBits', 'ecPoint', 'publicKey', 'signature']);

/**
 * Walks the annotation: every node with children is one DER element whose content the children
 * cover exactly, in order; every other leaf is a whole DER element or a known raw byte run.
 */
function assertCoversExactly(der: Uint8Array, field: Field, path = field.name): void {
  assert.ok(field.offset >= 0 && field.offset + field.length <= der.length, `${path} lies inside the certificate`);
  if (field.children && field.children.length > 0) {
    const { header, total } = headerLength(der, field.offset);
    assert.equal(total, field.length, `${path}: its length is the DER element's length`);
    let at = field.offset + header;
    for (const child of field.children) {
      assert.equal(child.offset, at, `${path}.${child.name} starts where the previous field ended`);
      assertCoversExactly(der, child, `${path}.${child.name}`);
      at += child.length;
    }
    assert.equal(at, field.offset + field.length, `${path}: children end where the element ends`);
  } else if (!RAW_LEAVES.has(field.name)) {
    assert.equal(headerLength(der, field.offset).total, field.length, `${path}: a leaf covers one whole DER element`);
  }
}

describe('parseCertificate: the Mozilla roots shipped with Node', () => {
  test(`all ${roots.length} roots parse and agree with node:crypto X509Certificate`, () => {
    assert.ok(roots.length > 100);
    for (const x of roots) {
      const c = parseCertificate(new Uint8Array(x.raw));
      const who = x.subject.replace(/\n/g, ', ');
      assert.deepEqual(ourNameLines(c.subject), nodeNameLines(x.subject), `${who}: subject`);
      assert.deepEqual(ourNameLines(c.issuer), nodeNameLines(x.issuer), `${who}: issuer`);
      assert.equal(c.notBefore.getTime(), new Date(x.validFrom).getTime(), `${who}: notBefore`);
      assert.equal(c.notAfter.getTime(), new Date(x.validTo).getTime(), `${who}: notAfter`);
      assert.equal(BigInt(`0x${c.serialNumber}`), BigInt(`0x${x.serialNumber}`), `${who}: serial`);
      assert.equal(c.sha256, x.fingerprint256.replace(/:/g, '').toLowerCase(), `${who}: fingerprint`);
      assert.equal(toHex(c.spki), x.publicKey.export({ type: 'spki', format: 'der' }).toString('hex'), `${who}: SPKI`);
      const details = x.publicKey.asymmetricKeyDetails!;
      if (x.publicKey.asymmetricKeyType === 'rsa') {
        assert.equal(c.publicKey.algorithm, 'rsa');
        assert.equal(c.publicKey.bits, details.modulusLength, `${who}: modulus bits`);
      } else {
        assert.equal(c.publicKey.algorithm, 'ec');
        assert.equal(c.publicKey.curve, { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }[details.namedCurve!], `${who}: curve`);
      }
      assert.equal(c.extensions.basicConstraints?.cA ?? false, x.ca, `${who}: CA flag`);
      assert.deepEqual(c.unknownCriticalExtensions, [], `${who}: no unknown critical extension`);
      // The signed bytes are exactly tbsCertificate: the root's self-signature verifies over them.
      const scheme = signatureSchemeFor(c.signatureAlgorithm, c.publicKey);
      assert.ok('scheme' in scheme, `${who}: signature algorithm ${c.signatureAlgorithm.name} maps to a TLS scheme`);
      assert.equal(toHex(c.der.subarray(c.field.children![0].offset, c.field.children![0].offset + c.field.children![0].length)), toHex(c.tbsDer));
    }
  });

  test('the annotation of every root covers its DER exactly, with consistent nested lengths', () => {
    for (const x of roots) {
      const c = parseCertificate(new Uint8Array(x.raw));
      assert.equal(c.field.offset, 0);
      assert.equal(c.field.length, c.der.length);
      assertCoversExactly(c.der, c.field);
    }
  });

  test('the annotation names the fields of RFC 5280 §4.1 with their decoded values', () => {
    const isrg = roots.find((x) => x.subject.includes('CN=ISRG Root X1'))!;
    const c = parseCertificate(new Uint8Array(isrg.raw));
    const tbs = c.field.children![0];
    assert.deepEqual(
      tbs.children!.map((f) => f.name),
      ['version', 'serialNumber', 'signature', 'issuer', 'validity', 'subject', 'subjectPublicKeyInfo', 'extensions'],
    );
    assert.deepEqual(c.field.children!.map((f) => f.name), ['tbsCertificate', 'signatureAlgorithm', 'signatureValue']);
    assert.equal(findField(c.field, 'version')?.value, 'v3 (2)');
    assert.equal(findField(c.field, 'issuer')?.value, 'CN=ISRG Root X1, O=Internet Security Research Group, C=US');
    assert.equal(findField(c.field, 'RelativeDistinguishedName')?.value, 'C=US');
    assert.equal(findField(c.field, 'notBefore')?.value, '2015-06-04T11:04:38Z (UTCTime)');
    assert.equal(findField(c.field, 'subjectPublicKeyInfo')?.value, 'RSA 4096 bits');
    assert.equal(findField(c.field, 'modulus')?.value, '4096-bit modulus');
    assert.equal(findField(c.field, 'publicExponent')?.value, '65537');
    assert.equal(findField(c.field, 'basicConstraints')?.value, 'CA:TRUE');
    assert.equal(findField(c.field, 'keyUsage')?.value, 'keyCertSign, cRLSign');
    assert.equal(findField(c.field, 'signatureAlgorithm')?.value, 'sha256WithRSAEncryption');
    assert.equal(findField(c.field, 'basicConstraints')?.rfc, 'RFC 5280 §4.2.1.9');
    assert.equal(findField(c.field, 'critical')?.value, 'TRUE');
    assert.equal(c.subject.display, 'CN=ISRG Root X1, O=Internet Security Research Group, C=US');
  });

  test('UTCTime two-digit years: 50–99 are 19xx, 00–49 are 20xx (RFC 5280 §4.1.2.5.1)', () => {
    const isrg = new Uint8Array(roots.find((x) => x.subject.includes('CN=ISRG Root X1'))!.raw);
    const nb = findField(parseCertificate(isrg).field, 'notBefore')!;
    const content = nb.offset + 2; // UTCTime header: tag, one length octet
    const withYear = (yy: string) => {
      const b = isrg.slice();
      b[content] = yy.charCodeAt(0);
      b[content + 1] = yy.charCodeAt(1);
      return parseCertificate(b).notBefore.getUTCFullYear();
    };
    assert.equal(withYear('99'), 1999);
    assert.equal(withYear('50'), 1950);
    assert.equal(withYear('49'), 2049);
    assert.equal(withYear('00'), 2000);
  });
});

describe('parseCertificate: certificates made by openssl', () => {
  let dir: string;
  let pki: TestPki;
  let rich: Certificate;
  let longLived: Certificate;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tlspg-x509-parse-'));
    pki = await createTestPki(dir);
    const ca = make(dir, { name: 'rich-ca', subjectCN: 'Rich CA', extensions: CA_EXTENSIONS });
    rich = parseCertificate(
      make(dir, {
        name: 'rich',
        subjectCN: 'rich.test',
        issuer: ca,
        extensions: [
          'basicConstraints = critical,CA:FALSE',
          'subjectAltName = DNS:rich.test,DNS:*.rich.test,IP:192.0.2.7,IP:2001:db8::1,email:ops@rich.test,URI:https://rich.test/',
          'crlDistributionPoints = URI:http://crl.rich.test/ca.crl',
          'authorityInfoAccess = OCSP;URI:http://ocsp.rich.test/,caIssuers;URI:http://rich.test/ca.crt',
          'certificatePolicies = 2.23.140.1.2.1',
          'nameConstraints = permitted;DNS:rich.test',
          'authorityKeyIdentifier = keyid:always',
          'subjectKeyIdentifier = hash',
          '1.2.3.4.5 = critical,DER:05:00',
        ],
      }).certDer,
    );
    longLived = parseCertificate(make(dir, { name: 'long-lived', subjectCN: 'long.test', extensions: ['basicConstraints = CA:FALSE'], days: 12000 }).certDer);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('extensions are decoded as openssl wrote them', () => {
    for (const issued of [pki.root, pki.intermediate, ...Object.values(pki.leaves), pki.client]) {
      const c = parseCertificate(issued.certDer);
      const x = new X509Certificate(issued.certPem);
      const san = (c.extensions.subjectAltName ?? []).map((n) => (n.type === 'iPAddress' ? `IP Address:${n.bytes.join('.')}` : n.type === 'dNSName' ? `DNS:${n.value}` : '?'));
      assert.equal(san.join(', ') || undefined, x.subjectAltName, `${issued.name}: subjectAltName`);
      assert.equal(c.extensions.basicConstraints?.cA, x.ca, `${issued.name}: CA flag`);
      const eku = (c.extensions.extKeyUsage ?? []).map((n) => ({ serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' })[n] ?? n);
      assert.deepEqual(eku, x.keyUsage ?? [], `${issued.name}: extKeyUsage`);
      const text = execFileSync('openssl', ['x509', '-noout', '-ext', 'keyUsage,subjectKeyIdentifier,authorityKeyIdentifier'], { input: issued.certPem, encoding: 'utf8' });
      const ski = text.match(/Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/)?.[1].replace(/:/g, '').toLowerCase();
      assert.equal(toHex(c.extensions.subjectKeyIdentifier!), ski, `${issued.name}: subjectKeyIdentifier`);
      if (issued !== pki.root) {
        const aki = text.match(/Authority Key Identifier:\s*\n\s*(?:keyid:)?([0-9A-F:]+)/)?.[1].replace(/:/g, '').toLowerCase();
        assert.equal(toHex(c.extensions.authorityKeyIdentifier!), aki, `${issued.name}: authorityKeyIdentifier`);
      }
      const ku = text.match(/Key Usage:[^\n]*\n\s*([^\n]+)/)?.[1].split(', ').map((s) => s.trim());
      const names: Record<string, string> = { 'Digital Signature': 'digitalSignature', 'Key Encipherment': 'keyEncipherment', 'Certificate Sign': 'keyCertSign', 'CRL Sign': 'cRLSign' };
      assert.deepEqual(c.extensions.keyUsage, ku?.map((k) => names[k]), `${issued.name}: keyUsage`);
      assertCoversExactly(c.der, c.field);
    }
  });

  test('public keys and signature algorithms are named, with the TLS scheme that verifies them', () => {
    const p384 = parseCertificate(pki.leaves.p384.certDer);
    assert.equal(p384.publicKey.description, 'ECDSA P-384');
    assert.equal(findField(p384.field, 'namedCurve')?.value, '1.3.132.0.34 (secp384r1)');
    assert.match(findField(p384.field, 'ecPoint')!.value!, /^uncompressed point \(97 bytes\)$/);
    assert.equal(p384.signatureAlgorithm.name, 'ecdsa-with-SHA256');
    assert.equal(findField(p384.field, 'Ecdsa-Sig-Value')?.value, 'ECDSA signature (r, s)');
    const ed = parseCertificate(pki.leaves.ed25519.certDer);
    assert.equal(ed.publicKey.description, 'Ed25519');
    const intermediate = parseCertificate(pki.intermediate.certDer);
    assert.deepEqual(signatureSchemeFor(parseCertificate(pki.leaves.rsa2048.certDer).signatureAlgorithm, intermediate.publicKey), { scheme: 'ecdsa_secp256r1_sha256' });
    const root = parseCertificate(pki.root.certDer);
    assert.equal(root.publicKey.description, 'RSA 2048 bits');
    assert.deepEqual(signatureSchemeFor(intermediate.signatureAlgorithm, root.publicKey), { scheme: 'rsa_pkcs1_sha256' });
    assert.deepEqual(signatureSchemeFor(intermediate.signatureAlgorithm, ed.publicKey), {
      reason: "sha256WithRSAEncryption cannot be made with the issuer's Ed25519 key",
    });
    // X.509 pairs any hash with any curve; the scheme follows the hash, and says so.
    assert.deepEqual(signatureSchemeFor({ ...p384.signatureAlgorithm, name: 'ecdsa-with-SHA384', hash: 'sha384' }, intermediate.publicKey), {
      scheme: 'ecdsa_secp384r1_sha384',
      description: 'ecdsa-with-SHA384 with a P-256 key',
    });
  });

  test('subjectAltName, CRL distribution points, AIA, policies and name constraints are decoded', () => {
    assert.equal(
      findField(rich.field, 'subjectAltName')?.value,
      'DNS:rich.test, DNS:*.rich.test, IP:192.0.2.7, IP:2001:db8::1, email:ops@rich.test, URI:https://rich.test/',
    );
    assert.deepEqual(rich.extensions.cRLDistributionPoints, ['http://crl.rich.test/ca.crl']);
    assert.deepEqual(rich.extensions.authorityInfoAccess, [
      { method: 'ocsp', location: 'URI:http://ocsp.rich.test/' },
      { method: 'caIssuers', location: 'URI:http://rich.test/ca.crt' },
    ]);
    assert.deepEqual(rich.extensions.certificatePolicies, ['CA/B domain-validated']);
    assert.equal(findField(rich.field, 'nameConstraints')?.value, 'permitted: DNS:rich.test');
    assertCoversExactly(rich.der, rich.field);
  });

  test('dates from 2050 on are GeneralizedTime (RFC 5280 §4.1.2.5.2)', () => {
    assert.ok(longLived.notAfter.getUTCFullYear() >= 2050);
    assert.match(findField(longLived.field, 'notAfter')!.value!, /^20[5-9]\d-.*\(GeneralizedTime\)$/);
    assert.match(findField(longLived.field, 'notBefore')!.value!, /\(UTCTime\)$/);
  });

  test('an unknown critical extension is flagged, in the certificate and in its annotation', () => {
    assert.deepEqual(rich.unknownCriticalExtensions, ['1.2.3.4.5']);
    const ext = findField(rich.field, '1.2.3.4.5')!;
    const [, around] = [...fieldsOf(rich.field)].find(([f]) => f === ext)!;
    const words = explainField(ext, around, {}, translator('en', en));
    assert.match(words!.text, /not understood by this client: the certificate must be rejected/);
    assert.equal(findField(findField(rich.field, 'subjectAltName')!, 'extnValue')?.children?.[0].name, 'GeneralNames', 'known extensions are decoded inside extnValue');
    assert.equal(findField(ext, 'extnValue')?.children, undefined, 'an unknown extension stays bytes');
  });
});

describe('parseCertificate: malformed DER is bad_certificate with the reason', () => {
  const good = new Uint8Array(roots.find((x) => x.subject.includes('CN=ISRG Root X1'))!.raw);
  const parsed = parseCertificate(good);

  /** DER element with a definite length. */
  function tlv(tag: number, content: Uint8Array): Uint8Array {
    const n = content.length;
    const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
    return concat(new Uint8Array([tag, ...len]), content);
  }
  const slice = (f: Field) => good.subarray(f.offset, f.offset + f.length);
  const tbsField = parsed.field.children![0];
  const [, sigAlgField, sigValField] = parsed.field.children!;

  /** The certificate rebuilt with its extensions list replaced (signature no longer valid, DER well-formed). */
  function withExtensions(extensions: Uint8Array[]): Uint8Array {
    const before = tbsField.children!.filter((f) => f.name !== 'extensions').map(slice);
    const tbs = tlv(0x30, concat(...before, tlv(0xa3, tlv(0x30, concat(...extensions)))));
    return tlv(0x30, concat(tbs, slice(sigAlgField), slice(sigValField)));
  }
  const extensionFields = findField(parsed.field, 'Extensions')!.children!;

  const mutate = (f: (b: Uint8Array) => void): Uint8Array => {
    const b = good.slice();
    f(b);
    return b;
  };
  const notBefore = findField(parsed.field, 'notBefore')!;
  const outerOid = sigAlgField.children![0];

  const cases: [string, Uint8Array, RegExp][] = [
    ['empty input', new Uint8Array(0), /expected a value but the structure ended/],
    ['truncated by one byte', good.subarray(0, good.length - 1), /exceeds the \d+ bytes that remain/],
    ['a trailing byte', concat(good, new Uint8Array([0])), /1 unexpected bytes after the last field/],
    ['indefinite length (BER)', concat(new Uint8Array([0x30, 0x80]), good.subarray(4), new Uint8Array([0, 0])), /indefinite length is BER, not DER/],
    ['a non-minimal length', concat(new Uint8Array([0x30, 0x83, 0x00]), good.subarray(2)), /leading zero octet/],
    ['a SET where the Certificate SEQUENCE belongs', mutate((b) => (b[0] = 0x31)), /at Certificate \(byte 0\): expected SEQUENCE but found SET/],
    ['a notBefore that is not a time', mutate((b) => (b[notBefore.offset + notBefore.length - 1] = 0x58)), /tbsCertificate\.validity\.notBefore.*is not a UTCTime or GeneralizedTime/],
    ['signatureAlgorithm different from tbsCertificate.signature', mutate((b) => (b[outerOid.offset + outerOid.length - 1] = 0x0c)), /signatureAlgorithm \(sha384WithRSAEncryption\) differs from tbsCertificate\.signature/],
    ['the same extension twice', withExtensions([...extensionFields.map(slice), slice(extensionFields[0])]), /the keyUsage extension appears twice/],
    ['an empty extensions list', withExtensions([]), /an empty extensions list/],
  ];
  for (const [what, der, message] of cases) {
    test(what, () => {
      assert.throws(
        () => parseCertificate(der),
        (err: unknown) => err instanceof TlsAlertError && err.alert === 'bad_certificate' && message.test(err.message),
      );
    });
  }

  test('thousands of random corruptions: each parses consistently or is bad_certificate, nothing else', () => {
    // A fixed xorshift generator, so a failure reproduces.
    let seed = 0x2545f491;
    const rand = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const samples = [good, ...roots.filter((r) => r.publicKey.asymmetricKeyType === 'ec').slice(0, 2).map((r) => new Uint8Array(r.raw))];
    let parsedCount = 0;
    for (let i = 0; i < 3000; i++) {
      const base = samples[i % samples.length];
      let b = base.slice();
      const kind = rand(3);
      if (kind === 0) b[rand(b.length)] ^= 1 << rand(8);
      else if (kind === 1) b[rand(b.length)] = rand(256);
      else b = b.subarray(0, rand(b.length));
      try {
        const c = parseCertificate(b);
        parsedCount++;
        assertCoversExactly(c.der, c.field);
      } catch (err) {
        assert.ok(err instanceof TlsAlertError && err.alert === 'bad_certificate', `mutation ${i}: ${String(err)}`);
      }
    }
    assert.ok(parsedCount > 0, 'some corruptions (inside values) still parse');
  });

  test('the rebuilt certificate used above is otherwise well-formed', () => {
    const same = parseCertificate(withExtensions(extensionFields.map(slice)));
    assert.equal(toHex(same.der), toHex(good));
  });
});
