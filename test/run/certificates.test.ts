/**
 * createCertificateVerifier (lib/run/certificates.ts) with a root store that is still loading, as
 * the page passes it: the check waits for the store, and a store that fails to load fails the
 * check with its own reason (which the engine reports as the run's error).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCertificateVerifier } from '../../lib/run/certificates';
import { nobleCrypto } from '../../lib/tls/crypto';
import { RootStore } from '../../lib/tls/x509/roots';
import type { TestPki } from '../../server/pki/testPki';
import { sharedTestPki } from '../helpers/pki';

let pki: TestPki;

before(async () => {
  pki = await sharedTestPki();
});

test('a root store still loading: the check waits for it, then trusts the chain', async () => {
  let resolve!: (store: RootStore) => void;
  const loading = new Promise<RootStore>((r) => (resolve = r));
  const verify = createCertificateVerifier({ roots: loading, crypto: nobleCrypto });
  let settled = false;
  const verdict = verify([pki.leaves.p256.certDer, pki.intermediate.certDer], 'localhost', new Date(), 'digitalSignature').finally(() => (settled = true));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(settled, false, 'no verdict before the store is there');
  resolve(new RootStore([pki.root.certDer]));
  const result = await verdict;
  assert.equal(result.summary.verdict, 'trusted', result.message);
  assert.equal(result.alert, undefined);
});

test('a root store that fails to load fails the check with its reason', async () => {
  const failed = Promise.reject(new Error('the root store chunk did not load'));
  failed.catch(() => undefined);
  const verify = createCertificateVerifier({ roots: failed, crypto: nobleCrypto });
  await assert.rejects(verify([pki.leaves.p256.certDer], 'localhost', new Date(), 'digitalSignature'), /root store chunk did not load/);
});
