import { previewImage } from '@/server/share/views';

/**
 * GET /r/{id}/preview.png — the share card image of a saved run (Open Graph / Twitter card, oEmbed
 * thumbnail), drawn once per saved run and then served from the render cache.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return previewImage(request, (await params).id);
}
