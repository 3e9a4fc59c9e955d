import type { ResultStore } from './types';

export { StoreError, DEFAULT_MAX_BYTES, MAX_ARTIFACT_KEY_LENGTH, uploadLimit } from './types';
export type { ResultStore, SavedBundle, SavedResult, StoredArtifact, StoredBundle, StoreErrorCode } from './types';

/** Where the SQLite store lives when RESULTS_DB is not set (relative to the working directory). */
export const DEFAULT_RESULTS_DB = './data/results.db';

export interface StoreEnvironment {
  [name: string]: string | undefined;
  /** PostgreSQL connection URL: when set, results go to PostgreSQL (several app instances). */
  DATABASE_URL?: string;
  /** SQLite file when DATABASE_URL is not set. Default ./data/results.db. */
  RESULTS_DB?: string;
  /** Size cap for one saved result in bytes. Default 8 MiB. */
  RESULTS_MAX_BYTES?: string;
}

/**
 * Opens the result store the environment asks for: PostgreSQL when DATABASE_URL is set, otherwise
 * SQLite at RESULTS_DB. Each driver is loaded only when chosen, so a SQLite deployment never loads
 * pg and the other way round.
 */
export async function openStore(env: StoreEnvironment = process.env): Promise<ResultStore> {
  let maxBytes: number | undefined;
  if (env.RESULTS_MAX_BYTES !== undefined && env.RESULTS_MAX_BYTES !== '') {
    maxBytes = Number(env.RESULTS_MAX_BYTES);
    if (!/^\d+$/.test(env.RESULTS_MAX_BYTES) || maxBytes <= 0) throw new Error(`RESULTS_MAX_BYTES must be a positive number of bytes, not "${env.RESULTS_MAX_BYTES}"`);
  }
  if (env.DATABASE_URL) {
    const { PostgresResultStore } = await import('./postgres');
    return new PostgresResultStore({ connectionString: env.DATABASE_URL, maxBytes });
  }
  const { SqliteResultStore } = await import('./sqlite');
  return new SqliteResultStore({ path: env.RESULTS_DB || DEFAULT_RESULTS_DB, maxBytes });
}
