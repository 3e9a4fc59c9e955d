/**
 * The errors a person causes with their own input read in the reader's language: a tamper SPEC that
 * does not parse, a tamper the flight cannot take, a request the run refuses, and a file that is not
 * a trace. Each carries its sentence as data (a code and its values); English reads exactly as the
 * engine writes it, and Chinese is worded from the catalog with the same values, no English left.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { en } from '../../lib/i18n/messages/en';
import { zhCN } from '../../lib/i18n/messages/zh-CN';
import { translator } from '../../lib/i18n/translator';
import { parseTamperSpec, TamperSpecError } from '../../lib/tls/tamper/spec';
import { TamperTargetError, tamperMessage } from '../../lib/tls/tamper/apply';
import { encodeClientHello } from '../../lib/tls/handshake/messages';
import { clientHelloExtensionList } from '../../lib/tls/handshake/extensions';
import { checkTarget, readTamperSpec, runInputWords } from '../../lib/view/runOptions';
import { buildClientOptions, parseTarget, RunInputError, runTls, type RunRequest } from '../../lib/run/run';
import { engineWords, outcomeSentence, stepTitle } from '../../lib/view/stepText';
import { traceFileWords } from '../../lib/view/traceFile';
import { parseTraceJson, traceToJson } from '../../lib/export/json';
import { TraceFormatError } from '../../lib/trace/validate';
import { traceFileSaid } from '../../lib/trace/problems';
import { sharedTestPki } from '../helpers/pki';
import { runAgainst, startOpensslServer, type OpensslServer } from '../helpers/tlsServers';
import type { TestPki } from '../../server/pki';

const english = translator('en', en);
const chinese = translator('zh-CN', zhCN);
const HAN = /\p{Script=Han}/u;

/** Runs of three or more Latin words, once quoted values (“…”) and JSON shapes are set aside: an English phrase. */
function englishSentences(text: string): string[] {
  const rest = text.replace(/“[^”]*”/g, ' ').replace(/\[seq, part, start, end\]/g, ' ');
  return rest.match(/\b[A-Za-z][a-z']+(?:[ ,]+[A-Za-z][a-z']+){2,}\b/g) ?? [];
}

/** Chinese, naming every value, with no English outside the values (a list of names is a value). */
function assertChinese(text: string, values: (string | number)[], where: string): void {
  assert.match(text, HAN, `${where}: ${text}`);
  let rest = text;
  for (const value of [...values].sort((a, b) => String(b).length - String(a).length)) {
    assert.ok(text.includes(String(value)), `${where} names ${value}: ${text}`);
    rest = rest.split(String(value)).join(' ');
  }
  assert.deepEqual(englishSentences(rest), [], `${where}: ${text}`);
}

describe('a tamper SPEC that does not parse', () => {
  // Each kind of mistake, with the values its sentence must name.
  const bad: [spec: string, english: string, values: string[]][] = [
    ['', 'the tamper spec is empty (expected TARGET:OP, e.g. finished.verify_data:flip=0)', ['TARGET:OP']],
    ['x'.repeat(2049), 'the tamper spec is longer than 2048 characters', ['2048']],
    ['finished.verify_data', '"finished.verify_data" has no operation (expected TARGET:OP, e.g. finished.verify_data:flip=0; OP is set=HEX, flip=N, drop or reorder=A,B)', ['finished.verify_data:flip=0']],
    ['server_hello.random:flip=0', 'the target "server_hello.random" must start with the client message to change: client_hello, certificate, certificate_verify, client_key_exchange, finished', ['server_hello.random', 'client_key_exchange']],
    ['finished.verify_data:flip', '"finished.verify_data:flip": flip needs a bit number (flip=N, bit 0 is the first byte’s most significant bit)', ['finished.verify_data:flip']],
    ['client_hello.cipher_suites:set=130', '"client_hello.cipher_suites:set=130": set takes hex bytes (an even number of hex digits, e.g. set=1301), not "130"', ['client_hello.cipher_suites:set=130']],
    ['client_hello.cipher_suites:set', '"client_hello.cipher_suites:set": set needs a value (set=HEX, e.g. set=1301)', ['set=HEX']],
    ['client_hello.extensions.key_share:drop=1', '"client_hello.extensions.key_share:drop=1": drop takes no value', ['client_hello.extensions.key_share:drop=1']],
    ['client_hello:drop', '"client_hello:drop": the whole message cannot be dropped; name a field of it', ['client_hello:drop']],
    ['client_hello.extensions:reorder=', '"client_hello.extensions:reorder=": reorder needs the elements to put first (reorder=key_share,server_name, reorder=2,0 or reorder=reverse)', ['reorder=reverse']],
    ['client_hello.extensions:reorder=a-b', '"client_hello.extensions:reorder=a-b": "a-b" is neither a field name nor an index', ['a-b']],
    ['client_hello.extensions:shuffle', '"client_hello.extensions:shuffle": unknown operation "shuffle" (set=HEX, flip=N, drop or reorder=A,B)', ['shuffle']],
    ['client_hello.ext-ensions:drop', '"client_hello.ext-ensions": "ext-ensions" is not a field name (letters, digits and _, optionally [index])', ['ext-ensions']],
    ['client_hello.record.flags:flip=0', '"client_hello.record.flags": a record header field is one of type, opaque_type, legacy_record_version, version, length (e.g. client_hello.record.legacy_record_version)', ['client_hello.record.flags', 'opaque_type']],
    ['client_hello.record.length:drop', '"client_hello.record.length:drop": a record header field can be set or flipped, not dropped', ['client_hello.record.length:drop']],
    ['client_hello.record.length:reorder=1', '"client_hello.record.length:reorder=1": a record header field can be set or flipped, not reordered', ['client_hello.record.length:reorder=1']],
    ['client_hello.record.legacy_record_version:set=03', '"client_hello.record.legacy_record_version:set=03": legacy_record_version is a 2-byte field; set takes exactly 4 hex digits', ['legacy_record_version', '2', '4']],
    ['client_hello.record.type:flip=8', '"client_hello.record.type:flip=8": type has 8 bits (0 to 7)', ['type', '8', '7']],
  ];

  it('reads in English as the engine writes it, and the form says the same', () => {
    for (const [spec, sentence] of bad) {
      assert.throws(() => parseTamperSpec(spec), (e: unknown) => e instanceof TamperSpecError && e.message === sentence, spec.slice(0, 80));
      // The form: an empty SPEC is no tamper, not a mistake.
      if (spec === '') continue;
      assert.equal(readTamperSpec(spec, english).problem, sentence);
      assert.equal(readTamperSpec(spec).problem, sentence, 'English without a translator');
    }
  });

  it('reads in Chinese, naming the SPEC and its values', () => {
    const codes = new Set<string>();
    for (const [spec, , values] of bad) {
      const error = (() => {
        try {
          parseTamperSpec(spec);
        } catch (e) {
          return e as TamperSpecError;
        }
        assert.fail(`${spec} parsed`);
      })();
      codes.add(JSON.stringify([error.diagnostic.code, (error.diagnostic.params?.why as { code?: string } | undefined)?.code]));
      const zh = engineWords(error, chinese);
      if (spec !== '') assert.equal(readTamperSpec(spec, chinese).problem, zh);
      assertChinese(zh, values, spec.slice(0, 80));
      assert.notEqual(zh, error.message);
    }
    assert.equal(codes.size, bad.length, 'each case is a sentence of its own');
  });
});

describe('a tamper the flight cannot take', () => {
  /** A real ClientHello as this client builds it (the extensions of a TLS 1.3 + 1.2 offer). */
  const hello = () =>
    encodeClientHello({
      random: new Uint8Array(32).fill(1),
      legacySessionId: new Uint8Array(32).fill(2),
      cipherSuites: ['TLS_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
      extensions: clientHelloExtensionList({
        serverName: 'example.com',
        versions: ['TLSv1.3', 'TLSv1.2'],
        groups: ['x25519'],
        keyShares: [{ group: 'x25519', publicKey: new Uint8Array(32).fill(7) }],
        signatureSchemes: ['ecdsa_secp256r1_sha256'],
        alpn: ['http/1.1'],
        postHandshakeAuth: false,
        renegotiationInfo: new Uint8Array(0),
        extendedMasterSecret: true,
        encryptThenMac: true,
        sessionTicket: true,
      }),
    });

  function targetError(spec: string): TamperTargetError {
    try {
      tamperMessage(parseTamperSpec(spec), hello());
    } catch (e) {
      if (e instanceof TamperTargetError) return e;
      throw e;
    }
    assert.fail(`${spec} applied`);
  }

  it('names the field in both languages', () => {
    const cases: [spec: string, english: RegExp, values: string[]][] = [
      ['client_hello.extensions.early_data:drop', /^the ClientHello has no field early_data under extensions \(extensions has length, server_name, /, ['ClientHello', 'early_data', 'extensions', 'server_name']],
      ['client_hello.extensions:reorder=early_data', /^extensions has no element early_data to put first \(extensions has /, ['extensions', 'early_data']],
      ['client_hello.extensions:reorder=40', /^extensions has no element 40 to put first \(extensions has .*; \d+ elements\)$/, ['extensions', '40']],
      ['client_hello.random:reorder=1', /^random is not a list whose elements can be reordered$/, ['random']],
      ['client_hello.random:flip=256', /^random has 256 bits \(0 to 255\); bit 256 is not one of them$/, ['random', '256', '255']],
      [`client_hello.legacy_session_id:set=${'ab'.repeat(256)}`, /^after the change legacy_session_id would be 256 bytes, more than its 1-byte length can say$/, ['legacy_session_id', '256', '1']],
    ];
    for (const [spec, sentence, values] of cases) {
      const error = targetError(spec);
      assert.match(error.message, sentence, spec);
      assert.equal(engineWords(error, english), error.message);
      assertChinese(engineWords(error, chinese), values, spec);
    }
  });
});

describe('tamper and request errors in a real run', () => {
  let pki: TestPki;
  let server: OpensslServer;
  before(async () => {
    pki = await sharedTestPki();
    const leaf = pki.leaves.p256;
    server = await startOpensslServer(['-tls1_3', '-www', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath]);
  });
  after(async () => {
    await server?.close();
  });

  const run = (spec: Parameters<typeof runAgainst>[1]) => runAgainst(server.port, { ...spec, setup: { caFiles: [pki.root.certPath] } });

  it('a field the ClientHello does not have: the error step and the outcome read in Chinese', async () => {
    const trace = await run({ tamper: { target: 'client_hello.extensions.early_data', op: 'drop' } });
    const error = trace.steps.find((s) => s.kind === 'error')!;
    assert.ok(error && error.kind === 'error' && error.data.diagnostic, 'the error step keeps the diagnostic');
    assert.match(stepTitle(error), /^Invalid input: tamper: the ClientHello has no field early_data under extensions \(extensions has /);
    assertChinese(stepTitle(error, chinese), ['ClientHello', 'early_data', 'extensions'], 'the error step');
    assert.equal(trace.outcomeCause.cause, 'client-error');
    assertChinese(outcomeSentence(trace.outcomeCause, chinese), ['early_data'], 'the outcome');
    assert.match(outcomeSentence(trace.outcomeCause, english), /tamper: the ClientHello has no field early_data/);
  });

  it('a request whose tamper does not parse is refused as input, in Chinese too', async () => {
    const trace = await run({ tamper: { target: 'server_hello.random', op: 'drop' } });
    assert.equal(trace.outcomeCause.cause, 'input');
    const english = 'tamper: the target "server_hello.random" must start with the client message to change: client_hello, certificate, certificate_verify, client_key_exchange, finished';
    assert.equal(trace.outcomeCause.cause === 'input' ? trace.outcomeCause.message : '', english);
    assert.equal(outcomeSentence(trace.outcomeCause), english);
    assertChinese(outcomeSentence(trace.outcomeCause, chinese), ['server_hello.random'], 'the outcome');
    const error = trace.steps.find((s) => s.kind === 'error')!;
    assertChinese(stepTitle(error, chinese), ['server_hello.random'], 'the error step');
    // Saved and opened again, the run still reads in Chinese: the diagnostic is part of the trace.
    const opened = parseTraceJson(traceToJson(trace));
    assertChinese(outcomeSentence(opened.outcomeCause, chinese), ['server_hello.random'], 'the opened run');
  });
});

describe('a request the run refuses', () => {
  const refused = (request: Partial<RunRequest>): RunInputError => {
    try {
      const full = { url: 'https://example.com/', ...request };
      buildClientOptions(full, parseTarget(full.url, full.connect));
    } catch (e) {
      if (e instanceof RunInputError) return e;
      throw e;
    }
    assert.fail(`${JSON.stringify(request)} was accepted`);
  };

  it('names the unknown names and the valid ones, in English as before and in Chinese', () => {
    const cases: [request: Partial<RunRequest>, english: string, values: string[]][] = [
      [{ versions: ['TLSv1.4' as never] }, 'unknown TLS version "TLSv1.4"; valid: TLSv1.3, TLSv1.2', ['"TLSv1.4"', 'TLSv1.3, TLSv1.2']],
      [{ cipherSuites: ['TLS_FOO', 'TLS_BAR'] }, 'unknown cipher suite "TLS_FOO", "TLS_BAR"; valid: ', ['"TLS_FOO", "TLS_BAR"']],
      [{ groups: ['x448'] }, 'unknown group "x448"; valid: ', ['"x448"']],
      [{ signatureSchemes: ['rsa_md5'] }, 'unknown signature scheme "rsa_md5"; valid: ', ['"rsa_md5"']],
      [{ tls12Off: ['heartbeat' as never] }, 'unknown TLS 1.2 extension "heartbeat"; valid: extended_master_secret, ', ['"heartbeat"']],
      [{ resume: true, pskModes: ['psk_nope' as never] }, 'unknown PSK key exchange mode "psk_nope"; valid: psk_dhe_ke, psk_ke', ['"psk_nope"', 'psk_dhe_ke, psk_ke']],
      [{ personality: 'netscape' }, 'unknown client personality "netscape"; valid: ', ['netscape', 'rustls']],
      [{ connect: 'a:b:c' }, '--connect "a:b:c" must be HOST or HOST:PORT', ['--connect', 'a:b:c', 'HOST:PORT']],
      [{ connect: 'localhost:70000' }, '--connect port 70000 is out of range', ['--connect', '70000']],
    ];
    for (const [request, sentence, values] of cases) {
      const error = refused(request);
      assert.ok(error.message.startsWith(sentence), `${error.message} starts with ${sentence}`);
      assert.ok(error.diagnostic, sentence);
      assert.equal(runInputWords(error, english), error.message);
      const named = Object.values(error.diagnostic.params ?? {}).map(String);
      assertChinese(runInputWords(error, chinese), [...values, ...named], sentence);
    }
  });

  it('words a URL that does not read as one as the form does', () => {
    const error = refused({ url: 'htps//example.com/' });
    assert.equal(error.message, '"htps//example.com/" is a malformed URL: it has "//" without a scheme before it (a misspelled https://?) (expected https://host[:port]/path)');
    assert.equal(runInputWords(error, english), error.message);
    const form = checkTarget('htps//example.com/', chinese);
    assert.ok(!form.ok);
    assert.equal(runInputWords(error, chinese), form.message);
    assertChinese(form.message, ['htps//example.com/'], 'the URL');
  });

  it('a run with an unknown name ends as input, its outcome in Chinese', async () => {
    const trace = await runTls({ url: 'https://example.com/', cipherSuites: ['TLS_FOO'] }, { transport: undefined as never, crypto: { name: 'none' } as never, verifyCertificates: undefined as never });
    assert.equal(trace.outcomeCause.cause, 'input');
    assert.match(outcomeSentence(trace.outcomeCause), /^unknown cipher suite "TLS_FOO"; valid: /);
    const named = trace.outcomeCause.cause === 'input' ? Object.values(trace.outcomeCause.diagnostic?.params ?? {}).map(String) : [];
    assert.equal(named.length, 2, 'the outcome keeps the names as data');
    assertChinese(outcomeSentence(trace.outcomeCause, chinese), ['"TLS_FOO"', ...named], 'the outcome');
  });
});

describe('a file that is not a trace', () => {
  const valid = (): Record<string, unknown> => ({
    schema: 'tls-playground/trace',
    schemaVersion: 2,
    engine: { name: 'tls-playground', version: '1', crypto: 'noble' },
    startedAt: '2026-01-01T00:00:00.000Z',
    options: { url: 'https://example.com/' },
    outcome: 'ok',
    outcomeCause: { cause: 'http', status: 200, reason: 'OK' },
    alerts: [],
    timings: { totalMs: 1 },
    keyLog: [],
    steps: [],
  });
  const step = { seq: 0, timeMs: 0, direction: 'local', layer: 'verdict', kind: 'error', data: {} };
  const problems: [what: string, text: string, english: string, values: string[]][] = [
    ['not JSON', '{"schema": ', 'This is not valid JSON (', ['JSON']],
    ['not an object', '[1, 2]', 'A trace is a JSON object; this is not an object.', ['JSON']],
    ['another schema', JSON.stringify({ ...valid(), schema: 'something-else' }), 'This is not a TLS Playground trace: "schema" is "something-else", expected "tls-playground/trace".', ['"something-else"', 'tls-playground/trace']],
    ['no schema', JSON.stringify({ ...valid(), schema: undefined }), 'This is not a TLS Playground trace: "schema" is missing, expected "tls-playground/trace".', ['tls-playground/trace']],
    ['a newer version', JSON.stringify({ ...valid(), schemaVersion: 99 }), 'The trace has schema version 99; this code reads versions up to ', ['99']],
    ['an unknown outcome', JSON.stringify({ ...valid(), outcome: 'great' }), 'The trace\'s "outcome" must be one of ok, alert, reset, closed, timeout, error.', ['ok, alert, reset, closed, timeout, error']],
    ['a step without seq', JSON.stringify({ ...valid(), steps: [{ ...step, seq: 'x' }] }), 'steps[0].seq must be a number.', ['steps[0].seq']],
    ['a step of no known kind', JSON.stringify({ ...valid(), steps: [{ ...step, kind: 'magic' }] }), 'steps[0].kind must be one of transport, record, ', ['steps[0].kind', 'handshake']],
    ['bad bytes', JSON.stringify({ ...valid(), steps: [{ ...step, bytes: { hex: 'abc' } }] }), 'steps[0].bytes.hex is not an even-length hex string.', ['steps[0].bytes.hex']],
    ['a broken first connection', JSON.stringify({ ...valid(), firstConnection: { ...valid(), keyLog: 'x' } }), '"firstConnection": The trace\'s "keyLog" must be an array of NSS key log lines (strings).', ['firstConnection', 'keyLog', 'NSS']],
    ['a byte reference to nothing', JSON.stringify({ ...valid(), byteRefs: 1, steps: [{ ...step, bytes: { hexFrom: [[7, 'bytes', 0, 1]] } }] }), 'steps[0].bytes.hexFrom refers to step 7\'s bytes, which does not come before it.', ['steps[0].bytes.hexFrom', '7']],
    ['byte references of another version', JSON.stringify({ ...valid(), byteRefs: 2 }), 'The trace uses byte references of version 2; this code reads version 1.', ['2', '1']],
  ];

  it('says what is wrong in English as before, and the same in Chinese', () => {
    for (const [what, text, sentence, values] of problems) {
      const error = (() => {
        try {
          parseTraceJson(text);
        } catch (e) {
          return e;
        }
        assert.fail(`${what}: opened`);
      })();
      assert.ok(error instanceof TraceFormatError && error.problem, what);
      assert.ok(error.message.startsWith(sentence), `${what}: ${error.message}`);
      assert.equal(traceFileWords(error, english), error.message);
      assert.equal(traceFileWords(error), error.message);
      // Every value the problem names is in the Chinese sentence (a list of step kinds is one value).
      const named = Object.values(error.problem.params ?? {}).filter((v): v is string | number => typeof v !== 'object');
      assertChinese(traceFileWords(error, chinese), [...values, ...named], what);
    }
  });

  it('every problem has its Chinese sentence, with the same values', () => {
    for (const code of Object.keys(traceFileSaid)) {
      const zh = (zhCN.traceFile as Record<string, string>)[code];
      assert.match(zh, HAN, code);
      const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      assert.deepEqual(holes(zh), holes((traceFileSaid as Record<string, string>)[code]), code);
    }
  });

  it('an error that is not about the trace is said as it was', () => {
    assert.equal(traceFileWords(new Error('NotReadableError: the file could not be read'), chinese), 'NotReadableError: the file could not be read');
  });
});
