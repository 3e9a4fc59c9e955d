import { TRACE_SCHEMA, TRACE_VERSION, type Outcome, type Trace } from './schema';

/**
 * Checks that an untrusted value (a parsed upload, a file, a database row) has the shape of a trace
 * before anything renders, exports or stores it. Throws TraceFormatError with one sentence that says
 * what is wrong and where; returns the value typed as a Trace otherwise.
 *
 * Older schema versions are accepted up to the current one (a migration step, when one exists,
 * upgrades them); a newer version is refused because this code cannot know what it means.
 */
export class TraceFormatError extends Error {
  override readonly name = 'TraceFormatError';
}

const OUTCOMES: readonly Outcome[] = ['ok', 'alert', 'reset', 'closed', 'timeout', 'error'];
const DIRECTIONS = ['client->server', 'server->client', 'local'];
const LAYERS = ['tcp', 'record', 'handshake', 'alert', 'application', 'key', 'certificate', 'verdict', 'http'];
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

function checkStep(step: unknown, index: number): void {
  const where = `steps[${index}]`;
  if (!isObject(step)) fail(`${where} is not an object.`);
  if (!isFiniteNumber(step.seq)) fail(`${where}.seq must be a number.`);
  if (!isFiniteNumber(step.timeMs) || step.timeMs < 0) fail(`${where}.timeMs must be a non-negative number of milliseconds.`);
  if (typeof step.direction !== 'string' || !DIRECTIONS.includes(step.direction)) fail(`${where}.direction must be one of ${DIRECTIONS.join(', ')}.`);
  if (typeof step.layer !== 'string' || !LAYERS.includes(step.layer)) fail(`${where}.layer must be one of ${LAYERS.join(', ')}.`);
  if (typeof step.title !== 'string') fail(`${where}.title must be a string.`);
  checkBytes(step.bytes, `${where}.bytes`);
  checkBytes(step.plaintext, `${where}.plaintext`);
  for (const key of ['explanation', 'rfc'] as const) {
    if (step[key] !== undefined && typeof step[key] !== 'string') fail(`${where}.${key} must be a string.`);
  }
  if (step.data !== undefined && !isObject(step.data)) fail(`${where}.data must be an object.`);
}

export function validateTrace(value: unknown): Trace {
  if (!isObject(value)) fail('A trace is a JSON object; this is not an object.');
  if (value.schema !== TRACE_SCHEMA) fail(`This is not a TLS Playground trace: "schema" is ${JSON.stringify(value.schema) ?? 'missing'}, expected "${TRACE_SCHEMA}".`);
  const version = value.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) fail('The trace has no valid "schemaVersion" (a positive integer).');
  if (version > TRACE_VERSION) fail(`The trace has schema version ${version}; this code reads versions up to ${TRACE_VERSION}.`);
  if (!isObject(value.engine) || typeof value.engine.name !== 'string' || typeof value.engine.version !== 'string') fail('The trace does not say which engine recorded it ("engine.name", "engine.version").');
  if (typeof value.startedAt !== 'string' || Number.isNaN(Date.parse(value.startedAt))) fail('The trace has no valid "startedAt" time (an ISO 8601 string).');
  if (!isObject(value.options) || typeof value.options.url !== 'string') fail('The trace does not say which URL it ran ("options.url").');
  if (typeof value.outcome !== 'string' || !OUTCOMES.includes(value.outcome as Outcome)) fail(`The trace's "outcome" must be one of ${OUTCOMES.join(', ')}.`);
  if (typeof value.outcomeDetail !== 'string') fail('The trace has no "outcomeDetail" sentence.');
  if (!Array.isArray(value.alerts)) fail('The trace\'s "alerts" must be an array.');
  if (!isObject(value.timings) || !isFiniteNumber(value.timings.totalMs)) fail('The trace has no "timings.totalMs".');
  if (!Array.isArray(value.keyLog) || value.keyLog.some((line) => typeof line !== 'string')) fail('The trace\'s "keyLog" must be an array of NSS key log lines (strings).');
  if (!Array.isArray(value.steps)) fail('The trace has no "steps" array.');
  value.steps.forEach(checkStep);
  return value as unknown as Trace;
}
