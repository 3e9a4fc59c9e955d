/**
 * The doctor in the browser, when the relay's policy refuses the target: the probes never reach a
 * server, and the doctor says to run the same diagnosis from the user's machine with the CLI. The
 * transport here answers every connection as the relay transport does for a refused target.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../../lib/doctor/diagnose';
import { defaultCrypto } from '../../lib/tls/crypto/index';
import type { Transport, TransportTarget } from '../../lib/transport/types';

function refusingRelay(dialled: TransportTarget[]): Transport {
  return {
    name: 'relay',
    open(target, onEvent) {
      dialled.push(target);
      queueMicrotask(() => {
        onEvent({ type: 'error', code: 'POLICY', message: 'private addresses are not reachable through the relay' });
        onEvent({ type: 'closed', bytesSent: 0, bytesReceived: 0 });
      });
      return { write: () => undefined, shutdown: () => undefined, close: () => undefined };
    },
  };
}

describe('the doctor behind a relay that refuses the target', () => {
  it('is unreachable, and its fix is the CLI command that diagnoses from your own machine', async () => {
    const dialled: TransportTarget[] = [];
    const d = await diagnose({ url: 'https://10.0.0.1:8443/secure/' }, async (req) => ({
      req,
      deps: {
        transport: refusingRelay(dialled),
        crypto: defaultCrypto(),
        verifyCertificates: () => Promise.reject(new Error('no certificate can arrive through a refused connection')),
      },
    }));
    assert.equal(d.severity, 'unreachable');
    assert.ok(dialled.length > 0 && dialled.every((t) => t.host === '10.0.0.1' && t.port === 8443));
    assert.deepEqual(
      d.fixes.map((f) => [f.who, f.title, f.commands]),
      [['you', 'Run the diagnosis from your own machine', ['npx tls-playground diagnose https://10.0.0.1:8443/secure/']]],
    );
    assert.match(d.fixes[0].detail, /^The relay refused to connect \(private addresses are not reachable through the relay\), so no probe reached the server\./);
  });

  it('says nothing about the relay when the server itself cannot be reached', async () => {
    const d = await diagnose({ url: 'https://10.0.0.1/' }, async (req) => ({
      req,
      deps: {
        transport: {
          name: 'tcp',
          open: (_target, onEvent) => {
            queueMicrotask(() => {
              onEvent({ type: 'error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.1:443' });
              onEvent({ type: 'closed', bytesSent: 0, bytesReceived: 0 });
            });
            return { write: () => undefined, shutdown: () => undefined, close: () => undefined };
          },
        },
        crypto: defaultCrypto(),
        verifyCertificates: () => Promise.reject(new Error('unreachable')),
      },
    }));
    assert.equal(d.severity, 'unreachable');
    assert.deepEqual(d.fixes, []);
  });
});
