/**
 * Failures reach a page as data, worded there: the engine's diagnostic (an alert it maps to and a
 * sentence naming the exact field), Go's refusal of renegotiation (a typed reason), and the app's
 * API errors (a stable code). A reader of English gets the engine's and the server's own sentences;
 * a reader of Chinese gets Chinese words from the typed part, with a diagnostic quoted as printed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { en } from '../../lib/i18n/messages/en';
import { zhCN } from '../../lib/i18n/messages/zh-CN';
import { translator } from '../../lib/i18n/translator';
import { engineWords, outcomeSentence, stepTitle } from '../../lib/view/stepText';
import { apiErrorSentence } from '../../lib/view/apiError';
import { byteRangeLabel } from '../../lib/view/hex';
import { migrateTrace } from '../../lib/trace/migrate';
import type { Step, Trace } from '../../lib/trace/schema';
import { iisRustlsTrace } from '../view/fixtures/traces';

const english = translator('en', en);
const chinese = translator('zh-CN', zhCN);
const HAN = /\p{Script=Han}/u;

describe('an engine diagnostic', () => {
  const failure = { alert: 'decode_error', message: 'record header has version 0x0400.' };

  it('reads in English as the engine wrote it', () => {
    assert.equal(engineWords(failure, english), 'record header has version 0x0400.');
    assert.equal(stepTitle({ direction: 'local', layer: 'verdict', kind: 'error', data: { source: 'tls', ...failure } }, english), 'Error: record header has version 0x0400.');
  });

  it('reads in Chinese as the alert’s meaning, with the diagnostic quoted after it', () => {
    assert.equal(engineWords(failure, chinese), `${chinese('steps.meaning.decode_error')}（引擎的诊断：“record header has version 0x0400”）`);
    assert.match(chinese('steps.meaning.decode_error'), HAN);
    assert.match(outcomeSentence({ cause: 'alert', by: 'client', alert: 'decode_error', message: failure.message }, chinese), /^客户端中止：.*“record header has version 0x0400”）$/);
    assert.match(outcomeSentence({ cause: 'client-error', message: 'the response is not HTTP/1.1' }, chinese), /^客户端中止：客户端无法继续（引擎的诊断：“the response is not HTTP\/1\.1”）$/);
  });

  it('words a refusal by a named rule in Chinese too', () => {
    const refusal: Step = { seq: 3, timeMs: 5, direction: 'local', layer: 'verdict', kind: 'refusal', data: { check: 'empty-record', ok: false, rule: 'RFC 8446 §5.1', alert: 'unexpected_message', message: 'the server sent an empty handshake record', facts: {} } };
    assert.equal(stepTitle(refusal, english), 'Refused: the server sent an empty handshake record');
    assert.match(stepTitle(refusal, chinese), HAN);
    assert.match(stepTitle(refusal, chinese), /“the server sent an empty handshake record”/);
  });
});

describe('Go’s refusal of renegotiation', () => {
  it('is a typed reason, worded in each language', () => {
    const cause = { cause: 'unusable', reason: 'no-renegotiation' } as const;
    assert.match(outcomeSentence(cause, english), /^tls: no renegotiation \(Go refuses the renegotiation/);
    assert.match(outcomeSentence(cause, chinese), /^tls: no renegotiation（Go 拒绝重协商/);
  });

  it('is recovered from the sentence a run saved before the reason was data carries', () => {
    const trace = iisRustlsTrace();
    const old = { cause: 'unusable', message: 'tls: no renegotiation (Go refuses the renegotiation and the connection can no longer be used)' } as const;
    const saved: Trace = { ...trace, outcome: 'error', outcomeCause: old, steps: [...trace.steps, { seq: trace.steps.length, timeMs: 9, direction: 'local', layer: 'verdict', kind: 'outcome', data: { outcome: 'error', personality: 'go', cause: old } }] };
    const read = migrateTrace(saved);
    assert.deepEqual(read.outcomeCause, { cause: 'unusable', reason: 'no-renegotiation' });
    const outcome = read.steps.at(-1)!;
    assert.deepEqual(outcome.kind === 'outcome' && outcome.data.cause, { cause: 'unusable', reason: 'no-renegotiation' });
    // Another engine's sentence stays as it was.
    const other = migrateTrace({ ...trace, outcomeCause: { cause: 'unusable', message: 'the peer went away' } });
    assert.deepEqual(other.outcomeCause, { cause: 'unusable', message: 'the peer went away' });
  });
});

describe('an error of the app’s API', () => {
  const answer = { error: 'The upload is larger than 1.0 MiB, the most this server reads for a saved result.', code: 'TOO_LARGE' };

  it('shows the server’s own sentence to a reader of English', () => {
    assert.equal(apiErrorSentence(answer, 'The server answered 413.', english), answer.error);
  });

  it('words the code for a reader of Chinese, and falls back when there is no known code', () => {
    assert.equal(apiErrorSentence(answer, 'x', chinese), zhCN.api.error.TOO_LARGE);
    assert.equal(apiErrorSentence({ error: 'Teapot.', code: 'TEAPOT' }, '服务器返回了 418', chinese), '服务器返回了 418');
    assert.equal(apiErrorSentence({}, 'The server answered 502.', english), 'The server answered 502.');
  });
});

describe('the hex view’s byte ranges', () => {
  it('read in either language', () => {
    assert.equal(byteRangeLabel(4, 9, english), 'bytes 4–8');
    assert.equal(byteRangeLabel(4, 9, chinese), '第 4–8 字节');
    assert.equal(byteRangeLabel(1, 2, chinese), '第 1 字节');
    assert.equal(byteRangeLabel(3, 3, chinese), '没有字节');
  });
});
