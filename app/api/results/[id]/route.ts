import { StoreError } from '@/server/store';
import { resultStore } from '../resultStore';

/**
 * GET /api/results/{id} — the saved trace as JSON (the canonical form it was saved in). A saved
 * result never changes, so it may be cached for good; unknown ids answer 404 with a JSON error.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  try {
    const trace = await (await resultStore()).get(id);
    if (!trace) return Response.json({ error: `There is no saved result ${JSON.stringify(id)}.`, code: 'NOT_FOUND' }, { status: 404, headers: { 'Cache-Control': 'no-store' } });
    return Response.json(trace, { headers: { 'Cache-Control': 'public, max-age=31536000, immutable', 'Access-Control-Allow-Origin': '*' } });
  } catch (error) {
    const message = error instanceof StoreError ? error.message : 'Saved results are unavailable on this server right now.';
    if (!(error instanceof StoreError)) console.error('reading a result failed:', error);
    return Response.json({ error: message, code: 'UNAVAILABLE' }, { status: 503, headers: { 'Cache-Control': 'no-store' } });
  }
}
