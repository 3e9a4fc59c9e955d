/**
 * The relay carries TLS only: the first client bytes must be the header of a TLS record holding
 * a ClientHello. Six bytes are enough to tell (RFC 8446 §5.1 TLSPlaintext, §4 Handshake):
 *   content_type = handshake (22), legacy_record_version = 0x03 0x0?, length (2 bytes),
 *   then the first byte of the handshake message: msg_type = client_hello (1).
 */

export const CLIENT_HELLO_PREFIX_LENGTH = 6;

export type ClientHelloVerdict = { kind: 'ok' } | { kind: 'need-more' } | { kind: 'refused'; message: string };

/** Judges the first bytes a client sent (all of them so far, or at least the first six). */
export function checkClientHelloPrefix(bytes: Uint8Array): ClientHelloVerdict {
  if (bytes.length >= 1 && bytes[0] !== 22) {
    return { kind: 'refused', message: `the first byte is ${bytes[0]}, not 22 (a TLS handshake record); the relay only carries TLS` };
  }
  // RFC 8446 §5.1: legacy_record_version is 0x0301 for a first ClientHello, 0x0303 otherwise;
  // older clients send 0x0300–0x0303. Anything else is not TLS.
  if (bytes.length >= 2 && bytes[1] !== 3) return { kind: 'refused', message: 'the record version is not 3.x; the relay only carries TLS' };
  if (bytes.length >= 3 && bytes[2] > 4) return { kind: 'refused', message: `the record version 3.${bytes[2]} is not a TLS version` };
  if (bytes.length >= 5) {
    const length = (bytes[3] << 8) | bytes[4];
    // RFC 8446 §5.1: a plaintext fragment is at most 2^14 bytes; a handshake header is 4.
    if (length < 4 || length > 16384) return { kind: 'refused', message: `a record length of ${length} cannot hold a ClientHello` };
  }
  if (bytes.length >= 6 && bytes[5] !== 1) {
    return { kind: 'refused', message: `the first handshake message has type ${bytes[5]}, not client_hello (1)` };
  }
  return bytes.length >= CLIENT_HELLO_PREFIX_LENGTH ? { kind: 'ok' } : { kind: 'need-more' };
}
