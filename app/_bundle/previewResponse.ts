import { getBundle } from '@/app/api/results/resultStore';
import type { SharedBundleKind } from '@/lib/share/embed';
import { renderBundlePreviewPng } from '@/lib/share/previewImage';
import { zlibDeflate } from '@/server/share/png';

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' };

/** The share card PNG of a saved bundle; it never changes, so it may be cached for good. */
export async function bundlePreviewResponse(kind: SharedBundleKind, id: string): Promise<Response> {
  let bundle;
  try {
    bundle = await getBundle(id);
  } catch (error) {
    console.error('reading a bundle for its preview failed:', error);
    return new Response('Saved results are unavailable right now.', { status: 503, headers: TEXT });
  }
  if (!bundle || bundle.kind !== kind) return new Response(`No such saved ${kind}.`, { status: 404, headers: TEXT });
  const png = renderBundlePreviewPng(bundle, zlibDeflate);
  return new Response(png as Uint8Array<ArrayBuffer>, {
    headers: { 'Content-Type': 'image/png', 'Content-Length': String(png.length), 'Cache-Control': 'public, max-age=31536000, immutable' },
  });
}
