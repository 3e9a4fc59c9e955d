import { Registry } from './table';

// RFC 8446 §6 and RFC 5246 §7.2 — TLS Alert Descriptions registry.
export const alertDescriptions = new Registry(
  'AlertDescription',
  [
    { code: 0, name: 'close_notify' },
    { code: 10, name: 'unexpected_message' },
    { code: 20, name: 'bad_record_mac' },
    { code: 21, name: 'decryption_failed' },
    { code: 22, name: 'record_overflow' },
    { code: 40, name: 'handshake_failure' },
    { code: 42, name: 'bad_certificate' },
    { code: 43, name: 'unsupported_certificate' },
    { code: 44, name: 'certificate_revoked' },
    { code: 45, name: 'certificate_expired' },
    { code: 46, name: 'certificate_unknown' },
    { code: 47, name: 'illegal_parameter' },
    { code: 48, name: 'unknown_ca' },
    { code: 49, name: 'access_denied' },
    { code: 50, name: 'decode_error' },
    { code: 51, name: 'decrypt_error' },
    { code: 70, name: 'protocol_version' },
    { code: 71, name: 'insufficient_security' },
    { code: 80, name: 'internal_error' },
    { code: 86, name: 'inappropriate_fallback' },
    { code: 90, name: 'user_canceled' },
    { code: 100, name: 'no_renegotiation' },
    { code: 109, name: 'missing_extension' },
    { code: 110, name: 'unsupported_extension' },
    { code: 112, name: 'unrecognized_name' },
    { code: 113, name: 'bad_certificate_status_response' },
    { code: 115, name: 'unknown_psk_identity' },
    { code: 116, name: 'certificate_required' },
    { code: 120, name: 'no_application_protocol' },
  ] as const,
  1,
);

export type AlertDescription = (typeof alertDescriptions.entries)[number]['name'];

/**
 * What servers answer an empty client Certificate with when they insist on one (RFC 8446 §4.4.2.4,
 * RFC 5246 §7.4.6; unknown_ca from servers that treat "none" like an untrusted one).
 */
export const noCertificateRefusals: readonly AlertDescription[] = ['certificate_required', 'handshake_failure', 'bad_certificate', 'access_denied', 'unknown_ca'];

export const alertLevels = new Registry(
  'AlertLevel',
  [
    { code: 1, name: 'warning' },
    { code: 2, name: 'fatal' },
  ] as const,
  1,
);

export type AlertLevel = 'warning' | 'fatal';
