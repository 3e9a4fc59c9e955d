import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { keyMoments } from '../../lib/view/story';
import type { Step } from '../../lib/trace/schema';
import { iisRustlsTrace, tls13OkTrace } from './fixtures/traces';

describe('the renegotiation story’s key moments', () => {
  it('tells the rustls failure: HelloRequest, warning no_renegotiation, reset', () => {
    const moments = keyMoments(iisRustlsTrace());
    assert.deepEqual(
      moments.map((m) => [m.title, m.tone]),
      [
        ['HelloRequest', 'neutral'],
        ['Alert: no_renegotiation (warning)', 'warning'],
        ['Connection reset by peer', 'bad'],
      ],
    );
    assert.match(moments[0].explanation!, /renegotiate/);
  });

  it('marks the second ClientHello as the renegotiation and keeps the HTTP answer', () => {
    const s = (seq: number, direction: Step['direction'], layer: Step['layer'], title: string, data?: Record<string, unknown>): Step => ({ seq, timeMs: seq, direction, layer, title, data });
    const moments = keyMoments({
      steps: [
        s(0, 'client->server', 'handshake', 'ClientHello'),
        s(1, 'server->client', 'handshake', 'HelloRequest'),
        s(2, 'local', 'verdict', 'OpenSSL on HelloRequest: renegotiate'),
        s(3, 'client->server', 'handshake', 'ClientHello'),
        s(4, 'server->client', 'handshake', 'CertificateRequest'),
        s(5, 'client->server', 'handshake', 'Certificate'),
        s(6, 'server->client', 'handshake', 'Certificate'),
        s(7, 'server->client', 'http', 'HTTP response: 403 Forbidden', { status: 403 }),
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

  it('finds nothing to tell in a plain TLS 1.3 run but the close', () => {
    assert.deepEqual(keyMoments(tls13OkTrace()).map((m) => m.title), ['Server closed its side (FIN)']);
  });
});
