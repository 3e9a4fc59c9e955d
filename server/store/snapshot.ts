import { createHash } from 'node:crypto';
import { canonicalTraceJson, parseTraceJson, parseTraceJsonAsWritten } from '../../lib/export/json';
import { compactTrace } from '../../lib/trace/compact';
import type { Trace } from '../../lib/trace/schema';
import type { TraceV1 } from '../../lib/trace/migrate';
import { checkTrace, TraceFormatError, validateTrace } from '../../lib/trace/validate';
import { BUNDLE_SCHEMA, BUNDLE_VERSION, parseBundleJson, validateBundle, type Bundle, type BundleKind } from '../../lib/bundle/bundle';
import { DEFAULT_MAX_BYTES, MAX_ARTIFACT_KEY_LENGTH, StoreError, uploadLimit, type ResultStore, type SavedBundle, type SavedResult, type StoredArtifact, type StoredBundle } from './types';

/**
 * What both stores do before and after touching their database: validate, canonicalize, cap the
 * size and name the snapshot; read a stored snapshot back.
 *
 * What is stored is the canonical JSON of the trace's compact form (lib/trace/compact.ts: a
 * response's bytes are kept once, not three times), in the schema version it was written in, so
 * a run saved by an older version keeps its id when it is saved again; reading it back expands and
 * migrates it (lib/trace/migrate.ts).
 *
 * The id is the first 22 base64url characters (132 bits) of the SHA-256 of that canonical JSON:
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

/** Uploads are measured by what would be stored (the compact form); text this large is not parsed. */
function uploadTooLarge(uploadBytes: number, maxBytes: number): StoreError {
  return new StoreError(
    'TOO_LARGE',
    `The upload is ${formatBytes(uploadBytes)}; this server reads uploads up to ${formatBytes(uploadLimit(maxBytes))} (saved results are limited to ${formatBytes(maxBytes)} in their compact form).`,
  );
}

function invalid(err: unknown): never {
  if (err instanceof TraceFormatError) throw new StoreError('INVALID', `Not saved: ${err.message}`, { cause: err });
  throw err;
}

/** Validates a trace object and turns it into the snapshot to store. */
export function snapshotOf(trace: unknown, maxBytes: number): Snapshot {
  let valid: Trace | TraceV1;
  try {
    valid = checkTrace(trace);
    // A trace that cannot be migrated is refused now, not when someone opens it.
    validateTrace(valid);
  } catch (err) {
    invalid(err);
  }
  // Stored in the schema version it was written in: a run saved before version 2 keeps its id.
  const json = canonicalTraceJson(compactTrace(valid as Trace));
  const sizeBytes = Buffer.byteLength(json, 'utf8');
  if (sizeBytes > maxBytes) throw tooLarge('The trace', sizeBytes, maxBytes);
  return { id: resultId(json), json, sizeBytes };
}

/**
 * Parses and validates an uploaded JSON text (full or compact form). The cap is on the compact form
 * that is stored; text beyond uploadLimit() is refused before it is parsed.
 */
export function snapshotOfJson(text: string, maxBytes: number): Snapshot {
  const uploadBytes = Buffer.byteLength(text, 'utf8');
  if (uploadBytes > uploadLimit(maxBytes)) {
    throw uploadTooLarge(uploadBytes, maxBytes);
  }
  let trace: Trace | TraceV1;
  try {
    trace = parseTraceJsonAsWritten(text);
  } catch (err) {
    invalid(err);
  }
  return snapshotOf(trace, maxBytes);
}

/**
 * A bundle as stored: what it is and, for each run, its role and the id of its trace's snapshot
 * (stored as a saved result of its own). Its id is the hash of this canonical JSON, so it names the
 * traces' contents too.
 */
export interface BundleSnapshot {
  bundle: Snapshot & { kind: BundleKind };
  traces: Snapshot[];
}

interface StoredBundleJson {
  schema: typeof BUNDLE_SCHEMA;
  schemaVersion: number;
  kind: BundleKind;
  url: string;
  runs: { role: string; traceId: string }[];
}

/** Compact JSON with every object's keys sorted: equal values give the same text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function bundleSnapshot(bundle: Bundle, maxBytes: number): BundleSnapshot {
  const traces = bundle.runs.map((run) => snapshotOf(run.trace, maxBytes));
  const stored: StoredBundleJson = {
    schema: BUNDLE_SCHEMA,
    schemaVersion: BUNDLE_VERSION,
    kind: bundle.kind,
    url: bundle.url,
    runs: bundle.runs.map((run, i) => ({ role: run.role, traceId: traces[i].id })),
  };
  const json = canonicalJson(stored);
  const sizeBytes = Buffer.byteLength(json, 'utf8');
  const total = traces.reduce((sum, t) => sum + t.sizeBytes, sizeBytes);
  if (total > maxBytes) throw tooLarge(`The ${bundle.kind} (${bundle.runs.length} runs)`, total, maxBytes);
  return { bundle: { id: resultId(json), json, sizeBytes, kind: bundle.kind }, traces };
}

/** Validates a bundle object and turns it into the snapshots to store. */
export function bundleSnapshotOf(bundle: unknown, maxBytes: number): BundleSnapshot {
  let valid: Bundle;
  try {
    valid = validateBundle(bundle);
  } catch (err) {
    invalid(err);
  }
  return bundleSnapshot(valid, maxBytes);
}

/** Parses and validates an uploaded bundle; refuses oversized text before parsing it. */
export function bundleSnapshotOfJson(text: string, maxBytes: number): BundleSnapshot {
  const uploadBytes = Buffer.byteLength(text, 'utf8');
  if (uploadBytes > uploadLimit(maxBytes)) throw uploadTooLarge(uploadBytes, maxBytes);
  let bundle: Bundle;
  try {
    bundle = parseBundleJson(text);
  } catch (err) {
    invalid(err);
  }
  return bundleSnapshot(bundle, maxBytes);
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

/** A database failure, as the one error the store reports (a StoreError passes through unchanged). */
export function storeUnavailable(what: string, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  return new StoreError('UNAVAILABLE', `The result store failed: ${what} (${err instanceof Error ? err.message : String(err)}).`, { cause: err });
}

/** An artifact as its table holds it. */
export interface ArtifactRow {
  contentType: string;
  body: Uint8Array;
  /** JSON text of the meta object. */
  meta: string;
}

function checkArtifactKey(key: string): void {
  if (key.length === 0 || key.length > MAX_ARTIFACT_KEY_LENGTH) throw new RangeError(`an artifact key has 1 to ${MAX_ARTIFACT_KEY_LENGTH} characters, not ${key.length}`);
}

/**
 * What every store does, whatever its database: snapshots, ids, the size cap, the errors it
 * reports, and refusing work once closed. A backend supplies three things: write a snapshot unless
 * its id is stored already, read the stored text of an id, and release the database.
 */
export abstract class SnapshotStore implements ResultStore {
  abstract readonly kind: ResultStore['kind'];
  private readonly maxBytes: number;
  private closed = false;

  constructor(maxBytes = DEFAULT_MAX_BYTES) {
    this.maxBytes = checkMaxBytes(maxBytes);
  }

  /** Stores the snapshot unless a row with its id exists; true when this call stored it. */
  protected abstract insertSnapshot(snapshot: Snapshot): Promise<boolean> | boolean;
  /** The stored JSON of `id`, or undefined when there is none. */
  protected abstract readJson(id: string): Promise<string | undefined> | string | undefined;
  protected abstract release(): Promise<void> | void;
  /** The artifact row of `key` (meta as stored JSON text), or undefined. */
  protected abstract readArtifact(key: string): Promise<ArtifactRow | undefined> | ArtifactRow | undefined;
  /** Inserts the artifact row unless `key` is stored already. */
  protected abstract insertArtifact(key: string, row: ArtifactRow): Promise<void> | void;
  /**
   * Stores each trace snapshot unless stored already, then the bundle unless stored already, in one
   * transaction; true when this call stored the bundle.
   */
  protected abstract insertBundle(snapshot: BundleSnapshot): Promise<boolean> | boolean;
  /** The stored JSON of bundle `id`, or undefined when there is none. */
  protected abstract readBundleJson(id: string): Promise<string | undefined> | string | undefined;

  save(trace: unknown): Promise<SavedResult> {
    return this.store(() => snapshotOf(trace, this.maxBytes));
  }

  saveJson(text: string): Promise<SavedResult> {
    return this.store(() => snapshotOfJson(text, this.maxBytes));
  }

  async get(id: string): Promise<Trace | null> {
    this.checkOpen();
    if (!isResultId(id)) return null;
    let json: string | undefined;
    try {
      json = await this.readJson(id);
    } catch (err) {
      throw storeUnavailable('cannot read the result', err);
    }
    return json === undefined ? null : traceOfStored(id, json);
  }

  async getArtifact(key: string): Promise<StoredArtifact | null> {
    this.checkOpen();
    checkArtifactKey(key);
    let row: ArtifactRow | undefined;
    try {
      row = await this.readArtifact(key);
    } catch (err) {
      throw storeUnavailable('cannot read a rendered artifact', err);
    }
    if (!row) return null;
    return { contentType: row.contentType, body: row.body, meta: JSON.parse(row.meta) as Record<string, string> };
  }

  async putArtifact(key: string, artifact: StoredArtifact): Promise<void> {
    this.checkOpen();
    checkArtifactKey(key);
    try {
      await this.insertArtifact(key, { contentType: artifact.contentType, body: artifact.body, meta: JSON.stringify(artifact.meta) });
    } catch (err) {
      throw storeUnavailable('cannot store a rendered artifact', err);
    }
  }

  saveBundle(bundle: unknown): Promise<SavedBundle> {
    return this.storeBundle(() => bundleSnapshotOf(bundle, this.maxBytes));
  }

  saveBundleJson(text: string): Promise<SavedBundle> {
    return this.storeBundle(() => bundleSnapshotOfJson(text, this.maxBytes));
  }

  async getBundle(id: string): Promise<StoredBundle | null> {
    this.checkOpen();
    if (!isResultId(id)) return null;
    let json: string | undefined;
    try {
      json = await this.readBundleJson(id);
    } catch (err) {
      throw storeUnavailable('cannot read the bundle', err);
    }
    if (json === undefined) return null;
    const stored = JSON.parse(json) as StoredBundleJson;
    const runs = await Promise.all(
      stored.runs.map(async ({ role, traceId }) => {
        const trace = await this.get(traceId);
        if (!trace) throw new StoreError('UNAVAILABLE', `The saved bundle ${id} names a run ${traceId} that is not stored.`);
        return { role, traceId, trace };
      }),
    );
    try {
      // Through the bundle's validation, so a newer or damaged row fails in one sentence.
      validateBundle({ ...stored, runs });
    } catch (err) {
      throw new StoreError('UNAVAILABLE', `The saved bundle ${id} cannot be read: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    return { schema: stored.schema, schemaVersion: stored.schemaVersion, kind: stored.kind, url: stored.url, runs };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.release();
  }

  private async store(snapshot: () => Snapshot): Promise<SavedResult> {
    this.checkOpen();
    const s = snapshot();
    try {
      return { id: s.id, created: await this.insertSnapshot(s) };
    } catch (err) {
      throw storeUnavailable('cannot save the result', err);
    }
  }

  private async storeBundle(snapshot: () => BundleSnapshot): Promise<SavedBundle> {
    this.checkOpen();
    const s = snapshot();
    try {
      const created = await this.insertBundle(s);
      return { id: s.bundle.id, kind: s.bundle.kind, created, traceIds: s.traces.map((t) => t.id) };
    } catch (err) {
      throw storeUnavailable('cannot save the bundle', err);
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreError('UNAVAILABLE', 'The result store is closed.');
  }
}
