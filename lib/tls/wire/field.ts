/**
 * One node of the annotation tree laid over a run of bytes. The same codec that reads or writes
 * the bytes produces these nodes, so the explanation of a byte cannot drift from the parser.
 */
export interface Field {
  /** The protocol's own name for the field: "legacy_version", "key_share", "Certificate". */
  name: string;
  /** Byte offset from the start of the step's bytes. */
  offset: number;
  /** Number of bytes the field covers (header and body). */
  length: number;
  /** Decoded value, human readable: "0x0303 (TLS 1.2)", "x25519", "www.example.com". */
  value?: string;
  /** One line saying what the field is for. */
  meaning?: string;
  /** Where the rule lives: "RFC 8446 §4.1.2". */
  rfc?: string;
  children?: Field[];
}

/** Describes a field as it is read or written. */
export interface FieldInfo {
  value?: string;
  meaning?: string;
  rfc?: string;
}

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
