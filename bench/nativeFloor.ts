/**
 * A measuring stick, not a backend: the engine with its crypto done by node:crypto's synchronous
 * OpenSSL calls, the fastest crypto a JavaScript TLS client could have in this process. No browser
 * offers anything like it (SubtleCrypto is asynchronous, and works on another thread), so the engine
 * never ships with it. The handshake benchmark runs the engine with it next to the real backends
 * to split the engine's gap to Node's tls in two: what the crypto backends cost, and what the
 * engine's own JavaScript (protocol, parsing, byte annotation, the trace) costs.
 *
 * It covers what the benchmark negotiates (secp256r1, ECDSA P-256, AES-GCM) and a little more;
 * anything else throws, so a benchmark that drifts to another algorithm fails loudly.
 */
import { createCipheriv, createDecipheriv, createECDH, createPublicKey, verify as nodeVerify, type ECDH, type KeyObject } from 'node:crypto';
import { Buffer } from 'node:buffer';
import type { AeadName, CryptoProvider, GroupName, KeyShare, SignatureSchemeName } from '../lib/tls/crypto/provider';

const curves: Partial<Record<GroupName, string>> = { secp256r1: 'prime256v1', secp384r1: 'secp384r1' };
const ecdsaHashes: Partial<Record<SignatureSchemeName, string>> = {
  ecdsa_secp256r1_sha256: 'sha256',
  ecdsa_secp384r1_sha384: 'sha384',
};
const aeads: Partial<Record<AeadName, 'aes-128-gcm' | 'aes-256-gcm'>> = { 'AES-128-GCM': 'aes-128-gcm', 'AES-256-GCM': 'aes-256-gcm' };
const TAG = 16;

function unsupported(what: string): never {
  throw new Error(`the native floor provider does not implement ${what} (the benchmark should not need it)`);
}

function cipherName(aead: AeadName): 'aes-128-gcm' | 'aes-256-gcm' {
  return aeads[aead] ?? unsupported(aead);
}

const view = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export function createNativeFloorCrypto(): CryptoProvider {
  // Imported public keys, by SPKI, as WebCrypto's backend keeps its imported keys.
  const keys = new Map<string, KeyObject>();
  function publicKey(spki: Uint8Array): KeyObject {
    const id = view(spki).toString('base64');
    let key = keys.get(id);
    if (!key) {
      key = createPublicKey({ key: view(spki), format: 'der', type: 'spki' });
      keys.set(id, key);
    }
    return key;
  }

  return {
    // The trace names the backend; this is neither, and says so through the benchmark's client name.
    name: 'webcrypto',
    async generateKeyShare(group): Promise<KeyShare> {
      const ecdh = createECDH(curves[group] ?? unsupported(group));
      return { group, publicKey: new Uint8Array(ecdh.generateKeys()), secret: ecdh };
    },
    async deriveSharedSecret(share, peer) {
      return new Uint8Array((share.secret as ECDH).computeSecret(view(peer)));
    },
    async verify(scheme, spki, message, signature) {
      return nodeVerify(ecdsaHashes[scheme] ?? unsupported(scheme), view(message), publicKey(spki), view(signature));
    },
    async sign() {
      return unsupported('signing');
    },
    async rsaEncryptPkcs1() {
      return unsupported('RSA encryption');
    },
    async seal(aead, key, nonce, aad, plaintext) {
      const c = createCipheriv(cipherName(aead), view(key), view(nonce));
      c.setAAD(view(aad));
      const body = c.update(view(plaintext));
      c.final();
      return new Uint8Array(Buffer.concat([body, c.getAuthTag()]));
    },
    async open(aead, key, nonce, aad, ciphertext) {
      if (ciphertext.length < TAG) return null;
      const d = createDecipheriv(cipherName(aead), view(key), view(nonce));
      d.setAAD(view(aad));
      d.setAuthTag(view(ciphertext.subarray(ciphertext.length - TAG)));
      const body = d.update(view(ciphertext.subarray(0, ciphertext.length - TAG)));
      try {
        d.final();
      } catch {
        return null;
      }
      return new Uint8Array(body);
    },
    async cbcEncrypt() {
      return unsupported('AES-CBC');
    },
    async cbcDecrypt() {
      return unsupported('AES-CBC');
    },
  };
}
