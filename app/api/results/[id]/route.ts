import { resultJson } from '@/server/share/views';

/**
 * GET /api/results/{id} — the saved trace as JSON. A saved result never changes, so it may be cached
 * for good; unknown ids answer 404 with a JSON error. The JSON is made once per instance and kept
 * in memory (server/share/views.ts).
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return resultJson(request, (await params).id);
}
