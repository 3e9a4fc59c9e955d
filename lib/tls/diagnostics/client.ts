/**
 * The client's sentences (lib/tls/client, lib/tls/http, lib/tls/keyschedule), in English (see
 * ./index.ts): a message out of order, a ServerHello or HelloRetryRequest that breaks RFC 8446 §4.1,
 * a resumption the client did not offer, a signature that does not verify, the server's own fatal
 * alert, and an HTTP response the client cannot read.
 */
export const clientSaid = {
  // The connection (connection.ts, client.ts): framing of handshake messages and records.
  internal: 'internal error: {error}',
  tooLarge: 'handshake message of {length} bytes is larger than this client accepts',
  unknownType: 'unknown handshake message type {type}',
  spansKeyChange: 'a handshake message spans a key change',
  beforeStart: 'handshake message before the handshake started',
  keysChangeMidRecord: "the server's {message} changes the keys, yet the same record goes on with its {next}",
  dataEarly: 'application data before the handshake finished',
  dataInterleaved: 'application data interleaved with a fragmented handshake message',
  unknownContentType: 'record of unknown content type {type}',
  ccsByte: 'change_cipher_spec record must hold the single byte 0x01',
  ccsMisplaced: 'the server sent a ChangeCipherSpec at a point of the handshake where none belongs',
  ccsBeforeServerHello: 'the server sent a ChangeCipherSpec before its ServerHello, and TLS 1.2 has no such message there',
  ccsEncrypted: 'the server sent a ChangeCipherSpec inside an encrypted record',
  ccsAfter13: 'change_cipher_spec after the TLS 1.3 handshake',
  alertLength: 'alert record of {length} bytes (an alert is exactly 2 bytes)',
  // The server ended the connection (client.ts).
  serverClosed: 'the server closed the connection during the handshake',
  serverAlert: 'the server sent a fatal {alert} alert',
  serverAlertNoCertificate: 'the server sent a fatal {alert} alert after the client sent no certificate: the server requires a client certificate',
  // The first flight and the ServerHello (hello.ts).
  noVersion: 'no TLS version enabled',
  noSuite: 'no cipher suite enabled for the enabled versions',
  expectedServerHello: 'expected ServerHello, got {type}',
  versionNotOffered: 'the server selected {version}, which was not offered in supported_versions',
  legacyVersion: 'TLS 1.3 ServerHello must carry legacy_version 0x0303 (RFC 8446 §4.1.3)',
  sessionIdEcho: 'legacy_session_id_echo does not echo the client\u2019s session id (RFC 8446 §4.1.3)',
  compression: 'legacy_compression_method must be 0',
  suiteNotOffered: 'the server chose cipher suite {suite}, which the client did not offer for TLS 1.3',
  secondRetry: 'a second HelloRetryRequest',
  retryGroupNotOffered: 'HelloRetryRequest asks for group {group}, which was not offered',
  retryGroupShared: 'HelloRetryRequest asks for {group}, for which a key share was already sent',
  retryNoChange: 'HelloRetryRequest that would not change the ClientHello',
  retrySuiteChanged: 'ServerHello cipher suite differs from the HelloRetryRequest\u2019s',
  // Resumption (resumption.ts, RFC 8446 §4.2.11).
  pskIdentity: 'the server selected PSK identity {selected}, but the client offered only identity 0',
  pskHash: "the server resumed with {suite}, whose hash is not the ticket's {hash}",
  pskMode: 'the server resumed in {mode} mode, which the client did not offer (psk_key_exchange_modes: {offered})',
  // The server's certificate and signatures (authentication.ts).
  certificateRejected: 'the server certificate was rejected ({alert})',
  leafKeyUnusable: 'the server\u2019s certificate key cannot check its {message} signature ({scheme}): {why}',
  badSignature: 'the server\u2019s {message} signature ({scheme}) does not verify with its certificate key',
  badSignatureWhy: 'the server\u2019s {message} signature ({scheme}) does not verify with its certificate key: {why}',
  // The HTTP/1.1 request (http/http1.ts, RFC 9112 §3): what the user asked for cannot be sent as is.
  httpMethod: 'invalid HTTP method "{method}"',
  httpTarget: 'invalid request target "{target}"',
  httpHeader: 'invalid header {name}',
  // The HTTP/1.1 response (http/http1.ts, RFC 9112).
  httpHeadTooLarge: 'response headers larger than 64 KiB',
  httpNotHttp: 'not an HTTP/1.x response (starts with "{start}")',
  httpStatusLine: 'malformed status line "{line}"',
  httpHeaderLine: 'malformed header line "{line}"',
  httpContentLength: 'invalid Content-Length "{value}"',
  httpChunkSize: 'malformed chunk size',
} as const;
