import { bundleEmbed } from '@/server/share/views';

/**
 * GET /embed/c/{id} — a saved comparison in the compact layout for other sites' iframes, rendered once
 * (by app/embed/render/c/[id]/page.tsx) and then served from the render cache (server/share/views.ts).
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return bundleEmbed(request, 'comparison', (await params).id);
}
