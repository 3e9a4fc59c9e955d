/**
 * The trace: the single serializable record of a run. Every view, export, share link and CLI
 * output is a function of a trace. Bump TRACE_VERSION on any incompatible change and add a
 * migration in migrate.ts; a trace recorded today must still render later.
 *
 * Version 2: a step says what it is in `kind`, and the facts about it in `data`, typed per kind
 * (a discriminated union). Words (titles, explanations) are not stored: they are a function of the
 * data, in lib/view, so every stored run gains better wording and other languages. lib/trace/steps.ts
 * holds the predicates consumers ask a step with; only lib/trace/migrate.ts reads version 1 titles.
 *
 * This module imports nothing: the trace is the bottom layer, the engine (lib/tls) builds on it.
 */
export const TRACE_SCHEMA = 'tls-playground/trace';
export const TRACE_VERSION = 2;

export type Outcome = 'ok' | 'alert' | 'reset' | 'closed' | 'timeout' | 'error';

export type Direction = 'client->server' | 'server->client' | 'local';
/** A coarse grouping of steps (the diagram's phases, exports); `kind` says exactly what a step is. */
export type Layer = 'tcp' | 'record' | 'handshake' | 'alert' | 'application' | 'key' | 'certificate' | 'verdict' | 'http';
export type Peer = 'client' | 'server';
export type AlertLevel = 'warning' | 'fatal';
export type TlsVersion = 'TLSv1.3' | 'TLSv1.2';

/**
 * One node of the annotation tree laid over a run of bytes. The same codec that reads or writes
 * the bytes produces these nodes, so the annotation of a byte cannot drift from the parser.
 */
export interface Field {
  /** The protocol's own name for the field: "legacy_version", "key_share", "Certificate". */
  name: string;
  /** Byte offset from the start of the step's bytes. */
  offset: number;
  /** Number of bytes the field covers (header and body). */
  length: number;
  /** Decoded value: "0x0303 (TLS 1.2)", "x25519", "www.example.com". */
  value?: string;
  /**
   * English prose that version 1 traces stored about the field. Nothing writes it any more and
   * nothing shows it: lib/view/fieldText.ts explains a field from its name, value and place.
   */
  meaning?: string;
  /** Where the rule lives: "RFC 8446 §4.1.2". */
  rfc?: string;
  /**
   * The value as data, when it is a phrase rather than a protocol token ("32 bytes", "empty (initial
   * handshake)", "2048-bit modulus"): the views word it in the reader's language. `value` keeps the
   * English phrase, for tools that read traces and for the views of traces written before.
   */
  words?: ValueWords;
  children?: Field[];
}

/** A field value the views put in words (Field.words). */
export type ValueWords =
  /** A size: "32 bytes". */
  | { say: 'bytes'; n: number }
  /** An empty vector. */
  | { say: 'empty' }
  /** renegotiation_info's empty renegotiated_connection: this is the connection's first handshake (RFC 5746 §3.2). */
  | { say: 'empty-initial-handshake' }
  /** An RSA public key's modulus: its size in bits. */
  | { say: 'modulus-bits'; n: number }
  /** An AlgorithmIdentifier's NULL parameters (RFC 4055 §2.1). */
  | { say: 'no-parameters' }
  /** tbsCertificate: the bytes the issuer's signature covers (RFC 5280 §4.1.1.1). */
  | { say: 'signed-bytes'; n: number }
  /** An extension's extnValue: DER-encoded bytes (RFC 5280 §4.1). */
  | { say: 'der-bytes'; n: number }
  /** The part of a handshake message that one record carries: `n` of its `total` bytes. */
  | { say: 'bytes-of'; n: number; total: number }
  /** A duration in seconds (NewSessionTicket.ticket_lifetime, RFC 8446 §4.6.1). */
  | { say: 'seconds'; n: number }
  /** An RSA public key: its modulus's size in bits. */
  | { say: 'rsa-key-bits'; n: number }
  /** An EC public key whose curve is given by explicit parameters instead of a name (RFC 5480 §2.1.1). */
  | { say: 'ec-explicit-curve' }
  /** An EC public key's point (SEC 1 §2.3.3): its form, from the first byte, and its size. */
  | { say: 'ec-point'; form: 'uncompressed' | 'compressed' | 'invalid'; n: number }
  /** MaskGenAlgorithm MGF1 and its hash (RFC 4055 §2.2). */
  | { say: 'mgf1'; hash: string }
  /** RSASSA-PSS-params: hash, MGF1's hash, salt length in bytes (RFC 4055 §3.1). */
  | { say: 'rsa-pss-params'; hash: string; mgfHash: string; salt: number }
  /** A certificate's extensions: how many. */
  | { say: 'extensions'; n: number }
  /** Ecdsa-Sig-Value: the two integers r and s (RFC 3279 §2.2.3). */
  | { say: 'ecdsa-signature' }
  /** certificatePolicies' policyQualifiers: how many. */
  | { say: 'qualifiers'; n: number }
  /** cRLDistributionPoints without a URI: how many points. */
  | { say: 'distribution-points'; n: number }
  /** The SignedCertificateTimestampList extension: how many SCTs (RFC 6962 §3.3). */
  | { say: 'scts'; n: number }
  /** An SCT list extension whose bytes do not parse as one: their size. */
  | { say: 'not-sct-list'; n: number }
  /** A keyUsage with no bit set. */
  | { say: 'no-key-usage' }
  /** An authorityKeyIdentifier without keyIdentifier. */
  | { say: 'no-key-identifier' }
  /** A GeneralName kept as bytes (x400Address, ediPartyName): its type and size. */
  | { say: 'name-bytes'; type: string; n: number };

/** Bytes with the annotation tree laid over them (offsets are relative to these bytes). */
export interface AnnotatedBytes {
  hex: string;
  field?: Field;
}

export interface CertificateCheck {
  /** "signature", "validity", "hostname", "basicConstraints", "keyUsage", "extendedKeyUsage", "chain". */
  check: string;
  ok: boolean;
  /** Which certificate (index in the built chain, 0 = leaf), when the check is about one. */
  certificate?: number;
  /** What the check found, in English (the CLI and --json read it). */
  detail: string;
  /**
   * The same finding as data, so a view can say it in any language (lib/view/certificate.ts
   * checkDetail). Absent in traces recorded before it was kept: those show `detail`.
   */
  finding?: CheckFinding;
}

/** Where a trust anchor came from. */
type AnchorOrigin = 'root-store' | 'user-ca';

/** A check's finding as data: which rule, and the values the sentence about it names. */
export type CheckFinding =
  // chain: did the path reach a trust anchor? (`unused`: certificates the server sent that are not on it)
  | { is: 'anchor-leaf'; source: AnchorOrigin; unused: number }
  | { is: 'path'; length: number; root: string; source: AnchorOrigin; unused: number }
  | { is: 'too-many-candidates'; limit: number }
  | { is: 'self-signed' }
  | { is: 'untrusted-root'; root: string }
  | { is: 'missing-issuer'; issuer: string; subject: string; leafOnly: boolean }
  // signature: `by` is the issuer's name; `algorithm`/`curve` when the scheme needs them said
  | { is: 'signature-verifies' | 'signature-fails'; by: string; scheme: string; algorithm?: string; curve?: string }
  | { is: 'signature-error'; by: string; scheme: string; algorithm?: string; curve?: string; error: string }
  | { is: 'signature-unsupported'; by: string; reason: string }
  // key and algorithm policy (lib/tls/x509/policy.ts)
  | { is: 'policy-ok'; key: string; hash?: string }
  | { is: 'policy-refused'; problems: PolicyProblem[] }
  | { is: 'critical-extensions'; extensions: string[] }
  // basicConstraints
  | { is: 'ca-as-leaf' }
  | { is: 'anchor-without-constraints' }
  | { is: 'no-basic-constraints' }
  | { is: 'not-a-ca' }
  | { is: 'path-too-long'; limit: number; below: number }
  | { is: 'ca'; limit?: number; below: number }
  // keyUsage and extKeyUsage
  | { is: 'key-usage-unrestricted' }
  | { is: 'key-usage'; usages: string[]; need: string }
  | { is: 'key-usage-lacks'; usages: string[]; need: string; leaf: boolean }
  | { is: 'ext-key-usage-unrestricted' }
  | { is: 'ext-key-usage'; usages: string[] }
  | { is: 'ext-key-usage-lacks'; usages: string[] }
  // nameConstraints: certificate #index's `name` lies in an `excluded` subtree, or outside the `permitted` ones
  | { is: 'name-constraints-kept' }
  | { is: 'name-constraints-violated'; index: number; ca: string; name: string; excluded?: string; permitted?: string[] }
  // validity period
  | { is: 'not-yet-valid'; from: string; days: number }
  | { is: 'expired'; until: string; days: number }
  | { is: 'valid'; from: string; until: string; days: number }
  // hostname (`names`: the subjectAltName entries as written)
  | { is: 'ip-matches'; host: string }
  | { is: 'ip-without-san'; host: string }
  | { is: 'ip-not-listed'; host: string; names: string }
  | { is: 'host-not-ascii'; host: string }
  | { is: 'host-invalid'; host: string }
  | { is: 'host-matches'; host: string; name: string; wildcard: boolean }
  | { is: 'no-dns-names'; host: string; names: string }
  | { is: 'host-mismatch'; host: string; names: string; why?: WildcardRefusal }
  | { is: 'no-san'; commonNames: string[] };

/** Why a key or signature is outside the key and algorithm policy. */
export type PolicyProblem =
  | { problem: 'rsa-too-short'; key: string; bits: number }
  | { problem: 'curve'; curve?: string; curves: string[] }
  | { problem: 'key-type'; key: string }
  | { problem: 'hash'; algorithm: string; hash: string };

/** Why a wildcard name in a certificate was not honoured (RFC 6125 §6.4.3). */
export type WildcardRefusal =
  | { wildcard: 'misplaced'; name: string }
  | { wildcard: 'lone'; name: string }
  | { wildcard: 'public-suffix'; name: string; suffix: string }
  | { wildcard: 'one-label'; name: string; host: string };

export interface ChainEntry {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  serialNumber: string;
  /** Where this certificate came from: the server's Certificate message, the root store, a user CA. */
  source: 'server' | 'root-store' | 'user-ca';
  sha256: string;
  /**
   * The names the certificate is valid for: its subjectAltName DNS names and IP addresses, as
   * written ("*.example.com", "192.0.2.1"). Absent in traces recorded before it was kept.
   */
  names?: string[];
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

// ---------------------------------------------------------------------------------------------
// The step vocabulary. Each kind's data holds every fact a view, the advice, the doctor, the
// comparison, an export or the CLI needs about the step.

/** The TCP connection (or the relay standing in for it). */
export type TransportData =
  | { event: 'connecting'; host: string; port: number }
  | { event: 'resolved'; host: string; addresses: string[] }
  | { event: 'connected'; remoteAddress: string; remotePort: number; connectMs: number }
  /** The server closed its side (FIN). */
  | { event: 'fin' }
  /** The server aborted the connection (RST, RFC 9293 §3.5.2). */
  | { event: 'reset' }
  /** The client closed the connection itself. */
  | { event: 'close' }
  /** The client closed its sending side only (a half-close; a capture proxy sees it). */
  | { event: 'shutdown' }
  /** The run's time limit passed while waiting for `waiting`. */
  | { event: 'timeout'; timeoutMs: number; waiting: Waiting }
  /**
   * The transport failed: `code` is the system's (ECONNREFUSED, ENOTFOUND, ETIMEDOUT, EHOSTUNREACH,
   * ENETUNREACH) or the relay's (POLICY, RATE, LIMIT); `message` is the transport's own diagnostic,
   * in English; `reason` the relay's stable word for it (port, ip-literal, address-private,
   * client-rate…), which views word in the reader's language. Absent in older traces.
   */
  | { event: 'error'; code: string; message: string; reason?: string };

/** What a run was waiting for when it stopped. */
export type Waiting = 'connection' | 'handshake' | 'response';

/** A TLS record on the wire (RFC 8446 §5.1, RFC 5246 §6.2). */
export interface RecordData {
  /** The real content type ('handshake', 'alert', 'application_data', 'change_cipher_spec'). */
  contentType: string;
  /** The type in the record header (23 for every TLS 1.3 protected record). */
  outerContentType: number;
  /** The keys that protect it, or null for a plaintext record. */
  protectedBy: string | null;
  encrypted: boolean;
  /** Length of the content (the plaintext when protected). */
  contentLength: number;
}

/** Bytes from the server that are not a TLS record. */
export interface UnparseableData {
  length: number;
  /** The parser's diagnostic, in English. */
  error: string;
  /** The same as data, worded by the views (absent in runs saved before it). */
  diagnostic?: Diagnostic;
}

/** A handshake message sent or received (its type name as in RFC 8446 §4: 'client_hello'). */
export interface HandshakeData {
  message: string;
  from: Peer;
  /** The message could not be parsed to its end. */
  malformed?: boolean;
  /** A HelloRequest that arrived during a handshake and is ignored (RFC 5246 §7.4.1.1). */
  ignored?: boolean;
  /** A ClientHello that starts a renegotiation (RFC 5746 §3.5). */
  renegotiation?: boolean;
  /** The protocol version in force when the message went by (absent before the ServerHello). */
  version?: TlsVersion;
}

/** The server answered with a HelloRetryRequest (RFC 8446 §4.1.4). */
export interface HelloRetryData {
  /** The group the server asks for, if any. */
  group?: string;
  cookie: boolean;
}

/** A ChangeCipherSpec (RFC 5246 §7.1), or TLS 1.3's compatibility one (RFC 8446 §D.4). */
export interface ChangeCipherSpecData {
  from: Peer;
  /** A TLS 1.3 middlebox-compatibility ChangeCipherSpec with no effect. */
  compatibility: boolean;
}

/** What made the client send an alert. */
export type AlertCause =
  /** The client is done with the connection (close_notify). */
  | 'close'
  /** The client gives up on a handshake in progress (close_notify). */
  | 'abandon'
  /** The answer to the server's close_notify. */
  | 'reply'
  /** The personality's answer to a HelloRequest (no_renegotiation). */
  | 'renegotiation-refused'
  /** A local failure (the error step before it says which). */
  | 'error';

/** An alert sent or received (RFC 8446 §6). */
export interface AlertData {
  from: Peer;
  level: AlertLevel;
  description: string;
  /** Ends the connection (RFC 8446 §6: in TLS 1.3 every alert but close_notify and user_canceled does). */
  fatal: boolean;
  /** Sent alerts: why the client sent it. */
  cause?: AlertCause;
  /** Received alerts: the server refused the ClientHello before choosing a version. */
  helloRejected?: boolean;
  /** Received alerts: a refusal after the client sent an empty Certificate. */
  afterEmptyClientCertificate?: boolean;
  /** cause 'renegotiation-refused': who refused and how. */
  personality?: string;
  reaction?: string;
  override?: PersonalityData['override'];
  /** cause 'error': the local failure's message. */
  error?: string;
  /** cause 'error': the same failure as data, worded by the views (absent in runs saved before it). */
  errorDiagnostic?: Diagnostic;
  /** cause 'error', a rejected server certificate: the failed check's finding, worded by the views. */
  errorFinding?: CheckFinding;
}

/** Application data carried by records (the HTTP bytes). */
export interface ApplicationData {
  length: number;
}

/** A secret or key derived by the key schedule (RFC 8446 §7.1, RFC 5246 §6.3). */
export interface KeyData {
  label: string;
  value: string;
  /** Labels of the values this one was computed from. */
  inputs: string[];
  algorithm: string;
}

/**
 * What went wrong, as data (lib/tls/diagnostics): a sentence's code ('record.tooLong') and the values
 * it names, each a number, quoted text or another diagnostic. The views word it in the reader's
 * language from the catalogs' `engine` namespace; a code this build does not know falls back to the
 * English `message` recorded beside it.
 */
export interface Diagnostic {
  code: string;
  params?: Record<string, string | number | Diagnostic>;
}

/** A check the client made, passed (`ok`) or not. */
export type CheckData =
  | { check: 'certificate'; ok: boolean; alert?: string; message?: string; insecure: boolean; serverName: string; summary: CertificateSummary }
  /** A handshake signature: CertificateVerify (RFC 8446 §4.4.3) or ServerKeyExchange (RFC 8422 §5.4). */
  | { check: 'signature'; ok: boolean; message: string; scheme: string }
  /** The server's Finished (RFC 8446 §4.4.4, RFC 5246 §7.4.9). */
  | { check: 'finished'; ok: boolean; version: TlsVersion; expected?: string }
  /** RFC 8446 §4.1.3: no downgrade sentinel in a TLS 1.2 ServerHello random. */
  | { check: 'downgrade-sentinel'; ok: boolean }
  /** RFC 5746 §3.5: the renegotiation ServerHello echoes both previous Finished values. */
  | { check: 'renegotiation-info'; ok: boolean };

/**
 * The client refused the handshake because the server broke a protocol rule (docs/strictness.md):
 * which check caught it, where the rule is written, the alert sent, and the facts the views read.
 */
export interface RefusalData {
  /** The check's name: 'record-boundary', 'unsolicited-extension', 'empty-record'… */
  check: string;
  /** A refusal is a check that failed. */
  ok: false;
  /** Where the rule is written: 'RFC 8446 §5.1'. */
  rule: string;
  alert: string;
  /** The engine's diagnostic sentence, in English. */
  message: string;
  /** The same as data, worded by the views (absent in runs saved before it). */
  diagnostic?: Diagnostic;
  facts: Record<string, string | number | boolean>;
}

/** TLS 1.2 parameters chosen by the ServerHello. */
export interface NegotiatedData {
  version: TlsVersion;
  cipherSuite: string;
  secureRenegotiation: boolean;
  extendedMasterSecret: boolean;
  encryptThenMac: boolean;
  /** The suite uses CBC (so encrypt_then_mac matters). */
  cbc: boolean;
  sessionId: string;
}

/** The handshake (or a renegotiation) finished. */
export interface HandshakeCompleteData {
  version: TlsVersion;
  cipherSuite: string;
  group?: string;
  renegotiation: boolean;
}

/** How the client's personality answered the server (a HelloRequest). */
export interface PersonalityData {
  personality: string;
  trigger: 'hello_request';
  reaction: string;
  /** Why the reaction differs from the personality's usual one. */
  override?: 'insecure-renegotiation' | 'renegotiation-limit';
  /** Renegotiations done so far on the connection. */
  renegotiations: number;
}

/** The server asked for a client certificate and the client has none to give. */
export interface NoClientCertificateData {
  /** A certificate is configured but cannot sign with any scheme the server accepts. */
  configured: boolean;
}

/** How a connection resumes a session: TLS 1.3 PSK key exchange modes (RFC 8446 §4.2.9), TLS 1.2 ticket (RFC 5077) or session id (RFC 5246 §7.3). */
export type ResumptionMode = 'psk_dhe_ke' | 'psk_ke' | 'session-ticket' | 'session-id';
export type PskKeyExchangeMode = 'psk_dhe_ke' | 'psk_ke';

/** Session resumption, from the session kept to the server's answer (RFC 8446 §2.2, RFC 5077, RFC 5246 §7.3). */
export type ResumptionData =
  /** The client keeps what it needs to resume: a ticket (both versions) or a TLS 1.2 session id. */
  | { event: 'kept'; version: TlsVersion; mode: 'ticket' | 'session-id'; lifetimeSeconds?: number; maxEarlyDataSize?: number; ticketLength?: number }
  /** A kept session that cannot be offered: its ticket expired, it is for another server name, or no offered suite fits. */
  | { event: 'not-offered'; version: TlsVersion; reason: 'expired' | 'other-server' | 'no-suite' | 'no-session' }
  /** TLS 1.3: the ClientHello offers a ticket in pre_shared_key (RFC 8446 §4.2.11). */
  | {
      event: 'offered';
      version: 'TLSv1.3';
      modes: PskKeyExchangeMode[];
      ticketAgeMs: number;
      obfuscatedTicketAge: number;
      ticketLifetimeSeconds: number;
      cipherSuite: string;
      earlyData: boolean;
      /** The PSK identity: the ticket's length in bytes (its bytes are the ClientHello's identity field). */
      identityLength?: number;
      /** The binder sent, hex (RFC 8446 §4.2.11.2); the key schedule shows how it was made. */
      binder?: string;
      /** The second ClientHello, after a HelloRetryRequest: a new binder over the new transcript. */
      afterHelloRetry?: boolean;
    }
  /** TLS 1.2: the ClientHello offers a ticket (RFC 5077 §3.1) or a session id (RFC 5246 §7.4.1.2). */
  | { event: 'offered'; version: 'TLSv1.2'; mode: 'session-ticket' | 'session-id' }
  /** The server resumed: TLS 1.3 selected_identity, TLS 1.2 the echoed session id (abbreviated handshake). */
  | { event: 'accepted'; version: TlsVersion; mode: ResumptionMode; selectedIdentity?: number }
  /** The server did not resume: a full handshake follows. */
  | { event: 'refused'; version: TlsVersion; mode: ResumptionMode };

/** 0-RTT early data (RFC 8446 §2.3, §4.2.10): sent with the ClientHello, before any reply. */
export type EarlyDataData =
  | { event: 'sent'; length: number; maxEarlyDataSize: number }
  | { event: 'accepted' }
  /** The server did not take it: it refused the ticket, asked for another ClientHello, or declined the data. */
  | { event: 'rejected'; reason: 'server' | 'psk-refused' | 'hello-retry' };

export type HttpData =
  | {
      message: 'request';
      method: string;
      path: string;
      /** Sent as 0-RTT early data, before the handshake completes. */
      earlyData?: boolean;
      /** Sent again after the handshake because the server rejected it as early data. */
      afterEarlyDataRejected?: boolean;
    }
  | { message: 'response'; status: number; reason: string }
  /** `error`: why the client cannot read the response, in English; `diagnostic`: the same as data (absent in runs saved before it). */
  | { message: 'invalid-response'; error: string; diagnostic?: Diagnostic };

/** A failure that ends the run: the engine's (with the alert it maps to), the input's, or a bug. */
export interface ErrorData {
  /** 'start': the page could not start the run at all. */
  source: 'tls' | 'input' | 'internal' | 'start';
  alert?: string;
  /** The failure in English, as the engine or the input check wrote it. */
  message: string;
  /** The same as data, worded by the views (absent in runs saved before it). */
  diagnostic?: Diagnostic;
  /** A rejected server certificate: the failed check's finding (its check step words it too). */
  finding?: CheckFinding;
}

/**
 * A tamper experiment: one field of the client's flight changed before it is sent. `target` names
 * the field by its annotated path (`client_hello.extensions.supported_versions`,
 * `finished.verify_data`, `client_hello.record.legacy_record_version`); lib/tls/tamper reads it.
 * set: the field's value becomes `value` (hex; a vector's content, its length prefix recomputed) ·
 * flip: bit `bit` of the value is inverted (bit 0 = the first byte's most significant bit) ·
 * drop: the field is removed · reorder: the vector's elements named in `order` go first, in that order.
 */
export type Tamper =
  | { target: string; op: 'set'; value: string }
  | { target: string; op: 'flip'; bit: number }
  | { target: string; op: 'drop' }
  | { target: string; op: 'reorder'; order: string[] };
export type TamperOp = Tamper['op'];

/**
 * The tamper as the engine applied it: the field's bytes before and as sent (hex; empty when
 * dropped), and the handshake message it changed (or whose record's header it changed).
 */
export type TamperData = Tamper & {
  message: string;
  original: string;
  sent: string;
};

export interface LegacyData {
  title: string;
  explanation?: string;
}

/** Why the run ended as it did: the data behind the outcome's sentence. */
export type OutcomeCause =
  | { cause: 'http'; status: number; reason: string }
  /** `finding`: when the client refused the server's certificate, what the failed check found (as CertificateCheck's). */
  | { cause: 'alert'; by: Peer; alert: string; message: string; diagnostic?: Diagnostic; finding?: CheckFinding; afterEmptyClientCertificate?: boolean }
  | { cause: 'server-closed-handshake' }
  | { cause: 'reset'; where?: Where }
  | { cause: 'closed'; closeNotify: boolean; where?: Where }
  | { cause: 'timeout'; timeoutMs: number; waiting: Waiting }
  | { cause: 'transport'; code: string; message: string; reason?: string }
  | { cause: 'invalid-response'; error: string; diagnostic?: Diagnostic }
  /**
   * The connection is open but the client will not use it any more. `reason`: why, worded by the
   * views; `message`: the sentence an older engine wrote instead (a saved run from before the reason
   * was recorded), shown as it is.
   */
  | { cause: 'unusable'; reason?: UnusableReason; message?: string }
  | { cause: 'client-error'; message: string; diagnostic?: Diagnostic }
  | { cause: 'stopped' }
  | { cause: 'input'; message: string; diagnostic?: Diagnostic }
  /** The page could not start the run: why, in English, and as data (absent in runs saved before it). */
  | { cause: 'start'; message: string; diagnostic?: Diagnostic }
  | { cause: 'internal'; message: string }
  | { cause: 'unfinished' };

/**
 * Why an open connection can no longer be used. 'no-renegotiation': Go's crypto/tls answers a
 * HelloRequest with a warning no_renegotiation and then fails the connection with the error
 * "tls: no renegotiation" (its Renegotiation setting is RenegotiateNever by default).
 */
export type UnusableReason = 'no-renegotiation';

/** Where in the run the connection ended. */
export type Where = 'handshake' | 'after-request' | 'mid-response';

export interface OutcomeData {
  outcome: Outcome;
  personality: string;
  cause: OutcomeCause;
}

/** Each kind with its data. */
export interface StepKinds {
  transport: TransportData;
  record: RecordData;
  unparseable: UnparseableData;
  handshake: HandshakeData;
  'hello-retry': HelloRetryData;
  'change-cipher-spec': ChangeCipherSpecData;
  /** The client starts a renegotiation: a new handshake under the current keys (RFC 5746 §3.5). */
  'renegotiation-start': Record<string, never>;
  alert: AlertData;
  'application-data': ApplicationData;
  key: KeyData;
  check: CheckData;
  refusal: RefusalData;
  negotiated: NegotiatedData;
  'handshake-complete': HandshakeCompleteData;
  personality: PersonalityData;
  'no-client-certificate': NoClientCertificateData;
  resumption: ResumptionData;
  'early-data': EarlyDataData;
  http: HttpData;
  error: ErrorData;
  outcome: OutcomeData;
  /** A tamper experiment changed a field of the client's flight before it went out (lib/tls/tamper). */
  tamper: TamperData;
  /** A version 1 step whose words name none of these kinds (lib/trace/migrate.ts): shown as it was. */
  legacy: LegacyData;
}
export type StepKind = keyof StepKinds;

interface StepFrame {
  direction: Direction;
  layer: Layer;
  /** The exact bytes involved: for records, the wire bytes (ciphertext when protected). */
  bytes?: AnnotatedBytes;
  /** For protected records: the decrypted plaintext (TLSInnerPlaintext in TLS 1.3). */
  plaintext?: AnnotatedBytes;
  /** RFC section: "RFC 8446 §4.1.3". */
  rfc?: string;
}

/** What the engine reports: a step before the trace stamps it with a sequence number and a time. */
export type StepContent = { [K in StepKind]: StepFrame & { kind: K; data: StepKinds[K] } }[StepKind];
/** The step of one kind. */
export type StepOf<K extends StepKind> = Extract<Step, { kind: K }>;

export type Step = StepContent & {
  seq: number;
  /** Milliseconds since the run started. */
  timeMs: number;
};

export interface AlertSummary {
  from: Peer;
  level: AlertLevel;
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
  versions: TlsVersion[];
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
  /** A tamper experiment: one field of the client's flight changed before it is sent (absent: none). */
  tamper?: Tamper;
  /** Two connections: the second resumes the session the first got (the trace is the second's). */
  resume?: boolean;
  /** With resume: send the HTTP request as 0-RTT early data when the ticket allows it. */
  earlyData?: boolean;
  /** With resume over TLS 1.3: the PSK key exchange modes offered (absent: psk_dhe_ke). */
  pskModes?: PskKeyExchangeMode[];
}

/** What a resumed run's second connection did with the first one's session. */
export interface ResumptionSummary {
  /** The ClientHello offered the session (a kept ticket or session id that could be used). */
  offered: boolean;
  accepted: boolean;
  /** The mode the server resumed in; when not accepted, the one offered first (absent: nothing offered). */
  mode?: ResumptionMode;
  /** 0-RTT early data: absent when none was sent. */
  earlyData?: 'accepted' | 'rejected';
}

/** The TLS 1.2 extensions a run may switch off (RFC 7627, RFC 5746, RFC 7366, RFC 5077). */
export type Tls12Extension = 'extended_master_secret' | 'renegotiation_info' | 'encrypt_then_mac' | 'session_ticket';

export interface Trace {
  schema: typeof TRACE_SCHEMA;
  schemaVersion: typeof TRACE_VERSION;
  engine: { name: string; version: string; crypto: string };
  startedAt: string;
  options: RunOptions;
  outcome: Outcome;
  /** Why the run ended so (lib/view words it). */
  outcomeCause: OutcomeCause;
  version?: TlsVersion;
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
  /** A resumed run (options.resume): what became of the resumption. */
  resumption?: ResumptionSummary;
  /** A resumed run: the whole trace of the first connection, whose session this one resumes. */
  firstConnection?: Trace;
}
