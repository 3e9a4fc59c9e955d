import { isProbeRole, judge, probeResult, type Diagnosis, type ProbeRole } from '../doctor/diagnose';
import { expandTrace } from '../trace/compact';
import type { Trace } from '../trace/schema';
import { TraceFormatError, validateTrace } from '../trace/validate';
import { traceProblem } from '../trace/problems';
import { compareRuns, type Comparison } from '../view/compare';

/**
 * A bundle: several runs saved as one piece of evidence. Two kinds:
 * - a diagnosis: every probe the doctor ran against one URL, each by its role (TLS 1.3, TLS 1.3 with
 *   post_handshake_auth, TLS 1.2 as each client personality);
 * - a comparison: the same URL run by two clients, "a" and "b".
 * A bundle holds runs and nothing said about them: the verdict, the fixes and the alignment are made
 * from the traces when the bundle is opened (judgeBundle), the way a saved run's titles are, so an
 * upload cannot put words in the verdict and an old bundle gains every improvement of the doctor.
 */
export const BUNDLE_SCHEMA = 'tls-playground/bundle';
export const BUNDLE_VERSION = 1;

export type BundleKind = 'diagnosis' | 'comparison';
export type ComparisonRole = 'a' | 'b';

export interface BundleRun<R extends string = string> {
  role: R;
  trace: Trace;
}

export interface Bundle {
  schema: typeof BUNDLE_SCHEMA;
  schemaVersion: number;
  kind: BundleKind;
  /** The URL the runs were made against, as the user typed it into the doctor or the comparison. */
  url: string;
  runs: BundleRun[];
}

/** The most runs one bundle may hold: a diagnosis makes at most eight. */
export const MAX_BUNDLE_RUNS = 16;
const MAX_URL_LENGTH = 2048;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(message: string): never {
  throw new TraceFormatError(message);
}

function checkRole(kind: BundleKind, role: unknown, where: string): string {
  if (kind === 'comparison' ? role === 'a' || role === 'b' : isProbeRole(role)) return role as string;
  const allowed = kind === 'comparison' ? '"a" or "b"' : 'a doctor probe ("tls13", "tls13-pha" or "tls12:<client>")';
  return fail(`${where}.role must be ${allowed}, not ${JSON.stringify(role) ?? 'missing'}.`);
}

/**
 * Checks an untrusted value (an upload, a database row) has the shape of a bundle; each run's trace
 * goes through the trace's own validation (and may be in its compact form). Throws TraceFormatError
 * with one sentence saying what is wrong and where.
 */
export function validateBundle(value: unknown, maxHexChars = Infinity): Bundle {
  if (!isObject(value)) fail('A bundle is a JSON object; this is not an object.');
  if (value.schema !== BUNDLE_SCHEMA) fail(`This is not a TLS Playground bundle: "schema" is ${JSON.stringify(value.schema) ?? 'missing'}, expected "${BUNDLE_SCHEMA}".`);
  const version = value.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) fail('The bundle has no valid "schemaVersion" (a positive integer).');
  if (version > BUNDLE_VERSION) fail(`The bundle has schema version ${version}; this code reads versions up to ${BUNDLE_VERSION}.`);
  const kind = value.kind;
  if (kind !== 'diagnosis' && kind !== 'comparison') fail(`The bundle's "kind" must be "diagnosis" or "comparison", not ${JSON.stringify(kind) ?? 'missing'}.`);
  if (typeof value.url !== 'string' || value.url === '' || value.url.length > MAX_URL_LENGTH) fail(`The bundle's "url" must be a string of 1 to ${MAX_URL_LENGTH} characters.`);
  if (!Array.isArray(value.runs)) fail('The bundle has no "runs" array.');
  if (value.runs.length === 0 || value.runs.length > MAX_BUNDLE_RUNS) fail(`A bundle holds 1 to ${MAX_BUNDLE_RUNS} runs; this one has ${value.runs.length}.`);
  const seen = new Set<string>();
  const runs = value.runs.map((run: unknown, index: number): BundleRun => {
    const where = `runs[${index}]`;
    if (!isObject(run)) fail(`${where} is not an object.`);
    const role = checkRole(kind, run.role, where);
    if (seen.has(role)) fail(`${where}.role ${JSON.stringify(role)} appears twice.`);
    seen.add(role);
    try {
      return { role, trace: validateTrace(expandTrace(run.trace, maxHexChars)) };
    } catch (error) {
      if (error instanceof TraceFormatError) fail(`${where}.trace: ${error.message}`);
      throw error;
    }
  });
  if (kind === 'comparison' && !(seen.has('a') && seen.has('b') && runs.length === 2)) fail('A comparison holds exactly two runs, "a" and "b".');
  if (kind === 'diagnosis' && !seen.has('tls13')) fail('A diagnosis holds the "tls13" probe.');
  return { schema: BUNDLE_SCHEMA, schemaVersion: version, kind, url: value.url, runs };
}

/** Reads a bundle from JSON text, refusing anything that is not one in one sentence. */
export function parseBundleJson(text: string): Bundle {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new TraceFormatError(traceProblem('notJson', { error: e instanceof Error ? e.message : String(e) }));
  }
  // Compact traces expand to at most twice their size; anything beyond four times is refused.
  return validateBundle(parsed, 4 * text.length + 1024 * 1024);
}

export function diagnosisBundle(url: string, probes: { role: ProbeRole; trace: Trace }[]): Bundle {
  return { schema: BUNDLE_SCHEMA, schemaVersion: BUNDLE_VERSION, kind: 'diagnosis', url, runs: probes.map(({ role, trace }) => ({ role, trace })) };
}

export function comparisonBundle(url: string, a: Trace, b: Trace): Bundle {
  return { schema: BUNDLE_SCHEMA, schemaVersion: BUNDLE_VERSION, kind: 'comparison', url, runs: [{ role: 'a', trace: a }, { role: 'b', trace: b }] };
}

/** The doctor's diagnosis of a saved diagnosis bundle, made again from its traces. */
export function diagnosisOf(bundle: Bundle): Diagnosis {
  return judge(
    bundle.url,
    bundle.runs.map((run) => probeResult(run.role as ProbeRole, run.trace)),
  );
}

export interface ComparedRuns {
  a: Trace;
  b: Trace;
  labelA: string;
  labelB: string;
  comparison: Comparison;
}

/** The two runs of a comparison bundle, labelled as the compare page labels them, and aligned. */
export function comparisonOf(bundle: Bundle): ComparedRuns {
  const a = bundle.runs.find((r) => r.role === 'a')!.trace;
  const b = bundle.runs.find((r) => r.role === 'b')!.trace;
  return { a, b, labelA: `A: ${a.personality}`, labelB: `B: ${b.personality}`, comparison: compareRuns(a, b) };
}

/** A short label for one run of a bundle: the probe's label, or "A: rustls". */
export function runLabel(bundle: Pick<Bundle, 'kind'>, run: BundleRun): string {
  if (bundle.kind === 'comparison') return `${run.role.toUpperCase()}: ${run.trace.personality}`;
  return probeResult(run.role as ProbeRole, run.trace).label;
}
