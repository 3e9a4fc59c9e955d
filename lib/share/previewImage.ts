import { comparisonOf, diagnosisOf, type Bundle } from '../bundle/bundle';
import { describeResult } from '../doctor/diagnose';
import type { Trace } from '../trace/schema';
import { isProblemAlert, transportEvent } from '../trace/steps';
import { buildSummary } from '../view/summary';
import { english } from '../i18n/english';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyph } from './bitmapFont';
import { targetOf } from './describe';
import { bundleTitle } from './describeBundle';
import { encodePng, type Deflate, type RgbImage } from './png';

/**
 * The card is drawn in English whatever the reader's language: its bitmap font (bitmapFont.ts) has
 * Latin glyphs only, and CJK glyphs would multiply its size. Protocol names and numbers, most of
 * the card, read the same in every language.
 */

/**
 * The share card of a saved run (Open Graph / Twitter "summary_large_image", 1200×630): outcome,
 * target, negotiated version and suite, HTTP status, alerts, and a strip with one mark per step
 * coloured by who sent it. Flat shapes and the 5×7 bitmap font, rasterized here and encoded as PNG,
 * because card consumers do not render SVG and the project ships no WebAssembly image renderer.
 */

export const PREVIEW_WIDTH = 1200;
export const PREVIEW_HEIGHT = 630;

type Rgb = readonly [number, number, number];

const COLOR = {
  background: [15, 23, 42],
  panel: [30, 41, 59],
  text: [241, 245, 249],
  muted: [148, 163, 184],
  brand: [56, 189, 248],
  good: [74, 222, 128],
  bad: [248, 113, 113],
  warning: [251, 191, 36],
  client: [56, 189, 248],
  server: [192, 132, 252],
  local: [100, 116, 139],
} satisfies Record<string, Rgb>;

/** An RGB raster with the two drawing operations the card needs. */
export class Raster implements RgbImage {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.pixels = new Uint8Array(width * height * 3);
    this.fillRect(0, 0, width, height, background);
  }

  /** Fills the rectangle, clipped to the raster. */
  fillRect(x: number, y: number, w: number, h: number, [r, g, b]: Rgb): void {
    const x0 = Math.max(0, Math.floor(x));
    const y0 = Math.max(0, Math.floor(y));
    const x1 = Math.min(this.width, Math.floor(x + w));
    const y1 = Math.min(this.height, Math.floor(y + h));
    for (let py = y0; py < y1; py++) {
      for (let px = x0; px < x1; px++) {
        const i = (py * this.width + px) * 3;
        this.pixels[i] = r;
        this.pixels[i + 1] = g;
        this.pixels[i + 2] = b;
      }
    }
  }

  /** Draws `text` with its top-left corner at (x, y), each font cell `scale` pixels square. */
  drawText(text: string, x: number, y: number, scale: number, color: Rgb): void {
    let at = x;
    for (const ch of text) {
      const rows = glyph(ch);
      for (let row = 0; row < GLYPH_HEIGHT; row++) {
        for (let col = 0; col < GLYPH_WIDTH; col++) {
          if (rows[row] & (1 << (GLYPH_WIDTH - 1 - col))) this.fillRect(at + col * scale, y + row * scale, scale, scale, color);
        }
      }
      at += advance(scale);
    }
  }
}

/** Horizontal distance from one glyph to the next: five cells and one of spacing. */
export function advance(scale: number): number {
  return (GLYPH_WIDTH + 1) * scale;
}

/** Shortens `text` to `maxChars` characters, marking the cut with "...". */
export function fit(text: string, maxChars: number): string {
  const chars = [...text];
  return chars.length <= maxChars ? text : `${chars.slice(0, Math.max(0, maxChars - 3)).join('')}...`;
}

const MARGIN = 64;

function toneColor(tone: 'good' | 'bad' | 'warning' | 'neutral' | undefined): Rgb {
  return tone === 'good' ? COLOR.good : tone === 'bad' ? COLOR.bad : tone === 'warning' ? COLOR.warning : COLOR.text;
}

/** The card as pixels (see renderPreviewPng for the file). */
export function drawPreview(trace: Trace): Raster {
  const card = buildSummary(trace, english);
  const raster = new Raster(PREVIEW_WIDTH, PREVIEW_HEIGHT, COLOR.background);
  const outcomeColor = toneColor(card.tone);
  const textWidth = PREVIEW_WIDTH - 2 * MARGIN;
  const columns = (scale: number) => Math.floor(textWidth / advance(scale));

  // The outcome's colour runs down the left edge, as on the page's summary card.
  raster.fillRect(0, 0, 16, PREVIEW_HEIGHT, outcomeColor);
  raster.drawText('⟨TLS⟩ PLAYGROUND', MARGIN, 48, 4, COLOR.brand);
  raster.drawText(fit(card.outcomeLabel, columns(9)), MARGIN, 108, 9, outcomeColor);
  raster.drawText(fit(targetOf(trace), columns(5)), MARGIN, 196, 5, COLOR.text);

  const lines: { text: string; color: Rgb }[] = [];
  const negotiated = [trace.version, trace.group].filter(Boolean).join(' · ');
  lines.push({ text: negotiated || 'Nothing negotiated', color: negotiated ? COLOR.text : COLOR.muted });
  if (trace.cipherSuite) lines.push({ text: trace.cipherSuite, color: COLOR.text });
  const http = card.items.find((item) => item.label === english('summary.items.http'));
  if (trace.http && http) lines.push({ text: `HTTP ${http.value}`, color: toneColor(http.tone) });
  for (const alert of card.alerts.slice(0, 2)) lines.push({ text: alert.text, color: toneColor(alert.tone) });
  const total = card.timings.find((item) => item.label === english('summary.items.total'))?.value;
  const footer = { text: `As ${trace.personality} · ${trace.steps.length} steps${total && total !== '—' ? ` · ${total}` : ''}`, color: COLOR.muted };
  let y = 266;
  for (const line of [...lines.slice(0, 4), footer]) {
    raster.drawText(fit(line.text, columns(4)), MARGIN, y, 4, line.color);
    y += 44;
  }

  // The run at a glance: one mark per step, client's above the line, server's below, local ones on it.
  const stripTop = 510;
  const stripHeight = 76;
  raster.fillRect(MARGIN, stripTop, textWidth, stripHeight, COLOR.panel);
  const steps = trace.steps.filter((s) => s.layer !== 'key');
  if (steps.length > 0) {
    const slot = textWidth / steps.length;
    const mark = Math.max(1, Math.min(18, slot - 2));
    const mid = stripTop + stripHeight / 2;
    steps.forEach((step, i) => {
      const x = MARGIN + i * slot + (slot - mark) / 2;
      const failed = isProblemAlert(step) || transportEvent(step) === 'reset' || (step.kind === 'outcome' && step.data.outcome === 'reset');
      if (step.direction === 'client->server') raster.fillRect(x, mid - 30, mark, 26, failed ? COLOR.bad : COLOR.client);
      else if (step.direction === 'server->client') raster.fillRect(x, mid + 4, mark, 26, failed ? COLOR.bad : COLOR.server);
      else raster.fillRect(x, mid - 3, mark, 6, failed ? COLOR.bad : COLOR.local);
    });
  }
  return raster;
}

export function renderPreviewPng(trace: Trace, deflate: Deflate): Uint8Array {
  return encodePng(drawPreview(trace), deflate);
}

/**
 * The card of a saved diagnosis or comparison: its title, then one line per run (the probe or the
 * client, and how it ended) in the outcome's colour, so the card alone says who fails and who works.
 */
export function drawBundlePreview(bundle: Bundle): Raster {
  const raster = new Raster(PREVIEW_WIDTH, PREVIEW_HEIGHT, COLOR.background);
  const textWidth = PREVIEW_WIDTH - 2 * MARGIN;
  const columns = (scale: number) => Math.floor(textWidth / advance(scale));
  let rows: { label: string; result: string; tone: 'good' | 'bad' | 'warning' }[];
  let headline: { text: string; tone: 'good' | 'bad' | 'warning' };
  if (bundle.kind === 'diagnosis') {
    const d = diagnosisOf(bundle);
    headline = { text: d.severity === 'problem' ? 'Some clients fail' : d.severity === 'ok' ? 'No renegotiation problem' : 'No TLS handshake', tone: d.severity === 'problem' ? 'bad' : d.severity === 'ok' ? 'good' : 'warning' };
    rows = d.probes.map((p) => ({ label: p.label, result: describeResult(p), tone: p.outcome !== 'ok' ? 'bad' : p.httpStatus !== undefined && p.httpStatus >= 400 ? 'warning' : 'good' }));
  } else {
    const { a, b, labelA, labelB } = comparisonOf(bundle);
    headline = { text: `${a.personality} vs ${b.personality}`, tone: a.outcome === b.outcome ? 'good' : 'warning' };
    rows = [
      { label: labelA, result: buildSummary(a, english).outcomeLabel, tone: buildSummary(a, english).tone },
      { label: labelB, result: buildSummary(b, english).outcomeLabel, tone: buildSummary(b, english).tone },
    ];
  }
  raster.fillRect(0, 0, 16, PREVIEW_HEIGHT, toneColor(headline.tone));
  raster.drawText(bundle.kind === 'diagnosis' ? '⟨TLS⟩ PLAYGROUND · DIAGNOSIS' : '⟨TLS⟩ PLAYGROUND · COMPARISON', MARGIN, 48, 4, COLOR.brand);
  raster.drawText(fit(headline.text, columns(8)), MARGIN, 100, 8, toneColor(headline.tone));
  raster.drawText(fit(bundleTitle(bundle).replace(/:.*$/, '').replace(/^.* (of|on) /, ''), columns(5)), MARGIN, 180, 5, COLOR.text);
  const scale = rows.length > 6 ? 3 : 4;
  const lineHeight = scale === 3 ? 40 : 50;
  let y = 260;
  for (const row of rows.slice(0, 8)) {
    const label = fit(row.label, Math.floor(columns(scale) / 2) - 1);
    raster.drawText(label, MARGIN, y, scale, COLOR.muted);
    raster.drawText(fit(row.result, Math.ceil(columns(scale) / 2)), MARGIN + Math.floor(columns(scale) / 2) * advance(scale), y, scale, toneColor(row.tone));
    y += lineHeight;
  }
  return raster;
}

export function renderBundlePreviewPng(bundle: Bundle, deflate: Deflate): Uint8Array {
  return encodePng(drawBundlePreview(bundle), deflate);
}
