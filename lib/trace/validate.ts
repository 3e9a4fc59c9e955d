import { migrateTrace, type TraceV1 } from './migrate';
import { TRACE_SCHEMA, TRACE_VERSION, type Outcome, type StepKind, type Trace } from './schema';

/**
 * Checks that an untrusted value (a parsed upload, a file, a database row) has the shape of a trace
 * before anything renders, exports or stores it. Throws TraceFormatError with one sentence that says
 * what is wrong and where; returns the value typed as a Trace otherwise.
 *
 * Older schema versions are accepted and upgraded (lib/trace/migrate.ts); a newer version is
 * refused because this code cannot know what it means.
 */
export class TraceFormatError extends Error {
  override readonly name = 'TraceFormatError';
}

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

function fail(message: string): never {
  throw new TraceFormatError(message);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function checkBytes(value: unknown, where: string): void {
  if (value === undefined) return;
  if (!isObject(value) || typeof value.hex !== 'string') fail(`${where} must be an object with a hex string.`);
  if (!HEX.test(value.hex)) fail(`${where}.hex is not an even-length hex string.`);
  if (value.field !== undefined && !isObject(value.field)) fail(`${where}.field must be an annotation object.`);
}

function checkStepFrame(step: unknown, index: number): asserts step is Record<string, unknown> {
  const where = `steps[${index}]`;
  if (!isObject(step)) fail(`${where} is not an object.`);
  if (!isFiniteNumber(step.seq)) fail(`${where}.seq must be a number.`);
  if (!isFiniteNumber(step.timeMs) || step.timeMs < 0) fail(`${where}.timeMs must be a non-negative number of milliseconds.`);
  if (typeof step.direction !== 'string' || !DIRECTIONS.includes(step.direction)) fail(`${where}.direction must be one of ${DIRECTIONS.join(', ')}.`);
  if (typeof step.layer !== 'string' || !LAYERS.includes(step.layer)) fail(`${where}.layer must be one of ${LAYERS.join(', ')}.`);
  checkBytes(step.bytes, `${where}.bytes`);
  checkBytes(step.plaintext, `${where}.plaintext`);
  if (step.rfc !== undefined && typeof step.rfc !== 'string') fail(`${where}.rfc must be a string.`);
}

/** Version 1: a step is words (title, explanation) and optional data. */
function checkStepV1(step: unknown, index: number): void {
  const where = `steps[${index}]`;
  checkStepFrame(step, index);
  if (typeof step.title !== 'string') fail(`${where}.title must be a string.`);
  if (step.explanation !== undefined && typeof step.explanation !== 'string') fail(`${where}.explanation must be a string.`);
  if (step.data !== undefined && !isObject(step.data)) fail(`${where}.data must be an object.`);
}

/** Version 2: a step is a kind and its data. */
function checkStep(step: unknown, index: number): void {
  const where = `steps[${index}]`;
  checkStepFrame(step, index);
  if (typeof step.kind !== 'string' || !KINDS.includes(step.kind as StepKind)) fail(`${where}.kind must be one of ${KINDS.join(', ')}.`);
  if (!isObject(step.data)) fail(`${where}.data must be an object.`);
}

function checkOutcomeCause(value: unknown): void {
  if (!isObject(value) || typeof value.cause !== 'string') fail('The trace has no "outcomeCause" (an object with a "cause").');
}

/**
 * Checks the shape of a trace in the version it was written in, without upgrading it: what the
 * result store keeps (so a saved run keeps the id its bytes give it).
 */
export function checkTrace(value: unknown): Trace | TraceV1 {
  if (!isObject(value)) fail('A trace is a JSON object; this is not an object.');
  if (value.schema !== TRACE_SCHEMA) fail(`This is not a TLS Playground trace: "schema" is ${JSON.stringify(value.schema) ?? 'missing'}, expected "${TRACE_SCHEMA}".`);
  const version = value.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) fail('The trace has no valid "schemaVersion" (a positive integer).');
  if (version > TRACE_VERSION) fail(`The trace has schema version ${version}; this code reads versions up to ${TRACE_VERSION}.`);
  if (!isObject(value.engine) || typeof value.engine.name !== 'string' || typeof value.engine.version !== 'string') fail('The trace does not say which engine recorded it ("engine.name", "engine.version").');
  if (typeof value.startedAt !== 'string' || Number.isNaN(Date.parse(value.startedAt))) fail('The trace has no valid "startedAt" time (an ISO 8601 string).');
  if (!isObject(value.options) || typeof value.options.url !== 'string') fail('The trace does not say which URL it ran ("options.url").');
  if (typeof value.outcome !== 'string' || !OUTCOMES.includes(value.outcome as Outcome)) fail(`The trace's "outcome" must be one of ${OUTCOMES.join(', ')}.`);
  if (version === 1) {
    if (typeof value.outcomeDetail !== 'string') fail('The trace has no "outcomeDetail" sentence.');
  } else checkOutcomeCause(value.outcomeCause);
  if (!Array.isArray(value.alerts)) fail('The trace\'s "alerts" must be an array.');
  if (!isObject(value.timings) || !isFiniteNumber(value.timings.totalMs)) fail('The trace has no "timings.totalMs".');
  if (!Array.isArray(value.keyLog) || value.keyLog.some((line) => typeof line !== 'string')) fail('The trace\'s "keyLog" must be an array of NSS key log lines (strings).');
  if (!Array.isArray(value.steps)) fail('The trace has no "steps" array.');
  value.steps.forEach(version === 1 ? checkStepV1 : checkStep);
  if (value.resumption !== undefined && (!isObject(value.resumption) || typeof value.resumption.offered !== 'boolean' || typeof value.resumption.accepted !== 'boolean')) {
    fail('The trace\'s "resumption" must be an object with "offered" and "accepted" booleans.');
  }
  if (value.firstConnection !== undefined) {
    if (version === 1) fail('A version 1 trace cannot hold a "firstConnection".');
    if (isObject(value.firstConnection) && value.firstConnection.firstConnection !== undefined) fail('A "firstConnection" cannot hold another one.');
    try {
      checkTrace(value.firstConnection);
    } catch (e) {
      fail(`"firstConnection": ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return value as unknown as Trace | TraceV1;
}

/** Checks an untrusted trace and returns it in the current schema version (older ones migrated). */
export function validateTrace(value: unknown): Trace {
  return migrateTrace(checkTrace(value));
}
