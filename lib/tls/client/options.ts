import type { CryptoProvider, GroupName, RandomSource, SignatureSchemeName } from '../crypto/provider';
import type { AlertDescription } from '../registry/alerts';
import { negotiableSuites, type CipherSuiteName } from '../registry/crypto';
import type { CertificateSummary, CheckFinding, StepContent, Tamper } from '../events';
import type { Field } from '../wire/field';
import type { PersonalityName } from './personalities';
import type { PskMode } from '../handshake/extensions';
import type { ResumableSession } from './session';

export type TlsVersionName = 'TLSv1.3' | 'TLSv1.2';

export interface ClientCertificate {
  /** Leaf first. */
  chainDer: Uint8Array[];
  keyPkcs8Der: Uint8Array;
  /** Signature schemes this key can make, best first (e.g. ['ecdsa_secp256r1_sha256']). */
  schemes: SignatureSchemeName[];
}

export interface ClientOptions {
  /** Host name for SNI and the certificate check (an IP literal disables SNI). */
  serverName: string;
  versions: TlsVersionName[];
  cipherSuites: CipherSuiteName[];
  groups: GroupName[];
  /** Groups to send key shares for in the first ClientHello (default: the first group, plus x25519 after a hybrid). */
  keyShareGroups?: GroupName[];
  signatureSchemes: SignatureSchemeName[];
  alpn: string[];
  postHandshakeAuth: boolean;
  /** Continue after a failed certificate check (marked insecure in the trace). */
  insecure: boolean;
  personality: PersonalityName;
  clientCertificate?: ClientCertificate;
  /** TLS 1.2: send extended_master_secret (RFC 7627). */
  extendedMasterSecret: boolean;
  /** TLS 1.2: send renegotiation_info (RFC 5746). */
  renegotiationInfo: boolean;
  /** TLS 1.2: offer encrypt_then_mac (RFC 7366). */
  encryptThenMac: boolean;
  /** TLS 1.2: offer an empty session_ticket extension (RFC 5077). */
  sessionTicket: boolean;
  /** HelloRequests honoured per connection before refusing (bounds renegotiation loops). */
  maxRenegotiations: number;
  /** A tamper experiment: one field of the client's flight changed before it is sent (lib/tls/tamper). */
  tamper?: Tamper;
  /** Keep what the server gives to resume a later connection (TlsClient.sessions, a step for each). */
  keepSessions?: boolean;
  /** A session an earlier connection kept (TlsClient.sessions), offered to resume. */
  resume?: ResumableSession;
  /** TLS 1.3: the PSK key exchange modes offered with a ticket (RFC 8446 §4.2.9). */
  pskModes: PskMode[];
}

export const defaultSignatureSchemes: SignatureSchemeName[] = [
  'ecdsa_secp256r1_sha256',
  'ecdsa_secp384r1_sha384',
  'ed25519',
  'rsa_pss_rsae_sha256',
  'rsa_pss_rsae_sha384',
  'rsa_pss_rsae_sha512',
  'rsa_pkcs1_sha256',
  'rsa_pkcs1_sha384',
  'rsa_pkcs1_sha512',
];

export function defaultClientOptions(serverName: string): ClientOptions {
  return {
    serverName,
    versions: ['TLSv1.3', 'TLSv1.2'],
    cipherSuites: [...negotiableSuites],
    groups: ['X25519MLKEM768', 'x25519', 'secp256r1', 'secp384r1'],
    signatureSchemes: defaultSignatureSchemes,
    alpn: ['http/1.1'],
    postHandshakeAuth: false,
    insecure: false,
    personality: 'openssl',
    extendedMasterSecret: true,
    renegotiationInfo: true,
    encryptThenMac: true,
    sessionTicket: true,
    maxRenegotiations: 3,
    pskModes: ['psk_dhe_ke'],
  };
}

/** The outcome of checking the server's certificates (lib/tls/x509 provides the real one). */
export interface CertificateVerdict {
  summary: CertificateSummary;
  /** Set when a check failed: the alert a client sends for it. */
  alert?: AlertDescription;
  /** One sentence for the first failed check. */
  message?: string;
  /** The same check's finding as data, so the failure reads in any language. */
  finding?: CheckFinding;
  /** SubjectPublicKeyInfo of the leaf, to verify CertificateVerify / ServerKeyExchange. */
  leafSpki: Uint8Array;
}

/** Everything the engine needs from outside: it performs no I/O of its own. */
export interface ClientDeps {
  crypto: CryptoProvider;
  random: RandomSource;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** `leafKeyUsage`: what the leaf's key must be allowed to do (keyEncipherment for TLS 1.2 static RSA). */
  verifyCertificates: (certificates: Uint8Array[], serverName: string, now: Date, leafKeyUsage: 'digitalSignature' | 'keyEncipherment') => Promise<CertificateVerdict>;
  /** Lays the X.509 annotation over a certificate's DER (optional: without it certificates are opaque). */
  annotateCertificate?: (der: Uint8Array) => Field | undefined;
}

/** Where the engine's output goes. */
export interface ClientSink {
  /** Bytes to write to the transport, in order. */
  send(bytes: Uint8Array): void;
  step(step: StepContent): void;
  applicationData(bytes: Uint8Array): void;
  keyLog(line: string): void;
}
