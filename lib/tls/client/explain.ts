import type { HandshakeType } from '../registry/protocol';
import type { TlsVersionName } from './options';

/** Plain-words explanations of each handshake message, shown with its step. */
const TEXT: Partial<Record<HandshakeType, (version?: TlsVersionName) => string>> = {
  client_hello: () =>
    'The client opens the handshake: it says which TLS versions, cipher suites, key-exchange groups and signature schemes it supports, sends a fresh random value, the server name it wants (SNI) and, for TLS 1.3, its ephemeral public keys (key_share) so the key exchange finishes in one round trip.',
  server_hello: (v) =>
    v === 'TLSv1.2'
      ? 'The server picks TLS 1.2 and a cipher suite and sends its random value. The key exchange follows in ServerKeyExchange (ECDHE) or ClientKeyExchange (static RSA).'
      : 'The server picks the version and cipher suite and sends its own ephemeral public key. Both sides can now compute the shared secret; everything after this message is encrypted.',
  encrypted_extensions: () =>
    'The first encrypted message: server extensions that do not affect the key exchange, such as the chosen application protocol (ALPN).',
  certificate: () =>
    'The server\u2019s certificate chain: its own certificate first, then the intermediates that link it to a root the client trusts.',
  certificate_verify: () =>
    'A signature, with the private key of the server\u2019s certificate, over the hash of the handshake so far. It proves the server owns the certificate and that nobody tampered with the earlier messages.',
  finished: () =>
    'A MAC over the entire handshake, keyed from the handshake secrets. When both sides\u2019 Finished values verify, they know they saw exactly the same messages.',
  new_session_ticket: () =>
    'A ticket the client could present later to resume the session without a full handshake. This client shows it but does not resume.',
  key_update: () => 'The sender switches to the next generation of traffic keys (RFC 8446 §4.6.3).',
  certificate_request: (v) =>
    v === 'TLSv1.2'
      ? 'The server asks the client for a certificate. The client answers with its certificate and a CertificateVerify signature, or with an empty Certificate message if it has none.'
      : 'The server asks the client to authenticate with a certificate (during the handshake, or after it when post_handshake_auth was offered).',
  server_key_exchange: () =>
    'The server\u2019s ephemeral ECDHE public key, signed with its certificate key over both random values, so an attacker cannot substitute its own key.',
  server_hello_done: () => 'The server has sent all its hello messages; it is the client\u2019s turn.',
  client_key_exchange: () =>
    'The client\u2019s half of the key exchange: its ephemeral ECDHE public key, or for static RSA a random pre-master secret encrypted with the server\u2019s RSA key.',
  hello_request: () =>
    'The server asks the client to start a new handshake (renegotiation). It carries no data. Servers such as IIS send it when a request needs a client certificate that the first handshake did not ask for. The client may renegotiate, or refuse with a no_renegotiation alert (RFC 5246 §7.4.1.1).',
};

export function explainMessage(type: HandshakeType, from: 'client' | 'server', version?: TlsVersionName): string | undefined {
  const text = TEXT[type]?.(version);
  if (!text) return undefined;
  if (type === 'certificate' && from === 'client') return 'The client\u2019s certificate chain, sent because the server asked for it (empty when the client has none).';
  if (type === 'certificate_verify' && from === 'client') return 'The client\u2019s signature over the handshake, proving it owns the certificate it sent.';
  if (type === 'finished' && from === 'client') return 'The client\u2019s Finished: a MAC over the whole handshake. After it, application data flows under the new keys.';
  return text;
}
