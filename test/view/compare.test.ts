import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareRuns, stepKind } from '../../lib/view/compare';
import type { Step, StepContent, Trace } from '../../lib/trace/schema';
import { isHelloRequest } from '../../lib/trace/steps';
import { stepTitle } from '../../lib/view/stepText';
import { iisRustlsTrace } from './fixtures/traces';

function step(seq: number, content: StepContent): Step {
  return { seq, timeMs: seq, ...content } as Step;
}

function message(seq: number, type: string, from: 'client' | 'server'): Step {
  return step(seq, { direction: from === 'client' ? 'client->server' : 'server->client', layer: 'handshake', kind: 'handshake', data: { message: type, from } });
}

const title = (s: Step | undefined) => (s ? stepTitle(s) : undefined);

/** The IIS run as OpenSSL would do it: renegotiate instead of refusing, then 403. */
function opensslRun(): Trace {
  const base = iisRustlsTrace();
  const upToHelloRequest = base.steps.slice(0, base.steps.findIndex(isHelloRequest) + 1);
  const n = upToHelloRequest.length;
  const steps = [
    ...upToHelloRequest,
    message(n, 'client_hello', 'client'),
    message(n + 1, 'server_hello', 'server'),
    message(n + 2, 'certificate_request', 'server'),
    message(n + 3, 'certificate', 'client'),
    step(n + 4, { direction: 'server->client', layer: 'http', kind: 'http', data: { message: 'response', status: 403, reason: 'Forbidden' } }),
  ];
  return { ...base, personality: 'openssl', outcome: 'ok', steps };
}

describe('comparing two runs', () => {
  it('ignores sizes, times and ports when deciding two steps are the same kind', () => {
    assert.equal(
      stepKind(step(0, { direction: 'local', layer: 'tcp', kind: 'transport', data: { event: 'connected', remoteAddress: '127.0.0.1', remotePort: 40879, connectMs: 0.6 } })),
      stepKind(step(1, { direction: 'local', layer: 'tcp', kind: 'transport', data: { event: 'connected', remoteAddress: '127.0.0.1', remotePort: 41913, connectMs: 6.5 } })),
    );
    assert.notEqual(stepKind(message(0, 'finished', 'client')), stepKind(message(0, 'finished', 'server')));
  });

  it('aligns the common handshake and shows where rustls and OpenSSL part ways', () => {
    const rustls = iisRustlsTrace();
    const comparison = compareRuns(rustls, opensslRun());
    const first = comparison.rows[comparison.firstDifference!];
    const before = comparison.rows[comparison.firstDifference! - 1];
    assert.ok(isHelloRequest(before.a!));
    assert.ok(isHelloRequest(before.b!));
    assert.ok(before.same);
    // After the HelloRequest: rustls alerts and is reset; OpenSSL renegotiates.
    const onlyA = comparison.rows.filter((r) => r.a && !r.b).map((r) => r.a!.kind);
    const onlyB = comparison.rows.filter((r) => r.b && !r.a).map((r) => title(r.b));
    assert.deepEqual(onlyA, ['personality', 'alert', 'transport']);
    assert.deepEqual(onlyB, ['ClientHello', 'ServerHello', 'CertificateRequest', 'Certificate', 'HTTP response: 403 Forbidden']);
    assert.ok(first.a?.kind === 'personality' || title(first.b) === 'ClientHello');
    assert.equal(comparison.differences, 8);
    assert.deepEqual(comparison.outcomes, { a: 'reset', b: 'ok', same: false });
  });

  it('leaves out key derivations and record envelopes', () => {
    const comparison = compareRuns(iisRustlsTrace(), iisRustlsTrace());
    assert.ok(comparison.rows.every((r) => r.same && r.a!.layer !== 'key' && r.a!.layer !== 'record'));
    assert.equal(comparison.firstDifference, undefined);
    assert.equal(comparison.differences, 0);
  });
});
