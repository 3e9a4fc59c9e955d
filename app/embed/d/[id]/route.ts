import { bundleEmbed } from '@/server/share/views';

/**
 * GET /embed/d/{id} — a saved diagnosis in the compact layout for other sites' iframes, rendered once
 * (by app/embed/render/d/[id]/page.tsx) and then served from the render cache (server/share/views.ts).
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return bundleEmbed(request, 'diagnosis', (await params).id);
}
