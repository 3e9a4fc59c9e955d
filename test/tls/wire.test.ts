/** The annotating codec: every byte gets a field, and length prefixes are consumed exactly. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TlsAlertError } from '../../lib/tls/errors';
import { Reader } from '../../lib/tls/wire/reader';
import { Writer } from '../../lib/tls/wire/writer';
import { fromHex, toHex } from '../../lib/tls/wire/bytes';
import type { Field } from '../../lib/tls/wire/field';

function leaves(f: Field): Field[] {
  return f.children?.length ? f.children.flatMap(leaves) : [f];
}

test('a written vector patches its length and annotates every byte', () => {
  const w = new Writer('Example');
  w.u16('version', 0x0303, { value: 'TLS 1.2' });
  w.vector('list', 2, () => {
    w.u16('item', 1);
    w.u16('item', 2);
  });
  w.opaque('blob', 1, fromHex('aabbcc'));
  const { bytes, field } = w.finish();
  assert.equal(toHex(bytes), '0303' + '0004' + '00010002' + '03aabbcc');
  const covered = leaves(field).reduce((n, f) => n + f.length, 0);
  assert.equal(covered, bytes.length);
  assert.deepEqual(leaves(field).map((f) => [f.name, f.offset, f.length]), [
    ['version', 0, 2], ['length', 2, 2], ['item', 4, 2], ['item', 6, 2], ['length', 8, 1], ['data', 9, 3],
  ]);
});

test('reading back what was written gives the same values and the same field tree', () => {
  const w = new Writer('Example');
  w.u8('kind', 7);
  w.vector('names', 2, () => w.opaque('name', 1, new TextEncoder().encode('abc')));
  const { bytes, field } = w.finish();
  const r = new Reader(bytes, 'Example');
  assert.equal(r.u8('kind'), 7);
  r.vector('names', 2, () => r.opaque('name', 1));
  r.end();
  const shape = (f: Field): unknown => [f.name, f.offset, f.length, f.children?.map(shape) ?? []];
  assert.deepEqual(shape(r.field), shape(field));
});

test('a length prefix longer than the data is decode_error', () => {
  const r = new Reader(fromHex('0005aabb'), 'Msg');
  assert.throws(() => r.opaque('blob', 2), (e: unknown) => e instanceof TlsAlertError && e.alert === 'decode_error' && /length 5 exceeds/.test(e.message));
});

test('bytes left inside a length prefix are decode_error', () => {
  const r = new Reader(fromHex('0003 0001 ff'), 'Msg');
  assert.throws(
    () => r.vector('list', 2, () => r.u16('item')),
    (e: unknown) => e instanceof TlsAlertError && e.alert === 'decode_error' && /1 bytes left over/.test(e.message),
  );
});

test('trailing bytes after a structure are decode_error', () => {
  const r = new Reader(fromHex('0102'), 'Msg');
  r.u8('a');
  assert.throws(() => r.end(), (e: unknown) => e instanceof TlsAlertError && e.alert === 'decode_error');
});

test('a truncated integer is decode_error naming the field path', () => {
  const r = new Reader(fromHex('01'), 'ServerHello');
  assert.throws(() => r.u16('legacy_version'), (e: unknown) => e instanceof TlsAlertError && /ServerHello\.legacy_version/.test(e.message));
});

test('toHex gives the same lowercase hex as Node for every byte value, and round-trips with fromHex', async () => {
  const { toHex: hex, fromHex: unhex } = await import('../../lib/tls/wire/bytes');
  const all = Uint8Array.from({ length: 512 }, (_, i) => i & 255);
  assert.equal(hex(all), Buffer.from(all).toString('hex'));
  assert.equal(hex(new Uint8Array(0)), '');
  assert.deepEqual(unhex(hex(all)), all);
});
