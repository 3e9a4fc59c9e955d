import type { Field, ValueWords } from '../../trace/schema';

/** The annotation tree node is part of the trace (lib/trace/schema.ts): the codecs produce it. */
export type { Field, ValueWords };

/** Describes a field as it is read or written. */
export interface FieldInfo {
  value?: string;
  rfc?: string;
  words?: ValueWords;
}

/** A size as a field's value: "32 bytes" for tools, and as data for the views to word. */
export function sizeValue(n: number): FieldInfo {
  return { value: `${n} bytes`, words: { say: 'bytes', n } };
}

/** An empty vector's value. */
export const EMPTY_VALUE: FieldInfo = { value: 'empty', words: { say: 'empty' } };

/** Shifts a tree of fields by `delta` bytes (when a message is embedded at an offset in a record). */
export function shiftField(field: Field, delta: number): Field {
  return {
    ...field,
    offset: field.offset + delta,
    children: field.children?.map((c) => shiftField(c, delta)),
  };
}

/** Finds the first field with this name, depth first. */
export function findField(root: Field, name: string): Field | undefined {
  if (root.name === name) return root;
  for (const child of root.children ?? []) {
    const hit = findField(child, name);
    if (hit) return hit;
  }
  return undefined;
}
