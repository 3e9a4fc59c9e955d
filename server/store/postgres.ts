import pg from 'pg';
import { SnapshotStore, storeUnavailable, type ArtifactRow, type BundleSnapshot, type Snapshot } from './snapshot';

export interface PostgresStoreOptions {
  /** postgresql://user@host:port/database (DATABASE_URL). */
  connectionString: string;
  maxBytes?: number;
  /** Connections per app instance. Default 5. */
  poolSize?: number;
}

/** Serializes schema creation between app instances starting at the same time (any fixed number). */
const SCHEMA_LOCK = 0x746c7370; // "tlsp"

/**
 * Saved results in PostgreSQL, for several app instances behind a load balancer sharing one set of
 * results. The table is created on first use. Saves are INSERT … ON CONFLICT DO NOTHING on the
 * content-addressed primary key: whichever instance commits first stores the trace, every other
 * concurrent save of the same trace gets the same id with created false. The trace is stored as
 * text, not jsonb, so it comes back byte for byte as it was hashed.
 */
export class PostgresResultStore extends SnapshotStore {
  readonly kind = 'postgresql';
  private readonly pool: pg.Pool;
  private schema: Promise<void> | undefined;

  constructor(options: PostgresStoreOptions) {
    super(options.maxBytes);
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 5 });
    // An idle connection dropped by the server (restart, failover) must not crash the app; the
    // next query opens a new one.
    this.pool.on('error', () => {});
  }

  /** Creates the table once per instance; a failure is retried on the next call. */
  private ready(): Promise<void> {
    this.schema ??= this.createSchema().catch((err: unknown) => {
      this.schema = undefined;
      throw storeUnavailable('cannot create the saved_results table', err);
    });
    return this.schema;
  }

  private async createSchema(): Promise<void> {
    const client = await this.pool.connect();
    try {
      // CREATE TABLE IF NOT EXISTS is not atomic against a concurrent creator (both can pass the
      // check, one fails on the catalog's unique index); the advisory lock makes them take turns.
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await client.query(`CREATE TABLE IF NOT EXISTS saved_results (
        id TEXT PRIMARY KEY,
        trace TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
      await client.query(`CREATE TABLE IF NOT EXISTS saved_bundles (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        bundle TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
      // Rendered views of saved results (server/share/artifactCache.ts): the instance that first
      // needs one renders it, every other instance reads it from here.
      await client.query(`CREATE TABLE IF NOT EXISTS rendered_artifacts (
        key TEXT PRIMARY KEY,
        content_type TEXT NOT NULL,
        body BYTEA NOT NULL,
        meta TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  protected async insertSnapshot(snapshot: Snapshot): Promise<boolean> {
    await this.ready();
    const result = await this.pool.query('INSERT INTO saved_results (id, trace, size_bytes) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [
      snapshot.id,
      snapshot.json,
      snapshot.sizeBytes,
    ]);
    return result.rowCount === 1;
  }

  protected async insertBundle({ bundle, traces }: BundleSnapshot): Promise<boolean> {
    await this.ready();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (const t of traces) {
        await client.query('INSERT INTO saved_results (id, trace, size_bytes) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [t.id, t.json, t.sizeBytes]);
      }
      const result = await client.query('INSERT INTO saved_bundles (id, kind, bundle, size_bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING', [
        bundle.id,
        bundle.kind,
        bundle.json,
        bundle.sizeBytes,
      ]);
      await client.query('COMMIT');
      return result.rowCount === 1;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  protected async readBundleJson(id: string): Promise<string | undefined> {
    await this.ready();
    const { rows } = await this.pool.query<{ bundle: string }>('SELECT bundle FROM saved_bundles WHERE id = $1', [id]);
    return rows[0]?.bundle;
  }

  protected async readJson(id: string): Promise<string | undefined> {
    await this.ready();
    const { rows } = await this.pool.query<{ trace: string }>('SELECT trace FROM saved_results WHERE id = $1', [id]);
    return rows[0]?.trace;
  }

  protected async readArtifact(key: string): Promise<ArtifactRow | undefined> {
    await this.ready();
    const { rows } = await this.pool.query<{ content_type: string; body: Buffer; meta: string }>('SELECT content_type, body, meta FROM rendered_artifacts WHERE key = $1', [key]);
    const row = rows[0];
    return row && { contentType: row.content_type, body: row.body, meta: row.meta };
  }

  protected async insertArtifact(key: string, row: ArtifactRow): Promise<void> {
    await this.ready();
    await this.pool.query('INSERT INTO rendered_artifacts (key, content_type, body, meta) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING', [
      key,
      row.contentType,
      Buffer.from(row.body.buffer, row.body.byteOffset, row.body.byteLength),
      row.meta,
    ]);
  }

  protected release(): Promise<void> {
    return this.pool.end();
  }
}
