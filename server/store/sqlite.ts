import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SnapshotStore, storeUnavailable, type ArtifactRow, type BundleSnapshot, type Snapshot } from './snapshot';

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
export class SqliteResultStore extends SnapshotStore {
  readonly kind = 'sqlite';
  private readonly path: string;
  private db: Database.Database | undefined;

  constructor(options: SqliteStoreOptions) {
    super(options.maxBytes);
    this.path = options.path;
  }

  /** Opens the file on first use: nothing is created until something is saved or looked up. */
  private database(): Database.Database {
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
      // A bundle (a saved diagnosis or comparison) names its runs, each a row of saved_results.
      db.exec(`CREATE TABLE IF NOT EXISTS saved_bundles (
        id TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL,
        bundle TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        created_at TEXT NOT NULL
      )`);
      // Rendered views of saved results (server/share/artifactCache.ts): made once, read many times.
      db.exec(`CREATE TABLE IF NOT EXISTS rendered_artifacts (
        key TEXT PRIMARY KEY NOT NULL,
        content_type TEXT NOT NULL,
        body BLOB NOT NULL,
        meta TEXT NOT NULL,
        created_at TEXT NOT NULL
      )`);
      this.db = db;
      return db;
    } catch (err) {
      throw storeUnavailable(`cannot open the results database ${this.path}`, err);
    }
  }

  protected insertSnapshot(snapshot: Snapshot): boolean {
    const result = this.database()
      .prepare('INSERT OR IGNORE INTO saved_results (id, trace, size_bytes, created_at) VALUES (?, ?, ?, ?)')
      .run(snapshot.id, snapshot.json, snapshot.sizeBytes, new Date().toISOString());
    return result.changes === 1;
  }

  protected insertBundle({ bundle, traces }: BundleSnapshot): boolean {
    const db = this.database();
    const now = new Date().toISOString();
    const insertTrace = db.prepare('INSERT OR IGNORE INTO saved_results (id, trace, size_bytes, created_at) VALUES (?, ?, ?, ?)');
    const insertBundle = db.prepare('INSERT OR IGNORE INTO saved_bundles (id, kind, bundle, size_bytes, created_at) VALUES (?, ?, ?, ?, ?)');
    return db.transaction(() => {
      for (const t of traces) insertTrace.run(t.id, t.json, t.sizeBytes, now);
      return insertBundle.run(bundle.id, bundle.kind, bundle.json, bundle.sizeBytes, now).changes === 1;
    }).immediate();
  }

  protected readBundleJson(id: string): string | undefined {
    const row = this.database().prepare('SELECT bundle FROM saved_bundles WHERE id = ?').get(id) as { bundle: string } | undefined;
    return row?.bundle;
  }

  protected readJson(id: string): string | undefined {
    const row = this.database().prepare('SELECT trace FROM saved_results WHERE id = ?').get(id) as { trace: string } | undefined;
    return row?.trace;
  }

  protected readArtifact(key: string): ArtifactRow | undefined {
    const row = this.database().prepare('SELECT content_type, body, meta FROM rendered_artifacts WHERE key = ?').get(key) as
      | { content_type: string; body: Buffer; meta: string }
      | undefined;
    return row && { contentType: row.content_type, body: row.body, meta: row.meta };
  }

  protected insertArtifact(key: string, row: ArtifactRow): void {
    this.database()
      .prepare('INSERT OR IGNORE INTO rendered_artifacts (key, content_type, body, meta, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(key, row.contentType, Buffer.from(row.body.buffer, row.body.byteOffset, row.body.byteLength), row.meta, new Date().toISOString());
  }

  protected release(): void {
    const db = this.db;
    this.db = undefined;
    db?.close();
  }
}
