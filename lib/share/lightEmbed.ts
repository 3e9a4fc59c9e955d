import type { Trace } from '../trace/schema';
import { adviceFor, type Advice } from '../view/advice';
import { buildDiagram, rowLabel, TCP_MARK_GLYPH, type DiagramRow } from '../view/diagram';
import { buildSummary, formatMs } from '../view/summary';
import { runTitle } from './describe';
import { HEIGHT_MESSAGE_TYPE } from './embed';
import type { Locale } from '../i18n/locales';
import type { Translate } from '../i18n/translator';

/**
 * The light embed of a saved run (/embed/r/{id}): the summary and the sequence diagram as one
 * server-rendered HTML document with its styles inline and one small inline script, and nothing else
 * to load — a docs page with several embedded runs pays a few kilobytes for each.
 *
 * The interactive parts (a step's explanation and annotated hex, the key schedule, the certificate
 * chain) are the full embed's, loaded on the first interaction: every step of the diagram is a link
 * to the full embed with that step open (/embed/r/{id}/steps#step-{seq}). Plain links work in a
 * frame sandboxed with allow-scripts alone (and with no scripts at all), from the keyboard, and name
 * themselves to screen readers with the same words the full diagram uses (rowLabel).
 *
 * The one script reports the document's height to the parent (the same message as the full embed,
 * lib/share/embed.ts). It is inline so the page is one request; its hash goes into the page's
 * Content-Security-Policy (server/share/pagePolicy.ts).
 */

export interface LightEmbedOptions {
  /** The saved result's id. */
  id: string;
  /** Link to the full page of the run (opens in a new tab). */
  pageHref: string;
  /** The full (interactive) embed, without a fragment. */
  stepsHref: string;
  /** The language the embed speaks, and its words (lib/i18n). */
  locale: Locale;
  t: Translate;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The height reporter: the document's height, to the parent, whenever it changes. */
export const HEIGHT_SCRIPT =
  `(function(){if(parent===window)return;var l=-1;function r(){var h=Math.ceil(document.documentElement.getBoundingClientRect().height);` +
  `if(h!==l){l=h;parent.postMessage({type:'${HEIGHT_MESSAGE_TYPE}',height:h},'*')}}` +
  `var o=new ResizeObserver(r);o.observe(document.documentElement);o.observe(document.body);r()})();`;

/*
 * Colours and sizes follow the full embed (Tailwind's zinc, sky, violet, emerald, amber, red), in
 * light and dark. Class names are short: this sheet is sent with every embed.
 */
const STYLE = `
*{box-sizing:border-box}
html{color-scheme:light dark;-webkit-text-size-adjust:100%}
body{margin:0;padding:.5rem;font:14px/1.45 ui-sans-serif,system-ui,sans-serif;color:#18181b;background:#fff}
a{color:#075985}
.top{display:flex;justify-content:space-between;gap:.5rem;margin-bottom:.5rem;font-size:12px;color:#71717a}
.logo,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
.logo{color:#0369a1}
.card{border:1px solid #e4e4e7;border-left-width:4px;border-radius:.5rem;padding:1rem}
.card h1{margin:0;font-size:18px}
.head{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:.5rem}
.host{font-size:13px;color:#52525b}
.card p{margin:.25rem 0 0}
.chips{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;margin:.5rem 0 0;padding:0}
.chips li{border-radius:.25rem;padding:.1rem .5rem;font-size:12px}
.advice{margin-top:.75rem;border-radius:.375rem;background:#fffbeb;padding:.75rem;box-shadow:inset 0 0 0 1px #fcd34d}
.advice ul{margin:.25rem 0 0;padding-left:1.25rem}
.who{color:#52525b}
dl{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:.5rem 1rem;margin:.75rem 0 0}
dt{font-size:12px;color:#71717a}
dd{margin:0;font-weight:500;overflow-wrap:anywhere}
.counts{display:flex;justify-content:space-between;gap:.5rem;margin:.75rem 0 .5rem;font-size:12px;color:#71717a}
.diagram{border:1px solid #e4e4e7;border-radius:.5rem;max-height:32rem;overflow-y:auto}
.cols{display:grid;grid-template-columns:4.5rem 1fr;border-bottom:1px solid #e4e4e7;font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.03em;color:#71717a}
.cols span{padding:.5rem}
.cols div{display:flex;justify-content:space-between;padding:.5rem .75rem}
.cols div span{padding:0}
.cols .srv{text-transform:none;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;padding-left:.5rem}
ol{list-style:none;margin:0;padding:.25rem 0}
.r{display:grid;grid-template-columns:4.5rem 1fr;align-items:center;height:2.5rem;color:inherit;text-decoration:none}
.r.s{height:1.75rem}
.r:hover{background:#fafafa}
.r:focus-visible{outline:2px solid #0ea5e9;outline-offset:-2px}
.time{padding:0 .5rem;text-align:right;font:11px/1.2 ui-monospace,monospace;color:#52525b}
.time::before{content:attr(data-t);display:block}
.time i{display:block;font-style:normal;color:#52525b}
.time i::before,.lbl small::before{content:attr(data-t)}
.lane{display:block;position:relative;height:100%;margin:0 .75rem;border-left:1px solid #d4d4d8;border-right:1px solid #d4d4d8}
.msg{position:absolute;left:0;right:0;top:65%}
.line{display:block;position:relative;height:2px;margin:0 .25rem;background:currentColor}
.line:after{content:'';position:absolute;top:-4px;border:5px solid transparent}
.to .line:after{right:-6px;border-left-color:currentColor;border-right:0}
.from .line:after{left:-6px;border-right-color:currentColor;border-left:0}
.env .line{height:0;margin:0 1.5rem;border-top:1px dashed currentColor;background:none;opacity:.7}
.env .line:after{top:-5px}
.lbl{position:absolute;left:0;right:0;bottom:6px;display:flex;gap:.5rem;padding:0 .75rem;font-size:12px;white-space:nowrap}
.from .lbl{justify-content:flex-end}
.env .lbl{padding:0 1.75rem;font-size:11px;color:#71717a}
.lbl b{font-weight:500;overflow:hidden;text-overflow:ellipsis;color:#27272a}
.lbl small{font-size:inherit;color:#71717a}
.mark{position:absolute;left:0;right:0;top:50%;transform:translateY(-50%);display:flex;padding:0 .5rem}
.mark.both{justify-content:center}.mark.server{justify-content:flex-end}
.mark span{border-radius:999px;padding:.1rem .5rem;font-size:12px;font-weight:500;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.note{position:absolute;left:.75rem;right:0;top:50%;transform:translateY(-50%);font:12px ui-monospace,monospace;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;color:#52525b}
.more{display:inline-block;margin-top:.5rem;margin-right:1rem}
.to{color:#0284c7}.from{color:#7c3aed}
.t-good{color:#047857}.t-bad{color:#b91c1c}.t-warning{color:#b45309}
.b-good{background:#ecfdf5;color:#065f46}.b-bad{background:#fef2f2;color:#991b1b}.b-warning{background:#fffbeb;color:#78350f}.b-neutral{background:#fafafa;color:#3f3f46}
.c-good{border-color:#10b98199}.c-bad{border-color:#ef4444b3}.c-warning{border-color:#f59e0bb3}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (prefers-color-scheme:dark){
body{color:#f4f4f5;background:#09090b}
a{color:#7dd3fc}
.card,.diagram,.cols{border-color:#27272a}
.host,.who,.note,.time,.time i,.top,dt,.counts,.cols,.lbl small,.env .lbl{color:#a1a1aa}
.logo{color:#38bdf8}
.advice{background:#451a0366;box-shadow:inset 0 0 0 1px #92400e}
.lane{border-color:#3f3f46}
.r:hover{background:#18181b}
.lbl b{color:#e4e4e7}
.to{color:#38bdf8}.from{color:#a78bfa}
.t-good{color:#34d399}.t-bad{color:#f87171}.t-warning{color:#fbbf24}
.b-good{background:#022c22;color:#6ee7b7}.b-bad{background:#450a0a;color:#fca5a5}.b-warning{background:#451a03;color:#fcd34d}.b-neutral{background:#18181b;color:#d4d4d8}
}`
  .replace(/\n/g, '')
  .trim();

const TONE_SYMBOL = { good: '✓', bad: '✕', warning: '!', neutral: '•' } as const;

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function summaryHtml(trace: Trace, t: Translate): string {
  const card = buildSummary(trace, t);
  const advice = adviceFor(trace, t);
  const who = (w: Advice['fixes'][number]['who']) => t(`summary.who.${w}`);
  const alerts = card.alerts.length
    ? `<ul class="chips" aria-label="${escapeHtml(t('summary.alerts'))}">${card.alerts.map((a) => `<li class="b-${a.tone}">${escapeHtml(a.text)}</li>`).join('')}</ul>`
    : '';
  const adviceHtml = advice
    ? `<div class="advice" role="note" aria-labelledby="advice-title" data-testid="advice" data-kind="${advice.kind}">` +
      `<p id="advice-title"><b>${escapeHtml(advice.title)}</b></p><p>${escapeHtml(advice.explanation)}</p><p><b>${escapeHtml(t('summary.howToFix'))}</b></p>` +
      `<ul>${advice.fixes.map((f) => `<li><span class="who">${escapeHtml(who(f.who))}</span>${escapeHtml(f.text)}</li>`).join('')}</ul>` +
      (advice.links.length
        ? `<p>${advice.links.map((l) => `<a href="${escapeHtml(l.href)}" target="_blank" rel="noopener">${escapeHtml(l.label)} →</a>`).join(' ')}</p>`
        : '') +
      `</div>`
    : '';
  const items = [...card.items, ...card.timings]
    .map((item) => `<div><dt>${escapeHtml(item.label)}</dt><dd${item.tone ? ` class="t-${item.tone}"` : ''}>${escapeHtml(item.value)}</dd></div>`)
    .join('');
  return (
    `<section class="card c-${card.tone}" aria-labelledby="summary-title" data-testid="summary-card" data-outcome="${escapeHtml(card.outcome)}">` +
    `<div class="head"><h1 id="summary-title" class="t-${card.tone}"><span aria-hidden="true">${TONE_SYMBOL[card.tone]} </span>${escapeHtml(card.outcomeLabel)}</h1>` +
    `<span class="host mono">${escapeHtml(card.host)}</span></div>` +
    `<p>${escapeHtml(card.detail)}</p>${alerts}${adviceHtml}<dl>${items}</dl></section>`
  );
}

function rowBody(row: DiagramRow, t: Translate): string {
  if (row.kind === 'tcp') {
    return `<span class="mark ${row.side}"><span class="b-${row.tone}">${TCP_MARK_GLYPH[row.tcp!]} ${escapeHtml(row.title)}</span></span>`;
  }
  if (row.kind === 'note') {
    return `<span class="note${row.tone === 'neutral' ? '' : ` t-${row.tone}`}">${escapeHtml(row.title)}</span>`;
  }
  const envelope = row.layer === 'record';
  const way = row.direction === 'client->server' ? 'to' : 'from';
  const tone = row.tone === 'neutral' ? '' : ` t-${row.tone}`;
  // Sizes and times are generated content (CSS content: attr(data-t)): the row's name (rowLabel)
  // says them after the title, and text before the title would not match it (WCAG 2.5.3).
  const size = row.byteLength > 0 ? `<small data-t="${escapeHtml(envelope ? t('diagram.onTheWire', { bytes: String(row.byteLength) }) : `${row.byteLength} B`)}"></small>` : '';
  const lock = row.encrypted ? '🔒 ' : '';
  return `<span class="msg ${way}${envelope ? ' env' : ''}${tone}"><span class="lbl"><b>${lock}${escapeHtml(row.title)}</b>${size}</span><span class="line"></span></span>`;
}

function diagramHtml(trace: Trace, stepsHref: string, t: Translate): string {
  const diagram = buildDiagram(trace.steps, t);
  // As in the full embed, key derivations are hidden until asked for (there, with a switch).
  const rows = diagram.rows.filter((r) => r.layer !== 'key');
  const hidden = diagram.rows.length - rows.length;
  const items = rows
    .map((row) => {
      const small = row.kind === 'note' || (row.kind === 'message' && row.layer === 'record');
      const delta = row.deltaMs >= 0.05 && !(row.kind === 'message' && row.layer === 'record') ? `<i data-t="+${formatMs(row.deltaMs)}"></i>` : '';
      return (
        `<li><a class="r${small ? ' s' : ''}" href="${escapeHtml(`${stepsHref}#step-${row.seq}`)}" aria-label="${escapeHtml(rowLabel(row, t))}" ` +
        `data-testid="step-row" data-seq="${row.seq}" data-kind="${row.kind}" data-layer="${row.layer}"><span class="time" aria-hidden="true" data-t="${formatMs(row.timeMs)}">${delta}</span>` +
        `<span class="lane" aria-hidden="true">${rowBody(row, t)}</span></a></li>`
      );
    })
    .join('');
  return (
    `<p class="counts"><span>${escapeHtml(t('trace.counts', { steps: diagram.rows.length, sent: String(diagram.counts.bytesSent), received: String(diagram.counts.bytesReceived) }))}</span>` +
    (hidden ? `<span>${escapeHtml(t('share.embed.keysHidden', { count: hidden }))}</span>` : '') +
    `</p><div class="diagram" data-testid="embed-diagram"><div class="cols" aria-hidden="true"><span>${escapeHtml(t('trace.time'))}</span><div><span>${escapeHtml(t('trace.client'))}</span>` +
    `<span class="srv">${escapeHtml(hostOf(trace.options.url))}</span></div></div>` +
    `<ol aria-label="${escapeHtml(t('share.embed.stepsLabel'))}">${items}</ol></div>`
  );
}

export interface LightEmbed {
  html: string;
  /** The inline scripts' text, for their CSP hashes. */
  inlineScripts: string[];
}

export function renderLightEmbed(trace: Trace, { id, pageHref, stepsHref, locale, t }: LightEmbedOptions): LightEmbed {
  const title = t('share.pageTitle', { title: runTitle(trace, t) });
  const html =
    `<!doctype html><html lang="${escapeHtml(locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="robots" content="noindex,nofollow"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
    `<body><main data-testid="run" data-status="done" data-light-embed="${escapeHtml(id)}">` +
    `<div class="top"><span><span aria-hidden="true" class="logo">⟨tls⟩ </span>TLS Playground · ${escapeHtml(t('share.embed.recorded'))}</span>` +
    `<a href="${escapeHtml(pageHref)}" target="_blank" rel="noopener" data-testid="embed-open">${escapeHtml(t('share.embed.open'))}</a></div>` +
    summaryHtml(trace, t) +
    diagramHtml(trace, stepsHref, t) +
    `<a class="more" href="${escapeHtml(stepsHref)}" data-testid="embed-expand">${escapeHtml(t('share.embed.openSteps'))}</a>` +
    // Reproduce it yourself lives in the full embed (its commands and script are made there, on demand).
    `<a class="more" href="${escapeHtml(`${stepsHref}#reproduce`)}" data-testid="embed-reproduce">${escapeHtml(t('reproduce.title'))}</a>` +
    `</main><script>${HEIGHT_SCRIPT}</script></body></html>`;
  return { html, inlineScripts: [HEIGHT_SCRIPT] };
}
