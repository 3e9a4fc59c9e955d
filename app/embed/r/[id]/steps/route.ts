import { stepsEmbed } from '@/server/share/views';

/**
 * GET /embed/r/{id}/steps — the full, interactive embed of a saved run (step detail, hex, key
 * schedule), rendered once by app/embed/render/[id]/page.tsx and served from the render cache. The
 * light embed's step links open it with #step-{seq}, which selects that step.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return stepsEmbed(request, (await params).id);
}
