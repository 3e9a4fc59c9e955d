import { randomBytes } from 'node:crypto';
import type { StoredArtifact } from '../store';
import { inlineScriptHashes } from './pagePolicy';

/**
 * Renders one of the app's own Next.js pages to bytes, for the render cache: the public route (e.g.
 * /r/{id}) asks this same server, over loopback, for the internal page that draws it (/render/r/{id})
 * and keeps the HTML. The internal pages answer only requests that carry this process's render
 * token, so they are not a second public copy of every page; the token also carries what the public
 * request decided (the origin links are written with, the language), which the internal page then
 * uses instead of reading its own request.
 */

export const RENDER_TOKEN_HEADER = 'x-tlspg-render';
export const RENDER_ORIGIN_HEADER = 'x-tlspg-origin';
export const RENDER_LANG_HEADER = 'x-tlspg-lang';
export const RENDER_CLIENT_MESSAGES_HEADER = 'x-tlspg-client-messages';

const TOKEN = Symbol.for('tls-playground.renderToken');

/** This process's render token (route bundles are separate modules; globalThis is shared). */
export function renderToken(): string {
  const global = globalThis as { [TOKEN]?: string };
  global[TOKEN] ??= randomBytes(18).toString('base64url');
  return global[TOKEN];
}

export interface RenderRequest {
  origin: string;
  lang: string;
  /**
   * The catalog namespaces the page's client components get with the page (app/layout.tsx), when
   * the page loads the rest itself (the saved run's page: lib/share/savedRunMessages.ts); absent,
   * they get the whole catalog.
   */
  clientMessages?: readonly string[];
}

/**
 * What an internal page reads instead of its request: the public request's origin and language, or
 * undefined when the request does not carry this process's token (a visitor found the internal URL).
 */
export function renderRequest(headers: Pick<Headers, 'get'>): RenderRequest | undefined {
  if (headers.get(RENDER_TOKEN_HEADER) !== renderToken()) return undefined;
  const origin = headers.get(RENDER_ORIGIN_HEADER);
  const lang = headers.get(RENDER_LANG_HEADER);
  const clientMessages = headers.get(RENDER_CLIENT_MESSAGES_HEADER)?.split(',').filter(Boolean);
  return origin && lang ? { origin, lang, ...(clientMessages ? { clientMessages } : {}) } : undefined;
}

/** Where this server listens: `next start` records it in the environment when it starts listening. */
function selfOrigin(): string {
  const recorded = process.env.__NEXT_PRIVATE_ORIGIN;
  if (recorded) return recorded;
  return `http://127.0.0.1:${process.env.PORT ?? '3000'}`;
}

export interface RenderedPage {
  /** 404: the page called notFound(); the artifact is the not-found page. */
  status: 200 | 404;
  artifact: StoredArtifact;
}

/**
 * The internal page at `path`, rendered: its HTML and its inline scripts' hashes. The language goes
 * in `?lang=` as well, where the app's locale choice (proxy.ts, lib/i18n) reads it.
 */
export async function renderPage(path: string, { origin, lang, clientMessages }: RenderRequest): Promise<RenderedPage> {
  const url = new URL(path, selfOrigin());
  url.searchParams.set('lang', lang);
  const response = await fetch(url, {
    // Accept-Language too: a request the proxy does not see chooses its locale from it (app/i18n/request.ts).
    headers: {
      [RENDER_TOKEN_HEADER]: renderToken(),
      [RENDER_ORIGIN_HEADER]: origin,
      [RENDER_LANG_HEADER]: lang,
      ...(clientMessages ? { [RENDER_CLIENT_MESSAGES_HEADER]: clientMessages.join(',') } : {}),
      'accept-language': lang,
      'accept-encoding': 'identity',
    },
    redirect: 'manual',
    cache: 'no-store',
  });
  if (response.status !== 200 && response.status !== 404) {
    await response.body?.cancel();
    throw new Error(`rendering ${path} answered HTTP ${response.status}`);
  }
  const html = await response.text();
  return {
    status: response.status,
    artifact: {
      contentType: response.headers.get('content-type') ?? 'text/html; charset=utf-8',
      body: new TextEncoder().encode(html),
      meta: { scriptHashes: inlineScriptHashes(html).join(' ') },
    },
  };
}
