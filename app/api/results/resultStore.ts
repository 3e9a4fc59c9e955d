import { DEFAULT_MAX_BYTES, uploadLimit } from '@/server/store';
import { sharedStore } from '@/server/share/instance';

/**
 * The process's one result store, opened on first use from the environment (DATABASE_URL →
 * PostgreSQL, else SQLite at RESULTS_DB), shared by every route (server/share/instance.ts). A failed
 * open is not cached, so a database that comes up later is picked up.
 */
export const resultStore = sharedStore;

/**
 * The most of an upload the API reads (and unpacks): four times the cap on what is stored
 * (RESULTS_MAX_BYTES, default 8 MiB, applied by the store to the compact form), since a full trace
 * holds its response bytes twice as often as the compact one.
 */
export function maxUploadBytes(): number {
  const configured = Number(process.env.RESULTS_MAX_BYTES);
  return uploadLimit(Number.isSafeInteger(configured) && configured > 0 ? configured : DEFAULT_MAX_BYTES);
}

/** The saved trace with this id, or null when there is none (any string is safe to ask about). */
export async function getResult(id: string) {
  return (await resultStore()).get(id);
}

/** The saved bundle (diagnosis or comparison) with this id, or null when there is none. */
export async function getBundle(id: string) {
  return (await resultStore()).getBundle(id);
}
