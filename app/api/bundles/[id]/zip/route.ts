import { bundleFileStem, bundleToZip } from '@/lib/export/bundle';
import { bundlePath } from '@/lib/share/embed';
import { publicOrigin } from '@/lib/share/origin';
import { bundleOrResponse, IMMUTABLE } from '../bundleResponse';

/**
 * GET /api/bundles/{id}/zip — the evidence to send: README.txt (the verdict and the fixes, or the
 * two outcomes, and the link), bundle.json, and per run its trace, pcapng and key log.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const bundle = await bundleOrResponse(id);
  if (bundle instanceof Response) return bundle;
  const link = `${publicOrigin(request.headers, process.env)}${bundlePath(bundle.kind, id)}`;
  const archive = bundleToZip(bundle, link);
  return new Response(archive as Uint8Array<ArrayBuffer>, {
    headers: {
      'Content-Type': 'application/zip',
      'Content-Length': String(archive.length),
      'Content-Disposition': `attachment; filename="${bundleFileStem(bundle)}.zip"`,
      'Cache-Control': IMMUTABLE,
    },
  });
}
