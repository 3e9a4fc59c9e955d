import { describe, it } from 'node:test';
import { tEn } from '../helpers/i18n';
import assert from 'node:assert/strict';
import { embedPath, EMBED_HEIGHT, EMBED_WIDTH, iframeSnippet, isHeightMessage, oembedForResult, resultIdFromUrl, SAVED_EMBED_SANDBOX } from '../../lib/share/embed';
import { publicOrigin, publicUrlProblem } from '../../lib/share/origin';
import { runDescription, runTitle } from '../../lib/share/describe';
import { iisRustlsTrace, tls13OkTrace } from '../view/fixtures/traces';

const ID = 'AbCdEfGhIjKlMnOpQrSt_-';

describe('embed code', () => {
  it('is an iframe of the embed page, sandboxed to scripts (and popups for "open in a new tab")', () => {
    const html = iframeSnippet({ src: `https://tls.example${embedPath(ID)}`, title: 'A "quoted" <run>' });
    assert.equal(
      html,
      `<iframe src="https://tls.example/embed/r/${ID}" title="A &quot;quoted&quot; &lt;run&gt;" width="${EMBED_WIDTH}" height="${EMBED_HEIGHT}" ` +
        `style="border:0;max-width:100%" loading="lazy" sandbox="${SAVED_EMBED_SANDBOX}"></iframe>`,
    );
    assert.ok(!SAVED_EMBED_SANDBOX.includes('allow-same-origin'), 'a saved run needs no same-origin access');
  });

  it('recognizes only the height message embeds send', () => {
    assert.equal(isHeightMessage({ type: 'tls-playground:height', height: 420 }), true);
    assert.equal(isHeightMessage({ type: 'tls-playground:height', height: '420' }), false);
    assert.equal(isHeightMessage({ type: 'other', height: 1 }), false);
    assert.equal(isHeightMessage(null), false);
  });
});

describe('oEmbed', () => {
  it('reads the result id from share and embed links, and nothing else', () => {
    assert.equal(resultIdFromUrl(`https://tls.example/r/${ID}`), ID);
    assert.equal(resultIdFromUrl(`http://127.0.0.1:3000/embed/r/${ID}/`), ID);
    assert.equal(resultIdFromUrl(`https://tls.example/r/${ID}/preview.png`), undefined);
    assert.equal(resultIdFromUrl('https://tls.example/?url=https://x.test/'), undefined);
    assert.equal(resultIdFromUrl(`javascript:alert(1)//r/${ID}`), undefined);
    assert.equal(resultIdFromUrl('not a url'), undefined);
  });

  it('answers the rich type with the iframe, its size, the title, the provider and the thumbnail', () => {
    const body = oembedForResult('https://tls.example', ID, 'TLS handshake with iis.test', { thumbnail: { width: 1200, height: 630 } });
    assert.deepEqual(body, {
      version: '1.0',
      type: 'rich',
      title: 'TLS handshake with iis.test',
      provider_name: 'TLS Playground',
      provider_url: 'https://tls.example/',
      html: iframeSnippet({ src: `https://tls.example/embed/r/${ID}`, title: 'TLS handshake with iis.test' }),
      width: EMBED_WIDTH,
      height: EMBED_HEIGHT,
      thumbnail_url: `https://tls.example/r/${ID}/preview.png`,
      thumbnail_width: 1200,
      thumbnail_height: 630,
      cache_age: 86400,
    });
  });

  it('fits maxwidth and maxheight (oEmbed §2.2) without growing past the default size', () => {
    const small = oembedForResult('https://tls.example', ID, 't', { maxWidth: 400, maxHeight: 300, thumbnail: { width: 1, height: 1 } });
    assert.deepEqual([small.width, small.height], [400, 300]);
    assert.match(small.html, /width="400" height="300"/);
    const large = oembedForResult('https://tls.example', ID, 't', { maxWidth: 5000, thumbnail: { width: 1, height: 1 } });
    assert.deepEqual([large.width, large.height], [EMBED_WIDTH, EMBED_HEIGHT]);
  });
});

describe('oEmbed thumbnail and maxwidth/maxheight', () => {
  const thumbnail = { width: 1200, height: 630 };

  it('gives the preview image when no bound is asked for, or when it fits the bounds', () => {
    for (const bounds of [{}, { maxWidth: 1200, maxHeight: 630 }, { maxWidth: 4000 }]) {
      const answer = oembedForResult('https://tls.example', ID, 't', { ...bounds, thumbnail });
      assert.deepEqual([answer.thumbnail_url, answer.thumbnail_width, answer.thumbnail_height], [`https://tls.example/r/${ID}/preview.png`, 1200, 630]);
    }
  });

  it('leaves the thumbnail out when it does not fit (oEmbed §2.3.4), with all three fields gone', () => {
    for (const bounds of [{ maxWidth: 400, maxHeight: 300 }, { maxWidth: 1199 }, { maxHeight: 629 }]) {
      const answer = oembedForResult('https://tls.example', ID, 't', { ...bounds, thumbnail });
      assert.ok(!('thumbnail_url' in answer) && !('thumbnail_width' in answer) && !('thumbnail_height' in answer), JSON.stringify(bounds));
      assert.ok(answer.width <= (bounds.maxWidth ?? Infinity) && answer.height <= (bounds.maxHeight ?? Infinity));
    }
  });
});

describe('public origin of links', () => {
  const headers = (entries: Record<string, string>) => new Headers(entries);
  const forged = { host: 'tls.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };

  it('is PUBLIC_URL’s origin whatever the request says', () => {
    assert.equal(publicOrigin(headers({ host: '10.0.0.5:3000' }), { PUBLIC_URL: 'https://tls.example/some/path' }), 'https://tls.example');
    assert.equal(publicOrigin(headers({ ...forged, host: 'evil.example' }), { PUBLIC_URL: 'https://tls.example' }), 'https://tls.example');
  });

  it('never believes X-Forwarded-Host or X-Forwarded-Proto (the app cannot tell who sent them)', () => {
    assert.equal(publicOrigin(headers(forged)), 'http://tls.example');
    assert.equal(publicOrigin(headers({ host: '[::1]:3000', 'x-forwarded-proto': 'https' })), 'http://[::1]:3000');
  });

  it('falls back to Host in development, ignoring values that are not a host name', () => {
    assert.equal(publicOrigin(headers({ host: '127.0.0.1:3000' })), 'http://127.0.0.1:3000');
    assert.equal(publicOrigin(headers({ host: 'evil.example/"><script>' })), 'http://localhost');
    assert.equal(publicOrigin(headers({ host: 'tls.example' }), { PUBLIC_URL: 'javascript:alert(1)' }), 'http://tls.example');
  });

  it('makes production refuse to start without a usable PUBLIC_URL', () => {
    assert.match(publicUrlProblem({ NODE_ENV: 'production' }) ?? '', /PUBLIC_URL is not set/);
    assert.match(publicUrlProblem({ NODE_ENV: 'production', PUBLIC_URL: 'tls.example' }) ?? '', /not an http\(s\) URL/);
    assert.equal(publicUrlProblem({ NODE_ENV: 'production', PUBLIC_URL: 'https://tls.example' }), undefined);
    assert.equal(publicUrlProblem({ NODE_ENV: 'development' }), undefined);
  });
});

describe('titles of shared runs', () => {
  it('name the target and the outcome as the summary card does', () => {
    assert.match(runTitle(iisRustlsTrace(), tEn), /^TLS handshake with iis[\w.-]*\.test\/secure\/?: Connection reset$/);
    assert.match(runTitle(tls13OkTrace(), tEn), /^TLS handshake with tls13\.test: Handshake complete$/);
  });

  it('describe version, suite, alerts and personality in one line', () => {
    const line = runDescription(iisRustlsTrace(), tEn);
    assert.match(line, /^TLSv1\.2 · TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 · client alert no_renegotiation \(warning\) · client as rustls\./);
  });
});
