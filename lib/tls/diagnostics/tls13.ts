/**
 * The TLS 1.3 handshake's sentences (lib/tls/client/tls13.ts), in English (see ./index.ts): a key
 * share the client did not send, a certificate context or a CertificateVerify scheme RFC 8446
 * forbids, early data or post-handshake authentication nobody asked for. The sentences TLS 1.2
 * says too (an unexpected message, ALPN, Finished) are in ./tls12.ts.
 */
export const tls13Said = {
  noKeyShare: 'TLS 1.3 ServerHello without key_share, and no PSK accepted: there is nothing to key the connection with',
  shareNotSent: 'the server answered with a key share for {group}, for which the client sent none',
  badKeyShare: 'the server’s {group} key share is invalid: {error}',
  earlyDataWithoutPsk: 'the server accepted the early data but not the ticket it was sent under',
  requestContext: 'the server’s CertificateRequest during the handshake carries a non-empty certificate_request_context',
  certificateContext: 'server Certificate with a non-empty certificate_request_context',
  emptyCertificate: 'the server sent an empty Certificate message (RFC 8446 §4.4.2.4)',
  schemeNotOffered: 'CertificateVerify uses {scheme}, which was not offered',
  schemeNotAllowed: '{scheme} is not allowed in a TLS 1.3 CertificateVerify',
  schemeNotKey: 'CertificateVerify uses {scheme}, but the certificate key is {key}',
  postHandshakeAuth: 'the server sent a post-handshake CertificateRequest, but this client did not offer post_handshake_auth',
  postHandshakeContext: 'post-handshake CertificateRequest with an empty context (RFC 8446 §4.3.2)',
} as const;
