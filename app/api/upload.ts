import { gunzipSync } from 'node:zlib';

/**
 * Reading an upload (a trace for /api/results, a bundle for /api/bundles): JSON, or gzip of it
 * with Content-Encoding: gzip as the page sends it, never buffering more than the size cap.
 */

export function errorResponse(status: number, code: string, error: string): Response {
  return Response.json({ error, code }, { status, headers: { 'Cache-Control': 'no-store' } });
}

export function describeBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

export class TooLarge extends Error {
  /** The size the request declared (Content-Length), when it did. */
  constructor(readonly declared?: number) {
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
  if (Number.isFinite(declared) && declared > maxBytes) throw new TooLarge(gzip ? undefined : declared);
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new TooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

