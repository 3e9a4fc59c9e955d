/**
 * The wire codecs' and the certificate parser's failures read in the reader's language: a scripted
 * server sends a truncated ServerHello, an extension with bytes left over, a certificate that does
 * not decode, and the Chinese title of the client's error step is Chinese and names the message,
 * the field and the numbers (lib/tls/diagnostics/wire.ts, x509.ts).
 */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { before, describe, test } from 'node:test';
import { en } from '../../lib/i18n/messages/en';
import { zhCN } from '../../lib/i18n/messages/zh-CN';
import { translator } from '../../lib/i18n/translator';
import { inEnglish, said } from '../../lib/tls/diagnostics';
import { wireSaid } from '../../lib/tls/diagnostics/wire';
import { x509Said } from '../../lib/tls/diagnostics/x509';
import { TlsAlertError } from '../../lib/tls/errors';
import { readMessage, readServerHello } from '../../lib/tls/handshake/messages';
import { Reader } from '../../lib/tls/wire/reader';
import { Writer } from '../../lib/tls/wire/writer';
import { parseCertificate } from '../../lib/tls/x509/parse';
import type { Diagnostic, Step, Trace } from '../../lib/trace/schema';
import { diagnosticWords, stepTitle } from '../../lib/view/stepText';
import type { TestPki } from '../../server/pki';
import { sharedTestPki } from '../helpers/pki';
import { seeded } from '../helpers/seeded';
import { describeTrace, runAgainst, startScriptedServer } from '../helpers/tlsServers';
import { CONTENT, EXTENSION, HANDSHAKE, extension, handshake, readClientHello, record, serverHello, u8, vec24 } from '../tls/wire';

const english = translator('en', en);
const chinese = translator('zh-CN', zhCN);
const HAN = /\p{Script=Han}/u;
/** Words of the English sentences: none may be left in a Chinese title. */
const ENGLISH_WORDS = /\b(?:needs|remain|left over|exceeds|truncated|trailing|malformed|sent by|expected|found|certificate #)\b/;

let pki: TestPki;
before(async () => {
  pki = await sharedTestPki();
});

/** Runs the client against a server that reads the ClientHello, then writes `flight`. */
async function against(flight: Buffer): Promise<Trace> {
  const server = await startScriptedServer(async (socket: Socket) => {
    try {
      await readClientHello(socket);
      socket.write(flight);
    } catch {
      // The client went away first.
    }
  });
  try {
    return await runAgainst(server.port, { versions: ['TLSv1.2'], setup: { caFiles: [pki.root.certPath] }, timeoutMs: 3000 });
  } finally {
    await server.close();
  }
}

/** The client's own error step: the diagnostic it failed with. */
function errorStep(trace: Trace): Step & { data: { alert?: string; diagnostic?: Diagnostic } } {
  const step = trace.steps.find((s) => s.layer === 'verdict' && (s.kind === 'error' || s.kind === 'refusal'));
  assert.ok(step, describeTrace(trace));
  return step as Step & { data: { alert?: string; diagnostic?: Diagnostic } };
}

/** The Chinese title is Chinese, names every value, and leaves no English sentence. */
function assertChinese(step: Step, values: string[]): string {
  const title = stepTitle(step, chinese);
  assert.match(title, HAN, title);
  for (const v of values) assert.ok(title.includes(v), `${title} should name ${v}`);
  assert.doesNotMatch(title, ENGLISH_WORDS, title);
  assert.doesNotMatch(title, /引擎的诊断/, `${title} fell back to the quoted English`);
  return title;
}

const GOOD_EXTENSIONS = [extension(EXTENSION.renegotiation_info, u8(0)), extension(EXTENSION.extended_master_secret, Buffer.alloc(0))];

describe('a malformed server’s bytes, worded in Chinese', () => {
  test('a truncated ServerHello: the field that needed bytes, how many, how many remained', async () => {
    const whole = serverHello({ cipherSuite: 0xc02f, extensions: GOOD_EXTENSIONS }).subarray(4);
    // The message ends 12 bytes into its random: its length says so, the random needs 32.
    const cut = whole.subarray(0, 2 + 12);
    const trace = await against(record(CONTENT.handshake, handshake(HANDSHAKE.server_hello, cut)));
    const step = errorStep(trace);
    assert.equal(step.data.diagnostic?.code, 'wire.short', describeTrace(trace));
    assert.equal(stepTitle(step, english), 'Error: ServerHello.random: needs 32 bytes but only 12 remain');
    const title = assertChinese(step, ['ServerHello', 'random', '32', '12']);
    assert.match(title, /ServerHello 的 random 字段需要 32 字节，但只剩 12 字节/);
  });

  test('an extension with a byte left over: the extension, its field and the count', async () => {
    const flight = serverHello({
      cipherSuite: 0xc02f,
      // RFC 7627 §5.1: extended_master_secret's extension_data is empty; this one carries a byte.
      extensions: [extension(EXTENSION.renegotiation_info, u8(0)), extension(EXTENSION.extended_master_secret, Buffer.from([0]))],
    });
    const trace = await against(record(CONTENT.handshake, flight));
    const step = errorStep(trace);
    assert.equal(step.data.alert, 'decode_error');
    assert.equal(step.data.diagnostic?.code, 'wire.leftOver', describeTrace(trace));
    assert.match(stepTitle(step, english), /ServerHello\.extensions\.extended_master_secret\.extension_data: 1 bytes left over after length/);
    assertChinese(step, ['ServerHello', 'extensions.extended_master_secret.extension_data', 'length', '1']);
  });

  test('an extension the client never offered, of a type nobody registered: its code, and a token in the facts', async () => {
    const flight = serverHello({ cipherSuite: 0xc02f, extensions: [...GOOD_EXTENSIONS, extension(0xfe0d, Buffer.from([1, 2]))] });
    const trace = await against(record(CONTENT.handshake, flight));
    const step = errorStep(trace) as Step & { data: { alert?: string; diagnostic?: Diagnostic; facts?: Record<string, unknown> } };
    assert.equal(step.data.alert, 'unsupported_extension', describeTrace(trace));
    assert.equal(step.data.facts?.extension, 'unknown_65037');
    assert.match(stepTitle(step, english), /the server sent unknown extension 65037 in its ServerHello, an extension the client never offered/);
    const title = assertChinese(step, ['ServerHello', '65037']);
    assert.match(title, /服务器在 ServerHello 中发送了扩展 65037（未知类型），而客户端从未提供它/);
  });

  test('a certificate that does not decode: its place in the list, the DER path and the fault', async () => {
    const good = serverHello({ cipherSuite: 0xc02f, extensions: GOOD_EXTENSIONS });
    // A SET where the Certificate SEQUENCE belongs, otherwise the real leaf.
    const leaf = Buffer.from(pki.leaves.rsa2048.certDer);
    leaf[0] = 0x31;
    const certificate = handshake(HANDSHAKE.certificate, vec24(vec24(leaf), vec24(Buffer.from(pki.intermediate.certDer))));
    const trace = await against(Buffer.concat([record(CONTENT.handshake, good), record(CONTENT.handshake, certificate)]));
    const step = errorStep(trace);
    assert.equal(step.data.alert, 'bad_certificate', describeTrace(trace));
    assert.equal(step.data.diagnostic?.code, 'x509.sent');
    assert.equal(stepTitle(step, english), 'Error: certificate #0 sent by the server: malformed certificate DER at Certificate (byte 0): expected SEQUENCE but found SET');
    assertChinese(step, ['#0', 'Certificate', 'SEQUENCE', 'SET', '0']);
  });
});

describe('the Reader’s diagnostics', () => {
  /** The diagnostic `read` fails with. */
  function failure(read: () => unknown) {
    try {
      read();
    } catch (err) {
      assert.ok(err instanceof TlsAlertError && err.diagnostic, String(err));
      return err;
    }
    assert.fail('expected a decode failure');
  }

  test('name the message and the field as values, in English and in Chinese', () => {
    const bytes = Uint8Array.of(0, 4, 1, 2, 3, 4, 9, 9);
    const cases = [
      { read: (r: Reader) => r.vector('extensions', 2, (v) => v.u16('extension_type')), en: 'Finished.extensions: 2 bytes left over after length', zh: 'Finished 的 extensions 字段在 length 所示的长度内多出 2 字节' },
      { read: (r: Reader) => r.opaque('verify_data', 2, undefined, 12), en: 'Finished.verify_data: length 4 is below the minimum of 12', zh: 'Finished 的 verify_data 字段的长度 4 小于下限 12' },
      { read: (r: Reader) => r.opaque('verify_data', 2, undefined, 1, 3), en: 'Finished.verify_data: length 4 outside 1..3', zh: 'Finished 的 verify_data 字段的长度 4 不在 1..3 范围内' },
      { read: (r: Reader) => r.u24('length') && r.opaque('data', 3), en: 'Finished.data.length: length 131844 exceeds the 2 bytes that remain', zh: 'Finished 的 data.length 字段给出的长度 131844 超过了剩余的 2 字节' },
      { read: (r: Reader) => (r.bytes('verify_data', 6), r.end()), en: 'Finished: 2 unexpected trailing bytes', zh: 'Finished 消息末尾多出 2 字节' },
      { read: (r: Reader) => r.bytes('verify_data', 12), en: 'Finished.verify_data: needs 12 bytes but only 8 remain', zh: 'Finished 的 verify_data 字段需要 12 字节，但只剩 8 字节' },
    ];
    for (const c of cases) {
      const err = failure(() => c.read(new Reader(bytes, 'Finished')));
      assert.equal(err.alert, 'decode_error');
      assert.equal(err.message, c.en);
      assert.equal(diagnosticWords(err.diagnostic!, chinese), c.zh);
    }
  });

  test('the Writer: a value of ours too large for its field is internal_error, named by its path', () => {
    const vector = failure(() => new Writer('ClientHello').vector('extensions', 1, (w) => w.bytes('data', new Uint8Array(300))));
    assert.equal(vector.alert, 'internal_error');
    assert.equal(vector.message, 'ClientHello.extensions.length: 300 bytes do not fit 1 bytes');
    assert.equal(diagnosticWords(vector.diagnostic!, chinese), 'ClientHello.extensions.length：300 字节无法用 1 字节的长度表示');
    const value = failure(() => new Writer('KeyUpdate').u8('request_update', 256));
    assert.equal(value.message, 'KeyUpdate.request_update: 256 does not fit in 1 bytes');
    assert.equal(diagnosticWords(value.diagnostic!, chinese), 'KeyUpdate.request_update 的值 256 无法用 1 字节表示');
  });

  test('a peek past the end is "truncated", at the open node', () => {
    const err = failure(() => new Reader(Uint8Array.of(0, 1, 7), 'EncryptedExtensions').vector('extensions', 2, (r) => r.peekU16()));
    assert.equal(err.message, 'EncryptedExtensions.extensions: truncated');
    assert.equal(diagnosticWords(err.diagnostic!, chinese), 'EncryptedExtensions 的 extensions 字段被截断');
  });
});

describe('a certificate that does not decode', () => {
  test('says where, as a DER path and byte, and what is wrong, in Chinese', () => {
    const der = Uint8Array.from(pki.leaves.rsa2048.certDer);
    der[1] = 0x80; // an indefinite length: BER, not DER
    const err = (() => {
      try {
        parseCertificate(der);
      } catch (e) {
        return e as TlsAlertError;
      }
      assert.fail('parsed');
    })();
    assert.equal(err.alert, 'bad_certificate');
    assert.equal(err.message, 'malformed certificate DER at Certificate (byte 0): indefinite length is BER, not DER (X.690 §10.1)');
    const zh = diagnosticWords(err.diagnostic!, chinese)!;
    assert.equal(zh, '证书的 DER 编码在 Certificate（第 0 字节）处有误：不定长编码属于 BER，不是 DER（X.690 §10.1）');
  });

  test('every sentence of the wire and x509 tables has Chinese words, not a copy of the English', () => {
    const copied: string[] = [];
    for (const [part, table] of [['wire', wireSaid], ['x509', x509Said]] as const) {
      for (const key of Object.keys(table)) {
        const zh = (zhCN.engine[part] as Record<string, string>)[key];
        if (!HAN.test(zh) && !/^\{\w+\}(?:\.\{\w+\})?$/.test(zh)) copied.push(`${part}.${key}: ${zh}`);
      }
    }
    assert.deepEqual(copied, []);
    // A nested value is worded in turn: an unknown extension inside the unsolicited-extension sentence.
    const d = said('wire.unsolicited', { extension: said('wire.unknownExtension', { code: 4660 }), message: 'EncryptedExtensions' });
    assert.equal(diagnosticWords(d, chinese), '服务器在 EncryptedExtensions 中发送了扩展 4660（未知类型），而客户端从未提供它');
  });
});


/**
 * Seeded mutations of real bytes (a TLS 1.3 ServerHello with its extensions, each test leaf
 * certificate): whatever the parsers refuse, they refuse with a diagnostic that reads in Chinese
 * and says in English exactly what the error's message says. A failure prints its seed and bytes.
 */
describe('mutated messages and certificates', () => {
  const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 300);

  /** The failure of `parse` on `bytes`, checked; undefined when the bytes parse. */
  function refusedInWords(parse: () => unknown, context: string): string | undefined {
    try {
      parse();
      return undefined;
    } catch (err) {
      assert.ok(err instanceof TlsAlertError, `${context}: ${String(err)}`);
      assert.ok(err.diagnostic, `${context}: "${err.message}" is not a diagnostic`);
      assert.equal(inEnglish(err.diagnostic), err.message, context);
      const zh = diagnosticWords(err.diagnostic, chinese);
      assert.ok(zh && HAN.test(zh), `${context}: ${err.diagnostic.code} has no Chinese words (${zh})`);
      return err.diagnostic.code;
    }
  }

  function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
    const out = Uint8Array.from(bytes);
    const at = Math.floor(random() * out.length);
    const kind = random();
    if (kind < 0.6) out[at] ^= 1 << Math.floor(random() * 8);
    else if (kind < 0.8) out[at] = Math.floor(random() * 256);
    else return out.subarray(0, at);
    return out;
  }

  test('a ServerHello: every refusal is worded', () => {
    const keyShare = extension(EXTENSION.key_share, Buffer.concat([Buffer.from([0, 0x1d, 0, 32]), Buffer.alloc(32, 7)]));
    const versions = extension(EXTENSION.supported_versions, Buffer.from([3, 4]));
    const hello = serverHello({ cipherSuite: 0x1301, sessionId: Buffer.alloc(32, 1), extensions: [keyShare, versions] });
    assert.equal(refusedInWords(() => readMessage(hello, (r) => readServerHello(r)), 'the control'), undefined);
    const codes = new Set<string>();
    const random = seeded(1301);
    for (let i = 0; i < ROUNDS; i++) {
      const bytes = mutate(hello, random);
      const code = refusedInWords(() => readMessage(bytes, (r) => readServerHello(r)), `round ${i} (seed 1301): ${Buffer.from(bytes).toString('hex')}`);
      if (code) codes.add(code);
    }
    // The mutations reach the Reader's length checks and the extension rules, not one sentence only.
    assert.ok(codes.size >= 4, [...codes].join(', '));
  });

  test('certificates: every refusal is worded', () => {
    const codes = new Set<string>();
    const random = seeded(5280);
    for (const [name, leaf] of Object.entries(pki.leaves)) {
      for (let i = 0; i < ROUNDS / 3; i++) {
        const der = mutate(leaf.certDer, random);
        const code = refusedInWords(() => parseCertificate(der), `${name}, round ${i} (seed 5280): ${Buffer.from(der).toString('hex')}`);
        if (code) codes.add(code);
      }
    }
    assert.ok(codes.has('x509.der') || codes.has('x509.derAt'), [...codes].join(', '));
  });
});
