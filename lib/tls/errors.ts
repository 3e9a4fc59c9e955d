import type { AlertDescription } from './registry/alerts';

/**
 * A protocol failure detected by the client. It carries the alert the client sends for it
 * (RFC 8446 §6.2, RFC 5246 §7.2.2) and a sentence for humans.
 */
export class TlsAlertError extends Error {
  constructor(
    readonly alert: AlertDescription,
    message: string,
  ) {
    super(message);
    this.name = 'TlsAlertError';
  }
}

export function decodeError(message: string): TlsAlertError {
  return new TlsAlertError('decode_error', message);
}
