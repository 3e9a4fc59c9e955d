import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { keyMoments } from '../../lib/view/story';
import type { Step, StepContent } from '../../lib/trace/schema';
import { iisRustlsTrace, tls13OkTrace } from './fixtures/traces';

describe('the renegotiation story’s key moments', () => {
  it('tells the rustls failure: HelloRequest, warning no_renegotiation, reset', () => {
    const moments = keyMoments(iisRustlsTrace());
    assert.deepEqual(
      moments.map((m) => [m.title, m.tone]),
      [
        ['HelloRequest', 'neutral'],
        ['rustls on HelloRequest: refuse (warning no_renegotiation)', 'neutral'],
        ['Alert: no_renegotiation (warning)', 'warning'],
        ['Connection reset by peer (RST)', 'bad'],
      ],
    );
    assert.match(moments[0].explanation!, /renegotiate/);
  });

  it('marks the second ClientHello as the renegotiation and keeps the HTTP answer', () => {
    const s = (seq: number, content: StepContent): Step => ({ seq, timeMs: seq, ...content }) as Step;
    const m = (seq: number, message: string, from: 'client' | 'server') =>
      s(seq, { direction: from === 'client' ? 'client->server' : 'server->client', layer: 'handshake', kind: 'handshake', data: { message, from } });
    const moments = keyMoments({
      steps: [
        m(0, 'client_hello', 'client'),
        m(1, 'hello_request', 'server'),
        s(2, { direction: 'local', layer: 'verdict', kind: 'personality', data: { personality: 'openssl', trigger: 'hello_request', reaction: 'renegotiate', renegotiations: 0 } }),
        m(3, 'client_hello', 'client'),
        m(4, 'certificate_request', 'server'),
        m(5, 'certificate', 'client'),
        m(6, 'certificate', 'server'),
        s(7, { direction: 'server->client', layer: 'http', kind: 'http', data: { message: 'response', status: 403, reason: 'Forbidden' } }),
      ],
    });
    assert.deepEqual(
      moments.map((m) => [m.seq, m.title, m.tone]),
      [
        [1, 'HelloRequest', 'neutral'],
        [2, 'OpenSSL on HelloRequest: renegotiate', 'neutral'],
        [3, 'ClientHello (renegotiation)', 'neutral'],
        [4, 'CertificateRequest', 'neutral'],
        [5, 'Certificate', 'neutral'],
        [7, 'HTTP response: 403 Forbidden', 'bad'],
      ],
    );
  });

  it('finds nothing to tell in a plain TLS 1.3 run but the answer and the close', () => {
    assert.deepEqual(keyMoments(tls13OkTrace()).map((m) => m.title), ['HTTP response: 200 OK', 'Server closed the connection (FIN)']);
  });
});
