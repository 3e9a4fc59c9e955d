import { savedBundlePage } from '@/server/share/views';

/**
 * GET /c/{id} — a saved comparison's page, rendered once (by app/render/c/[id]/page.tsx) and then served
 * from the render cache (server/share/views.ts), cached for good by browsers and proxies.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return savedBundlePage(request, 'comparison', (await params).id);
}
