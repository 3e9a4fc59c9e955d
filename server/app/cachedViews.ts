import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants, gzipSync } from 'node:zlib';
import { cachedViewAt } from '../share/views';
import { acceptsGzip } from './contentCoding';
import headerRules from './headers.json';

/**
 * The fast path for saved-run views this instance already holds in memory (the render cache,
 * server/share/artifactCache.ts): /r/{id}, /embed/r/{id}, /embed/r/{id}/steps, /r/{id}/preview.png,
 * /api/results/{id} and oEmbed for a saved run. Such an answer is a few header strings around bytes
 * made once, yet through Next's router it costs what a page costs: route resolution, the request and
 * response turned into web streams and back, async-context tracking — three to four times what a
 * static file costs (bench: share). Here it is written straight to the socket instead.
 *
 * Same answer, fewer steps: the view's own description (server/share/views.ts) decides the key, the
 * status and the headers, exactly as its Next route does; the headers Next adds to every answer by
 * path (next.config.js) come from the same file (./headers.json) and, as in Next, win over a view's
 * own. Anything else — a miss, another path, another method — goes to Next unchanged, and that miss
 * fills the cache (from the shared store or by rendering), so instances sharing one database each
 * serve from memory after their first request for a view.
 *
 * Compression: the body is gzipped once (level 9) and kept beside the cached bytes, where Next would
 * gzip it again for every answer (and drops a route's own Content-Encoding).
 */

/** Bodies smaller than this are sent as they are (Next's compression threshold, 1 KiB). */
const COMPRESS_MIN_BYTES = 1024;
const COMPRESSIBLE = /^(?:text\/|application\/(?:json|javascript)|image\/svg\+xml)/;

const gzipped = new WeakMap<Uint8Array, Buffer>();

function gzipOf(body: Uint8Array): Buffer {
  let packed = gzipped.get(body);
  if (!packed) {
    packed = gzipSync(body, { level: constants.Z_BEST_COMPRESSION });
    gzipped.set(body, packed);
  }
  return packed;
}

/** The headers Next adds to every answer on this path (next.config.js reads the same rules). */
function pathHeaders(pathname: string): Record<string, string> {
  const embedded = pathname === '/embed' || pathname.startsWith('/embed/');
  return {
    ...headerRules.everywhere,
    ...(embedded ? {} : headerRules.outsideEmbeds),
    ...(pathname.startsWith('/api/') ? headerRules.api : {}),
  };
}

function nodeHeaders(request: IncomingMessage): Pick<Headers, 'get'> {
  return {
    get(name) {
      const value = request.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/**
 * Answers `request` from the render cache and returns true, or returns false having written
 * nothing (the caller hands the request to Next).
 */
export function answerCachedView(request: IncomingMessage, response: ServerResponse): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  let url: URL;
  let answer: ReturnType<typeof cachedViewAt>;
  try {
    url = new URL(request.url ?? '/', 'http://app.invalid');
    answer = cachedViewAt({ url, headers: nodeHeaders(request) });
  } catch (error) {
    // Whatever went wrong, Next's route answers the same request properly.
    console.error('the cached-view fast path failed, passing the request to Next:', error);
    return false;
  }
  if (!answer) return false;
  const headers: Record<string, string> = { ...answer.headers, ...pathHeaders(url.pathname) };
  let body: Uint8Array = answer.body;
  if (body.byteLength >= COMPRESS_MIN_BYTES && COMPRESSIBLE.test(headers['Content-Type'] ?? '')) {
    // Which bytes come back depends on Accept-Encoding, whichever this request sent.
    headers.Vary = headers.Vary ? `${headers.Vary}, Accept-Encoding` : 'Accept-Encoding';
    if (acceptsGzip(request.headers['accept-encoding'])) {
      body = gzipOf(body);
      headers['Content-Encoding'] = 'gzip';
    }
  }
  headers['Content-Length'] = String(body.byteLength);
  response.writeHead(answer.status, headers);
  response.end(request.method === 'HEAD' ? undefined : body);
  return true;
}
