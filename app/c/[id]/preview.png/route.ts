import { bundlePreviewResponse } from '@/app/_bundle/previewResponse';

/** GET /c/{id}/preview.png — the share card of a saved comparison. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return bundlePreviewResponse('comparison', (await params).id);
}
