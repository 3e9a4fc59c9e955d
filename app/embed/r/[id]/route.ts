import { lightEmbed } from '@/server/share/views';

/**
 * GET /embed/r/{id} — the light embed of a saved run (lib/share/lightEmbed.ts): the summary and the
 * diagram as one HTML document with nothing else to load; its steps open the full embed (./steps).
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return lightEmbed(request, (await params).id);
}
