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

let shared: CryptoProvider | undefined;

/** SubtleCrypto when `globalThis.crypto.subtle` exists (absent in non-secure browser contexts), else noble. */
export function defaultCrypto(): CryptoProvider {
  if (shared) return shared;
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  shared = subtle ? createWebCrypto(subtle) : nobleCrypto;
  return shared;
}
