import type { Field } from '../tls/wire/field';

/**
 * The trace: the single serializable record of a run. Every view, export, share link and CLI
 * output is a function of a trace. Bump TRACE_VERSION on any incompatible change and add a
 * migration in migrate.ts; a trace recorded today must still render later.
 */
export const TRACE_SCHEMA = 'tls-playground/trace';
export const TRACE_VERSION = 1;

export type Outcome = 'ok' | 'alert' | 'reset' | 'closed' | 'timeout' | 'error';
export type Direction = 'client->server' | 'server->client' | 'local';
export type Layer =
  | 'tcp'
  | 'record'
  | 'handshake'
  | 'alert'
  | 'application'
  | 'key'
  | 'certificate'
  | 'verdict'
  | 'http';

/** Bytes with the annotation tree laid over them (offsets are relative to these bytes). */
export interface AnnotatedBytes {
  hex: string;
  field?: Field;
}

export interface Step {
  seq: number;
  /** Milliseconds since the run started. */
  timeMs: number;
  direction: Direction;
  layer: Layer;
  /** Short title: "ServerHello", "Alert: no_renegotiation (warning)", "Connection reset by peer". */
  title: string;
  /** The exact bytes involved: for records, the wire bytes (ciphertext when protected). */
  bytes?: AnnotatedBytes;
  /** For protected records: the decrypted inner plaintext (TLSInnerPlaintext in TLS 1.3). */
  plaintext?: AnnotatedBytes;
  /** Plain-words explanation of what happened and why. */
  explanation?: string;
  /** RFC section: "RFC 8446 §4.1.3". */
  rfc?: string;
  /** Structured details, per layer (e.g. a key derivation's inputs, a certificate check's result). */
  data?: Record<string, unknown>;
}

export interface AlertSummary {
  from: 'client' | 'server';
  level: 'warning' | 'fatal';
  description: string;
}

export interface CertificateCheck {
  /** "signature", "validity", "hostname", "basicConstraints", "keyUsage", "extendedKeyUsage", "chain". */
  check: string;
  ok: boolean;
  /** Which certificate (index in the built chain, 0 = leaf), when the check is about one. */
  certificate?: number;
  detail: string;
}

export interface ChainEntry {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  serialNumber: string;
  /** Where this certificate came from: the server's Certificate message, the root store, a user CA. */
  source: 'server' | 'root-store' | 'user-ca';
  sha256: string;
}

export interface CertificateSummary {
  verdict: 'trusted' | 'untrusted' | 'not-checked';
  /** The alert the check maps to when untrusted (unknown_ca, certificate_expired, …). */
  alert?: string;
  /** True when the user chose to continue despite a failed check. */
  insecure?: boolean;
  chain: ChainEntry[];
  checks: CertificateCheck[];
}

export interface HttpSummary {
  status: number;
  reason: string;
  headers: [string, string][];
  bodyBytes: number;
  chunked: boolean;
  /** The first bytes of the body, as text when printable. */
  bodyPreview?: string;
}

export interface RunOptions {
  url: string;
  /** Network address when it differs from the URL host (SNI and Host stay the URL's). */
  connect?: string;
  versions: ('TLSv1.3' | 'TLSv1.2')[];
  cipherSuites: string[];
  groups: string[];
  signatureSchemes: string[];
  personality: string;
  insecure: boolean;
  postHandshakeAuth: boolean;
  clientCertificate: boolean;
  alpn: string[];
  method: string;
}

export interface Trace {
  schema: typeof TRACE_SCHEMA;
  schemaVersion: number;
  engine: { name: string; version: string; crypto: string };
  startedAt: string;
  options: RunOptions;
  outcome: Outcome;
  /** One sentence explaining the outcome. */
  outcomeDetail: string;
  version?: 'TLSv1.3' | 'TLSv1.2';
  cipherSuite?: string;
  group?: string;
  signatureScheme?: string;
  alpn?: string;
  alerts: AlertSummary[];
  http?: HttpSummary;
  certificate?: CertificateSummary;
  personality: string;
  timings: {
    connectMs?: number;
    handshakeMs?: number;
    firstByteMs?: number;
    totalMs: number;
  };
  /** NSS key log lines (SSLKEYLOGFILE format). */
  keyLog: string[];
  steps: Step[];
}
