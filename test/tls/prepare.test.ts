/**
 * TlsClient.prepare(): the key shares made while the transport connects. The ClientHello must be
 * the same bytes as without it (same randomness drawn in the same order), a failure to make a
 * share must surface from start() as the run's failure, and nothing may go unhandled.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TlsClient } from '../../lib/tls/client/client';
import { defaultClientOptions, type ClientOptions } from '../../lib/tls/client/options';
import { nobleCrypto } from '../../lib/tls/crypto';
import type { CryptoProvider } from '../../lib/tls/crypto/provider';
import type { StepContent } from '../../lib/tls/events';
import { toHex } from '../../lib/tls/wire/bytes';
import { stepTitle } from '../../lib/view/stepText';

/** A counter: every run of it gives the same bytes in the same order. */
function countingRandom(): (n: number) => Uint8Array {
  let next = 1;
  return (n) => Uint8Array.from({ length: n }, () => next++ & 0xff);
}

function client(options: ClientOptions, crypto: CryptoProvider = nobleCrypto) {
  const sent: Uint8Array[] = [];
  const steps: StepContent[] = [];
  const c = new TlsClient(
    options,
    { crypto, random: countingRandom(), now: () => 0, verifyCertificates: () => Promise.reject(new Error('not reached')) },
    { send: (b) => sent.push(b), step: (s) => steps.push(s), applicationData: () => {}, keyLog: () => {} },
  );
  return { c, sent, steps };
}

const optionsFor = (groups: ClientOptions['groups']): ClientOptions => ({ ...defaultClientOptions('example.test'), groups });

for (const groups of [['x25519'], ['secp256r1'], ['X25519MLKEM768', 'x25519']] as ClientOptions['groups'][]) {
  test(`prepare() then start() sends the same ClientHello as start() alone (${groups.join(', ')})`, async () => {
    const plain = client(optionsFor(groups));
    await plain.c.start();
    const prepared = client(optionsFor(groups));
    prepared.c.prepare();
    prepared.c.prepare(); // a second call changes nothing
    await prepared.c.start();
    assert.equal(prepared.c.state, 'handshaking');
    assert.equal(plain.sent.length, 1);
    assert.deepEqual(prepared.sent.map(toHex), plain.sent.map(toHex));
  });
}

test('a key share that cannot be made fails start() with internal_error, not an unhandled rejection', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  try {
    const broken: CryptoProvider = { ...nobleCrypto, generateKeyShare: () => Promise.reject(new Error('no entropy today')) };
    const { c, sent, steps } = client(optionsFor(['x25519']), broken);
    c.prepare();
    // Let the rejection settle before start() looks at it, as when TCP takes a while to connect.
    await new Promise((resolve) => setTimeout(resolve, 10));
    await c.start();
    assert.equal(c.state, 'failed');
    assert.equal(c.failure?.alert, 'internal_error');
    assert.match(c.failure?.message ?? '', /no entropy today/);
    // The alert goes out (in the clear: no keys yet) and the failure is a step of its own.
    assert.equal(sent.length, 1);
    assert.equal(toHex(sent[0]), '15030100020250');
    assert.ok(steps.some((s) => /internal_error/.test(stepTitle(s))));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('prepare() after start() does nothing', async () => {
  const { c, sent } = client(optionsFor(['x25519']));
  await c.start();
  c.prepare();
  assert.equal(sent.length, 1);
  assert.equal(c.state, 'handshaking');
});
