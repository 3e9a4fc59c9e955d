/**
 * A field value that is a phrase rather than a protocol token — a size, an RSA-PSS parameter set, the
 * part of a message one record carries — is data the codec records (Field.words), and the hex view and
 * `--fields` word it in the reader's language (lib/view/fieldText.ts fieldValue). Read from real
 * certificates made by openssl and from real message bytes: in English the words are the codec's own
 * value; in Chinese they carry no English word besides protocol tokens and the numbers.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { en } from '../../lib/i18n/messages/en';
import { zhCN } from '../../lib/i18n/messages/zh-CN';
import { translator } from '../../lib/i18n/translator';
import { handshakeSegments } from '../../lib/tls/client/connection';
import { readMessage, readNewSessionTicket } from '../../lib/tls/handshake/messages';
import { fromHex } from '../../lib/tls/wire/bytes';
import type { Field } from '../../lib/tls/wire/field';
import { parseCertificate } from '../../lib/tls/x509/parse';
import type { ValueWords } from '../../lib/trace/schema';
import { fieldValue, fieldsOf } from '../../lib/view/fieldText';
import { CA_EXTENSIONS, type Made, make } from '../x509/openssl';

const english = translator('en', en);
const chinese = translator('zh-CN', zhCN);

/** What may stay Latin in a Chinese value: protocol and algorithm tokens, field and type names. */
const TOKENS = /\b(?:sha\d+|MGF1|RSA|ECDSA|DER|SCT|NULL|x400Address|ediPartyName|r|s)\b/g;

function worded(root: Field): Map<ValueWords['say'], Field> {
  const out = new Map<ValueWords['say'], Field>();
  for (const [field] of fieldsOf(root)) if (field.words && !out.has(field.words.say)) out.set(field.words.say, field);
  return out;
}

/**
 * The English words read as the codec's value (digit grouping aside, and a plural where the codec
 * wrote "(s)"); the Chinese are Chinese.
 */
function assertWordedInBoth(field: Field): void {
  const words = field.words!;
  const say = words.say;
  const codec = field.value!.replace('(s)', 'n' in words && words.n === 1 ? '' : 's');
  assert.equal(fieldValue(field, english)!.replace(/(\d),(\d)/g, '$1$2'), codec, `${say} in English`);
  const zh = fieldValue(field, chinese)!;
  assert.match(zh, /\p{Script=Han}/u, `${say} in Chinese: ${zh}`);
  assert.doesNotMatch(zh.replace(TOKENS, ''), /[A-Za-z]{2,}/, `${say} in Chinese has an English word: ${zh}`);
  for (const n of zh.match(/\d+/g) ?? []) assert.ok(field.value!.includes(n), `${say}: ${n} comes from the value ${field.value}`);
}

let dir: string;
let pssLeaf: Made;
let ecLeaf: Made;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tlspg-field-values-'));
  const root = make(dir, { name: 'root', subjectCN: 'Field Words Root', keyType: 'rsa2048', extensions: CA_EXTENSIONS });
  // An RSA key whose public exponent (2^64 + 1) is too large to show as a number.
  const bigExponentKey = join(dir, 'big-exponent.key');
  execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-pkeyopt', 'rsa_keygen_pubexp:18446744073709551617', '-out', bigExponentKey], { stdio: 'ignore' });
  pssLeaf = make(dir, {
    name: 'leaf-pss',
    subjectCN: 'localhost',
    keyPath: bigExponentKey,
    issuer: root,
    extensions: [
      'basicConstraints = critical,CA:FALSE',
      'subjectAltName = DNS:localhost',
      // An authorityKeyIdentifier with the issuer's name and serial but no keyIdentifier.
      'authorityKeyIdentifier = issuer:always',
      // A signed certificate timestamp list (RFC 6962 §3.3) holding one empty SCT.
      '1.3.6.1.4.1.11129.2.4.2 = DER:04:04:00:02:00:00',
      // An extension this client does not decode.
      '1.3.6.1.4.1.55555.1 = DER:05:00',
    ],
    sigopts: ['rsa_padding_mode:pss', 'rsa_pss_saltlen:digest', 'rsa_mgf1_md:sha256'],
  });
  ecLeaf = make(dir, { name: 'leaf-ec', subjectCN: 'localhost', keyType: 'p256', extensions: ['basicConstraints = critical,CA:FALSE', 'subjectAltName = DNS:localhost'] });
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('values the codecs record as data are worded in both languages', () => {
  test('an RSA-PSS-signed certificate: the PSS parameters, MGF1, the key, a large exponent, extension summaries', () => {
    const fields = worded(parseCertificate(pssLeaf.certDer).field);
    for (const say of ['rsa-pss-params', 'mgf1', 'rsa-key-bits', 'modulus-bits', 'extensions', 'scts', 'no-key-identifier', 'bytes', 'signed-bytes', 'der-bytes'] as const) {
      assert.ok(fields.has(say), `the certificate has a field worded as ${say}`);
      assertWordedInBoth(fields.get(say)!);
    }
    const params = fields.get('rsa-pss-params')!;
    assert.equal(params.value, 'sha256, MGF1 sha256, salt 32 bytes');
    assert.equal(fieldValue(params, chinese), 'sha256，MGF1 sha256，盐长 32 字节');
    assert.equal(fieldValue(fields.get('rsa-key-bits')!, chinese), 'RSA 1024 位');
    assert.equal(fieldValue(fields.get('scts')!, english), '1 signed certificate timestamp');
    assert.equal(fieldValue(fields.get('scts')!, chinese), '1 个签名证书时间戳（SCT）');
    assert.equal(fieldValue(fields.get('no-key-identifier')!, chinese), '（无密钥标识符）');
  });

  test('a public exponent too large for a number is shown by its size; the unknown extension by its size', () => {
    const root = parseCertificate(pssLeaf.certDer).field;
    const all = [...fieldsOf(root)].map(([f]) => f);
    const exponent = all.find((f) => f.name === 'publicExponent')!;
    assert.deepEqual(exponent.words, { say: 'bytes', n: 9 });
    assert.equal(fieldValue(exponent, english), '9 bytes');
    assert.equal(fieldValue(exponent, chinese), '9 字节');
    const unknown = all.find((f) => f.name === '1.3.6.1.4.1.55555.1')!;
    assert.deepEqual(unknown.words, { say: 'bytes', n: 2 });
    assert.equal(fieldValue(unknown, chinese), '2 字节');
  });

  test('an ECDSA certificate: the point and the signature', () => {
    const fields = worded(parseCertificate(ecLeaf.certDer).field);
    for (const say of ['ec-point', 'ecdsa-signature'] as const) assertWordedInBoth(fields.get(say)!);
    assert.equal(fieldValue(fields.get('ec-point')!, english), 'uncompressed point (65 bytes)');
    assert.equal(fieldValue(fields.get('ec-point')!, chinese), '未压缩的点（65 字节）');
    assert.equal(fieldValue(fields.get('ecdsa-signature')!, chinese), 'ECDSA 签名（r, s）');
  });

  test('a handshake message longer than its record: the part this record carries', () => {
    // A Certificate message of 4 + 96 bytes whose first 10 bytes are in this record.
    const [part] = handshakeSegments(fromHex('0b000060' + '00'.repeat(6)), 0);
    assert.deepEqual(part.words, { say: 'bytes-of', n: 10, total: 100 });
    assertWordedInBoth(part);
    assert.equal(fieldValue(part, english), '10 of 100 bytes');
    assert.equal(fieldValue(part, chinese), '100 字节中的 10 字节');
  });

  test('a NewSessionTicket: the lifetime in seconds and the empty nonce', () => {
    // ticket_lifetime 7200, ticket_age_add 1, ticket_nonce empty, ticket aabb, no extensions.
    const { field } = readMessage(fromHex('0400000f' + '00001c20' + '00000001' + '00' + '0002aabb' + '0000'), (r) => readNewSessionTicket(r, true));
    const fields = worded(field);
    assertWordedInBoth(fields.get('seconds')!);
    assert.equal(fieldValue(fields.get('seconds')!, chinese), '7200 秒');
    assert.equal(fieldValue(fields.get('empty')!, chinese), '空');
  });

  test('plain values stay as decoded, in both languages', () => {
    const all = [...fieldsOf(parseCertificate(ecLeaf.certDer).field)].map(([f]) => f);
    const curve = all.find((f) => f.name === 'namedCurve')!;
    assert.equal(curve.words, undefined);
    assert.equal(fieldValue(curve, chinese), curve.value);
  });
});
