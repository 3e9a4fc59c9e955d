import { Registry } from './table';

// RFC 8446 §5.1 / RFC 5246 §6.2.1 — ContentType.
export const contentTypes = new Registry(
  'ContentType',
  [
    { code: 20, name: 'change_cipher_spec' },
    { code: 21, name: 'alert' },
    { code: 22, name: 'handshake' },
    { code: 23, name: 'application_data' },
  ] as const,
  1,
);
export type ContentType = (typeof contentTypes.entries)[number]['name'];

// RFC 8446 §4 / RFC 5246 §7.4 — HandshakeType.
export const handshakeTypes = new Registry(
  'HandshakeType',
  [
    { code: 0, name: 'hello_request' },
    { code: 1, name: 'client_hello' },
    { code: 2, name: 'server_hello' },
    { code: 4, name: 'new_session_ticket' },
    { code: 5, name: 'end_of_early_data' },
    { code: 8, name: 'encrypted_extensions' },
    { code: 11, name: 'certificate' },
    { code: 12, name: 'server_key_exchange' },
    { code: 13, name: 'certificate_request' },
    { code: 14, name: 'server_hello_done' },
    { code: 15, name: 'certificate_verify' },
    { code: 16, name: 'client_key_exchange' },
    { code: 20, name: 'finished' },
    { code: 24, name: 'key_update' },
    { code: 254, name: 'message_hash' },
  ] as const,
  1,
);
export type HandshakeType = (typeof handshakeTypes.entries)[number]['name'];

export const protocolVersions = new Registry(
  'ProtocolVersion',
  [
    { code: 0x0300, name: 'SSLv3' },
    { code: 0x0301, name: 'TLSv1.0' },
    { code: 0x0302, name: 'TLSv1.1' },
    { code: 0x0303, name: 'TLSv1.2' },
    { code: 0x0304, name: 'TLSv1.3' },
  ] as const,
);
export type ProtocolVersion = (typeof protocolVersions.entries)[number]['name'];

// IANA TLS ExtensionType Values.
export const extensionTypes = new Registry(
  'ExtensionType',
  [
    { code: 0, name: 'server_name' },
    { code: 1, name: 'max_fragment_length' },
    { code: 5, name: 'status_request' },
    { code: 10, name: 'supported_groups' },
    { code: 11, name: 'ec_point_formats' },
    { code: 13, name: 'signature_algorithms' },
    { code: 14, name: 'use_srtp' },
    { code: 15, name: 'heartbeat' },
    { code: 16, name: 'application_layer_protocol_negotiation' },
    { code: 18, name: 'signed_certificate_timestamp' },
    { code: 19, name: 'client_certificate_type' },
    { code: 20, name: 'server_certificate_type' },
    { code: 21, name: 'padding' },
    { code: 22, name: 'encrypt_then_mac' },
    { code: 23, name: 'extended_master_secret' },
    { code: 28, name: 'record_size_limit' },
    { code: 35, name: 'session_ticket' },
    { code: 41, name: 'pre_shared_key' },
    { code: 42, name: 'early_data' },
    { code: 43, name: 'supported_versions' },
    { code: 44, name: 'cookie' },
    { code: 45, name: 'psk_key_exchange_modes' },
    { code: 47, name: 'certificate_authorities' },
    { code: 49, name: 'post_handshake_auth' },
    { code: 50, name: 'signature_algorithms_cert' },
    { code: 51, name: 'key_share' },
    { code: 65281, name: 'renegotiation_info' },
  ] as const,
);
export type ExtensionType = (typeof extensionTypes.entries)[number]['name'];
