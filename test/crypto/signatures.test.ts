/**
 * Signatures under every TLS SignatureScheme (RFC 8446 §4.2.3), with keys and signatures made by
 * OpenSSL through node:crypto, verified by both backends; and signatures made by each backend,
 * verified by the other one and by OpenSSL.
 */
import assert from 'node:assert/strict';
import { constants, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { p256 } from '@noble/curves/nist.js';
import { nobleCrypto } from '../../lib/tls/crypto/noble';
import type { SignatureSchemeName } from '../../lib/tls/crypto/provider';
import { schemeCurve, schemeHash } from '../../lib/tls/crypto/schemes';
import { backends, nodeKeys, rejectsWithAlert, secureRandom, seededRandom, toHex, webCrypto, type NodeKeyPair } from './helpers';

const message = new TextEncoder().encode('TLS 1.3, server CertificateVerify' + '\0' + 'transcript hash stands here');
const hashLength = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 } as const;

type KeyName = keyof ReturnType<typeof nodeKeys>;

/** What OpenSSL does for each scheme, in node:crypto's terms. */
function opensslOptions(scheme: SignatureSchemeName, key: KeyObject, saltLength?: number) {
  const hash = schemeHash(scheme) ?? null;
  if (scheme.startsWith('rsa_pss')) {
    return { hash, key: { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: saltLength ?? hashLength[hash as keyof typeof hashLength] } };
  }
  return { hash, key: { key } };
}

function opensslSign(scheme: SignatureSchemeName, keys: NodeKeyPair, data = message, saltLength?: number): Uint8Array {
  const o = opensslOptions(scheme, keys.privateKey, saltLength);
  return new Uint8Array(nodeSign(o.hash, data, o.key));
}

function opensslVerify(scheme: SignatureSchemeName, keys: NodeKeyPair, signature: Uint8Array): boolean {
  const o = opensslOptions(scheme, keys.publicKey);
  return nodeVerify(o.hash, message, o.key, signature);
}

/** Every scheme with a key OpenSSL can sign it with. */
const verifyCases: [SignatureSchemeName, KeyName][] = [
  ['ecdsa_secp256r1_sha256', 'p256'],
  ['ecdsa_secp384r1_sha384', 'p384'],
  ['ecdsa_secp521r1_sha512', 'p521'],
  ['ecdsa_sha1', 'p256'],
  // X.509 and TLS 1.2 pair hashes with any curve (RFC 5758 §3.2): P-384 key, SHA-256 signature.
  ['ecdsa_secp256r1_sha256', 'p384'],
  ['rsa_pss_rsae_sha256', 'rsa2048'],
  ['rsa_pss_rsae_sha384', 'rsa2048'],
  ['rsa_pss_rsae_sha512', 'rsa2048'],
  ['rsa_pss_rsae_sha256', 'rsa1025'],
  ['rsa_pss_rsae_sha384', 'rsa1025'],
  ['rsa_pss_pss_sha256', 'rsaPss'],
  ['rsa_pss_pss_sha384', 'rsaPss'],
  ['rsa_pss_pss_sha512', 'rsaPss'],
  ['rsa_pss_pss_sha256', 'rsaPssSha256'],
  ['rsa_pkcs1_sha256', 'rsa2048'],
  ['rsa_pkcs1_sha384', 'rsa2048'],
  ['rsa_pkcs1_sha512', 'rsa2048'],
  ['rsa_pkcs1_sha1', 'rsa2048'],
  ['rsa_pkcs1_sha256', 'rsa1025'],
  ['ed25519', 'ed25519'],
];

/** ECDSA-Sig-Value with s replaced by n − s: the same signature in its other (high/low-S) form. */
function flipS(der: Uint8Array, n: bigint): { der: Uint8Array; highS: boolean } {
  const buf = Buffer.from(der);
  let o = 2;
  const rLen = buf[o + 1];
  const r = BigInt('0x' + buf.subarray(o + 2, o + 2 + rLen).toString('hex'));
  o += 2 + rLen;
  const s = BigInt('0x' + buf.subarray(o + 2, o + 2 + buf[o + 1]).toString('hex'));
  const flipped = n - s;
  const int = (v: bigint) => {
    let h = v.toString(16);
    if (h.length % 2) h = '0' + h;
    if (parseInt(h.slice(0, 2), 16) & 0x80) h = '00' + h;
    return Buffer.concat([Buffer.from([0x02, h.length / 2]), Buffer.from(h, 'hex')]);
  };
  const body = Buffer.concat([int(r), int(flipped)]);
  return { der: new Uint8Array(Buffer.concat([Buffer.from([0x30, body.length]), body])), highS: flipped > n / 2n };
}

for (const crypto of backends) {
  describe(`${crypto.name}: verifies OpenSSL's signatures`, () => {
    for (const [scheme, keyName] of verifyCases) {
      it(`${scheme} with the ${keyName} key`, async () => {
        const keys = nodeKeys()[keyName];
        const signature = opensslSign(scheme, keys);
        assert.equal(await crypto.verify(scheme, keys.spki, message, signature), true);
      });

      it(`${scheme} with the ${keyName} key: a changed message fails`, async () => {
        const keys = nodeKeys()[keyName];
        const signature = opensslSign(scheme, keys);
        const other = message.slice();
        other[0] ^= 0x20;
        assert.equal(await crypto.verify(scheme, keys.spki, other, signature), false);
      });

      it(`${scheme} with the ${keyName} key: a changed signature fails`, async () => {
        const keys = nodeKeys()[keyName];
        const signature = opensslSign(scheme, keys);
        signature[signature.length - 3] ^= 0x01;
        assert.equal(await crypto.verify(scheme, keys.spki, message, signature), false);
      });
    }

    it('accepts a high-S ECDSA signature, which OpenSSL also accepts (no low-S rule in TLS)', async () => {
      const keys = nodeKeys().p256;
      const n = p256.Point.Fn.ORDER;
      let signature = opensslSign('ecdsa_secp256r1_sha256', keys);
      let flipped = flipS(signature, n);
      if (!flipped.highS) {
        // OpenSSL happened to produce the high-S form: test that one, and its low-S twin.
        signature = flipped.der;
        flipped = flipS(signature, n);
      }
      assert.equal(flipped.highS, true);
      assert.equal(opensslVerify('ecdsa_secp256r1_sha256', keys, flipped.der), true);
      assert.equal(await crypto.verify('ecdsa_secp256r1_sha256', keys.spki, message, flipped.der), true);
      assert.equal(await crypto.verify('ecdsa_secp256r1_sha256', keys.spki, message, signature), true);
    });

    it('rejects ECDSA signatures that are not strict DER', async () => {
      const keys = nodeKeys().p256;
      const signature = opensslSign('ecdsa_secp256r1_sha256', keys);
      const trailing = new Uint8Array([...signature, 0x00]);
      assert.equal(await crypto.verify('ecdsa_secp256r1_sha256', keys.spki, message, trailing), false);
      // BER long-form length for the outer SEQUENCE: same r and s, not DER.
      const longForm = new Uint8Array([0x30, 0x81, signature[1], ...signature.subarray(2)]);
      assert.equal(await crypto.verify('ecdsa_secp256r1_sha256', keys.spki, message, longForm), false);
      // The raw r‖s form is not what TLS sends.
      assert.equal(await crypto.verify('ecdsa_secp256r1_sha256', keys.spki, message, new Uint8Array(64).fill(1)), false);
      assert.equal(await crypto.verify('ecdsa_secp256r1_sha256', keys.spki, message, new Uint8Array(0)), false);
    });

    it('rejects an RSA-PSS signature whose salt is not the hash length (RFC 8446 §4.2.3)', async () => {
      const keys = nodeKeys().rsa2048;
      for (const saltLength of [0, 20, 48]) {
        const signature = opensslSign('rsa_pss_rsae_sha256', keys, message, saltLength);
        assert.equal(await crypto.verify('rsa_pss_rsae_sha256', keys.spki, message, signature), false, `salt ${saltLength}`);
      }
    });

    it('returns false (does not throw) for RSA-PSS SHA-512 with a key too small to hold it (RFC 8017 §9.1.2 step 3)', async () => {
      const keys = nodeKeys().rsa1025;
      const signature = new Uint8Array(129).fill(0x11);
      assert.equal(await crypto.verify('rsa_pss_rsae_sha512', keys.spki, message, signature), false);
    });

    it('rejects an RSA signature one byte short, and a PKCS#1 signature offered as PSS', async () => {
      const keys = nodeKeys().rsa2048;
      const signature = opensslSign('rsa_pkcs1_sha256', keys);
      assert.equal(await crypto.verify('rsa_pkcs1_sha256', keys.spki, message, signature.subarray(1)), false);
      assert.equal(await crypto.verify('rsa_pss_rsae_sha256', keys.spki, message, signature), false);
      assert.equal(await crypto.verify('rsa_pkcs1_sha384', keys.spki, message, signature), false);
    });

    it('refuses a scheme that does not fit the key with illegal_parameter', async () => {
      const k = nodeKeys();
      const sig = new Uint8Array(64);
      assert.match(await rejectsWithAlert(crypto.verify('ecdsa_secp256r1_sha256', k.rsa2048.spki, message, sig), 'illegal_parameter'), /RSA/);
      await rejectsWithAlert(crypto.verify('rsa_pss_rsae_sha256', k.p256.spki, message, sig), 'illegal_parameter');
      await rejectsWithAlert(crypto.verify('ed25519', k.p256.spki, message, sig), 'illegal_parameter');
      // RFC 8446 §4.2.3: rsae needs an rsaEncryption key, pss an id-RSASSA-PSS key.
      await rejectsWithAlert(crypto.verify('rsa_pss_rsae_sha256', k.rsaPss.spki, message, sig), 'illegal_parameter');
      await rejectsWithAlert(crypto.verify('rsa_pss_pss_sha256', k.rsa2048.spki, message, sig), 'illegal_parameter');
      await rejectsWithAlert(crypto.verify('rsa_pkcs1_sha256', k.rsaPss.spki, message, sig), 'illegal_parameter');
      // RFC 4055 §3.1: a PSS key restricted to SHA-256 cannot verify SHA-384 signatures.
      assert.match(await rejectsWithAlert(crypto.verify('rsa_pss_pss_sha384', k.rsaPssSha256.spki, message, sig), 'illegal_parameter'), /sha256/);
    });

    it('refuses a malformed SubjectPublicKeyInfo with bad_certificate', async () => {
      const spki = nodeKeys().p256.spki;
      await rejectsWithAlert(crypto.verify('ecdsa_secp256r1_sha256', spki.subarray(0, spki.length - 1), message, new Uint8Array(70)), 'bad_certificate');
    });
  });

  describe(`${crypto.name}: signs with a PKCS#8 key (client certificates)`, () => {
    const signCases: [SignatureSchemeName, KeyName][] = [
      ['ecdsa_secp256r1_sha256', 'p256'],
      ['ecdsa_secp384r1_sha384', 'p384'],
      ['ecdsa_secp521r1_sha512', 'p521'],
      ['rsa_pss_rsae_sha256', 'rsa2048'],
      ['rsa_pss_rsae_sha384', 'rsa1025'],
      ['rsa_pss_rsae_sha512', 'rsa2048'],
      ['rsa_pss_pss_sha256', 'rsaPss'],
      ['rsa_pss_pss_sha256', 'rsaPssSha256'],
      ['rsa_pkcs1_sha256', 'rsa2048'],
      ['rsa_pkcs1_sha384', 'rsa1025'],
      ['rsa_pkcs1_sha1', 'rsa2048'],
      ['ed25519', 'ed25519'],
    ];
    const other = crypto === nobleCrypto ? webCrypto : nobleCrypto;
    for (const [scheme, keyName] of signCases) {
      it(`${scheme} with the ${keyName} key: OpenSSL and the ${other.name} backend verify it`, async () => {
        const keys = nodeKeys()[keyName];
        const signature = await crypto.sign(scheme, keys.pkcs8, message, secureRandom);
        assert.equal(opensslVerify(scheme, keys, signature), true, 'OpenSSL');
        assert.equal(await other.verify(scheme, keys.spki, message, signature), true, other.name);
        assert.equal(await crypto.verify(scheme, keys.spki, message, signature), true, crypto.name);
        if (schemeCurve(scheme)) assert.equal(signature[0], 0x30, 'ECDSA signatures are DER SEQUENCEs');
      });
    }

    it('refuses to sign with a key the scheme cannot use (internal_error: the client key is ours)', async () => {
      await rejectsWithAlert(crypto.sign('ecdsa_secp256r1_sha256', nodeKeys().rsa2048.pkcs8, message, secureRandom), 'internal_error');
      await rejectsWithAlert(crypto.sign('rsa_pss_pss_sha256', nodeKeys().rsa2048.pkcs8, message, secureRandom), 'internal_error');
      await rejectsWithAlert(crypto.sign('ed25519', nodeKeys().p384.pkcs8, message, secureRandom), 'internal_error');
    });
  });
}

describe('deterministic signatures are identical everywhere', () => {
  for (const [scheme, keyName] of [
    ['rsa_pkcs1_sha256', 'rsa2048'],
    ['rsa_pkcs1_sha512', 'rsa1025'],
    ['ed25519', 'ed25519'],
  ] as [SignatureSchemeName, KeyName][]) {
    it(`${scheme}: noble, webcrypto and OpenSSL produce the same bytes`, async () => {
      const keys = nodeKeys()[keyName];
      const fromNoble = await nobleCrypto.sign(scheme, keys.pkcs8, message, secureRandom);
      const fromWeb = await webCrypto.sign(scheme, keys.pkcs8, message, secureRandom);
      assert.equal(toHex(fromNoble), toHex(opensslSign(scheme, keys)));
      assert.equal(toHex(fromWeb), toHex(fromNoble));
    });
  }

  it('noble ECDSA and RSA-PSS signatures are a function of the injected randomness', async () => {
    for (const [scheme, keyName] of [
      ['ecdsa_secp256r1_sha256', 'p256'],
      ['rsa_pss_rsae_sha256', 'rsa2048'],
    ] as [SignatureSchemeName, KeyName][]) {
      const keys = nodeKeys()[keyName];
      const a = await nobleCrypto.sign(scheme, keys.pkcs8, message, seededRandom(1));
      const b = await nobleCrypto.sign(scheme, keys.pkcs8, message, seededRandom(1));
      const c = await nobleCrypto.sign(scheme, keys.pkcs8, message, seededRandom(2));
      assert.equal(toHex(a), toHex(b), scheme);
      assert.notEqual(toHex(a), toHex(c), scheme);
    }
  });
});
