/**
 * The benchmark's native-crypto floor (bench/nativeFloor.ts) is only a fair measuring stick if it
 * computes what the real backends compute: same AEAD output, same ECDH secrets, same verdicts.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { describe, it } from 'node:test';
import { createNativeFloorCrypto } from '../../bench/nativeFloor';
import { nobleCrypto } from '../../lib/tls/crypto/noble';
import { secureRandom } from './helpers';

const floor = createNativeFloorCrypto();

describe('bench native-crypto floor', () => {
  it('seals and opens AES-GCM exactly as noble does, and rejects a bad tag', async () => {
    for (const [aead, keyLength] of [['AES-128-GCM', 16], ['AES-256-GCM', 32]] as const) {
      const key = secureRandom(keyLength);
      const nonce = secureRandom(12);
      const aad = secureRandom(5);
      for (const size of [0, 1, 100, 4043]) {
        const plaintext = secureRandom(size);
        const sealed = await floor.seal(aead, key, nonce, aad, plaintext);
        assert.deepEqual(sealed, await nobleCrypto.seal(aead, key, nonce, aad, plaintext));
        assert.deepEqual(await floor.open(aead, key, nonce, aad, sealed), plaintext);
        const tampered = sealed.slice();
        tampered[tampered.length - 1] ^= 1;
        assert.equal(await floor.open(aead, key, nonce, aad, tampered), null);
      }
      assert.equal(await floor.open(aead, key, nonce, aad, new Uint8Array(15)), null);
    }
  });

  it('agrees with noble on the ECDH secret, both ways', async () => {
    for (const group of ['secp256r1', 'secp384r1'] as const) {
      const mine = await floor.generateKeyShare(group, secureRandom);
      const theirs = await nobleCrypto.generateKeyShare(group, secureRandom);
      assert.equal(mine.publicKey[0], 4, 'uncompressed point');
      assert.deepEqual(await floor.deriveSharedSecret(mine, theirs.publicKey), await nobleCrypto.deriveSharedSecret(theirs, mine.publicKey));
    }
  });

  it('verifies ECDSA P-256 signatures as noble does', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
    const message = secureRandom(200);
    const signature = new Uint8Array(nodeSign('sha256', message, privateKey));
    const other = message.slice();
    other[0] ^= 1;
    for (const m of [message, other]) {
      const expected = await nobleCrypto.verify('ecdsa_secp256r1_sha256', spki, m, signature);
      assert.equal(await floor.verify('ecdsa_secp256r1_sha256', spki, m, signature), expected);
    }
    assert.equal(await floor.verify('ecdsa_secp256r1_sha256', spki, message, signature), true);
  });

  it('refuses what it does not implement instead of computing something else', async () => {
    await assert.rejects(floor.generateKeyShare('x25519', secureRandom), /does not implement x25519/);
    await assert.rejects(floor.seal('CHACHA20-POLY1305', secureRandom(32), secureRandom(12), new Uint8Array(0), new Uint8Array(1)), /does not implement CHACHA20-POLY1305/);
    await assert.rejects(floor.verify('ed25519', new Uint8Array(44), new Uint8Array(1), new Uint8Array(64)), /does not implement ed25519/);
  });
});
