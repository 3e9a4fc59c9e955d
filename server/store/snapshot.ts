import { createHash } from 'node:crypto';
import { canonicalTraceJson, parseTraceJson } from '../../lib/export/json';
import type { Trace } from '../../lib/trace/schema';
import { TraceFormatError, validateTrace } from '../../lib/trace/validate';
import { StoreError } from './types';

/**
 * What both stores do before and after touching their database: validate, canonicalize, cap the
 * size and name the snapshot; read a stored snapshot back.
 *
 * The id is the first 22 base64url characters (132 bits) of the SHA-256 of the canonical JSON:
 * short enough for a link, far too long to guess or to collide, and the same trace saved twice (or by
 * two app instances at once) lands on the same row.
 */
export const ID_LENGTH = 22;
const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export interface Snapshot {
  id: string;
  /** Canonical JSON, exactly what is stored. */
  json: string;
  sizeBytes: number;
}

export function isResultId(id: string): boolean {
  return ID_PATTERN.test(id);
}

export function resultId(canonicalJson: string): string {
  return createHash('sha256').update(canonicalJson, 'utf8').digest('base64url').slice(0, ID_LENGTH);
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

function tooLarge(what: string, bytes: number, maxBytes: number): StoreError {
  return new StoreError('TOO_LARGE', `${what} is ${formatBytes(bytes)}; saved results are limited to ${formatBytes(maxBytes)}.`);
}

function invalid(err: unknown): never {
  if (err instanceof TraceFormatError) throw new StoreError('INVALID', `Not saved: ${err.message}`, { cause: err });
  throw err;
}

/** Validates a trace object and turns it into the snapshot to store. */
export function snapshotOf(trace: unknown, maxBytes: number): Snapshot {
  let valid: Trace;
  try {
    valid = validateTrace(trace);
  } catch (err) {
    invalid(err);
  }
  const json = canonicalTraceJson(valid);
  const sizeBytes = Buffer.byteLength(json, 'utf8');
  if (sizeBytes > maxBytes) throw tooLarge('The trace', sizeBytes, maxBytes);
  return { id: resultId(json), json, sizeBytes };
}

/** Parses and validates an uploaded JSON text; refuses oversized text before parsing it. */
export function snapshotOfJson(text: string, maxBytes: number): Snapshot {
  const uploadBytes = Buffer.byteLength(text, 'utf8');
  if (uploadBytes > maxBytes) throw tooLarge('The upload', uploadBytes, maxBytes);
  let trace: Trace;
  try {
    trace = parseTraceJson(text);
  } catch (err) {
    invalid(err);
  }
  return snapshotOf(trace, maxBytes);
}

/** Reads a stored snapshot back (through the same validation, so old versions keep loading). */
export function traceOfStored(id: string, json: string): Trace {
  try {
    return parseTraceJson(json);
  } catch (err) {
    throw new StoreError('UNAVAILABLE', `The saved result ${id} cannot be read: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

export function checkMaxBytes(maxBytes: number): number {
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new Error(`the size cap for saved results must be a positive number of bytes, not ${maxBytes}`);
  return maxBytes;
}
