/**
 * X.501 distinguished names (RFC 5280 §4.1.2.4): decoding, display text and the key used to match
 * an issuer name against a subject name.
 */
import type { Field } from '../wire/field';
import { said } from '../diagnostics';
import { DerReader, Tag, type Tlv, decodeOid, malformedAt, tagValue, tlvField } from './der';
import { OIDS, describeOid } from './oids';

export interface NameAttribute {
  oid: string;
  /** "CN", "O", … or the dotted OID. */
  short: string;
  value: string;
}

export interface Name {
  /** The Name's DER encoding, as signed. */
  der: Uint8Array;
  /** RelativeDistinguishedNames in encoding order (country first, usually). */
  rdns: NameAttribute[][];
  /** RFC 4514 order, most specific first: "CN=R3, O=Let's Encrypt, C=US". */
  display: string;
  /**
   * Comparison key: RFC 5280 §7.1 allows matching names case-insensitively with internal
   * whitespace folded, which also absorbs PrintableString/UTF8String differences between a
   * certificate's issuer and its CA's subject.
   */
  key: string;
}

const STRING_TYPES: Record<number, string> = {
  [Tag.UTF8String]: 'UTF8String',
  [Tag.PrintableString]: 'PrintableString',
  [Tag.TeletexString]: 'TeletexString',
  [Tag.IA5String]: 'IA5String',
  [Tag.VisibleString]: 'VisibleString',
  [Tag.UniversalString]: 'UniversalString',
  [Tag.BMPString]: 'BMPString',
  0x12: 'NumericString',
};

const utf8Decoder = new TextDecoder('utf-8');

/** Text of a directory string (X.520 DirectoryString and the IA5/Printable forms). */
export function decodeString(tlv: Tlv, path: string): { text: string; type: string } {
  const type = STRING_TYPES[tlv.tag];
  if (!type) throw malformedAt(path, tlv.offset, said('x509.notString', { found: tagValue(tlv.tag) }));
  const b = tlv.content;
  let text = '';
  if (tlv.tag === Tag.UTF8String) {
    text = utf8Decoder.decode(b);
  } else if (tlv.tag === Tag.BMPString) {
    if (b.length % 2) throw malformedAt(path, tlv.offset, said('x509.bmpOdd'));
    for (let i = 0; i < b.length; i += 2) text += String.fromCharCode((b[i] << 8) | b[i + 1]);
  } else if (tlv.tag === Tag.UniversalString) {
    if (b.length % 4) throw malformedAt(path, tlv.offset, said('x509.universalLength'));
    for (let i = 0; i < b.length; i += 4) {
      const cp = ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
      if (cp > 0x10ffff) throw malformedAt(path, tlv.offset, said('x509.notCodePoint', { value: `0x${cp.toString(16)}` }));
      text += String.fromCodePoint(cp);
    }
  } else {
    // Printable/IA5/Visible are ASCII; TeletexString is read as Latin-1, as OpenSSL does.
    for (const c of b) text += String.fromCharCode(c);
  }
  return { text, type };
}

/** RFC 4514 §2.4 escaping of an attribute value. */
function escapeValue(v: string): string {
  let out = v.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`);
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

function rdnText(rdn: NameAttribute[]): string {
  return rdn.map((a) => `${a.short}=${escapeValue(a.value)}`).join('+');
}

/** Decodes a Name and annotates it: one node per RDN, one per attribute, with type and value. */
export function decodeName(tlv: Tlv, fieldName: string, path: string, info: { rfc?: string } = {}): { name: Name; field: Field } {
  if (tlv.tag !== Tag.SEQUENCE) throw malformedAt(path, tlv.offset, said('wire.wrongTag', { expected: 'SEQUENCE', found: tagValue(tlv.tag) }));
  const r = DerReader.inside(tlv, path);
  const rdns: NameAttribute[][] = [];
  const rdnFields: Field[] = [];
  while (!r.atEnd) {
    const set = r.next('RelativeDistinguishedName', Tag.SET);
    const sr = DerReader.inside(set, r.at('RelativeDistinguishedName'));
    const attrs: NameAttribute[] = [];
    const attrFields: Field[] = [];
    while (!sr.atEnd) {
      const atv = sr.next('AttributeTypeAndValue', Tag.SEQUENCE);
      const ar = DerReader.inside(atv, sr.at('AttributeTypeAndValue'));
      const typeTlv = ar.next('type', Tag.OID);
      const oid = decodeOid(typeTlv.content, ar.at('type'));
      const valueTlv = ar.next('value');
      ar.end();
      const { text } = decodeString(valueTlv, ar.at('value'));
      const short = OIDS[oid]?.short ?? oid;
      attrs.push({ oid, short, value: text });
      attrFields.push(
        tlvField(atv, OIDS[oid]?.name ?? oid, { value: text }, [
          tlvField(typeTlv, 'type', { value: describeOid(oid) }),
          tlvField(valueTlv, 'value', { value: text }),
        ]),
      );
    }
    if (attrs.length === 0) throw malformedAt(sr.path, set.offset, said('x509.emptyRdn'));
    rdns.push(attrs);
    rdnFields.push(tlvField(set, 'RelativeDistinguishedName', { value: rdnText(attrs) }, attrFields));
  }
  const display = [...rdns].reverse().map(rdnText).join(', ');
  const key = rdns
    .map((rdn) =>
      rdn
        .map((a) => `${a.oid}=${a.value.trim().replace(/\s+/g, ' ').toLowerCase()}`)
        .sort()
        .join('+'),
    )
    .join('/');
  const name: Name = { der: tlv.bytes, rdns, display, key };
  return { name, field: tlvField(tlv, fieldName, { value: display || '(empty)', ...info }, rdnFields) };
}

/** The first commonName in the name (for the RFC 6125 §6.4.4 fallback). */
export function commonNames(name: Name): string[] {
  return name.rdns.flat().filter((a) => a.oid === '2.5.4.3').map((a) => a.value);
}
