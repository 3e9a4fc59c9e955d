import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type ResultStore } from '../store';
import { ArtifactCache } from './artifactCache';

/**
 * This app instance's render cache and result store, shared by every route (Next bundles each route
 * on its own, so module state would be per route; these live on globalThis instead).
 */

const STATE = Symbol.for('tls-playground.shareState');

interface State {
  store?: Promise<ResultStore>;
  cache?: ArtifactCache;
  build?: string;
}

function state(): State {
  const global = globalThis as { [STATE]?: State };
  return (global[STATE] ??= {});
}

/** Default memory bound of the render cache: 64 MiB of rendered bytes per instance. */
export const DEFAULT_RENDER_CACHE_BYTES = 64 * 1024 * 1024;

/** The result store (DATABASE_URL → PostgreSQL, else SQLite at RESULTS_DB); a failed open is retried. */
export function sharedStore(): Promise<ResultStore> {
  const s = state();
  s.store ??= openStore(process.env).catch((error: unknown) => {
    s.store = undefined;
    throw error;
  });
  return s.store;
}

export function renderCache(): ArtifactCache {
  const s = state();
  if (!s.cache) {
    const configured = Number(process.env.RENDER_CACHE_BYTES);
    s.cache = new ArtifactCache({
      store: sharedStore,
      maxBytes: Number.isSafeInteger(configured) && configured >= 0 ? configured : DEFAULT_RENDER_CACHE_BYTES,
      onStoreError: (error) => console.error('the render cache could not use the result store:', error),
    });
  }
  return s.cache;
}

/**
 * The build a view was rendered by: a page's HTML names that build's script files, and a new build
 * may draw differently, so cache keys include it. `next start` serves from .next/BUILD_ID; under
 * `next dev` there is none and nothing is cached.
 */
export function buildId(): string | undefined {
  const s = state();
  if (s.build === undefined) {
    if (process.env.NODE_ENV === 'development') return undefined;
    try {
      s.build = readFileSync(join(process.cwd(), '.next', 'BUILD_ID'), 'utf8').trim();
    } catch {
      s.build = '';
    }
  }
  return s.build || undefined;
}
