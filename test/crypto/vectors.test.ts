/** Known-answer vectors from the RFCs and the GCM specification, on both backends. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createWebCrypto } from '../../lib/tls/crypto/webcrypto';
import { backends, fixedRandom, hex, secureRandom, subtle, toHex } from './helpers';

/** PKCS#8 for an Ed25519 seed (RFC 8410 §7), so the RFC 8032 keys can be used with `sign`. */
function ed25519Pkcs8(seed: Uint8Array): Uint8Array {
  return new Uint8Array([...hex('302e020100300506032b657004220420'), ...seed]);
}

/** SubjectPublicKeyInfo for a raw Ed25519 public key (RFC 8410 §4). */
function ed25519Spki(publicKey: Uint8Array): Uint8Array {
  return new Uint8Array([...hex('302a300506032b6570032100'), ...publicKey]);
}

// RFC 7748 §6.1
const alicePrivate = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
const alicePublic = hex('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
const bobPrivate = hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
const bobPublic = hex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
const sharedK = hex('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');

// RFC 8032 §7.1, TEST 1-3
const ed25519Vectors = [
  {
    name: 'TEST 1 (empty message)',
    secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2 (one byte)',
    secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    public: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3 (two bytes)',
    secret: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    public: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature: '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
];

// The Galois/Counter Mode of Operation (McGrew & Viega), test cases 2, 4 and 16.
const gcmVectors = [
  {
    name: 'test case 2 (AES-128, one zero block)',
    aead: 'AES-128-GCM' as const,
    key: '00000000000000000000000000000000',
    iv: '000000000000000000000000',
    aad: '',
    plaintext: '00000000000000000000000000000000',
    ciphertext: '0388dace60b6a392f328c2b971b2fe78',
    tag: 'ab6e47d42cec13bdf53a67b21257bddf',
  },
  {
    name: 'test case 4 (AES-128, partial block, AAD)',
    aead: 'AES-128-GCM' as const,
    key: 'feffe9928665731c6d6a8f9467308308',
    iv: 'cafebabefacedbaddecaf888',
    aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    plaintext:
      'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
    ciphertext:
      '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091',
    tag: '5bc94fbc3221a5db94fae95ae7121a47',
  },
  {
    name: 'test case 16 (AES-256, partial block, AAD)',
    aead: 'AES-256-GCM' as const,
    key: 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308',
    iv: 'cafebabefacedbaddecaf888',
    aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    plaintext:
      'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
    ciphertext:
      '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662',
    tag: '76fc6ece0f4e1768cddf8853bb2d551b',
  },
];

// RFC 8439 §2.8.2
const chachaVector = {
  key: '808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f',
  nonce: '070000004041424344454647',
  aad: '50515253c0c1c2c3c4c5c6c7',
  plaintext: Buffer.from("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.").toString('hex'),
  ciphertext:
    'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116',
  tag: '1ae10b594f09e26a7e902ecbd0600691',
};

const replayableWebCrypto = createWebCrypto(subtle, { replayableKeyShares: true });

for (const crypto of [...backends, replayableWebCrypto]) {
  const label = crypto === replayableWebCrypto ? 'webcrypto (replayable key shares)' : crypto.name;
  describe(`${label}: X25519, RFC 7748 §6.1`, () => {
    if (crypto.name === 'noble' || crypto === replayableWebCrypto) {
      it("turns Alice's injected private key into her public key and the shared secret K with Bob", async () => {
        const share = await crypto.generateKeyShare('x25519', fixedRandom(alicePrivate));
        assert.equal(toHex(share.publicKey), toHex(alicePublic));
        assert.equal(toHex(await crypto.deriveSharedSecret(share, bobPublic)), toHex(sharedK));
      });
      it("gives Bob the same K from Alice's public key", async () => {
        const share = await crypto.generateKeyShare('x25519', fixedRandom(bobPrivate));
        assert.equal(toHex(share.publicKey), toHex(bobPublic));
        assert.equal(toHex(await crypto.deriveSharedSecret(share, alicePublic)), toHex(sharedK));
      });
    } else {
      it('generates its private key natively (not from the RandomSource), and still agrees with RFC 7748 Bob', async () => {
        const share = await crypto.generateKeyShare('x25519', () => {
          throw new Error('native key generation must not draw injected randomness');
        });
        assert.equal(share.publicKey.length, 32);
        const bob = await crypto.generateKeyShare('x25519', secureRandom);
        assert.notEqual(toHex(share.publicKey), toHex(bob.publicKey));
      });
    }
  });

  describe(`${label}: Ed25519, RFC 8032 §7.1`, () => {
    for (const v of ed25519Vectors) {
      it(`verifies ${v.name}`, async () => {
        assert.equal(await crypto.verify('ed25519', ed25519Spki(hex(v.public)), hex(v.message), hex(v.signature)), true);
      });
      it(`signs ${v.name} to exactly the RFC signature (Ed25519 is deterministic)`, async () => {
        const signature = await crypto.sign('ed25519', ed25519Pkcs8(hex(v.secret)), hex(v.message), secureRandom);
        assert.equal(toHex(signature), v.signature);
      });
      it(`rejects ${v.name} with one signature bit flipped`, async () => {
        const bad = hex(v.signature);
        bad[5] ^= 0x01;
        assert.equal(await crypto.verify('ed25519', ed25519Spki(hex(v.public)), hex(v.message), bad), false);
      });
    }
  });

  describe(`${label}: AES-GCM, McGrew–Viega test vectors`, () => {
    for (const v of gcmVectors) {
      it(`seals ${v.name} to ciphertext ‖ tag`, async () => {
        const sealed = await crypto.seal(v.aead, hex(v.key), hex(v.iv), hex(v.aad), hex(v.plaintext));
        assert.equal(toHex(sealed), v.ciphertext + v.tag);
      });
      it(`opens ${v.name}`, async () => {
        const opened = await crypto.open(v.aead, hex(v.key), hex(v.iv), hex(v.aad), hex(v.ciphertext + v.tag));
        assert.ok(opened);
        assert.equal(toHex(opened), v.plaintext);
      });
      it(`returns null for ${v.name} with the last tag byte changed`, async () => {
        const tampered = hex(v.ciphertext + v.tag);
        tampered[tampered.length - 1] ^= 0x80;
        assert.equal(await crypto.open(v.aead, hex(v.key), hex(v.iv), hex(v.aad), tampered), null);
      });
    }
  });

  describe(`${label}: ChaCha20-Poly1305, RFC 8439 §2.8.2`, () => {
    const v = chachaVector;
    it('seals the sunscreen text to the RFC ciphertext ‖ tag', async () => {
      const sealed = await crypto.seal('CHACHA20-POLY1305', hex(v.key), hex(v.nonce), hex(v.aad), hex(v.plaintext));
      assert.equal(toHex(sealed), v.ciphertext + v.tag);
    });
    it('opens it', async () => {
      const opened = await crypto.open('CHACHA20-POLY1305', hex(v.key), hex(v.nonce), hex(v.aad), hex(v.ciphertext + v.tag));
      assert.ok(opened);
      assert.equal(Buffer.from(opened).toString(), "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
    });
    it('returns null when the AAD differs', async () => {
      const aad = hex(v.aad);
      aad[0] ^= 1;
      assert.equal(await crypto.open('CHACHA20-POLY1305', hex(v.key), hex(v.nonce), aad, hex(v.ciphertext + v.tag)), null);
    });
  });
}
