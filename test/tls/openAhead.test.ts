/**
 * The record layer opens a flight's buffered TLS 1.3 records together (Tls13Protection.openAhead):
 * the decryptions of the later records start before the first one finishes, the plaintexts come
 * out in order and identical, a tampered record still fails at its own turn with bad_record_mac,
 * and a key change drops what was started under the old keys.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nobleCrypto } from '../../lib/tls/crypto';
import type { CryptoProvider } from '../../lib/tls/crypto/provider';
import { TlsAlertError } from '../../lib/tls/errors';
import { RecordLayer } from '../../lib/tls/record/layer';
import { Tls13Protection } from '../../lib/tls/record/protection';
import { concat, fromUtf8, toHex, utf8 } from '../../lib/tls/wire/bytes';

const KEY = new Uint8Array(16).fill(0x11);
const IV = new Uint8Array(12).fill(0x22);
const OTHER_KEY = new Uint8Array(16).fill(0x33);

/** Seals `messages` as consecutive TLS 1.3 records (sequence 0, 1, …) under `key`. */
async function flight(messages: string[], key = KEY): Promise<Uint8Array[]> {
  const writer = new Tls13Protection(nobleCrypto, 'AES-128-GCM', key, IV, 'test keys');
  const records: Uint8Array[] = [];
  for (const m of messages) {
    const sealed = await writer.seal(22, utf8(m));
    const n = sealed.fragment.length;
    records.push(concat(new Uint8Array([23, 3, 3, n >> 8, n & 0xff]), sealed.fragment));
  }
  return records;
}

/** noble underneath, but each open() is held until released, and every call is logged. */
function heldCrypto() {
  const log: string[] = [];
  const releases: (() => void)[] = [];
  const crypto: CryptoProvider = {
    ...nobleCrypto,
    async open(aead, key, nonce, aad, ciphertext) {
      log.push(`open ${toHex(nonce.subarray(-1))}`);
      await new Promise<void>((resolve) => releases.push(resolve));
      return nobleCrypto.open(aead, key, nonce, aad, ciphertext);
    },
  };
  const releaseAll = () => {
    for (const r of releases.splice(0)) r();
  };
  return { crypto, log, releaseAll };
}

test('a buffered flight: every record starts decrypting at once, and the plaintexts come out in order', async () => {
  const messages = ['EncryptedExtensions', 'Certificate', 'CertificateVerify', 'Finished'];
  const { crypto, log, releaseAll } = heldCrypto();
  const layer = new RecordLayer();
  layer.read = new Tls13Protection(crypto, 'AES-128-GCM', KEY, IV, 'test keys');
  layer.feed(concat(...(await flight(messages))));
  const first = layer.next();
  // All four opens were asked for before the first one was allowed to finish.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(log.length, 4);
  releaseAll();
  const out = [fromUtf8((await first)!.content)];
  for (let i = 1; i < messages.length; i++) {
    const next = layer.next();
    releaseAll();
    out.push(fromUtf8((await next)!.content));
  }
  assert.deepEqual(out, messages);
  // Nothing was decrypted twice.
  assert.equal(log.length, 4);
  assert.equal(await layer.next(), null);
});

test('a tampered record in the middle of a flight fails at its own turn, after the records before it', async () => {
  const records = await flight(['one', 'two', 'three']);
  records[1][records[1].length - 1] ^= 1; // flip a tag bit
  const layer = new RecordLayer();
  layer.read = new Tls13Protection(nobleCrypto, 'AES-128-GCM', KEY, IV, 'test keys');
  layer.feed(concat(...records));
  assert.equal(fromUtf8((await layer.next())!.content), 'one');
  await assert.rejects(layer.next(), (e: unknown) => e instanceof TlsAlertError && e.alert === 'bad_record_mac' && /record 1/.test(e.message));
});

test('a record that arrives after the look-ahead is opened normally, and a record under new keys is not confused with one started under the old', async () => {
  const [a, b] = await flight(['first', 'second']);
  // The server's next record is under other keys (as after its Finished); it was buffered with the
  // flight, so the old keys started on it and got a tag failure that must not surface.
  const [c] = await flight(['under new keys'], OTHER_KEY);
  const layer = new RecordLayer();
  layer.read = new Tls13Protection(nobleCrypto, 'AES-128-GCM', KEY, IV, 'old keys');
  layer.feed(concat(a, c));
  assert.equal(fromUtf8((await layer.next())!.content), 'first');
  layer.read = new Tls13Protection(nobleCrypto, 'AES-128-GCM', OTHER_KEY, IV, 'new keys');
  assert.equal(fromUtf8((await layer.next())!.content), 'under new keys');
  // At the protection itself: what was started for sequence 1 was other bytes (c), so record b,
  // which really is sequence 1 under the old keys, is decrypted afresh and not refused.
  const protection = new Tls13Protection(nobleCrypto, 'AES-128-GCM', KEY, IV, 'old keys');
  protection.openAhead(1, c.subarray(0, 5), c.subarray(5));
  assert.equal(fromUtf8((await protection.open(a.subarray(0, 5), a.subarray(5))).content), 'first');
  assert.equal(fromUtf8((await protection.open(b.subarray(0, 5), b.subarray(5))).content), 'second');
});
