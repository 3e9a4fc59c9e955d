import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { en } from '../../lib/i18n/messages/en';
import { zhCN } from '../../lib/i18n/messages/zh-CN';
import { loadCatalog } from '../../lib/i18n/catalogs';
import { LOCALES } from '../../lib/i18n/locales';
import { translator, type Catalog } from '../../lib/i18n/translator';

/** Every message of a catalog by its dotted key. */
function leaves(catalog: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalog)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of leaves(value as object, path)) out.set(k, v);
  }
  return out;
}

// A select reads its value as text: a translation may choose words by a value English prints as it is.
const KIND: Partial<Record<TYPE, string>> = { [TYPE.argument]: 'text', [TYPE.number]: 'number', [TYPE.date]: 'date', [TYPE.time]: 'time', [TYPE.plural]: 'plural', [TYPE.select]: 'text', [TYPE.tag]: 'tag' };

/** The placeholders of an ICU message, each with its kind ("count:plural", "host:text"), sorted. */
function placeholders(message: string): string[] {
  const found = new Set<string>();
  const walk = (elements: MessageFormatElement[]) => {
    for (const e of elements) {
      const kind = KIND[e.type];
      if (kind && 'value' in e) found.add(`${e.value}:${kind}`);
      if (e.type === TYPE.plural || e.type === TYPE.select) for (const option of Object.values(e.options)) walk(option.value);
      if (e.type === TYPE.tag) walk(e.children);
    }
  };
  walk(parse(message));
  return [...found].sort();
}

describe('message catalogs', () => {
  const english = leaves(en);
  const chinese = leaves(zhCN);

  it('have the same keys in every language', () => {
    assert.deepEqual([...chinese.keys()].filter((k) => !english.has(k)), [], 'keys in zh-CN that English lacks');
    assert.deepEqual([...english.keys()].filter((k) => !chinese.has(k)), [], 'keys in English that zh-CN lacks');
  });

  it('use the same placeholders, of the same kinds, in every language', () => {
    const mismatches = [...english].flatMap(([key, message]) => {
      const theirs = chinese.get(key);
      if (theirs === undefined) return [];
      const a = placeholders(message).join(' ');
      const b = placeholders(theirs).join(' ');
      return a === b ? [] : [`${key}: en {${a}} vs zh-CN {${b}}`];
    });
    assert.deepEqual(mismatches, []);
  });

  it('has no empty message and no untranslated English sentence in Chinese', () => {
    // Joiners may be empty: Chinese sentences follow each other without a space.
    const empty = [...chinese].filter(([k, m]) => m.trim() === '' && !/Join$/.test(k)).map(([k]) => k);
    assert.deepEqual(empty, []);
    // A message that is the English one word for word is fine only when it holds names and
    // numbers ("TLS Playground", "HTTP {status}"), not English words run together into a phrase.
    const same = [...chinese].filter(([k, m]) => m === english.get(k) && /\b[a-z]{2,}\s+[a-z]{2,}\b/.test(m.replace(/\{[^}]*\}/g, ''))).map(([k]) => k);
    assert.deepEqual(same, []);
  });

  it('are found by locale and format plurals and numbers per locale', async () => {
    for (const locale of LOCALES) assert.ok(leaves(await loadCatalog(locale)).size === english.size);
    const t = translator('zh-CN', zhCN as Catalog);
    assert.equal(t('meta.title'), 'TLS Playground');
  });
});
