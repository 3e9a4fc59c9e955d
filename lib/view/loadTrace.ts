import { TRACE_SCHEMA, TRACE_VERSION, type Trace } from '../trace/schema';

/**
 * Opens a saved trace (the CLI's --json output, or a file saved from the page) for viewing.
 * Checks the shape the views rely on and says in one sentence what is wrong otherwise.
 */
export type LoadedTrace = { ok: true; trace: Trace } | { ok: false; message: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function loadTrace(text: string): LoadedTrace {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, message: 'This file is not JSON. Open a trace saved by the playground or written by the CLI with --json.' };
  }
  if (!isObject(parsed)) return { ok: false, message: 'This JSON is not a trace (expected an object).' };
  if (parsed.schema !== TRACE_SCHEMA) return { ok: false, message: `This JSON is not a TLS Playground trace (schema is ${JSON.stringify(parsed.schema)}).` };
  if (typeof parsed.schemaVersion !== 'number' || parsed.schemaVersion > TRACE_VERSION) {
    return { ok: false, message: `This trace has schema version ${String(parsed.schemaVersion)}; this page reads up to version ${TRACE_VERSION}.` };
  }
  if (!Array.isArray(parsed.steps)) return { ok: false, message: 'This trace has no steps.' };
  for (const [i, step] of parsed.steps.entries()) {
    if (!isObject(step) || typeof step.seq !== 'number' || typeof step.title !== 'string' || typeof step.layer !== 'string' || typeof step.direction !== 'string' || typeof step.timeMs !== 'number') {
      return { ok: false, message: `Step ${i + 1} of this trace is malformed.` };
    }
    for (const key of ['bytes', 'plaintext'] as const) {
      const data = step[key];
      if (data !== undefined && (!isObject(data) || typeof data.hex !== 'string' || !/^([0-9a-f]{2})*$/i.test(data.hex))) {
        return { ok: false, message: `Step ${i + 1} has malformed ${key}.` };
      }
    }
  }
  if (!isObject(parsed.options) || typeof parsed.options.url !== 'string') return { ok: false, message: 'This trace does not say which URL it ran.' };
  if (!isObject(parsed.timings) || !Array.isArray(parsed.alerts)) return { ok: false, message: 'This trace has no summary (timings, alerts).' };
  const trace = parsed as unknown as Trace;
  return { ok: true, trace: { ...trace, keyLog: Array.isArray(trace.keyLog) ? trace.keyLog : [] } };
}

/** File name for saving a trace: host and time, safe on every file system. */
export function traceFileName(trace: Pick<Trace, 'options' | 'startedAt'>): string {
  let host = 'trace';
  try {
    host = new URL(trace.options.url).hostname || host;
  } catch {
    // Keep the generic name.
  }
  const when = trace.startedAt.replace(/[:.]/g, '-').replace(/Z$/, '');
  return `tls-${host.replace(/[^a-z0-9.-]/gi, '_')}-${when}.json`;
}
