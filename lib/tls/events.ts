import type { Field } from './wire/field';

/**
 * What the engine reports as it works. The trace (lib/trace) stamps each with a sequence number and
 * a time; everything else about a step is decided here, by the code that read or wrote the bytes.
 */
export type Direction = 'client->server' | 'server->client' | 'local';
export type Layer = 'tcp' | 'record' | 'handshake' | 'alert' | 'application' | 'key' | 'certificate' | 'verdict' | 'http';

/** Bytes with the annotation tree laid over them (offsets are relative to these bytes). */
export interface AnnotatedBytes {
  hex: string;
  field?: Field;
}

export interface StepContent {
  direction: Direction;
  layer: Layer;
  /** Short title: "ServerHello", "Alert: no_renegotiation (warning)", "Connection reset by peer". */
  title: string;
  /** The exact bytes involved: for records, the wire bytes (ciphertext when protected). */
  bytes?: AnnotatedBytes;
  /** For protected records: the decrypted plaintext (TLSInnerPlaintext in TLS 1.3). */
  plaintext?: AnnotatedBytes;
  /** Plain-words explanation of what happened and why. */
  explanation?: string;
  /** RFC section: "RFC 8446 §4.1.3". */
  rfc?: string;
  /** Structured details, per layer (a key derivation's inputs, a certificate check's result…). */
  data?: Record<string, unknown>;
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

