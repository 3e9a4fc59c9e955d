/**
 * The strict DER reader of lib/tls/wire/der, failing the way a certificate must (RFC 5280 §4.1:
 * certificates are DER): every malformed encoding is a bad_certificate naming the field's path and
 * byte. Plus tlvField, which lays an annotation node over one decoded TLV.
 */
import { said, type Diagnostic, type DiagnosticValue } from '../diagnostics';
import { TlsAlertError } from '../errors';
import type { Field, FieldInfo } from '../wire/field';
import * as der from '../wire/der';
import type { ContentFailure, DerFailure, Tlv } from '../wire/der';

export { Tag, contextTag, isConstructed, tagName, tagValue, type Tlv } from '../wire/der';

/** A certificate that cannot be used: bad_certificate (RFC 8446 §6.2), with what is wrong. */
export function badCertificate(diagnostic: Diagnostic): TlsAlertError {
  return new TlsAlertError('bad_certificate', diagnostic);
}

/**
 * A certificate whose structure is wrong, not at one DER field ("version 3 is not v1, v2 or v3"), or
 * another library's error message, quoted.
 */
export function malformed(problem: DiagnosticValue): TlsAlertError {
  return badCertificate(said('x509.malformed', { problem }));
}

/** A DER fault at the field `at` ("Certificate.tbsCertificate.validity"), at its byte when known. */
export const malformedAt: DerFailure = (at, byte, problem) =>
  badCertificate(byte === undefined ? said('x509.der', { at, problem }) : said('x509.derAt', { at, byte, problem }));

/** Reports a malformed value found at `path` (the content decoders below know no byte offset). */
function failAt(path: string): ContentFailure {
  return (problem) => {
    throw malformedAt(path, undefined, problem);
  };
}

/** A DER reader whose failures are bad_certificate. */
export class DerReader extends der.DerReader {
  constructor(data: Uint8Array, base: number, path: string) {
    super(data, base, path, malformedAt);
  }

  /** Reader over the content of a TLV; `path` names that TLV in error messages. */
  static inside(tlv: Tlv, path: string): DerReader {
    return new DerReader(tlv.content, tlv.offset + tlv.headerLength, path);
  }
}

/** Parses `data` as exactly one TLV (nothing before or after it). */
export function readSingle(data: Uint8Array, name: string, base = 0): Tlv {
  return der.readSingle(data, name, base, malformedAt);
}

/** Dotted-decimal form of an OBJECT IDENTIFIER's content octets (X.690 §8.19). */
export function decodeOid(content: Uint8Array, path: string): string {
  return der.decodeOid(content, failAt(path));
}

/** A non-negative INTEGER that fits in a JS number (pathLenConstraint, version). */
export function decodeSmallInteger(content: Uint8Array, path: string): number {
  return der.decodeSmallInteger(content, failAt(path));
}

export function decodeBoolean(content: Uint8Array, path: string): boolean {
  return der.decodeBoolean(content, failAt(path));
}

/** BIT STRING content: the unused-bits octet and the bits. */
export function decodeBitString(content: Uint8Array, path: string): { unusedBits: number; bits: Uint8Array } {
  return der.decodeBitString(content, failAt(path));
}

/** An annotation node covering one whole TLV (header and content). */
export function tlvField(tlv: Tlv, name: string, info: FieldInfo = {}, children?: Field[]): Field {
  const field: Field = { name, offset: tlv.offset, length: tlv.length, ...info };
  if (children && children.length > 0) field.children = children;
  return field;
}
