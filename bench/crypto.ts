/**
 * Per-operation cost of the two crypto backends: what a TLS handshake and its records spend on
 * public-key and AEAD work. Run standalone with `npx tsx bench/crypto.ts`, or call benchCrypto().
 *
 * Each row is the median over interleaved runs (noble, webcrypto, noble, …) after a warm-up.
 * Verification and signing use a fresh webcrypto provider per run, so every run pays the key
 * import, except in the rows marked "(key cached)".
 */
import { generateKeyPairSync, sign as nodeSign, constants, randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { nobleCrypto } from '../lib/tls/crypto/noble';
import type { AeadName, CryptoProvider, GroupName, SignatureSchemeName } from '../lib/tls/crypto/provider';
import { createWebCrypto } from '../lib/tls/crypto/webcrypto';

export interface CryptoBenchRow {
  noble_ms: number;
  webcrypto_ms: number;
}

const random = (n: number) => new Uint8Array(randomBytes(n));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs work whose time is not counted (the server's side of a key exchange). */
type Untimed = <T>(work: () => Promise<T> | T) => Promise<T>;

/**
 * Times `op` on each backend, interleaved, until `budgetMs` of measured time (after `minRuns`) or
 * `maxRuns` runs.
 */
async function measure(
  backends: () => [CryptoProvider, CryptoProvider],
  op: (crypto: CryptoProvider, untimed: Untimed) => Promise<unknown>,
  { minRuns = 15, maxRuns = 300, budgetMs = 400 } = {},
): Promise<CryptoBenchRow> {
  const times: [number[], number[]] = [[], []];
  let spent = 0;
  for (let run = -3; run < maxRuns; run++) {
    const pair = backends();
    for (const i of [0, 1] as const) {
      let excluded = 0;
      const untimed: Untimed = async (work) => {
        const t = performance.now();
        const result = await work();
        excluded += performance.now() - t;
        return result;
      };
      const t0 = performance.now();
      await op(pair[i], untimed);
      const dt = performance.now() - t0 - excluded;
      if (run >= 0) {
        times[i].push(dt);
        spent += dt;
      }
    }
    if (run + 1 >= minRuns && spent > budgetMs) break;
  }
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { noble_ms: round(median(times[0])), webcrypto_ms: round(median(times[1])) };
}

/** The server's key_exchange for a client share: a fresh X25519/ECDH key, or an ML-KEM encapsulation. */
async function serverShareFor(group: GroupName, clientShare: Uint8Array): Promise<Uint8Array> {
  if (group === 'X25519MLKEM768') {
    const { cipherText } = ml_kem768.encapsulate(clientShare.subarray(0, 1184));
    return new Uint8Array([...cipherText, ...x25519.getPublicKey(x25519.utils.randomSecretKey())]);
  }
  return (await nobleCrypto.generateKeyShare(group, random)).publicKey;
}

export async function benchCrypto(): Promise<Record<string, CryptoBenchRow>> {
  const subtle = globalThis.crypto.subtle;
  const shared = createWebCrypto(subtle);
  const sharedPair = (): [CryptoProvider, CryptoProvider] => [nobleCrypto, shared];
  const freshPair = (): [CryptoProvider, CryptoProvider] => [nobleCrypto, createWebCrypto(subtle)];
  const results: Record<string, CryptoBenchRow> = {};

  // Key exchange: the client's whole part, key generation + shared secret.
  for (const group of ['x25519', 'secp256r1', 'secp384r1', 'X25519MLKEM768'] as GroupName[]) {
    results[`keygen+derive ${group}`] = await measure(sharedPair, async (crypto, untimed) => {
      const share = await crypto.generateKeyShare(group, random);
      const peer = await untimed(() => serverShareFor(group, share.publicKey));
      await crypto.deriveSharedSecret(share, peer);
    });
  }

  // Signature verification, as for CertificateVerify and certificate chains (cold key import).
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaPss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
  const ec256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ec384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const ec521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
  const ed = generateKeyPairSync('ed25519');
  const message = random(130); // a CertificateVerify content: 64 spaces, context string, hash
  const spki = (k: typeof rsa) => new Uint8Array(k.publicKey.export({ type: 'spki', format: 'der' }));
  const pss = (key: typeof rsa.privateKey, saltLength: number) => ({ key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
  const verifyCases: [SignatureSchemeName, typeof rsa, () => Buffer][] = [
    ['ecdsa_secp256r1_sha256', ec256, () => nodeSign('sha256', message, ec256.privateKey)],
    ['ecdsa_secp384r1_sha384', ec384, () => nodeSign('sha384', message, ec384.privateKey)],
    ['ecdsa_secp521r1_sha512', ec521, () => nodeSign('sha512', message, ec521.privateKey)],
    ['rsa_pss_rsae_sha256', rsa, () => nodeSign('sha256', message, pss(rsa.privateKey, 32))],
    ['rsa_pss_rsae_sha384', rsa, () => nodeSign('sha384', message, pss(rsa.privateKey, 48))],
    ['rsa_pss_pss_sha256', rsaPss, () => nodeSign('sha256', message, pss(rsaPss.privateKey, 32))],
    ['rsa_pkcs1_sha256', rsa, () => nodeSign('sha256', message, rsa.privateKey)],
    ['rsa_pkcs1_sha384', rsa, () => nodeSign('sha384', message, rsa.privateKey)],
    ['ed25519', ed, () => nodeSign(null, message, ed.privateKey)],
  ];
  for (const [scheme, keys, signWithOpenssl] of verifyCases) {
    const key = spki(keys);
    const signature = new Uint8Array(signWithOpenssl());
    results[`verify ${scheme}`] = await measure(freshPair, async (crypto) => {
      if (!(await crypto.verify(scheme, key, message, signature))) throw new Error(`${crypto.name} rejected a valid ${scheme} signature`);
    });
  }

  // The same, when the key was seen before (a repeated server, a CA key): the import is cached.
  {
    const [scheme, keys, signWithOpenssl] = verifyCases[0];
    const key = spki(keys);
    const signature = new Uint8Array(signWithOpenssl());
    results[`verify ${scheme} (key cached)`] = await measure(sharedPair, async (crypto) => {
      if (!(await crypto.verify(scheme, key, message, signature))) throw new Error(`${crypto.name} rejected a valid ${scheme} signature`);
    });
  }

  // Client-certificate signatures.
  const pkcs8 = (k: typeof rsa) => new Uint8Array(k.privateKey.export({ type: 'pkcs8', format: 'der' }));
  for (const [scheme, keys] of [
    ['ecdsa_secp256r1_sha256', ec256],
    ['rsa_pss_rsae_sha256', rsa],
  ] as [SignatureSchemeName, typeof rsa][]) {
    const key = pkcs8(keys);
    results[`sign ${scheme}`] = await measure(freshPair, (crypto) => crypto.sign(scheme, key, message, random), { minRuns: 10, budgetMs: 300 });
  }
  results['sign ecdsa_secp256r1_sha256 (key cached)'] = await measure(sharedPair, (crypto) =>
    crypto.sign('ecdsa_secp256r1_sha256', pkcs8(ec256), message, random),
  );

  // Record protection: a full 16 KB record.
  const record = random(16384);
  const header = random(5);
  for (const [aead, keyLength] of [
    ['AES-128-GCM', 16],
    ['AES-256-GCM', 32],
    ['CHACHA20-POLY1305', 32],
  ] as [AeadName, number][]) {
    const key = random(keyLength);
    const nonce = random(12);
    const sealed = await nobleCrypto.seal(aead, key, nonce, header, record);
    results[`seal ${aead} 16KB`] = await measure(sharedPair, (crypto) => crypto.seal(aead, key, nonce, header, record));
    results[`open ${aead} 16KB`] = await measure(sharedPair, async (crypto) => {
      if (!(await crypto.open(aead, key, nonce, header, sealed))) throw new Error(`${crypto.name} could not open its record`);
    });
  }
  const cbcKey = random(16);
  const iv = random(16);
  results['cbcEncrypt AES-128 16KB'] = await measure(sharedPair, (crypto) => crypto.cbcEncrypt(cbcKey, iv, record));
  results['cbcDecrypt AES-128 16KB'] = await measure(sharedPair, (crypto) => crypto.cbcDecrypt(cbcKey, iv, record));
  return results;
}

function printTable(results: Record<string, CryptoBenchRow>): void {
  const width = Math.max(...Object.keys(results).map((k) => k.length));
  const line = (a: string, b: string, c: string, d: string) => console.log(`${a.padEnd(width)}  ${b.padStart(9)}  ${c.padStart(12)}  ${d.padStart(7)}`);
  line('operation', 'noble ms', 'webcrypto ms', 'ratio');
  line('-'.repeat(width), '-'.repeat(9), '-'.repeat(12), '-'.repeat(7));
  for (const [op, r] of Object.entries(results)) {
    line(op, r.noble_ms.toFixed(3), r.webcrypto_ms.toFixed(3), `${(r.noble_ms / r.webcrypto_ms).toFixed(1)}×`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printTable(await benchCrypto());
}
