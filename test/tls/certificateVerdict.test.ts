/**
 * TLS 1.3: the CertificateVerify signature is verified while the certificate chain is, and the
 * trace still tells the story in the order that makes sense: the chain verdict comes before the
 * signature verdict, a rejected chain wins over everything after it, and a verdict is never held
 * back waiting for a CertificateVerify that has not arrived yet.
 */
import assert from 'node:assert/strict';
import { createServer, connect as netConnect, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { nobleCrypto } from '../../lib/tls/crypto';
import type { CryptoProvider } from '../../lib/tls/crypto/provider';
import type { TestPki } from '../../server/pki';
import { sharedTestPki } from '../helpers/pki';
import { LOOPBACK, describeTrace, runAgainst, startOpensslServer, titles, type OpensslServer } from '../helpers/tlsServers';

let pki: TestPki;
let server: OpensslServer;
let untrusted: OpensslServer;

before(async () => {
  pki = await sharedTestPki();
  const leaf = pki.leaves.p256;
  server = await startOpensslServer(['-tls1_3', '-www', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath]);
  untrusted = await startOpensslServer(['-tls1_3', '-www', '-cert', pki.unknownCaLeaf.certPath, '-key', pki.unknownCaLeaf.keyPath]);
});

after(async () => {
  await server?.close();
  await untrusted?.close();
});

/** noble, with every verify held for `delayMs` and the most verifies ever in flight at once recorded. */
function slowVerifies(delayMs: number): { crypto: CryptoProvider; maxInFlight: () => number } {
  let inFlight = 0;
  let max = 0;
  const crypto: CryptoProvider = {
    ...nobleCrypto,
    async verify(...args) {
      inFlight++;
      max = Math.max(max, inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return await nobleCrypto.verify(...args);
      } finally {
        inFlight--;
      }
    },
  };
  return { crypto, maxInFlight: () => max };
}

function indexOf(list: string[], pattern: RegExp): number {
  const i = list.findIndex((t) => pattern.test(t));
  assert.ok(i >= 0, `no step matches ${pattern}:\n${list.join('\n')}`);
  return i;
}

describe('TLS 1.3 certificate verdict and CertificateVerify', () => {
  test('the chain\'s signatures and the CertificateVerify are checked side by side; the chain verdict is still reported first', async () => {
    const slow = slowVerifies(40);
    const trace = await runAgainst(server.port, { setup: { caFiles: [pki.root.certPath], crypto: slow.crypto } });
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    // All three at once: leaf by intermediate, intermediate by root, and the CertificateVerify.
    assert.equal(slow.maxInFlight(), 3);
    const t = titles(trace);
    const message = indexOf(t, /^CertificateVerify$/);
    const chain = indexOf(t, /^Certificate chain trusted$/);
    const signature = indexOf(t, /^CertificateVerify signature verified/);
    assert.ok(message < chain && chain < signature, t.join('\n'));
  });

  test('a rejected chain ends the handshake with its own alert, and no signature verdict is reported', async () => {
    const trace = await runAgainst(untrusted.port, { setup: { caFiles: [pki.root.certPath] } });
    assert.equal(trace.outcome, 'alert', describeTrace(trace));
    assert.deepEqual(
      trace.alerts.map((a) => `${a.from} ${a.description}`),
      ['client unknown_ca'],
    );
    const t = titles(trace);
    assert.ok(t.some((x) => x.startsWith('Certificate rejected')), t.join('\n'));
    assert.ok(!t.some((x) => x.startsWith('CertificateVerify signature verified')), t.join('\n'));
  });

  test('when the CertificateVerify comes later, the verdict does not wait for it', async () => {
    // A proxy that passes the server's records up to the Certificate at once and the rest 1.5 s
    // later (openssl's TLS 1.3 flight: ServerHello, ChangeCipherSpec, EncryptedExtensions,
    // Certificate | CertificateVerify, Finished, …).
    const HOLD_FROM_RECORD = 4;
    const proxy = createServer({ allowHalfOpen: true }, (client) => {
      const upstream = netConnect({ host: LOOPBACK, port: server.port, allowHalfOpen: true });
      let pending = Buffer.alloc(0);
      let index = 0;
      let held: Buffer[] | undefined = [];
      client.on('data', (d: Buffer) => upstream.write(d));
      upstream.on('data', (d: Buffer) => {
        pending = Buffer.concat([pending, d]);
        while (pending.length >= 5 && pending.length >= 5 + pending.readUInt16BE(3)) {
          const length = 5 + pending.readUInt16BE(3);
          const record = pending.subarray(0, length);
          pending = pending.subarray(length);
          if (index++ < HOLD_FROM_RECORD || !held) client.write(record);
          else {
            if (held.length === 0) {
              setTimeout(() => {
                for (const r of held ?? []) client.write(r);
                held = undefined;
              }, 1500);
            }
            held.push(record);
          }
        }
      });
      upstream.on('end', () => setTimeout(() => client.end(), 200));
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, LOOPBACK, () => resolve()));
    try {
      const trace = await runAgainst((proxy.address() as AddressInfo).port, { setup: { caFiles: [pki.root.certPath] } });
      assert.equal(trace.outcome, 'ok', describeTrace(trace));
      const t = titles(trace);
      const chain = indexOf(t, /^Certificate chain trusted$/);
      const message = indexOf(t, /^CertificateVerify$/);
      // The verdict came right after the Certificate, before the record that carries the CertificateVerify.
      assert.ok(/^Certificate$/.test(t[chain - 1]), t.join('\n'));
      assert.ok(chain < message - 1, t.join('\n'));
      const verdictAt = trace.steps[chain].timeMs;
      const certificateVerifyAt = trace.steps[message].timeMs;
      // Half the hold: the verdict's own work (chain building, signatures) stays well below it even on
      // a loaded machine, while a verdict that waited would come after the held records.
      assert.ok(certificateVerifyAt - verdictAt > 750, `the verdict (${verdictAt} ms) waited for the CertificateVerify (${certificateVerifyAt} ms)`);
    } finally {
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});
