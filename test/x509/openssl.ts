/**
 * Certificates server/pki does not make (custom extensions, RSA-PSS signatures, reused keys for
 * cross-signing, weak keys and SHA-1 signatures), issued with the openssl CLI into a test directory.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Made {
  certPath: string;
  keyPath: string;
  certDer: Uint8Array;
}

export interface MakeSpec {
  /** File stem in `dir`. */
  name: string;
  subjectCN: string;
  /** Reuse this key (cross-signing); otherwise a new key of `keyType` is generated. */
  keyPath?: string;
  keyType?: 'p256' | 'rsa2048' | 'rsa1024';
  /** Signer; self-signed when absent. */
  issuer?: { certPath: string; keyPath: string };
  /** Lines of an OpenSSL extension section, e.g. 'basicConstraints = critical,CA:TRUE'. */
  extensions: string[];
  /** Validity from now; 30 days by default. */
  days?: number;
  /** The signature's digest; sha256 by default. */
  digest?: 'sha1' | 'sha256';
  /** -sigopt values, e.g. ['rsa_padding_mode:pss', 'rsa_pss_saltlen:digest']. */
  sigopts?: string[];
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function make(dir: string, spec: MakeSpec): Made {
  const keyPath = spec.keyPath ?? join(dir, `${spec.name}.key`);
  if (!spec.keyPath) {
    const rsaBits = spec.keyType === 'rsa2048' ? 2048 : spec.keyType === 'rsa1024' ? 1024 : undefined;
    const alg = rsaBits ? ['-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${rsaBits}`] : ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
    openssl(['genpkey', ...alg, '-out', keyPath], dir);
  }
  const csr = join(dir, `${spec.name}.csr`);
  const ext = join(dir, `${spec.name}.ext`);
  const certPath = join(dir, `${spec.name}.crt`);
  writeFileSync(ext, `[ext]\n${spec.extensions.join('\n')}\n`);
  openssl(['req', '-new', '-key', keyPath, '-subj', `/O=TLS Playground (test only)/CN=${spec.subjectCN}`, '-out', csr], dir);
  const sign = spec.issuer ? ['-CA', spec.issuer.certPath, '-CAkey', spec.issuer.keyPath] : ['-signkey', keyPath];
  const sigopts = (spec.sigopts ?? []).flatMap((o) => ['-sigopt', o]);
  const serial = `0x${Date.now().toString(16)}${Math.floor(Math.random() * 1e6).toString(16)}`;
  openssl(['x509', '-req', '-in', csr, ...sign, `-${spec.digest ?? 'sha256'}`, ...sigopts, '-days', String(spec.days ?? 30), '-set_serial', serial, '-extfile', ext, '-extensions', 'ext', '-out', certPath], dir);
  if (!existsSync(certPath)) throw new Error(`openssl did not write ${certPath}`);
  return { certPath, keyPath, certDer: new Uint8Array(new X509Certificate(readFileSync(certPath)).raw) };
}

export const CA_EXTENSIONS = ['basicConstraints = critical,CA:TRUE', 'keyUsage = critical,keyCertSign,cRLSign', 'subjectKeyIdentifier = hash'];

export const LOCALHOST_LEAF_EXTENSIONS = [
  'basicConstraints = critical,CA:FALSE',
  'keyUsage = critical,digitalSignature,keyEncipherment',
  'extendedKeyUsage = serverAuth',
  'subjectAltName = DNS:localhost,IP:127.0.0.1',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid:always',
];
