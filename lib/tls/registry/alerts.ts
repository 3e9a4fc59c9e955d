import { Registry } from './table';

// RFC 8446 §6 and RFC 5246 §7.2 — TLS Alert Descriptions registry.
export const alertDescriptions = new Registry(
  'AlertDescription',
  [
    { code: 0, name: 'close_notify', meaning: 'the sender will send no more data on this connection' },
    { code: 10, name: 'unexpected_message', meaning: 'a message arrived that is not allowed at this point' },
    { code: 20, name: 'bad_record_mac', meaning: 'a record could not be authenticated (wrong key, tampering or corruption)' },
    { code: 21, name: 'decryption_failed', meaning: 'obsolete: a record could not be decrypted' },
    { code: 22, name: 'record_overflow', meaning: 'a record was longer than the protocol allows' },
    { code: 40, name: 'handshake_failure', meaning: 'the peer could not agree on acceptable security parameters' },
    { code: 42, name: 'bad_certificate', meaning: 'a certificate was corrupt or its signature did not verify' },
    { code: 43, name: 'unsupported_certificate', meaning: 'a certificate was of an unsupported type' },
    { code: 44, name: 'certificate_revoked', meaning: 'a certificate was revoked by its signer' },
    { code: 45, name: 'certificate_expired', meaning: 'a certificate has expired or is not yet valid' },
    { code: 46, name: 'certificate_unknown', meaning: 'a certificate was unacceptable for another reason' },
    { code: 47, name: 'illegal_parameter', meaning: 'a field was out of range or inconsistent with other fields' },
    { code: 48, name: 'unknown_ca', meaning: 'the certificate chain does not lead to a trusted root' },
    { code: 49, name: 'access_denied', meaning: 'valid certificate, but access was refused' },
    { code: 50, name: 'decode_error', meaning: 'a message could not be decoded: a field was out of range or a length was wrong' },
    { code: 51, name: 'decrypt_error', meaning: 'a handshake signature or Finished value did not verify' },
    { code: 70, name: 'protocol_version', meaning: 'the peer does not support any offered protocol version' },
    { code: 71, name: 'insufficient_security', meaning: 'the server requires stronger parameters than offered' },
    { code: 80, name: 'internal_error', meaning: 'an error unrelated to the peer or the protocol' },
    { code: 86, name: 'inappropriate_fallback', meaning: 'a fallback retry was detected' },
    { code: 90, name: 'user_canceled', meaning: 'the handshake was canceled for a reason unrelated to the protocol' },
    { code: 100, name: 'no_renegotiation', meaning: 'the sender refuses to renegotiate (RFC 5246 §7.2.2)' },
    { code: 109, name: 'missing_extension', meaning: 'a mandatory extension was not sent' },
    { code: 110, name: 'unsupported_extension', meaning: 'an extension was sent that was not offered or is not allowed here' },
    { code: 112, name: 'unrecognized_name', meaning: 'the server has no certificate for the requested name (SNI)' },
    { code: 113, name: 'bad_certificate_status_response', meaning: 'an invalid OCSP response was provided' },
    { code: 115, name: 'unknown_psk_identity', meaning: 'no acceptable PSK identity was offered' },
    { code: 116, name: 'certificate_required', meaning: 'a client certificate is required' },
    { code: 120, name: 'no_application_protocol', meaning: 'no offered ALPN protocol is supported by the server' },
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
    { code: 1, name: 'warning', meaning: 'the connection may continue' },
    { code: 2, name: 'fatal', meaning: 'the connection ends' },
  ] as const,
  1,
);

export type AlertLevel = 'warning' | 'fatal';
