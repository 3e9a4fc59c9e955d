/**
 * Client personalities: how real TLS stacks react to a TLS 1.2 HelloRequest and to a TLS 1.3
 * post-handshake CertificateRequest. Modeled on documented default behaviour
 * (shared/design/RENEGOTIATION.md); refusing is always legal for a client (RFC 5246 §7.4.1.1).
 */
export type PersonalityName = 'rustls' | 'openssl' | 'schannel' | 'boringssl' | 'boringssl-ignore' | 'go';

export type HelloRequestReaction =
  /** Start a new (secure) handshake, encrypted under the current keys. */
  | 'renegotiate'
  /** Send a warning no_renegotiation alert and keep the connection open. */
  | 'refuse-warning'
  /** Send a fatal no_renegotiation alert and close. */
  | 'refuse-fatal'
  /** Drop the HelloRequest silently. */
  | 'ignore'
  /** Send a warning no_renegotiation, then treat the connection as unusable. */
  | 'refuse-warning-then-fail';

export interface Personality {
  name: PersonalityName;
  title: string;
  /** Which real software behaves like this. */
  stacks: string;
  onHelloRequest: HelloRequestReaction;
  /** Whether the real stack sends post_handshake_auth in its TLS 1.3 ClientHello by default. */
  offersPostHandshakeAuth: boolean;
  /** One sentence: what this client does when the server asks to renegotiate. */
  onHelloRequestText: string;
}

export const personalities: Record<PersonalityName, Personality> = {
  rustls: {
    name: 'rustls',
    title: 'rustls',
    stacks: 'rustls (reqwest with rustls-tls, hyper-rustls, many Rust tools)',
    onHelloRequest: 'refuse-warning',
    offersPostHandshakeAuth: false,
    onHelloRequestText: 'rustls never renegotiates: it answers a HelloRequest with a warning no_renegotiation alert and keeps reading (allowed by RFC 5246 §7.4.1.1).',
  },
  openssl: {
    name: 'openssl',
    title: 'OpenSSL',
    stacks: 'OpenSSL 1.1.1 / 3.x (curl, Node.js, Python, native-tls on Linux)',
    onHelloRequest: 'renegotiate',
    offersPostHandshakeAuth: false,
    onHelloRequestText: 'OpenSSL renegotiates when the server supports secure renegotiation (RFC 5746): it sends a new ClientHello encrypted under the current keys.',
  },
  schannel: {
    name: 'schannel',
    title: 'SChannel',
    stacks: 'Windows SChannel (.NET on Windows, curl with Schannel, Edge/IE)',
    onHelloRequest: 'renegotiate',
    offersPostHandshakeAuth: false,
    onHelloRequestText: 'SChannel renegotiates: it answers the HelloRequest with a new ClientHello.',
  },
  boringssl: {
    name: 'boringssl',
    title: 'BoringSSL',
    stacks: 'BoringSSL with ssl_renegotiate_never (its default; Chrome uses a different mode)',
    onHelloRequest: 'refuse-fatal',
    offersPostHandshakeAuth: false,
    onHelloRequestText: 'BoringSSL by default refuses with a fatal no_renegotiation alert, which ends the connection.',
  },
  'boringssl-ignore': {
    name: 'boringssl-ignore',
    title: 'BoringSSL (ignore)',
    stacks: 'BoringSSL with ssl_renegotiate_ignore',
    onHelloRequest: 'ignore',
    offersPostHandshakeAuth: false,
    onHelloRequestText: 'BoringSSL in ignore mode drops the HelloRequest and sends nothing; the server keeps waiting, so the request hangs until a timeout.',
  },
  go: {
    name: 'go',
    title: 'Go crypto/tls',
    stacks: 'Go crypto/tls with RenegotiateNever (the default)',
    onHelloRequest: 'refuse-warning-then-fail',
    offersPostHandshakeAuth: false,
    onHelloRequestText: 'Go refuses with a warning no_renegotiation alert and then fails the connection locally ("tls: no renegotiation").',
  },
};

export const personalityNames = Object.keys(personalities) as PersonalityName[];

export function isPersonalityName(name: string): name is PersonalityName {
  return Object.hasOwn(personalities, name);
}
