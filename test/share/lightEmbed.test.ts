/**
 * The light embed's HTML: the summary and every diagram row (key derivations aside, as in the full
 * embed), each row a link to that step in the full embed, named as the full diagram names it; one
 * inline script; nothing a saved trace says can become markup.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { HEIGHT_SCRIPT, renderLightEmbed } from '../../lib/share/lightEmbed';
import { buildDiagram, rowLabel } from '../../lib/view/diagram';
import type { Trace } from '../../lib/trace/schema';
import { iisRustlsTrace } from '../view/fixtures/traces';
import { tEn, tZh } from '../helpers/i18n';

const OPTIONS = { id: 'AbCdEfGhIjKlMnOpQrSt_-', pageHref: '/r/AbCdEfGhIjKlMnOpQrSt_-', stepsHref: '/embed/r/AbCdEfGhIjKlMnOpQrSt_-/steps', locale: 'en' as const, t: tEn };

function decode(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

describe('the light embed', () => {
  it('has a row per step but the key derivations, each a link to that step in the full embed, labelled as in the full diagram', () => {
    const trace = iisRustlsTrace();
    const { html } = renderLightEmbed(trace, OPTIONS);
    const links = [...html.matchAll(/<a class="r[^"]*" href="([^"]+)" aria-label="([^"]+)"/g)].map(([, href, label]) => [decode(href), decode(label)]);
    const rows = buildDiagram(trace.steps).rows.filter((r) => r.layer !== 'key');
    assert.deepEqual(
      links,
      rows.map((r) => [`${OPTIONS.stepsHref}#step-${r.seq}`, rowLabel(r)]),
    );
    assert.match(html, /<h1 id="summary-title" class="t-bad"><span aria-hidden="true">✕ <\/span>Connection reset<\/h1>/);
    assert.match(html, /data-testid="advice" data-kind="renegotiation"/);
  });

  it('carries one inline script (the height report) and loads nothing: no src, no stylesheet link', () => {
    const { html, inlineScripts } = renderLightEmbed(iisRustlsTrace(), OPTIONS);
    assert.deepEqual(inlineScripts, [HEIGHT_SCRIPT]);
    assert.equal([...html.matchAll(/<script/g)].length, 1);
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+stylesheet|<img|@import|url\(/);
    assert.ok(gzipSync(html).length < 20 * 1024, `${gzipSync(html).length} bytes gzip`);
  });

  it('escapes whatever the trace says: a hostile saved trace stays text', () => {
    const trace = iisRustlsTrace();
    trace.options.url = 'https://evil.test/"><script>alert(1)</script>';
    trace.outcomeCause = { cause: 'input', message: '</p><script>alert(2)</script>' };
    trace.steps[1] = { ...trace.steps[1], layer: 'verdict', kind: 'error', data: { source: 'input', message: '<img src=x onerror=alert(3)>' } } as Trace['steps'][number];
    const { html } = renderLightEmbed(trace, OPTIONS);
    assert.equal([...html.matchAll(/<script/g)].length, 1, 'only the height script');
    assert.doesNotMatch(html, /<img/);
    assert.match(html, /&lt;\/p&gt;&lt;script&gt;alert\(2\)&lt;\/script&gt;/);
  });
});

describe('the light embed in Chinese', () => {
  it('speaks the language it is asked for: <html lang>, the chrome, the summary and the advice', () => {
    const { html } = renderLightEmbed(iisRustlsTrace(), { ...OPTIONS, locale: 'zh-CN', t: tZh });
    assert.match(html, /<html lang="zh-CN">/);
    assert.match(html, /TLS Playground · 已保存的运行/);
    assert.match(html, /在 TLS Playground 中打开 ↗/);
    assert.match(html, /服务器要求重协商，而这个客户端不肯/);
    assert.match(html, /“Connection reset by peer”（连接被对方重置）/);
    assert.match(html, /如何修复/);
    assert.doesNotMatch(html, /How to fix it|Open in TLS Playground|recorded run/);
  });
});
