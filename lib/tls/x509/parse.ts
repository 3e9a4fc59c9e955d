/**
 * X.509 v3 certificates (RFC 5280 §4.1): decoded for the checks and annotated byte by byte for the
 * trace, by the same walk over the DER.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { TlsAlertError } from '../errors';
import { toHex } from '../wire/bytes';
import type { Field } from '../wire/field';
import { sizeValue } from '../wire/field';
import { type PublicKeyInfo, type SignatureAlgorithm, decodeSignatureAlgorithm, decodeSubjectPublicKeyInfo } from './algorithms';
import { isDiagnostic, said } from '../diagnostics';
import { DerReader, Tag, type Tlv, contextTag, decodeBitString, decodeSmallInteger, malformed, malformedAt, readSingle, tagValue, tlvField } from './der';
import { type ExtensionEntry, type Extensions, decodeExtension } from './extensions';
import { type Name, decodeName } from './name';

export type { Name } from './name';
export type { PublicKeyInfo, SignatureAlgorithm } from './algorithms';
export type { ExtensionEntry, Extensions, GeneralName, KeyUsage } from './extensions';

export interface Certificate {
  der: Uint8Array;
  /** Annotation of every byte of `der`, offsets relative to der[0]. */
  field: Field;
  /** The exact bytes the issuer signed (RFC 5280 §4.1.1.1). */
  tbsDer: Uint8Array;
  version: 1 | 2 | 3;
  /** Hex of the serial number's content octets, without a leading 00 sign octet. */
  serialNumber: string;
  issuer: Name;
  subject: Name;
  notBefore: Date;
  notAfter: Date;
  /** SubjectPublicKeyInfo DER, as the crypto backends take it. */
  spki: Uint8Array;
  publicKey: PublicKeyInfo;
  signatureAlgorithm: SignatureAlgorithm;
  /** The signature bits (for ECDSA, the DER Ecdsa-Sig-Value). */
  signature: Uint8Array;
  extensions: Extensions;
  extensionList: ExtensionEntry[];
  /** Critical extensions this verifier does not process (the certificate must be rejected). */
  unknownCriticalExtensions: string[];
  /** SHA-256 of the DER, lowercase hex. */
  sha256: string;
}

const RFC = 'RFC 5280';

/**
 * UTCTime (YYMMDDHHMMSSZ, years 1950–2049) or GeneralizedTime (YYYYMMDDHHMMSSZ), the forms
 * RFC 5280 §4.1.2.5.1–2 allow: seconds present, always Zulu, no fractions.
 */
function decodeTime(tlv: Tlv, path: string): Date {
  let s = '';
  for (const c of tlv.content) s += String.fromCharCode(c);
  let m: RegExpMatchArray | null;
  let year: number;
  if (tlv.tag === Tag.UTCTime && (m = s.match(/^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/))) {
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (tlv.tag === Tag.GeneralizedTime && (m = s.match(/^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/))) {
    year = Number(m[1]);
  } else {
    throw malformedAt(path, tlv.offset, said('x509.timeForm', { text: JSON.stringify(s) }));
  }
  const [month, day, hour, minute, second] = m.slice(2).map(Number);
  const t = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(t);
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw malformedAt(path, tlv.offset, said('x509.badDate', { text: s }));
  }
  return d;
}

function timeField(tlv: Tlv, name: string, date: Date): Field {
  const form = tlv.tag === Tag.UTCTime ? 'UTCTime' : 'GeneralizedTime';
  return tlvField(tlv, name, { value: `${date.toISOString().replace('.000Z', 'Z')} (${form})`, rfc: `${RFC} §4.1.2.5` });
}

/** Certificates already parsed, by the identity of their DER bytes (callers do not mutate them). */
const parsed = new WeakMap<Uint8Array, Certificate>();

/** Decodes and annotates a DER certificate. Malformed input → TlsAlertError('bad_certificate'). */
export function parseCertificate(der: Uint8Array): Certificate {
  // The engine annotates a certificate and then verifies the same bytes: parse them once.
  const cached = parsed.get(der);
  if (cached) return cached;
  try {
    const certificate = parse(der);
    parsed.set(der, certificate);
    return certificate;
  } catch (err) {
    if (err instanceof TlsAlertError) throw err;
    const own = (err as { diagnostic?: unknown }).diagnostic;
    throw malformed(isDiagnostic(own) ? own : err instanceof Error ? err.message : String(err));
  }
}

function parse(der: Uint8Array): Certificate {
  const certTlv = readSingle(der, 'Certificate');
  if (certTlv.tag !== Tag.SEQUENCE) throw malformedAt('Certificate', certTlv.offset, said('wire.wrongTag', { expected: 'SEQUENCE', found: tagValue(certTlv.tag) }));
  const top = DerReader.inside(certTlv, 'Certificate');
  const tbs = top.next('tbsCertificate', Tag.SEQUENCE);
  const outerAlgTlv = top.next('signatureAlgorithm', Tag.SEQUENCE);
  const sigTlv = top.next('signatureValue', Tag.BIT_STRING);
  top.end();

  const t = DerReader.inside(tbs, top.at('tbsCertificate'));
  const tbsFields: Field[] = [];

  // RFC 5280 §4.1.2.1: version is [0] EXPLICIT, DEFAULT v1 (so absent for v1).
  let version: 1 | 2 | 3 = 1;
  const versionTlv = t.optional('version', contextTag(0, true));
  if (versionTlv) {
    const vr = DerReader.inside(versionTlv, t.at('version'));
    const v = decodeSmallInteger(vr.next('', Tag.INTEGER).content, t.at('version'));
    vr.end();
    if (v > 2) throw malformed(said('x509.version', { version: v }));
    version = (v + 1) as 1 | 2 | 3;
    tbsFields.push(tlvField(versionTlv, 'version', { value: `v${version} (${v})`, rfc: `${RFC} §4.1.2.1` }));
  }

  const serialTlv = t.next('serialNumber', Tag.INTEGER);
  if (serialTlv.content.length === 0) throw malformed(said('x509.emptySerial'));
  const serialBytes = serialTlv.content.length > 1 && serialTlv.content[0] === 0 ? serialTlv.content.subarray(1) : serialTlv.content;
  const serialNumber = toHex(serialBytes);
  tbsFields.push(tlvField(serialTlv, 'serialNumber', { value: serialNumber, rfc: `${RFC} §4.1.2.2` }));

  const innerAlgTlv = t.next('signature', Tag.SEQUENCE);
  const innerAlg = decodeSignatureAlgorithm(innerAlgTlv, 'signature', t.at('signature'), {
    rfc: `${RFC} §4.1.2.3`,
  });
  tbsFields.push(innerAlg.field);

  const issuer = decodeName(t.next('issuer', Tag.SEQUENCE), 'issuer', t.at('issuer'), { rfc: `${RFC} §4.1.2.4` });
  tbsFields.push(issuer.field);

  const validityTlv = t.next('validity', Tag.SEQUENCE);
  const vr = DerReader.inside(validityTlv, t.at('validity'));
  const nbTlv = vr.next('notBefore');
  const naTlv = vr.next('notAfter');
  vr.end();
  const notBefore = decodeTime(nbTlv, vr.at('notBefore'));
  const notAfter = decodeTime(naTlv, vr.at('notAfter'));
  tbsFields.push(
    tlvField(validityTlv, 'validity', { value: `${notBefore.toISOString()} – ${notAfter.toISOString()}`, rfc: `${RFC} §4.1.2.5` }, [
      timeField(nbTlv, 'notBefore', notBefore),
      timeField(naTlv, 'notAfter', notAfter),
    ]),
  );

  const subject = decodeName(t.next('subject', Tag.SEQUENCE), 'subject', t.at('subject'), { rfc: `${RFC} §4.1.2.6` });
  tbsFields.push(subject.field);

  const spkiTlv = t.next('subjectPublicKeyInfo', Tag.SEQUENCE);
  const spki = decodeSubjectPublicKeyInfo(spkiTlv, t.at('subjectPublicKeyInfo'));
  tbsFields.push(spki.field);

  // RFC 5280 §4.1.2.8: unique identifiers, v2 and v3 only; rare, kept as bytes.
  for (const [n, name] of [[1, 'issuerUniqueID'], [2, 'subjectUniqueID']] as const) {
    const u = t.optional(name, contextTag(n, false));
    if (!u) continue;
    if (version === 1) throw malformed(said('x509.uniqueIdV1', { field: name }));
    tbsFields.push(tlvField(u, name, { ...sizeValue(u.content.length), rfc: `${RFC} §4.1.2.8` }));
  }

  const extensions: Extensions = {};
  const extensionList: ExtensionEntry[] = [];
  const extsTlv = t.optional('extensions', contextTag(3, true));
  if (extsTlv) {
    if (version !== 3) throw malformed(said('x509.extensionsVersion', { version }));
    const er = DerReader.inside(extsTlv, t.at('extensions'));
    const seq = er.next('Extensions', Tag.SEQUENCE);
    er.end();
    const sr = DerReader.inside(seq, er.at('Extensions'));
    const extFields: Field[] = [];
    while (!sr.atEnd) {
      const { entry, field } = decodeExtension(sr.next('Extension', Tag.SEQUENCE), sr.at('Extension'), extensions);
      if (extensionList.some((e) => e.oid === entry.oid)) {
        throw malformed(said('x509.twice', { extension: entry.name }));
      }
      extensionList.push(entry);
      extFields.push(field);
    }
    if (extensionList.length === 0) throw malformed(said('x509.noExtensions'));
    tbsFields.push(
      tlvField(extsTlv, 'extensions', { value: `${extensionList.length} extensions`, words: { say: 'extensions', n: extensionList.length }, rfc: `${RFC} §4.2` }, [
        tlvField(seq, 'Extensions', { value: extensionList.map((e) => e.name).join(', ') }, extFields),
      ]),
    );
  }
  t.end();

  const outerAlg = decodeSignatureAlgorithm(outerAlgTlv, 'signatureAlgorithm', 'Certificate.signatureAlgorithm', {
    rfc: `${RFC} §4.1.1.2`,
  });
  // RFC 5280 §4.1.1.2: the signed copy must equal the unsigned one, or the algorithm could be swapped.
  if (toHex(outerAlg.algorithm.der) !== toHex(innerAlg.algorithm.der)) {
    throw malformed(said('x509.algorithmMismatch', { outer: outerAlg.algorithm.name, inner: innerAlg.algorithm.name }));
  }

  const { unusedBits, bits: signature } = decodeBitString(sigTlv.content, 'Certificate.signatureValue');
  if (unusedBits !== 0) throw malformed(said('x509.signatureBits'));
  const sigStart = sigTlv.offset + sigTlv.headerLength;
  const sigChildren: Field[] = [{ name: 'unusedBits', offset: sigStart, length: 1, value: '0' }];
  sigChildren.push(signatureField(signature, sigStart + 1, outerAlg.algorithm));

  const unknownCriticalExtensions = extensionList.filter((e) => e.critical && !e.understood).map((e) => e.name);
  const field = tlvField(certTlv, 'Certificate', { value: subject.name.display, rfc: `${RFC} §4.1` }, [
    tlvField(tbs, 'tbsCertificate', { value: `${tbs.length} bytes signed by the issuer`, words: { say: 'signed-bytes', n: tbs.length }, rfc: `${RFC} §4.1.1.1` }, tbsFields),
    outerAlg.field,
    tlvField(sigTlv, 'signatureValue', { ...sizeValue(signature.length), rfc: `${RFC} §4.1.1.3` }, sigChildren),
  ]);

  return {
    der,
    field,
    tbsDer: tbs.bytes,
    version,
    serialNumber,
    issuer: issuer.name,
    subject: subject.name,
    notBefore,
    notAfter,
    spki: spkiTlv.bytes,
    publicKey: spki.key,
    signatureAlgorithm: outerAlg.algorithm,
    signature,
    extensions,
    extensionList,
    unknownCriticalExtensions,
    sha256: toHex(sha256(der)),
  };
}

/** ECDSA signatures are a DER SEQUENCE { r, s } (RFC 3279 §2.2.3); annotate it when well formed. */
function signatureField(signature: Uint8Array, offset: number, alg: SignatureAlgorithm): Field {
  if (alg.family === 'ecdsa') {
    try {
      const seq = readSingle(signature, 'signatureValue', offset);
      if (seq.tag === Tag.SEQUENCE) {
        const r = DerReader.inside(seq, 'Ecdsa-Sig-Value');
        const rTlv = r.next('r', Tag.INTEGER);
        const sTlv = r.next('s', Tag.INTEGER);
        r.end();
        return tlvField(seq, 'Ecdsa-Sig-Value', { value: 'ECDSA signature (r, s)', words: { say: 'ecdsa-signature' }, rfc: 'RFC 3279 §2.2.3' }, [
          tlvField(rTlv, 'r', { ...sizeValue(rTlv.content.length) }),
          tlvField(sTlv, 's', { ...sizeValue(sTlv.content.length) }),
        ]);
      }
    } catch {
      // A malformed ECDSA signature is shown as bytes; verification will reject it.
    }
  }
  return { name: 'signature', offset, length: signature.length, ...sizeValue(signature.length) };
}

/**
 * The subject Name of a certificate without decoding the rest, for indexing a root store cheaply.
 * Throws bad_certificate on malformed DER.
 */
export function readSubject(der: Uint8Array): Name {
  const certTlv = readSingle(der, 'Certificate');
  const tbs = DerReader.inside(certTlv, 'Certificate').next('tbsCertificate', Tag.SEQUENCE);
  const t = DerReader.inside(tbs, 'Certificate.tbsCertificate');
  t.optional('version', contextTag(0, true));
  t.next('serialNumber', Tag.INTEGER);
  t.next('signature', Tag.SEQUENCE);
  t.next('issuer', Tag.SEQUENCE);
  t.next('validity', Tag.SEQUENCE);
  return decodeName(t.next('subject', Tag.SEQUENCE), 'subject', 'Certificate.tbsCertificate.subject').name;
}
