import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renegotiationHint } from '../../lib/view/renegotiationHint';
import type { Step, Trace } from '../../lib/trace/schema';
import { iisRustlsTrace, tls13OkTrace } from './fixtures/traces';

/** The IIS run as another client: its verdict step on the HelloRequest, and how the run ended. */
function asClient(personality: string, reaction: string, outcome: Trace['outcome']): Trace {
  const base = iisRustlsTrace();
  const at = base.steps.findIndex((s) => s.title === 'HelloRequest') + 1;
  const verdict: Step = { seq: 0, timeMs: base.steps[at].timeMs, direction: 'local', layer: 'verdict', title: `${personality} on HelloRequest`, data: { personality, reaction } };
  return { ...base, personality, outcome, alerts: [], steps: [...base.steps.slice(0, at), verdict, ...base.steps.slice(at)] };
}

describe('the summary’s renegotiation hint', () => {
  it('explains the rustls reset, the fixes, and links to the doctor and the comparison for this URL', () => {
    const hint = renegotiationHint(iisRustlsTrace())!;
    assert.match(hint.explanation, /HelloRequest/);
    assert.match(hint.explanation, /rustls refused with a warning no_renegotiation alert, which RFC 5246 §7\.4\.1\.1 allows/);
    assert.match(hint.explanation, /resets the TCP connection[^.]*“Connection reset by peer”/);
    assert.deepEqual(hint.fixes.map((f) => f.who), ['server', 'server', 'client']);
    assert.match(hint.fixes[0].text, /clientcertnegotiation=enable/);
    assert.match(hint.fixes[1].text, /TLS 1\.3/);
    assert.deepEqual(hint.links, [
      { label: 'Diagnose this URL with every client', href: '/doctor?url=https%3A%2F%2Fiis.test%2Fsecure' },
      { label: 'Compare rustls with OpenSSL', href: '/compare?url=https%3A%2F%2Fiis.test%2Fsecure&a=rustls' },
    ]);
  });

  it('says what each refusing client did and how the run ended', () => {
    const cases: [string, string, Trace['outcome'], RegExp][] = [
      ['boringssl-ignore', 'ignore', 'timeout', /BoringSSL \(ignore\) ignored it[\s\S]*never comes/],
      ['boringssl', 'refuse-fatal', 'alert', /BoringSSL refused with a fatal no_renegotiation alert[\s\S]*ended with an alert/],
      ['go', 'refuse-warning-then-fail', 'error', /Go crypto\/tls refused with a warning no_renegotiation alert and then stopped using the connection[\s\S]*No response/],
    ];
    for (const [personality, reaction, outcome, expected] of cases) {
      const hint = renegotiationHint(asClient(personality, reaction, outcome));
      assert.ok(hint, personality);
      assert.match(hint.explanation, expected);
      assert.match(hint.links[1].href, new RegExp(`&a=${personality}$`));
    }
  });

  it('stays silent when the client renegotiated, when nothing asked it to, and when the run succeeded', () => {
    assert.equal(renegotiationHint(asClient('openssl', 'renegotiate', 'alert')), undefined);
    assert.equal(renegotiationHint(tls13OkTrace()), undefined);
    const ok = { ...iisRustlsTrace(), outcome: 'ok' as const };
    assert.equal(renegotiationHint(ok), undefined);
    const noHelloRequest = iisRustlsTrace();
    noHelloRequest.steps = noHelloRequest.steps.filter((s) => s.title !== 'HelloRequest');
    assert.equal(renegotiationHint(noHelloRequest), undefined);
  });
});
