import pg from 'pg';
import type { Trace } from '../../lib/trace/schema';
import { type Snapshot, checkMaxBytes, isResultId, snapshotOf, snapshotOfJson, traceOfStored } from './snapshot';
import { DEFAULT_MAX_BYTES, type ResultStore, type SavedResult, StoreError } from './types';

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
export class PostgresResultStore implements ResultStore {
  readonly kind = 'postgresql';
  private readonly pool: pg.Pool;
  private readonly maxBytes: number;
  private schema: Promise<void> | undefined;
  private closed = false;

  constructor(options: PostgresStoreOptions) {
    this.maxBytes = checkMaxBytes(options.maxBytes ?? DEFAULT_MAX_BYTES);
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 5 });
    // An idle connection dropped by the server (restart, failover) must not crash the app; the
    // next query opens a new one.
    this.pool.on('error', () => {});
  }

  /** Creates the table once per instance; a failure is retried on the next call. */
  private ready(): Promise<void> {
    if (this.closed) return Promise.reject(new StoreError('UNAVAILABLE', 'The result store is closed.'));
    this.schema ??= this.createSchema().catch((err: unknown) => {
      this.schema = undefined;
      throw unavailable('cannot create the saved_results table', err);
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
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  private async insert(snapshot: Snapshot): Promise<SavedResult> {
    await this.ready();
    try {
      const result = await this.pool.query('INSERT INTO saved_results (id, trace, size_bytes) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [
        snapshot.id,
        snapshot.json,
        snapshot.sizeBytes,
      ]);
      return { id: snapshot.id, created: result.rowCount === 1 };
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
    await this.ready();
    if (!isResultId(id)) return null;
    let rows: { trace: string }[];
    try {
      rows = (await this.pool.query<{ trace: string }>('SELECT trace FROM saved_results WHERE id = $1', [id])).rows;
    } catch (err) {
      throw unavailable('cannot read the result', err);
    }
    return rows.length > 0 ? traceOfStored(id, rows[0].trace) : null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

function unavailable(what: string, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  return new StoreError('UNAVAILABLE', `The result store failed: ${what} (${err instanceof Error ? err.message : String(err)}).`, { cause: err });
}
