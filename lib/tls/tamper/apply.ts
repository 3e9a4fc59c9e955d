/**
 * Applies a tamper to the bytes the client is about to send: a handshake message, found and
 * rebuilt through the annotation tree its codec wrote (so every length prefix around the change is
 * recomputed, and the annotation still lies over the right bytes), or a record header.
 */
import type { Tamper } from '../../trace/schema';
import type { EncodedMessage } from '../handshake/messages';
import { messageTitle } from '../handshake/messages';
import { fromHex, toHex } from '../wire/bytes';
import type { Field } from '../wire/field';
import { sizeValue } from '../wire/field';
import type { Diagnostic } from '../diagnostics';
import { TamperTargetError, tamperSaid } from './said';
import { parseTamperTarget, RECORD_HEADER_FIELDS, type TamperPath } from './spec';

export { TamperTargetError };

/** What a tamper changed: the value as built and as sent (empty when dropped). */
export interface TamperChange {
  original: Uint8Array;
  sent: Uint8Array;
}

function readUint(bytes: Uint8Array, offset: number, width: number): number {
  let n = 0;
  for (let i = 0; i < width; i++) n = n * 256 + bytes[offset + i];
  return n;
}

/** A length prefix inside `parent`: a field named length whose number counts the rest of the parent (Writer.prefixed). */
function isLengthPrefix(bytes: Uint8Array, parent: Field, child: Field): boolean {
  if (child.name !== 'length' || child.children?.length || child.length < 1 || child.length > 3) return false;
  const rest = parent.offset + parent.length - (child.offset + child.length);
  return readUint(bytes, child.offset, child.length) === rest;
}

/** A vector's length prefix (its first field), when the field is a vector. */
function vectorPrefix(bytes: Uint8Array, node: Field): Field | undefined {
  const first = node.children?.[0];
  return first && isLengthPrefix(bytes, node, first) ? first : undefined;
}

/** What a field holds, by name: the clause that says where else to look. */
function describePlace(node: Field): Diagnostic {
  const names = (node.children ?? []).map((c) => c.name).filter((n, i, all) => all.indexOf(n) === i);
  return names.length ? tamperSaid('placeHas', { parent: node.name, fields: names.join(', ') }) : tamperSaid('placeEmpty', { parent: node.name });
}

/**
 * The field a path names: each name a field right below the previous one or, when none is, the
 * nearest one deeper down (so names in between may be left out); `[i]` picks among equals.
 */
export function findTarget(root: Field, path: TamperPath): Field {
  let node = root;
  for (const segment of path.fields) {
    let matches = (node.children ?? []).filter((c) => c.name === segment.name);
    let level = node.children ?? [];
    while (!matches.length && level.length) {
      level = level.flatMap((c) => c.children ?? []);
      matches = level.filter((c) => c.name === segment.name);
    }
    const pick = matches[segment.index ?? 0];
    if (!pick) {
      const which = segment.index !== undefined ? `${segment.name}[${segment.index}]` : segment.name;
      throw new TamperTargetError(tamperSaid('noField', { message: root.name, field: which, parent: node.name, place: describePlace(node) }));
    }
    node = pick;
  }
  return node;
}

/** A growable byte buffer whose bytes can be patched (the length prefixes, once their content is written). */
class Out {
  bytes: number[] = [];
  get length(): number {
    return this.bytes.length;
  }
  push(b: Uint8Array): void {
    for (const x of b) this.bytes.push(x);
  }
  patch(offset: number, width: number, value: number, name: string): void {
    if (value >= 2 ** (8 * width)) throw new TamperTargetError(tamperSaid('lengthOverflow', { field: name, length: value, width }));
    for (let i = width - 1; i >= 0; i--) {
      this.bytes[offset + i] = value & 0xff;
      value = Math.floor(value / 256);
    }
  }
}

function shifted(field: Field, delta: number): Field {
  return { ...field, offset: field.offset + delta, children: field.children?.map((c) => shifted(c, delta)) };
}

/** The order a reorder asks for: the named (or numbered) elements first, the others after in their order. */
function reordered(elements: Field[], order: string[], vector: Field): Field[] {
  if (order.length === 1 && order[0] === 'reverse') return [...elements].reverse();
  const first: Field[] = [];
  for (const item of order) {
    const index = /^\d+$/.test(item) ? Number(item) : elements.findIndex((e) => e.name === item && !first.includes(e));
    const element = elements[index];
    if (!element) {
      const where = { vector: vector.name, item, place: describePlace(vector) };
      throw new TamperTargetError(/^\d+$/.test(item) ? tamperSaid('noElementOf', { ...where, count: elements.length }) : tamperSaid('noElement', where));
    }
    if (!first.includes(element)) first.push(element);
  }
  return [...first, ...elements.filter((e) => !first.includes(e))];
}

interface Edit {
  tamper: Tamper;
  target: Field;
  change?: TamperChange;
}

/** Writes `node` (changed where the edit says) at the end of `out`; returns its annotation there. */
function rebuild(src: Uint8Array, node: Field, out: Out, edit: Edit): Field {
  const start = out.length;
  const t = edit.tamper;
  const prefix = vectorPrefix(src, node);
  const valueStart = prefix ? prefix.offset + prefix.length : node.offset;
  const end = node.offset + node.length;
  if (node === edit.target && t.op === 'set') {
    const value = fromHex(t.value);
    edit.change = { original: src.slice(valueStart, end), sent: value };
    if (prefix) out.push(src.subarray(prefix.offset, valueStart));
    const at = out.length;
    out.push(value);
    const newPrefix = prefix ? { ...prefix, offset: start, ...sizeValue(value.length) } : undefined;
    if (prefix) out.patch(start, prefix.length, value.length, node.name);
    const inner: Field[] = [];
    // Elements of one width (cipher_suite, named_group…) stay elements of that name; else one span.
    const elements = (node.children ?? []).filter((c) => c !== prefix);
    const width = elements[0]?.length;
    if (prefix && elements.length && elements.every((e) => !e.children?.length && e.name === elements[0].name && e.length === width) && value.length % width === 0) {
      for (let off = 0; off < value.length; off += width) inner.push({ name: elements[0].name, offset: at + off, length: width, value: `0x${toHex(value.subarray(off, off + width))}` });
    } else if (prefix && value.length) {
      inner.push({ name: 'data', offset: at, length: value.length, value: toHex(value) });
    }
    const { meaning: _meaning, ...kept } = node;
    return { ...kept, offset: start, length: out.length - start, ...(prefix ? { children: [newPrefix!, ...inner] } : { value: toHex(value), children: undefined }) };
  }
  if (node === edit.target && t.op === 'flip') {
    const bits = 8 * (end - valueStart);
    if (t.bit >= bits) throw new TamperTargetError(tamperSaid('bitOutOfRange', { field: node.name, bits, last: bits - 1, bit: t.bit }));
    const original = src.slice(valueStart, end);
    const sent = original.slice();
    sent[t.bit >> 3] ^= 0x80 >> (t.bit & 7);
    edit.change = { original, sent };
    out.push(src.subarray(node.offset, valueStart));
    out.push(sent);
    // The innermost field holding the bit now shows its new bytes.
    const byteAt = valueStart + (t.bit >> 3);
    const mark = (f: Field): Field => {
      const children = f.children?.map(mark);
      const holds = byteAt >= f.offset && byteAt < f.offset + f.length;
      const leaf = holds && !f.children?.length;
      const now = leaf ? toHex(sent.subarray(f.offset - valueStart, f.offset - valueStart + f.length)) : undefined;
      return { ...f, offset: f.offset - node.offset + start, children, ...(now !== undefined ? { value: f.length <= 4 ? `0x${now}` : now } : {}) };
    };
    return mark(node);
  }
  const children = node.children ?? [];
  if (node === edit.target && t.op === 'reorder' && !prefix) throw new TamperTargetError(tamperSaid('notReorderable', { field: node.name }));
  if (!children.length) {
    out.push(src.subarray(node.offset, end));
    return shifted(node, start - node.offset);
  }
  let ordered = children;
  if (node === edit.target && t.op === 'reorder') {
    const elements = children.filter((c) => c !== prefix);
    if (elements.some((e, i) => i > 0 && e.offset !== elements[i - 1].offset + elements[i - 1].length)) {
      throw new TamperTargetError(tamperSaid('notReorderable', { field: node.name }));
    }
    ordered = [prefix!, ...reordered(elements, t.order, node)];
    edit.change = { original: src.slice(valueStart, end), sent: new Uint8Array() };
  }
  const built: Field[] = [];
  const prefixes: Field[] = [];
  let cursor = node.offset;
  for (const child of ordered) {
    // Bytes no field describes are kept where they were (codecs annotate every byte; this is a guard).
    if (ordered === children && child.offset > cursor) out.push(src.subarray(cursor, child.offset));
    cursor = Math.max(cursor, child.offset + child.length);
    if (child === edit.target && t.op === 'drop') {
      edit.change = { original: src.slice(child.offset, child.offset + child.length), sent: new Uint8Array() };
      continue;
    }
    const f = rebuild(src, child, out, edit);
    if (isLengthPrefix(src, node, child)) prefixes.push(f);
    built.push(f);
  }
  if (ordered === children && cursor < end) out.push(src.subarray(cursor, end));
  const length = out.length - start;
  for (const p of prefixes) {
    const rest = start + length - (p.offset + p.length);
    out.patch(p.offset, p.length, rest, node.name);
    Object.assign(p, sizeValue(rest));
  }
  if (node === edit.target && t.op === 'reorder') edit.change!.sent = Uint8Array.from(out.bytes.slice(start + (valueStart - node.offset), start + length));
  return { ...node, offset: start, length, children: built };
}

/**
 * The message as the tamper changes it: its bytes (lengths recomputed around the change), its
 * annotation over them, and the change. Throws TamperTargetError when the message has no such field.
 */
export function tamperMessage(tamper: Tamper, message: EncodedMessage): { message: EncodedMessage; change: TamperChange } {
  const path = parseTamperTarget(tamper.target);
  if (path.record) throw new TamperTargetError(tamperSaid('recordNotMessageField', { target: tamper.target, message: messageTitle(message.type) }));
  const target = findTarget(message.field, path);
  if (target === message.field && tamper.op === 'drop') throw new TamperTargetError(tamperSaid('wholeMessage', { message: messageTitle(message.type) }));
  const edit: Edit = { tamper, target };
  const out = new Out();
  const field = rebuild(message.bytes, message.field, out, edit);
  return { message: { type: message.type, bytes: Uint8Array.from(out.bytes), field }, change: edit.change! };
}

/** The record with one header field changed (RFC 8446 §5.1: type, legacy_record_version, length). */
export function tamperRecordHeader(tamper: Tamper, wire: Uint8Array): { wire: Uint8Array; change: TamperChange } {
  const path = parseTamperTarget(tamper.target);
  const { offset, width } = RECORD_HEADER_FIELDS[path.fields[0].name];
  const original = wire.slice(offset, offset + width);
  let sent: Uint8Array;
  if (tamper.op === 'set') sent = fromHex(tamper.value);
  else if (tamper.op === 'flip') {
    sent = original.slice();
    sent[tamper.bit >> 3] ^= 0x80 >> (tamper.bit & 7);
  } else throw new TamperTargetError(tamperSaid(tamper.op === 'drop' ? 'recordNotDropped' : 'recordNotReordered'));
  if (sent.length !== width) throw new TamperTargetError(tamperSaid('recordValueWidth', { field: path.fields[0].name, width, length: sent.length }));
  const out = wire.slice();
  out.set(sent, offset);
  return { wire: out, change: { original, sent } };
}

/** The extension types a ClientHello carries, read from its bytes as sent (RFC 8446 §4.2). */
export function sentExtensionTypes(message: EncodedMessage): number[] {
  const extensions = message.field.children?.find((c) => c.name === 'extensions');
  if (!extensions) return [];
  const out: number[] = [];
  for (const e of extensions.children ?? []) {
    const type = e.children?.find((c) => c.name === 'extension_type');
    if (type && type.length === 2) out.push(readUint(message.bytes, type.offset, 2));
  }
  return out;
}
