/**
 * The TLS 1.2 handshake's sentences (lib/tls/client/tls12.ts), in English (see ./index.ts): a
 * ServerHello that chose what was not offered, a flight out of order, a renegotiation that breaks
 * RFC 5746, a resumption that changes the session. The sentences both versions say (an unexpected
 * message, a Finished that does not match) live here and TLS 1.3 uses them too.
 */
export const tls12Said = {
  onlyTls13: 'the server chose {version}, but only TLS 1.3 was offered',
  unsupportedVersion: 'the server chose {version}, which this client does not support (TLS 1.2 or 1.3 only)',
  version: 'version {code}',
  downgrade: 'downgrade detected: the ServerHello random carries the TLS 1.3 downgrade sentinel (RFC 8446 §4.1.3)',
  initialRenegotiationInfo: 'renegotiation_info must be empty in an initial handshake (RFC 5746 §3.4)',
  suiteNotOffered: 'the server chose cipher suite {suite}, which the client did not offer for TLS 1.2',
  compression: 'compression method must be null',
  alpnNotOffered: 'the server chose ALPN "{protocol}", which was not offered',
  supportedVersions: 'supported_versions in a TLS 1.2 ServerHello',
  encryptThenMac: 'encrypt_then_mac echoed for a non-CBC cipher suite (RFC 7366 §3)',
  expected: 'expected {expected}, got {got}',
  emptyCertificate: 'the server sent an empty Certificate message',
  certificateChanged: 'the server presented a different certificate in the renegotiation (refused: triple handshake defence)',
  groupNotOffered: 'ServerKeyExchange uses group {group}, which was not offered',
  schemeNotOffered: 'ServerKeyExchange signed with {scheme}, which was not offered',
  schemeMismatch: '{scheme} does not match the {keyExchange} key exchange',
  badPublicKey: 'the server’s {group} public key is invalid: {error}',
  finishedMismatch: 'the server’s Finished does not match the handshake transcript',
  unexpectedAfter: 'unexpected {type} after the {version} handshake',
  refusesRenegotiation: '{client} refuses renegotiation with a fatal alert',
  renegotiationVersion: 'the renegotiation must stay on TLS 1.2',
  renegotiationInfo: 'the server’s renegotiation_info does not carry client_verify_data ‖ server_verify_data (RFC 5746 §3.5)',
  resumedSuite: 'the server resumed the session with {suite}, not its cipher suite {sessionSuite}',
  resumedWithoutEms: 'the server resumed a session made with extended_master_secret without it',
  resumedWithEms: 'the server resumed a session made without extended_master_secret, yet answers with it',
} as const;
