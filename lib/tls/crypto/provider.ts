/**
 * The public-key and AEAD operations the engine needs, behind one interface with two backends:
 * `noble` (pure TypeScript, @noble/*, deterministic, always available) and `webcrypto`
 * (SubtleCrypto where it is measurably faster, same results). Hashes, HMAC and HKDF are not here:
 * the engine uses @noble/hashes for them directly (they are synchronous and cheap).
 */

export type GroupName = 'x25519' | 'secp256r1' | 'secp384r1' | 'X25519MLKEM768';

export type SignatureSchemeName =
  | 'ecdsa_secp256r1_sha256'
  | 'ecdsa_secp384r1_sha384'
  | 'ecdsa_secp521r1_sha512'
  | 'rsa_pss_rsae_sha256'
  | 'rsa_pss_rsae_sha384'
  | 'rsa_pss_rsae_sha512'
  | 'rsa_pss_pss_sha256'
  | 'rsa_pss_pss_sha384'
  | 'rsa_pss_pss_sha512'
  | 'rsa_pkcs1_sha256'
  | 'rsa_pkcs1_sha384'
  | 'rsa_pkcs1_sha512'
  | 'rsa_pkcs1_sha1'
  | 'ecdsa_sha1'
  | 'ed25519';

export type AeadName = 'AES-128-GCM' | 'AES-256-GCM' | 'CHACHA20-POLY1305';

/** The hash a signature scheme signs with (also the hash named in RSASSA-PSS key parameters). */
export type SignatureHash = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** The NIST curves of ECDSA keys (RFC 5480 §2.1.1.1). */
export type EcCurve = 'P-256' | 'P-384' | 'P-521';

/** Injected randomness: returns n fresh random bytes. */
export type RandomSource = (n: number) => Uint8Array;

export interface KeyShare {
  group: GroupName;
  /** What goes on the wire in key_share / ServerKeyExchange (P-256/P-384: uncompressed 0x04‖X‖Y). */
  publicKey: Uint8Array;
  /** Backend-private handle to the secret part. */
  readonly secret: unknown;
}

export interface CryptoProvider {
  readonly name: 'noble' | 'webcrypto';

  /** A fresh key share for `group`, private key drawn from `random` (so runs can be replayed). */
  generateKeyShare(group: GroupName, random: RandomSource): Promise<KeyShare>;

  /**
   * The shared secret with the peer's public key. For X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem)
   * the client share is mlkem768 encapsulation key (1184) ‖ x25519 (32), the server share is
   * ML-KEM ciphertext (1088) ‖ x25519 (32), and the secret is ML-KEM secret (32) ‖ X25519 secret (32).
   * Throws on an invalid peer key (wrong length, point not on curve, all-zero X25519 output).
   */
  deriveSharedSecret(share: KeyShare, peerPublicKey: Uint8Array): Promise<Uint8Array>;

  /**
   * Verifies `signature` over `message` with the key in `spki` (DER SubjectPublicKeyInfo) under a TLS
   * SignatureScheme. ECDSA signatures are DER; high-S signatures are accepted (OpenSSL produces them).
   */
  verify(scheme: SignatureSchemeName, spki: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;

  /** Signs `message` with a PKCS#8 DER private key (client certificates). ECDSA output is DER. */
  sign(scheme: SignatureSchemeName, pkcs8: Uint8Array, message: Uint8Array, random: RandomSource): Promise<Uint8Array>;

  /** RSAES-PKCS1-v1_5 encryption for TLS 1.2 static RSA key exchange (RFC 5246 §7.4.7.1). */
  rsaEncryptPkcs1(spki: Uint8Array, plaintext: Uint8Array, random: RandomSource): Promise<Uint8Array>;

  /** AEAD seal: returns ciphertext ‖ 16-byte tag. */
  seal(aead: AeadName, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;

  /** AEAD open: returns the plaintext, or null when the tag does not verify. */
  open(aead: AeadName, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array | null>;

  /** AES-CBC without padding (TLS 1.2 CBC suites do their own padding). `data` is a multiple of 16. */
  cbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
  cbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
}
