import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

test('test/helpers/pki: parallel test processes end up with matching certificate and key files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tlspg-shared-pki-test-'));
  try {
    const script = "import('./test/helpers/pki.ts').then(async (m) => { const p = await m.sharedTestPki(); console.log(p.root.certPem === (await m.sharedTestPki()).root.certPem); })";
    const env = { ...process.env, TLSPG_TEST_PKI_DIR: dir };
    const runs = await Promise.all([1, 2].map(() => execFileAsync('npx', ['tsx', '-e', script], { env, cwd: process.cwd() })));
    for (const r of runs) assert.equal(r.stdout.trim(), 'true', 'one PKI per process, memoized');
    for (const name of ['root-ca', 'intermediate-ca', 'leaf-rsa2048', 'leaf-ed25519', 'expired', 'client']) {
      const cert = new X509Certificate(await readFile(join(dir, `${name}.crt`), 'utf8'));
      const key = createPrivateKey(await readFile(join(dir, `${name}.key`), 'utf8'));
      assert.ok(cert.checkPrivateKey(key), `${name}: the key file belongs to the certificate file`);
    }
    const intermediate = new X509Certificate(await readFile(join(dir, 'intermediate-ca.crt'), 'utf8'));
    const leaf = new X509Certificate(await readFile(join(dir, 'leaf-p256.crt'), 'utf8'));
    assert.ok(leaf.verify(intermediate.publicKey), 'the leaf on disk is signed by the intermediate on disk');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
