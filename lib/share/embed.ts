/**
 * Embedding a run in another site: the iframe snippet, the message an embed sends its parent, and
 * the oEmbed answer (https://oembed.com/ §2.3.4, the "rich" type) that docs tools turn into that same
 * iframe. Pure functions over an origin and a result id, shared by the page, the oEmbed route and
 * the tests.
 */
import { withLang, type Locale } from '../i18n/locales';

/** What /embed pages post to their parent whenever their height changes. */
export const HEIGHT_MESSAGE_TYPE = 'tls-playground:height';

export interface HeightMessage {
  type: typeof HEIGHT_MESSAGE_TYPE;
  /** CSS pixels: the document's full height, so the parent can size the iframe without scrollbars. */
  height: number;
}

export function isHeightMessage(data: unknown): data is HeightMessage {
  return typeof data === 'object' && data !== null && (data as HeightMessage).type === HEIGHT_MESSAGE_TYPE && typeof (data as HeightMessage).height === 'number';
}

/** Default size of the iframe before the embed reports its height. */
export const EMBED_WIDTH = 720;
export const EMBED_HEIGHT = 560;

/**
 * A saved run (immutable, no network access) only needs scripts. A recipe embed runs live: it needs
 * its own origin (allow-same-origin) to fetch its settings and to be admitted by the relay's Origin
 * check. Popups let "Open in TLS Playground" open a normal tab.
 */
export const SAVED_EMBED_SANDBOX = 'allow-scripts allow-popups allow-popups-to-escape-sandbox';
export const LIVE_EMBED_SANDBOX = 'allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox';

export function resultPath(id: string): string {
  return `/r/${encodeURIComponent(id)}`;
}

/** The saved trace as JSON (immutable, like the page): what the /r page loads its bytes from. */
export function resultApiPath(id: string): string {
  return `/api/results/${encodeURIComponent(id)}`;
}

export function embedPath(id: string): string {
  return `/embed/r/${encodeURIComponent(id)}`;
}

export function previewImagePath(id: string): string {
  return `/r/${encodeURIComponent(id)}/preview.png`;
}

/** The two kinds of saved bundle, and the letter of their pages: /d/{id} a diagnosis, /c/{id} a comparison. */
export type SharedBundleKind = 'diagnosis' | 'comparison';
const BUNDLE_LETTER: Record<SharedBundleKind, string> = { diagnosis: 'd', comparison: 'c' };

export function bundlePath(kind: SharedBundleKind, id: string): string {
  return `/${BUNDLE_LETTER[kind]}/${encodeURIComponent(id)}`;
}

export function bundleEmbedPath(kind: SharedBundleKind, id: string): string {
  return `/embed${bundlePath(kind, id)}`;
}

export function bundlePreviewImagePath(kind: SharedBundleKind, id: string): string {
  return `${bundlePath(kind, id)}/preview.png`;
}

/** The bundle named by a /d/{id}, /c/{id} or /embed/d|c/{id} link, or undefined for any other URL. */
export function bundleFromUrl(input: string): { kind: SharedBundleKind; id: string } | undefined {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const match = /^\/(?:embed\/)?([dc])\/([A-Za-z0-9_-]+)\/?$/.exec(url.pathname);
  if (!match) return undefined;
  return { kind: match[1] === 'd' ? 'diagnosis' : 'comparison', id: match[2] };
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface IframeOptions {
  src: string;
  title: string;
  width?: number;
  height?: number;
  sandbox?: string;
}

/**
 * The iframe snippet: full width up to `width`, a starting height that the embed's height messages
 * can then correct (see embedResizeScript for the listener a host page can add).
 */
export function iframeSnippet({ src, title, width = EMBED_WIDTH, height = EMBED_HEIGHT, sandbox = SAVED_EMBED_SANDBOX }: IframeOptions): string {
  return (
    `<iframe src="${escapeAttribute(src)}" title="${escapeAttribute(title)}" width="${width}" height="${height}" ` +
    `style="border:0;max-width:100%" loading="lazy" sandbox="${sandbox}"></iframe>`
  );
}

/**
 * A few lines a host page can add so every TLS Playground iframe takes the height it reports. The
 * message names its sender by event.source, so only the iframe that sent it is resized.
 */
export function embedResizeScript(): string {
  return (
    `<script>addEventListener('message',function(e){var d=e.data;if(!d||d.type!=='${HEIGHT_MESSAGE_TYPE}')return;` +
    `document.querySelectorAll('iframe').forEach(function(f){if(f.contentWindow===e.source)f.style.height=d.height+'px';});});</script>`
  );
}

/** The id of a saved result named by a /r/{id} or /embed/r/{id} link, or undefined for any other URL. */
export function resultIdFromUrl(input: string): string | undefined {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const match = /^\/(?:embed\/)?r\/([A-Za-z0-9_-]+)\/?$/.exec(url.pathname);
  return match?.[1];
}

export interface OEmbedRich {
  version: '1.0';
  type: 'rich';
  title: string;
  provider_name: string;
  provider_url: string;
  html: string;
  width: number;
  height: number;
  /** Present only when the preview image fits maxwidth × maxheight (all three, or none: oEmbed §2.3.4). */
  thumbnail_url?: string;
  thumbnail_width?: number;
  thumbnail_height?: number;
  cache_age: number;
}

export const PROVIDER_NAME = 'TLS Playground';

/**
 * The oEmbed answer for a saved result. maxwidth/maxheight (oEmbed §2.2) shrink the iframe, never
 * grow it, and bound the thumbnail as well (§2.3.4: the thumbnail must respect them too). The
 * preview image has one size, so when it does not fit the answer has no thumbnail, rather than
 * one whose stated size is not the image's. Saved results are immutable, so consumers may cache
 * the answer for a long time.
 */
export function oembedForResult(
  origin: string,
  id: string,
  title: string,
  size: { maxWidth?: number; maxHeight?: number; thumbnail: { width: number; height: number }; locale?: Locale },
): OEmbedRich {
  // The iframe speaks the language the answer was asked in (?lang=).
  const embed = size.locale ? withLang(embedPath(id), size.locale) : embedPath(id);
  return oembedFor(origin, embed, previewImagePath(id), title, size);
}

/** The oEmbed answer for a saved diagnosis or comparison: its embed and its share card. */
export function oembedForBundle(
  origin: string,
  kind: SharedBundleKind,
  id: string,
  title: string,
  size: { maxWidth?: number; maxHeight?: number; thumbnail: { width: number; height: number }; locale?: Locale },
): OEmbedRich {
  const embed = size.locale ? withLang(bundleEmbedPath(kind, id), size.locale) : bundleEmbedPath(kind, id);
  return oembedFor(origin, embed, bundlePreviewImagePath(kind, id), title, size);
}

function oembedFor(
  origin: string,
  embed: string,
  preview: string,
  title: string,
  { maxWidth, maxHeight, thumbnail }: { maxWidth?: number; maxHeight?: number; thumbnail: { width: number; height: number } },
): OEmbedRich {
  const width = Math.max(1, Math.min(EMBED_WIDTH, maxWidth ?? EMBED_WIDTH));
  const height = Math.max(1, Math.min(EMBED_HEIGHT, maxHeight ?? EMBED_HEIGHT));
  const thumbnailFits = thumbnail.width <= (maxWidth ?? Infinity) && thumbnail.height <= (maxHeight ?? Infinity);
  return {
    version: '1.0',
    type: 'rich',
    title,
    provider_name: PROVIDER_NAME,
    provider_url: `${origin}/`,
    html: iframeSnippet({ src: `${origin}${embed}`, title, width, height }),
    width,
    height,
    ...(thumbnailFits && {
      thumbnail_url: `${origin}${preview}`,
      thumbnail_width: thumbnail.width,
      thumbnail_height: thumbnail.height,
    }),
    cache_age: 86_400,
  };
}
