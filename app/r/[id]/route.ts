import { savedRunPage } from '@/server/share/views';

/**
 * GET /r/{id} — a saved run's page, rendered once (by app/render/r/[id]/page.tsx) and then served
 * from the render cache (server/share/views.ts), cached for good by browsers and proxies.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return savedRunPage(request, (await params).id);
}
