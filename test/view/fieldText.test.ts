import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTranslator } from 'use-intl/core';
import { en } from '../../lib/i18n/messages/en';
import { zhCN } from '../../lib/i18n/messages/zh-CN';
import type { Locale } from '../../lib/i18n/locales';
import { asMessages, translator, type Catalog, type Translate } from '../../lib/i18n/translator';
import { alertDescriptions } from '../../lib/tls/registry/alerts';
import { groups } from '../../lib/tls/registry/crypto';
import { contentTypes, extensionTypes, handshakeTypes } from '../../lib/tls/registry/protocol';
import { migrateTrace } from '../../lib/trace/migrate';
import type { Field, Trace } from '../../lib/trace/schema';
import { explainField, fieldsOf } from '../../lib/view/fieldText';
import { HTTP_HEADERS, NAME_ATTRIBUTES, X509_EXTENSIONS, fieldWords } from '../../lib/view/fields/explain';
import { buildHexModel } from '../../lib/view/hex';
import { iisRustlsTrace, tls13OkTrace } from './fixtures/traces';

const FIXTURES = join(import.meta.dirname, '../fixtures/traces');
const english = translator('en', en);
const chinese = translator('zh-CN', zhCN);

/** A translator that fails on a message the catalog cannot format (a bad placeholder, a missing key). */
function strict(locale: Locale, catalog: Catalog): Translate {
  const t = createTranslator({ locale, messages: asMessages(catalog), timeZone: 'UTC', onError: (e) => { throw e; } });
  return (key, values) => (t as (k: string, v?: unknown) => string)(key, values);
}

function v1(name: string): Trace {
  return migrateTrace(JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')));
}

function* annotated(trace: Trace) {
  for (const step of trace.steps) {
    for (const bytes of [step.bytes, step.plaintext]) {
      if (!bytes?.field) continue;
      for (const [field, ancestors] of fieldsOf(bytes.field)) yield { step, bytes, field, ancestors };
    }
  }
}

function hello(trace: Trace) {
  return trace.steps.find((s) => s.kind === 'handshake' && s.data.message === 'client_hello')!;
}

describe('field words', () => {
  it('explain every field of the saved version 1 runs, ignoring the prose those traces still store', () => {
    for (const name of ['v1-iis-rustls-reset.json', 'v1-legacy-tls12.json']) {
      const trace = v1(name);
      let stored = 0;
      let explained = 0;
      let total = 0;
      for (const { step, bytes, field, ancestors } of annotated(trace)) {
        total++;
        const words = explainField(field, ancestors, { step, trace, hex: bytes.hex }, english);
        if (words) explained++;
        if (field.meaning !== undefined) {
          stored++;
          // The stored line is never what is shown: the words come from the field's data.
          if (words) assert.notEqual(words.text, field.meaning, `${field.name}: the stored prose is shown`);
        }
      }
      assert.ok(stored > 50, `${name}: ${stored} fields still carry prose`);
      assert.ok(explained / total >= 0.95, `${name}: ${explained} of ${total} fields explained`);
    }
  });

  it('are what the hex view shows, in the language it is given', () => {
    const trace = iisRustlsTrace();
    const step = hello(trace);
    const inEnglish = buildHexModel(step.bytes!, (f, a) => explainField(f, a, { step, trace, hex: step.bytes!.hex }, english));
    const inChinese = buildHexModel(step.bytes!, (f, a) => explainField(f, a, { step, trace, hex: step.bytes!.hex }, chinese));
    assert.match(inEnglish.fields[0].explanation!, /^ClientHello: the client’s opening offer/);
    assert.match(inChinese.fields[0].explanation!, /^ClientHello：客户端的开场报价/);
    const renegotiation = inEnglish.fields.find((f) => f.name === 'renegotiation_info')!;
    assert.match(renegotiation.explanation!, /secure renegotiation \(RFC 5746\)/);
    assert.equal(renegotiation.rfc, 'RFC 5746 §3.2');
    // Without an explainer (a model for layout only) no words are made up.
    assert.equal(buildHexModel(step.bytes!).fields[0].explanation, undefined);
  });

  it('say why a value is what it is in this run (value-aware, from the step data)', () => {
    const trace = tls13OkTrace();
    const group = [...annotated(trace)].find(({ field, ancestors }) => field.name === 'group' && ancestors.at(-1)?.name === 'server_share');
    assert.ok(group, 'the tls13 fixture has a ServerHello key share');
    const words = explainField(group.field, group.ancestors, { step: group.step, trace }, english)!;
    assert.match(words.text, /^The server picked x25519, the client’s first key share, so no extra round trip was needed\./);
    const zh = explainField(group.field, group.ancestors, { step: group.step, trace }, chinese)!;
    assert.match(zh.text, /^服务器选择了 x25519，正是客户端的第一个密钥共享/);
  });

  it('name the alert and its sender from the step, not from stored words', () => {
    const description: Field = { name: 'description', offset: 1, length: 1, value: '0x64 (no_renegotiation)' };
    const words = explainField(description, [{ name: 'Alert', offset: 0, length: 2 }], {}, english)!;
    assert.match(words.text, /^no_renegotiation: the sender refuses to renegotiate\. As a warning it is legal/);
    assert.equal(words.rfc, 'RFC 5246 §7.2.2');
  });

  it('exist in both catalogs for every registry name the engine knows', () => {
    const t = strict('en', en);
    const z = strict('zh-CN', zhCN);
    const keys = [
      ...extensionTypes.names().map((n) => `fields.extension.${n}`),
      ...alertDescriptions.names().map((n) => `fields.alert.${n}`),
      ...contentTypes.names().map((n) => `fields.contentType.${n}`),
      ...groups.names().map((n) => `fields.group.${n}`),
      ...handshakeTypes.names().filter((n) => n !== 'certificate' && n !== 'finished' && n !== 'client_hello' && n !== 'server_hello' && n !== 'hello_request').map((n) => `fields.message.${n}`),
      ...X509_EXTENSIONS.map((n) => `fields.x509ext.${n}`),
      ...NAME_ATTRIBUTES.map((n) => `fields.attribute.${n}`),
      ...HTTP_HEADERS.map((n) => `fields.http.header.${n}`),
    ];
    const values = { from: 'client', message: 'client_hello', value: 'x', personality: 'rustls' };
    for (const key of keys) {
      assert.ok(t(key as never, values).length > 5, key);
      assert.ok(z(key as never, values).length > 4, key);
    }
  });

  it('format in both languages for every field of the fixture runs (no broken placeholder)', () => {
    const t = strict('en', en);
    const z = strict('zh-CN', zhCN);
    let checked = 0;
    for (const trace of [tls13OkTrace(), iisRustlsTrace(), v1('v1-iis-rustls-reset.json'), v1('v1-legacy-tls12.json')]) {
      for (const { step, bytes, field, ancestors } of annotated(trace)) {
        const words = fieldWords(field, ancestors, { step, trace, hex: bytes.hex });
        if (!words) continue;
        const english = t(words.key, words.values);
        const chinese = z(words.key, words.values);
        assert.doesNotMatch(english, /[{}]/, `${words.key}: ${english}`);
        assert.doesNotMatch(chinese, /[{}]/, `${words.key}: ${chinese}`);
        // Chinese words, or at least Chinese punctuation around protocol names that stay as they are.
        assert.match(chinese, /[\u4e00-\u9fff\uff1a\u3002]/, `${words.key} has no Chinese: ${chinese}`);
        checked++;
      }
    }
    assert.ok(checked > 500, `${checked} fields formatted`);
  });
});
