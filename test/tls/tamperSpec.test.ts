/**
 * Tamper experiments as data: the SPEC syntax (TARGET:OP[=ARGUMENT]) read strictly with one clear
 * sentence per mistake, and the change applied through the ClientHello's own annotation, so every
 * length around it is recomputed and the annotation still lies over the bytes as sent.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeClientHello, encodeFinished, type EncodedMessage } from '../../lib/tls/handshake/messages';
import { clientHelloExtensionList } from '../../lib/tls/handshake/extensions';
import { TamperTargetError, sentExtensionTypes, tamperMessage, tamperRecordHeader } from '../../lib/tls/tamper/apply';
import { formatTamperSpec, parseTamperSpec, readTamper, TamperSpecError, type Tamper } from '../../lib/tls/tamper/spec';
import { fromHex, toHex } from '../../lib/tls/wire/bytes';
import type { Field } from '../../lib/tls/wire/field';
import { parseClientHello } from './wire';

/** A real ClientHello as this client builds it for a TLS 1.3 + 1.2 offer (key shares of the right sizes). */
function clientHello(): EncodedMessage {
  const extensions = clientHelloExtensionList({
    serverName: 'example.com',
    versions: ['TLSv1.3', 'TLSv1.2'],
    groups: ['x25519', 'secp256r1'],
    keyShares: [{ group: 'x25519', publicKey: new Uint8Array(32).fill(7) }],
    signatureSchemes: ['ecdsa_secp256r1_sha256', 'rsa_pss_rsae_sha256'],
    alpn: ['http/1.1'],
    postHandshakeAuth: false,
    renegotiationInfo: new Uint8Array(0),
    extendedMasterSecret: true,
    encryptThenMac: true,
    sessionTicket: true,
  });
  return encodeClientHello({
    random: new Uint8Array(32).fill(1),
    legacySessionId: new Uint8Array(32).fill(2),
    cipherSuites: ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
    extensions,
  });
}

const EXT = { server_name: 0, supported_groups: 10, supported_versions: 43, key_share: 51 };

/** Every field lies inside its parent, and a leaf's value (when hex) is the bytes under it. */
function assertAnnotationFits(bytes: Uint8Array, field: Field, parent?: Field): void {
  if (parent) {
    assert.ok(field.offset >= parent.offset && field.offset + field.length <= parent.offset + parent.length, `${field.name} inside ${parent.name}`);
  } else {
    assert.equal(field.length, bytes.length, 'the root covers every byte');
  }
  let cursor = field.offset;
  for (const child of field.children ?? []) {
    assert.equal(child.offset, cursor, `${child.name} follows its sibling without a gap`);
    cursor += child.length;
    assertAnnotationFits(bytes, child, field);
  }
  if (field.children?.length) assert.equal(cursor, field.offset + field.length, `${field.name} is covered by its fields`);
}

describe('the tamper SPEC', () => {
  test('reads the documented examples', () => {
    assert.deepEqual(parseTamperSpec('finished.verify_data:flip=0'), { target: 'finished.verify_data', op: 'flip', bit: 0 });
    assert.deepEqual(parseTamperSpec('client_hello.extensions.supported_versions:drop'), { target: 'client_hello.extensions.supported_versions', op: 'drop' });
    assert.deepEqual(parseTamperSpec('client_hello.cipher_suites:set=1301'), { target: 'client_hello.cipher_suites', op: 'set', value: '1301' });
    assert.deepEqual(parseTamperSpec('client_hello.extensions:reorder=key_share, server_name'), { target: 'client_hello.extensions', op: 'reorder', order: ['key_share', 'server_name'] });
    assert.deepEqual(parseTamperSpec(' client_hello.record.legacy_record_version:set=0x0300 '), { target: 'client_hello.record.legacy_record_version', op: 'set', value: '0300' });
    assert.deepEqual(parseTamperSpec('client_hello.cipher_suites.cipher_suite[1]:set=13:02'), { target: 'client_hello.cipher_suites.cipher_suite[1]', op: 'set', value: '1302' });
    assert.deepEqual(parseTamperSpec('client_hello.legacy_session_id:set='), { target: 'client_hello.legacy_session_id', op: 'set', value: '' });
  });

  test('writes back what it reads', () => {
    for (const spec of ['finished.verify_data:flip=17', 'client_hello.extensions.key_share:drop', 'client_hello.cipher_suites:set=1301', 'client_hello.extensions:reorder=reverse', 'finished.record.opaque_type:set=16']) {
      assert.equal(formatTamperSpec(parseTamperSpec(spec)), spec);
    }
  });

  test('says what is wrong with a bad spec', () => {
    const bad: [string, RegExp][] = [
      ['', /empty/],
      ['finished.verify_data', /no operation/],
      ['server_hello.random:flip=0', /must start with the client message to change: client_hello, certificate/],
      ['finished.verify_data:flip', /flip needs a bit number/],
      ['finished.verify_data:flip=-1', /flip needs a bit number/],
      ['client_hello.cipher_suites:set=130', /even number of hex digits/],
      ['client_hello.cipher_suites:set=zz', /hex bytes/],
      ['client_hello.cipher_suites:set', /set needs a value/],
      ['client_hello.extensions.key_share:drop=1', /drop takes no value/],
      ['client_hello:drop', /whole message cannot be dropped/],
      ['client_hello.extensions:reorder=', /reorder needs/],
      ['client_hello.extensions:shuffle', /unknown operation "shuffle"/],
      ['client_hello.ext-ensions:drop', /"ext-ensions" is not a field name/],
      ['client_hello.record.flags:flip=0', /record header field is one of type, opaque_type, legacy_record_version, version, length/],
      ['client_hello.record.length:drop', /can be set or flipped, not dropped/],
      ['client_hello.record.legacy_record_version:set=03', /legacy_record_version is a 2-byte field; set takes exactly 4 hex digits/],
      ['client_hello.record.type:flip=8', /type has 8 bits \(0 to 7\)/],
    ];
    for (const [spec, message] of bad) {
      assert.throws(() => parseTamperSpec(spec), (e: unknown) => e instanceof TamperSpecError && message.test(e.message), spec);
    }
  });

  test('a tamper read from untrusted data goes through the same rules', () => {
    assert.deepEqual(readTamper({ target: 'finished.verify_data', op: 'flip', bit: 3 }), { target: 'finished.verify_data', op: 'flip', bit: 3 });
    assert.equal(readTamper({ target: 'finished.verify_data', op: 'flip', bit: '3' }), undefined);
    assert.equal(readTamper({ target: 'server_hello.random', op: 'drop' }), undefined);
    assert.equal(readTamper({ target: 'client_hello.cipher_suites', op: 'set', value: 'xyz' }), undefined);
    assert.equal(readTamper('finished.verify_data:flip=0'), undefined);
    assert.equal(readTamper(undefined), undefined);
  });
});

describe('a tamper applied to a ClientHello', () => {
  test('drop: the extension and its bytes go, and every length around it is recomputed', () => {
    const built = clientHello();
    const { message, change } = tamperMessage(parseTamperSpec('client_hello.extensions.supported_versions:drop'), built);
    const before = parseClientHello(Buffer.from(built.bytes));
    const after = parseClientHello(Buffer.from(message.bytes));
    assert.ok(before.extensions.has(EXT.supported_versions));
    assert.ok(!after.extensions.has(EXT.supported_versions));
    assert.deepEqual([...after.extensions.keys()], [...before.extensions.keys()].filter((k) => k !== EXT.supported_versions));
    // supported_versions for 1.3 and 1.2: type 2 + length 2 + list length 1 + two versions.
    assert.equal(toHex(change.original), '002b00050403040303');
    assert.equal(toHex(change.sent), '');
    assert.equal(message.bytes.length, built.bytes.length - 9);
    const length = (message.bytes[1] << 16) | (message.bytes[2] << 8) | message.bytes[3];
    assert.equal(length, message.bytes.length - 4, 'the handshake header counts the new body');
    assertAnnotationFits(message.bytes, message.field);
    assert.deepEqual(sentExtensionTypes(message), [...after.extensions.keys()]);
  });

  test('set on a vector replaces its content and its length prefix', () => {
    const { message, change } = tamperMessage(parseTamperSpec('client_hello.cipher_suites:set=1301'), clientHello());
    assert.deepEqual(parseClientHello(Buffer.from(message.bytes)).cipherSuites, [0x1301]);
    assert.equal(toHex(change.original), '13011302c02b');
    assert.equal(toHex(change.sent), '1301');
    assertAnnotationFits(message.bytes, message.field);
    const suites = message.field.children!.find((c) => c.name === 'cipher_suites')!;
    assert.deepEqual(suites.children!.map((c) => [c.name, c.value]), [['length', '2 bytes'], ['cipher_suite', '0x1301']]);
  });

  test('set on a fixed field replaces its bytes; names in between may be left out', () => {
    const { message } = tamperMessage(parseTamperSpec('client_hello.extensions.server_name.HostName:set=' + toHex(new TextEncoder().encode('example.org'))), clientHello());
    const sni = parseClientHello(Buffer.from(message.bytes)).extensions.get(EXT.server_name)!;
    assert.equal(sni.subarray(5).toString(), 'example.org');
    assertAnnotationFits(message.bytes, message.field);
    const { message: random } = tamperMessage(parseTamperSpec(`client_hello.random:set=${'ab'.repeat(32)}`), clientHello());
    assert.equal(parseClientHello(Buffer.from(random.bytes)).random.toString('hex'), 'ab'.repeat(32));
  });

  test('flip inverts one bit, counted from the most significant bit of the first byte', () => {
    const built = clientHello();
    const { message, change } = tamperMessage(parseTamperSpec('client_hello.random:flip=9'), built);
    assert.equal(toHex(change.original), '01'.repeat(32));
    assert.equal(toHex(change.sent), '01' + '41' + '01'.repeat(30));
    assert.equal(message.bytes.length, built.bytes.length);
    const differing = [...built.bytes].map((b, i) => b ^ message.bytes[i]).filter((x) => x !== 0);
    assert.deepEqual(differing, [0x40]);
    assert.throws(() => tamperMessage(parseTamperSpec('client_hello.random:flip=256'), built), /random has 256 bits \(0 to 255\)/);
  });

  test('an element picked by index', () => {
    const { message } = tamperMessage(parseTamperSpec('client_hello.cipher_suites.cipher_suite[2]:drop'), clientHello());
    assert.deepEqual(parseClientHello(Buffer.from(message.bytes)).cipherSuites, [0x1301, 0x1302]);
  });

  test('reorder puts the named elements first and keeps the others in their order', () => {
    const built = clientHello();
    const before = [...parseClientHello(Buffer.from(built.bytes)).extensions.keys()];
    const { message } = tamperMessage(parseTamperSpec('client_hello.extensions:reorder=key_share,supported_groups'), built);
    const after = [...parseClientHello(Buffer.from(message.bytes)).extensions.keys()];
    assert.deepEqual(after, [EXT.key_share, EXT.supported_groups, ...before.filter((k) => k !== EXT.key_share && k !== EXT.supported_groups)]);
    assert.equal(message.bytes.length, built.bytes.length);
    assertAnnotationFits(message.bytes, message.field);
    const reversed = tamperMessage(parseTamperSpec('client_hello.extensions:reorder=reverse'), built).message;
    assert.deepEqual([...parseClientHello(Buffer.from(reversed.bytes)).extensions.keys()], [...before].reverse());
    const byIndex = tamperMessage(parseTamperSpec('client_hello.cipher_suites:reorder=2'), built).message;
    assert.deepEqual(parseClientHello(Buffer.from(byIndex.bytes)).cipherSuites, [0xc02b, 0x1301, 0x1302]);
  });

  test('a field the message does not have is named, with what is there', () => {
    assert.throws(
      () => tamperMessage(parseTamperSpec('client_hello.extensions.early_data:drop'), clientHello()),
      (e: unknown) => e instanceof TamperTargetError && /the ClientHello has no field early_data under extensions \(extensions has length, server_name, .*key_share\)/.test(e.message),
    );
    assert.throws(() => tamperMessage(parseTamperSpec('client_hello.extensions:reorder=early_data'), clientHello()), /extensions has no element early_data to put first/);
    assert.throws(() => tamperMessage(parseTamperSpec('client_hello.random:reorder=1'), clientHello()), /random is not a list whose elements can be reordered/);
  });

  test('the Finished verify_data, and a record header field', () => {
    const finished = encodeFinished(fromHex('00'.repeat(32)));
    const { message } = tamperMessage(parseTamperSpec('finished.verify_data:flip=0'), finished);
    assert.equal(toHex(message.bytes), '14000020' + '80' + '00'.repeat(31));
    const record = fromHex('1603010004' + 'aabbccdd');
    const tampered = tamperRecordHeader(parseTamperSpec('client_hello.record.legacy_record_version:set=0300'), record);
    assert.equal(toHex(tampered.wire), '1603000004aabbccdd');
    assert.equal(toHex(tampered.change.original), '0301');
    const flipped = tamperRecordHeader(parseTamperSpec('client_hello.record.type:flip=7'), record);
    assert.equal(toHex(flipped.wire), '1703010004aabbccdd');
  });

  test('a length that no longer fits its prefix is refused, not wrapped', () => {
    const big: Tamper = { target: 'client_hello.legacy_session_id', op: 'set', value: 'ab'.repeat(256) };
    assert.throws(() => tamperMessage(big, clientHello()), /legacy_session_id would be 256 bytes, more than its 1-byte length can say/);
  });
});
