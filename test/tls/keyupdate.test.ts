/**
 * KeyUpdate against OpenSSL: s_server's "K" command sends KeyUpdate(update_requested) after our
 * request; the client must switch its read keys, answer with its own KeyUpdate and switch its write
 * keys — the response then only decrypts if both sides moved to generation 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { sharedTestPki } from '../helpers/pki';
import { nodeRunDeps } from '../../server/runtime/nodeRun';
import { runTls } from '../../lib/run/run';
import { outcomeSentence, stepTitle } from '../../lib/view/stepText';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

test('the client answers a requested KeyUpdate and both directions continue under the new keys', async () => {
  const pki = await sharedTestPki();
  const port = await freePort();
  const server = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', pki.leaves.p256.certPath, '-key', pki.leaves.p256.keyPath, '-cert_chain', pki.intermediate.certPath, '-tls1_3', '-naccept', '1']);
  try {
    let out = '';
    let ready!: () => void;
    const accepting = new Promise<void>((r) => (ready = r));
    server.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ACCEPT')) ready();
      if (out.includes('GET / HTTP/1.1')) {
        out = '';
        server.stdin.write('K\n');
        setTimeout(() => server.stdin.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'), 300);
      }
    });
    await accepting;
    const { req, deps } = await nodeRunDeps({ url: `https://localhost:${port}/` }, { caFiles: [pki.root.certPath] });
    const trace = await runTls(req, { ...deps, timeoutMs: 10000 });
    const titles = trace.steps.map((s) => stepTitle(s));
    const received = titles.indexOf('KeyUpdate');
    assert.ok(received > 0, titles.join(' | '));
    assert.equal(trace.steps[received].direction, 'server->client');
    const answered = titles.findIndex((t, i) => i > received && t === 'KeyUpdate');
    assert.equal(trace.steps[answered].direction, 'client->server');
    assert.ok(titles.includes('server_application_traffic_secret_1'));
    assert.ok(titles.includes('client_application_traffic_secret_1'));
    assert.equal(trace.outcome, 'ok', outcomeSentence(trace.outcomeCause));
    assert.equal(trace.http?.status, 200);
  } finally {
    server.kill();
  }
});
