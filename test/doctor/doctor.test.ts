/** The renegotiation doctor's verdict for each demo target, probing real servers on loopback. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoTargets, type RunningDemo } from '../../server/demo/start';
import { diagnose, type Diagnosis } from '../../lib/doctor/diagnose';
import { nodeRunDeps } from '../../server/runtime/nodeRun';

let dir: string;
let demo: RunningDemo;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'doctor-'));
  demo = await startDemoTargets({ dataDir: dir });
});

after(async () => {
  await demo?.close();
  await rm(dir, { recursive: true, force: true });
});

function check(url: string, clientCert = false): Promise<Diagnosis> {
  return diagnose({ url }, (req) => nodeRunDeps(req, { demoDataDir: dir, clientCertFile: clientCert ? 'demo' : undefined }), { probeTimeoutMs: 2500 });
}

const outcomes = (d: Diagnosis) => Object.fromEntries(d.personalities.map((p) => [p.personality, p.outcome]));

describe('the renegotiation doctor', () => {
  it('finds the IIS renegotiation failure and recommends clientcertnegotiation=enable', async () => {
    const d = await check('https://iis-renegotiation.test/secure/');
    assert.equal(d.severity, 'problem');
    assert.equal(d.tls12.helloRequest, true);
    assert.equal(d.tls12.secureRenegotiation, true);
    assert.equal(d.tls13.available, false);
    assert.deepEqual(outcomes(d), { rustls: 'reset', openssl: 'ok', schannel: 'ok', boringssl: 'alert', 'boringssl-ignore': 'timeout', go: 'error' });
    assert.match(d.verdict, /asks for a client certificate by TLS 1\.2 renegotiation/);
    assert.match(d.verdict, /rustls: connection reset by peer/);
    assert.match(d.verdict, /OpenSSL, SChannel/);
    const serverFix = d.fixes.find((f) => f.who === 'server')!;
    assert.ok(serverFix.commands!.some((c) => /clientcertnegotiation=enable/.test(c)));
    assert.ok(serverFix.commands!.some((c) => c.startsWith('netsh http show sslcert')));
    // Every command can be pasted as it is: no notes in parentheses after it.
    for (const c of serverFix.commands!) assert.doesNotMatch(c, /\(|\s{2}/, c);
    assert.ok(serverFix.commands!.includes('netsh http show sslcert ipport=0.0.0.0:443'));
    assert.match(serverFix.detail, /Negotiate Client Certificate : Enabled/);
  });

  it('with the demo client certificate, renegotiating clients get 200', async () => {
    const d = await check('https://iis-renegotiation.test/secure/', true);
    const openssl = d.personalities.find((p) => p.personality === 'openssl')!;
    assert.equal(openssl.httpStatus, 200);
    assert.equal(openssl.renegotiated, true);
  });

  it('sees no problem on an unprotected path of the same server', async () => {
    const d = await check('https://iis-renegotiation.test/');
    assert.equal(d.severity, 'ok');
    assert.equal(d.tls12.helloRequest, false);
    assert.deepEqual(new Set(Object.values(outcomes(d))), new Set(['ok']));
  });

  it('sees no problem on the fixed site', async () => {
    const d = await check('https://iis-fixed.test/secure/');
    assert.equal(d.severity, 'ok');
    assert.equal(d.fixes.length, 0);
  });

  it('reports post-handshake authentication on the TLS 1.3 target', async () => {
    const d = await check('https://tls13-pha.test/secure/');
    assert.equal(d.tls13.available, true);
    assert.equal(d.tls13.postHandshakeAuthRequested, true);
    assert.equal(d.tls13.statusWithoutPha, 403);
    assert.match(d.verdict, /post-handshake authentication/);
  });

  it('reports a plain TLS 1.3 server as fine', async () => {
    const d = await check('https://tls13.test/');
    assert.equal(d.severity, 'ok');
    assert.equal(d.tls13.available, true);
  });

  for (const name of ['legacy-tls12', 'expired', 'wrong-host', 'self-signed', 'untrusted-root', 'incomplete-chain']) {
    it(`gives a verdict for ${name}`, async () => {
      const d = await check(`https://${name}.test/`);
      assert.ok(d.verdict.length > 20);
      if (name === 'legacy-tls12') assert.equal(d.severity, 'ok');
      else {
        // Certificate failures: no handshake completes, and the verdict says why.
        assert.equal(d.severity, 'unreachable');
        assert.match(d.verdict, /No TLS handshake completed/);
      }
    });
  }
});
