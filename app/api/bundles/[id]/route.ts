import { bundleFileStem, bundleToJson } from '@/lib/export/bundle';
import { bundleOrResponse, IMMUTABLE } from './bundleResponse';

/**
 * GET /api/bundles/{id} — a saved diagnosis or comparison as one JSON document: every run's trace,
 * its role, and the id it is saved under (/r/{id}). ?download=1 asks the browser to save it as a file.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const bundle = await bundleOrResponse((await params).id);
  if (bundle instanceof Response) return bundle;
  const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': IMMUTABLE, 'Access-Control-Allow-Origin': '*' };
  if (new URL(request.url).searchParams.get('download') === '1') headers['Content-Disposition'] = `attachment; filename="${bundleFileStem(bundle)}.json"`;
  return new Response(bundleToJson(bundle), { headers });
}
