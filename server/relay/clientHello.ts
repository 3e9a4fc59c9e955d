/**
 * The relay carries TLS only: the first client bytes must be one complete TLS record holding one
 * well-formed ClientHello, and nothing is forwarded to the target before it is (six bytes were not
 * enough: `16 03 01 00 40 01` followed by `GET / HTTP/1.1` passed). The checks follow the wire
 * format, not any one client's habits:
 *   RFC 8446 §5.1 TLSPlaintext: content_type = handshake (22), legacy_record_version 3.x,
 *     length ≤ 2^14;
 *   §4 Handshake: msg_type = client_hello (1), a 24-bit length that fills the record exactly;
 *   §4.1.2 ClientHello (and RFC 5246 §7.4.1.2): legacy_version 3.x, 32 bytes of random,
 *     session id ≤ 32 bytes, a non-empty even-length cipher suite list, 1–255 compression methods,
 *     and extensions (absent only in a pre-TLS-1.2 hello) that fill the message exactly.
 * A ClientHello larger than one record would have to be fragmented (§5.1 allows it); no client we
 * know of does that, so the relay refuses it rather than reassembling handshake messages.
 */

const RECORD_HEADER = 5;
const MAX_FRAGMENT = 16384;

export type ClientHelloVerdict =
  | { kind: 'ok'; /** bytes of the record: the check is over once these have arrived */ length: number }
  | { kind: 'need-more'; /** how many bytes the complete record has, once the header is known */ length?: number }
  | { kind: 'refused'; message: string };

/** Judges the first bytes a client sent (all of them so far). */
export function checkClientHello(bytes: Uint8Array): ClientHelloVerdict {
  if (bytes.length >= 1 && bytes[0] !== 22) {
    return refused(`the first byte is ${bytes[0]}, not 22 (a TLS handshake record); the relay only carries TLS`);
  }
  // RFC 8446 §5.1: legacy_record_version is 0x0301 for a first ClientHello, 0x0303 otherwise;
  // older clients send 0x0300–0x0303. Anything else is not TLS.
  if (bytes.length >= 2 && bytes[1] !== 3) return refused('the record version is not 3.x; the relay only carries TLS');
  if (bytes.length >= 3 && bytes[2] > 4) return refused(`the record version 3.${bytes[2]} is not a TLS version`);
  if (bytes.length < RECORD_HEADER) return { kind: 'need-more' };
  const length = (bytes[3] << 8) | bytes[4];
  if (length < 4 || length > MAX_FRAGMENT) return refused(`a record length of ${length} cannot hold a ClientHello`);
  if (bytes.length >= 6 && bytes[5] !== 1) return refused(`the first handshake message has type ${bytes[5]}, not client_hello (1)`);
  const total = RECORD_HEADER + length;
  if (bytes.length < total) return { kind: 'need-more', length: total };
  const problem = clientHelloProblem(bytes.subarray(RECORD_HEADER, total));
  return problem ? refused(problem) : { kind: 'ok', length: total };
}

function refused(message: string): ClientHelloVerdict {
  return { kind: 'refused', message };
}

/** Why the record's fragment is not exactly one ClientHello, or undefined when it is. */
function clientHelloProblem(fragment: Uint8Array): string | undefined {
  const bodyLength = (fragment[1] << 16) | (fragment[2] << 8) | fragment[3];
  if (bodyLength + 4 !== fragment.length) {
    return `the ClientHello says it is ${bodyLength} bytes but its record carries ${fragment.length - 4}`;
  }
  const body = fragment.subarray(4);
  let at = 0;
  const take = (n: number, what: string): Uint8Array | string => {
    if (at + n > body.length) return `the ClientHello ends inside its ${what}`;
    const field = body.subarray(at, at + n);
    at += n;
    return field;
  };
  const vector = (lengthBytes: 1 | 2, what: string): Uint8Array | string => {
    const header = take(lengthBytes, `${what} length`);
    if (typeof header === 'string') return header;
    return take(lengthBytes === 1 ? header[0] : (header[0] << 8) | header[1], what);
  };

  const version = take(2, 'legacy_version');
  if (typeof version === 'string') return version;
  if (version[0] !== 3) return `the ClientHello's legacy_version ${version[0]}.${version[1]} is not 3.x`;
  const random = take(32, 'random');
  if (typeof random === 'string') return random;
  const sessionId = vector(1, 'legacy_session_id');
  if (typeof sessionId === 'string') return sessionId;
  if (sessionId.length > 32) return `a session id of ${sessionId.length} bytes (at most 32)`;
  const suites = vector(2, 'cipher_suites');
  if (typeof suites === 'string') return suites;
  if (suites.length === 0 || suites.length % 2 !== 0) return `a cipher_suites list of ${suites.length} bytes (two per suite, at least one)`;
  const compression = vector(1, 'legacy_compression_methods');
  if (typeof compression === 'string') return compression;
  if (compression.length === 0) return 'an empty compression_methods list';
  if (at === body.length) return undefined; // RFC 5246 §7.4.1.2: extensions may be absent
  const extensions = vector(2, 'extensions');
  if (typeof extensions === 'string') return extensions;
  if (at !== body.length) return `${body.length - at} bytes follow the ClientHello's extensions`;
  for (let e = 0; e < extensions.length; ) {
    if (e + 4 > extensions.length) return 'the ClientHello ends inside an extension header';
    const size = (extensions[e + 2] << 8) | extensions[e + 3];
    e += 4 + size;
    if (e > extensions.length) return 'an extension runs past the end of the ClientHello';
  }
  return undefined;
}
