import type { Bundle, BundleKind } from '../../lib/bundle/bundle';
import type { Trace } from '../../lib/trace/schema';

/**
 * Saved results: immutable snapshots of traces, named by their content. One interface, two
 * implementations: SQLite (sqlite.ts, the embedded default) and PostgreSQL (postgres.ts, shared by
 * several app instances). index.ts picks one from the environment.
 */
export interface SavedResult {
  /** Content address: the same trace always gets the same id (see snapshot.ts). */
  id: string;
  /** False when this exact trace was already saved (by anyone); the id is the same. */
  created: boolean;
}

/** A saved bundle (a diagnosis or a comparison): its id, and the id each run got as a saved result. */
export interface SavedBundle extends SavedResult {
  kind: BundleKind;
  /** Each run's own saved result (/r/{id}), in the bundle's order. */
  traceIds: string[];
}

/** A bundle read back: each run carries the id of its own saved result. */
export interface StoredBundle extends Bundle {
  runs: (Bundle['runs'][number] & { traceId: string })[];
}

export interface ResultStore {
  readonly kind: 'sqlite' | 'postgresql';
  /** Saves a trace object (validated here: callers pass whatever they received). */
  save(trace: unknown): Promise<SavedResult>;
  /** Saves a trace uploaded as JSON text; the size cap applies to the text before it is parsed. */
  saveJson(text: string): Promise<SavedResult>;
  /** The saved trace, or null when no result has this id (including ids that cannot exist). */
  get(id: string): Promise<Trace | null>;
  /**
   * A rendered view of a saved result (a page's HTML, the preview image, …), made once by whichever
   * app instance first needed it and read back by every other one. null when nothing is stored
   * under `key`. See server/share/artifactCache.ts for how keys are made.
   */
  getArtifact(key: string): Promise<StoredArtifact | null>;
  /** Stores an artifact unless one is stored under `key` already (the first one wins; they are equal). */
  putArtifact(key: string, artifact: StoredArtifact): Promise<void>;
  /**
   * Saves a bundle: each run's trace as a saved result of its own (so each opens at /r/{id}), and
   * the bundle naming them, in one transaction. The size cap applies to the whole bundle.
   */
  saveBundle(bundle: unknown): Promise<SavedBundle>;
  /** Saves a bundle uploaded as JSON text (its traces may be in their compact form). */
  saveBundleJson(text: string): Promise<SavedBundle>;
  /** The saved bundle with its traces, or null when no bundle has this id. */
  getBundle(id: string): Promise<StoredBundle | null>;
  /** Releases the database; later calls fail with StoreError UNAVAILABLE. */
  close(): Promise<void>;
}

/** A rendered view as the store keeps it: its bytes, their media type, and facts about them (JSON). */
export interface StoredArtifact {
  contentType: string;
  body: Uint8Array;
  /** Small string facts the server needs when it serves the bytes (e.g. inline script hashes). */
  meta: Record<string, string>;
}

/** Longest artifact key a store accepts (keys are made by the server, never taken from a request). */
export const MAX_ARTIFACT_KEY_LENGTH = 512;

export type StoreErrorCode = 'TOO_LARGE' | 'INVALID' | 'UNAVAILABLE';

/** The HTTP status each failure maps to, for the routes that expose the store. */
const STATUS: Record<StoreErrorCode, number> = { TOO_LARGE: 413, INVALID: 400, UNAVAILABLE: 503 };

/** A failure the user (or operator) can act on, with one sentence saying what went wrong. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly status: number;

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = STATUS[code];
  }
}

/**
 * Default size cap for one saved result: 8 MiB of canonical JSON. A stored trace is in its compact
 * form (lib/trace/compact.ts), which holds each response byte twice as hex, the record's ciphertext
 * and plaintext (~4.2 bytes of JSON per body byte), so this keeps responses up to ~1.9 MB.
 */
export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

/**
 * The cap applies to what is stored, the compact form; an upload may be the full trace (the CLI's
 * --json, indented), which holds each response byte four times as hex instead of twice. So an
 * upload is read up to this many times the cap (and a gzip one unpacked up to it) before it is
 * parsed and compacted, and only then measured against the cap.
 */
export const UPLOAD_FACTOR = 4;

export function uploadLimit(maxBytes: number): number {
  return maxBytes * UPLOAD_FACTOR;
}
