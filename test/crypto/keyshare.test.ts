/**
 * Key shares (RFC 8446 §4.2.8) on both backends: sizes on the wire, agreement with OpenSSL acting as
 * the server, the X25519MLKEM768 hybrid (draft-ietf-tls-ecdhe-mlkem), and rejection of bad shares.
 */
import assert from 'node:assert/strict';
import { createECDH, diffieHellman, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { x25519 } from '@noble/curves/ed25519.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { nobleCrypto } from '../../lib/tls/crypto/noble';
import type { GroupName } from '../../lib/tls/crypto/provider';
import { createWebCrypto } from '../../lib/tls/crypto/webcrypto';
import { backends, hex, jwkOf, publicKeyFromRaw, rejectsWithAlert, secureRandom, seededRandom, subtle, toHex } from './helpers';

const groups: GroupName[] = ['x25519', 'secp256r1', 'secp384r1', 'X25519MLKEM768'];

/** What the client puts in its KeyShareEntry (RFC 8446 §4.2.8.2; draft-ietf-tls-ecdhe-mlkem §3). */
const clientShareLength: Record<GroupName, number> = { x25519: 32, secp256r1: 65, secp384r1: 97, X25519MLKEM768: 1184 + 32 };

/** OpenSSL (through node:crypto) playing the server: its key_exchange and the secret it derives. */
function opensslServer(group: GroupName, clientShare: Uint8Array): { serverShare: Uint8Array; secret: Uint8Array } {
  switch (group) {
    case 'x25519': {
      const server = generateKeyPairSync('x25519');
      const secret = diffieHellman({ privateKey: server.privateKey, publicKey: publicKeyFromRaw('X25519', clientShare) });
      return { serverShare: new Uint8Array(Buffer.from(jwkOf(server.publicKey).x as string, 'base64url')), secret: new Uint8Array(secret) };
    }
    case 'secp256r1':
    case 'secp384r1': {
      const ecdh = createECDH(group === 'secp256r1' ? 'prime256v1' : 'secp384r1');
      ecdh.generateKeys();
      return { serverShare: new Uint8Array(ecdh.getPublicKey()), secret: new Uint8Array(ecdh.computeSecret(clientShare)) };
    }
    case 'X25519MLKEM768': {
      // The server's side of draft-ietf-tls-ecdhe-mlkem §3: encapsulate to the ML-KEM key, X25519 with the rest.
      const encapsulationKey = clientShare.subarray(0, 1184);
      const { cipherText, sharedSecret } = ml_kem768.encapsulate(encapsulationKey);
      const x = opensslServer('x25519', clientShare.subarray(1184));
      return { serverShare: new Uint8Array([...cipherText, ...x.serverShare]), secret: new Uint8Array([...sharedSecret, ...x.secret]) };
    }
  }
}

const replayable = createWebCrypto(subtle, { replayableKeyShares: true });

for (const crypto of [...backends, replayable]) {
  const label = crypto === replayable ? 'webcrypto (replayable key shares)' : crypto.name;
  describe(`${label}: key shares`, () => {
    for (const group of groups) {
      it(`${group}: the client share is ${clientShareLength[group]} bytes${group.startsWith('secp') ? ', an uncompressed point (0x04‖X‖Y)' : ''}`, async () => {
        const share = await crypto.generateKeyShare(group, secureRandom);
        assert.equal(share.group, group);
        assert.equal(share.publicKey.length, clientShareLength[group]);
        if (group.startsWith('secp')) assert.equal(share.publicKey[0], 0x04);
      });

      it(`${group}: agrees with OpenSSL as the server on the shared secret`, async () => {
        const share = await crypto.generateKeyShare(group, secureRandom);
        const server = opensslServer(group, share.publicKey);
        const secret = await crypto.deriveSharedSecret(share, server.serverShare);
        assert.equal(toHex(secret), toHex(server.secret));
      });
    }

    it('X25519MLKEM768: server share is ML-KEM ciphertext (1088) ‖ X25519 (32); secret is ML-KEM secret (32) ‖ X25519 secret (32)', async () => {
      const share = await crypto.generateKeyShare('X25519MLKEM768', secureRandom);
      const server = opensslServer('X25519MLKEM768', share.publicKey);
      assert.equal(server.serverShare.length, 1120);
      const secret = await crypto.deriveSharedSecret(share, server.serverShare);
      assert.equal(secret.length, 64);
      const x25519Only = opensslServer('x25519', share.publicKey.subarray(1184));
      // The X25519 half alone, with a different server key, must give a different second half.
      assert.notEqual(toHex(secret.subarray(32)), toHex(x25519Only.secret));
      assert.equal(toHex(secret), toHex(server.secret));
    });

    it('X25519MLKEM768 is not X-Wing: the secret is the plain concatenation, no combiner hash', async () => {
      const share = await crypto.generateKeyShare('X25519MLKEM768', secureRandom);
      const encapsulationKey = share.publicKey.subarray(0, 1184);
      const { cipherText, sharedSecret } = ml_kem768.encapsulate(encapsulationKey);
      const serverX25519 = x25519.utils.randomSecretKey();
      const serverShare = new Uint8Array([...cipherText, ...x25519.getPublicKey(serverX25519)]);
      const secret = await crypto.deriveSharedSecret(share, serverShare);
      assert.equal(toHex(secret.subarray(0, 32)), toHex(sharedSecret));
      assert.equal(toHex(secret.subarray(32)), toHex(x25519.getSharedSecret(serverX25519, share.publicKey.subarray(1184))));
    });

    describe('rejects invalid server shares with illegal_parameter (RFC 8446 §4.2.8.2, §7.4.2)', () => {
      const lowOrderX25519 = {
        zero: '0000000000000000000000000000000000000000000000000000000000000000',
        one: '0100000000000000000000000000000000000000000000000000000000000000',
        'order 8 (a)': 'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
        'order 8 (b)': '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
        'p − 1': 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
        'p (non-canonical 0)': 'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
        'p + 1 (non-canonical 1)': 'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
        'zero with the top bit set (masked, RFC 7748 §5)': '0000000000000000000000000000000000000000000000000000000000000080',
      };
      for (const [name, point] of Object.entries(lowOrderX25519)) {
        it(`x25519: low-order point ${name} (all-zero shared secret)`, async () => {
          const share = await crypto.generateKeyShare('x25519', secureRandom);
          const message = await rejectsWithAlert(crypto.deriveSharedSecret(share, hex(point)), 'illegal_parameter');
          assert.match(message, /all zeros/);
        });
      }

      it('X25519MLKEM768: a low-order X25519 half', async () => {
        const share = await crypto.generateKeyShare('X25519MLKEM768', secureRandom);
        const { cipherText } = ml_kem768.encapsulate(share.publicKey.subarray(0, 1184));
        await rejectsWithAlert(crypto.deriveSharedSecret(share, new Uint8Array([...cipherText, ...new Uint8Array(32)])), 'illegal_parameter');
      });

      const wrongLengths: [GroupName, number][] = [
        ['x25519', 31],
        ['x25519', 33],
        ['secp256r1', 64],
        ['secp256r1', 33],
        ['secp384r1', 65],
        ['X25519MLKEM768', 1216],
        ['X25519MLKEM768', 1119],
        ['X25519MLKEM768', 32],
      ];
      for (const [group, length] of wrongLengths) {
        it(`${group}: ${length} bytes`, async () => {
          const share = await crypto.generateKeyShare(group, secureRandom);
          const message = await rejectsWithAlert(crypto.deriveSharedSecret(share, new Uint8Array(length).fill(4)), 'illegal_parameter');
          assert.match(message, new RegExp(`${length} bytes`));
        });
      }

      it('secp256r1: a compressed point of the right total length is still refused (only 0x04 is allowed)', async () => {
        const share = await crypto.generateKeyShare('secp256r1', secureRandom);
        const peer = opensslServer('secp256r1', share.publicKey).serverShare;
        peer[0] = 0x02;
        await rejectsWithAlert(crypto.deriveSharedSecret(share, peer), 'illegal_parameter');
      });

      for (const group of ['secp256r1', 'secp384r1'] as const) {
        it(`${group}: a point not on the curve`, async () => {
          const share = await crypto.generateKeyShare(group, secureRandom);
          const peer = opensslServer(group, share.publicKey).serverShare;
          peer[peer.length - 1] ^= 0x01; // flip one bit of Y
          const message = await rejectsWithAlert(crypto.deriveSharedSecret(share, peer), 'illegal_parameter');
          assert.match(message, /not a point on the curve/);
        });

        it(`${group}: the point at infinity`, async () => {
          const share = await crypto.generateKeyShare(group, secureRandom);
          const peer = new Uint8Array(group === 'secp256r1' ? 65 : 97);
          peer[0] = 0x04;
          await rejectsWithAlert(crypto.deriveSharedSecret(share, peer), 'illegal_parameter');
        });
      }
    });
  });
}

describe('the two backends agree byte for byte', () => {
  for (const group of groups) {
    it(`${group}: noble and replayable webcrypto make the same share from the same randomness, and the same secret`, async () => {
      const a = await nobleCrypto.generateKeyShare(group, seededRandom(7));
      const b = await replayable.generateKeyShare(group, seededRandom(7));
      assert.equal(toHex(b.publicKey), toHex(a.publicKey));
      assert.equal((b.secret as { backend: string }).backend, 'webcrypto', 'the webcrypto share must really be computed by SubtleCrypto');
      const server = opensslServer(group, a.publicKey);
      assert.equal(toHex(await replayable.deriveSharedSecret(b, server.serverShare)), toHex(await nobleCrypto.deriveSharedSecret(a, server.serverShare)));
    });

    it(`${group}: a native webcrypto share and a noble share reach the same secret from both ends`, async () => {
      if (group === 'X25519MLKEM768') {
        // Only the client side exists for the hybrid; cross-check through an encapsulation instead.
        const share = await backends[1].generateKeyShare(group, secureRandom);
        const server = opensslServer(group, share.publicKey);
        assert.equal(toHex(await backends[1].deriveSharedSecret(share, server.serverShare)), toHex(server.secret));
        return;
      }
      const [noble, web] = await Promise.all([nobleCrypto.generateKeyShare(group, secureRandom), backends[1].generateKeyShare(group, secureRandom)]);
      const fromNoble = await nobleCrypto.deriveSharedSecret(noble, web.publicKey);
      const fromWeb = await backends[1].deriveSharedSecret(web, noble.publicKey);
      assert.equal(toHex(fromWeb), toHex(fromNoble));
    });
  }

  it('noble is deterministic: the same RandomSource gives the same share', async () => {
    for (const group of groups) {
      const a = await nobleCrypto.generateKeyShare(group, seededRandom(99));
      const b = await nobleCrypto.generateKeyShare(group, seededRandom(99));
      assert.equal(toHex(a.publicKey), toHex(b.publicKey), group);
    }
  });

  it('an injected P-256 private key is used as is (redrawn only when ≥ the group order)', async () => {
    const tooLarge = new Uint8Array(32).fill(0xff); // > n, must be redrawn
    const d = hex('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721'); // RFC 6979 A.2.5 key
    const chunks = [tooLarge, d];
    const share = await nobleCrypto.generateKeyShare('secp256r1', (n) => {
      assert.equal(n, 32);
      return chunks.shift() as Uint8Array;
    });
    // RFC 6979 A.2.5: Ux, Uy of that key.
    assert.equal(
      toHex(share.publicKey),
      '04' + '60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6' + '7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299',
    );
  });

  it('noble refuses a webcrypto key share (internal_error); webcrypto accepts noble shares, which is how it falls back', async () => {
    const web = await backends[1].generateKeyShare('x25519', secureRandom);
    await rejectsWithAlert(nobleCrypto.deriveSharedSecret(web, new Uint8Array(32).fill(9)), 'internal_error');
    // The webcrypto backend accepts noble shares: that is how it falls back.
    const noble = await nobleCrypto.generateKeyShare('x25519', secureRandom);
    const peer = await nobleCrypto.generateKeyShare('x25519', secureRandom);
    assert.equal(toHex(await backends[1].deriveSharedSecret(noble, peer.publicKey)), toHex(await nobleCrypto.deriveSharedSecret(peer, noble.publicKey)));
  });
});
