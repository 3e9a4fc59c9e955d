import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareRuns, stepKind } from '../../lib/view/compare';
import type { Step, Trace } from '../../lib/trace/schema';
import { iisRustlsTrace } from './fixtures/traces';

function step(seq: number, direction: Step['direction'], layer: Step['layer'], title: string): Step {
  return { seq, timeMs: seq, direction, layer, title };
}

/** The IIS run as OpenSSL would do it: renegotiate instead of refusing, then 403. */
function opensslRun(): Trace {
  const base = iisRustlsTrace();
  const upToHelloRequest = base.steps.slice(0, base.steps.findIndex((s) => s.title === 'HelloRequest') + 1);
  const n = upToHelloRequest.length;
  const steps = [
    ...upToHelloRequest,
    step(n, 'client->server', 'handshake', 'ClientHello'),
    step(n + 1, 'server->client', 'handshake', 'ServerHello'),
    step(n + 2, 'server->client', 'handshake', 'CertificateRequest'),
    step(n + 3, 'client->server', 'handshake', 'Certificate'),
    step(n + 4, 'server->client', 'http', 'HTTP response: 403 Forbidden'),
  ];
  return { ...base, personality: 'openssl', outcome: 'ok', steps };
}

describe('comparing two runs', () => {
  it('ignores sizes, times and ports when deciding two steps are the same kind', () => {
    assert.equal(
      stepKind(step(0, 'local', 'tcp', 'TCP connected to 127.0.0.1:40879 in 0.6 ms')),
      stepKind(step(1, 'local', 'tcp', 'TCP connected to 127.0.0.1:41913 in 6.5 ms')),
    );
    assert.notEqual(stepKind(step(0, 'client->server', 'handshake', 'Finished')), stepKind(step(0, 'server->client', 'handshake', 'Finished')));
  });

  it('aligns the common handshake and shows where rustls and OpenSSL part ways', () => {
    const rustls = iisRustlsTrace();
    const comparison = compareRuns(rustls, opensslRun());
    const first = comparison.rows[comparison.firstDifference!];
    const before = comparison.rows[comparison.firstDifference! - 1];
    assert.equal(before.a?.title, 'HelloRequest');
    assert.equal(before.b?.title, 'HelloRequest');
    assert.ok(before.same);
    // After the HelloRequest: rustls alerts and is reset; OpenSSL renegotiates.
    const onlyA = comparison.rows.filter((r) => r.a && !r.b).map((r) => r.a!.title);
    const onlyB = comparison.rows.filter((r) => r.b && !r.a).map((r) => r.b!.title);
    assert.deepEqual(onlyA, ['Alert: no_renegotiation (warning)', 'Connection reset by peer']);
    assert.deepEqual(onlyB, ['ClientHello', 'ServerHello', 'CertificateRequest', 'Certificate', 'HTTP response: 403 Forbidden']);
    assert.ok(first.a?.title === 'Alert: no_renegotiation (warning)' || first.b?.title === 'ClientHello');
    assert.equal(comparison.differences, 7);
    assert.deepEqual(comparison.outcomes, { a: 'reset', b: 'ok', same: false });
  });

  it('leaves out key derivations and record envelopes', () => {
    const comparison = compareRuns(iisRustlsTrace(), iisRustlsTrace());
    assert.ok(comparison.rows.every((r) => r.same && r.a!.layer !== 'key' && r.a!.layer !== 'record'));
    assert.equal(comparison.firstDifference, undefined);
    assert.equal(comparison.differences, 0);
  });
});
