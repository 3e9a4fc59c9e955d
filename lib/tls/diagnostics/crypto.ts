/**
 * The crypto adapters' sentences (lib/tls/crypto), in English (see ./index.ts): a server key share
 * that is not a usable point, a certificate key or a client key that cannot be used (with the reason
 * nested: a DER fault or an unsupported key), a scheme that does not fit a key, the engine's own
 * input checks.
 */
export const cryptoSaid = {
  // Key exchange (RFC 8446 §4.2.8): the sentence, and the reason nested in it.
  keyShare: 'the server’s {group} key share is invalid: {why}',
  shareLength: 'it is {length} bytes, expected {expected}',
  shareNotUncompressed: 'it does not start with 0x04 (uncompressed point), but {byte}',
  lowOrder: 'the X25519 shared secret is all zeros (a low-order point)',
  notOnCurve: 'it is not a point on the curve',
  platformRefused: 'the platform refused it as an X25519 public key',
  foreignShare: 'this key share was not made by the {backend} backend',
  malformedJwk: 'SubtleCrypto exported a malformed {group} JWK',

  // Keys: the sentence, and the reason nested in it (a DerError or an unsupported key).
  certificateKey: 'the certificate’s public key cannot be used: {why}',
  clientKey: 'the client private key cannot be used: {why}',
  der: '{at}: {problem}',
  derAt: '{at} (byte {byte}): {problem}',
  algorithm: 'its algorithm {oid} is not RSA, RSASSA-PSS, EC or Ed25519',
  ecNoCurve: 'the EC key does not name its curve (explicit or implicit curve parameters, forbidden by RFC 5480 §2.1.1)',
  ecCurve: 'the EC key is on curve {oid}, not P-256, P-384 or P-521',
  ecPoint: 'the {curve} public key is not an encoded point ({length} bytes starting {byte})',
  ed25519Length: 'the Ed25519 key is {length} bytes, not 32',
  rsaModulus: 'the RSA modulus ({bits} bits) is not a usable RSA modulus',
  rsaExponent: 'the RSA public exponent {e} is not an odd number between 3 and the modulus',
  pssMgf: 'its RSASSA-PSS mask generation function {oid} is not MGF1',
  pssTrailer: 'its RSASSA-PSS trailerField is not 1',
  pssHash: 'its hash algorithm {oid} is not SHA-1 or SHA-2',
  pkcs8Version: 'PrivateKeyInfo version {version} is neither v1 (0) nor v2 (1)',
  ed25519PrivateLength: 'the Ed25519 private key is {length} bytes, not 32',
  multiPrime: 'multi-prime RSA keys are not supported',
  rsaInconsistent: 'the RSA private key components are inconsistent (p·q ≠ n or wrong CRT values)',
  ecVersion: 'ECPrivateKey version {version} is not 1',
  ecTwoCurves: 'the EC private key names two different curves',
  ecPrivateNoCurve: 'the EC private key does not name its curve',
  ecPrivateCurve: 'the EC private key is on curve {oid}, not P-256, P-384 or P-521',
  ecPrivateLength: 'the {curve} private key is {length} bytes, more than {max}',
  ecPrivateZero: 'the EC private key is zero',

  // A key described (nested in the sentences below).
  rsaKey: 'an RSA key (rsaEncryption)',
  rsaKeyBits: 'an RSA {bits}-bit key (rsaEncryption)',
  pssKey: 'an RSA key restricted to RSASSA-PSS (id-RSASSA-PSS)',
  pssKeyBits: 'an RSA {bits}-bit key restricted to RSASSA-PSS (id-RSASSA-PSS)',
  ecKey: 'an ECDSA {curve} key',
  ed25519Key: 'an Ed25519 key',

  // Signatures and RSA key transport (RFC 8446 §4.2.3, RFC 5246 §7.4.7.1).
  schemeKey: '{scheme} cannot be used with {key}',
  schemePssHash: '{scheme} uses {hash}, but the RSASSA-PSS key’s parameters restrict it to {keyHash}',
  clientKeyCannotSign: 'the client certificate key cannot sign: {why}',
  rsaTransportKey: 'RSA key exchange needs a server certificate with an rsaEncryption key, not {key}',
  rsaTooSmall: 'the server’s {bits}-bit RSA key is too small to encrypt {length} bytes',
  unknownScheme: '{scheme} is not a signature scheme this client knows',
  keyTooSmall: 'the {bits}-bit RSA key is too small to sign with {hash}',

  // The engine's own inputs (a wrong size is a bug, not the peer's fault).
  aeadKey: '{aead} needs a {need}-byte key, got {length}',
  aeadNonce: '{aead} needs a 12-byte nonce, got {length}',
  cbcKey: 'AES-CBC needs a 16- or 32-byte key, got {length}',
  cbcIv: 'AES-CBC needs a 16-byte IV, got {length}',
  cbcBlocks: 'AES-CBC data must be whole blocks, got {length} bytes',
} as const;
