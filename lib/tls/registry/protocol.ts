import { Registry } from './table';

// RFC 8446 §5.1 / RFC 5246 §6.2.1 — ContentType.
export const contentTypes = new Registry(
  'ContentType',
  [
    { code: 20, name: 'change_cipher_spec', meaning: 'switch to the negotiated keys (TLS 1.2); a compatibility no-op in TLS 1.3' },
    { code: 21, name: 'alert', meaning: 'a warning or error about the connection' },
    { code: 22, name: 'handshake', meaning: 'handshake messages' },
    { code: 23, name: 'application_data', meaning: 'protected data (in TLS 1.3 also every protected handshake message)' },
  ] as const,
  1,
);
export type ContentType = (typeof contentTypes.entries)[number]['name'];

// RFC 8446 §4 / RFC 5246 §7.4 — HandshakeType.
export const handshakeTypes = new Registry(
  'HandshakeType',
  [
    { code: 0, name: 'hello_request', meaning: 'the server asks the client to start a new handshake (TLS 1.2 renegotiation)' },
    { code: 1, name: 'client_hello', meaning: 'the client offers versions, cipher suites, key shares and extensions' },
    { code: 2, name: 'server_hello', meaning: 'the server picks the version, cipher suite and key exchange' },
    { code: 4, name: 'new_session_ticket', meaning: 'a ticket the client may use to resume later' },
    { code: 5, name: 'end_of_early_data', meaning: 'end of 0-RTT data' },
    { code: 8, name: 'encrypted_extensions', meaning: 'server extensions that need not be in the clear' },
    { code: 11, name: 'certificate', meaning: 'a certificate chain' },
    { code: 12, name: 'server_key_exchange', meaning: 'the server\u2019s ephemeral key-exchange parameters, signed (TLS 1.2)' },
    { code: 13, name: 'certificate_request', meaning: 'the server asks for a client certificate' },
    { code: 14, name: 'server_hello_done', meaning: 'the server has sent all its hello messages (TLS 1.2)' },
    { code: 15, name: 'certificate_verify', meaning: 'a signature over the handshake so far, proving possession of the private key' },
    { code: 16, name: 'client_key_exchange', meaning: 'the client\u2019s key-exchange value (TLS 1.2)' },
    { code: 20, name: 'finished', meaning: 'a MAC over the whole handshake: proves both sides saw the same messages' },
    { code: 24, name: 'key_update', meaning: 'the sender switches to the next generation of traffic keys' },
    { code: 254, name: 'message_hash', meaning: 'synthetic transcript entry replacing ClientHello1 after a HelloRetryRequest' },
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
    { code: 0, name: 'server_name', meaning: 'the host name the client wants (SNI), RFC 6066 §3' },
    { code: 1, name: 'max_fragment_length', meaning: 'a smaller maximum record size, RFC 6066 §4' },
    { code: 5, name: 'status_request', meaning: 'asks for a stapled OCSP response, RFC 6066 §8' },
    { code: 10, name: 'supported_groups', meaning: 'key-exchange groups the client supports, RFC 8446 §4.2.7' },
    { code: 11, name: 'ec_point_formats', meaning: 'EC point encodings (TLS 1.2), RFC 8422 §5.1.2' },
    { code: 13, name: 'signature_algorithms', meaning: 'signature schemes accepted in handshake signatures, RFC 8446 §4.2.3' },
    { code: 14, name: 'use_srtp', meaning: 'keys for SRTP media (DTLS), RFC 5764 §4.1.1' },
    { code: 15, name: 'heartbeat', meaning: 'TLS heartbeats, RFC 6520' },
    { code: 16, name: 'application_layer_protocol_negotiation', meaning: 'application protocols offered (ALPN), RFC 7301' },
    { code: 18, name: 'signed_certificate_timestamp', meaning: 'Certificate Transparency SCTs, RFC 6962' },
    { code: 19, name: 'client_certificate_type', meaning: 'certificate types the client can present (raw public keys), RFC 7250' },
    { code: 20, name: 'server_certificate_type', meaning: 'certificate types the client accepts from the server, RFC 7250' },
    { code: 21, name: 'padding', meaning: 'padding to work around buggy middleboxes, RFC 7685' },
    { code: 22, name: 'encrypt_then_mac', meaning: 'MAC over the CBC ciphertext instead of the plaintext, RFC 7366' },
    { code: 23, name: 'extended_master_secret', meaning: 'binds the master secret to the whole handshake, RFC 7627' },
    { code: 28, name: 'record_size_limit', meaning: 'the largest record the sender is willing to receive, RFC 8449' },
    { code: 35, name: 'session_ticket', meaning: 'stateless session resumption (TLS 1.2), RFC 5077' },
    { code: 41, name: 'pre_shared_key', meaning: 'PSK identities for resumption, RFC 8446 §4.2.11' },
    { code: 42, name: 'early_data', meaning: '0-RTT data, RFC 8446 §4.2.10' },
    { code: 43, name: 'supported_versions', meaning: 'TLS versions offered / selected, RFC 8446 §4.2.1' },
    { code: 44, name: 'cookie', meaning: 'a value the server asks the client to echo after HelloRetryRequest, RFC 8446 §4.2.2' },
    { code: 45, name: 'psk_key_exchange_modes', meaning: 'how PSKs may be used (psk_dhe_ke), RFC 8446 §4.2.9' },
    { code: 47, name: 'certificate_authorities', meaning: 'CAs the peer trusts, RFC 8446 §4.2.4' },
    { code: 49, name: 'post_handshake_auth', meaning: 'the client accepts a CertificateRequest after the handshake, RFC 8446 §4.2.6' },
    { code: 50, name: 'signature_algorithms_cert', meaning: 'signature schemes accepted in certificates, RFC 8446 §4.2.3' },
    { code: 51, name: 'key_share', meaning: 'ephemeral public keys for the key exchange, RFC 8446 §4.2.8' },
    { code: 65281, name: 'renegotiation_info', meaning: 'secure renegotiation: binds a renegotiation to the previous handshake, RFC 5746' },
  ] as const,
);
export type ExtensionType = (typeof extensionTypes.entries)[number]['name'];
