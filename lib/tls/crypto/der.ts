/**
 * A small, strict DER reader and writer (ITU-T X.690 §8 and §10) for the few structures the crypto
 * adapters need: SubjectPublicKeyInfo, PKCS#8 PrivateKeyInfo and ECDSA-Sig-Value. Certificates
 * themselves are parsed elsewhere; this stays hand-rolled to keep the browser bundle small.
 *
 * DER, not BER: definite lengths in their shortest form, minimal INTEGER encodings, no trailing
 * bytes. Anything else is a DerError naming the field that was being read.
 */

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

/** Universal tags (X.690 §8.1.2, X.208) and the context-specific ones the structures above use. */
export const Tag = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OBJECT_IDENTIFIER: 0x06,
  SEQUENCE: 0x30,
  context: (n: number, constructed = true): number => (constructed ? 0xa0 : 0x80) | n,
} as const;

export interface Tlv {
  tag: number;
  /** Offset of the tag byte in the outermost input. */
  offset: number;
  /** Offset of the first contents byte in the outermost input. */
  contentsOffset: number;
  contents: Uint8Array;
}

export class DerReader {
  private pos = 0;

  /**
   * @param bytes the contents to walk
   * @param what  a name for error messages ("SubjectPublicKeyInfo", "RSAPublicKey", ...)
   * @param base  offset of `bytes` in the outermost input, so errors can point at a byte
   */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
    private readonly base = 0,
  ) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  /** The tag of the next element, or undefined at the end. */
  peekTag(): number | undefined {
    return this.done ? undefined : this.bytes[this.pos];
  }

  /** Reads one element of any tag. */
  read(field: string): Tlv {
    const b = this.bytes;
    const offset = this.base + this.pos;
    if (this.pos >= b.length) throw this.error(field, 'is missing');
    const tag = b[this.pos];
    // X.690 §8.1.2.4: tag numbers ≥ 31 use the multi-byte form; none of our structures have them.
    if ((tag & 0x1f) === 0x1f) throw this.error(field, `uses a multi-byte tag (0x${hex(tag)}), not expected here`);
    if (this.pos + 1 >= b.length) throw this.error(field, 'is truncated (no length byte)');
    let length = b[this.pos + 1];
    let header = 2;
    if (length & 0x80) {
      const n = length & 0x7f;
      // X.690 §10.1: DER uses the definite form only.
      if (n === 0) throw this.error(field, 'uses an indefinite length, which DER forbids');
      if (n > 4) throw this.error(field, `has a ${n}-byte length, too long for this structure`);
      if (this.pos + 2 + n > b.length) throw this.error(field, 'is truncated (inside its length)');
      length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + b[this.pos + 2 + i];
      // X.690 §10.1: the length must be encoded in the fewest octets.
      if (length < 0x80 || b[this.pos + 2] === 0) throw this.error(field, 'has a non-minimal length encoding, which DER forbids');
      header += n;
    }
    const start = this.pos + header;
    if (start + length > b.length) {
      throw this.error(field, `claims ${length} bytes but only ${b.length - start} remain`);
    }
    this.pos = start + length;
    return { tag, offset, contentsOffset: this.base + start, contents: b.subarray(start, start + length) };
  }

  /** Reads one element that must carry `tag`; returns its contents. */
  expect(tag: number, field: string): Uint8Array {
    return this.expectTlv(tag, field).contents;
  }

  private expectTlv(tag: number, field: string): Tlv {
    const got = this.peekTag();
    if (got === undefined) throw this.error(field, 'is missing');
    if (got !== tag) throw this.error(field, `has tag 0x${hex(got)}, expected 0x${hex(tag)}`);
    return this.read(field);
  }

  /** A SEQUENCE (or any constructed element with `tag`), as a reader over its contents. */
  sequence(field: string, tag: number = Tag.SEQUENCE): DerReader {
    const tlv = this.expectTlv(tag, field);
    return new DerReader(tlv.contents, `${this.what}.${field}`, tlv.contentsOffset);
  }

  /** An optional element with `tag` (e.g. `[0] EXPLICIT`), as a reader over its contents. */
  optional(tag: number, field: string): DerReader | undefined {
    if (this.peekTag() !== tag) return undefined;
    return this.sequence(field, tag);
  }

  /** An INTEGER (X.690 §8.3), which must be non-negative here (all our integers are). */
  unsignedInteger(field: string): bigint {
    const c = this.expect(Tag.INTEGER, field);
    if (c.length === 0) throw this.error(field, 'is an empty INTEGER');
    // X.690 §8.3.2: the first nine bits must not be all zeros or all ones.
    if (c.length > 1 && ((c[0] === 0 && c[1] < 0x80) || (c[0] === 0xff && c[1] >= 0x80))) {
      throw this.error(field, 'is a non-minimal INTEGER encoding, which DER forbids');
    }
    if (c[0] & 0x80) throw this.error(field, 'is a negative INTEGER');
    return bytesToBigInt(c);
  }

  /** A small INTEGER such as a version number. */
  smallInteger(field: string): number {
    const v = this.unsignedInteger(field);
    if (v > 0xffffn) throw this.error(field, `is ${v}, larger than any version this structure has`);
    return Number(v);
  }

  /** An OBJECT IDENTIFIER in dotted form (X.690 §8.19). */
  oid(field: string): string {
    const c = this.expect(Tag.OBJECT_IDENTIFIER, field);
    if (c.length === 0) throw this.error(field, 'is an empty OBJECT IDENTIFIER');
    const arcs: number[] = [];
    let value = 0;
    let fresh = true;
    for (let i = 0; i < c.length; i++) {
      // X.690 §8.19.2: each subidentifier in the fewest octets, so it never starts with 0x80.
      if (fresh && c[i] === 0x80) throw this.error(field, 'has a non-minimal subidentifier');
      if (value > 0x00ffffff) throw this.error(field, 'has a subidentifier too large to be one we know');
      value = value * 128 + (c[i] & 0x7f);
      fresh = (c[i] & 0x80) === 0;
      if (fresh) {
        if (arcs.length === 0) {
          const first = value < 80 ? Math.floor(value / 40) : 2;
          arcs.push(first, value - first * 40);
        } else {
          arcs.push(value);
        }
        value = 0;
      }
    }
    if (!fresh) throw this.error(field, 'ends in the middle of a subidentifier');
    return arcs.join('.');
  }

  /** NULL (X.690 §8.8): no contents. */
  null(field: string): void {
    const c = this.expect(Tag.NULL, field);
    if (c.length !== 0) throw this.error(field, 'is a NULL with contents');
  }

  /** A BIT STRING holding whole bytes (keys always do): the unused-bits octet must be 0. */
  bitStringBytes(field: string): Uint8Array {
    const c = this.expect(Tag.BIT_STRING, field);
    if (c.length === 0) throw this.error(field, 'is a BIT STRING without its unused-bits octet');
    if (c[0] !== 0) throw this.error(field, `is a BIT STRING with ${c[0]} unused bits; a key is a whole number of bytes`);
    return c.subarray(1);
  }

  octetString(field: string): Uint8Array {
    return this.expect(Tag.OCTET_STRING, field);
  }

  /** Asserts the reader is exhausted: DER structures carry no trailing bytes. */
  end(): void {
    if (!this.done) {
      throw new DerError(`${this.what}: ${this.bytes.length - this.pos} unexpected trailing byte(s) at offset ${this.base + this.pos}`);
    }
  }

  private error(field: string, problem: string): DerError {
    return new DerError(`${this.what}.${field} ${problem} (offset ${this.base + this.pos})`);
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

const hexByte = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex; through a table because RSA moduli and cache keys make this hot. */
export function hexOf(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += hexByte[b[i]];
  return s;
}

/** OS2IP (RFC 8017 §4.2). Via a hex string: an order of magnitude faster than shifting per byte. */
export function bytesToBigInt(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt('0x' + hexOf(b));
}

/** I2OSP (RFC 8017 §4.1): `value` as exactly `length` big-endian bytes; throws if it does not fit. */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  if (value < 0n) throw new RangeError('negative integer');
  const hex = value.toString(16);
  const digits = hex.length;
  if (digits > 2 * length) throw new RangeError(`integer does not fit in ${length} bytes`);
  const out = new Uint8Array(length);
  // Walk from the least significant end; an odd digit count leaves a lone high nibble.
  for (let i = length - 1, end = digits; end > 0; i--, end -= 2) {
    out[i] = parseInt(hex.slice(Math.max(0, end - 2), end), 16);
  }
  return out;
}

export function bitLength(v: bigint): number {
  if (v === 0n) return 0;
  const hex = v.toString(16);
  return (hex.length - 1) * 4 + parseInt(hex[0], 16).toString(2).length;
}

// --- writer: only what ECDSA-Sig-Value and the webcrypto key encodings need ---

function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function derElement(tag: number, contents: Uint8Array): Uint8Array {
  const len = encodeLength(contents.length);
  const out = new Uint8Array(1 + len.length + contents.length);
  out[0] = tag;
  out.set(len, 1);
  out.set(contents, 1 + len.length);
  return out;
}

/** A non-negative INTEGER in its minimal encoding (X.690 §8.3.2). */
export function derUnsignedInteger(v: bigint): Uint8Array {
  if (v < 0n) throw new RangeError('negative integer');
  const len = Math.max(1, Math.ceil(bitLength(v) / 8));
  const raw = bigIntToBytes(v, len);
  // A leading 1 bit would make it negative: prefix a zero byte.
  return derElement(Tag.INTEGER, raw[0] & 0x80 ? Uint8Array.of(0, ...raw) : raw);
}

export function derSequence(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const body = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    body.set(p, o);
    o += p.length;
  }
  return derElement(Tag.SEQUENCE, body);
}
