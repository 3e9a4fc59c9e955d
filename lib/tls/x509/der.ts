/**
 * A strict DER (ITU-T X.690 §10) reader that keeps the byte offset of every TLV, so the certificate
 * parser can lay an annotation tree over the exact bytes it decodes. Written here rather than taken
 * from a general BER library because certificates must be DER (RFC 5280 §4.1): indefinite lengths,
 * non-minimal length octets and trailing bytes are rejected, and the reader stays a few hundred
 * bytes in the browser bundle.
 */
import { TlsAlertError } from '../errors';
import type { Field, FieldInfo } from '../wire/field';

/** Identifier octets used in X.509 (all low tag numbers, so one octet each). */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8String: 0x0c,
  PrintableString: 0x13,
  TeletexString: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  VisibleString: 0x1a,
  UniversalString: 0x1c,
  BMPString: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** [n] IMPLICIT primitive / [n] constructed (EXPLICIT, or IMPLICIT of a constructed type). */
export const contextTag = (n: number, constructed: boolean): number => 0x80 | (constructed ? 0x20 : 0) | n;

export function isConstructed(tag: number): boolean {
  return (tag & 0x20) !== 0;
}

/** One decoded tag-length-value. Offsets are absolute within the bytes being annotated. */
export interface Tlv {
  tag: number;
  offset: number;
  /** Identifier and length octets. */
  headerLength: number;
  /** Header plus content. */
  length: number;
  content: Uint8Array;
  /** The whole encoding, header included (a view, not a copy). */
  bytes: Uint8Array;
}

export function badCertificate(message: string): TlsAlertError {
  return new TlsAlertError('bad_certificate', message);
}

const TAG_NAMES: Record<number, string> = {
  [Tag.BOOLEAN]: 'BOOLEAN',
  [Tag.INTEGER]: 'INTEGER',
  [Tag.BIT_STRING]: 'BIT STRING',
  [Tag.OCTET_STRING]: 'OCTET STRING',
  [Tag.NULL]: 'NULL',
  [Tag.OID]: 'OBJECT IDENTIFIER',
  [Tag.UTCTime]: 'UTCTime',
  [Tag.GeneralizedTime]: 'GeneralizedTime',
  [Tag.SEQUENCE]: 'SEQUENCE',
  [Tag.SET]: 'SET',
};

export function tagName(tag: number): string {
  if (TAG_NAMES[tag]) return TAG_NAMES[tag];
  if ((tag & 0xc0) === 0x80) return `[${tag & 0x1f}]`;
  return `tag 0x${tag.toString(16).padStart(2, '0')}`;
}

/**
 * Reads consecutive TLVs from `data` (whose first byte sits at absolute offset `base`). `path` names
 * the enclosing structure in error messages: "tbsCertificate.validity".
 */
export class DerReader {
  private pos = 0;

  constructor(
    private readonly data: Uint8Array,
    private readonly base: number,
    readonly path: string,
  ) {}

  /** Reader over the content of a TLV; `path` names that TLV in error messages. */
  static inside(tlv: Tlv, path: string): DerReader {
    return new DerReader(tlv.content, tlv.offset + tlv.headerLength, path);
  }

  /** Path of a child field, for nested readers and error messages. */
  at(name: string): string {
    return `${this.path}.${name}`;
  }

  get atEnd(): boolean {
    return this.pos >= this.data.length;
  }

  /** Identifier octet of the next TLV, or undefined at the end. */
  peekTag(): number | undefined {
    return this.atEnd ? undefined : this.data[this.pos];
  }

  private fail(what: string, message: string): never {
    throw badCertificate(`malformed certificate DER at ${this.path}${what ? '.' + what : ''} (byte ${this.base + this.pos}): ${message}`);
  }

  /** The next TLV, which must carry `expected` when given. */
  next(what: string, expected?: number): Tlv {
    const start = this.pos;
    const d = this.data;
    if (start >= d.length) this.fail(what, `expected ${expected !== undefined ? tagName(expected) : 'a value'} but the structure ended`);
    const tag = d[start];
    if ((tag & 0x1f) === 0x1f) this.fail(what, 'high tag numbers are not used in X.509');
    if (expected !== undefined && tag !== expected) this.fail(what, `expected ${tagName(expected)} but found ${tagName(tag)}`);
    if (start + 1 >= d.length) this.fail(what, 'the length octet is missing');
    let p = start + 1;
    const first = d[p++];
    let len: number;
    if (first < 0x80) {
      len = first;
    } else if (first === 0x80) {
      this.fail(what, 'indefinite length is BER, not DER (X.690 §10.1)');
    } else {
      const n = first & 0x7f;
      if (n > 4) this.fail(what, `a ${n}-octet length is not plausible`);
      if (p + n > d.length) this.fail(what, 'the length octets run past the end');
      if (d[p] === 0) this.fail(what, 'length has a leading zero octet (not minimal, X.690 §10.1)');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + d[p++];
      if (len < 0x80) this.fail(what, `length ${len} must use the short form (X.690 §10.1)`);
    }
    const headerLength = p - start;
    if (len > d.length - p) this.fail(what, `length ${len} exceeds the ${d.length - p} bytes that remain`);
    this.pos = p + len;
    return {
      tag,
      offset: this.base + start,
      headerLength,
      length: headerLength + len,
      content: d.subarray(p, p + len),
      bytes: d.subarray(start, p + len),
    };
  }

  /** The next TLV if it carries `tag` (OPTIONAL / DEFAULT fields), else undefined. */
  optional(what: string, tag: number): Tlv | undefined {
    return this.peekTag() === tag ? this.next(what, tag) : undefined;
  }

  /** Every structure must be consumed exactly: leftover bytes are an encoding error. */
  end(): void {
    if (!this.atEnd) this.fail('', `${this.data.length - this.pos} unexpected bytes after the last field`);
  }
}

/** Parses `der` as exactly one TLV (nothing before or after it). */
export function readSingle(der: Uint8Array, name: string, base = 0): Tlv {
  const r = new DerReader(der, base, name);
  const tlv = r.next('');
  r.end();
  return tlv;
}

/** Dotted-decimal form of an OBJECT IDENTIFIER's content octets (X.690 §8.19). */
export function decodeOid(content: Uint8Array, path: string): string {
  if (content.length === 0) throw badCertificate(`malformed certificate DER at ${path}: empty OBJECT IDENTIFIER`);
  const arcs: number[] = [];
  let v = 0;
  let fresh = true;
  for (const b of content) {
    if (fresh && b === 0x80) throw badCertificate(`malformed certificate DER at ${path}: OBJECT IDENTIFIER arc with a leading 0x80 octet`);
    v = v * 128 + (b & 0x7f);
    fresh = (b & 0x80) === 0;
    if (fresh) {
      arcs.push(v);
      v = 0;
    }
  }
  if (!fresh) throw badCertificate(`malformed certificate DER at ${path}: truncated OBJECT IDENTIFIER`);
  const first = arcs[0] < 40 ? 0 : arcs[0] < 80 ? 1 : 2;
  return [first, arcs[0] - first * 40, ...arcs.slice(1)].join('.');
}

/** A non-negative INTEGER that fits in a JS number (pathLenConstraint, version). */
export function decodeSmallInteger(content: Uint8Array, path: string): number {
  if (content.length === 0 || content.length > 6 || (content[0] & 0x80) !== 0) {
    throw badCertificate(`malformed certificate DER at ${path}: expected a small non-negative INTEGER`);
  }
  let v = 0;
  for (const b of content) v = v * 256 + b;
  return v;
}

export function decodeBoolean(content: Uint8Array, path: string): boolean {
  // X.690 §11.1: DER encodes TRUE as 0xFF only.
  if (content.length !== 1 || (content[0] !== 0 && content[0] !== 0xff)) {
    throw badCertificate(`malformed certificate DER at ${path}: a BOOLEAN is one octet, 0x00 or 0xFF`);
  }
  return content[0] === 0xff;
}

/** BIT STRING content: the unused-bits octet and the bits. */
export function decodeBitString(content: Uint8Array, path: string): { unusedBits: number; bits: Uint8Array } {
  if (content.length === 0 || content[0] > 7 || (content.length === 1 && content[0] !== 0)) {
    throw badCertificate(`malformed certificate DER at ${path}: bad BIT STRING unused-bits octet`);
  }
  return { unusedBits: content[0], bits: content.subarray(1) };
}

/** An annotation node covering one whole TLV (header and content). */
export function tlvField(tlv: Tlv, name: string, info: FieldInfo = {}, children?: Field[]): Field {
  const field: Field = { name, offset: tlv.offset, length: tlv.length, ...info };
  if (children && children.length > 0) field.children = children;
  return field;
}
