import { said } from '../diagnostics';
import { TlsAlertError } from '../errors';
import type { Field, FieldInfo } from './field';
import { sizeValue } from './field';

/**
 * Writes TLS wire structures and records an annotation node for every byte it emits.
 * Length prefixes are written by `vector(…, body)` and patched after the body, so a length can
 * never disagree with its content (cryptobyte's Builder, with labels).
 */
export class Writer {
  private buf = new Uint8Array(256);
  private len = 0;
  private readonly open: Field[];

  constructor(rootName: string, rootInfo: FieldInfo = {}) {
    this.open = [{ name: rootName, offset: 0, length: 0, ...rootInfo, children: [] }];
  }

  get length(): number {
    return this.len;
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private add(field: Field): void {
    const parent = this.open[this.open.length - 1];
    (parent.children ??= []).push(field);
  }

  /** The dotted path of a field being written, for a diagnostic: "ClientHello.extensions.pre_shared_key.length". */
  private path(name: string): string {
    return [...this.open.map((n) => n.name), name].join('.');
  }

  private put(bytes: ArrayLike<number>): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  private uint(name: string, width: number, value: number, fi: FieldInfo): void {
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** (8 * width)) {
      // Our own value, but it may come from the server (a ticket echoed as a PSK identity): internal_error, in words.
      throw new TlsAlertError('internal_error', said('wire.notFit', { field: this.path(name), value, width }));
    }
    const out = new Uint8Array(width);
    let v = value;
    for (let i = width - 1; i >= 0; i--) {
      out[i] = v & 0xff;
      v = Math.floor(v / 256);
    }
    this.add({ name, offset: this.len, length: width, ...fi });
    this.put(out);
  }

  u8(name: string, value: number, fi: FieldInfo = {}): this {
    this.uint(name, 1, value, fi);
    return this;
  }

  u16(name: string, value: number, fi: FieldInfo = {}): this {
    this.uint(name, 2, value, fi);
    return this;
  }

  u24(name: string, value: number, fi: FieldInfo = {}): this {
    this.uint(name, 3, value, fi);
    return this;
  }

  u32(name: string, value: number, fi: FieldInfo = {}): this {
    this.uint(name, 4, value, fi);
    return this;
  }

  bytes(name: string, data: Uint8Array, fi: FieldInfo = {}): this {
    this.add({ name, offset: this.len, length: data.length, ...fi });
    this.put(data);
    return this;
  }

  /** Groups what `body` writes under one node, without a length prefix. */
  struct(name: string, body: (w: this) => void, fi: FieldInfo = {}): this {
    const node: Field = { name, offset: this.len, length: 0, ...fi, children: [] };
    this.add(node);
    this.open.push(node);
    try {
      body(this);
    } finally {
      this.open.pop();
      node.length = this.len - node.offset;
    }
    return this;
  }

  /** A vector with a `lengthBytes`-byte length prefix, patched after `body` has written the content. */
  vector(name: string, lengthBytes: 1 | 2 | 3, body: (w: this) => void, fi: FieldInfo = {}): this {
    return this.struct(name, () => this.prefixed('length', lengthBytes, body), fi);
  }

  /** A length prefix named `lengthName` whose content `body` writes inline (no wrapping node). */
  prefixed(lengthName: string, lengthBytes: 1 | 2 | 3, body: (w: this) => void): this {
    const lengthField: Field = { name: lengthName, offset: this.len, length: lengthBytes };
    this.add(lengthField);
    this.put(new Uint8Array(lengthBytes));
    const start = this.len;
    body(this);
    const n = this.len - start;
    if (n >= 2 ** (8 * lengthBytes)) throw new TlsAlertError('internal_error', said('wire.vectorTooLong', { field: this.path(lengthName), length: n, width: lengthBytes }));
    for (let i = 0; i < lengthBytes; i++) this.buf[lengthField.offset + i] = (n >>> (8 * (lengthBytes - 1 - i))) & 0xff;
    Object.assign(lengthField, sizeValue(n));
    return this;
  }

  /** An opaque vector: length prefix plus the bytes. */
  opaque(name: string, lengthBytes: 1 | 2 | 3, data: Uint8Array, fi: FieldInfo = {}): this {
    return this.vector(name, lengthBytes, (w) => w.bytes('data', data), fi);
  }

  /** Embeds bytes that come with their own annotation (a message inside a record). */
  embed(data: Uint8Array, field: Field): this {
    const shift = (f: Field): Field => ({ ...f, offset: f.offset + this.len, children: f.children?.map(shift) });
    this.add(shift(field));
    this.put(data);
    return this;
  }

  finish(): { bytes: Uint8Array; field: Field } {
    const root = this.open[0];
    root.length = this.len;
    return { bytes: this.buf.slice(0, this.len), field: root };
  }
}
