import { savedBundlePage } from '@/server/share/views';

/**
 * GET /d/{id} — a saved diagnosis's page, rendered once (by app/render/d/[id]/page.tsx) and then served
 * from the render cache (server/share/views.ts), cached for good by browsers and proxies.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return savedBundlePage(request, 'diagnosis', (await params).id);
}
