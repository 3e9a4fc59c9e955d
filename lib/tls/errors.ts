import type { AlertDescription } from './registry/alerts';

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
 * (RFC 8446 §6.2, RFC 5246 §7.2.2), a sentence for humans and, for a rule the server broke, the
 * check that caught it.
 */
export class TlsAlertError extends Error {
  constructor(
    readonly alert: AlertDescription,
    message: string,
    readonly check?: RefusedCheck,
  ) {
    super(message);
    this.name = 'TlsAlertError';
  }
}

export function decodeError(message: string): TlsAlertError {
  return new TlsAlertError('decode_error', message);
}

/** A refusal by a named rule: the alert it names, why, and the check for the trace. */
export function refusal(alert: AlertDescription, message: string, check: RefusedCheck): TlsAlertError {
  return new TlsAlertError(alert, message, check);
}
