import { oembedForResult, resultIdFromUrl } from '../../lib/share/embed';
import { runTitle } from '../../lib/share/describe';
import { LOCALE_COOKIE, type Locale } from '../../lib/i18n/locales';
import { loadCatalog } from '../../lib/i18n/catalogs';
import { translator, type Translate } from '../../lib/i18n/translator';
import { chooseLanguage, cookieValue, type LanguageChoice } from '../../lib/share/language';
import { renderLightEmbed } from '../../lib/share/lightEmbed';
import { publicOrigin } from '../../lib/share/origin';
import { PREVIEW_HEIGHT, PREVIEW_WIDTH, renderPreviewPng } from '../../lib/share/previewImage';
import { zlibDeflate } from './png';
import type { Trace } from '../../lib/trace/schema';
import { StoreError, type StoredArtifact } from '../store';
import { isResultId } from '../store/snapshot';
import type { Artifact, ArtifactSource } from './artifactCache';
import { buildId, renderCache, sharedStore } from './instance';
import { cachedPagePolicy, inlineScriptHashes } from './pagePolicy';
import { renderPage } from './renderPage';
import { CACHE_SOURCE_HEADER, IMMUTABLE, NOT_CACHED, notServed, serveArtifact } from './respond';

/**
 * The views of a saved result, each made once per (build, view, id, language[, origin]) and then
 * served from the render cache (artifactCache.ts):
 *
 * | view    | URL                      | made by                                             |
 * |---------|--------------------------|-----------------------------------------------------|
 * | page    | /r/{id}                  | the Next page /render/r/{id} (renderPage.ts)        |
 * | embed   | /embed/r/{id}            | lib/share/lightEmbed.ts (HTML, no app scripts)      |
 * | steps   | /embed/r/{id}/steps      | the Next page /embed/render/{id}: the full embed    |
 * | preview | /r/{id}/preview.png      | lib/share/previewImage.ts                           |
 * | meta    | (oEmbed's title)         | lib/share/describe.ts                               |
 * | json    | /api/results/{id}        | the trace's JSON (memory only: the store has it)    |
 *
 * The /r page writes absolute links (share link, Open Graph), so its key includes the origin, and
 * it is written to the shared store only when PUBLIC_URL fixes that origin: without it the origin
 * comes from request headers, and forged hosts must not fill the database (memory is bounded).
 */

type View = 'page' | 'embed' | 'steps' | 'preview' | 'meta' | 'json';

interface Cached {
  artifact: Artifact;
  source: ArtifactSource;
}

/** Views that find no saved result answer this (a 404 no cache keeps). */
class NoSuchResult extends Error {}

function keyOf(build: string, view: View, id: string, lang: string, origin?: string): string {
  return [build, view, id, lang, ...(origin ? [origin] : [])].join('|');
}

/**
 * The view from the cache, or made by `make` (null: no saved result has this id). Under `next dev`
 * (no build id) nothing is cached.
 */
async function cached(view: View, id: string, lang: string, make: () => Promise<StoredArtifact | null>, { origin, persist = true }: { origin?: string; persist?: boolean } = {}): Promise<Cached> {
  const build = buildId();
  if (!build) {
    const artifact = await make();
    if (!artifact) throw new NoSuchResult();
    return { artifact, source: 'render' };
  }
  const found = await renderCache().get(keyOf(build, view, id, lang, origin), make, { persist });
  if (!found) throw new NoSuchResult();
  return found;
}

async function savedTrace(id: string): Promise<Trace | null> {
  return (await sharedStore()).get(id);
}

/** Vary for the origin: none when PUBLIC_URL fixes it, else the forwarded headers it may come from. */
/** Links are written with PUBLIC_URL (lib/share/origin.ts); only `next dev` without it uses Host. */
function originVary(): string[] {
  return process.env.PUBLIC_URL ? [] : ['Host'];
}

function unavailable(error: unknown, contentType?: string, body = 'Saved results are unavailable right now.'): Response {
  if (!(error instanceof StoreError)) console.error('serving a saved result failed:', error);
  return notServed(503, body, contentType);
}

/** Runs a view; unknown ids become `missing()`, failures a 503. */
async function answer(missing: () => Response | Promise<Response>, serve: () => Promise<Response>, failureType?: string): Promise<Response> {
  try {
    return await serve();
  } catch (error) {
    if (error instanceof NoSuchResult) return missing();
    return unavailable(error, failureType);
  }
}

/** The words of a view in `locale` (lib/i18n): the light embed and oEmbed speak the reader's language. */
async function words(locale: Locale): Promise<Translate> {
  return translator(locale, await loadCatalog(locale));
}

/** The not-found page of a Next view in this language, rendered once (it is the same for every unknown id). */
async function notFoundPage(view: 'page' | 'steps', path: string, lang: string, origin: string, frameAncestors: string): Promise<Response> {
  const build = buildId();
  let artifact: StoredArtifact | undefined;
  const render = async () => {
    const rendered = await renderPage(path, { origin, lang });
    return rendered.artifact;
  };
  if (build) artifact = (await renderCache().get(keyOf(build, view, '404', lang, origin), render, { persist: false }))?.artifact;
  artifact ??= await render();
  return new Response(artifact.body as Uint8Array<ArrayBuffer>, {
    status: 404,
    headers: {
      'Content-Type': artifact.contentType,
      'Cache-Control': NOT_CACHED,
      'Content-Security-Policy': policyOf(artifact, frameAncestors, true),
    },
  });
}

function languageOf(request: Request): LanguageChoice {
  return chooseLanguage(new URL(request.url), request.headers);
}

/** GET /r/{id}: the saved run's page. */
export async function savedRunPage(request: Request, id: string): Promise<Response> {
  const choice = languageOf(request);
  const origin = publicOrigin(request.headers, process.env);
  const missing = () => notFoundPage('page', '/render/r/_', choice.lang, origin, "'self'");
  if (!isResultId(id)) return missing();
  return answer(missing, async () => {
    const page = await cached(
      'page',
      id,
      choice.lang,
      async () => {
        if (!(await savedTrace(id))) return null;
        const rendered = await renderPage(`/render/r/${id}`, { origin, lang: choice.lang });
        return rendered.status === 200 ? rendered.artifact : null;
      },
      { origin, persist: Boolean(process.env.PUBLIC_URL) },
    );
    return serveArtifact(page, {
      vary: [...choice.vary, ...originVary()],
      headers: { 'Content-Security-Policy': policyOf(page.artifact, "'self'", true), 'X-Frame-Options': 'SAMEORIGIN', ...rememberLanguage(request, choice) },
    });
  });
}

function policyOf(artifact: StoredArtifact, frameAncestors: string, selfScripts: boolean): string {
  return cachedPagePolicy({ scriptHashes: artifact.meta.scriptHashes?.split(' ').filter(Boolean) ?? [], frameAncestors, selfScripts });
}

/**
 * A top-level page opened with ?lang= remembers the language, as the header's switch does (the same
 * cookie proxy.ts sets for other pages; this route is not behind the proxy). The page's bytes do not
 * depend on it, so the cached answer stays the same for everyone.
 */
function rememberLanguage(request: Request, choice: LanguageChoice): Record<string, string> {
  if (!choice.explicit || cookieValue(request.headers.get('cookie'), LOCALE_COOKIE) === choice.lang) return {};
  return { 'Set-Cookie': `${LOCALE_COOKIE}=${choice.lang}; Path=/; Max-Age=31536000; SameSite=Lax` };
}

/** The links a view writes name its language, so what they open is in it too (and so is their cache key). */
function langQuery(choice: LanguageChoice): string {
  return `?lang=${encodeURIComponent(choice.lang)}`;
}

const EMBED_MISSING_HTML =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex,nofollow"><title>No such saved run · TLS Playground</title></head>' +
  '<body style="margin:0;padding:.5rem;font:14px system-ui,sans-serif"><p data-testid="not-found" style="border:1px dashed #a1a1aa;border-radius:.375rem;padding:1rem;text-align:center">' +
  'This saved TLS Playground run does not exist. Check the embed code’s link.</p></body></html>';

function embedMissing(): Response {
  return notServed(404, EMBED_MISSING_HTML, 'text/html; charset=utf-8', { 'Content-Security-Policy': cachedPagePolicy({ scriptHashes: [], frameAncestors: '*', selfScripts: false }) });
}

/** GET /embed/r/{id}: the light embed. */
export async function lightEmbed(request: Request, id: string): Promise<Response> {
  if (!isResultId(id)) return embedMissing();
  const choice = languageOf(request);
  return answer(embedMissing, async () => {
    const embed = await cached('embed', id, choice.lang, async () => {
      const trace = await savedTrace(id);
      if (!trace) return null;
      const query = langQuery(choice);
      const { html, inlineScripts } = renderLightEmbed(trace, {
        id,
        locale: choice.lang,
        t: await words(choice.lang),
        pageHref: `/r/${id}${query}`,
        stepsHref: `/embed/r/${id}/steps${query}`,
      });
      return {
        contentType: 'text/html; charset=utf-8',
        body: new TextEncoder().encode(html),
        meta: { scriptHashes: inlineScriptHashes(inlineScripts.map((s) => `<script>${s}</script>`).join('')).join(' ') },
      };
    });
    return serveArtifact(embed, { vary: choice.vary, headers: { 'Content-Security-Policy': policyOf(embed.artifact, '*', false) } });
  });
}

/** GET /embed/r/{id}/steps: the full, interactive embed (what the light embed's links open). */
export async function stepsEmbed(request: Request, id: string): Promise<Response> {
  const choice = languageOf(request);
  const origin = publicOrigin(request.headers, process.env);
  const missing = () => notFoundPage('steps', '/embed/render/_', choice.lang, origin, '*');
  if (!isResultId(id)) return missing();
  return answer(missing, async () => {
    const page = await cached('steps', id, choice.lang, async () => {
      if (!(await savedTrace(id))) return null;
      const rendered = await renderPage(`/embed/render/${id}`, { origin, lang: choice.lang });
      return rendered.status === 200 ? rendered.artifact : null;
    });
    return serveArtifact(page, { vary: choice.vary, headers: { 'Content-Security-Policy': policyOf(page.artifact, '*', true) } });
  });
}

/** GET /r/{id}/preview.png: the share card image (language-neutral: protocol names and numbers). */
export async function previewImage(request: Request, id: string): Promise<Response> {
  const missing = () => notServed(404, 'No such saved run.');
  if (!isResultId(id)) return missing();
  return answer(missing, async () => {
    const image = await cached('preview', id, '-', async () => {
      const trace = await savedTrace(id);
      return trace && { contentType: 'image/png', body: renderPreviewPng(trace, zlibDeflate), meta: {} };
    });
    return serveArtifact(image, { vary: [] });
  });
}

/** GET /api/results/{id}: the saved trace as JSON (kept in memory only; the store holds it already). */
export async function resultJson(request: Request, id: string): Promise<Response> {
  const missing = () => Response.json({ error: `There is no saved result ${JSON.stringify(id)}.`, code: 'NOT_FOUND' }, { status: 404, headers: { 'Cache-Control': NOT_CACHED } });
  if (!isResultId(id)) return missing();
  try {
    const json = await cached(
      'json',
      id,
      '-',
      async () => {
        const trace = await savedTrace(id);
        return trace && { contentType: 'application/json', body: new TextEncoder().encode(JSON.stringify(trace)), meta: {} };
      },
      { persist: false },
    );
    return serveArtifact(json, { vary: [], headers: { 'Access-Control-Allow-Origin': '*' } });
  } catch (error) {
    if (error instanceof NoSuchResult) return missing();
    const message = error instanceof StoreError ? error.message : 'Saved results are unavailable on this server right now.';
    if (!(error instanceof StoreError)) console.error('reading a result failed:', error);
    return Response.json({ error: message, code: 'UNAVAILABLE' }, { status: 503, headers: { 'Cache-Control': NOT_CACHED } });
  }
}

function oembedProblem(status: number, error: string): Response {
  return Response.json({ error }, { status, headers: { 'Cache-Control': NOT_CACHED, 'Access-Control-Allow-Origin': '*' } });
}

function positive(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}

/**
 * GET /api/oembed?url=<a /r/{id} link>&format=json[&maxwidth=…&maxheight=…] — oEmbed 1.0 (oembed.com
 * §2.2–2.3): a "rich" answer whose html is the embed's iframe. Errors follow §2.3.5: 404 for a URL
 * that names no saved run, 501 for a format other than JSON, 400 for a request without a url. The
 * run's title is made once (the meta view); the answer around it is a few string joins.
 */
export async function oembed(request: Request): Promise<Response> {
  const query = new URL(request.url).searchParams;
  const format = query.get('format') ?? 'json';
  if (format !== 'json') return oembedProblem(501, `Only format=json is supported, not ${JSON.stringify(format)}.`);
  const url = query.get('url');
  if (!url) return oembedProblem(400, 'The url parameter is missing: pass the link of a saved run (…/r/{id}).');
  const id = resultIdFromUrl(url);
  if (!id || !isResultId(id)) return oembedProblem(404, 'That URL is not the link of a saved run (…/r/{id}).');
  // The language: the link's own ?lang=, else this request's, else Accept-Language.
  const langUrl = new URL(request.url);
  const linked = new URL(url).searchParams.get('lang');
  if (linked && !langUrl.searchParams.has('lang')) langUrl.searchParams.set('lang', linked);
  const choice = chooseLanguage(langUrl, request.headers);
  let meta: Cached;
  try {
    meta = await cached('meta', id, choice.lang, async () => {
      const trace = await savedTrace(id);
      return trace && { contentType: 'application/json', body: new TextEncoder().encode(JSON.stringify({ title: runTitle(trace, await words(choice.lang)) })), meta: {} };
    });
  } catch (error) {
    if (error instanceof NoSuchResult) return oembedProblem(404, `There is no saved run ${JSON.stringify(id)}.`);
    if (!(error instanceof StoreError)) console.error('reading a result for oEmbed failed:', error);
    return oembedProblem(503, 'Saved results are unavailable right now.');
  }
  const { title } = JSON.parse(new TextDecoder().decode(meta.artifact.body)) as { title: string };
  const body = oembedForResult(publicOrigin(request.headers, process.env), id, title, {
    locale: choice.lang,
    maxWidth: positive(query.get('maxwidth')),
    maxHeight: positive(query.get('maxheight')),
    thumbnail: { width: PREVIEW_WIDTH, height: PREVIEW_HEIGHT },
  });
  const vary = [...choice.vary, ...originVary()];
  return Response.json(body, {
    headers: { 'Cache-Control': IMMUTABLE, ...(vary.length ? { Vary: vary.join(', ') } : {}), 'Access-Control-Allow-Origin': '*', [CACHE_SOURCE_HEADER]: meta.source },
  });
}
