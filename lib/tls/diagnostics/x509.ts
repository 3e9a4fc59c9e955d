/**
 * The certificate parser's sentences (lib/tls/x509), in English (see ./index.ts): a certificate the
 * server sent that does not decode, named by its place in the list and the DER path of the fault.
 * The checks of a decoded certificate (expiry, names, signatures) are typed findings instead
 * (CheckFinding in lib/trace/schema.ts).
 */
export const x509Said = {
  // The list (lib/tls/x509/chain.ts), with what is wrong nested.
  emptyList: 'the server sent an empty certificate list',
  sent: 'certificate #{index} sent by the server: {why}',
  userCa: 'CA certificate #{index} you supplied is not usable: {why}',

  // A certificate that does not decode, and where (the DER path, the byte when known).
  malformed: 'malformed certificate: {problem}',
  der: 'malformed certificate DER at {at}: {problem}',
  derAt: 'malformed certificate DER at {at} (byte {byte}): {problem}',

  // What is wrong (nested in the three above; DER faults of any structure are wire.*).
  sequenceOf: 'expected SEQUENCE OF {item} but found {found}',
  mgf1: 'MGF1 without a hash algorithm',
  notGeneralName: 'tag {tag} is not a GeneralName',
  notString: 'expected a string type, found {found}',
  bmpOdd: 'BMPString of odd length',
  universalLength: 'UniversalString length not a multiple of 4',
  notCodePoint: 'UniversalString holds {value}, not a Unicode code point',
  emptyRdn: 'empty RelativeDistinguishedName',
  timeForm: '{text} is not a UTCTime or GeneralizedTime in the RFC 5280 §4.1.2.5 form',
  badDate: '{text} is not a valid date',
  version: 'version {version} is not v1, v2 or v3',
  emptySerial: 'empty serialNumber',
  uniqueIdV1: '{field} in a v1 certificate',
  extensionsVersion: 'extensions in a v{version} certificate (RFC 5280 §4.1.2.9)',
  twice: 'the {extension} extension appears twice (RFC 5280 §4.2)',
  noExtensions: 'an empty extensions list (RFC 5280 §4.1: SIZE (1..MAX))',
  algorithmMismatch: 'signatureAlgorithm ({outer}) differs from tbsCertificate.signature ({inner})',
  signatureBits: 'the signatureValue has unused bits',
} as const;
