import type { Artifact, ArtifactSource } from './artifactCache';

/**
 * Responses for cached views of saved results. A saved result never changes, so when the URL alone
 * decides a response it may be kept for good (RFC 8246 immutable); when request headers also decided
 * it (the language from Accept-Language, the origin from X-Forwarded-Host), they are listed in Vary.
 */

export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Unknown ids and failures: the id may be saved a moment later, the database may come back. */
export const NOT_CACHED = 'no-store';

/** Header that says where the bytes came from: render (made by this request), memory or store. */
export const CACHE_SOURCE_HEADER = 'x-render-cache';

export interface ServeOptions {
  /** Request headers besides the URL that decided the response (Vary). */
  vary: readonly string[];
  /** Extra headers (CSP, CORS). */
  headers?: Record<string, string>;
}

/** A whole answer, before it becomes a web Response (a route) or is written to a socket (the fast path). */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** The artifact's bytes, cached for good. */
export function cachedAnswer({ artifact, source }: { artifact: Artifact; source: ArtifactSource }, { vary, headers = {} }: ServeOptions): Answer {
  const out: Record<string, string> = { 'Content-Type': artifact.contentType, 'Cache-Control': IMMUTABLE, [CACHE_SOURCE_HEADER]: source, ...headers };
  if (vary.length) out.Vary = vary.join(', ');
  return { status: 200, headers: out, body: artifact.body };
}

export function toResponse({ status, headers, body }: Answer): Response {
  return new Response(body as Uint8Array<ArrayBuffer>, { status, headers });
}

/**
 * The artifact's bytes as a route's Response. Next.js compresses them on the way out when the
 * client takes gzip (and adds Vary: Accept-Encoding itself); it drops a route's own Content-Encoding
 * and Content-Length, so pre-compressed bytes are sent only by the fast path in front of Next
 * (server/app/cachedViews.ts).
 */
export function serveArtifact(cached: { artifact: Artifact; source: ArtifactSource }, options: ServeOptions): Response {
  return toResponse(cachedAnswer(cached, options));
}

/** A 404 or 503 that no cache keeps. */
export function notServed(status: 404 | 503, text: string, contentType = 'text/plain; charset=utf-8', headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { 'Content-Type': contentType, 'Cache-Control': NOT_CACHED, ...headers } });
}
