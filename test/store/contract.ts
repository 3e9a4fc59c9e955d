/**
 * The storage contract every ResultStore implementation must meet, as one suite that each backend's
 * test file runs against its real database (sqlite.test.ts, postgres.test.ts).
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { comparisonBundle, diagnosisBundle, type Bundle } from '../../lib/bundle/bundle';
import { canonicalTraceJson, traceToJson } from '../../lib/export/json';
import { compactTrace } from '../../lib/trace/compact';
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
  recorder.add({ direction: 'local', layer: 'tcp', kind: 'transport', data: { event: 'connected', remoteAddress: '203.0.113.5', remotePort: 443, connectMs: 1 } });
  now += 2.5;
  recorder.add({ direction: 'client->server', layer: 'record', kind: 'record', data: { contentType: 'handshake', outerContentType: 22, protectedBy: null, encrypted: false, contentLength: recordBytes - 5 }, bytes: { hex: 'ab'.repeat(recordBytes) } });
  recorder.trace.keyLog.push(`CLIENT_HANDSHAKE_TRAFFIC_SECRET ${'11'.repeat(32)} ${'22'.repeat(32)}`);
  recorder.trace.outcome = 'ok';
  recorder.trace.outcomeCause = { cause: 'http', status: 200, reason: 'OK' };
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
        const changed: Trace = { ...trace, outcomeCause: { cause: 'http', status: 200, reason: 'Something else' } };
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
        // An upload is measured like the object: by the compact form that would be stored.
        await rejectsWith(store.saveJson(traceToJson(big)), 'TOO_LARGE', /^The trace is \d+\.\d KiB; saved results are limited to 4\.0 KiB\.$/);
        // Text beyond four times the cap is not even parsed.
        await rejectsWith(store.saveJson(' '.repeat(4 * 4096 + 1)), 'TOO_LARGE', /^The upload is 16\.0 KiB; this server reads uploads up to 16\.0 KiB \(saved results are limited to 4\.0 KiB in their compact form\)\.$/);
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

  describe(`${name}: saved bundles (diagnoses and comparisons)`, () => {
    const diagnosis = (): Bundle =>
      diagnosisBundle('https://iis.test/secure/', [
        { role: 'tls13', trace: uniqueTrace() },
        { role: 'tls12:rustls', trace: uniqueTrace() },
        { role: 'tls12:openssl', trace: uniqueTrace() },
      ]);

    test('round trip: every run is saved as a result of its own, and the bundle names them', () =>
      using(backend().open(), async (store) => {
        const bundle = diagnosis();
        const saved = await store.saveBundle(bundle);
        assert.equal(saved.created, true);
        assert.equal(saved.kind, 'diagnosis');
        assert.match(saved.id, /^[A-Za-z0-9_-]{22}$/);
        assert.equal(saved.traceIds.length, 3);
        for (const [i, run] of bundle.runs.entries()) {
          assert.deepEqual(await store.save(run.trace), { id: saved.traceIds[i], created: false }, 'the run is already a saved result, under its usual id');
          assert.deepEqual(await store.get(saved.traceIds[i]), run.trace);
        }
        const back = await store.getBundle(saved.id);
        assert.ok(back);
        assert.equal(back.kind, 'diagnosis');
        assert.equal(back.url, bundle.url);
        assert.deepEqual(
          back.runs,
          bundle.runs.map((run, i) => ({ ...run, traceId: saved.traceIds[i] })),
        );
      }));

    test('content-addressed: the same runs give the same id (also uploaded as JSON with compact traces); another role or order does not', () =>
      using(backend().open(), async (store) => {
        const bundle = diagnosis();
        const first = await store.saveBundle(bundle);
        const again = await store.saveBundle(structuredClone(bundle));
        const compact = JSON.stringify({ ...bundle, runs: bundle.runs.map((r) => ({ ...r, trace: compactTrace(r.trace) })) });
        const uploaded = await store.saveBundleJson(compact);
        assert.deepEqual([again, uploaded], [{ ...first, created: false }, { ...first, created: false }]);
        const reordered = await store.saveBundle({ ...bundle, runs: [bundle.runs[0], bundle.runs[2], bundle.runs[1]] });
        assert.notEqual(reordered.id, first.id);
        const comparison = await store.saveBundle(comparisonBundle(bundle.url, bundle.runs[1].trace, bundle.runs[2].trace));
        assert.equal(comparison.kind, 'comparison');
        assert.deepEqual(comparison.traceIds, first.traceIds.slice(1), 'runs shared by two bundles are stored once');
      }));

    test('what is not a bundle is refused with INVALID, saying what is wrong and where', () =>
      using(backend().open(), async (store) => {
        const bundle = diagnosis();
        await rejectsWith(store.saveBundleJson('{"runs": ['), 'INVALID', /not valid JSON/);
        await rejectsWith(store.saveBundle({ ...bundle, schema: 'x' }), 'INVALID', /not a TLS Playground bundle/);
        await rejectsWith(store.saveBundle({ ...bundle, kind: 'story' }), 'INVALID', /"kind" must be "diagnosis" or "comparison"/);
        await rejectsWith(store.saveBundle({ ...bundle, runs: [] }), 'INVALID', /1 to 16 runs/);
        await rejectsWith(store.saveBundle({ ...bundle, runs: [...bundle.runs, { role: 'tls12:rustls', trace: uniqueTrace() }] }), 'INVALID', /runs\[3\]\.role "tls12:rustls" appears twice/);
        await rejectsWith(store.saveBundle({ ...bundle, runs: [...bundle.runs, { role: 'tls12:nss', trace: uniqueTrace() }] }), 'INVALID', /runs\[3\]\.role must be a doctor probe/);
        await rejectsWith(store.saveBundle({ ...bundle, runs: [bundle.runs[0], { role: 'tls12:rustls', trace: { ...uniqueTrace(), steps: 'none' } }] }), 'INVALID', /^Not saved: runs\[1\]\.trace: .*no "steps" array/);
        await rejectsWith(store.saveBundle({ ...comparisonBundle(bundle.url, uniqueTrace(), uniqueTrace()), runs: [{ role: 'a', trace: uniqueTrace() }] }), 'INVALID', /exactly two runs/);
        await rejectsWith(store.saveBundle({ ...bundle, runs: bundle.runs.slice(1) }), 'INVALID', /holds the "tls13" probe/);
      }));

    test('size cap: the whole bundle counts; a refused bundle stores none of its runs', () =>
      using(backend().open({ maxBytes: 8192 }), async (store) => {
        const runs = [uniqueTrace(1500), uniqueTrace(1500), uniqueTrace(1500)];
        assert.ok(runs.every((t) => Buffer.byteLength(canonicalTraceJson(t)) < 8192), 'each run alone fits');
        const bundle = diagnosisBundle('https://iis.test/', [
          { role: 'tls13', trace: runs[0] },
          { role: 'tls12:rustls', trace: runs[1] },
          { role: 'tls12:openssl', trace: runs[2] },
        ]);
        await rejectsWith(store.saveBundle(bundle), 'TOO_LARGE', /^The diagnosis \(3 runs\) is \d+\.\d KiB; saved results are limited to 8\.0 KiB\.$/);
        for (const trace of runs) assert.equal((await store.save(trace)).created, true, 'the run was not stored by the refused bundle');
      }));

    test('unknown ids, a run id asked as a bundle, and impossible ids: null', () =>
      using(backend().open(), async (store) => {
        const saved = await store.saveBundle(diagnosis());
        assert.equal(await store.get(saved.id), null, 'a bundle id is not a run id');
        for (const id of [saved.traceIds[0], 'AAAAAAAAAAAAAAAAAAAAAA', '', '../x', "x' OR '1'='1", 'A'.repeat(23)]) {
          assert.equal(await store.getBundle(id), null, JSON.stringify(id));
        }
      }));

    test('20 concurrent saves of one bundle from two store instances: stored once, same id, survives a restart', async () => {
      const a = backend().open();
      const b = backend().open();
      const bundle = diagnosis();
      let id: string;
      try {
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).saveBundle(structuredClone(bundle))));
        assert.equal(new Set(results.map((r) => r.id)).size, 1);
        assert.equal(results.filter((r) => r.created).length, 1, 'exactly one save created it');
        id = results[0].id;
      } finally {
        await a.close();
        await b.close();
      }
      await using(backend().open(), async (store) => {
        assert.deepEqual((await store.getBundle(id))?.runs.map((r) => r.trace), bundle.runs.map((r) => r.trace));
      });
    });

    test('a closed store refuses bundles with UNAVAILABLE', async () => {
      const store = backend().open();
      await store.close();
      await rejectsWith(store.saveBundle(diagnosis()), 'UNAVAILABLE', /closed/);
      await rejectsWith(store.getBundle('AAAAAAAAAAAAAAAAAAAAAA'), 'UNAVAILABLE', /closed/);
    });
  });
}
