/**
 * The engine's crypto: pick a backend here. `defaultCrypto()` uses SubtleCrypto when the platform
 * has it (Node, browsers in secure contexts) and noble otherwise; deterministic runs (test vectors,
 * replays) should pass `nobleCrypto` explicitly.
 */
import { nobleCrypto } from './noble';
import type { CryptoProvider } from './provider';
import { createWebCrypto } from './webcrypto';

export { nobleCrypto } from './noble';
export { createWebCrypto, type WebCryptoOptions } from './webcrypto';
export { schemeHash, schemeCurve, schemeFamily, schemeKeyMismatch, signatureSchemeNames, type SignatureHash, type SignatureFamily } from './schemes';
export { parseSpki, type PublicKeyInfo, type EcCurve } from './spki';
export { parsePkcs8, type PrivateKeyInfo } from './pkcs8';
export { serverShareLength } from './groups';
export type * from './provider';

/**
 * The backend for a global scope: SubtleCrypto when `crypto.subtle` exists, else noble (browsers
 * leave `crypto.subtle` undefined outside secure contexts, e.g. a plain-http LAN address).
 */
export function cryptoFor(scope: { crypto?: { subtle?: SubtleCrypto } }): CryptoProvider {
  const subtle = scope.crypto?.subtle;
  return subtle ? createWebCrypto(subtle) : nobleCrypto;
}

let shared: CryptoProvider | undefined;

/** `cryptoFor(globalThis)`, made once so that its caches (imported keys, detected support) are shared. */
export function defaultCrypto(): CryptoProvider {
  shared ??= cryptoFor(globalThis as { crypto?: { subtle?: SubtleCrypto } });
  return shared;
}
