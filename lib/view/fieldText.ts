import { messageTitle } from '../tls/handshake/messages';
import { alertDescriptions, alertLevels } from '../tls/registry/alerts';
import { groups } from '../tls/registry/crypto';
import { contentTypes, extensionTypes, handshakeTypes } from '../tls/registry/protocol';
import type { Registry } from '../tls/registry/table';
import type { Field } from '../trace/schema';

/**
 * What a field of the annotation tree is for, in a line: a pure function of the field's name, its
 * value and where it sits (the names of the fields around it, outermost first). The words for a
 * field whose meaning follows from the protocol's registries (a handshake message, an extension, an
 * alert's level and description, a content type, a key-exchange group) are made here; the trace
 * keeps only names and values for those, and the X.509 certificate's own fields. Other fields still
 * carry the codec's line in `Field.meaning` (older traces carry it for every field), shown as it is
 * until its words move here; where a field carries one, it is the more specific and wins.
 */

/** The handshake message a tree's root field names ("ClientHello" → client_hello). */
const MESSAGE_BY_TITLE = new Map(handshakeTypes.entries.map((e) => [messageTitle(e.name), e.code]));

/** The registry name inside a described value: "0x001d (x25519)" → x25519. */
function describedName(value: string | undefined): string | undefined {
  return value ? /\(([^()]+)\)$/.exec(value)?.[1] : undefined;
}

function meaningOf<N extends string>(registry: Registry<N>, name: string | undefined): string | undefined {
  return name !== undefined && registry.has(name) ? registry.entry(registry.code(name))?.meaning : undefined;
}

const GROUP_FIELDS = new Set(['group', 'named_group', 'selected_group', 'namedcurve']);

/**
 * Words for the fields the X.509 parser names (RFC 5280 §4.1): by name where the name is the
 * certificate's own, by the field around it and its name where TLS uses the name too.
 */
const X509_WORDS: Record<string, string> = {
  tbsCertificate: 'the signed part of the certificate',
  'Certificate›signatureAlgorithm': 'how the issuer signed tbsCertificate',
  signatureValue: 'the issuer’s signature over tbsCertificate',
  'tbsCertificate›version': 'certificate format version; v3 allows extensions',
  serialNumber: 'unique per issuer; identifies the certificate in revocation lists',
  'tbsCertificate›signature': 'the algorithm the issuer signed with (must equal signatureAlgorithm)',
  'tbsCertificate›issuer': 'who signed this certificate',
  validity: 'the period the certificate may be used in',
  'tbsCertificate›subject': 'whom this certificate is about',
  subjectPublicKeyInfo: 'the subject’s public key and its algorithm',
  'tbsCertificate›extensions': 'v3 extensions: names, constraints, key usages…',
  notBefore: 'not valid before this instant',
  notAfter: 'not valid after this instant',
  hashAlgorithm: 'hash of the message',
  maskGenAlgorithm: 'mask generation function',
  namedCurve: 'the curve the key lives on',
  modulus: 'n, the product of the two secret primes',
  publicExponent: 'e, the public exponent',
};

/** An X.509 certificate inside a TLS Certificate message (its cert_data) or on its own. */
const X509_CERTIFICATE = 'an X.509 certificate: a public key bound to a name, signed by an issuer';

function isX509(field: Field): boolean {
  return (field.name === 'Certificate' || field.name === 'cert_data') && (field.children ?? []).some((c) => c.name === 'tbsCertificate');
}

/** Where a handshake message sits when a record carries it. */
const CARRIERS = new Set(['fragment', 'content']);

export function fieldMeaning(field: Field, ancestors: readonly Field[] = []): string | undefined {
  const parent = ancestors[ancestors.length - 1]?.name;
  const words = ((): string | undefined => {
    if (isX509(field)) return X509_CERTIFICATE;
    if ((ancestors.length === 0 || CARRIERS.has(parent ?? '')) && MESSAGE_BY_TITLE.has(field.name)) return handshakeTypes.entry(MESSAGE_BY_TITLE.get(field.name)!)?.meaning;
    if (parent === 'extensions' && extensionTypes.has(field.name)) return meaningOf(extensionTypes, field.name);
    if (parent === 'Alert' && field.name === 'level') return meaningOf(alertLevels, describedName(field.value));
    if (parent === 'Alert' && field.name === 'description') return meaningOf(alertDescriptions, describedName(field.value));
    if (field.name === 'content_type' || (field.name === 'type' && (parent === 'TLSPlaintext' || parent === 'TLSCiphertext'))) return meaningOf(contentTypes, describedName(field.value));
    if (GROUP_FIELDS.has(field.name)) return meaningOf(groups, describedName(field.value));
    const around = ancestors[ancestors.length - 1];
    const place = around && isX509(around) ? 'Certificate' : parent;
    if (X509_WORDS[`${place}›${field.name}`]) return X509_WORDS[`${place}›${field.name}`];
    if (Object.hasOwn(X509_WORDS, field.name)) return X509_WORDS[field.name];
    return undefined;
  })();
  // A line the codec still stores says something about this very field (a message split across records).
  return field.meaning ?? words;
}
