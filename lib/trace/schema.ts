import type { CertificateSummary, StepContent } from '../tls/events';

/**
 * The trace: the single serializable record of a run. Every view, export, share link and CLI
 * output is a function of a trace. Bump TRACE_VERSION on any incompatible change and add a
 * migration in migrate.ts; a trace recorded today must still render later.
 */
export const TRACE_SCHEMA = 'tls-playground/trace';
export const TRACE_VERSION = 1;

export type Outcome = 'ok' | 'alert' | 'reset' | 'closed' | 'timeout' | 'error';
export type { AnnotatedBytes, Direction, Layer, StepContent, CertificateCheck, ChainEntry, CertificateSummary } from '../tls/events';

export interface Step extends StepContent {
  seq: number;
  /** Milliseconds since the run started. */
  timeMs: number;
}

export interface AlertSummary {
  from: 'client' | 'server';
  level: 'warning' | 'fatal';
  description: string;
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
  /** TLS 1.2 extensions switched off for this run (absent: all offered). */
  tls12Off?: Tls12Extension[];
}

/** The TLS 1.2 extensions a run may switch off (RFC 7627, RFC 5746, RFC 7366, RFC 5077). */
export type Tls12Extension = 'extended_master_secret' | 'renegotiation_info' | 'encrypt_then_mac' | 'session_ticket';

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
