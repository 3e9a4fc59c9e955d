/** RSAES-PKCS1-v1_5 (RFC 8017 §7.2.1) for the TLS 1.2 static-RSA premaster secret (RFC 5246 §7.4.7.1). */
import assert from 'node:assert/strict';
import { constants, privateDecrypt } from 'node:crypto';
import { describe, it } from 'node:test';
import { backends, nodeKeys, rejectsWithAlert, secureRandom, seededRandom, toHex, type NodeKeyPair } from './helpers';

/** The raw encoded message EM, recovered with OpenSSL's private key and no padding removal. */
function encodedMessage(keys: NodeKeyPair, ciphertext: Uint8Array): Uint8Array {
  return new Uint8Array(privateDecrypt({ key: keys.privateKey, padding: constants.RSA_NO_PADDING }, ciphertext));
}

// A TLS 1.2 premaster secret: client_version {3,3} ‖ 46 random bytes.
const premaster = new Uint8Array([3, 3, ...Array.from({ length: 46 }, (_, i) => (i * 37 + 11) & 0xff)]);

for (const crypto of backends) {
  describe(`${crypto.name}: rsaEncryptPkcs1`, () => {
    for (const keyName of ['rsa2048', 'rsa1025'] as const) {
      it(`${keyName}: EM = 0x00 0x02 ‖ non-zero PS ‖ 0x00 ‖ premaster, as OpenSSL's private key reveals`, async () => {
        const keys = nodeKeys()[keyName];
        const k = keyName === 'rsa2048' ? 256 : 129;
        const ciphertext = await crypto.rsaEncryptPkcs1(keys.spki, premaster, secureRandom);
        assert.equal(ciphertext.length, k);
        const em = encodedMessage(keys, ciphertext);
        assert.equal(em[0], 0x00);
        assert.equal(em[1], 0x02);
        const ps = em.subarray(2, k - premaster.length - 1);
        assert.equal(ps.length, k - 48 - 3);
        assert.ok(ps.every((b) => b !== 0), 'padding bytes must be non-zero');
        assert.equal(em[k - premaster.length - 1], 0x00);
        assert.equal(toHex(em.subarray(k - premaster.length)), toHex(premaster));
      });
    }

    it('zero bytes from the RandomSource are replaced by fresh draws, deterministically', async () => {
      const keys = nodeKeys().rsa2048;
      let calls = 0;
      const zerosFirst = (n: number) => (calls++ === 0 ? new Uint8Array(n) : new Uint8Array(n).fill(0x5a));
      const em = encodedMessage(keys, await crypto.rsaEncryptPkcs1(keys.spki, premaster, zerosFirst));
      assert.ok(em.subarray(2, 256 - 49).every((b) => b === 0x5a));
    });

    it('refuses a certificate key that is not rsaEncryption (unsupported_certificate)', async () => {
      await rejectsWithAlert(crypto.rsaEncryptPkcs1(nodeKeys().p256.spki, premaster, secureRandom), 'unsupported_certificate');
      await rejectsWithAlert(crypto.rsaEncryptPkcs1(nodeKeys().rsaPss.spki, premaster, secureRandom), 'unsupported_certificate');
    });

    it('refuses a message longer than k − 11 bytes', async () => {
      const message = await rejectsWithAlert(crypto.rsaEncryptPkcs1(nodeKeys().rsa1025.spki, new Uint8Array(119), secureRandom), 'unsupported_certificate');
      assert.match(message, /too small/);
    });
  });
}

describe('rsaEncryptPkcs1 is the same on both backends', () => {
  it('gives identical ciphertexts for the same RandomSource', async () => {
    const keys = nodeKeys().rsa2048;
    const [a, b] = await Promise.all(backends.map((c) => c.rsaEncryptPkcs1(keys.spki, premaster, seededRandom(5))));
    assert.equal(toHex(a), toHex(b));
  });
});
