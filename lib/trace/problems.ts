import type { Diagnostic } from './schema';

/**
 * What is wrong with a trace file, as data: a sentence's code and the values it names (the same
 * shape as the engine's diagnostics, lib/tls/diagnostics), so the page that opens a file words the
 * problem in its reader's language. The sentences below are the English; they are the English
 * catalog's `traceFile` namespace, and every other catalog translates them
 * (lib/i18n/messages/traceFile.zh-CN.ts). A value is a place in the file (`steps[3].seq`), a number,
 * a JSON value as written, a list of the allowed names, a parser's own message, or another problem.
 */
export const traceFileSaid = {
  notJson: 'This is not valid JSON ({error}).',
  notObject: 'A trace is a JSON object; this is not an object.',
  notTrace: 'This is not a TLS Playground trace: "schema" is {schema}, expected "{expected}".',
  noSchema: 'This is not a TLS Playground trace: "schema" is missing, expected "{expected}".',
  noSchemaVersion: 'The trace has no valid "schemaVersion" (a positive integer).',
  newerVersion: 'The trace has schema version {version}; this code reads versions up to {max}.',
  noEngine: 'The trace does not say which engine recorded it ("engine.name", "engine.version").',
  noStartedAt: 'The trace has no valid "startedAt" time (an ISO 8601 string).',
  noUrl: 'The trace does not say which URL it ran ("options.url").',
  badOutcome: 'The trace\'s "outcome" must be one of {outcomes}.',
  noOutcomeDetail: 'The trace has no "outcomeDetail" sentence.',
  noOutcomeCause: 'The trace has no "outcomeCause" (an object with a "cause").',
  alertsNotArray: 'The trace\'s "alerts" must be an array.',
  noTotalMs: 'The trace has no "timings.totalMs".',
  badKeyLog: 'The trace\'s "keyLog" must be an array of NSS key log lines (strings).',
  noSteps: 'The trace has no "steps" array.',
  badResumption: 'The trace\'s "resumption" must be an object with "offered" and "accepted" booleans.',
  firstConnectionInV1: 'A version 1 trace cannot hold a "firstConnection".',
  nestedFirstConnection: 'A "firstConnection" cannot hold another one.',
  inFirstConnection: '"firstConnection": {problem}',
  notObjectAt: '{where} is not an object.',
  mustBeNumber: '{where} must be a number.',
  mustBeMilliseconds: '{where} must be a non-negative number of milliseconds.',
  mustBeOneOf: '{where} must be one of {values}.',
  mustBeString: '{where} must be a string.',
  mustBeObject: '{where} must be an object.',
  bytesNotObject: '{where} must be an object with a hex string.',
  bytesNotHex: '{where}.hex is not an even-length hex string.',
  fieldNotObject: '{where}.field must be an annotation object.',
  byteRefsVersion: 'The trace uses byte references of version {version}; this code reads version {max}.',
  refsNotList: '{where} must be a list of references.',
  notReference: '{where} holds something that is not a [seq, part, start, end] reference.',
  refPart: '{where} refers to {part}, which is neither "bytes" nor "plaintext".',
  refNotBefore: '{where} refers to step {seq}\'s {part}, which does not come before it.',
  refRange: '{where} refers to bytes {start}..{end} of a {length}-byte step.',
  refsTooLarge: 'The trace’s byte references expand to more than this server accepts.',
} as const;

type Sentences = typeof traceFileSaid;
type Holes<S> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Holes<Rest> : never;
type Value = string | number | Diagnostic;

/** A trace file's problem, its values checked against its sentence: `traceProblem('mustBeNumber', { where })`. */
export function traceProblem<K extends keyof Sentences>(code: K, ...params: Holes<Sentences[K]> extends never ? [] : [{ [Name in Holes<Sentences[K]>]: Value }]): Diagnostic {
  return params[0] ? { code, params: params[0] as Record<string, Value> } : { code };
}

/** The problem's sentence in English. */
export function traceProblemEnglish(d: Diagnostic): string {
  const template: string = Object.hasOwn(traceFileSaid, d.code) ? traceFileSaid[d.code as keyof Sentences] : d.code;
  return template.replace(/\{(\w+)\}/g, (hole, name: string) => {
    const value = d.params?.[name];
    if (value === undefined) return hole;
    return typeof value === 'object' ? traceProblemEnglish(value) : String(value);
  });
}

/**
 * A value that is not a trace (or a bundle) this code can read. `message` says what is wrong and
 * where, in English; `problem`, when set, is the same as data for the views to word.
 */
export class TraceFormatError extends Error {
  override readonly name = 'TraceFormatError';
  readonly problem?: Diagnostic;
  constructor(said: Diagnostic | string) {
    super(typeof said === 'string' ? said : traceProblemEnglish(said));
    if (typeof said !== 'string') this.problem = said;
  }
}
