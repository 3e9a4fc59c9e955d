/**
 * How the webcrypto backend uses SubtleCrypto: which operations really run natively, the fallback to
 * noble where a browser lacks an algorithm (detected once), and the choice of default backend.
 * SubtleCrypto is Node's real implementation, observed (and for the fallback cases, made to refuse
 * an algorithm the way an older browser does) through a Proxy.
 */
import assert from 'node:assert/strict';
import { sign as nodeSign } from 'node:crypto';
import { describe, it } from 'node:test';
import { cryptoFor, defaultCrypto } from '../../lib/tls/crypto/index';
import { nobleCrypto } from '../../lib/tls/crypto/noble';
import type { GroupName, SignatureSchemeName } from '../../lib/tls/crypto/provider';
import { createWebCrypto, gcmWebCryptoMinBytesDefault } from '../../lib/tls/crypto/webcrypto';
import { hex, nodeKeys, secureRandom, subtle, toHex } from './helpers';

interface Call {
  method: string;
  algorithm: string;
}

function algorithmOf(method: string, args: unknown[]): string {
  const a = method === 'importKey' ? args[2] : method === 'exportKey' ? (args[1] as CryptoKey).algorithm : args[0];
  return typeof a === 'string' ? a : (a as { name: string }).name;
}

/** Node's SubtleCrypto, recording every call; algorithms in `refuse` throw NotSupportedError. */
function observedSubtle(refuse: string[] = []): { subtle: SubtleCrypto; calls: Call[]; failures: Call[] } {
  const calls: Call[] = [];
  const failures: Call[] = [];
  const proxy = new Proxy(subtle, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const call = { method: String(prop), algorithm: algorithmOf(String(prop), args) };
        calls.push(call);
        if (refuse.includes(call.algorithm)) throw new DOMException(`Unrecognized algorithm name: ${call.algorithm}`, 'NotSupportedError');
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } catch (e) {
          failures.push(call);
          throw e;
        }
      };
    },
  });
  return { subtle: proxy, calls, failures };
}

const count = (calls: Call[], method: string, algorithm: string) => calls.filter((c) => c.method === method && c.algorithm === algorithm).length;
const message = new TextEncoder().encode('observed');

describe('webcrypto backend: the public-key work runs on SubtleCrypto', () => {
  const groups: [GroupName, string][] = [
    ['x25519', 'X25519'],
    ['secp256r1', 'ECDH'],
    ['secp384r1', 'ECDH'],
    ['X25519MLKEM768', 'X25519'],
  ];
  for (const [group, algorithm] of groups) {
    it(`${group}: key generation and derivation call SubtleCrypto ${algorithm}`, async () => {
      const observed = observedSubtle();
      const crypto = createWebCrypto(observed.subtle, { gcmWebCryptoMinBytes: 0 });
      const share = await crypto.generateKeyShare(group, secureRandom);
      const peer = await nobleCrypto.generateKeyShare(group === 'X25519MLKEM768' ? 'x25519' : group, secureRandom);
      if (group === 'X25519MLKEM768') {
        // Build a real server share: encapsulate to the client's ML-KEM key, then the X25519 half.
        const { ml_kem768 } = await import('@noble/post-quantum/ml-kem.js');
        const { cipherText } = ml_kem768.encapsulate(share.publicKey.subarray(0, 1184));
        await crypto.deriveSharedSecret(share, new Uint8Array([...cipherText, ...peer.publicKey]));
      } else {
        assert.equal(toHex(await crypto.deriveSharedSecret(share, peer.publicKey)), toHex(await nobleCrypto.deriveSharedSecret(peer, share.publicKey)));
      }
      assert.equal(count(observed.calls, 'generateKey', algorithm), 1);
      assert.equal(count(observed.calls, 'deriveBits', algorithm), 1);
      assert.deepEqual(observed.failures, []);
    });
  }

  for (const [group, length] of [['x25519', 32], ['secp256r1', 65]] as const) {
    it(`${group}: the public key is read from the JWK export; a malformed JWK falls back to the raw export`, async () => {
      for (const jwkBroken of [false, true]) {
        const exports: string[] = [];
        const patched = new Proxy(subtle, {
          get(target, prop) {
            if (prop === 'exportKey') {
              return async (format: 'jwk' | 'raw', key: CryptoKey) => {
                exports.push(format);
                const out = await target.exportKey(format as 'raw', key);
                return format === 'jwk' && jwkBroken ? { ...(out as unknown as JsonWebKey), x: 'AAAA' } : out;
              };
            }
            const value = Reflect.get(target, prop) as unknown;
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
        const crypto = createWebCrypto(patched);
        const share = await crypto.generateKeyShare(group, secureRandom);
        assert.equal(share.publicKey.length, length);
        assert.deepEqual(exports, jwkBroken ? ['jwk', 'raw'] : ['jwk']);
        const peer = await nobleCrypto.generateKeyShare(group, secureRandom);
        assert.equal(toHex(await crypto.deriveSharedSecret(share, peer.publicKey)), toHex(await nobleCrypto.deriveSharedSecret(peer, share.publicKey)));
      }
    });
  }

  const schemes: [SignatureSchemeName, 'p256' | 'p384' | 'p521' | 'rsa2048' | 'rsaPss' | 'rsaPssSha256' | 'ed25519', string][] = [
    ['ecdsa_secp256r1_sha256', 'p256', 'ECDSA'],
    ['ecdsa_secp384r1_sha384', 'p384', 'ECDSA'],
    ['ecdsa_secp521r1_sha512', 'p521', 'ECDSA'],
    ['rsa_pss_pss_sha256', 'rsaPssSha256', 'RSA-PSS'],
    ['rsa_pss_rsae_sha256', 'rsa2048', 'RSA-PSS'],
    ['rsa_pss_pss_sha256', 'rsaPss', 'RSA-PSS'],
    ['rsa_pkcs1_sha256', 'rsa2048', 'RSASSA-PKCS1-v1_5'],
    ['ed25519', 'ed25519', 'Ed25519'],
  ];
  for (const [scheme, keyName, algorithm] of schemes) {
    it(`${scheme}: verify and sign call SubtleCrypto ${algorithm}, without falling back`, async () => {
      const observed = observedSubtle();
      const crypto = createWebCrypto(observed.subtle, { gcmWebCryptoMinBytes: 0 });
      const keys = nodeKeys()[keyName];
      const signature = await crypto.sign(scheme, keys.pkcs8, message, secureRandom);
      assert.equal(await crypto.verify(scheme, keys.spki, message, signature), true);
      assert.equal(count(observed.calls, 'sign', algorithm), 1);
      assert.equal(count(observed.calls, 'verify', algorithm), 1);
      assert.deepEqual(observed.failures, []);
    });
  }

  it('imports a verification key once and reuses it (chains repeat intermediate and root keys)', async () => {
    const observed = observedSubtle();
    const crypto = createWebCrypto(observed.subtle, { gcmWebCryptoMinBytes: 0 });
    const keys = nodeKeys().p256;
    const signature = new Uint8Array(nodeSign('sha256', message, keys.privateKey));
    for (let i = 0; i < 3; i++) assert.equal(await crypto.verify('ecdsa_secp256r1_sha256', keys.spki, message, signature), true);
    assert.equal(count(observed.calls, 'importKey', 'ECDSA'), 1);
    assert.equal(count(observed.calls, 'verify', 'ECDSA'), 3);
  });

  it('imports a client-certificate signing key once across signatures', async () => {
    const observed = observedSubtle();
    const crypto = createWebCrypto(observed.subtle, { gcmWebCryptoMinBytes: 0 });
    const keys = nodeKeys().p256;
    for (let i = 0; i < 3; i++) {
      const signature = await crypto.sign('ecdsa_secp256r1_sha256', keys.pkcs8, message, secureRandom);
      assert.equal(await nobleCrypto.verify('ecdsa_secp256r1_sha256', keys.spki, message, signature), true);
    }
    assert.equal(count(observed.calls, 'importKey', 'ECDSA'), 1);
    assert.equal(count(observed.calls, 'sign', 'ECDSA'), 3);
    // A different key is a different cache entry.
    await crypto.sign('ecdsa_secp384r1_sha384', nodeKeys().p384.pkcs8, message, secureRandom);
    assert.equal(count(observed.calls, 'importKey', 'ECDSA'), 2);
  });

  it('AES-GCM records go to SubtleCrypto with one key import; ChaCha20-Poly1305 stays on noble', async () => {
    const observed = observedSubtle();
    const crypto = createWebCrypto(observed.subtle, { gcmWebCryptoMinBytes: 0 });
    const key = new Uint8Array(16).fill(1);
    for (let seq = 0; seq < 3; seq++) {
      const nonce = new Uint8Array(12);
      nonce[11] = seq;
      const sealed = await crypto.seal('AES-128-GCM', key, nonce, new Uint8Array(5), message);
      assert.ok(await crypto.open('AES-128-GCM', key, nonce, new Uint8Array(5), sealed));
    }
    assert.equal(count(observed.calls, 'importKey', 'AES-GCM'), 1);
    assert.equal(count(observed.calls, 'encrypt', 'AES-GCM'), 3);
    await crypto.seal('CHACHA20-POLY1305', new Uint8Array(32), new Uint8Array(12), new Uint8Array(0), message);
    assert.equal(observed.calls.filter((c) => c.algorithm.startsWith('CHACHA')).length, 0);
  });

  it(`by default, AES-GCM records under ${gcmWebCryptoMinBytesDefault} bytes stay on noble, longer ones go to SubtleCrypto, with the same bytes`, async () => {
    const observed = observedSubtle();
    const crypto = createWebCrypto(observed.subtle);
    const key = new Uint8Array(16).fill(2);
    const nonce = new Uint8Array(12);
    const short = new Uint8Array(gcmWebCryptoMinBytesDefault - 1).fill(7);
    const long = new Uint8Array(gcmWebCryptoMinBytesDefault).fill(7);
    const sealedShort = await crypto.seal('AES-128-GCM', key, nonce, new Uint8Array(0), short);
    assert.equal(count(observed.calls, 'encrypt', 'AES-GCM'), 0);
    const sealedLong = await crypto.seal('AES-128-GCM', key, nonce, new Uint8Array(0), long);
    assert.equal(count(observed.calls, 'encrypt', 'AES-GCM'), 1);
    assert.equal(toHex(sealedShort), toHex(await nobleCrypto.seal('AES-128-GCM', key, nonce, new Uint8Array(0), short)));
    assert.equal(toHex(sealedLong), toHex(await nobleCrypto.seal('AES-128-GCM', key, nonce, new Uint8Array(0), long)));
  });

  it('AES-CBC uses SubtleCrypto from 2048 bytes up, noble below', async () => {
    const observed = observedSubtle();
    const crypto = createWebCrypto(observed.subtle, { gcmWebCryptoMinBytes: 0 });
    const key = new Uint8Array(16).fill(2);
    const iv = new Uint8Array(16).fill(3);
    await crypto.cbcDecrypt(key, iv, await crypto.cbcEncrypt(key, iv, new Uint8Array(2032)));
    assert.equal(observed.calls.length, 0);
    const data = new Uint8Array(4096).fill(4);
    assert.equal(toHex(await crypto.cbcDecrypt(key, iv, await crypto.cbcEncrypt(key, iv, data))), toHex(data));
    assert.ok(count(observed.calls, 'encrypt', 'AES-CBC') >= 2);
    assert.equal(count(observed.calls, 'decrypt', 'AES-CBC'), 1);
  });
});

describe('webcrypto backend: falls back to noble where the platform lacks an algorithm', () => {
  it('without X25519 (browsers before 2025): shares come from noble, SubtleCrypto is asked only once', async () => {
    const observed = observedSubtle(['X25519']);
    const crypto = createWebCrypto(observed.subtle, { gcmWebCryptoMinBytes: 0 });
    for (const group of ['x25519', 'X25519MLKEM768', 'x25519'] as const) {
      const share = await crypto.generateKeyShare(group, secureRandom);
      assert.equal((share.secret as { backend: string }).backend, 'noble');
      const peer = await nobleCrypto.generateKeyShare('x25519', secureRandom);
      if (group === 'x25519') {
        assert.equal(toHex(await crypto.deriveSharedSecret(share, peer.publicKey)), toHex(await nobleCrypto.deriveSharedSecret(peer, share.publicKey)));
      }
    }
    assert.equal(observed.calls.filter((c) => c.algorithm === 'X25519').length, 1);
    // P-256 is unaffected and still native.
    await crypto.generateKeyShare('secp256r1', secureRandom);
    assert.equal(count(observed.calls, 'generateKey', 'ECDH'), 1);
  });

  it('a key SubtleCrypto fails to generate (WebKitGTK: one X25519 key in ~300) comes from noble; the next is native again', async () => {
    let failuresLeft = 1;
    const flaky = new Proxy(subtle, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (prop === 'generateKey' && algorithmOf('generateKey', args) === 'X25519' && failuresLeft-- > 0) {
            throw new DOMException('The operation failed for an operation-specific reason', 'OperationError');
          }
          return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      },
    });
    const crypto = createWebCrypto(flaky, { gcmWebCryptoMinBytes: 0 });
    const share = await crypto.generateKeyShare('x25519', secureRandom);
    assert.equal((share.secret as { backend: string }).backend, 'noble');
    const peer = await nobleCrypto.generateKeyShare('x25519', secureRandom);
    assert.equal(toHex(await crypto.deriveSharedSecret(share, peer.publicKey)), toHex(await nobleCrypto.deriveSharedSecret(peer, share.publicKey)));
    const next = await crypto.generateKeyShare('x25519', secureRandom);
    assert.equal((next.secret as { backend: string }).backend, 'webcrypto');
  });

  it('without Ed25519: signatures are verified and made by noble, with the same results', async () => {
    const observed = observedSubtle(['Ed25519']);
    const crypto = createWebCrypto(observed.subtle, { gcmWebCryptoMinBytes: 0 });
    const keys = nodeKeys().ed25519;
    const expected = new Uint8Array(nodeSign(null, message, keys.privateKey));
    for (let i = 0; i < 2; i++) {
      assert.equal(await crypto.verify('ed25519', keys.spki, message, expected), true);
      assert.equal(toHex(await crypto.sign('ed25519', keys.pkcs8, message, secureRandom)), toHex(expected));
    }
    const tampered = expected.slice();
    tampered[0] ^= 1;
    assert.equal(await crypto.verify('ed25519', keys.spki, message, tampered), false);
    assert.equal(observed.calls.filter((c) => c.algorithm === 'Ed25519').length, 1, 'asked once, for verify and sign alike');
  });

  it('without AES-GCM: the same ciphertext from noble', async () => {
    const observed = observedSubtle(['AES-GCM']);
    const crypto = createWebCrypto(observed.subtle, { gcmWebCryptoMinBytes: 0 });
    const key = new Uint8Array(32).fill(9);
    const nonce = new Uint8Array(12).fill(1);
    const sealed = await crypto.seal('AES-256-GCM', key, nonce, new Uint8Array(0), message);
    assert.equal(toHex(sealed), toHex(await nobleCrypto.seal('AES-256-GCM', key, nonce, new Uint8Array(0), message)));
    assert.equal(toHex((await crypto.open('AES-256-GCM', key, nonce, new Uint8Array(0), sealed)) as Uint8Array), toHex(message));
  });

  it('a key SubtleCrypto refuses to import (point off the curve) is judged by noble: false, not an exception', async () => {
    const spki = nodeKeys().p256.spki.slice();
    spki[spki.length - 1] ^= 1; // last byte of Y
    const signature = new Uint8Array(nodeSign('sha256', message, nodeKeys().p256.privateKey));
    const observed = observedSubtle();
    const crypto = createWebCrypto(observed.subtle, { gcmWebCryptoMinBytes: 0 });
    assert.equal(await crypto.verify('ecdsa_secp256r1_sha256', spki, message, signature), false);
    assert.equal(count(observed.failures, 'importKey', 'ECDSA'), 1, 'SubtleCrypto did refuse the key');
    assert.equal(await nobleCrypto.verify('ecdsa_secp256r1_sha256', spki, message, signature), false);
  });
});

describe('choosing the backend', () => {
  it('uses SubtleCrypto when the global scope has crypto.subtle (Node, secure browser contexts)', () => {
    assert.equal(cryptoFor({ crypto: { subtle } }).name, 'webcrypto');
    assert.equal(defaultCrypto().name, 'webcrypto');
    assert.equal(defaultCrypto(), defaultCrypto(), 'one shared instance, so its key caches are shared');
  });

  it('uses noble when crypto.subtle is missing (plain-http pages) or crypto itself is', () => {
    assert.equal(cryptoFor({ crypto: {} }), nobleCrypto);
    assert.equal(cryptoFor({}), nobleCrypto);
  });

  it('a replayable webcrypto share from RFC 7748 Alice matches her public key', async () => {
    const crypto = createWebCrypto(subtle, { replayableKeyShares: true });
    const share = await crypto.generateKeyShare('x25519', () => hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'));
    assert.equal(toHex(share.publicKey), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
  });
});
