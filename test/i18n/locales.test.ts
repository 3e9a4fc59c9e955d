import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLocale, fromAcceptLanguage, toLocale, withLang } from '../../lib/i18n/locales';

describe('choosing the language of a request', () => {
  it('reads Accept-Language by quality, then by order', () => {
    assert.equal(fromAcceptLanguage('zh-CN,zh;q=0.9,en;q=0.8'), 'zh-CN');
    assert.equal(fromAcceptLanguage('en-US,en;q=0.9,zh-CN;q=0.8'), 'en');
    assert.equal(fromAcceptLanguage('fr-FR, en;q=0.5, zh;q=0.7'), 'zh-CN');
    assert.equal(fromAcceptLanguage('zh-Hans-CN'), 'zh-CN');
    assert.equal(fromAcceptLanguage('de, fr;q=0.8'), undefined);
    assert.equal(fromAcceptLanguage('zh;q=0, en;q=0.1'), 'en');
    assert.equal(fromAcceptLanguage(''), undefined);
  });

  it('prefers the link’s ?lang=, then the remembered choice, then the browser, then English', () => {
    assert.equal(chooseLocale({ param: 'zh-CN', cookie: 'en', acceptLanguage: 'en' }), 'zh-CN');
    assert.equal(chooseLocale({ param: 'en', acceptLanguage: 'zh-CN' }), 'en');
    assert.equal(chooseLocale({ cookie: 'zh-CN', acceptLanguage: 'en' }), 'zh-CN');
    assert.equal(chooseLocale({ param: 'klingon', cookie: 'nonsense', acceptLanguage: 'zh-TW' }), 'zh-CN');
    assert.equal(chooseLocale({ acceptLanguage: 'ja' }), 'en');
    assert.equal(chooseLocale({}), 'en');
  });

  it('accepts the usual spellings of a language tag', () => {
    assert.equal(toLocale('zh'), 'zh-CN');
    assert.equal(toLocale('ZH_cn'), 'zh-CN');
    assert.equal(toLocale('en-GB'), 'en');
    assert.equal(toLocale('pt'), undefined);
  });

  it('puts the language in a link, keeping the link relative or absolute as it was', () => {
    assert.equal(withLang('/r/abc', 'zh-CN'), '/r/abc?lang=zh-CN');
    assert.equal(withLang('/embed?url=https%3A%2F%2Fx.test%2F&lang=en', 'zh-CN'), '/embed?url=https%3A%2F%2Fx.test%2F&lang=zh-CN');
    assert.equal(withLang('https://play.example/r/abc', 'en'), 'https://play.example/r/abc?lang=en');
  });
});
