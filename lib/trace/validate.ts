import { migrateTrace, type TraceV1 } from './migrate';
import { TraceFormatError, traceProblem } from './problems';
import { TRACE_SCHEMA, TRACE_VERSION, type Diagnostic, type Outcome, type StepKind, type Trace } from './schema';

export { TraceFormatError };

/*
 * Checks that an untrusted value (a parsed upload, a file, a database row) has the shape of a trace
 * before anything renders, exports or stores it. Throws TraceFormatError with one sentence that says
 * what is wrong and where (as data too: ./problems.ts); returns the value typed as a Trace otherwise.
 *
 * Older schema versions are accepted and upgraded (lib/trace/migrate.ts); a newer version is
 * refused because this code cannot know what it means.
 */

const OUTCOMES: readonly Outcome[] = ['ok', 'alert', 'reset', 'closed', 'timeout', 'error'];
const DIRECTIONS = ['client->server', 'server->client', 'local'];
const LAYERS = ['tcp', 'record', 'handshake', 'alert', 'application', 'key', 'certificate', 'verdict', 'http'];
/** Every step kind of schema version 2 (lib/trace/schema.ts StepKinds). */
const KIND_SET: Record<StepKind, true> = {
  transport: true, record: true, unparseable: true, handshake: true, 'hello-retry': true, 'change-cipher-spec': true,
  'renegotiation-start': true, alert: true, 'application-data': true, key: true, check: true, refusal: true, negotiated: true,
  'handshake-complete': true, personality: true, 'no-client-certificate': true, resumption: true, 'early-data': true, http: true, error: true, outcome: true, legacy: true,
  tamper: true,
};
const KINDS = Object.keys(KIND_SET) as StepKind[];
const HEX = /^(?:[0-9a-f]{2})*$/i;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(problem: Diagnostic): never {
  throw new TraceFormatError(problem);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function checkBytes(value: unknown, where: string): void {
  if (value === undefined) return;
  if (!isObject(value) || typeof value.hex !== 'string') fail(traceProblem('bytesNotObject', { where }));
  if (!HEX.test(value.hex)) fail(traceProblem('bytesNotHex', { where }));
  if (value.field !== undefined && !isObject(value.field)) fail(traceProblem('fieldNotObject', { where }));
}

function checkStepFrame(step: unknown, index: number): asserts step is Record<string, unknown> {
  const where = `steps[${index}]`;
  if (!isObject(step)) fail(traceProblem('notObjectAt', { where }));
  if (!isFiniteNumber(step.seq)) fail(traceProblem('mustBeNumber', { where: `${where}.seq` }));
  if (!isFiniteNumber(step.timeMs) || step.timeMs < 0) fail(traceProblem('mustBeMilliseconds', { where: `${where}.timeMs` }));
  if (typeof step.direction !== 'string' || !DIRECTIONS.includes(step.direction)) fail(traceProblem('mustBeOneOf', { where: `${where}.direction`, values: DIRECTIONS.join(', ') }));
  if (typeof step.layer !== 'string' || !LAYERS.includes(step.layer)) fail(traceProblem('mustBeOneOf', { where: `${where}.layer`, values: LAYERS.join(', ') }));
  checkBytes(step.bytes, `${where}.bytes`);
  checkBytes(step.plaintext, `${where}.plaintext`);
  if (step.rfc !== undefined && typeof step.rfc !== 'string') fail(traceProblem('mustBeString', { where: `${where}.rfc` }));
}

/** Version 1: a step is words (title, explanation) and optional data. */
function checkStepV1(step: unknown, index: number): void {
  const where = `steps[${index}]`;
  checkStepFrame(step, index);
  if (typeof step.title !== 'string') fail(traceProblem('mustBeString', { where: `${where}.title` }));
  if (step.explanation !== undefined && typeof step.explanation !== 'string') fail(traceProblem('mustBeString', { where: `${where}.explanation` }));
  if (step.data !== undefined && !isObject(step.data)) fail(traceProblem('mustBeObject', { where: `${where}.data` }));
}

/** Version 2: a step is a kind and its data. */
function checkStep(step: unknown, index: number): void {
  const where = `steps[${index}]`;
  checkStepFrame(step, index);
  if (typeof step.kind !== 'string' || !KINDS.includes(step.kind as StepKind)) fail(traceProblem('mustBeOneOf', { where: `${where}.kind`, values: KINDS.join(', ') }));
  if (!isObject(step.data)) fail(traceProblem('mustBeObject', { where: `${where}.data` }));
}

function checkOutcomeCause(value: unknown): void {
  if (!isObject(value) || typeof value.cause !== 'string') fail(traceProblem('noOutcomeCause'));
}

/**
 * Checks the shape of a trace in the version it was written in, without upgrading it: what the
 * result store keeps (so a saved run keeps the id its bytes give it).
 */
export function checkTrace(value: unknown): Trace | TraceV1 {
  if (!isObject(value)) fail(traceProblem('notObject'));
  if (value.schema === undefined) fail(traceProblem('noSchema', { expected: TRACE_SCHEMA }));
  if (value.schema !== TRACE_SCHEMA) fail(traceProblem('notTrace', { schema: JSON.stringify(value.schema), expected: TRACE_SCHEMA }));
  const version = value.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) fail(traceProblem('noSchemaVersion'));
  if (version > TRACE_VERSION) fail(traceProblem('newerVersion', { version, max: TRACE_VERSION }));
  if (!isObject(value.engine) || typeof value.engine.name !== 'string' || typeof value.engine.version !== 'string') fail(traceProblem('noEngine'));
  if (typeof value.startedAt !== 'string' || Number.isNaN(Date.parse(value.startedAt))) fail(traceProblem('noStartedAt'));
  if (!isObject(value.options) || typeof value.options.url !== 'string') fail(traceProblem('noUrl'));
  if (typeof value.outcome !== 'string' || !OUTCOMES.includes(value.outcome as Outcome)) fail(traceProblem('badOutcome', { outcomes: OUTCOMES.join(', ') }));
  if (version === 1) {
    if (typeof value.outcomeDetail !== 'string') fail(traceProblem('noOutcomeDetail'));
  } else checkOutcomeCause(value.outcomeCause);
  if (!Array.isArray(value.alerts)) fail(traceProblem('alertsNotArray'));
  if (!isObject(value.timings) || !isFiniteNumber(value.timings.totalMs)) fail(traceProblem('noTotalMs'));
  if (!Array.isArray(value.keyLog) || value.keyLog.some((line) => typeof line !== 'string')) fail(traceProblem('badKeyLog'));
  if (!Array.isArray(value.steps)) fail(traceProblem('noSteps'));
  value.steps.forEach(version === 1 ? checkStepV1 : checkStep);
  if (value.resumption !== undefined && (!isObject(value.resumption) || typeof value.resumption.offered !== 'boolean' || typeof value.resumption.accepted !== 'boolean')) {
    fail(traceProblem('badResumption'));
  }
  if (value.firstConnection !== undefined) {
    if (version === 1) fail(traceProblem('firstConnectionInV1'));
    if (isObject(value.firstConnection) && value.firstConnection.firstConnection !== undefined) fail(traceProblem('nestedFirstConnection'));
    try {
      checkTrace(value.firstConnection);
    } catch (e) {
      if (e instanceof TraceFormatError && e.problem) fail(traceProblem('inFirstConnection', { problem: e.problem }));
      throw e;
    }
  }
  return value as unknown as Trace | TraceV1;
}

/** Checks an untrusted trace and returns it in the current schema version (older ones migrated). */
export function validateTrace(value: unknown): Trace {
  return migrateTrace(checkTrace(value));
}
