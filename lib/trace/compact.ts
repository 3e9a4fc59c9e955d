import { TraceFormatError, traceProblem } from './problems';
import type { AnnotatedBytes, Diagnostic, Step, Trace } from './schema';

/**
 * A trace keeps the bytes of a response several times over, as each view wants them: the record's
 * ciphertext and plaintext, the application data the record carried, and the HTTP response made of
 * that data. Stored or uploaded, the last two can point at the bytes they repeat instead. That
 * halves a trace whose response is large, so twice the response fits under the same size cap.
 *
 * The compact form is the trace with `byteRefs: 1` at the top and, on those steps, `hexFrom` in
 * place of `hex`: a list of [seq, 'bytes' | 'plaintext', start, end] slices (byte offsets) of
 * earlier steps, concatenated. Only exact repeats are replaced, so expanding gives back exactly the
 * trace that was compacted; a trace with nothing to replace is returned as it is.
 */
export const BYTE_REFS = 1;

type Part = 'bytes' | 'plaintext';
type Ref = [seq: number, part: Part, start: number, end: number];

export interface CompactBytes {
  hexFrom: Ref[];
  field?: AnnotatedBytes['field'];
}

export type CompactStep = Omit<Step, 'bytes'> & { bytes?: AnnotatedBytes | CompactBytes };
export type CompactTrace = Omit<Trace, 'steps'> & { byteRefs?: typeof BYTE_REFS; steps: CompactStep[] };

/** Repeats shorter than this many bytes stay inline: a reference would save next to nothing. */
const MIN_BYTES = 64;

/** The slices of earlier steps' bytes that make up `hex` exactly, in order; undefined if they do not. */
function coverWith(hex: string, sources: Step[]): Ref[] | undefined {
  const refs: Ref[] = [];
  let at = 0;
  for (const source of sources) {
    if (at === hex.length) break;
    const own = source.bytes?.hex ?? '';
    const take = Math.min(own.length, hex.length - at);
    if (take === 0 || hex.slice(at, at + take) !== own.slice(0, take)) return undefined;
    refs.push([source.seq, 'bytes', 0, take / 2]);
    at += take;
  }
  return at === hex.length ? refs : undefined;
}

export function compactTrace(trace: Trace): Trace | CompactTrace {
  let replaced = false;
  /** Per direction: the last record step with a plaintext, and the application data since the last HTTP step. */
  const lastRecord = new Map<Step['direction'], Step>();
  const dataSinceHttp = new Map<Step['direction'], Step[]>();
  const steps: CompactStep[] = trace.steps.map((step) => {
    const hex = step.bytes?.hex;
    let hexFrom: Ref[] | undefined;
    if (hex && hex.length >= 2 * MIN_BYTES) {
      if (step.layer === 'application') {
        const record = lastRecord.get(step.direction);
        if (record?.plaintext?.hex.startsWith(hex)) hexFrom = [[record.seq, 'plaintext', 0, hex.length / 2]];
      } else if (step.layer === 'http') {
        hexFrom = coverWith(hex, dataSinceHttp.get(step.direction) ?? []);
      }
    }
    if (step.layer === 'record' && step.plaintext) lastRecord.set(step.direction, step);
    if (step.layer === 'application') dataSinceHttp.set(step.direction, [...(dataSinceHttp.get(step.direction) ?? []), step]);
    if (step.layer === 'http') dataSinceHttp.delete(step.direction);
    if (!hexFrom) return step;
    replaced = true;
    return { ...step, bytes: step.bytes?.field ? { hexFrom, field: step.bytes.field } : { hexFrom } };
  });
  return replaced ? { ...trace, byteRefs: BYTE_REFS, steps } : trace;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value of the file as JSON writes it (`null`, `"x"`, `[1]`), to name it in a problem. */
function asWritten(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function fail(problem: Diagnostic): never {
  throw new TraceFormatError(problem);
}

/**
 * The trace a compact form stands for; anything without `byteRefs` is returned as it is. The input
 * is untrusted: a reference must point at an earlier step's bytes, within them, and the expanded
 * hex may not exceed `maxHexChars` in all (references could otherwise repeat one step's bytes
 * without end). Shape problems outside the references are left to validateTrace.
 */
export function expandTrace(value: unknown, maxHexChars: number): unknown {
  if (!isObject(value) || value.byteRefs === undefined) return value;
  if (value.byteRefs !== BYTE_REFS) fail(traceProblem('byteRefsVersion', { version: asWritten(value.byteRefs), max: BYTE_REFS }));
  if (!Array.isArray(value.steps)) return value;
  const seen = new Map<number, Partial<Record<Part, string>>>();
  let total = 0;
  const steps = value.steps.map((step: unknown, index: number) => {
    if (!isObject(step)) return step;
    const out: Record<string, unknown> = { ...step };
    for (const part of ['bytes', 'plaintext'] as const) {
      const bytes = step[part];
      if (!isObject(bytes) || bytes.hexFrom === undefined) continue;
      const where = `steps[${index}].${part}.hexFrom`;
      if (!Array.isArray(bytes.hexFrom)) fail(traceProblem('refsNotList', { where }));
      let hex = '';
      for (const ref of bytes.hexFrom as unknown[]) {
        if (!Array.isArray(ref) || ref.length !== 4) fail(traceProblem('notReference', { where }));
        const [seq, from, start, end] = ref as unknown[];
        if (from !== 'bytes' && from !== 'plaintext') fail(traceProblem('refPart', { where, part: asWritten(from) }));
        const source = typeof seq === 'number' ? seen.get(seq)?.[from] : undefined;
        if (source === undefined) fail(traceProblem('refNotBefore', { where, seq: asWritten(seq), part: from }));
        if (!Number.isInteger(start) || !Number.isInteger(end) || (start as number) < 0 || (end as number) < (start as number) || (end as number) * 2 > source.length) {
          fail(traceProblem('refRange', { where, start: asWritten(start), end: asWritten(end), length: source.length / 2 }));
        }
        total += ((end as number) - (start as number)) * 2;
        if (total > maxHexChars) fail(traceProblem('refsTooLarge'));
        hex += source.slice((start as number) * 2, (end as number) * 2);
      }
      const { hexFrom: _refs, ...rest } = bytes;
      out[part] = { hex, ...rest };
    }
    if (typeof out.seq === 'number') {
      const hexOf = (part: Part) => (isObject(out[part]) && typeof (out[part] as Record<string, unknown>).hex === 'string' ? ((out[part] as Record<string, unknown>).hex as string) : undefined);
      seen.set(out.seq, { bytes: hexOf('bytes'), plaintext: hexOf('plaintext') });
    }
    return out;
  });
  const { byteRefs: _version, ...rest } = value;
  return { ...rest, steps };
}
