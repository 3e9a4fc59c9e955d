import { getResult } from '@/app/api/results/resultStore';
import { runTitle } from '@/lib/share/describe';
import { oembedForResult, resultIdFromUrl } from '@/lib/share/embed';
import { publicOrigin } from '@/lib/share/origin';
import { PREVIEW_HEIGHT, PREVIEW_WIDTH } from '@/lib/share/previewImage';

/**
 * GET /api/oembed?url=<a /r/{id} link>&format=json[&maxwidth=…&maxheight=…] — oEmbed 1.0 (oembed.com
 * §2.2–2.3): a "rich" answer whose html is the embed's iframe. Errors follow §2.3.5: 404 for a URL
 * that names no saved run, 501 for a format other than JSON, 400 for a request without a url.
 */

function problem(status: number, error: string): Response {
  return Response.json({ error }, { status, headers: { 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' } });
}

function positive(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}

export async function GET(request: Request): Promise<Response> {
  const query = new URL(request.url).searchParams;
  const format = query.get('format') ?? 'json';
  if (format !== 'json') return problem(501, `Only format=json is supported, not ${JSON.stringify(format)}.`);
  const url = query.get('url');
  if (!url) return problem(400, 'The url parameter is missing: pass the link of a saved run (…/r/{id}).');
  const id = resultIdFromUrl(url);
  if (!id) return problem(404, 'That URL is not the link of a saved run (…/r/{id}).');

  let trace;
  try {
    trace = await getResult(id);
  } catch (error) {
    console.error('reading a result for oEmbed failed:', error);
    return problem(503, 'Saved results are unavailable right now.');
  }
  if (!trace) return problem(404, `There is no saved run ${JSON.stringify(id)}.`);

  const body = oembedForResult(publicOrigin(request.headers, process.env), id, runTitle(trace), {
    maxWidth: positive(query.get('maxwidth')),
    maxHeight: positive(query.get('maxheight')),
    thumbnail: { width: PREVIEW_WIDTH, height: PREVIEW_HEIGHT },
  });
  return Response.json(body, { headers: { 'Cache-Control': 'public, max-age=86400', 'Access-Control-Allow-Origin': '*' } });
}
