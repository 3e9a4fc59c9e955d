/**
 * The client's failures read in Chinese from their data: real servers on loopback send an HTTP
 * response the client cannot read, a handshake message type that does not exist, their own fatal
 * alert; the steps and the outcome name the exact values in Chinese words, with no English sentence.
 */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { before, describe, test } from 'node:test';
import type { OutcomeCause, Step, Trace } from '../../lib/trace/schema';
import { TlsClient } from '../../lib/tls/client/client';
import { defaultClientOptions } from '../../lib/tls/client/options';
import { inEnglish } from '../../lib/tls/diagnostics';
import { diagnosticWords, outcomeSentence, stepExplanation, stepTitle } from '../../lib/view/stepText';
import type { TestPki } from '../../server/pki';
import { tEn, tZh } from '../helpers/i18n';
import { sharedTestPki } from '../helpers/pki';
import { describeTrace, runAgainst, startNodeHttpsServer, startScriptedServer } from '../helpers/tlsServers';
import { CONTENT, handshake, readClientHello, record } from '../tls/wire';

const HAN = /\p{Script=Han}/u;
/** Words of the English sentences these failures used to be quoted in. */
const ENGLISH = /\b(?:the server|the client|invalid|malformed|unknown|handshake message|internal error|response|alert record)\b/i;

let pki: TestPki;

before(async () => {
  pki = await sharedTestPki();
});

/** Runs the client against a Node https server whose every answer is `raw`, as bytes on the TLS connection. */
async function againstHttpAnswer(raw: string): Promise<Trace> {
  const server = await startNodeHttpsServer({ key: pki.leaves.p256.keyPem, cert: pki.leaves.p256.certPem + pki.intermediate.certPem }, (req) => {
    req.socket.end(raw);
  });
  try {
    return await runAgainst(server.port, { setup: { caFiles: [pki.root.certPath] }, timeoutMs: 5000 });
  } finally {
    await server.close();
  }
}

/** Runs the client against a scripted server that waits for the ClientHello, then plays `script`. */
async function againstScript(script: (socket: Socket) => void): Promise<Trace> {
  const server = await startScriptedServer(async (socket) => {
    try {
      await readClientHello(socket);
      script(socket);
    } catch {
      // The client went away first.
    }
  });
  try {
    return await runAgainst(server.port, { setup: { caFiles: [pki.root.certPath] }, timeoutMs: 3000 });
  } finally {
    await server.close();
  }
}

function onlyStep(trace: Trace, match: (s: Step) => boolean): Step {
  const found = trace.steps.filter(match);
  assert.equal(found.length, 1, describeTrace(trace));
  return found[0];
}

/** Chinese, naming every value, and no English sentence around them. */
function assertChinese(text: string, values: string[]): void {
  assert.match(text, HAN, text);
  for (const v of values) assert.ok(text.includes(v), `${text} should name ${v}`);
  let rest = text;
  for (const v of values) rest = rest.replaceAll(v, '');
  assert.doesNotMatch(rest, ENGLISH, text);
}

describe('an HTTP response the client cannot read', () => {
  test('a Content-Length that is not a number: the http step and the outcome say so in Chinese, quoting the value', async () => {
    const trace = await againstHttpAnswer('HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\nhello');
    assert.equal(trace.outcome, 'error', describeTrace(trace));
    const cause = trace.outcomeCause as Extract<OutcomeCause, { cause: 'invalid-response' }>;
    assert.equal(cause.cause, 'invalid-response');
    assert.deepEqual(cause.diagnostic, { code: 'client.httpContentLength', params: { value: 'lots' } });
    assert.equal(cause.error, 'invalid Content-Length "lots"');
    const step = onlyStep(trace, (s) => s.kind === 'http' && s.data.message === 'invalid-response');
    assert.equal(stepTitle(step, tEn), 'Invalid HTTP response: invalid Content-Length "lots"');
    assertChinese(stepTitle(step, tZh), ['Content-Length', 'lots']);
    assertChinese(outcomeSentence(trace.outcomeCause, tZh), ['Content-Length', 'lots']);
  });

  test('an answer that is not HTTP at all: Chinese names how it starts', async () => {
    const trace = await againstHttpAnswer('SSH-2.0-OpenSSH_9.2\r\nProtocol mismatch.\r\n');
    const cause = trace.outcomeCause as Extract<OutcomeCause, { cause: 'invalid-response' }>;
    assert.equal(cause.diagnostic?.code, 'client.httpNotHttp', describeTrace(trace));
    const step = onlyStep(trace, (s) => s.kind === 'http' && s.data.message === 'invalid-response');
    assertChinese(stepTitle(step, tZh), ['HTTP/1.x', 'SSH-2.0-OpenSSH_9.2']);
  });

  test('a header line without a colon: Chinese quotes the line', async () => {
    const trace = await againstHttpAnswer('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n');
    assert.equal((trace.outcomeCause as { diagnostic?: { code: string } }).diagnostic?.code, 'client.httpHeaderLine', describeTrace(trace));
    assertChinese(outcomeSentence(trace.outcomeCause, tZh), ['HTTP', 'no colon here']);
  });

  test('a run saved before the diagnostic reads as the engine’s quoted English', () => {
    const cause: OutcomeCause = { cause: 'invalid-response', error: 'malformed chunk size' };
    assert.match(outcomeSentence(cause, tZh), /“malformed chunk size”/);
    assert.equal(outcomeSentence(cause, tEn), 'the server’s HTTP response is invalid: malformed chunk size');
  });
});

describe('the request the user asked for', () => {
  test('a method that is not an HTTP token is the input’s fault, said in Chinese before anything connects', async () => {
    let connections = 0;
    const server = await startScriptedServer((socket) => {
      connections++;
      socket.destroy();
    });
    let trace: Trace;
    try {
      trace = await runAgainst(server.port, { method: 'G T', setup: { caFiles: [pki.root.certPath] }, timeoutMs: 3000 });
    } finally {
      await server.close();
    }
    assert.equal(connections, 0, describeTrace(trace));
    assert.equal(trace.outcome, 'error');
    const cause = trace.outcomeCause as Extract<OutcomeCause, { cause: 'input' }>;
    assert.deepEqual(cause.diagnostic, { code: 'client.httpMethod', params: { method: 'G T' } });
    assert.equal(cause.message, 'invalid HTTP method "G T"');
    const error = onlyStep(trace, (s) => s.kind === 'error');
    assertChinese(stepTitle(error, tZh), ['HTTP', 'G T']);
    assertChinese(outcomeSentence(cause, tZh), ['HTTP', 'G T']);
  });
});

describe('the handshake', () => {
  test('a server that answers in text: the bytes that are not a record are explained in Chinese, quoting them', async () => {
    const trace = await againstScript((s) => s.end('SSH-2.0-OpenSSH_9.2\r\n'));
    const unparseable = onlyStep(trace, (s) => s.kind === 'unparseable');
    assert.equal(unparseable.kind === 'unparseable' && unparseable.data.diagnostic?.code, 'record.text', describeTrace(trace));
    assertChinese(stepExplanation(unparseable, tZh) ?? '', ['SSH-2.0-OpenSSH_9.2', 'TLS']);
    assert.equal(stepExplanation(unparseable, tEn), unparseable.kind === 'unparseable' ? unparseable.data.error : '');
  });

  test('an unknown handshake message type: the client’s error, its alert and the outcome name the type in Chinese', async () => {
    const trace = await againstScript((s) => s.write(record(CONTENT.handshake, handshake(99, Buffer.alloc(4)))));
    assert.equal(trace.outcome, 'alert', describeTrace(trace));
    const error = onlyStep(trace, (s) => s.kind === 'error');
    assert.deepEqual(error.kind === 'error' && error.data.diagnostic, { code: 'client.unknownType', params: { type: 99 } });
    assert.equal(stepTitle(error, tEn), 'Error: unknown handshake message type 99');
    assertChinese(stepTitle(error, tZh), ['99']);
    const alert = onlyStep(trace, (s) => s.kind === 'alert' && s.data.from === 'client');
    assertChinese(stepExplanation(alert, tZh) ?? '', ['99']);
    assertChinese(outcomeSentence(trace.outcomeCause, tZh), ['99']);
  });

  test('an alert record of 3 bytes: decode_error, the length named in Chinese', async () => {
    const trace = await againstScript((s) => s.write(record(CONTENT.alert, Buffer.from([2, 40, 0]))));
    const error = onlyStep(trace, (s) => s.kind === 'error');
    assert.equal(error.kind === 'error' && error.data.alert, 'decode_error');
    assertChinese(stepTitle(error, tZh), ['3', '2']);
  });

  test('the server’s own fatal alert: the failure carries it as data, worded in Chinese', async () => {
    const trace = await againstScript((s) => s.end(record(CONTENT.alert, Buffer.from([2, 40]))));
    const cause = trace.outcomeCause as Extract<OutcomeCause, { cause: 'alert' }>;
    assert.equal(cause.by, 'server', describeTrace(trace));
    assert.deepEqual(cause.diagnostic, { code: 'client.serverAlert', params: { alert: 'handshake_failure' } });
    assert.equal(cause.message, 'the server sent a fatal handshake_failure alert');
    assertChinese(diagnosticWords(cause.diagnostic!, tZh)!, ['handshake_failure']);
    assertChinese(outcomeSentence(cause, tZh), ['handshake_failure']);
  });
});

describe('a server certificate the client rejects', () => {
  test('for another name: the error and the client’s alert word the failed check’s finding in Chinese, English keeps the engine’s sentence', async () => {
    const server = await startNodeHttpsServer({ key: pki.leaves.p256.keyPem, cert: pki.leaves.p256.certPem + pki.intermediate.certPem });
    let trace: Trace;
    try {
      trace = await runAgainst(server.port, { host: 'elsewhere.test', setup: { caFiles: [pki.root.certPath] }, timeoutMs: 5000 });
    } finally {
      await server.close();
    }
    const error = onlyStep(trace, (s) => s.kind === 'error');
    assert.ok(error.kind === 'error' && error.data.finding, describeTrace(trace));
    assert.equal(stepTitle(error, tEn), `Error: ${error.data.message}`);
    assertChinese(stepTitle(error, tZh), ['elsewhere.test']);
    const alert = onlyStep(trace, (s) => s.kind === 'alert' && s.data.from === 'client');
    assert.ok(alert.kind === 'alert' && alert.data.errorFinding);
    assertChinese(stepExplanation(alert, tZh) ?? '', ['elsewhere.test']);
    assert.doesNotMatch(stepExplanation(alert, tZh) ?? '', /引擎的诊断/);
    assertChinese(outcomeSentence(trace.outcomeCause, tZh), ['elsewhere.test']);
    assert.doesNotMatch(outcomeSentence(trace.outcomeCause, tZh), /引擎的诊断/);
  });
});

describe('a local failure that is not the server’s', () => {
  test('a crypto library that throws while making the key shares: internal_error, its own words quoted in Chinese', async () => {
    const steps: Step[] = [];
    const options = defaultClientOptions('example.test');
    const client = new TlsClient(
      options,
      {
        crypto: { generateKeyShare: () => Promise.reject(new Error('entropy source unavailable')) } as never,
        random: (n) => new Uint8Array(n),
        now: () => 0,
        verifyCertificates: () => Promise.reject(new Error('not reached')),
      },
      { send: () => undefined, step: (s) => steps.push({ ...s, seq: steps.length, timeMs: 0 } as Step), applicationData: () => undefined, keyLog: () => undefined },
    );
    await client.start();
    assert.equal(client.failure?.alert, 'internal_error');
    assert.deepEqual(client.failure?.diagnostic, { code: 'client.internal', params: { error: 'entropy source unavailable' } });
    assert.equal(client.failure?.message, inEnglish(client.failure!.diagnostic!));
    const errors = steps.filter((s) => s.kind === 'error');
    assert.equal(errors.length, 1, steps.map((s) => stepTitle(s)).join('\n'));
    const error = errors[0];
    assert.equal(stepTitle(error, tEn), 'Error: internal error: entropy source unavailable');
    const zh = stepTitle(error, tZh);
    assert.match(zh, HAN);
    assert.ok(zh.includes('“entropy source unavailable”'), zh);
  });
});

