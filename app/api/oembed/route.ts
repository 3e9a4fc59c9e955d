import { oembed } from '@/server/share/views';

/** GET /api/oembed?url=<a /r/{id} link>&format=json[&maxwidth=…&maxheight=…] — oEmbed 1.0 (server/share/views.ts). */
export async function GET(request: Request): Promise<Response> {
  return oembed(request);
}
