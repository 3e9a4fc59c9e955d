/**
 * The one strict DER (ITU-T X.690 §10) reader: certificates (lib/tls/x509) and the key and signature
 * structures of the crypto adapters (lib/tls/crypto) both decode through it, so they accept exactly
 * the same encodings. It keeps the absolute byte offset of every TLV, so the certificate parser can
 * lay an annotation tree over the bytes it decodes.
 *
 * DER, not BER: definite lengths in their shortest form, minimal encodings, no trailing bytes.
 * Written here rather than taken from a general BER library for that strictness, and to stay a few
 * hundred bytes in the browser bundle.
 *
 * What a malformed encoding becomes is the caller's business (a certificate is bad_certificate, the
 * user's own key is internal_error): each reader carries a DerFailure that turns "where" and "what"
 * into the error to throw.
 */
import { said, type Diagnostic, type DiagnosticValue } from '../diagnostics';
import { toHex } from './bytes';

/** Identifier octets used in X.509 and the key structures (all low tag numbers, so one octet each). */
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

/** One decoded tag-length-value. Offsets are absolute within the outermost input. */
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

/**
 * Builds the error for a malformed encoding. `at` is the dotted path of the field
 * ("Certificate.tbsCertificate.validity"), `byte` its absolute offset when known, `problem` what is
 * wrong, as a diagnostic (lib/tls/diagnostics: 'wire.wrongTag'…) to nest in the caller's own.
 */
export type DerFailure = (at: string, byte: number | undefined, problem: Diagnostic) => Error;

/** Reports a problem found in a value's content octets; never returns. */
export type ContentFailure = (problem: Diagnostic) => never;

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
  return inWords(tag) ?? `tag ${tagHex(tag)}`;
}

/** A tag's ASN.1 name, or [n] for a context-specific one; undefined for any other. */
function inWords(tag: number): string | undefined {
  if (TAG_NAMES[tag]) return TAG_NAMES[tag];
  if ((tag & 0xc0) === 0x80) return `[${tag & 0x1f}]`;
  return undefined;
}

const tagHex = (tag: number): string => `0x${tag.toString(16).padStart(2, '0')}`;

/** A tag as a diagnostic's value: its name, or "tag 0x0c" worded in the reader's language. */
export function tagValue(tag: number): DiagnosticValue {
  return inWords(tag) ?? said('wire.tag', { tag: tagHex(tag) });
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
    private readonly failure: DerFailure,
  ) {}

  /** Reader over the content of a TLV, failing the same way as this one; `path` names that TLV. */
  inside(tlv: Tlv, path: string): DerReader {
    return new DerReader(tlv.content, tlv.offset + tlv.headerLength, path, this.failure);
  }

  /** Path of a child field, for nested readers and error messages. */
  at(name: string): string {
    return name ? `${this.path}.${name}` : this.path;
  }

  get atEnd(): boolean {
    return this.pos >= this.data.length;
  }

  /** Identifier octet of the next TLV, or undefined at the end. */
  peekTag(): number | undefined {
    return this.atEnd ? undefined : this.data[this.pos];
  }

  /** Throws the caller's error for field `what` at `byte` (default: the next unread byte). */
  fail(what: string, problem: Diagnostic, byte = this.base + this.pos): never {
    throw this.failure(this.at(what), byte, problem);
  }

  /** The next TLV, which must carry `expected` when given. */
  next(what: string, expected?: number): Tlv {
    const start = this.pos;
    const d = this.data;
    if (start >= d.length) this.fail(what, expected !== undefined ? said('wire.ended', { tag: tagValue(expected) }) : said('wire.endedValue'));
    const tag = d[start];
    // X.690 §8.1.2.4: tag numbers ≥ 31 take several octets; neither X.509 nor the key formats use them.
    if ((tag & 0x1f) === 0x1f) this.fail(what, said('wire.highTag'));
    if (expected !== undefined && tag !== expected) this.fail(what, said('wire.wrongTag', { expected: tagValue(expected), found: tagValue(tag) }));
    if (start + 1 >= d.length) this.fail(what, said('wire.noLength'));
    let p = start + 1;
    const first = d[p++];
    let len: number;
    if (first < 0x80) {
      len = first;
    } else if (first === 0x80) {
      this.fail(what, said('wire.indefinite'));
    } else {
      const n = first & 0x7f;
      if (n > 4) this.fail(what, said('wire.longLength', { octets: n }));
      if (p + n > d.length) this.fail(what, said('wire.lengthPastEnd'));
      if (d[p] === 0) this.fail(what, said('wire.leadingZero'));
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + d[p++];
      if (len < 0x80) this.fail(what, said('wire.shortForm', { length: len }));
    }
    const headerLength = p - start;
    if (len > d.length - p) this.fail(what, said('wire.derOverrun', { length: len, remaining: d.length - p }));
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
    if (!this.atEnd) this.fail('', said('wire.derTrailing', { count: this.data.length - this.pos }));
  }

  /** A SEQUENCE (or any constructed element with `tag`), as a reader over its contents. */
  sequence(what: string, tag: number = Tag.SEQUENCE): DerReader {
    return this.inside(this.next(what, tag), this.at(what));
  }

  /** An optional constructed element with `tag` (e.g. `[0] EXPLICIT`), as a reader over its contents. */
  optionalSequence(what: string, tag: number): DerReader | undefined {
    return this.peekTag() === tag ? this.sequence(what, tag) : undefined;
  }

  /** The next value, which must carry `tag`, decoded by `decode` with failures reported at its TLV. */
  private value<T>(what: string, tag: number, decode: (content: Uint8Array, fail: ContentFailure) => T): T {
    const tlv = this.next(what, tag);
    return decode(tlv.content, (problem) => this.fail(what, problem, tlv.offset));
  }

  /** A strictly DER-encoded non-negative INTEGER (X.690 §8.3). */
  unsignedInteger(what: string): bigint {
    return this.value(what, Tag.INTEGER, decodeUnsignedInteger);
  }

  /** A small INTEGER such as a version number. */
  smallInteger(what: string): number {
    const tlv = this.next(what, Tag.INTEGER);
    const v = decodeUnsignedInteger(tlv.content, (problem) => this.fail(what, problem, tlv.offset));
    if (v > 0xffffn) this.fail(what, said('wire.bigVersion', { value: String(v) }), tlv.offset);
    return Number(v);
  }

  oid(what: string): string {
    return this.value(what, Tag.OID, decodeOid);
  }

  null(what: string): void {
    this.value(what, Tag.NULL, decodeNull);
  }

  octetString(what: string): Uint8Array {
    return this.next(what, Tag.OCTET_STRING).content;
  }

  /** A BIT STRING holding whole bytes (keys always do): the unused-bits octet must be 0. */
  bitStringBytes(what: string): Uint8Array {
    const tlv = this.next(what, Tag.BIT_STRING);
    const { unusedBits, bits } = decodeBitString(tlv.content, (problem) => this.fail(what, problem, tlv.offset));
    if (unusedBits !== 0) this.fail(what, said('wire.keyBits', { bits: unusedBits }), tlv.offset);
    return bits;
  }
}

/** Parses `data` as exactly one TLV (nothing before or after it). */
export function readSingle(data: Uint8Array, path: string, base: number, failure: DerFailure): Tlv {
  const r = new DerReader(data, base, path, failure);
  const tlv = r.next('');
  r.end();
  return tlv;
}

// --- content decoders (X.690 §8), each reporting a malformed value through `fail` ---

/** Dotted-decimal form of an OBJECT IDENTIFIER's content octets (X.690 §8.19). */
export function decodeOid(content: Uint8Array, fail: ContentFailure): string {
  if (content.length === 0) fail(said('wire.emptyOid'));
  const arcs: number[] = [];
  let v = 0;
  let fresh = true;
  for (const b of content) {
    // X.690 §8.19.2: each subidentifier in the fewest octets, so it never starts with 0x80.
    if (fresh && b === 0x80) fail(said('wire.oidPadding'));
    v = v * 128 + (b & 0x7f);
    fresh = (b & 0x80) === 0;
    if (fresh) {
      arcs.push(v);
      v = 0;
    }
  }
  if (!fresh) fail(said('wire.oidTruncated'));
  // X.690 §8.19.4: the first subidentifier packs the first two arcs.
  const first = arcs[0] < 40 ? 0 : arcs[0] < 80 ? 1 : 2;
  return [first, arcs[0] - first * 40, ...arcs.slice(1)].join('.');
}

/** A non-negative INTEGER in its minimal encoding (X.690 §8.3.2): all our big integers are. */
export function decodeUnsignedInteger(content: Uint8Array, fail: ContentFailure): bigint {
  if (content.length === 0) fail(said('wire.emptyInteger'));
  // X.690 §8.3.2: the first nine bits must not be all zeros or all ones.
  if (content.length > 1 && ((content[0] === 0 && content[1] < 0x80) || (content[0] === 0xff && content[1] >= 0x80))) {
    fail(said('wire.integerPadding'));
  }
  if (content[0] & 0x80) fail(said('wire.negative'));
  return bytesToBigInt(content);
}

/** A non-negative INTEGER that fits in a JS number (pathLenConstraint, version). */
export function decodeSmallInteger(content: Uint8Array, fail: ContentFailure): number {
  if (content.length === 0 || content.length > 6 || (content[0] & 0x80) !== 0) fail(said('wire.notSmall'));
  let v = 0;
  for (const b of content) v = v * 256 + b;
  return v;
}

export function decodeBoolean(content: Uint8Array, fail: ContentFailure): boolean {
  // X.690 §11.1: DER encodes TRUE as 0xFF only.
  if (content.length !== 1 || (content[0] !== 0 && content[0] !== 0xff)) fail(said('wire.boolean'));
  return content[0] === 0xff;
}

/** NULL (X.690 §8.8): no contents. */
export function decodeNull(content: Uint8Array, fail: ContentFailure): void {
  if (content.length !== 0) fail(said('wire.nullContents'));
}

/** BIT STRING content (X.690 §8.6.2): the unused-bits octet and the bits. */
export function decodeBitString(content: Uint8Array, fail: ContentFailure): { unusedBits: number; bits: Uint8Array } {
  if (content.length === 0 || content[0] > 7 || (content.length === 1 && content[0] !== 0)) fail(said('wire.unusedBits'));
  return { unusedBits: content[0], bits: content.subarray(1) };
}

/** OS2IP (RFC 8017 §4.2). Via a hex string: an order of magnitude faster than shifting per byte. */
export function bytesToBigInt(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt('0x' + toHex(b));
}
