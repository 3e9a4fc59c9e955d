import { bundlePreviewResponse } from '@/app/_bundle/previewResponse';

/** GET /d/{id}/preview.png — the share card of a saved diagnosis. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return bundlePreviewResponse('diagnosis', (await params).id);
}
