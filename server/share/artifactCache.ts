import type { StoredArtifact } from '../store';

/**
 * Render once, serve many: the rendered views of saved results (the /r page's HTML, the embed, the
 * preview image, the facts oEmbed answers with) are made once and then served as bytes.
 *
 * A saved result never changes (its id is its content's hash), so neither does any view of it made
 * by one build of the app in one language. Lookups go: a bounded in-memory LRU of this instance →
 * the shared store (PostgreSQL or SQLite, table rendered_artifacts) → render. The instance that
 * renders writes the store, so with several instances on one PostgreSQL each view is rendered about
 * once in all (two instances missing at the same moment may both render; the store keeps the first).
 * Within one instance concurrent misses of one key share a single render.
 *
 * A render that finds nothing (unknown id) or fails is not cached: the id may be saved a moment
 * later, and a database that was down may come back.
 */

/** Where a served artifact came from: made by this request, this instance's memory, or the store. */
export type ArtifactSource = 'render' | 'memory' | 'store';

/** What the cache hands out: the stored bytes. (Compression is the server's: Next.js compresses
 * every response on the way out and drops a Content-Encoding a route handler sets.) */
export type Artifact = StoredArtifact;

/** The part of a ResultStore the cache needs (a test can pass a map). */
export interface ArtifactStore {
  getArtifact(key: string): Promise<StoredArtifact | null>;
  putArtifact(key: string, artifact: StoredArtifact): Promise<void>;
}

export interface ArtifactCacheOptions {
  /** The shared store; a function so the store is opened on first use. */
  store: () => Promise<ArtifactStore>;
  /** Memory bound of the LRU, in bytes of bodies. */
  maxBytes: number;
  /** Called when the store cannot be read or written: the view is still served (rendered), just not shared. */
  onStoreError?: (error: unknown) => void;
}

export interface ArtifactCacheStats {
  renders: number;
  memoryHits: number;
  storeHits: number;
  /** Artifacts and bytes in memory now. */
  entries: number;
  bytes: number;
}

function sizeOf(artifact: Artifact): number {
  return artifact.body.byteLength;
}

export class ArtifactCache {
  private readonly memory = new Map<string, Artifact>();
  private readonly pending = new Map<string, Promise<{ artifact: Artifact; source: ArtifactSource } | null>>();
  private bytes = 0;
  private renders = 0;
  private memoryHits = 0;
  private storeHits = 0;

  constructor(private readonly options: ArtifactCacheOptions) {}

  /**
   * The artifact under `key`, from memory, the store, or `render` (null: there is nothing to render,
   * e.g. an unknown id; not cached). `persist: false` keeps a view out of the shared store (for
   * views that are cheap to make again from the store's own data).
   */
  async get(key: string, render: () => Promise<StoredArtifact | null>, { persist = true }: { persist?: boolean } = {}): Promise<{ artifact: Artifact; source: ArtifactSource } | null> {
    const remembered = this.peek(key);
    if (remembered) return { artifact: remembered, source: 'memory' };
    let waiting = this.pending.get(key);
    if (!waiting) {
      waiting = this.fill(key, render, persist).finally(() => this.pending.delete(key));
      this.pending.set(key, waiting);
      return waiting;
    }
    // Another request is making it right now: share its answer (it counts as a memory hit).
    const shared = await waiting;
    if (shared) this.memoryHits++;
    return shared && { artifact: shared.artifact, source: 'memory' };
  }

  /**
   * The artifact under `key` if this instance has it in memory, else undefined — never the store,
   * never a render, nothing to wait for: what the app's fast path answers before Next's router
   * (server/app/cachedViews.ts); a miss there goes the whole way through get().
   */
  peek(key: string): Artifact | undefined {
    const remembered = this.memory.get(key);
    if (!remembered) return undefined;
    // Map order is insertion order: re-inserting makes this the most recently used.
    this.memory.delete(key);
    this.memory.set(key, remembered);
    this.memoryHits++;
    return remembered;
  }

  stats(): ArtifactCacheStats {
    return { renders: this.renders, memoryHits: this.memoryHits, storeHits: this.storeHits, entries: this.memory.size, bytes: this.bytes };
  }

  private async fill(key: string, render: () => Promise<StoredArtifact | null>, persist: boolean): Promise<{ artifact: Artifact; source: ArtifactSource } | null> {
    const store = persist ? await this.options.store().catch((error: unknown) => this.storeFailed(error)) : undefined;
    if (store) {
      const stored = await store.getArtifact(key).catch((error: unknown) => this.storeFailed(error));
      if (stored) {
        this.storeHits++;
        return { artifact: this.remember(key, stored), source: 'store' };
      }
    }
    const made = await render();
    if (!made) return null;
    this.renders++;
    if (store) await store.putArtifact(key, made).catch((error: unknown) => this.storeFailed(error));
    return { artifact: this.remember(key, made), source: 'render' };
  }

  private storeFailed(error: unknown): undefined {
    this.options.onStoreError?.(error);
    return undefined;
  }

  private remember(key: string, artifact: StoredArtifact): Artifact {
    const size = sizeOf(artifact);
    // Something larger than the whole cache is served but not kept.
    if (size > this.options.maxBytes) return artifact;
    this.memory.set(key, artifact);
    this.bytes += size;
    for (const [oldKey, old] of this.memory) {
      if (this.bytes <= this.options.maxBytes) break;
      this.memory.delete(oldKey);
      this.bytes -= sizeOf(old);
    }
    return artifact;
  }
}
