import { StoreError } from '@/server/store';
import { resultPath } from '@/lib/share/embed';
import { publicOrigin } from '@/lib/share/origin';
import { describeBytes, errorResponse, NotReadable, notJson, readBody, refusalHeaders, TooLarge } from '../upload';
import { maxUploadBytes, resultStore } from './resultStore';

/**
 * POST /api/results — saves a trace (the JSON body, or gzip of it with Content-Encoding: gzip, as
 * the page sends it) as an immutable, content-addressed result.
 *   201 {id, url, created: true}   saved now
 *   200 {id, url, created: false}  this exact trace was saved before (same id)
 *   400 {error, code: "INVALID"}   not JSON, or JSON that is not a trace, or not gzip as it says
 *   413 {error, code: "TOO_LARGE"} the trace's compact form is over the cap (RESULTS_MAX_BYTES,
 *                                  default 8 MiB), or the upload is over four times it, sent or unpacked
 *   415 {error, code: "UNSUPPORTED_MEDIA_TYPE"} the Content-Type is not application/json
 *   503 {error, code: "UNAVAILABLE"} the database cannot be reached
 * Every error body has one sentence in `error` that the page shows as it is.
 *
 * Content-Type must be application/json: a form or text/plain POST is a "simple" request that any
 * site can make a visitor's browser send without a CORS preflight (Fetch §3.2.3, CORS-safelisted
 * request-header), so accepting one would let any page save results in a visitor's name.
 */

export async function POST(request: Request): Promise<Response> {
  const refused = notJson(request, 'trace');
  if (refused) return refused;
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
        `The upload is larger than ${describeBytes(maxBytes)}, the most this server reads for a saved result${size}: a large response body makes a large trace. Keep it as a file instead (Save this trace).`,
        refusalHeaders(error),
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
    if (error instanceof StoreError) {
      const advice = error.code === 'TOO_LARGE' ? ' A large response body makes a large trace: keep it as a file instead (Save this trace).' : '';
      return errorResponse(error.status, error.code, error.message + advice);
    }
    console.error('saving a result failed:', error);
    return errorResponse(503, 'UNAVAILABLE', 'Saved results are unavailable on this server right now.');
  }
}
