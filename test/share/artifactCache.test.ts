/**
 * The render cache: a view is rendered once, then served from this instance's memory or from the
 * shared store; an unknown id or a failed render is not cached; memory stays within its bound.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ArtifactCache, type ArtifactStore } from '../../server/share/artifactCache';
import type { StoredArtifact } from '../../server/store';

/** A store that is a Map, counting its reads and writes (the contract tests cover the real ones). */
function mapStore() {
  const rows = new Map<string, StoredArtifact>();
  const calls = { get: 0, put: 0 };
  const store: ArtifactStore = {
    async getArtifact(key) {
      calls.get++;
      return rows.get(key) ?? null;
    },
    async putArtifact(key, artifact) {
      calls.put++;
      if (!rows.has(key)) rows.set(key, artifact);
    },
  };
  return { rows, calls, store };
}

function html(text: string): StoredArtifact {
  return { contentType: 'text/html; charset=utf-8', body: new TextEncoder().encode(text), meta: {} };
}

/** A renderer that counts its calls. */
function renderer(make: () => StoredArtifact | null) {
  const counter = { renders: 0 };
  const render = async () => {
    counter.renders++;
    return make();
  };
  return { counter, render };
}

describe('the render cache', () => {
  it('renders a view once: the second request is served from memory, without rendering', async () => {
    const { store, rows } = mapStore();
    const cache = new ArtifactCache({ store: async () => store, maxBytes: 1 << 20 });
    const { counter, render } = renderer(() => html('<p>run</p>'));
    const first = await cache.get('b|page|id|en', render);
    const second = await cache.get('b|page|id|en', render);
    assert.equal(first?.source, 'render');
    assert.equal(second?.source, 'memory');
    assert.equal(counter.renders, 1);
    assert.equal(new TextDecoder().decode(second!.artifact.body), '<p>run</p>');
    assert.ok(rows.has('b|page|id|en'), 'the render was written to the shared store');
    assert.deepEqual(cache.stats(), { renders: 1, memoryHits: 1, storeHits: 0, entries: 1, bytes: first!.artifact.body.byteLength });
  });

  it('another instance on the same store reads the view instead of rendering it', async () => {
    const { store } = mapStore();
    const a = new ArtifactCache({ store: async () => store, maxBytes: 1 << 20 });
    const b = new ArtifactCache({ store: async () => store, maxBytes: 1 << 20 });
    const { counter, render } = renderer(() => html('<p>once</p>'));
    assert.equal((await a.get('k', render))?.source, 'render');
    assert.equal((await b.get('k', render))?.source, 'store');
    assert.equal((await b.get('k', render))?.source, 'memory');
    assert.equal(counter.renders, 1);
  });

  it('concurrent misses of one key share a single render', async () => {
    const { store } = mapStore();
    const cache = new ArtifactCache({ store: async () => store, maxBytes: 1 << 20 });
    const { counter, render } = renderer(() => html('<p>shared</p>'));
    const answers = await Promise.all(Array.from({ length: 10 }, () => cache.get('k', render)));
    assert.equal(counter.renders, 1);
    assert.deepEqual(answers.map((a) => a?.source).sort(), [...Array(9).fill('memory'), 'render']);
  });

  it('an unknown id (render answers null) is not cached: a result saved later is found', async () => {
    const { store, calls } = mapStore();
    const cache = new ArtifactCache({ store: async () => store, maxBytes: 1 << 20 });
    let saved = false;
    const { counter, render } = renderer(() => (saved ? html('<p>now saved</p>') : null));
    assert.equal(await cache.get('k', render), null);
    assert.equal(await cache.get('k', render), null);
    saved = true;
    assert.equal((await cache.get('k', render))?.source, 'render');
    assert.equal(counter.renders, 3);
    assert.equal(calls.put, 1);
  });

  it('a failed render is not cached, and the failure reaches the caller', async () => {
    const { store } = mapStore();
    const cache = new ArtifactCache({ store: async () => store, maxBytes: 1 << 20 });
    let fail = true;
    const render = async () => {
      if (fail) throw new Error('database down');
      return html('<p>back</p>');
    };
    await assert.rejects(cache.get('k', render), /database down/);
    fail = false;
    assert.equal((await cache.get('k', render))?.source, 'render');
  });

  it('a store that cannot be reached still lets the view be served (rendered, kept in memory)', async () => {
    const errors: unknown[] = [];
    const cache = new ArtifactCache({ store: async () => Promise.reject(new Error('no database')), maxBytes: 1 << 20, onStoreError: (e) => errors.push(e) });
    const { counter, render } = renderer(() => html('<p>x</p>'));
    assert.equal((await cache.get('k', render))?.source, 'render');
    assert.equal((await cache.get('k', render))?.source, 'memory');
    assert.equal(counter.renders, 1);
    assert.equal(errors.length, 1);
  });

  it('persist: false keeps a view out of the shared store', async () => {
    const { store, calls } = mapStore();
    const cache = new ArtifactCache({ store: async () => store, maxBytes: 1 << 20 });
    await cache.get('k', async () => html('{}'), { persist: false });
    assert.deepEqual(calls, { get: 0, put: 0 });
  });

  it('memory is bounded: the least recently used views leave first, and come back from the store', async () => {
    const { store } = mapStore();
    const body = (n: number) => ({ contentType: 'image/png', body: new Uint8Array(100).fill(n), meta: {} });
    const cache = new ArtifactCache({ store: async () => store, maxBytes: 250 });
    await cache.get('a', async () => body(1));
    await cache.get('b', async () => body(2));
    await cache.get('a', async () => body(1)); // a is now the most recently used
    await cache.get('c', async () => body(3)); // over 250 bytes: b leaves
    assert.deepEqual({ entries: cache.stats().entries, bytes: cache.stats().bytes }, { entries: 2, bytes: 200 });
    assert.equal((await cache.get('a', async () => body(1)))?.source, 'memory');
    assert.equal((await cache.get('b', async () => body(2)))?.source, 'store');
    // Larger than the whole bound: served, not kept.
    const huge = await cache.get('h', async () => ({ contentType: 'image/png', body: new Uint8Array(1000), meta: {} }));
    assert.equal(huge?.artifact.body.byteLength, 1000);
    assert.ok(cache.stats().bytes <= 250);
  });
});
