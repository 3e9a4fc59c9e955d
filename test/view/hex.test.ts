import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildHexModel, byteInField, byteRangeLabel, fieldAtByte, fieldPath, offsetLabel } from '../../lib/view/hex';
import { alertField } from '../../lib/tls/client/connection';
import { Writer } from '../../lib/tls/wire/writer';
import { toHex } from '../../lib/tls/wire/bytes';
import { tls13OkTrace } from './fixtures/traces';

/** A small KeyShareEntry-like structure: 2-byte group, then a 2-byte-length-prefixed key. */
function keyShareEntry() {
  const w = new Writer('KeyShareEntry', { rfc: 'RFC 8446 §4.2.8' });
  w.u16('group', 0x001d, { value: 'x25519' });
  w.opaque('key_exchange', 2, new Uint8Array([0xaa, 0xbb, 0xcc]));
  const { bytes, field } = w.finish();
  return { hex: toHex(bytes), field };
}

describe('hex view model', () => {
  it('splits the bytes into cells, ascii and 16-byte lines', () => {
    const model = buildHexModel({ hex: '48656c6c6f00' + 'ff'.repeat(20) });
    assert.equal(model.length, 26);
    assert.deepEqual(model.cells.slice(0, 6), ['48', '65', '6c', '6c', '6f', '00']);
    assert.equal(model.ascii.slice(0, 6).join(''), 'Hello.');
    assert.deepEqual(model.lines.map((l) => [l.start, l.end]), [[0, 16], [16, 26]]);
    assert.equal(model.fields.length, 0);
    assert.deepEqual(model.spans, [{ start: 0, end: 26, fieldId: undefined, depth: -1 }]);
  });

  it('flattens the field tree in document order with depth, parent and children', () => {
    const model = buildHexModel(keyShareEntry());
    assert.deepEqual(
      model.fields.map((f) => [f.id, f.name, f.start, f.end, f.depth, f.parentId]),
      [
        ['0', 'KeyShareEntry', 0, 7, 0, undefined],
        ['0.0', 'group', 0, 2, 1, '0'],
        ['0.1', 'key_exchange', 2, 7, 1, '0'],
        ['0.1.0', 'length', 2, 4, 2, '0.1'],
        ['0.1.1', 'data', 4, 7, 2, '0.1'],
      ],
    );
    assert.deepEqual(model.byId.get('0.1')!.childIds, ['0.1.0', '0.1.1']);
  });

  it('maps every byte to its deepest field (byte → field) and back (field → bytes)', () => {
    const model = buildHexModel(keyShareEntry());
    assert.deepEqual(model.byteField, ['0.0', '0.0', '0.1.0', '0.1.0', '0.1.1', '0.1.1', '0.1.1']);
    assert.equal(fieldAtByte(model, 5)!.name, 'data');
    assert.deepEqual(fieldPath(model, model.byteField[5]).map((f) => f.name), ['data', 'key_exchange', 'KeyShareEntry']);
    const lit = model.cells.map((_, i) => byteInField(model, '0.1', i));
    assert.deepEqual(lit, [false, false, true, true, true, true, true]);
    assert.deepEqual(
      model.spans.map((s) => [s.start, s.end, s.fieldId, s.depth]),
      [
        [0, 2, '0.0', 1],
        [2, 4, '0.1.0', 2],
        [4, 7, '0.1.1', 2],
      ],
    );
  });

  it('keeps nested offsets absolute for a message embedded in a record', () => {
    const record = tls13OkTrace().steps.find((s) => s.layer === 'record' && s.direction === 'client->server')!;
    const model = buildHexModel(record.bytes!);
    const clientHello = model.fields.find((f) => f.name === 'ClientHello')!;
    assert.equal(clientHello.start, 5, 'after the 5-byte record header');
    assert.equal(clientHello.end, model.length);
    assert.equal(model.cells[clientHello.start], '01', 'msg_type client_hello');
    const hostName = model.fields.find((f) => f.name === 'HostName')!;
    const data = hostName.childIds.map((id) => model.byId.get(id)!).find((f) => f.name === 'data')!;
    assert.equal(model.ascii.slice(data.start, data.end).join(''), 'tls13.test');
    assert.ok(model.byteField.every((id) => id !== undefined), 'every byte of the record is annotated');
  });

  it('shows the decrypted plaintext of a protected record with its own tree', () => {
    const sealed = tls13OkTrace().steps.find((s) => s.plaintext && s.kind === 'record' && s.data.contentType === 'handshake')!;
    const wire = buildHexModel(sealed.bytes!);
    const plain = buildHexModel(sealed.plaintext!);
    assert.equal(wire.length, plain.length + 5 + 16, 'header + ciphertext of the inner plaintext + tag');
    assert.deepEqual(
      plain.fields.filter((f) => f.depth === 2).map((f) => f.name),
      ['EncryptedExtensions', 'Certificate', 'CertificateVerify', 'Finished'],
    );
    const innerType = plain.fields.find((f) => f.name === 'type' && f.depth === 1)!;
    assert.equal(innerType.start, plain.length - 1);
    assert.equal(plain.cells[innerType.start], '16', 'the real content type: handshake');
  });

  it('clips and flags fields that claim bytes beyond the data', () => {
    const model = buildHexModel({ hex: '0102', field: { name: 'thing', offset: 0, length: 4, children: [{ name: 'tail', offset: 1, length: 3 }] } });
    const [thing, tail] = model.fields;
    assert.deepEqual([thing.start, thing.end, thing.clipped], [0, 2, true]);
    assert.deepEqual([tail.start, tail.end, tail.clipped], [1, 2, true]);
  });

  it('rejects hex with an odd number of digits', () => {
    assert.throws(() => buildHexModel({ hex: 'abc' }), /odd number/);
  });

  it('labels offsets with at least four hex digits', () => {
    assert.equal(offsetLabel(0x30, 100), '0030');
    assert.equal(offsetLabel(0x10000, 0x20000), '10000');
  });
});

describe('an alert’s two bytes', () => {
  it('places description on byte 1 and says so: "byte 1", not "bytes 1–1"', () => {
    const model = buildHexModel({ hex: '0164', field: alertField(1, 100) });
    const description = model.fields.find((f) => f.name === 'description')!;
    assert.deepEqual([description.start, description.end], [1, 2]);
    assert.equal(fieldAtByte(model, 1)?.name, 'description');
    assert.equal(fieldAtByte(model, 0)?.name, 'level');
    assert.equal(byteRangeLabel(description.start, description.end), 'byte 1');
    assert.equal(byteRangeLabel(0, 2), 'bytes 0–1');
    assert.equal(byteRangeLabel(3, 3), 'no bytes');
  });
});
