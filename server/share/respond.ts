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

/**
 * The artifact's bytes, cached for good. Next.js compresses them on the way out when the client
 * takes gzip (and adds Vary: Accept-Encoding itself); it drops a route's own Content-Encoding and
 * Content-Length, so pre-compressed bytes cannot be sent from here.
 */
export function serveArtifact({ artifact, source }: { artifact: Artifact; source: ArtifactSource }, { vary, headers = {} }: ServeOptions): Response {
  const out: Record<string, string> = { 'Content-Type': artifact.contentType, 'Cache-Control': IMMUTABLE, [CACHE_SOURCE_HEADER]: source, ...headers };
  if (vary.length) out.Vary = vary.join(', ');
  return new Response(artifact.body as Uint8Array<ArrayBuffer>, { status: 200, headers: out });
}

/** A 404 or 503 that no cache keeps. */
export function notServed(status: 404 | 503, text: string, contentType = 'text/plain; charset=utf-8', headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { 'Content-Type': contentType, 'Cache-Control': NOT_CACHED, ...headers } });
}
