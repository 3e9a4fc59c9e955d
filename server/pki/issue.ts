/**
 * Certificate issuance with the real `openssl` CLI (OpenSSL 3), run without a shell.
 *
 * Every certificate is signed by `openssl ca` because it is the one OpenSSL 3.0 command that takes
 * arbitrary validity dates (-startdate/-enddate): expired and not-yet-valid certificates are real
 * certificates with real past dates, not clock tricks. Each issuance gets a throw-away CA database
 * in a temporary directory; the outputs are `<dir>/<name>.crt` and `<dir>/<name>.key` (PKCS#8 PEM).
 */
import { execFile } from 'node:child_process';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Path of the OpenSSL command line tool; overridable for machines where it lives elsewhere. */
const OPENSSL = process.env.TLSPG_OPENSSL ?? 'openssl';

export type KeyType = 'rsa2048' | 'p256' | 'p384' | 'ed25519';

export const keyTypes: readonly KeyType[] = ['rsa2048', 'p256', 'p384', 'ed25519'];

export interface Issued {
  name: string;
  certPem: string;
  keyPem: string;
  certDer: Uint8Array;
  keyPkcs8Der: Uint8Array;
  certPath: string;
  keyPath: string;
}

export interface CertSpec {
  /** File stem in the output directory. */
  name: string;
  subjectCN: string;
  keyType: KeyType;
  /** The issuing CA; undefined means self-signed. */
  issuer?: Issued;
  isCA?: boolean;
  /** basicConstraints pathLenConstraint (RFC 5280 §4.2.1.9); only for CAs. */
  pathLen?: number;
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Defaults to one hour ago (tolerates small clock differences between peers). */
  notBefore?: Date;
  /** Defaults to one year after notBefore for leaves, ten years for CAs. */
  notAfter?: Date;
  /** OpenSSL keyUsage names, e.g. ['digitalSignature', 'keyEncipherment']. */
  keyUsage?: string[];
  /** OpenSSL extendedKeyUsage names, e.g. ['serverAuth'] or ['clientAuth']. */
  extendedKeyUsage?: string[];
}

/** The subject organization of every certificate we make, so nobody mistakes them for real ones. */
const SUBJECT_ORGANIZATION = 'TLS Playground (test only)';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

async function openssl(args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync(OPENSSL, args, { cwd, maxBuffer: 4 << 20 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

function genpkeyArgs(keyType: KeyType): string[] {
  switch (keyType) {
    case 'rsa2048':
      return ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
    case 'p256':
      return ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-pkeyopt', 'ec_param_enc:named_curve'];
    case 'p384':
      return ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-pkeyopt', 'ec_param_enc:named_curve'];
    case 'ed25519':
      return ['-algorithm', 'ED25519'];
  }
}

/** The signature digest used with the issuer's key: Ed25519 has its own ("default" to openssl). */
function digestFor(issuerKeyPem: string): string {
  const key = createPrivateKey(issuerKeyPem);
  if (key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448') return 'default';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'secp384r1') return 'sha384';
  return 'sha256';
}

/** ASN.1 GeneralizedTime as `openssl ca -startdate/-enddate` accepts it: YYYYMMDDHHMMSSZ. */
function generalizedTime(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** `-subj` syntax: '/' separates RDNs, so '/', '+', '=' and '\' inside a value are escaped. */
function subjectArg(cn: string): string {
  const esc = (s: string) => s.replace(/[\\/+=]/g, (c) => `\\${c}`);
  return `/O=${esc(SUBJECT_ORGANIZATION)}/CN=${esc(cn)}`;
}

function defaultKeyUsage(spec: CertSpec): string[] {
  if (spec.isCA) return ['keyCertSign', 'cRLSign', 'digitalSignature'];
  // RFC 5246 §7.4.2: an RSA key used for static RSA key exchange needs keyEncipherment;
  // ECDHE_RSA and TLS 1.3 need digitalSignature. Ed25519/ECDSA keys only sign.
  return spec.keyType === 'rsa2048' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'];
}

function extensionsSection(spec: CertSpec): string {
  const lines: string[] = [];
  if (spec.isCA) {
    lines.push(`basicConstraints = critical,CA:TRUE${spec.pathLen !== undefined ? `,pathlen:${spec.pathLen}` : ''}`);
  } else {
    lines.push('basicConstraints = critical,CA:FALSE');
  }
  lines.push(`keyUsage = critical,${(spec.keyUsage ?? defaultKeyUsage(spec)).join(',')}`);
  const eku = spec.extendedKeyUsage ?? (spec.isCA ? [] : ['serverAuth']);
  if (eku.length > 0) lines.push(`extendedKeyUsage = ${eku.join(',')}`);
  const san = [...(spec.dnsNames ?? []).map((d) => `DNS:${d}`), ...(spec.ipAddresses ?? []).map((ip) => `IP:${ip}`)];
  if (san.length > 0) lines.push(`subjectAltName = ${san.join(',')}`);
  lines.push('subjectKeyIdentifier = hash');
  if (spec.issuer) lines.push('authorityKeyIdentifier = keyid:always');
  return lines.join('\n');
}

function caConfig(spec: CertSpec): string {
  return [
    '[ ca ]',
    'default_ca = ca_section',
    '[ ca_section ]',
    'database = index.txt',
    'serial = serial',
    'new_certs_dir = .',
    'policy = policy_anything',
    'unique_subject = no',
    // Extensions come only from this file, never from the request.
    'copy_extensions = none',
    '[ policy_anything ]',
    'organizationName = optional',
    'commonName = supplied',
    '[ cert_extensions ]',
    extensionsSection(spec),
    '',
  ].join('\n');
}

function validity(spec: CertSpec): { notBefore: Date; notAfter: Date } {
  const notBefore = spec.notBefore ?? new Date(Date.now() - HOUR_MS);
  const notAfter = spec.notAfter ?? new Date(notBefore.getTime() + (spec.isCA ? 3650 : 365) * DAY_MS);
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new Error(`certificate ${spec.name}: notAfter must be later than notBefore`);
  }
  return { notBefore, notAfter };
}

function paths(spec: CertSpec, dir: string): { certPath: string; keyPath: string; specPath: string } {
  return {
    certPath: join(dir, `${spec.name}.crt`),
    keyPath: join(dir, `${spec.name}.key`),
    specPath: join(dir, `${spec.name}.spec.json`),
  };
}

function issuedFrom(name: string, certPem: string, keyPem: string, certPath: string, keyPath: string): Issued {
  const certDer = new Uint8Array(new X509Certificate(certPem).raw);
  const keyPkcs8Der = new Uint8Array(createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' }));
  return { name, certPem, keyPem, certDer, keyPkcs8Der, certPath, keyPath };
}

/**
 * What a stored certificate was made from. Default dates are left out (they depend on the day of
 * issuance); the issuer is identified by its certificate fingerprint, so a re-issued CA invalidates
 * everything below it.
 */
function specRecord(spec: CertSpec): string {
  return JSON.stringify({
    subjectCN: spec.subjectCN,
    keyType: spec.keyType,
    issuer: spec.issuer ? createHash('sha256').update(spec.issuer.certDer).digest('hex') : null,
    isCA: spec.isCA ?? false,
    pathLen: spec.pathLen ?? null,
    dnsNames: spec.dnsNames ?? [],
    ipAddresses: spec.ipAddresses ?? [],
    notBefore: spec.notBefore?.toISOString() ?? null,
    notAfter: spec.notAfter?.toISOString() ?? null,
    keyUsage: spec.keyUsage ?? null,
    extendedKeyUsage: spec.extendedKeyUsage ?? null,
  });
}

async function writeAtomically(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode });
  await rename(tmp, path);
}

/** Generates a fresh key and certificate for `spec`, overwriting `<dir>/<name>.{crt,key}`. */
export async function issue(spec: CertSpec, dir: string): Promise<Issued> {
  if (!/^[A-Za-z0-9._-]+$/.test(spec.name)) throw new Error(`certificate name ${JSON.stringify(spec.name)} is not a plain file stem`);
  if (spec.pathLen !== undefined && !spec.isCA) throw new Error(`certificate ${spec.name}: pathLen is only meaningful for a CA`);
  const { notBefore, notAfter } = validity(spec);
  await mkdir(dir, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'tlspg-pki-'));
  try {
    await openssl(['genpkey', ...genpkeyArgs(spec.keyType), '-out', 'subject.key'], work);
    await openssl(['req', '-new', '-key', 'subject.key', '-subj', subjectArg(spec.subjectCN), '-utf8', '-out', 'subject.csr'], work);
    await writeFile(join(work, 'ca.cnf'), caConfig(spec));
    await writeFile(join(work, 'index.txt'), '');

    const signArgs = ['ca', '-config', 'ca.cnf', '-batch', '-notext', '-utf8', '-preserveDN', '-rand_serial'];
    signArgs.push('-extensions', 'cert_extensions', '-startdate', generalizedTime(notBefore), '-enddate', generalizedTime(notAfter));
    signArgs.push('-in', 'subject.csr', '-out', 'subject.crt');
    if (spec.issuer) {
      await writeFile(join(work, 'issuer.crt'), spec.issuer.certPem);
      await writeFile(join(work, 'issuer.key'), spec.issuer.keyPem, { mode: 0o600 });
      signArgs.push('-cert', 'issuer.crt', '-keyfile', 'issuer.key', '-md', digestFor(spec.issuer.keyPem));
    } else {
      signArgs.push('-selfsign', '-keyfile', 'subject.key', '-md', digestFor(await readFile(join(work, 'subject.key'), 'utf8')));
    }
    await openssl(signArgs, work);

    const certPem = await readFile(join(work, 'subject.crt'), 'utf8');
    const keyPem = await readFile(join(work, 'subject.key'), 'utf8');
    const { certPath, keyPath, specPath } = paths(spec, dir);
    await writeAtomically(keyPath, keyPem, 0o600);
    await writeAtomically(certPath, certPem, 0o644);
    await writeAtomically(specPath, specRecord(spec), 0o644);
    return issuedFrom(spec.name, certPem, keyPem, certPath, keyPath);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Reuses `<dir>/<name>.{crt,key}` when they were made from the same spec (and the same issuer
 * certificate), the key matches the certificate, and a certificate with default dates still has
 * more than a day to live; otherwise issues afresh.
 */
export async function loadOrIssue(spec: CertSpec, dir: string): Promise<Issued> {
  const { certPath, keyPath, specPath } = paths(spec, dir);
  try {
    const [certPem, keyPem, record] = await Promise.all([
      readFile(certPath, 'utf8'),
      readFile(keyPath, 'utf8'),
      readFile(specPath, 'utf8'),
    ]);
    if (record === specRecord(spec)) {
      const cert = new X509Certificate(certPem);
      const keyMatches = cert.checkPrivateKey(createPrivateKey(keyPem));
      const issuerMatches = spec.issuer
        ? cert.verify(new X509Certificate(spec.issuer.certPem).publicKey)
        : cert.verify(cert.publicKey);
      const fresh = spec.notAfter !== undefined || new Date(cert.validTo).getTime() - Date.now() > DAY_MS;
      if (keyMatches && issuerMatches && fresh) return issuedFrom(spec.name, certPem, keyPem, certPath, keyPath);
    }
  } catch {
    // Missing or damaged files are replaced, never trusted.
  }
  return issue(spec, dir);
}
