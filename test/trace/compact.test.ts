/**
 * The compact form of a trace (lib/trace/compact.ts): a response's bytes kept once when a trace is
 * saved or uploaded. Real runs against a loopback HTTPS server must come back byte for byte; a
 * compact form that lies is refused in one sentence.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { canonicalTraceJson, parseTraceJson, traceToJson } from '../../lib/export/json';
import { BYTE_REFS, compactTrace, type CompactTrace } from '../../lib/trace/compact';
import type { Step, StepContent, Trace } from '../../lib/trace/schema';
import { TraceFormatError } from '../../lib/trace/validate';
import type { TestPki } from '../../server/pki/testPki';
import { snapshotOf, snapshotOfJson } from '../../server/store/snapshot';
import { sharedTestPki } from '../helpers/pki';
import { runAgainst, startNodeHttpsServer, type RunningServer } from '../helpers/tlsServers';
import { tls13OkTrace } from '../view/fixtures/traces';
import { outcomeSentence } from '../../lib/view/stepText';

let pki: TestPki;
let server: RunningServer;
const BODY = 'x'.repeat(200_000);

before(async () => {
  pki = await sharedTestPki();
  server = await startNodeHttpsServer({ key: pki.leaves.p256.keyPem, cert: pki.leaves.p256.certPem + pki.intermediate.certPem }, (req, res) => {
    if (req.url === '/large') res.end(BODY);
    else res.end('small');
  });
});

after(() => server?.close());

async function run(path: string, versions: ('TLSv1.3' | 'TLSv1.2')[]): Promise<Trace> {
  const trace = await runAgainst(server.port, { path, versions, setup: { caFiles: [pki.root.certPath] } });
  assert.equal(trace.outcome, 'ok', outcomeSentence(trace.outcomeCause));
  return trace;
}

/** What a trace is once written and read as JSON (undefined fields dropped). */
const asJson = (trace: unknown) => JSON.parse(JSON.stringify(trace)) as unknown;

describe('compact traces', () => {
  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    test(`${version}: a 200 KB response is kept once, and the stored form reads back as the same trace`, async () => {
      const trace = await run('/large', [version]);
      const compact = compactTrace(trace) as CompactTrace;
      assert.equal(compact.byteRefs, BYTE_REFS);
      const full = canonicalTraceJson(trace).length;
      const small = canonicalTraceJson(compact).length;
      assert.ok(small < 0.6 * full, `compact ${small} vs full ${full} characters`);
      // Every application data step and the HTTP response point at earlier bytes instead of repeating them.
      const referring = compact.steps.filter((s) => s.bytes && 'hexFrom' in s.bytes).map((s) => s.layer);
      assert.ok(referring.includes('http') && referring.filter((l) => l === 'application').length >= 2, referring.join(', '));
      assert.deepEqual(parseTraceJson(canonicalTraceJson(compact)), asJson(trace));
      assert.deepEqual(parseTraceJson(JSON.stringify(compact)), asJson(trace));
    });
  }

  test('a short response reads back the same; a trace with nothing worth pointing at is left as it is (its saved id does not change)', async () => {
    const trace = await run('/small', ['TLSv1.3']);
    assert.deepEqual(parseTraceJson(JSON.stringify(compactTrace(trace))), asJson(trace));
    const fixture = tls13OkTrace();
    assert.equal(compactTrace(fixture), fixture);
  });

  test('the store keeps the compact form: twice the response fits under the same cap', async () => {
    const trace = await run('/large', ['TLSv1.3']);
    const fullBytes = Buffer.byteLength(canonicalTraceJson(trace));
    const cap = Math.floor(fullBytes * 0.6);
    assert.throws(() => snapshotOf(asJson(compactTrace(trace)), cap), /must be an object with a hex string/, 'snapshotOf takes a full trace');
    const snapshot = snapshotOf(trace, cap);
    assert.ok(snapshot.sizeBytes <= cap);
    assert.deepEqual(parseTraceJson(snapshot.json), asJson(trace));
    assert.equal(snapshotOf(parseTraceJson(traceToJson(trace)), cap).id, snapshot.id, 'the same run saved from its download gets the same id');
  });
});

describe('a compact form that does not hold together is refused', () => {
  function tampered(change: (c: CompactTrace) => void): string {
    const compact = asJson(compactTrace(fakeLarge())) as CompactTrace;
    change(compact);
    return JSON.stringify(compact);
  }
  const http = (c: CompactTrace) => c.steps.find((s) => s.layer === 'http' && s.bytes && 'hexFrom' in s.bytes)!.bytes as { hexFrom: unknown[] };

  const cases: [string, (c: CompactTrace) => void, RegExp][] = [
    ['an unknown encoding version', (c) => ((c as { byteRefs: unknown }).byteRefs = 2), /byte references of version 2/],
    ['a reference to a later step', (c) => (http(c).hexFrom[0] = [999, 'bytes', 0, 1]), /refers to step 999's bytes, which does not come before it/],
    ['a part that is not bytes or plaintext', (c) => (http(c).hexFrom[0] = [1, 'field', 0, 1]), /neither "bytes" nor "plaintext"/],
    ['a range past the end', (c) => (http(c).hexFrom[0] = [(http(c).hexFrom[0] as number[])[0], 'bytes', 0, 10_000_000]), /refers to bytes 0\.\.10000000 of a \d+-byte step/],
    ['not a reference', (c) => (http(c).hexFrom[0] = 'abc'), /not a \[seq, part, start, end\] reference/],
    ['references that expand without end', (c) => (http(c).hexFrom = Array.from({ length: 50_000 }, () => http(c).hexFrom[0])), /expand to more than this server accepts/],
  ];
  for (const [name, change, message] of cases) {
    test(name, () => {
      assert.throws(() => parseTraceJson(tampered(change)), (err: unknown) => err instanceof TraceFormatError && message.test(err.message));
    });
  }
});

/** A small TLS 1.3 trace whose response (two records of 100 bytes) is large enough to be compacted. */
function fakeLarge(): Trace {
  const base = tls13OkTrace();
  const chunk = (n: number) => 'ab'.repeat(100) + n.toString(16).padStart(2, '0');
  const steps = [...base.steps];
  let seq = steps.length;
  const at = (s: StepContent) => steps.push({ seq: ++seq, timeMs: seq, ...s } as Step);
  for (const n of [1, 2]) {
    at({ direction: 'server->client', layer: 'record', kind: 'record', data: { contentType: 'application_data', outerContentType: 23, protectedBy: 'keys', encrypted: true, contentLength: 101 }, bytes: { hex: 'cd'.repeat(130) }, plaintext: { hex: `${chunk(n)}17` } });
    at({ direction: 'server->client', layer: 'application', kind: 'application-data', data: { length: 101 }, bytes: { hex: chunk(n) } });
  }
  at({ direction: 'server->client', layer: 'http', kind: 'http', data: { message: 'response', status: 200, reason: 'OK' }, bytes: { hex: chunk(1) + chunk(2) } });
  return { ...base, steps };
}

describe('the size cap applies to the compact form, not to the upload', () => {
  test('a full trace printed as the CLI prints it (--json) is saved when its compact form fits the cap', async () => {
    const trace = await run('/large', ['TLSv1.3']);
    const compactBytes = Buffer.byteLength(canonicalTraceJson(compactTrace(trace)));
    const upload = JSON.stringify(trace, null, 2);
    const cap = compactBytes + 1024;
    assert.ok(Buffer.byteLength(upload) > cap, `the upload (${Buffer.byteLength(upload)} bytes) is over the cap (${cap})`);
    const saved = snapshotOfJson(upload, cap);
    assert.equal(saved.sizeBytes, compactBytes);
    assert.throws(() => snapshotOfJson(upload, compactBytes - 1), /^StoreError: The trace is .*; saved results are limited to/);
  });
});
