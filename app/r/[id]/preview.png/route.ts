import { getResult } from '@/app/api/results/resultStore';
import { renderPreviewPng } from '@/lib/share/previewImage';

/**
 * GET /r/{id}/preview.png — the share card image of a saved run (Open Graph / Twitter card, oEmbed
 * thumbnail). Made on request from the trace; a saved result never changes, so neither does its image.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  let trace;
  try {
    trace = await getResult(id);
  } catch (error) {
    console.error('reading a result for its preview failed:', error);
    return new Response('Saved results are unavailable right now.', { status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });
  }
  if (!trace) return new Response('No such saved run.', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });
  const png = renderPreviewPng(trace);
  return new Response(png as Uint8Array<ArrayBuffer>, {
    headers: { 'Content-Type': 'image/png', 'Content-Length': String(png.length), 'Cache-Control': 'public, max-age=31536000, immutable' },
  });
}
