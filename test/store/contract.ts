/**
 * The storage contract every ResultStore implementation must meet, as one suite that each backend's
 * test file runs against its real database (sqlite.test.ts, postgres.test.ts).
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { canonicalTraceJson, traceToJson } from '../../lib/export/json';
import { TraceRecorder } from '../../lib/trace/recorder';
import { TRACE_VERSION, type Trace } from '../../lib/trace/schema';
import { DEFAULT_MAX_BYTES, type ResultStore, StoreError, type StoreErrorCode } from '../../server/store';
import { runOptions } from '../helpers/runOptions';

export interface Backend {
  /** Opens a store on this backend's database (the same database every time: a "restart"). */
  open(options?: { maxBytes?: number }): ResultStore;
}

/** A trace nobody has saved before, optionally with a record step of `recordBytes` bytes. */
export function uniqueTrace(recordBytes = 64): Trace {
  let now = 0;
  const recorder = new TraceRecorder(
    runOptions({ url: `https://${randomUUID()}.example.test/` }),
    { name: 'tls-playground', version: 'test', crypto: 'noble' },
    () => now,
  );
  recorder.add({ direction: 'local', layer: 'tcp', title: 'TCP connected', data: { event: 'connected', remoteAddress: '203.0.113.5', remotePort: 443 } });
  now += 2.5;
  recorder.add({ direction: 'client->server', layer: 'record', title: 'ClientHello', bytes: { hex: 'ab'.repeat(recordBytes) } });
  recorder.trace.keyLog.push(`CLIENT_HANDSHAKE_TRAFFIC_SECRET ${'11'.repeat(32)} ${'22'.repeat(32)}`);
  recorder.trace.outcome = 'ok';
  recorder.trace.outcomeDetail = 'HTTP 200 OK';
  recorder.trace.timings.totalMs = now;
  return recorder.trace;
}

/** The same value with every object's keys in reverse insertion order. */
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)])) as T;
}

async function rejectsWith(promise: Promise<unknown>, code: StoreErrorCode, message: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof StoreError, `expected a StoreError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

async function using<T>(store: ResultStore, fn: (store: ResultStore) => Promise<T>): Promise<T> {
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export function resultStoreContract(name: string, backend: () => Backend): void {
  describe(`${name}: the ResultStore contract`, () => {
    test('round trip: save returns a new 22-character content address; get returns the same trace', () =>
      using(backend().open(), async (store) => {
        const trace = uniqueTrace();
        const saved = await store.save(trace);
        assert.equal(saved.created, true);
        const expectedId = createHash('sha256').update(canonicalTraceJson(trace)).digest('base64url').slice(0, 22);
        assert.equal(saved.id, expectedId, 'the id is the SHA-256 of the canonical JSON, base64url, 22 characters');
        assert.deepEqual(await store.get(saved.id), trace);
      }));

    test('immutable and idempotent: the same trace (even with its keys in another order) gets the same id, created false', () =>
      using(backend().open(), async (store) => {
        const trace = uniqueTrace();
        const first = await store.save(trace);
        const again = await store.save(structuredClone(trace));
        const reordered = await store.save(reversedKeys(trace));
        const asText = await store.saveJson(traceToJson(trace));
        assert.deepEqual([again, reordered, asText], [first, first, first].map(({ id }) => ({ id, created: false })));
        const changed = { ...trace, outcomeDetail: 'something else' };
        const other = await store.save(changed);
        assert.equal(other.created, true);
        assert.notEqual(other.id, first.id);
        assert.deepEqual(await store.get(first.id), trace, 'the first snapshot is unchanged');
      }));

    test('saveJson: an uploaded JSON trace is stored like the object', () =>
      using(backend().open(), async (store) => {
        const trace = uniqueTrace();
        const saved = await store.saveJson(traceToJson(trace));
        assert.equal(saved.created, true);
        assert.deepEqual(await store.get(saved.id), trace);
      }));

    test('size cap: a trace larger than the cap is refused with TOO_LARGE and not stored', () =>
      using(backend().open({ maxBytes: 4096 }), async (store) => {
        const big = uniqueTrace(4096);
        const kib = (Buffer.byteLength(canonicalTraceJson(big)) / 1024).toFixed(1);
        await rejectsWith(store.save(big), 'TOO_LARGE', new RegExp(`^The trace is ${kib.replace('.', '\\.')} KiB; saved results are limited to 4\\.0 KiB\\.$`));
        await rejectsWith(store.saveJson(traceToJson(big)), 'TOO_LARGE', /^The upload is \d+\.\d KiB; saved results are limited to 4\.0 KiB\.$/);
        const id = createHash('sha256').update(canonicalTraceJson(big)).digest('base64url').slice(0, 22);
        assert.equal(await store.get(id), null);
        assert.equal((await store.save(uniqueTrace(64))).created, true, 'a small trace still fits');
      }));

    test(`the default cap is 8 MiB: 7.9 MiB is saved, 8.1 MiB is refused`, () =>
      using(backend().open(), async (store) => {
        const fits = uniqueTrace(Math.floor((7.9 / 8) * (DEFAULT_MAX_BYTES / 2)));
        const tooBig = uniqueTrace(Math.floor((8.1 / 8) * (DEFAULT_MAX_BYTES / 2)));
        assert.equal((await store.save(fits)).created, true);
        await rejectsWith(store.save(tooBig), 'TOO_LARGE', /limited to 8\.0 MiB/);
      }));

    test('malformed JSON is refused with INVALID, saying it is not JSON', () =>
      using(backend().open(), async (store) => {
        await rejectsWith(store.saveJson('{"schema": "tls-playground/trace", '), 'INVALID', /^Not saved: This is not valid JSON/);
        await rejectsWith(store.saveJson(''), 'INVALID', /not valid JSON/);
      }));

    test('JSON that is not a trace is refused with INVALID, saying what is wrong', () =>
      using(backend().open(), async (store) => {
        await rejectsWith(store.saveJson('{"hello": "world"}'), 'INVALID', /not a TLS Playground trace/);
        await rejectsWith(store.saveJson('[]'), 'INVALID', /not an object/);
        await rejectsWith(store.save({ ...uniqueTrace(), steps: 'none' }), 'INVALID', /no "steps" array/);
        await rejectsWith(store.save({ ...uniqueTrace(), schemaVersion: TRACE_VERSION + 1 }), 'INVALID', /schema version/);
        await rejectsWith(store.save(null), 'INVALID', /not an object/);
      }));

    test('StoreError carries the HTTP status a route should answer', () => {
      assert.deepEqual(
        (['TOO_LARGE', 'INVALID', 'UNAVAILABLE'] as const).map((code) => new StoreError(code, 'x').status),
        [413, 400, 503],
      );
    });

    test('50 concurrent saves from two store instances: same trace stored once, different traces all stored', async () => {
      const a = backend().open();
      const b = backend().open();
      try {
        const same = uniqueTrace();
        const different = Array.from({ length: 25 }, () => uniqueTrace());
        const results = await Promise.all([
          ...Array.from({ length: 25 }, (_, i) => (i % 2 ? a : b).save(structuredClone(same))),
          ...different.map((trace, i) => (i % 2 ? b : a).save(trace)),
        ]);
        const sameResults = results.slice(0, 25);
        const differentResults = results.slice(25);
        assert.equal(new Set(sameResults.map((r) => r.id)).size, 1);
        assert.equal(sameResults.filter((r) => r.created).length, 1, 'exactly one save created it');
        assert.ok(differentResults.every((r) => r.created));
        assert.equal(new Set(differentResults.map((r) => r.id)).size, 25);
        assert.deepEqual(await a.get(sameResults[0].id), same);
        const loaded = await Promise.all(differentResults.map((r, i) => (i % 2 ? a : b).get(r.id)));
        assert.deepEqual(loaded, different);
      } finally {
        await a.close();
        await b.close();
      }
    });

    test('survives a restart: after close, a new store on the same database has the result', async () => {
      const trace = uniqueTrace();
      const saved = await using(backend().open(), (store) => store.save(trace));
      await using(backend().open(), async (store) => {
        assert.deepEqual(await store.get(saved.id), trace);
        assert.deepEqual(await store.save(trace), { id: saved.id, created: false });
      });
    });

    test('unknown and impossible ids: null', () =>
      using(backend().open(), async (store) => {
        await store.save(uniqueTrace());
        for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', 'abc', '', '../../etc/passwd', "x' OR '1'='1", 'A'.repeat(23), 'A'.repeat(10_000)]) {
          assert.equal(await store.get(id), null, JSON.stringify(id.slice(0, 30)));
        }
      }));

    test('a closed store refuses to work with UNAVAILABLE', async () => {
      const store = backend().open();
      const saved = await store.save(uniqueTrace());
      await store.close();
      await rejectsWith(store.save(uniqueTrace()), 'UNAVAILABLE', /closed/);
      await rejectsWith(store.get(saved.id), 'UNAVAILABLE', /closed/);
    });

    test('rendered artifacts: stored once under their key, read back byte for byte by a new store on the same database', async () => {
      const key = `test:${randomUUID()}`;
      const body = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
      await using(backend().open(), async (store) => {
        assert.equal(await store.getArtifact(key), null);
        await store.putArtifact(key, { contentType: 'image/png', body, meta: { scriptHashes: 'sha256-abc' } });
        // A second put under the same key (another instance rendered it too) keeps the first.
        await store.putArtifact(key, { contentType: 'text/plain', body: Uint8Array.of(1), meta: {} });
      });
      await using(backend().open(), async (store) => {
        const stored = await store.getArtifact(key);
        assert.ok(stored);
        assert.equal(stored.contentType, 'image/png');
        assert.deepEqual([...stored.body], [...body]);
        assert.deepEqual(stored.meta, { scriptHashes: 'sha256-abc' });
        await assert.rejects(store.putArtifact('', { contentType: 'text/plain', body, meta: {} }), RangeError);
      });
    });
  });
}
