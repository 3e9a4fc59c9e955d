import { Registry } from './table';
import type { AeadName, GroupName, SignatureSchemeName } from '../crypto/provider';

// IANA TLS Supported Groups.
export const groups = new Registry<GroupName>('NamedGroup', [
  { code: 0x001d, name: 'x25519' },
  { code: 0x0017, name: 'secp256r1' },
  { code: 0x0018, name: 'secp384r1' },
  { code: 0x11ec, name: 'X25519MLKEM768' },
]);

export const signatureSchemes = new Registry<SignatureSchemeName>('SignatureScheme', [
  { code: 0x0403, name: 'ecdsa_secp256r1_sha256' },
  { code: 0x0503, name: 'ecdsa_secp384r1_sha384' },
  { code: 0x0603, name: 'ecdsa_secp521r1_sha512' },
  { code: 0x0804, name: 'rsa_pss_rsae_sha256' },
  { code: 0x0805, name: 'rsa_pss_rsae_sha384' },
  { code: 0x0806, name: 'rsa_pss_rsae_sha512' },
  { code: 0x0807, name: 'ed25519' },
  { code: 0x0809, name: 'rsa_pss_pss_sha256' },
  { code: 0x080a, name: 'rsa_pss_pss_sha384' },
  { code: 0x080b, name: 'rsa_pss_pss_sha512' },
  { code: 0x0401, name: 'rsa_pkcs1_sha256' },
  { code: 0x0501, name: 'rsa_pkcs1_sha384' },
  { code: 0x0601, name: 'rsa_pkcs1_sha512' },
  { code: 0x0201, name: 'rsa_pkcs1_sha1' },
  { code: 0x0203, name: 'ecdsa_sha1' },
]);

export type HashName = 'sha256' | 'sha384';
export type KeyExchange = 'tls13' | 'ECDHE_RSA' | 'ECDHE_ECDSA' | 'RSA';
export type BulkCipher = AeadName | 'AES-128-CBC' | 'AES-256-CBC';

export interface CipherSuiteInfo {
  /** TLS 1.3 suites name only the AEAD and hash; TLS 1.2 suites also the key exchange. */
  version: 'TLSv1.3' | 'TLSv1.2';
  keyExchange: KeyExchange;
  cipher: BulkCipher;
  keyLength: number;
  /** PRF / HKDF hash. */
  hash: HashName;
  /** HMAC hash for CBC suites (sha1 for the _SHA suites). */
  mac?: 'sha1' | 'sha256' | 'sha384';
}

const suiteList = [
  { code: 0x1301, name: 'TLS_AES_128_GCM_SHA256', info: { version: 'TLSv1.3', keyExchange: 'tls13', cipher: 'AES-128-GCM', keyLength: 16, hash: 'sha256' } },
  { code: 0x1302, name: 'TLS_AES_256_GCM_SHA384', info: { version: 'TLSv1.3', keyExchange: 'tls13', cipher: 'AES-256-GCM', keyLength: 32, hash: 'sha384' } },
  { code: 0x1303, name: 'TLS_CHACHA20_POLY1305_SHA256', info: { version: 'TLSv1.3', keyExchange: 'tls13', cipher: 'CHACHA20-POLY1305', keyLength: 32, hash: 'sha256' } },
  { code: 0xc02b, name: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', info: { version: 'TLSv1.2', keyExchange: 'ECDHE_ECDSA', cipher: 'AES-128-GCM', keyLength: 16, hash: 'sha256' } },
  { code: 0xc02c, name: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', info: { version: 'TLSv1.2', keyExchange: 'ECDHE_ECDSA', cipher: 'AES-256-GCM', keyLength: 32, hash: 'sha384' } },
  { code: 0xc02f, name: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', info: { version: 'TLSv1.2', keyExchange: 'ECDHE_RSA', cipher: 'AES-128-GCM', keyLength: 16, hash: 'sha256' } },
  { code: 0xc030, name: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', info: { version: 'TLSv1.2', keyExchange: 'ECDHE_RSA', cipher: 'AES-256-GCM', keyLength: 32, hash: 'sha384' } },
  { code: 0xcca9, name: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', info: { version: 'TLSv1.2', keyExchange: 'ECDHE_ECDSA', cipher: 'CHACHA20-POLY1305', keyLength: 32, hash: 'sha256' } },
  { code: 0xcca8, name: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', info: { version: 'TLSv1.2', keyExchange: 'ECDHE_RSA', cipher: 'CHACHA20-POLY1305', keyLength: 32, hash: 'sha256' } },
  { code: 0xc009, name: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', info: { version: 'TLSv1.2', keyExchange: 'ECDHE_ECDSA', cipher: 'AES-128-CBC', keyLength: 16, hash: 'sha256', mac: 'sha1' } },
  { code: 0xc00a, name: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', info: { version: 'TLSv1.2', keyExchange: 'ECDHE_ECDSA', cipher: 'AES-256-CBC', keyLength: 32, hash: 'sha256', mac: 'sha1' } },
  { code: 0xc013, name: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', info: { version: 'TLSv1.2', keyExchange: 'ECDHE_RSA', cipher: 'AES-128-CBC', keyLength: 16, hash: 'sha256', mac: 'sha1' } },
  { code: 0xc014, name: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', info: { version: 'TLSv1.2', keyExchange: 'ECDHE_RSA', cipher: 'AES-256-CBC', keyLength: 32, hash: 'sha256', mac: 'sha1' } },
  { code: 0xc023, name: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', info: { version: 'TLSv1.2', keyExchange: 'ECDHE_ECDSA', cipher: 'AES-128-CBC', keyLength: 16, hash: 'sha256', mac: 'sha256' } },
  { code: 0xc024, name: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', info: { version: 'TLSv1.2', keyExchange: 'ECDHE_ECDSA', cipher: 'AES-256-CBC', keyLength: 32, hash: 'sha384', mac: 'sha384' } },
  { code: 0xc027, name: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', info: { version: 'TLSv1.2', keyExchange: 'ECDHE_RSA', cipher: 'AES-128-CBC', keyLength: 16, hash: 'sha256', mac: 'sha256' } },
  { code: 0xc028, name: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', info: { version: 'TLSv1.2', keyExchange: 'ECDHE_RSA', cipher: 'AES-256-CBC', keyLength: 32, hash: 'sha384', mac: 'sha384' } },
  { code: 0x009c, name: 'TLS_RSA_WITH_AES_128_GCM_SHA256', info: { version: 'TLSv1.2', keyExchange: 'RSA', cipher: 'AES-128-GCM', keyLength: 16, hash: 'sha256' } },
  { code: 0x009d, name: 'TLS_RSA_WITH_AES_256_GCM_SHA384', info: { version: 'TLSv1.2', keyExchange: 'RSA', cipher: 'AES-256-GCM', keyLength: 32, hash: 'sha384' } },
  { code: 0x002f, name: 'TLS_RSA_WITH_AES_128_CBC_SHA', info: { version: 'TLSv1.2', keyExchange: 'RSA', cipher: 'AES-128-CBC', keyLength: 16, hash: 'sha256', mac: 'sha1' } },
  { code: 0x0035, name: 'TLS_RSA_WITH_AES_256_CBC_SHA', info: { version: 'TLSv1.2', keyExchange: 'RSA', cipher: 'AES-256-CBC', keyLength: 32, hash: 'sha256', mac: 'sha1' } },
  { code: 0x003c, name: 'TLS_RSA_WITH_AES_128_CBC_SHA256', info: { version: 'TLSv1.2', keyExchange: 'RSA', cipher: 'AES-128-CBC', keyLength: 16, hash: 'sha256', mac: 'sha256' } },
  { code: 0x00ff, name: 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV', info: undefined },
] as const;

export type CipherSuiteName = (typeof suiteList)[number]['name'];

export const cipherSuites = new Registry<CipherSuiteName>(
  'CipherSuite',
  suiteList.map((s) => ({ code: s.code, name: s.name })),
);

const suiteInfo = new Map<string, CipherSuiteInfo>(
  suiteList.filter((s) => s.info).map((s) => [s.name, s.info as CipherSuiteInfo]),
);

export function cipherSuiteInfo(name: CipherSuiteName): CipherSuiteInfo {
  const info = suiteInfo.get(name);
  if (!info) throw new Error(`${name} is not a cipher suite`);
  return info;
}

export const tls13Suites = suiteList.filter((s) => s.info?.version === 'TLSv1.3').map((s) => s.name) as CipherSuiteName[];
export const tls12Suites = suiteList.filter((s) => s.info?.version === 'TLSv1.2').map((s) => s.name) as CipherSuiteName[];

/**
 * The suites a client can negotiate, TLS 1.3 first: every entry but TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
 * a signalling value that names no suite (RFC 5746 §3.3).
 */
export const negotiableSuites: readonly CipherSuiteName[] = [...tls13Suites, ...tls12Suites];

/** The negotiable suites among `names` that belong to one of `versions`, in the order given (the SCSV is never one). */
export function suitesForVersions(names: readonly CipherSuiteName[], versions: readonly string[]): CipherSuiteName[] {
  return names.filter((name) => {
    const info = suiteInfo.get(name);
    return info !== undefined && versions.includes(info.version);
  });
}
