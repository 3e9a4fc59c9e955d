/**
 * The built-in demo targets, as data. No Node imports: the browser UI and the CLI import this file.
 * The running servers (server/demo/start.ts) implement exactly what is described here.
 */

export interface DemoPath {
  path: string;
  note: string;
}

export interface DemoTarget {
  /** Stable identifier; the target's alias is `<name>.test`. */
  name: string;
  /**
   * The name a client asks for: the alias `<name>.test` — the reserved .test TLD (RFC 6761 §6.2)
   * never resolves on the internet — or a name one label under it, which reaches the same server
   * (the wildcard target: its certificate names only *.wildcard.test).
   */
  host: string;
  title: string;
  /** One line. */
  description: string;
  /** A paragraph teaching what this target shows. */
  scenario: string;
  paths: DemoPath[];
  /** What each kind of client sees, in short sentences. */
  expected: string;
}

/** The path prefix that needs a client certificate on the targets that ask for one. */
export const PROTECTED_PATH_PREFIX = '/secure';

/** A path whose answer is too large for one TLS record: it arrives in several (RFC 8446 §5.1). */
export const LARGE_BODY_PATH = '/large';
/** 64 KiB: four records' worth of plaintext at 2^14 bytes each, plus the headers in a fifth. */
export const LARGE_BODY_BYTES = 65536;

/** IIS's default uploadReadAheadSize: the request body it buffers while it renegotiates. */
export const UPLOAD_READ_AHEAD_BYTES = 49152;

const target = (t: Omit<DemoTarget, 'host'> & { host?: string }): DemoTarget => ({ ...t, host: t.host ?? `${t.name}.test` });

export const demoTargets: DemoTarget[] = [
  target({
    name: 'iis-renegotiation',
    title: 'IIS asks for a client certificate by renegotiation',
    description: 'TLS 1.2 only; a request under /secure/ triggers a HelloRequest; refusing it resets the TCP connection.',
    scenario:
      'This reproduces IIS 10 / http.sys with a per-path ("conditional") client certificate. The initial TLS 1.2 ' +
      'handshake (ECDHE-RSA with AES-GCM) has no CertificateRequest, because the server does not yet know which ' +
      'path will be asked for. When the HTTP request for a path under /secure/ arrives, the server buffers the request ' +
      'body (at most 48 KB, IIS uploadReadAheadSize; more gets 413) and sends an encrypted HelloRequest (RFC 5246 ' +
      '§7.4.1.1), asking the client for a complete new handshake — this time with a CertificateRequest, and without ' +
      'session resumption. A client that renegotiates (OpenSSL, SChannel, Node) sends its certificate and gets 200, ' +
      'or 403.7 if it has none. A client that refuses (rustls, Go, BoringSSL) answers with a no_renegotiation alert, ' +
      'which is legal, but http.sys treats it as fatal and aborts the TCP connection with a reset (RST) instead of ' +
      'answering: the client reports "connection reset by peer". Paths outside /secure/ never renegotiate.',
    paths: [
      { path: '/', note: 'No client certificate needed: 200 without renegotiation.' },
      { path: '/secure/', note: 'Triggers renegotiation with a CertificateRequest; 200 with the demo client certificate, 403.7 without.' },
      { path: '/secure/upload', note: 'POST a body: up to 48 KB (49152 bytes) is buffered during renegotiation; larger bodies get 413.' },
    ],
    expected:
      'OpenSSL / SChannel: renegotiate, then 200 with the demo client certificate or 403.7 without one. ' +
      'rustls and Go: warning no_renegotiation, then connection reset by peer. BoringSSL: fatal no_renegotiation, then reset. ' +
      'BoringSSL ignore: nothing is sent and the request hangs until the server gives up.',
  }),
  target({
    name: 'iis-fixed',
    title: 'The same site with the certificate requested up front',
    description: 'TLS 1.2 only; the CertificateRequest is in the initial handshake (netsh clientcertnegotiation=enable).',
    scenario:
      'The fix for the renegotiation failure: the server asks for a client certificate in the initial handshake, ' +
      'the way http.sys does when the SSL binding has "Negotiate Client Certificate: Enabled" (netsh http add sslcert … ' +
      'clientcertnegotiation=enable). Every client answers the CertificateRequest during the normal handshake, so no ' +
      'renegotiation is ever needed and clients that never renegotiate (rustls, Go, BoringSSL) succeed. The certificate ' +
      'stays optional at the TLS level; the application decides per path (403.7 under /secure/ without one).',
    paths: [
      { path: '/', note: '200 with or without a client certificate.' },
      { path: '/secure/', note: '200 with the demo client certificate, 403.7 without one; never renegotiates.' },
    ],
    expected:
      'Every personality: the certificate (or an empty Certificate message) is sent in the initial handshake; ' +
      '200 with the demo client certificate, 403.7 without one, under /secure/.',
  }),
  target({
    name: 'tls13',
    title: 'TLS 1.3 only',
    description: 'A plain TLS 1.3 server (ECDSA P-256 certificate): the handshake as it should be.',
    scenario:
      'A server that only speaks TLS 1.3 (RFC 8446). A client that offers only TLS 1.2 gets a protocol_version alert. ' +
      'Renegotiation does not exist in TLS 1.3; this target is the baseline to compare the other handshakes with: one ' +
      'round trip, everything after the ServerHello encrypted.',
    paths: [
      { path: '/', note: '200.' },
      {
        path: LARGE_BODY_PATH,
        note: `200 with a ${LARGE_BODY_BYTES / 1024} KiB body, more than one record can carry (2^14 bytes of plaintext at most, RFC 8446 §5.1): the response arrives in several records.`,
      },
    ],
    expected: 'Every personality: TLS 1.3 handshake and 200. A TLS 1.2-only client: protocol_version alert.',
  }),
  target({
    name: 'tls13-pha',
    title: 'TLS 1.3 post-handshake client authentication',
    description: 'TLS 1.3 only; /secure/ asks for a client certificate after the handshake, if the client offered post_handshake_auth.',
    scenario:
      'TLS 1.3 replaced renegotiation with post-handshake authentication (RFC 8446 §4.6.2): after the handshake the ' +
      'server may send a CertificateRequest, but only to a client that sent the empty post_handshake_auth extension ' +
      '(§4.2.6) in its ClientHello. The client answers with Certificate, CertificateVerify (if it has a certificate) ' +
      'and Finished. Many clients (rustls, BoringSSL/Chrome, Go) never offer it; like Apache, this server then ' +
      'answers 403 instead of asking. This target runs on Python\'s ssl module (OpenSSL), because Node\'s tls has no ' +
      'API for post-handshake authentication.',
    paths: [
      { path: '/', note: '200, no client certificate needed.' },
      { path: '/secure/', note: 'Post-handshake CertificateRequest if post_handshake_auth was offered: 200 with the demo client certificate, 403.7 with an empty Certificate; 403 if post_handshake_auth was not offered.' },
    ],
    expected:
      'Clients that offer post_handshake_auth (OpenSSL-based clients that enable it: curl, Python ssl, openssl s_client -enable_pha): ' +
      'CertificateRequest after the request, then 200 with the demo client certificate, 403.7 with an empty Certificate. ' +
      'Clients that do not offer it (rustls, BoringSSL, Go, Node): 403 without any CertificateRequest.',
  }),
  target({
    name: 'tls13-0rtt',
    title: 'TLS 1.3 resumption with 0-RTT early data',
    description: 'TLS 1.3 only (nginx): tickets that allow early data, and a request sent as 0-RTT is answered before the handshake completes.',
    scenario:
      'A resumed connection may send its request with the ClientHello, under keys from the ticket\'s PSK (RFC 8446 §2.3), ' +
      'and save a round trip. This target is nginx with ssl_early_data on: its tickets allow up to 16384 bytes of early ' +
      'data, and it answers a request that arrived as early data at once. The answer says how the request arrived. Early ' +
      'data can be replayed by anyone who recorded it, so a server should take it only for requests that are safe to ' +
      'repeat: /transfer stands for one that is not, and answers 425 Too Early when it arrives as early data (RFC 8470 §5.2). ' +
      'Run it with the Resume and 0-RTT options. Needs nginx on the machine (not started without it).',
    paths: [
      { path: '/', note: '200; the body says whether the request came as 0-RTT early data.' },
      { path: '/transfer', note: '425 Too Early when the request came as early data (RFC 8470); 200 after the handshake.' },
    ],
    expected: 'A resumed run with 0-RTT: pre_shared_key taken, early_data in EncryptedExtensions, EndOfEarlyData, 200. Without the options: a full TLS 1.3 handshake with tickets, 200.',
  }),
  target({
    name: 'tls13-no-0rtt',
    title: 'TLS 1.3: the ticket is taken, the early data is not',
    description: 'TLS 1.3 only (openssl s_server): tickets say early data is allowed, but the server never reads it; the request must be sent again.',
    scenario:
      'A ticket\'s max_early_data_size only says the client may try. This target is openssl s_server with -max_early_data ' +
      'and without -early_data: it resumes the session, but skips the 0-RTT records and leaves early_data out of its ' +
      'EncryptedExtensions (RFC 8446 §4.2.10). The client must notice and send its request again after the handshake. ' +
      'Answers every GET with s_server\'s status page. Serves one connection at a time.',
    paths: [{ path: '/', note: "200 with s_server's status page (HTTP/1.0)." }],
    expected: 'A resumed run with 0-RTT: the ticket taken, early data rejected, the request sent again, 200.',
  }),
  target({
    name: 'tls13-no-resume',
    title: 'TLS 1.3: tickets issued, never taken back',
    description: 'TLS 1.3 only: the server sends tickets but changes its ticket key after every handshake, so a resumption always falls back to a full handshake.',
    scenario:
      'Like a farm of servers that do not share their ticket keys, or one restarted between two visits: each ticket is ' +
      'encrypted under a key the server forgets after the connection. A client that offers it gets a ServerHello without ' +
      'pre_shared_key and a full handshake, certificate and all (RFC 8446 §4.2.11); any early data it sent is lost and the ' +
      'request is sent again.',
    paths: [{ path: '/', note: '200.' }],
    expected: 'A resumed run: the ticket offered, refused, a full handshake, 200. With 0-RTT: the early data rejected too.',
  }),
  target({
    name: 'legacy-tls12',
    title: 'Legacy TLS 1.2: static RSA key exchange and CBC',
    description: 'TLS 1.2 only, RSA key transport (no forward secrecy) with AES-CBC and HMAC suites.',
    scenario:
      'Still found on old IIS and appliances: the client encrypts the premaster secret to the server\'s RSA key ' +
      '(RFC 5246 §7.4.7.1) instead of agreeing on one by (EC)DHE, so whoever later obtains the server\'s private key ' +
      'can decrypt every recorded session — there is no forward secrecy. Records use AES-CBC with HMAC, ' +
      'MAC-then-encrypt unless both sides agree on encrypt_then_mac (RFC 7366), the construction behind padding-oracle ' +
      'attacks such as Lucky Thirteen. Offered suites: AES128-SHA256, AES256-SHA256, AES128-SHA, AES256-SHA (server order).',
    paths: [{ path: '/', note: '200.' }],
    expected:
      'Clients that offer TLS_RSA_WITH_AES_*_CBC_* suites: static RSA handshake and 200. ' +
      'Clients that offer only ECDHE or only TLS 1.3: handshake_failure or protocol_version alert.',
  }),
  target({
    name: 'wildcard',
    host: 'www.wildcard.test',
    title: 'Wildcard certificate',
    description: 'The certificate names only *.wildcard.test; the client asks for www.wildcard.test.',
    scenario:
      'A wildcard certificate covers every name one label below it: *.wildcard.test is valid for www.wildcard.test ' +
      'and api.wildcard.test, but neither for wildcard.test itself nor for a.b.wildcard.test (RFC 6125 §6.4.3; the ' +
      'wildcard is the whole left-most label and stands for exactly one). A wildcard directly over a public suffix ' +
      '(*.com, *.co.uk) would cover every domain registered under it, so clients refuse it; to tell, they consult the ' +
      'Public Suffix List. The playground loads that list only for a certificate with a wildcard name, as here.',
    paths: [{ path: '/', note: '200: the wildcard matches the one label www.' }],
    expected: 'Validating clients: the host name matches the subjectAltName wildcard *.wildcard.test; TLS 1.3 handshake and 200.',
  }),
  target({
    name: 'expired',
    title: 'Expired certificate',
    description: 'The server certificate was valid from 2023-01-01 to 2024-01-01.',
    scenario:
      'The certificate chain is otherwise perfect (issued by the demo intermediate, which the server sends), but the ' +
      'leaf\'s notAfter is in the past (RFC 5280 §4.1.2.5). A validating client stops with a certificate_expired ' +
      '(or bad_certificate) alert before sending any request.',
    paths: [{ path: '/', note: '200 only for a client that skips the certificate check.' }],
    expected: 'Validating clients: certificate expired (Node: CERT_HAS_EXPIRED), alert certificate_expired. Non-validating: 200.',
  }),
  target({
    name: 'wrong-host',
    title: 'Certificate for another host name',
    description: 'The certificate names only other-host.test, not wrong-host.test.',
    scenario:
      'The chain is valid and trusted, but the host name the client asked for is not among the certificate\'s ' +
      'subjectAltName dNSName entries (RFC 6125 §6.4; the subject CN is not consulted when SANs exist). The client must ' +
      'refuse: otherwise any valid certificate for any name would do, and a man in the middle could use his own.',
    paths: [{ path: '/', note: '200 only for a client that skips the host name check.' }],
    expected: 'Validating clients: host name mismatch (Node: ERR_TLS_CERT_ALTNAME_INVALID), alert certificate_unknown (what this engine and OpenSSL send for a name mismatch). Non-validating: 200.',
  }),
  target({
    name: 'self-signed',
    title: 'Self-signed certificate',
    description: 'The server certificate is signed by its own key and chains to no trusted root.',
    scenario:
      'The leaf certificate is its own issuer. Anyone can make such a certificate for any name, so it proves nothing ' +
      'unless the client was told in advance to trust exactly this certificate (pinning).',
    paths: [{ path: '/', note: '200 only for a client that skips the certificate check.' }],
    expected: 'Validating clients: self-signed certificate (Node: DEPTH_ZERO_SELF_SIGNED_CERT), alert unknown_ca or bad_certificate.',
  }),
  target({
    name: 'untrusted-root',
    title: 'Certificate from an unknown CA',
    description: 'The chain ends in a root CA that no trust store contains (the server even sends it).',
    scenario:
      'The server sends its leaf and the root that issued it, but that root is not in the client\'s trust store, so ' +
      'the chain proves nothing: a root is trusted because it is in the store, never because the server sent it. ' +
      'Typical of private corporate CAs.',
    paths: [{ path: '/', note: '200 only for a client that skips the certificate check.' }],
    expected: 'Validating clients: self-signed certificate in chain (Node: SELF_SIGNED_CERT_IN_CHAIN), alert unknown_ca.',
  }),
  target({
    name: 'incomplete-chain',
    title: 'Incomplete chain: the intermediate is missing',
    description: 'The server sends only its leaf; the intermediate CA that signed it is not sent.',
    scenario:
      'A common misconfiguration: the server certificate was issued by an intermediate CA, but the server sends only ' +
      'its own certificate (RFC 8446 §4.4.2 / RFC 5246 §7.4.2 expect the chain up to, optionally excluding, the root). ' +
      'Browsers sometimes hide the mistake by fetching the intermediate (AIA) or remembering it from other sites; most ' +
      'other clients fail.',
    paths: [{ path: '/', note: '200 only for clients that already have the intermediate or skip the check.' }],
    expected: 'Validating clients: unable to verify the first certificate (Node: UNABLE_TO_VERIFY_LEAF_SIGNATURE), alert unknown_ca.',
  }),
];

export function findDemoTarget(nameOrHost: string): DemoTarget | undefined {
  const key = nameOrHost.toLowerCase().replace(/\.$/, '');
  return demoTargets.find((t) => t.name === key || t.host === key);
}
