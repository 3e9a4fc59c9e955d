/**
 * The record layer's sentences (lib/tls/record), in English (see ./index.ts): a header that is not
 * TLS, a length over the limit, a record that does not authenticate (naming the keys it was read
 * under, nested: `serverHandshakeKeys`…).
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
  sequenceWraps: 'record sequence number would wrap',
  noRoomForTag: 'protected record too short to hold a tag',
  noRoomForNonce: 'protected record too short for its nonce and tag',
  protectedTooLong: 'protected record of {length} bytes exceeds 2^14 + 256',
  allPadding: 'protected record with no non-zero content type (all padding)',
  notAuthentic: 'record {seq} did not authenticate under the {keys} (wrong key, or the bytes were altered)',
  badMac: 'record {seq} failed its integrity check under the {keys}',
  serverHandshakeKeys: 'server handshake traffic keys',
  serverApplicationKeys: 'server application traffic keys',
  serverUpdatedKeys: 'server application traffic keys #{n}',
  serverWriteKeys: 'server write keys',
  serverRenegotiatedKeys: 'server write keys (renegotiated)',
} as const;
