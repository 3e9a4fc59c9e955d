/**
 * The sentences of the wire codecs (lib/tls/wire, lib/tls/handshake), in English (see ./index.ts):
 * a message whose bytes do not add up, a DER encoding that is not DER, a handshake message or
 * extension whose value the RFC does not allow. A place in a message is a value of its own
 * (`at` / `in`): the message's name and the field's dotted path, as the hex view names them.
 */
export const wireSaid = {
  // Where in a message: "ServerHello.extensions.key_share", or the message itself.
  at: '{message}.{field}',
  in: '{message}',

  // The Reader (lib/tls/wire/reader.ts): lengths that do not add up.
  short: '{at}: needs {needed} bytes but only {remaining} remain',
  overrun: '{at}: length {length} exceeds the {remaining} bytes that remain',
  leftOver: '{at}: {count} bytes left over after {length}',
  outside: '{at}: length {length} outside {min}..{max}',
  under: '{at}: length {length} is below the minimum of {min}',
  truncated: '{at}: truncated',
  trailing: '{at}: {count} unexpected trailing bytes',

  // The Writer (lib/tls/wire/writer.ts): a value of ours too large for its field.
  notFit: '{field}: {value} does not fit in {width} bytes',
  vectorTooLong: '{field}: {length} bytes do not fit {width} bytes',

  // DER (lib/tls/wire/der.ts, X.690 §10): what is wrong with one encoding.
  tag: 'tag {tag}',
  ended: 'missing (expected {tag} but the structure ended)',
  endedValue: 'missing (expected a value but the structure ended)',
  highTag: 'high tag numbers are not used in X.509 or key encodings',
  wrongTag: 'expected {expected} but found {found}',
  noLength: 'the length octet is missing',
  indefinite: 'indefinite length is BER, not DER (X.690 §10.1)',
  longLength: 'a {octets}-byte length is not plausible',
  lengthPastEnd: 'the length octets run past the end',
  leadingZero: 'non-minimal length: it has a leading zero octet (X.690 §10.1)',
  shortForm: 'non-minimal length: {length} must use the short form (X.690 §10.1)',
  derOverrun: 'length {length} exceeds the {remaining} bytes that remain',
  derTrailing: '{count} unexpected bytes after the last field (DER allows no trailing bytes)',
  bigVersion: 'the INTEGER is {value}, larger than any version this structure has',
  keyBits: 'a BIT STRING with {bits} unused bits, where a key is a whole number of bytes',
  emptyOid: 'empty OBJECT IDENTIFIER',
  oidPadding: 'OBJECT IDENTIFIER with a non-minimal subidentifier (a leading 0x80 octet)',
  oidTruncated: 'truncated OBJECT IDENTIFIER',
  emptyInteger: 'empty INTEGER',
  integerPadding: 'non-minimal INTEGER encoding, which DER forbids',
  negative: 'negative INTEGER where a non-negative one is expected',
  notSmall: 'expected a small non-negative INTEGER',
  boolean: 'a BOOLEAN is one octet, 0x00 or 0xFF',
  nullContents: 'a NULL with contents',
  unusedBits: 'bad BIT STRING unused-bits octet',

  // Handshake messages and extensions (lib/tls/handshake).
  unknownMessage: 'unknown handshake message type {type}',
  unknownExtension: 'unknown extension {code}',
  twice: 'the {extension} extension appears twice (RFC 8446 §4.2)',
  unknownVersion: 'supported_versions selects an unknown version ({version})',
  alpnNone: "the server's ALPN answer lists no protocol; it must name exactly the one it selected",
  alpnMany: "the server's ALPN answer lists {count} protocols ({names}); it must name exactly the one it selected",
  emptyCertificate: 'empty certificate in the certificate_list',
  noSignatureAlgorithms: 'CertificateRequest without signature_algorithms (RFC 8446 §4.3.2)',
  lifetime: 'NewSessionTicket lifetime of {seconds} s is over the seven days RFC 8446 §4.6.1 allows',
  requestUpdate: 'KeyUpdate request_update must be 0 or 1, not {value}',
  curveType: 'ServerKeyExchange curve_type {curveType} is not named_curve',
  unsolicited: 'the server sent {extension} in its {message}, an extension the client never offered',
  misplaced: 'the server sent {extension} in its {message}, a message that may not carry it',
} as const;
