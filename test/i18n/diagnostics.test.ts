/**
 * The engine says what went wrong as data (lib/tls/diagnostics): a sentence's code and its values.
 * English comes from the engine's own tables; every other language words the same data from its
 * catalog, so a hostile server's bytes read in the reader's language, with the exact values named.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, TYPE } from '@formatjs/icu-messageformat-parser';
import { engineSaid, inEnglish, said } from '../../lib/tls/diagnostics';
import { TlsAlertError } from '../../lib/tls/errors';
import { notTlsMessage } from '../../lib/tls/record/layer';
import { en } from '../../lib/i18n/messages/en';
import { zhCN } from '../../lib/i18n/messages/zh-CN';
import { translator } from '../../lib/i18n/translator';
import { diagnosticWords, engineWords, stepTitle } from '../../lib/view/stepText';

const english = translator('en', en);
const chinese = translator('zh-CN', zhCN);
const HAN = /\p{Script=Han}/u;
const ascii = (text: string) => new TextEncoder().encode(text);

describe('engine diagnostics', () => {
  it('are templates with plain {name} holes only, so the engine can fill them without ICU', () => {
    const wrong: string[] = [];
    for (const [part, table] of Object.entries(engineSaid)) {
      for (const [key, template] of Object.entries(table as Record<string, string>)) {
        const elements = parse(template);
        if (elements.some((e) => e.type !== TYPE.literal && e.type !== TYPE.argument)) wrong.push(`${part}.${key}`);
        if (/[.!]\s*$/.test(template)) wrong.push(`${part}.${key} ends with punctuation (the views add it)`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('give the error its English message and keep the data', () => {
    const error = new TlsAlertError('record_overflow', said('record.tooLong', { length: 20000, max: 18432 }));
    assert.equal(error.message, 'record length 20000 exceeds the maximum of 18432');
    assert.deepEqual(error.diagnostic, { code: 'record.tooLong', params: { length: 20000, max: 18432 } });
  });

  it('word nested diagnostics in turn, in English and in Chinese', () => {
    const d = said('record.badVersion', { version: '0x0400', why: notTlsMessage(ascii('SSH-2.0-OpenSSH_9.2\r\n')) });
    assert.equal(inEnglish(d), 'record header has version 0x0400: the server sent text, not a TLS record ("SSH-2.0-OpenSSH_9.2"): this port does not speak TLS');
    const zh = diagnosticWords(d, chinese)!;
    assert.match(zh, HAN);
    assert.ok(zh.includes('0x0400') && zh.includes('SSH-2.0-OpenSSH_9.2'), zh);
    assert.doesNotMatch(zh, /does not speak|record header/);
  });

  it('read in Chinese from the data, not quoted English, on steps and outcomes', () => {
    const error = new TlsAlertError('unexpected_message', notTlsMessage(ascii('HTTP/1.1 400 Bad Request\r\n\r\n')));
    const data = { source: 'tls' as const, alert: error.alert, message: error.message, diagnostic: error.diagnostic };
    assert.equal(engineWords(data, english), 'the server answered in plain HTTP, not TLS ("HTTP/1.1 400 Bad Request"): this port does not speak TLS');
    const title = stepTitle({ direction: 'local', layer: 'verdict', kind: 'error', data }, chinese);
    assert.match(title, HAN);
    assert.ok(title.includes('HTTP/1.1 400 Bad Request'));
    assert.doesNotMatch(title, /plain HTTP|引擎的诊断/);
  });

  it('fall back to the quoted English for a code this build does not know', () => {
    const data = { alert: 'decode_error', message: 'a sentence from a newer engine', diagnostic: { code: 'record.fromTheFuture' } };
    assert.match(engineWords(data, chinese), /“a sentence from a newer engine”/);
  });
});

/**
 * A failure the engine reports says it with `said('part.code', { … })`, its English in
 * lib/tls/diagnostics/ and its other languages in lib/i18n/messages/engine/: never as a sentence
 * written at the place it is thrown, which only English readers could read.
 */
describe('the engine’s failures', () => {
  it('are diagnostics, not English sentences, in every file of the engine', () => {
    const root = join(import.meta.dirname, '../../lib/tls');
    const sentence = /(?:new TlsAlertError|refusal)\(\s*'[a-z_]+',\s*[`'"]|(?:decodeError|badCertificate)\(\s*[`'"]/;
    const offenders: string[] = [];
    for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      const lines = readFileSync(join(root, file), 'utf8').split('\n');
      lines.forEach((line, i) => sentence.test(line) && offenders.push(`${file}:${i + 1}`));
    }
    assert.deepEqual(offenders, []);
  });
});
