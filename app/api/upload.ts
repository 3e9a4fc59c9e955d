import { gunzipSync } from 'node:zlib';

/**
 * Reading an upload (a trace for /api/results, a bundle for /api/bundles): JSON, or gzip of it
 * with Content-Encoding: gzip as the page sends it, never buffering more than the size cap.
 *
 * Content-Type must be application/json: a form or text/plain POST is a "simple" request that any
 * site can make a visitor's browser send without a CORS preflight (Fetch §3.2.3, CORS-safelisted
 * request-header), so accepting one would let any page save things in a visitor's name.
 */

export function errorResponse(status: number, code: string, error: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error, code }, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}

/** The 415 for an upload that is not application/json, or undefined when it is. */
export function notJson(request: Request, what: string): Response | undefined {
  if ((request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase() === 'application/json') return undefined;
  // The body is not read: the connection closes rather than carry its bytes into the next request.
  return errorResponse(415, 'UNSUPPORTED_MEDIA_TYPE', `Send the ${what} with Content-Type: application/json.`, { Connection: 'close' });
}

/** Headers of a refusal: a body left partly unread means the connection cannot carry another request. */
export function refusalHeaders(error: TooLarge): Record<string, string> {
  return error.unread ? { Connection: 'close' } : {};
}

export function describeBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

export class TooLarge extends Error {
  constructor(
    /** The size the request declared (Content-Length), when it did. */
    readonly declared?: number,
    /** Body bytes are still unread on the connection: it cannot carry another request. */
    readonly unread = false,
  ) {
    super('too large');
  }
}

export class NotReadable extends Error {}

/**
 * Reads the body as UTF-8 text, stopping as soon as it exceeds `maxBytes` (no unbounded buffering);
 * a gzip body is unpacked, and stopped at `maxBytes` of output too (no decompression bomb).
 */
export async function readBody(request: Request, maxBytes: number): Promise<string> {
  const encoding = (request.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') throw new NotReadable(`Content-Encoding ${encoding} is not supported; send the trace as JSON, or gzip it.`);
  const raw = await readRaw(request, maxBytes, encoding === 'gzip');
  if (encoding === 'identity') return raw.toString('utf8');
  try {
    return gunzipSync(raw, { maxOutputLength: maxBytes }).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new TooLarge();
    throw new NotReadable('The upload says it is gzip but does not unpack.');
  }
}

/** The body's bytes as sent, at most `maxBytes`; the declared size says how large a refused one was (not for gzip). */
async function readRaw(request: Request, maxBytes: number, gzip: boolean): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw new TooLarge(gzip ? undefined : declared, true);
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // The rest of the body is left unread (reading an attacker's gigabytes to keep a connection
      // alive is not worth it), so the answer closes the connection (RFC 9112 §9.6) instead of a
      // keep-alive whose next request would meet the body's tail.
      await reader.cancel();
      throw new TooLarge(undefined, true);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

