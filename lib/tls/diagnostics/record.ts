/**
 * The record layer's sentences (lib/tls/record), in English (see ./index.ts): a header that is not
 * TLS, a length over the limit, a record that does not authenticate.
 */
export const recordSaid = {
  plainHttp: 'the server answered in plain HTTP, not TLS ("{line}"): this port does not speak TLS',
  text: 'the server sent text, not a TLS record ("{line}"): this port does not speak TLS',
  notRecord: 'the server sent bytes that are not a TLS record (first byte {byte})',
  badVersion: 'record header has version {version}: {why}',
  tooLong: 'record length {length} exceeds the maximum of {max}',
  plaintextTooLong: 'plaintext record of {length} bytes exceeds 2^14',
  unprotected: 'unprotected {type} record after encryption started',
  empty: 'the server sent an empty {contentType} record',
} as const;
