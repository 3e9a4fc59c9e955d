import { gunzipSync } from 'node:zlib';
import { StoreError } from '@/server/store';
import { resultPath } from '@/lib/share/embed';
import { publicOrigin } from '@/lib/share/origin';
import { maxUploadBytes, resultStore } from './resultStore';

/**
 * POST /api/results — saves a trace (the JSON body, or gzip of it with Content-Encoding: gzip, as
 * the page sends it) as an immutable, content-addressed result.
 *   201 {id, url, created: true}   saved now
 *   200 {id, url, created: false}  this exact trace was saved before (same id)
 *   400 {error, code: "INVALID"}   not JSON, or JSON that is not a trace, or not gzip as it says
 *   413 {error, code: "TOO_LARGE"} over the size cap (RESULTS_MAX_BYTES, default 8 MiB), sent or unpacked
 *   503 {error, code: "UNAVAILABLE"} the database cannot be reached
 * Every error body has one sentence in `error` that the page shows as it is.
 */

function errorResponse(status: number, code: string, error: string): Response {
  return Response.json({ error, code }, { status, headers: { 'Cache-Control': 'no-store' } });
}

function describeBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

class TooLarge extends Error {
  /** The size the request declared (Content-Length), when it did. */
  constructor(readonly declared?: number) {
    super('too large');
  }
}

class NotReadable extends Error {}

/**
 * Reads the body as UTF-8 text, stopping as soon as it exceeds `maxBytes` (no unbounded buffering);
 * a gzip body is unpacked, and stopped at `maxBytes` of output too (no decompression bomb).
 */
async function readBody(request: Request, maxBytes: number): Promise<string> {
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

export async function POST(request: Request): Promise<Response> {
  const maxBytes = maxUploadBytes();
  let text: string;
  try {
    text = await readBody(request, maxBytes);
  } catch (error) {
    if (error instanceof TooLarge) {
      const size = error.declared ? ` (it is ${describeBytes(error.declared)})` : '';
      return errorResponse(
        413,
        'TOO_LARGE',
        `The upload is larger than ${describeBytes(maxBytes)}, the limit for saved results${size}: a large response body makes a large trace. Keep it as a file instead (Save this trace).`,
      );
    }
    if (error instanceof NotReadable) return errorResponse(400, 'INVALID', error.message);
    return errorResponse(400, 'INVALID', 'The upload could not be read.');
  }
  if (text.trim() === '') return errorResponse(400, 'INVALID', 'The upload is empty; send the trace as JSON.');

  try {
    const store = await resultStore();
    const { id, created } = await store.saveJson(text);
    const url = `${publicOrigin(request.headers, process.env)}${resultPath(id)}`;
    return Response.json({ id, url, created }, { status: created ? 201 : 200, headers: { 'Cache-Control': 'no-store', Location: url } });
  } catch (error) {
    if (error instanceof StoreError) return errorResponse(error.status, error.code, error.message);
    console.error('saving a result failed:', error);
    return errorResponse(503, 'UNAVAILABLE', 'Saved results are unavailable on this server right now.');
  }
}
