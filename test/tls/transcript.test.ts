/**
 * The handshake transcript keeps running hash states once a hash is asked for: every digest must
 * still equal the hash of all messages so far, for either hash, across clone(), the HelloRetryRequest
 * message_hash replacement and reset().
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { Transcript } from '../../lib/tls/hash';
import { concat, toHex } from '../../lib/tls/wire/bytes';

const message = (n: number, fill: number) => new Uint8Array(n).fill(fill);

test('digests equal the hash of everything added so far, asked before, between and after additions', () => {
  const t = new Transcript();
  const added: Uint8Array[] = [];
  const check = () => {
    assert.equal(toHex(t.hash('sha256')), toHex(sha256(concat(...added))));
    assert.equal(toHex(t.hash('sha384')), toHex(sha384(concat(...added))));
  };
  check();
  for (const [n, fill] of [[232, 1], [155, 2], [32, 3], [562, 4], [79, 5], [36, 6]]) {
    const m = message(n, fill);
    t.add(m);
    added.push(m);
    check();
    check(); // asking twice does not consume the running state
  }
});

test('a clone goes on independently of the original', () => {
  const t = new Transcript();
  t.add(message(10, 1));
  t.hash('sha256');
  const copy = t.clone();
  copy.add(message(20, 2));
  t.add(message(30, 3));
  assert.equal(toHex(copy.hash('sha256')), toHex(sha256(concat(message(10, 1), message(20, 2)))));
  assert.equal(toHex(t.hash('sha256')), toHex(sha256(concat(message(10, 1), message(30, 3)))));
  assert.equal(toHex(copy.bytes()), toHex(concat(message(10, 1), message(20, 2))));
});

test('after a HelloRetryRequest the transcript starts from message_hash; reset empties it', () => {
  const t = new Transcript();
  const hello1 = message(300, 7);
  t.add(hello1);
  t.hash('sha256');
  t.replaceWithMessageHash('sha256');
  const hrr = message(88, 8);
  t.add(hrr);
  const synthetic = concat(new Uint8Array([254, 0, 0, 32]), sha256(hello1));
  assert.equal(toHex(t.hash('sha256')), toHex(sha256(concat(synthetic, hrr))));
  t.reset();
  assert.equal(toHex(t.hash('sha256')), toHex(sha256(new Uint8Array(0))));
});
