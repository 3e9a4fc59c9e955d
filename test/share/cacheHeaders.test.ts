/**
 * What a cached view of a saved result says to caches: immutable when the URL alone decided it,
 * Vary on the request headers that also did (language, compression), and where the bytes came from.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLanguage, cookieValue } from '../../lib/share/language';
import { CACHE_SOURCE_HEADER, IMMUTABLE, serveArtifact } from '../../server/share/respond';
import { cachedPagePolicy, inlineScriptHashes } from '../../server/share/pagePolicy';
import { createHash } from 'node:crypto';

describe('the language of a saved run view', () => {
  it('?lang= decides when it names a language we have: the URL alone determines the response', () => {
    const choice = chooseLanguage(new URL('http://app.test/r/x?lang=zh-cn'), new Headers({ 'accept-language': 'en', cookie: 'tlspg-locale=en' }));
    assert.deepEqual(choice, { lang: 'zh-CN', explicit: true, vary: [] });
  });

  it('without ?lang=, the switch’s cookie, else Accept-Language decides, and the response varies on both', () => {
    const url = new URL('http://app.test/r/x');
    assert.deepEqual(chooseLanguage(url, new Headers({ 'accept-language': 'fr;q=0.9, zh;q=0.8, en;q=0.5' })), { lang: 'zh-CN', explicit: false, vary: ['Cookie', 'Accept-Language'] });
    assert.equal(chooseLanguage(url, new Headers({ 'accept-language': 'zh', cookie: 'a=1; tlspg-locale=en' })).lang, 'en');
    assert.deepEqual(chooseLanguage(new URL('http://app.test/r/x?lang=xx'), new Headers()), { lang: 'en', explicit: false, vary: ['Cookie', 'Accept-Language'] });
    assert.equal(cookieValue('a=1; tlspg-locale=zh-CN', 'tlspg-locale'), 'zh-CN');
    assert.equal(cookieValue(null, 'tlspg-locale'), undefined);
  });
});

describe('serving a cached view', () => {
  const body = new TextEncoder().encode('<p>' + 'x'.repeat(500) + '</p>');
  const artifact = { contentType: 'text/html; charset=utf-8', body, meta: {} };

  it('is public, a year, immutable; says where the bytes came from; Vary lists what else decided it', async () => {
    const served = serveArtifact({ artifact, source: 'memory' }, { vary: [] });
    assert.equal(served.headers.get('cache-control'), IMMUTABLE);
    assert.equal(IMMUTABLE, 'public, max-age=31536000, immutable');
    assert.equal(served.headers.get(CACHE_SOURCE_HEADER), 'memory');
    assert.equal(served.headers.get('vary'), null);
    assert.equal(await served.text(), new TextDecoder().decode(body));
    const negotiated = serveArtifact({ artifact, source: 'render' }, { vary: ['Accept-Language', 'X-Forwarded-Host'] });
    assert.equal(negotiated.headers.get('vary'), 'Accept-Language, X-Forwarded-Host');
  });
});

describe('the policy of a cached page', () => {
  it('allows exactly its inline scripts, by their SHA-256 (no nonce: the HTML is served many times)', () => {
    const html = '<script src="/_next/static/a.js"></script><script>self.__next_f.push([1])</script><script>x()</script><script>x()</script>';
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    assert.deepEqual(inlineScriptHashes(html), [hash('self.__next_f.push([1])'), hash('x()')]);
    const policy = cachedPagePolicy({ scriptHashes: inlineScriptHashes(html), frameAncestors: '*', selfScripts: false });
    assert.match(policy, /default-src 'none'/);
    assert.match(policy, new RegExp(`script-src ${hash('self.__next_f.push([1])').replace(/[+/()[\]]/g, '\\$&')} `));
    assert.doesNotMatch(policy, /unsafe-inline'?;?\s*(script|$)/);
    assert.match(policy, /frame-ancestors \*/);
    assert.match(cachedPagePolicy({ scriptHashes: [], frameAncestors: "'self'", selfScripts: false }), /script-src 'none'/);
  });
});
