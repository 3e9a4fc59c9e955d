import type { AlertDescription } from './registry/alerts';
import { inEnglish, type Diagnostic } from './diagnostics';
import type { CheckFinding } from './events';

/**
 * The rule a refusal applied, as data: which check failed, where the rule is written, and the
 * facts (an extension's name, a message type, a count) that the views and the advice read.
 */
export interface RefusedCheck {
  /** The check's name: 'record-boundary', 'unsolicited-extension', 'empty-record'… */
  check: string;
  /** Where the rule is written: 'RFC 8446 §5.1'. */
  rule: string;
  facts?: Record<string, string | number | boolean>;
}

/**
 * A protocol failure detected by the client. It carries the alert the client sends for it
 * (RFC 8446 §6.2, RFC 5246 §7.2.2), what went wrong as a diagnostic (./diagnostics: a code and its
 * values, worded by the views in the reader's language; `message` is its English) and, for a rule
 * the server broke, the check that caught it.
 */
export class TlsAlertError extends Error {
  readonly diagnostic?: Diagnostic;

  constructor(
    readonly alert: AlertDescription,
    said: Diagnostic | string,
    readonly check?: RefusedCheck,
  ) {
    super(typeof said === 'string' ? said : inEnglish(said));
    if (typeof said !== 'string') this.diagnostic = said;
    this.name = 'TlsAlertError';
  }
}

export function decodeError(said: Diagnostic | string): TlsAlertError {
  return new TlsAlertError('decode_error', said);
}

/** A refusal by a named rule: the alert it names, why, and the check for the trace. */
export function refusal(alert: AlertDescription, said: Diagnostic | string, check: RefusedCheck): TlsAlertError {
  return new TlsAlertError(alert, said, check);
}

/** The client refuses the server's certificate: the alert, the failed check's sentence and its finding (data the views word). */
export class CertificateRejection extends TlsAlertError {
  constructor(
    alert: AlertDescription,
    said: Diagnostic | string,
    readonly finding?: CheckFinding,
  ) {
    super(alert, said);
  }
}
