/**
 * Certificate extensions (RFC 5280 §4.2): each decoded into the value the checks use and an
 * annotation of its bytes. Extensions the path validation does not process are kept as bytes; a
 * critical one among them makes the certificate unusable (RFC 5280 §4.2), which chain.ts reports.
 */
import { toHex } from '../wire/bytes';
import { type Field, type FieldInfo, type ValueWords, sizeValue } from '../wire/field';
import { said } from '../diagnostics';
import { DerReader, Tag, type Tlv, contextTag, decodeBitString, decodeBoolean, decodeOid, decodeSmallInteger, malformedAt, readSingle, tagName, tagValue, tlvField } from './der';
import { formatIp } from './ip';
import { type Name, decodeName } from './name';
import { OIDS, describeOid, oidName } from './oids';

export type GeneralName =
  | { type: 'dNSName' | 'rfc822Name' | 'uniformResourceIdentifier'; value: string }
  | { type: 'iPAddress'; bytes: Uint8Array }
  | { type: 'directoryName'; name: Name }
  | { type: 'otherName' | 'x400Address' | 'ediPartyName' | 'registeredID'; value: string };

export type KeyUsage =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

/** RFC 5280 §4.2.1.3, bit 0 first. */
const KEY_USAGE_BITS: KeyUsage[] = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];

export interface GeneralSubtree {
  base: GeneralName;
}

/** The extensions the checks read, decoded. */
export interface Extensions {
  subjectAltName?: GeneralName[];
  basicConstraints?: { cA: boolean; pathLenConstraint?: number };
  keyUsage?: KeyUsage[];
  /** Purpose names ("serverAuth") or dotted OIDs. */
  extKeyUsage?: string[];
  authorityKeyIdentifier?: Uint8Array;
  subjectKeyIdentifier?: Uint8Array;
  nameConstraints?: { permitted: GeneralSubtree[]; excluded: GeneralSubtree[] };
  certificatePolicies?: string[];
  cRLDistributionPoints?: string[];
  authorityInfoAccess?: { method: string; location: string }[];
}

export interface ExtensionEntry {
  oid: string;
  name: string;
  critical: boolean;
  /** Whether path validation here processes (or may safely ignore) this extension. */
  understood: boolean;
  /** One line: "DNS:example.com, DNS:www.example.com". */
  summary: string;
}

export function generalNameText(n: GeneralName): string {
  switch (n.type) {
    case 'dNSName':
      return `DNS:${n.value}`;
    case 'iPAddress':
      return n.bytes.length === 8 || n.bytes.length === 32
        ? `IP:${formatIp(n.bytes.subarray(0, n.bytes.length / 2))}/${formatIp(n.bytes.subarray(n.bytes.length / 2))}`
        : `IP:${formatIp(n.bytes)}`;
    case 'rfc822Name':
      return `email:${n.value}`;
    case 'uniformResourceIdentifier':
      return `URI:${n.value}`;
    case 'directoryName':
      return `DirName:${n.name.display}`;
    default:
      return `${n.type}:${n.value}`;
  }
}

function ia5(tlv: Tlv): string {
  let s = '';
  for (const c of tlv.content) s += String.fromCharCode(c);
  return s;
}

/** One GeneralName (RFC 5280 §4.2.1.6); the CHOICE is told apart by its context tag. */
function decodeGeneralName(tlv: Tlv, path: string, fieldName = 'GeneralName'): { name: GeneralName; field: Field } {
  let name: GeneralName;
  switch (tlv.tag) {
    case contextTag(1, false):
      name = { type: 'rfc822Name', value: ia5(tlv) };
      break;
    case contextTag(2, false):
      name = { type: 'dNSName', value: ia5(tlv) };
      break;
    case contextTag(6, false):
      name = { type: 'uniformResourceIdentifier', value: ia5(tlv) };
      break;
    case contextTag(7, false):
      name = { type: 'iPAddress', bytes: tlv.content };
      break;
    case contextTag(8, false):
      name = { type: 'registeredID', value: describeOid(decodeOid(tlv.content, path)) };
      break;
    case contextTag(4, true): {
      // directoryName is EXPLICIT: a CHOICE (Name) cannot be tagged implicitly.
      const r = DerReader.inside(tlv, path);
      const inner = decodeName(r.next('directoryName', Tag.SEQUENCE), 'Name', r.at('directoryName'));
      r.end();
      name = { type: 'directoryName', name: inner.name };
      return { name, field: tlvField(tlv, fieldName, { value: generalNameText(name) }, [inner.field]) };
    }
    case contextTag(0, true): {
      const r = DerReader.inside(tlv, path);
      const oid = decodeOid(r.next('type-id', Tag.OID).content, r.at('type-id'));
      name = { type: 'otherName', value: oidName(oid) };
      break;
    }
    case contextTag(3, true):
      name = { type: 'x400Address', value: `${tlv.content.length} bytes` };
      break;
    case contextTag(5, true):
      name = { type: 'ediPartyName', value: `${tlv.content.length} bytes` };
      break;
    default:
      throw malformedAt(path, tlv.offset, said('x509.notGeneralName', { tag: `0x${tlv.tag.toString(16).padStart(2, '0')}` }));
  }
  // x400Address and ediPartyName are kept as bytes: their size is a phrase the views word.
  const sized = name.type === 'x400Address' || name.type === 'ediPartyName';
  return { name, field: tlvField(tlv, fieldName, { value: generalNameText(name), ...(sized && { words: { say: 'name-bytes', type: name.type, n: tlv.content.length } }) }) };
}

/** GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName — or its IMPLICIT-tagged form. */
function decodeGeneralNames(tlv: Tlv, path: string, fieldName: string): { names: GeneralName[]; field: Field } {
  const r = DerReader.inside(tlv, path);
  const names: GeneralName[] = [];
  const children: Field[] = [];
  while (!r.atEnd) {
    const g = decodeGeneralName(r.next('GeneralName'), r.at('GeneralName'));
    names.push(g.name);
    children.push(g.field);
  }
  return { names, field: tlvField(tlv, fieldName, { value: names.map(generalNameText).join(', ') }, children) };
}

/** `summary` in the codec's English; `words` the same as data when it is a phrase (Field.words). */
type Decoded = { summary: string; words?: ValueWords; field: Field };
type Decoder = (value: Tlv, path: string, into: Extensions) => Decoded;

/** The value at `path` must carry `tag`; `item` names the elements of a SEQUENCE OF. */
function expectTag(tlv: Tlv, tag: number, path: string, item?: string): void {
  if (tlv.tag === tag) return;
  const found = tagValue(tlv.tag);
  throw malformedAt(path, tlv.offset, item ? said('x509.sequenceOf', { item, found }) : said('wire.wrongTag', { expected: tagName(tag), found }));
}

function sequenceOf<T>(tlv: Tlv, path: string, item: string, each: (t: Tlv, path: string) => { value: T; field: Field }): { values: T[]; fields: Field[] } {
  expectTag(tlv, Tag.SEQUENCE, path, item);
  const r = DerReader.inside(tlv, path);
  const values: T[] = [];
  const fields: Field[] = [];
  while (!r.atEnd) {
    const { value, field } = each(r.next(item), r.at(item));
    values.push(value);
    fields.push(field);
  }
  return { values, fields };
}

const DECODERS: Record<string, Decoder> = {
  // RFC 5280 §4.2.1.6
  '2.5.29.17': (v, path, into) => {
    expectTag(v, Tag.SEQUENCE, path);
    const { names, field } = decodeGeneralNames(v, path, 'GeneralNames');
    into.subjectAltName = names;
    return { summary: field.value ?? '', field };
  },
  // RFC 5280 §4.2.1.7
  '2.5.29.18': (v, path) => {
    expectTag(v, Tag.SEQUENCE, path);
    const { field } = decodeGeneralNames(v, path, 'GeneralNames');
    return { summary: field.value ?? '', field };
  },
  // RFC 5280 §4.2.1.9
  '2.5.29.19': (v, path, into) => {
    expectTag(v, Tag.SEQUENCE, path);
    const r = DerReader.inside(v, path);
    const children: Field[] = [];
    const caTlv = r.optional('cA', Tag.BOOLEAN);
    const cA = caTlv ? decodeBoolean(caTlv.content, r.at('cA')) : false;
    if (caTlv) children.push(tlvField(caTlv, 'cA', { value: cA ? 'TRUE' : 'FALSE' }));
    const lenTlv = r.optional('pathLenConstraint', Tag.INTEGER);
    const pathLenConstraint = lenTlv ? decodeSmallInteger(lenTlv.content, r.at('pathLenConstraint')) : undefined;
    if (lenTlv) children.push(tlvField(lenTlv, 'pathLenConstraint', { value: String(pathLenConstraint) }));
    r.end();
    into.basicConstraints = { cA, pathLenConstraint };
    const summary = `CA:${cA ? 'TRUE' : 'FALSE'}${pathLenConstraint !== undefined ? `, pathlen:${pathLenConstraint}` : ''}`;
    return { summary, field: tlvField(v, 'BasicConstraints', { value: summary }, children) };
  },
  // RFC 5280 §4.2.1.3
  '2.5.29.15': (v, path, into) => {
    expectTag(v, Tag.BIT_STRING, path);
    const { bits } = decodeBitString(v.content, path);
    const usages: KeyUsage[] = [];
    KEY_USAGE_BITS.forEach((u, i) => {
      if (i >> 3 < bits.length && bits[i >> 3] & (0x80 >> (i & 7))) usages.push(u);
    });
    into.keyUsage = usages;
    const info: FieldInfo = usages.length ? { value: usages.join(', ') } : { value: '(none)', words: { say: 'no-key-usage' } };
    return { summary: info.value!, words: info.words, field: tlvField(v, 'KeyUsage', info) };
  },
  // RFC 5280 §4.2.1.12
  '2.5.29.37': (v, path, into) => {
    const { values, fields } = sequenceOf(v, path, 'KeyPurposeId', (t, p) => {
      expectTag(t, Tag.OID, p);
      const oid = decodeOid(t.content, p);
      return { value: oidName(oid), field: tlvField(t, 'KeyPurposeId', { value: describeOid(oid) }) };
    });
    into.extKeyUsage = values;
    const summary = values.join(', ');
    return { summary, field: tlvField(v, 'ExtKeyUsageSyntax', { value: summary }, fields) };
  },
  // RFC 5280 §4.2.1.1
  '2.5.29.35': (v, path, into) => {
    expectTag(v, Tag.SEQUENCE, path);
    const r = DerReader.inside(v, path);
    const children: Field[] = [];
    let summary = '';
    const kid = r.optional('keyIdentifier', contextTag(0, false));
    if (kid) {
      into.authorityKeyIdentifier = kid.content;
      summary = toHex(kid.content);
      children.push(tlvField(kid, 'keyIdentifier', { value: summary }));
    }
    const issuer = r.optional('authorityCertIssuer', contextTag(1, true));
    if (issuer) children.push(decodeGeneralNames(issuer, r.at('authorityCertIssuer'), 'authorityCertIssuer').field);
    const serial = r.optional('authorityCertSerialNumber', contextTag(2, false));
    if (serial) children.push(tlvField(serial, 'authorityCertSerialNumber', { value: toHex(serial.content) }));
    r.end();
    const field = tlvField(v, 'AuthorityKeyIdentifier', { value: summary }, children);
    return summary ? { summary, field } : { summary: '(no key identifier)', words: { say: 'no-key-identifier' }, field };
  },
  // RFC 5280 §4.2.1.2
  '2.5.29.14': (v, path, into) => {
    expectTag(v, Tag.OCTET_STRING, path);
    into.subjectKeyIdentifier = v.content;
    const summary = toHex(v.content);
    return { summary, field: tlvField(v, 'KeyIdentifier', { value: summary }) };
  },
  // RFC 5280 §4.2.1.10
  '2.5.29.30': (v, path, into) => {
    expectTag(v, Tag.SEQUENCE, path);
    const r = DerReader.inside(v, path);
    const result = { permitted: [] as GeneralSubtree[], excluded: [] as GeneralSubtree[] };
    const children: Field[] = [];
    const parts: string[] = [];
    for (const [i, kind] of [[0, 'permitted'], [1, 'excluded']] as const) {
      const subtrees = r.optional(`${kind}Subtrees`, contextTag(i, true));
      if (!subtrees) continue;
      const sr = DerReader.inside(subtrees, r.at(`${kind}Subtrees`));
      const subFields: Field[] = [];
      while (!sr.atEnd) {
        const st = sr.next('GeneralSubtree', Tag.SEQUENCE);
        const str = DerReader.inside(st, sr.at('GeneralSubtree'));
        const base = decodeGeneralName(str.next('base'), str.at('base'), 'base');
        // minimum/maximum: RFC 5280 says MUST be absent/0; kept as bytes if present.
        while (!str.atEnd) str.next('minimumOrMaximum');
        result[kind].push({ base: base.name });
        subFields.push(tlvField(st, 'GeneralSubtree', { value: base.field.value }, [base.field]));
      }
      const text = result[kind].map((s) => generalNameText(s.base)).join(', ');
      parts.push(`${kind}: ${text}`);
      children.push(tlvField(subtrees, `${kind}Subtrees`, { value: text }, subFields));
    }
    r.end();
    into.nameConstraints = result;
    const summary = parts.join('; ');
    return { summary, field: tlvField(v, 'NameConstraints', { value: summary }, children) };
  },
  // RFC 5280 §4.2.1.4
  '2.5.29.32': (v, path, into) => {
    const { values, fields } = sequenceOf(v, path, 'PolicyInformation', (t, p) => {
      expectTag(t, Tag.SEQUENCE, p);
      const r = DerReader.inside(t, p);
      const idTlv = r.next('policyIdentifier', Tag.OID);
      const oid = decodeOid(idTlv.content, r.at('policyIdentifier'));
      const children = [tlvField(idTlv, 'policyIdentifier', { value: describeOid(oid) })];
      const quals = r.optional('policyQualifiers', Tag.SEQUENCE);
      if (quals) {
        const qr = DerReader.inside(quals, r.at('policyQualifiers'));
        const qFields: Field[] = [];
        while (!qr.atEnd) {
          const q = qr.next('PolicyQualifierInfo', Tag.SEQUENCE);
          const qir = DerReader.inside(q, qr.at('PolicyQualifierInfo'));
          const qidTlv = qir.next('policyQualifierId', Tag.OID);
          const qid = decodeOid(qidTlv.content, qir.at('policyQualifierId'));
          const qualifier = qir.next('qualifier');
          qir.end();
          const text = qualifier.tag === Tag.IA5String ? ia5(qualifier) : oidName(qid);
          qFields.push(
            tlvField(q, 'PolicyQualifierInfo', { value: `${oidName(qid)}: ${text}` }, [
              tlvField(qidTlv, 'policyQualifierId', { value: describeOid(qid) }),
              tlvField(qualifier, 'qualifier', { value: text }),
            ]),
          );
        }
        children.push(tlvField(quals, 'policyQualifiers', { value: `${qFields.length} qualifier(s)`, words: { say: 'qualifiers', n: qFields.length } }, qFields));
      }
      r.end();
      return { value: oidName(oid), field: tlvField(t, 'PolicyInformation', { value: oidName(oid) }, children) };
    });
    into.certificatePolicies = values;
    const summary = values.join(', ');
    return { summary, field: tlvField(v, 'CertificatePolicies', { value: summary }, fields) };
  },
  // RFC 5280 §4.2.1.13
  '2.5.29.31': (v, path, into) => {
    const uris: string[] = [];
    const { fields } = sequenceOf(v, path, 'DistributionPoint', (t, p) => {
      expectTag(t, Tag.SEQUENCE, p);
      const r = DerReader.inside(t, p);
      const children: Field[] = [];
      const dp = r.optional('distributionPoint', contextTag(0, true));
      if (dp) {
        const dr = DerReader.inside(dp, r.at('distributionPoint'));
        const choice = dr.next('fullName');
        dr.end();
        if (choice.tag === contextTag(0, true)) {
          const { names, field } = decodeGeneralNames(choice, dr.at('fullName'), 'fullName');
          for (const n of names) if (n.type === 'uniformResourceIdentifier') uris.push(n.value);
          children.push(tlvField(dp, 'distributionPoint', { value: field.value }, [field]));
        } else {
          children.push(tlvField(dp, 'distributionPoint', { value: 'nameRelativeToCRLIssuer' }));
        }
      }
      while (!r.atEnd) {
        const other = r.next('reasonsOrCRLIssuer');
        children.push(tlvField(other, other.tag === contextTag(1, false) ? 'reasons' : 'cRLIssuer'));
      }
      return { value: undefined, field: tlvField(t, 'DistributionPoint', { value: children[0]?.value }, children) };
    });
    into.cRLDistributionPoints = uris;
    const info: FieldInfo = uris.length ? { value: uris.join(', ') } : { value: `${fields.length} distribution point(s)`, words: { say: 'distribution-points', n: fields.length } };
    return { summary: info.value!, words: info.words, field: tlvField(v, 'CRLDistributionPoints', info, fields) };
  },
  // RFC 5280 §4.2.2.1
  '1.3.6.1.5.5.7.1.1': (v, path, into) => {
    const { values, fields } = sequenceOf(v, path, 'AccessDescription', (t, p) => {
      expectTag(t, Tag.SEQUENCE, p);
      const r = DerReader.inside(t, p);
      const mTlv = r.next('accessMethod', Tag.OID);
      const method = oidName(decodeOid(mTlv.content, r.at('accessMethod')));
      const loc = decodeGeneralName(r.next('accessLocation'), r.at('accessLocation'), 'accessLocation');
      r.end();
      const location = loc.field.value ?? '';
      return {
        value: { method, location },
        field: tlvField(t, 'AccessDescription', { value: `${method} ${location}` }, [tlvField(mTlv, 'accessMethod', { value: method }), loc.field]),
      };
    });
    into.authorityInfoAccess = values;
    const summary = values.map((a) => `${a.method} ${a.location}`).join(', ');
    return { summary, field: tlvField(v, 'AuthorityInfoAccessSyntax', { value: summary }, fields) };
  },
  // RFC 5280 §4.2.1.11
  '2.5.29.36': (v, path) => {
    expectTag(v, Tag.SEQUENCE, path);
    const r = DerReader.inside(v, path);
    const children: Field[] = [];
    const parts: string[] = [];
    for (const [i, name] of [[0, 'requireExplicitPolicy'], [1, 'inhibitPolicyMapping']] as const) {
      const t = r.optional(name, contextTag(i, false));
      if (!t) continue;
      const n = decodeSmallInteger(t.content, r.at(name));
      parts.push(`${name}: ${n}`);
      children.push(tlvField(t, name, { value: String(n) }));
    }
    r.end();
    const summary = parts.join(', ');
    return { summary, field: tlvField(v, 'PolicyConstraints', { value: summary }, children) };
  },
  // RFC 5280 §4.2.1.14
  '2.5.29.54': (v, path) => {
    expectTag(v, Tag.INTEGER, path);
    const summary = `skipCerts: ${decodeSmallInteger(v.content, path)}`;
    return { summary, field: tlvField(v, 'SkipCerts', { value: summary }) };
  },
  // RFC 7633 §4
  '1.3.6.1.5.5.7.1.24': (v, path) => {
    const { values, fields } = sequenceOf(v, path, 'feature', (t, p) => {
      expectTag(t, Tag.INTEGER, p);
      const n = decodeSmallInteger(t.content, p);
      const label = n === 5 ? 'status_request (OCSP must-staple)' : n === 17 ? 'status_request_v2' : `extension ${n}`;
      return { value: label, field: tlvField(t, 'feature', { value: label }) };
    });
    const summary = values.join(', ');
    return { summary, field: tlvField(v, 'Features', { value: summary }, fields) };
  },
  // RFC 6962 §3.3: a TLS-encoded SignedCertificateTimestampList inside the OCTET STRING.
  '1.3.6.1.4.1.11129.2.4.2': (v, path) => {
    expectTag(v, Tag.OCTET_STRING, path);
    const b = v.content;
    let count = 0;
    if (b.length >= 2 && ((b[0] << 8) | b[1]) === b.length - 2) {
      for (let p = 2; p + 2 <= b.length; ) {
        p += 2 + ((b[p] << 8) | b[p + 1]);
        if (p > b.length) {
          count = -1;
          break;
        }
        count++;
      }
    } else {
      count = -1;
    }
    const info: FieldInfo =
      count >= 0 ? { value: `${count} signed certificate timestamp(s)`, words: { say: 'scts', n: count } } : { value: `${b.length} bytes (not a well-formed SCT list)`, words: { say: 'not-sct-list', n: b.length } };
    return { summary: info.value!, words: info.words, field: tlvField(v, 'SignedCertificateTimestampList', { ...info, rfc: 'RFC 6962 §3.3' }) };
  },
};

/** Extensions that path validation here processes, or that carry no constraint on it. */
const UNDERSTOOD = new Set([
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.15', // keyUsage
  '2.5.29.17', // subjectAltName
  '2.5.29.18', // issuerAltName
  '2.5.29.19', // basicConstraints
  '2.5.29.30', // nameConstraints
  '2.5.29.31', // cRLDistributionPoints (revocation is not checked, as in browsers' default)
  '2.5.29.32', // certificatePolicies (any policy is acceptable, as for DV certificates)
  '2.5.29.35', // authorityKeyIdentifier
  '2.5.29.36', // policyConstraints (no explicit policy is required of the path)
  '2.5.29.37', // extKeyUsage
  '2.5.29.54', // inhibitAnyPolicy
  '1.3.6.1.5.5.7.1.1', // authorityInfoAccess
  '1.3.6.1.5.5.7.1.24', // tlsFeature
  '1.3.6.1.4.1.11129.2.4.2', // SCT list
]);

/**
 * Decodes one `Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET
 * STRING }` into `into`, returning its entry and its annotation (named after the extension).
 */
export function decodeExtension(tlv: Tlv, path: string, into: Extensions): { entry: ExtensionEntry; field: Field } {
  expectTag(tlv, Tag.SEQUENCE, path);
  const r = DerReader.inside(tlv, path);
  const idTlv = r.next('extnID', Tag.OID);
  const oid = decodeOid(idTlv.content, r.at('extnID'));
  const name = oidName(oid);
  const criticalTlv = r.optional('critical', Tag.BOOLEAN);
  const critical = criticalTlv ? decodeBoolean(criticalTlv.content, r.at('critical')) : false;
  const valueTlv = r.next('extnValue', Tag.OCTET_STRING);
  r.end();
  const understood = UNDERSTOOD.has(oid);

  const children: Field[] = [tlvField(idTlv, 'extnID', { value: describeOid(oid) })];
  if (criticalTlv) {
    children.push(
      tlvField(criticalTlv, 'critical', {
        value: critical ? 'TRUE' : 'FALSE',
        rfc: 'RFC 5280 §4.2',
      }),
    );
  }

  const decoder = DECODERS[oid];
  let summary: string;
  let words: ValueWords | undefined;
  if (decoder) {
    const inner = readSingle(valueTlv.content, `${path}.${name}`, valueTlv.offset + valueTlv.headerLength);
    const decoded = decoder(inner, `${path}.${name}`, into);
    summary = decoded.summary;
    words = decoded.words;
    children.push(tlvField(valueTlv, 'extnValue', { value: `${valueTlv.content.length} bytes of DER`, words: { say: 'der-bytes', n: valueTlv.content.length } }, [decoded.field]));
  } else {
    // An extension this client does not decode: its size (the view words it).
    const size = sizeValue(valueTlv.content.length);
    summary = size.value!;
    words = size.words;
    children.push(tlvField(valueTlv, 'extnValue', size));
  }

  const info = OIDS[oid];
  return {
    entry: { oid, name, critical, understood, summary },
    field: tlvField(tlv, name, { value: summary, ...(words && { words }), rfc: info?.rfc ?? 'RFC 5280 §4.2' }, children),
  };
}
