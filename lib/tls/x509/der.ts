/**
 * The strict DER reader of lib/tls/wire/der, failing the way a certificate must (RFC 5280 §4.1:
 * certificates are DER): every malformed encoding is a bad_certificate naming the field's path and
 * byte. Plus tlvField, which lays an annotation node over one decoded TLV.
 */
import { TlsAlertError } from '../errors';
import type { Field, FieldInfo } from '../wire/field';
import * as der from '../wire/der';
import type { ContentFailure, DerFailure, Tlv } from '../wire/der';

export { Tag, contextTag, isConstructed, tagName, type Tlv } from '../wire/der';

export function badCertificate(message: string): TlsAlertError {
  return new TlsAlertError('bad_certificate', message);
}

const malformedCertificate: DerFailure = (at, byte, problem) =>
  badCertificate(`malformed certificate DER at ${at}${byte === undefined ? '' : ` (byte ${byte})`}: ${problem}`);

/** Reports a malformed value found at `path` (the content decoders below know no byte offset). */
function failAt(path: string): ContentFailure {
  return (problem) => {
    throw malformedCertificate(path, undefined, problem);
  };
}

/** A DER reader whose failures are bad_certificate. */
export class DerReader extends der.DerReader {
  constructor(data: Uint8Array, base: number, path: string) {
    super(data, base, path, malformedCertificate);
  }

  /** Reader over the content of a TLV; `path` names that TLV in error messages. */
  static inside(tlv: Tlv, path: string): DerReader {
    return new DerReader(tlv.content, tlv.offset + tlv.headerLength, path);
  }
}

/** Parses `data` as exactly one TLV (nothing before or after it). */
export function readSingle(data: Uint8Array, name: string, base = 0): Tlv {
  return der.readSingle(data, name, base, malformedCertificate);
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
