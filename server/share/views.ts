import { oembedForResult, resultIdFromUrl, type SharedBundleKind } from '../../lib/share/embed';
import { runTitle } from '../../lib/share/describe';
import { LOCALE_COOKIE, type Locale } from '../../lib/i18n/locales';
import { loadCatalog } from '../../lib/i18n/catalogs';
import { translator, type Translate } from '../../lib/i18n/translator';
import { chooseLanguage, cookieValue, type LanguageChoice } from '../../lib/share/language';
import { renderLightEmbed } from '../../lib/share/lightEmbed';
import { SAVED_RUN_PAGE_MESSAGES } from '../../lib/share/savedRunMessages';
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
import { cachedAnswer, NOT_CACHED, notServed, toResponse, type Answer } from './respond';

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
 * | meta    | /api/oembed?url=/r/{id}  | lib/share/describe.ts (the title; the answer around it is a few string joins) |
 * | json    | /api/results/{id}        | the trace's JSON (memory only: the store has it)    |
 * | d-page, c-page   | /d/{id}, /c/{id}  | the Next pages /render/d/{id}, /render/c/{id}: a saved diagnosis, comparison |
 * | d-embed, c-embed | /embed/d/{id}, /embed/c/{id} | the Next pages /embed/render/d/{id}, /embed/render/c/{id} |
 *
 * Each view is described once (a ViewRequest: its cache key, how it is made, how an artifact of it
 * is answered) and served two ways: by its Next route (which may read the store or render), and,
 * when this instance has it in memory, by the fast path in front of Next's router
 * (server/app/cachedViews.ts, through cachedViewAt()), with the same headers.
 *
 * The /r page writes absolute links (share link, Open Graph), so its key includes the origin, and
 * it is written to the shared store only when PUBLIC_URL fixes that origin: without it the origin
 * comes from request headers, and forged hosts must not fill the database (memory is bounded).
 */

type View = 'page' | 'embed' | 'steps' | 'preview' | 'meta' | 'json' | 'd-page' | 'c-page' | 'd-embed' | 'c-embed';

interface Cached {
  artifact: Artifact;
  source: ArtifactSource;
}

/** What a request for one view of one saved result asks for. */
interface ViewRequest {
  view: View;
  id: string;
  lang: string;
  /** In the key when the view writes absolute links. */
  origin?: string;
  /** In the key when the URL's query picks one of several forms of the view (a bundle page's ?run=). */
  variant?: string;
  /** Written to the shared store (default); false for views cheap to make from the store's own data. */
  persist?: boolean;
  /** Makes the view (null: no saved result has this id). */
  make(): Promise<StoredArtifact | null>;
  /** The answer made of an artifact of this view. */
  answer(cached: Cached): Answer;
  /** The answer when no saved result has this id (a 404 no cache keeps). */
  missing(): Response | Promise<Response>;
  /** The answer when the store or the render failed (default: a plain 503). */
  unavailable?(error: unknown): Response;
}

/** The part of a request a view reads: its URL and headers (a web Request, or node's, adapted). */
export interface RequestLike {
  url: URL;
  headers: Pick<Headers, 'get'>;
}

/** Views that find no saved result answer this (a 404 no cache keeps). */
class NoSuchResult extends Error {}

function keyOf(build: string, view: View, id: string, lang: string, origin?: string, variant?: string): string {
  return [build, view, id, lang, ...(origin ? [origin] : []), ...(variant ? [`run=${variant}`] : [])].join('|');
}

/**
 * The view from the cache, or made by `make` (null: no saved result has this id). Under `next dev`
 * (no build id) nothing is cached.
 */
async function cached({ view, id, lang, origin, variant, persist = true, make }: Pick<ViewRequest, 'view' | 'id' | 'lang' | 'origin' | 'variant' | 'persist' | 'make'>): Promise<Cached> {
  const build = buildId();
  if (!build) {
    const artifact = await make();
    if (!artifact) throw new NoSuchResult();
    return { artifact, source: 'render' };
  }
  const found = await renderCache().get(keyOf(build, view, id, lang, origin, variant), make, { persist });
  if (!found) throw new NoSuchResult();
  return found;
}

/** A view by its route: unknown ids become `missing()`, failures a 503. */
async function serve(request: ViewRequest): Promise<Response> {
  if (!isResultId(request.id)) return request.missing();
  try {
    return toResponse(request.answer(await cached(request)));
  } catch (error) {
    if (error instanceof NoSuchResult) return request.missing();
    if (request.unavailable) return request.unavailable(error);
    if (!(error instanceof StoreError)) console.error('serving a saved result failed:', error);
    return notServed(503, 'Saved results are unavailable right now.');
  }
}

/**
 * The answer to a GET of a cached view that this instance holds in memory, or undefined (not such a
 * view, not in memory, or `next dev`): then the request goes to Next's router and its route.
 */
export function cachedViewAt(request: RequestLike): Answer | undefined {
  const build = buildId();
  const view = build && viewAt(request);
  if (!view) return undefined;
  const artifact = renderCache().peek(keyOf(build, view.view, view.id, view.lang, view.origin, view.variant));
  return artifact && view.answer({ artifact, source: 'memory' });
}

const VIEW_PATHS: [RegExp, (request: RequestLike, id: string) => ViewRequest][] = [
  [/^\/r\/([^/]+)$/, pageView],
  [/^\/embed\/r\/([^/]+)$/, embedView],
  [/^\/embed\/r\/([^/]+)\/steps$/, stepsView],
  [/^\/r\/([^/]+)\/preview\.png$/, previewView],
  [/^\/api\/results\/([^/]+)$/, jsonView],
  [/^\/d\/([^/]+)$/, (request, id) => bundlePageView(request, 'diagnosis', id)],
  [/^\/c\/([^/]+)$/, (request, id) => bundlePageView(request, 'comparison', id)],
  [/^\/embed\/d\/([^/]+)$/, (request, id) => bundleEmbedView(request, 'diagnosis', id)],
  [/^\/embed\/c\/([^/]+)$/, (request, id) => bundleEmbedView(request, 'comparison', id)],
];

function viewAt(request: RequestLike): ViewRequest | undefined {
  const { pathname } = request.url;
  if (pathname === '/api/oembed') {
    const id = oembedTarget(request.url.searchParams);
    return typeof id === 'string' ? oembedView(request, id) : undefined;
  }
  for (const [path, view] of VIEW_PATHS) {
    const id = path.exec(pathname)?.[1];
    if (id !== undefined) return isResultId(id) ? view(request, id) : undefined;
  }
  return undefined;
}

async function savedTrace(id: string): Promise<Trace | null> {
  return (await sharedStore()).get(id);
}

/** Vary for the origin: none when PUBLIC_URL fixes it, else Host (`next dev` only: production requires PUBLIC_URL). */
function originVary(): string[] {
  return process.env.PUBLIC_URL ? [] : ['Host'];
}

/** The words of a view in `locale` (lib/i18n): the light embed and oEmbed speak the reader's language. */
async function words(locale: Locale): Promise<Translate> {
  return translator(locale, await loadCatalog(locale));
}

/**
 * An internal address no route matches: Next renders the app's not-found page for it (app/not-found.tsx,
 * in the root layout, status 404) on the server. A page that calls notFound() itself (/render/r/_) came
 * back instead as Next's error shell (<html id="__next_error__">, without the reader's <html lang> or
 * any text), drawn only once the browser ran its scripts.
 */
const NO_SUCH_PAGE = '/render/no-such-page';

/** The app's not-found page in this language, rendered once (it is the same for every unknown id). */
async function notFoundPage(view: View, lang: string, origin: string, frameAncestors: string): Promise<Response> {
  const build = buildId();
  let artifact: StoredArtifact | undefined;
  const render = async () => {
    const rendered = await renderPage(NO_SUCH_PAGE, { origin, lang });
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

function policyOf(artifact: StoredArtifact, frameAncestors: string, selfScripts: boolean): string {
  return cachedPagePolicy({ scriptHashes: artifact.meta.scriptHashes?.split(' ').filter(Boolean) ?? [], frameAncestors, selfScripts });
}

/**
 * A top-level page opened with ?lang= remembers the language, as the header's switch does (the same
 * cookie proxy.ts sets for other pages; this route is not behind the proxy). The page's bytes do not
 * depend on it, so the cached answer stays the same for everyone.
 */
function rememberLanguage(request: RequestLike, choice: LanguageChoice): Record<string, string> {
  if (!choice.explicit || cookieValue(request.headers.get('cookie'), LOCALE_COOKIE) === choice.lang) return {};
  return { 'Set-Cookie': `${LOCALE_COOKIE}=${choice.lang}; Path=/; Max-Age=31536000; SameSite=Lax` };
}

/** The links a view writes name its language, so what they open is in it too (and so is their cache key). */
function langQuery(choice: LanguageChoice): string {
  return `?lang=${encodeURIComponent(choice.lang)}`;
}

function languageOf(request: RequestLike): LanguageChoice {
  return chooseLanguage(request.url, request.headers);
}

/** A web Request as the views read it. */
function fromWeb(request: Request): RequestLike {
  return { url: new URL(request.url), headers: request.headers };
}

/** /r/{id}: the saved run's page. */
function pageView(request: RequestLike, id: string): ViewRequest {
  const choice = languageOf(request);
  const origin = publicOrigin(request.headers, process.env);
  return {
    view: 'page',
    id,
    lang: choice.lang,
    origin,
    persist: Boolean(process.env.PUBLIC_URL),
    async make() {
      if (!(await savedTrace(id))) return null;
      // The page loads its trace and the rest of the catalog itself (components/share/SavedTrace.tsx).
      const rendered = await renderPage(`/render/r/${id}`, { origin, lang: choice.lang, clientMessages: SAVED_RUN_PAGE_MESSAGES });
      return rendered.status === 200 ? rendered.artifact : null;
    },
    answer: (page) =>
      cachedAnswer(page, {
        vary: [...choice.vary, ...originVary()],
        headers: { 'Content-Security-Policy': policyOf(page.artifact, "'self'", true), 'X-Frame-Options': 'SAMEORIGIN', ...rememberLanguage(request, choice) },
      }),
    missing: () => notFoundPage('page', choice.lang, origin, "'self'"),
  };
}

/** GET /r/{id}: the saved run's page. */
export function savedRunPage(request: Request, id: string): Promise<Response> {
  return serve(pageView(fromWeb(request), id));
}

/**
 * The light embed's answer for an id that names no saved run (or diagnosis, or comparison), in the
 * reader's language: every embed's not-found answer, made here rather than rendered by Next (whose
 * not-found render of an embed page came back as its error shell).
 */
async function embedMissing(lang: Locale, kind: 'run' | SharedBundleKind = 'run'): Promise<Response> {
  const t = await words(lang);
  const title = kind === 'run' ? t('share.noSuchRun') : t('notFound.metaTitle');
  const sentence = kind === 'run' ? t('notFound.embed') : t('notFound.embedBundle', { kind });
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const html =
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="robots" content="noindex,nofollow"><title>${escape(title)}</title></head>` +
    '<body style="margin:0;padding:.5rem;font:14px system-ui,sans-serif"><p data-testid="not-found" style="border:1px dashed #a1a1aa;border-radius:.375rem;padding:1rem;text-align:center">' +
    `${escape(sentence)}</p></body></html>`;
  return notServed(404, html, 'text/html; charset=utf-8', { 'Content-Security-Policy': cachedPagePolicy({ scriptHashes: [], frameAncestors: '*', selfScripts: false }) });
}

/** /embed/r/{id}: the light embed. */
function embedView(request: RequestLike, id: string): ViewRequest {
  const choice = languageOf(request);
  return {
    view: 'embed',
    id,
    lang: choice.lang,
    async make() {
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
    },
    answer: (embed) => cachedAnswer(embed, { vary: choice.vary, headers: { 'Content-Security-Policy': policyOf(embed.artifact, '*', false) } }),
    missing: () => embedMissing(choice.lang),
  };
}

/** GET /embed/r/{id}: the light embed. */
export function lightEmbed(request: Request, id: string): Promise<Response> {
  return serve(embedView(fromWeb(request), id));
}

/** /embed/r/{id}/steps: the full, interactive embed (what the light embed's links open). */
function stepsView(request: RequestLike, id: string): ViewRequest {
  const choice = languageOf(request);
  const origin = publicOrigin(request.headers, process.env);
  return {
    view: 'steps',
    id,
    lang: choice.lang,
    async make() {
      if (!(await savedTrace(id))) return null;
      const rendered = await renderPage(`/embed/render/${id}`, { origin, lang: choice.lang });
      return rendered.status === 200 ? rendered.artifact : null;
    },
    answer: (page) => cachedAnswer(page, { vary: choice.vary, headers: { 'Content-Security-Policy': policyOf(page.artifact, '*', true) } }),
    // The light embed's not-found answer, made here (a render of the Next page for an unknown id came
    // back as Next's error shell, without the reader's <html lang>, until the browser rendered it again).
    missing: () => embedMissing(choice.lang),
  };
}

/** GET /embed/r/{id}/steps: the full, interactive embed. */
export function stepsEmbed(request: Request, id: string): Promise<Response> {
  return serve(stepsView(fromWeb(request), id));
}

/** /r/{id}/preview.png: the share card image (language-neutral: protocol names and numbers). */
function previewView(_request: RequestLike, id: string): ViewRequest {
  return {
    view: 'preview',
    id,
    lang: '-',
    async make() {
      const trace = await savedTrace(id);
      return trace && { contentType: 'image/png', body: renderPreviewPng(trace, zlibDeflate), meta: {} };
    },
    answer: (image) => cachedAnswer(image, { vary: [] }),
    missing: () => notServed(404, 'No such saved run.'),
  };
}

/** GET /r/{id}/preview.png: the share card image. */
export function previewImage(request: Request, id: string): Promise<Response> {
  return serve(previewView(fromWeb(request), id));
}

/** /api/results/{id}: the saved trace as JSON (kept in memory only; the store holds it already). */
function jsonView(_request: RequestLike, id: string): ViewRequest {
  return {
    view: 'json',
    id,
    lang: '-',
    persist: false,
    async make() {
      const trace = await savedTrace(id);
      return trace && { contentType: 'application/json', body: new TextEncoder().encode(JSON.stringify(trace)), meta: {} };
    },
    answer: (json) => cachedAnswer(json, { vary: [], headers: { 'Access-Control-Allow-Origin': '*' } }),
    missing: () => Response.json({ error: `There is no saved result ${JSON.stringify(id)}.`, code: 'NOT_FOUND' }, { status: 404, headers: { 'Cache-Control': NOT_CACHED } }),
    unavailable(error) {
      const message = error instanceof StoreError ? error.message : 'Saved results are unavailable on this server right now.';
      if (!(error instanceof StoreError)) console.error('reading a result failed:', error);
      return Response.json({ error: message, code: 'UNAVAILABLE' }, { status: 503, headers: { 'Cache-Control': NOT_CACHED } });
    },
  };
}

/** GET /api/results/{id}: the saved trace as JSON. */
export function resultJson(request: Request, id: string): Promise<Response> {
  return serve(jsonView(fromWeb(request), id));
}

/** The letter of a bundle kind's paths: /d/{id} for a diagnosis, /c/{id} for a comparison. */
function bundleLetter(kind: SharedBundleKind): 'd' | 'c' {
  return kind === 'diagnosis' ? 'd' : 'c';
}

async function bundleExists(kind: SharedBundleKind, id: string): Promise<boolean> {
  const bundle = await (await sharedStore()).getBundle(id);
  return bundle?.kind === kind;
}

/** A probe's role as ?run= names it (app/_bundle/savedBundle.ts), or undefined for the default view. */
const RUN_ROLE = /^[A-Za-z0-9._:-]{1,64}$/;

/** /d/{id} and /c/{id}: a saved diagnosis's or comparison's page; ?run= picks the probe shown step by step. */
function bundlePageView(request: RequestLike, kind: SharedBundleKind, id: string): ViewRequest {
  const choice = languageOf(request);
  const origin = publicOrigin(request.headers, process.env);
  const letter = bundleLetter(kind);
  const asked = request.url.searchParams.get('run');
  const run = asked && RUN_ROLE.test(asked) ? asked : undefined;
  return {
    view: `${letter}-page`,
    id,
    lang: choice.lang,
    origin,
    variant: run,
    // Only the page as linked goes to the shared store; a ?run= form stays in this instance's
    // bounded memory (any role-shaped value is a key, and visitors must not fill the database).
    persist: Boolean(process.env.PUBLIC_URL) && !run,
    async make() {
      if (!(await bundleExists(kind, id))) return null;
      const rendered = await renderPage(`/render/${letter}/${id}${run ? `?run=${encodeURIComponent(run)}` : ''}`, { origin, lang: choice.lang });
      return rendered.status === 200 ? rendered.artifact : null;
    },
    answer: (page) =>
      cachedAnswer(page, {
        vary: [...choice.vary, ...originVary()],
        headers: { 'Content-Security-Policy': policyOf(page.artifact, "'self'", true), 'X-Frame-Options': 'SAMEORIGIN', ...rememberLanguage(request, choice) },
      }),
    missing: () => notFoundPage(`${letter}-page`, choice.lang, origin, "'self'"),
  };
}

/** GET /d/{id} or /c/{id}. */
export function savedBundlePage(request: Request, kind: SharedBundleKind, id: string): Promise<Response> {
  return serve(bundlePageView(fromWeb(request), kind, id));
}

/** /embed/d/{id} and /embed/c/{id}: the compact form for other sites' iframes. */
function bundleEmbedView(request: RequestLike, kind: SharedBundleKind, id: string): ViewRequest {
  const choice = languageOf(request);
  const origin = publicOrigin(request.headers, process.env);
  const letter = bundleLetter(kind);
  return {
    view: `${letter}-embed`,
    id,
    lang: choice.lang,
    async make() {
      if (!(await bundleExists(kind, id))) return null;
      const rendered = await renderPage(`/embed/render/${letter}/${id}`, { origin, lang: choice.lang });
      return rendered.status === 200 ? rendered.artifact : null;
    },
    answer: (page) => cachedAnswer(page, { vary: choice.vary, headers: { 'Content-Security-Policy': policyOf(page.artifact, '*', true) } }),
    missing: () => embedMissing(choice.lang, kind),
  };
}

/** GET /embed/d/{id} or /embed/c/{id}. */
export function bundleEmbed(request: Request, kind: SharedBundleKind, id: string): Promise<Response> {
  return serve(bundleEmbedView(fromWeb(request), kind, id));
}

function oembedProblem(status: number, error: string): Response {
  return Response.json({ error }, { status, headers: { 'Cache-Control': NOT_CACHED, 'Access-Control-Allow-Origin': '*' } });
}

function positive(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}

/** The saved run an oEmbed query asks about, or the problem answer (oembed.com §2.3.5). */
function oembedTarget(query: URLSearchParams): string | Response {
  const format = query.get('format') ?? 'json';
  if (format !== 'json') return oembedProblem(501, `Only format=json is supported, not ${JSON.stringify(format)}.`);
  const url = query.get('url');
  if (!url) return oembedProblem(400, 'The url parameter is missing: pass the link of a saved run (…/r/{id}).');
  const id = resultIdFromUrl(url);
  if (!id || !isResultId(id)) return oembedProblem(404, 'That URL is not the link of a saved run (…/r/{id}).');
  return id;
}

/** oEmbed for a saved run: the title is made once (the meta view); the answer around it per request. */
function oembedView(request: RequestLike, id: string): ViewRequest {
  const query = request.url.searchParams;
  // The language: the link's own ?lang=, else this request's, else Accept-Language.
  const langUrl = new URL(request.url);
  const linked = new URL(query.get('url')!).searchParams.get('lang');
  if (linked && !langUrl.searchParams.has('lang')) langUrl.searchParams.set('lang', linked);
  const choice = chooseLanguage(langUrl, request.headers);
  return {
    view: 'meta',
    id,
    lang: choice.lang,
    async make() {
      const trace = await savedTrace(id);
      return trace && { contentType: 'application/json', body: new TextEncoder().encode(JSON.stringify({ title: runTitle(trace, await words(choice.lang)) })), meta: {} };
    },
    answer({ artifact, source }) {
      const { title } = JSON.parse(new TextDecoder().decode(artifact.body)) as { title: string };
      const body = oembedForResult(publicOrigin(request.headers, process.env), id, title, {
        locale: choice.lang,
        maxWidth: positive(query.get('maxwidth')),
        maxHeight: positive(query.get('maxheight')),
        thumbnail: { width: PREVIEW_WIDTH, height: PREVIEW_HEIGHT },
      });
      return cachedAnswer(
        { artifact: { contentType: 'application/json', body: new TextEncoder().encode(JSON.stringify(body)), meta: {} }, source },
        { vary: [...choice.vary, ...originVary()], headers: { 'Access-Control-Allow-Origin': '*' } },
      );
    },
    missing: () => oembedProblem(404, `There is no saved run ${JSON.stringify(id)}.`),
    unavailable(error) {
      if (!(error instanceof StoreError)) console.error('reading a result for oEmbed failed:', error);
      return oembedProblem(503, 'Saved results are unavailable right now.');
    },
  };
}

/**
 * GET /api/oembed?url=<a /r/{id} link>&format=json[&maxwidth=…&maxheight=…] — oEmbed 1.0 (oembed.com
 * §2.2–2.3): a "rich" answer whose html is the embed's iframe. Errors follow §2.3.5: 404 for a URL
 * that names no saved run, 501 for a format other than JSON, 400 for a request without a url.
 */
export function oembed(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const id = oembedTarget(url.searchParams);
  if (typeof id !== 'string') return Promise.resolve(id);
  return serve(oembedView({ url, headers: request.headers }, id));
}
