/**
 * The trace as JSON: a pretty, stable download; a canonical form that names saved results; and a
 * reader that refuses anything that is not a trace with one sentence saying what is wrong.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TraceFormatError, canonicalTraceJson, parseTraceJson, traceToJson } from '../../lib/export/json';
import { TraceRecorder } from '../../lib/trace/recorder';
import { TRACE_SCHEMA, TRACE_VERSION, type Trace } from '../../lib/trace/schema';

function sampleTrace(): Trace {
  let now = 1_000;
  const recorder = new TraceRecorder(
    {
      url: 'https://example.test/',
      versions: ['TLSv1.3', 'TLSv1.2'],
      cipherSuites: ['TLS_AES_128_GCM_SHA256'],
      groups: ['x25519'],
      signatureSchemes: ['ecdsa_secp256r1_sha256'],
      personality: 'rustls',
      insecure: false,
      postHandshakeAuth: false,
      clientCertificate: false,
      alpn: ['http/1.1'],
      method: 'GET',
    },
    { name: 'tls-playground', version: '0.1.0', crypto: 'noble' },
    () => now,
  );
  recorder.add({ direction: 'local', layer: 'tcp', kind: 'transport', data: { event: 'connected', remoteAddress: '203.0.113.1', remotePort: 443, connectMs: 1 } });
  now += 1.5;
  recorder.add({
    direction: 'client->server',
    layer: 'record',
    kind: 'record',
    data: { contentType: 'handshake', outerContentType: 22, protectedBy: null, encrypted: false, contentLength: 4 },
    rfc: 'RFC 8446 §4.1.2',
    bytes: {
      hex: '160301000401000000',
      field: { name: 'TLSPlaintext', offset: 0, length: 9, children: [{ name: 'type', offset: 0, length: 1, value: '22 (handshake)', meaning: 'content type' }] },
    },
  });
  recorder.trace.keyLog.push('CLIENT_HANDSHAKE_TRAFFIC_SECRET 00 11');
  recorder.trace.outcome = 'ok';
  recorder.trace.outcomeCause = { cause: 'http', status: 200, reason: 'OK' };
  recorder.trace.timings.totalMs = 1.5;
  return recorder.trace;
}

/** The same value with every object's keys inserted in reverse order. */
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)])) as T;
}

function assertSortedEverywhere(value: unknown): void {
  if (Array.isArray(value)) return value.forEach(assertSortedEverywhere);
  if (typeof value !== 'object' || value === null) return;
  const keys = Object.keys(value);
  assert.deepEqual(keys, [...keys].sort());
  Object.values(value).forEach(assertSortedEverywhere);
}

describe('trace JSON download', () => {
  test('reads top-down: summary keys first, steps last; steps and annotations in their natural order', () => {
    const text = traceToJson(reversedKeys(sampleTrace()));
    const parsed = JSON.parse(text);
    assert.deepEqual(Object.keys(parsed).slice(0, 4), ['schema', 'schemaVersion', 'engine', 'startedAt']);
    assert.equal(Object.keys(parsed).at(-1), 'steps');
    assert.deepEqual(Object.keys(parsed.steps[1]), ['seq', 'timeMs', 'direction', 'layer', 'kind', 'data', 'rfc', 'bytes']);
    assert.deepEqual(Object.keys(parsed.steps[1].bytes), ['hex', 'field']);
    assert.deepEqual(Object.keys(parsed.steps[1].bytes.field), ['name', 'offset', 'length', 'children']);
    assert.deepEqual(Object.keys(parsed.steps[1].bytes.field.children[0]), ['name', 'offset', 'length', 'value', 'meaning']);
    assert.ok(text.startsWith('{\n  "schema": "tls-playground/trace",\n'));
    assert.ok(text.endsWith('}\n'));
  });

  test('stable: the same trace gives the same text whatever order its keys were built in', () => {
    assert.equal(traceToJson(reversedKeys(sampleTrace())), traceToJson(sampleTrace()));
  });

  test('round trip: parseTraceJson(traceToJson(trace)) is the trace', () => {
    const trace = sampleTrace();
    assert.deepEqual(parseTraceJson(traceToJson(trace)), trace);
  });

  test('absent optional fields are left out, not written as null', () => {
    const trace = { ...sampleTrace(), version: undefined, http: undefined };
    const parsed = JSON.parse(traceToJson(trace));
    assert.equal('version' in parsed, false);
    assert.equal('http' in parsed, false);
  });
});

describe('canonical trace JSON (what saved results are named by)', () => {
  test('compact, every object\'s keys sorted, equal for equal traces however built', () => {
    const text = canonicalTraceJson(sampleTrace());
    assert.equal(text, canonicalTraceJson(reversedKeys(sampleTrace())));
    assert.doesNotMatch(text, /\n|": /);
    assertSortedEverywhere(JSON.parse(text));
    assert.deepEqual(parseTraceJson(text), sampleTrace());
  });

  test('any change to the trace changes the canonical text', () => {
    const changed = sampleTrace();
    changed.steps[1].bytes!.hex = '160301000401000001';
    assert.notEqual(canonicalTraceJson(changed), canonicalTraceJson(sampleTrace()));
  });
});

describe('parseTraceJson refuses what is not a trace, saying why', () => {
  const base = () => JSON.parse(traceToJson(sampleTrace())) as Record<string, unknown>;
  const cases: [string, string, RegExp][] = [
    ['not JSON', '{"schema": ', /not valid JSON/],
    ['an array', '[1, 2]', /not an object/],
    ['another schema', JSON.stringify({ ...base(), schema: 'something-else' }), /not a TLS Playground trace: "schema" is "something-else"/],
    ['no schema at all', JSON.stringify({ hello: 'world' }), /"schema" is missing/],
    ['a newer schema version', JSON.stringify({ ...base(), schemaVersion: TRACE_VERSION + 1 }), new RegExp(`schema version ${TRACE_VERSION + 1}; this code reads versions up to ${TRACE_VERSION}`)],
    ['no steps', JSON.stringify({ ...base(), steps: undefined }), /no "steps" array/],
    ['steps not an array', JSON.stringify({ ...base(), steps: {} }), /no "steps" array/],
    ['a step with an unknown direction', JSON.stringify({ ...base(), steps: [{ ...(base().steps as object[])[0], direction: 'sideways' }] }), /steps\[0\]\.direction must be one of/],
    ['odd-length hex', JSON.stringify({ ...base(), steps: [{ ...(base().steps as object[])[1], bytes: { hex: 'abc' } }] }), /steps\[0\]\.bytes\.hex is not an even-length hex string/],
    ['a key log that is not strings', JSON.stringify({ ...base(), keyLog: [1] }), /"keyLog" must be an array/],
    ['no URL', JSON.stringify({ ...base(), options: {} }), /which URL/],
    ['an unknown outcome', JSON.stringify({ ...base(), outcome: 'great' }), /"outcome" must be one of/],
  ];
  for (const [name, text, message] of cases) {
    test(name, () => {
      assert.throws(() => parseTraceJson(text), (err: unknown) => err instanceof TraceFormatError && message.test(err.message));
    });
  }

  test('a byte order mark before the JSON is tolerated', () => {
    assert.equal(parseTraceJson(`\uFEFF${traceToJson(sampleTrace())}`).schema, TRACE_SCHEMA);
  });
});
