import { said, type Diagnostic } from '../diagnostics';
import { decodeError } from '../errors';
import { shiftField, type Field, type FieldInfo, sizeValue } from './field';

type Describe<T> = FieldInfo | ((value: T) => FieldInfo) | undefined;

function info<T>(describe: Describe<T>, value: T): FieldInfo {
  if (!describe) return {};
  return typeof describe === 'function' ? describe(value) : describe;
}

/**
 * Reads TLS wire structures and records an annotation node for every byte it consumes.
 * Length-prefixed vectors open a sub-range that must be consumed exactly (else decode_error),
 * the way cryptobyte's String works.
 */
export class Reader {
  private pos = 0;
  private readonly limits: number[] = [];
  private readonly open: Field[];

  constructor(
    private readonly data: Uint8Array,
    rootName: string,
    rootInfo: FieldInfo = {},
    /** Offset of data[0] within the bytes the annotation will be shown over. */
    private readonly base = 0,
  ) {
    this.open = [{ name: rootName, offset: base, length: data.length, ...rootInfo, children: [] }];
  }

  /** The root of the annotation tree built so far. */
  get field(): Field {
    return this.open[0];
  }

  get offset(): number {
    return this.pos;
  }

  private get limit(): number {
    return this.limits.length ? this.limits[this.limits.length - 1] : this.data.length;
  }

  get remaining(): number {
    return this.limit - this.pos;
  }

  get atEnd(): boolean {
    return this.pos === this.limit;
  }

  /**
   * Where a failure is, for its diagnostic: the message (the root node) and the dotted path of the
   * open nodes below it ("ServerHello" and "extensions.key_share"), each a value of its own.
   */
  private where(name?: string): Diagnostic {
    const [message, ...fields] = [...this.open.map((n) => n.name), ...(name ? [name] : [])];
    return fields.length ? said('wire.at', { message, field: fields.join('.') }) : said('wire.in', { message });
  }

  private take(name: string, n: number): Uint8Array {
    if (n > this.remaining) {
      throw decodeError(said('wire.short', { at: this.where(name), needed: n, remaining: this.remaining }));
    }
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private add(field: Field): void {
    const parent = this.open[this.open.length - 1];
    (parent.children ??= []).push(field);
  }

  private leaf(name: string, start: number, fi: FieldInfo): void {
    this.add({ name, offset: this.base + start, length: this.pos - start, ...fi });
  }

  private uint(name: string, width: number, describe: Describe<number>): number {
    const start = this.pos;
    const b = this.take(name, width);
    let v = 0;
    for (const x of b) v = v * 256 + x;
    this.leaf(name, start, info(describe, v));
    return v;
  }

  u8(name: string, describe?: Describe<number>): number {
    return this.uint(name, 1, describe);
  }

  u16(name: string, describe?: Describe<number>): number {
    return this.uint(name, 2, describe);
  }

  u24(name: string, describe?: Describe<number>): number {
    return this.uint(name, 3, describe);
  }

  u32(name: string, describe?: Describe<number>): number {
    return this.uint(name, 4, describe);
  }

  /** A fixed number of opaque bytes. Returns a copy. */
  bytes(name: string, n: number, describe?: Describe<Uint8Array>): Uint8Array {
    const start = this.pos;
    const b = this.take(name, n).slice();
    this.leaf(name, start, info(describe, b));
    return b;
  }

  /** Everything left in the current range. */
  rest(name: string, describe?: Describe<Uint8Array>): Uint8Array {
    return this.bytes(name, this.remaining, describe);
  }

  /** Groups the fields read by `body` under one node, without a length prefix. */
  struct<T>(name: string, body: (r: this) => T, describe?: Describe<T>): T {
    const node: Field = { name, offset: this.base + this.pos, length: 0, children: [] };
    this.add(node);
    this.open.push(node);
    try {
      const value = body(this);
      Object.assign(node, info(describe, value));
      return value;
    } finally {
      this.open.pop();
      node.length = this.base + this.pos - node.offset;
    }
  }

  /**
   * A vector with a `lengthBytes`-byte length prefix. `body` reads its content and must consume it
   * exactly; the prefix appears as a child named "length".
   */
  vector<T>(name: string, lengthBytes: 1 | 2 | 3, body: (r: this) => T, describe?: Describe<T>): T {
    return this.struct(name, () => this.prefixed('length', lengthBytes, body), describe);
  }

  /** A length prefix named `lengthName` whose content `body` reads inline (no wrapping node). */
  prefixed<T>(lengthName: string, lengthBytes: 1 | 2 | 3, body: (r: this) => T): T {
    const len = this.uint(lengthName, lengthBytes, (n) => ({ ...sizeValue(n) }));
    if (len > this.remaining) {
      throw decodeError(said('wire.overrun', { at: this.where(lengthName), length: len, remaining: this.remaining }));
    }
    this.limits.push(this.pos + len);
    try {
      const value = body(this);
      if (!this.atEnd) throw decodeError(said('wire.leftOver', { at: this.where(), count: this.remaining, length: lengthName }));
      return value;
    } finally {
      this.limits.pop();
    }
  }

  /** Consumes `n` bytes whose annotation was made elsewhere (a certificate's DER tree); `field` offsets are relative to them. */
  embedded(name: string, n: number, annotate: (bytes: Uint8Array) => Field | undefined): Uint8Array {
    const start = this.pos;
    const bytes = this.take(name, n).slice();
    const inner = annotate(bytes);
    this.add(inner ? { ...shiftField(inner, this.base + start), name } : { name, offset: this.base + start, length: n });
    return bytes;
  }

  /** An opaque vector: length prefix plus bytes, returned without the prefix. */
  opaque(name: string, lengthBytes: 1 | 2 | 3, describe?: Describe<Uint8Array>, min = 0, max = Infinity): Uint8Array {
    const out = this.vector(name, lengthBytes, (r) => r.rest('data'), describe);
    if (out.length < min || out.length > max) {
      const at = this.where(name);
      throw decodeError(max === Infinity ? said('wire.under', { at, length: out.length, min }) : said('wire.outside', { at, length: out.length, min, max }));
    }
    return out;
  }

  /** A copy of bytes already read, by offsets into this reader's data (for signed parts). */
  slice(start: number, end: number): Uint8Array {
    return this.data.slice(start, end);
  }

  /** The next two bytes as a number, without consuming them (to dispatch on a type field). */
  peekU16(): number {
    if (this.remaining < 2) throw decodeError(said('wire.truncated', { at: this.where() }));
    return (this.data[this.pos] << 8) | this.data[this.pos + 1];
  }

  /** Sets or extends the description of the innermost open node. */
  note(fi: FieldInfo): void {
    Object.assign(this.open[this.open.length - 1], fi);
  }

  /** Requires the whole input to be consumed. */
  end(): void {
    if (!this.atEnd) throw decodeError(said('wire.trailing', { at: this.where(), count: this.remaining }));
  }
}
