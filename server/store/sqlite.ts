import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Trace } from '../../lib/trace/schema';
import { type Snapshot, checkMaxBytes, isResultId, snapshotOf, snapshotOfJson, traceOfStored } from './snapshot';
import { DEFAULT_MAX_BYTES, type ResultStore, type SavedResult, StoreError } from './types';

export interface SqliteStoreOptions {
  /** The database file; its directory and the file are created on first use. */
  path: string;
  maxBytes?: number;
}

/**
 * Saved results in one SQLite file (better-sqlite3): the embedded default for a single app instance.
 *
 * WAL mode lets readers proceed while a save commits; with synchronous=FULL a save that returned
 * is on disk and survives a crash of the process or of the machine. Saves are INSERT OR IGNORE on the
 * content-addressed primary key, so concurrent saves of the same trace — from this process or
 * another one on the same file (busy_timeout waits for the write lock) — store it exactly once.
 */
export class SqliteResultStore implements ResultStore {
  readonly kind = 'sqlite';
  private readonly path: string;
  private readonly maxBytes: number;
  private db: Database.Database | undefined;
  private closed = false;

  constructor(options: SqliteStoreOptions) {
    this.path = options.path;
    this.maxBytes = checkMaxBytes(options.maxBytes ?? DEFAULT_MAX_BYTES);
  }

  /** Opens the file on first use: nothing is created until something is saved or looked up. */
  private database(): Database.Database {
    if (this.closed) throw new StoreError('UNAVAILABLE', 'The result store is closed.');
    if (this.db) return this.db;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const db = new Database(this.path);
      db.pragma('journal_mode = WAL');
      // better-sqlite3 builds with WAL synchronous=NORMAL, which survives a process crash but may
      // lose the last commits on a power cut; saves are rare, so pay one fsync each.
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.exec(`CREATE TABLE IF NOT EXISTS saved_results (
        id TEXT PRIMARY KEY NOT NULL,
        trace TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        created_at TEXT NOT NULL
      )`);
      this.db = db;
      return db;
    } catch (err) {
      throw unavailable(`cannot open the results database ${this.path}`, err);
    }
  }

  private insert(snapshot: Snapshot): SavedResult {
    const db = this.database();
    try {
      const result = db
        .prepare('INSERT OR IGNORE INTO saved_results (id, trace, size_bytes, created_at) VALUES (?, ?, ?, ?)')
        .run(snapshot.id, snapshot.json, snapshot.sizeBytes, new Date().toISOString());
      return { id: snapshot.id, created: result.changes === 1 };
    } catch (err) {
      throw unavailable('cannot save the result', err);
    }
  }

  async save(trace: unknown): Promise<SavedResult> {
    return this.insert(snapshotOf(trace, this.maxBytes));
  }

  async saveJson(text: string): Promise<SavedResult> {
    return this.insert(snapshotOfJson(text, this.maxBytes));
  }

  async get(id: string): Promise<Trace | null> {
    const db = this.database();
    if (!isResultId(id)) return null;
    let row: { trace: string } | undefined;
    try {
      row = db.prepare('SELECT trace FROM saved_results WHERE id = ?').get(id) as { trace: string } | undefined;
    } catch (err) {
      throw unavailable('cannot read the result', err);
    }
    return row ? traceOfStored(id, row.trace) : null;
  }

  async close(): Promise<void> {
    this.closed = true;
    const db = this.db;
    this.db = undefined;
    db?.close();
  }
}

function unavailable(what: string, err: unknown): StoreError {
  return new StoreError('UNAVAILABLE', `The result store failed: ${what} (${err instanceof Error ? err.message : String(err)}).`, { cause: err });
}
