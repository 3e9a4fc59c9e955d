import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { EmbedHeader } from '@/components/share/EmbedHeader';
import { RunView } from '@/components/run/RunView';
import { runTitle } from '@/lib/share/describe';
import { resultPath } from '@/lib/share/embed';
import { savedResult } from '@/app/render/r/[id]/savedResult';
import { headers } from 'next/headers';
import { renderRequest } from '@/server/share/renderPage';

interface Props {
  params: Promise<{ id: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const trace = renderRequest(await headers()) ? await savedResult((await params).id) : null;
  return { title: trace ? `${runTitle(trace)} · TLS Playground` : 'No such saved run · TLS Playground' };
}

/**
 * The full embed of a saved run in the compact layout, for other sites' iframes: served as
 * /embed/r/{id}/steps from the render cache (app/embed/r/[id]/steps/route.ts), which asks for it here
 * with this process's render token. Opened from the light embed's step links, whose #step-{seq}
 * selects that step.
 */
export default async function EmbeddedSavedRunPage({ params }: Props) {
  const { id } = await params;
  if (!renderRequest(await headers())) notFound();
  const trace = await savedResult(id);
  if (!trace) notFound();
  return (
    <>
      <EmbedHeader href={resultPath(id)} label="recorded run" />
      <RunView trace={trace} compact selectFromHash />
    </>
  );
}
