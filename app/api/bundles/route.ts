import { StoreError } from '@/server/store';
import { bundlePath } from '@/lib/share/embed';
import { publicOrigin } from '@/lib/share/origin';
import { maxUploadBytes, resultStore } from '../results/resultStore';
import { describeBytes, errorResponse, NotReadable, notJson, readBody, refusalHeaders, TooLarge } from '../upload';

/**
 * POST /api/bundles — saves a diagnosis or a comparison (a bundle: lib/bundle/bundle.ts; the JSON
 * body, or gzip of it) as one immutable, content-addressed piece of evidence. Each run is saved as a
 * result of its own too, so every probe opens at /r/{id}.
 *   201 {id, kind, url, runs: [{role, id, url}], created: true}   saved now
 *   200 … created: false                                          this exact bundle was saved before
 *   400 {error, code: "INVALID"}     not JSON, or not a bundle (the sentence says what is wrong)
 *   413 {error, code: "TOO_LARGE"}   the whole bundle (compact form) is over RESULTS_MAX_BYTES (default 8 MiB),
 *                                    or the upload is over four times it
 *   415 {error, code: "UNSUPPORTED_MEDIA_TYPE"} the Content-Type is not application/json (app/api/upload.ts)
 *   503 {error, code: "UNAVAILABLE"} the database cannot be reached
 */
export async function POST(request: Request): Promise<Response> {
  const refused = notJson(request, 'bundle');
  if (refused) return refused;
  const maxBytes = maxUploadBytes();
  let text: string;
  try {
    text = await readBody(request, maxBytes);
  } catch (error) {
    if (error instanceof TooLarge) {
      return errorResponse(413, 'TOO_LARGE', `The upload is larger than ${describeBytes(maxBytes)}, the most this server reads for a saved result: keep the runs as files instead.`, refusalHeaders(error));
    }
    if (error instanceof NotReadable) return errorResponse(400, 'INVALID', error.message);
    return errorResponse(400, 'INVALID', 'The upload could not be read.');
  }
  if (text.trim() === '') return errorResponse(400, 'INVALID', 'The upload is empty; send the bundle as JSON.');

  try {
    const store = await resultStore();
    const saved = await store.saveBundleJson(text);
    const origin = publicOrigin(request.headers, process.env);
    const url = `${origin}${bundlePath(saved.kind, saved.id)}`;
    const runs = saved.traceIds.map((id) => ({ id, url: `${origin}/r/${id}` }));
    return Response.json(
      { id: saved.id, kind: saved.kind, url, runs, created: saved.created },
      { status: saved.created ? 201 : 200, headers: { 'Cache-Control': 'no-store', Location: url } },
    );
  } catch (error) {
    if (error instanceof StoreError) return errorResponse(error.status, error.code, error.message);
    console.error('saving a bundle failed:', error);
    return errorResponse(503, 'UNAVAILABLE', 'Saved results are unavailable on this server right now.');
  }
}
