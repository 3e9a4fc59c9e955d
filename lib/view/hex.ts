import type { Field } from '../tls/wire/field';
import type { FieldExplanation } from './fieldText';
import type { AnnotatedBytes } from '../trace/schema';
import { english } from '../i18n/english';
import type { Translate } from '../i18n/translator';


/** Words for a field from its place in the tree (lib/view/fieldText.ts `explainField`, bound to a step and a language). */
export type FieldExplainer = (field: Field, ancestors: readonly Field[]) => FieldExplanation | undefined;

/**
 * The annotated hex view's model: the bytes, every field of the annotation tree flattened in
 * document order (with depth and parent), and for every byte the deepest field that covers it.
 * Hovering a field lights up `fields[id].start..end`; hovering a byte selects `byteField[i]` and its
 * ancestors — both directions are table lookups, computed once per step.
 */
export interface HexField {
  /** Path of child indices from the root: "0", "0.2", "0.2.1". Stable for the same tree. */
  id: string;
  name: string;
  /** Absolute byte range [start, end) in the step's bytes, clipped to them. */
  start: number;
  end: number;
  depth: number;
  parentId?: string;
  childIds: string[];
  value?: string;
  /** The value is in the reader's words (a size, an empty vector), not a protocol token or recorded data. */
  worded: boolean;
  /** What the field is and why it has its value in this run, in the reader's language. */
  explanation?: string;
  /** Where the rule lives: the codec's reference, else the explanation's. */
  rfc?: string;
  /** True when the annotation claimed bytes outside the data (shown, but flagged). */
  clipped: boolean;
}

/** A run of consecutive bytes whose deepest covering field is the same (undefined: unannotated). */
export interface HexSpan {
  start: number;
  end: number;
  fieldId?: string;
  depth: number;
}

export interface HexLine {
  offset: number;
  /** Byte indices [start, end) shown on this line. */
  start: number;
  end: number;
}

export interface HexModel {
  length: number;
  /** Two lowercase hex digits per byte. */
  cells: string[];
  /** Printable ASCII or '.' per byte, for the text column. */
  ascii: string[];
  fields: HexField[];
  byId: Map<string, HexField>;
  /** For every byte, the id of the deepest field covering it. */
  byteField: (string | undefined)[];
  spans: HexSpan[];
  lines: HexLine[];
}

export const BYTES_PER_LINE = 16;

function hexToCells(hex: string): string[] {
  const clean = hex.replace(/[^0-9a-f]/gi, '').toLowerCase();
  if (clean.length % 2 !== 0) throw new Error(`hex string has an odd number of digits (${clean.length})`);
  const cells: string[] = [];
  for (let i = 0; i < clean.length; i += 2) cells.push(clean.slice(i, i + 2));
  return cells;
}

export function buildHexModel(data: AnnotatedBytes, explain?: FieldExplainer, bytesPerLine = BYTES_PER_LINE, valueOf: (field: Field) => string | undefined = (field) => field.value): HexModel {
  const cells = hexToCells(data.hex);
  const length = cells.length;
  const ascii = cells.map((c) => {
    const code = parseInt(c, 16);
    return code >= 0x20 && code < 0x7f ? String.fromCharCode(code) : '.';
  });

  const fields: HexField[] = [];
  const byId = new Map<string, HexField>();
  const byteField: (string | undefined)[] = new Array(length).fill(undefined);
  const byteDepth: number[] = new Array(length).fill(-1);

  // Offsets in the tree are absolute (relative to the step's bytes, see Field.offset).
  const visit = (field: Field, id: string, depth: number, parentId: string | undefined, ancestors: readonly Field[]): HexField => {
    const rawEnd = field.offset + field.length;
    const start = Math.min(Math.max(field.offset, 0), length);
    const end = Math.min(Math.max(rawEnd, start), length);
    const words = explain?.(field, ancestors);
    const node: HexField = {
      id,
      name: field.name,
      start,
      end,
      depth,
      parentId,
      childIds: [],
      value: valueOf(field),
      worded: field.words !== undefined,
      explanation: words?.text,
      rfc: words?.rfc ?? field.rfc,
      clipped: field.offset < 0 || rawEnd > length,
    };
    fields.push(node);
    byId.set(id, node);
    // Deeper fields win: a byte belongs to the most specific field that covers it. Pre-order
    // traversal means a later sibling at the same depth only overwrites on overlap (malformed).
    for (let i = start; i < end; i++) {
      if (depth >= byteDepth[i]) {
        byteDepth[i] = depth;
        byteField[i] = id;
      }
    }
    (field.children ?? []).forEach((child, index) => {
      const childNode = visit(child, `${id}.${index}`, depth + 1, id, [...ancestors, field]);
      node.childIds.push(childNode.id);
    });
    return node;
  };
  if (data.field) visit(data.field, '0', 0, undefined, []);

  const spans: HexSpan[] = [];
  for (let i = 0; i < length; i++) {
    const last = spans[spans.length - 1];
    if (last && last.fieldId === byteField[i] && last.end === i) last.end = i + 1;
    else spans.push({ start: i, end: i + 1, fieldId: byteField[i], depth: byteDepth[i] });
  }

  const lines: HexLine[] = [];
  for (let offset = 0; offset < length; offset += bytesPerLine) {
    lines.push({ offset, start: offset, end: Math.min(offset + bytesPerLine, length) });
  }

  return { length, cells, ascii, fields, byId, byteField, spans, lines };
}

/** The field and its ancestors, innermost first: the breadcrumb for a hovered byte. */
export function fieldPath(model: HexModel, id: string | undefined): HexField[] {
  const path: HexField[] = [];
  let current = id ? model.byId.get(id) : undefined;
  while (current) {
    path.push(current);
    current = current.parentId ? model.byId.get(current.parentId) : undefined;
  }
  return path;
}

/** The deepest field covering byte `index` (the reverse link: byte → field). */
export function fieldAtByte(model: HexModel, index: number): HexField | undefined {
  const id = model.byteField[index];
  return id ? model.byId.get(id) : undefined;
}

/** Whether byte `index` lies inside field `id` (the forward link: field → bytes). */
export function byteInField(model: HexModel, id: string | undefined, index: number): boolean {
  const field = id ? model.byId.get(id) : undefined;
  return !!field && index >= field.start && index < field.end;
}

/** Offset label for a hex line: four hex digits, more when the data is larger. */
export function offsetLabel(offset: number, length: number): string {
  const width = Math.max(4, (Math.max(length - 1, 0)).toString(16).length);
  return offset.toString(16).padStart(width, '0');
}

/** A byte range [start, end) in words: "byte 1" for one byte, "bytes 5–8" for several, "no bytes" for none (English unless `t` is given). */
export function byteRangeLabel(start: number, end: number, t: Translate = english): string {
  if (end - start === 1) return t('hex.range.one', { start: String(start) });
  if (end <= start) return t('hex.range.none');
  return t('hex.range.many', { start: String(start), last: String(end - 1) });
}
