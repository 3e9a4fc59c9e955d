/**
 * Record protection primitives: the three TLS AEADs (RFC 8446 §5.2) and AES-CBC without padding for
 * TLS 1.2 CBC suites (RFC 5246 §6.2.3.2), compared with OpenSSL and between the two backends.
 */
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { AeadName } from '../../lib/tls/crypto/provider';
import { backends, rejectsWithAlert, toHex } from './helpers';

const aeads: { aead: AeadName; openssl: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305'; keyLength: number }[] = [
  { aead: 'AES-128-GCM', openssl: 'aes-128-gcm', keyLength: 16 },
  { aead: 'AES-256-GCM', openssl: 'aes-256-gcm', keyLength: 32 },
  { aead: 'CHACHA20-POLY1305', openssl: 'chacha20-poly1305', keyLength: 32 },
];

/** Sizes around the interesting edges: empty, sub-block, a TLS 1.3 full record (2^14 + type + padding). */
const sizes = [0, 1, 15, 16, 17, 100, 1500, 16384, 16384 + 1 + 255];

const bytes = (n: number) => new Uint8Array(randomBytes(n));

function opensslSeal(cipher: string, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const c = createCipheriv(cipher as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
  c.setAAD(aad, { plaintextLength: plaintext.length });
  return new Uint8Array(Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]));
}

for (const crypto of backends) {
  describe(`${crypto.name}: AEAD seal/open`, () => {
    for (const { aead, openssl, keyLength } of aeads) {
      for (const size of sizes) {
        it(`${aead}, ${size}-byte plaintext: same bytes as OpenSSL, and opens back`, async () => {
          const key = bytes(keyLength);
          const nonce = bytes(12);
          const aad = bytes(5); // a TLS 1.3 record header
          const plaintext = bytes(size);
          const sealed = await crypto.seal(aead, key, nonce, aad, plaintext);
          assert.equal(sealed.length, size + 16);
          assert.equal(toHex(sealed), toHex(opensslSeal(openssl, key, nonce, aad, plaintext)));
          const opened = await crypto.open(aead, key, nonce, aad, sealed);
          assert.ok(opened);
          assert.equal(toHex(opened), toHex(plaintext));
        });
      }

      it(`${aead}: open returns null (never throws) for any tampering`, async () => {
        const key = bytes(keyLength);
        const nonce = bytes(12);
        const aad = bytes(5);
        const sealed = await crypto.seal(aead, key, nonce, aad, bytes(64));
        for (const index of [0, 40, sealed.length - 16, sealed.length - 1]) {
          const tampered = sealed.slice();
          tampered[index] ^= 0x04;
          assert.equal(await crypto.open(aead, key, nonce, aad, tampered), null, `byte ${index}`);
        }
        const otherNonce = nonce.slice();
        otherNonce[11] ^= 1; // the next sequence number
        assert.equal(await crypto.open(aead, key, otherNonce, aad, sealed), null, 'nonce');
        assert.equal(await crypto.open(aead, key, nonce, new Uint8Array(5), sealed), null, 'aad');
        assert.equal(await crypto.open(aead, bytes(keyLength), nonce, aad, sealed), null, 'key');
        assert.equal(await crypto.open(aead, key, nonce, aad, sealed.subarray(0, 15)), null, 'shorter than a tag');
        assert.equal(await crypto.open(aead, key, nonce, aad, new Uint8Array(0)), null, 'empty');
      });

      it(`${aead}: a wrong key or nonce size is a bug in the engine (internal_error), not a bad record`, async () => {
        await rejectsWithAlert(crypto.seal(aead, bytes(keyLength + 1), bytes(12), bytes(5), bytes(3)), 'internal_error');
        await rejectsWithAlert(crypto.open(aead, bytes(keyLength), bytes(8), bytes(5), bytes(32)), 'internal_error');
      });
    }

    it('AES-GCM: the same key array reused across records (as the record layer does) keeps working after it changes', async () => {
      const key = bytes(16);
      const nonce = bytes(12);
      const first = await crypto.seal('AES-128-GCM', key, nonce, bytes(0), bytes(32));
      key.set(bytes(16)); // a KeyUpdate that reuses the buffer must not hit a stale imported key
      const plaintext = bytes(32);
      const second = await crypto.seal('AES-128-GCM', key, nonce, new Uint8Array(0), plaintext);
      assert.equal(toHex(second), toHex(opensslSeal('aes-128-gcm', key, nonce, new Uint8Array(0), plaintext)));
      assert.notEqual(toHex(first), toHex(second));
    });
  });

  describe(`${crypto.name}: AES-CBC without padding`, () => {
    for (const keyLength of [16, 32]) {
      for (const size of [0, 16, 48, 1024, 2048, 16384 + 48]) {
        it(`AES-${keyLength * 8}-CBC, ${size} bytes: same as OpenSSL with padding disabled, and decrypts back`, async () => {
          const key = bytes(keyLength);
          const iv = bytes(16);
          const data = bytes(size);
          const c = createCipheriv(keyLength === 16 ? 'aes-128-cbc' : 'aes-256-cbc', key, iv).setAutoPadding(false);
          const expected = new Uint8Array(Buffer.concat([c.update(data), c.final()]));
          const encrypted = await crypto.cbcEncrypt(key, iv, data);
          assert.equal(toHex(encrypted), toHex(expected));
          assert.equal(toHex(await crypto.cbcDecrypt(key, iv, encrypted)), toHex(data));
        });
      }
    }

    it('decrypts a block whose plaintext looks like bad PKCS#7 padding (no padding check here)', async () => {
      const key = bytes(16);
      const iv = bytes(16);
      const data = new Uint8Array(4096).fill(0x41); // ends in 0x41: invalid PKCS#7
      const encrypted = await crypto.cbcEncrypt(key, iv, data);
      assert.equal(toHex(await crypto.cbcDecrypt(key, iv, encrypted)), toHex(data));
    });

    it('refuses data that is not whole blocks (internal_error)', async () => {
      await rejectsWithAlert(crypto.cbcEncrypt(bytes(16), bytes(16), bytes(17)), 'internal_error');
      await rejectsWithAlert(crypto.cbcDecrypt(bytes(16), bytes(16), bytes(4095)), 'internal_error');
    });
  });
}
