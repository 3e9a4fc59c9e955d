import { expandTrace, type CompactTrace } from '../trace/compact';
import type { Trace } from '../trace/schema';
import { migrateTrace, type TraceV1 } from '../trace/migrate';
import { checkTrace, TraceFormatError } from '../trace/validate';
import { traceProblem } from '../trace/problems';

/**
 * A trace as JSON, in two forms:
 * - traceToJson: the download. Pretty-printed, keys in the order a reader expects (the trace's
 *   summary first, then the steps; each step's seq, time, direction, layer, kind and data before
 *   its bytes), so the file reads top-down and the same trace always gives the same text.
 * - canonicalTraceJson: the identity. Compact, every object's keys sorted, so equal traces give
 *   byte-identical text whatever order their keys were built in; saved results are named by its hash.
 * parseTraceJson reads either back, and the compact form of lib/trace/compact.ts (saved results and
 * uploads), and refuses anything that is not a trace, in one sentence.
 */

const TRACE_KEYS = [
  'schema', 'schemaVersion', 'engine', 'startedAt', 'options', 'outcome', 'outcomeCause', 'outcomeDetail',
  'version', 'cipherSuite', 'group', 'signatureScheme', 'alpn', 'alerts', 'http', 'certificate',
  'personality', 'timings', 'keyLog', 'steps',
];
const STEP_KEYS = ['seq', 'timeMs', 'direction', 'layer', 'kind', 'data', 'title', 'explanation', 'rfc', 'bytes', 'plaintext'];
const BYTES_KEYS = ['hex', 'field'];
const FIELD_KEYS = ['name', 'offset', 'length', 'value', 'meaning', 'rfc', 'children'];

type Context = 'trace' | 'step' | 'bytes' | 'field' | 'other';

const KEYS_BY_CONTEXT: Record<Context, readonly string[]> = {
  trace: TRACE_KEYS,
  step: STEP_KEYS,
  bytes: BYTES_KEYS,
  field: FIELD_KEYS,
  other: [],
};

/** Where a key's value sits in the trace, so nested objects get their own preferred order. */
function childContext(context: Context, key: string): Context {
  if (context === 'trace' && key === 'steps') return 'step';
  if (context === 'step' && (key === 'bytes' || key === 'plaintext')) return 'bytes';
  if ((context === 'bytes' && key === 'field') || (context === 'field' && key === 'children')) return 'field';
  return 'other';
}

function compareKeys(preferred: readonly string[]) {
  return (a: string, b: string): number => {
    const ra = preferred.indexOf(a);
    const rb = preferred.indexOf(b);
    if (ra !== -1 || rb !== -1) return (ra === -1 ? Infinity : ra) - (rb === -1 ? Infinity : rb);
    return a < b ? -1 : a > b ? 1 : 0;
  };
}

/**
 * Rebuilds `value` with every object's keys in a fixed order. An array hands its context to its
 * elements: the steps array holds steps, an annotation's children are annotations.
 */
function ordered(value: unknown, context: Context, sortOnly: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => ordered(item, context, sortOnly));
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined);
  keys.sort(compareKeys(sortOnly ? [] : KEYS_BY_CONTEXT[context]));
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = ordered(record[key], childContext(context, key), sortOnly);
  return out;
}

/** The trace as a pretty, stable JSON document (newline-terminated), for download. */
export function traceToJson(trace: Trace | TraceV1): string {
  return `${JSON.stringify(ordered(trace, 'trace', false), null, 2)}\n`;
}

/** The trace's canonical form: compact JSON with sorted keys; hashed to name saved results. */
export function canonicalTraceJson(trace: Trace | TraceV1 | CompactTrace): string {
  return JSON.stringify(ordered(trace, 'trace', true));
}

/** Reads a trace from JSON text (either form above, or the CLI's --json), validated and in the current schema version. */
export function parseTraceJson(text: string): Trace {
  return migrateTrace(parseTraceJsonAsWritten(text));
}

/** Reads a trace from JSON text, validated but in the schema version it was written in (what the store keeps). */
export function parseTraceJsonAsWritten(text: string): Trace | TraceV1 {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new TraceFormatError(traceProblem('notJson', { error: e instanceof Error ? e.message : String(e) }));
  }
  // A compact form expands to at most twice its size; anything beyond four times is refused.
  return checkTrace(expandTrace(parsed, 4 * text.length + 1024 * 1024));
}

export { TraceFormatError };
