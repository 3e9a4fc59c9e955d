import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { EmbedHeader } from '@/components/share/EmbedHeader';
import { RecordedRun } from '@/components/share/RecordedRun';
import { runTitle } from '@/lib/share/describe';
import { resultPath } from '@/lib/share/embed';
import { savedResult } from '@/app/r/[id]/savedResult';

interface Props {
  params: Promise<{ id: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const trace = await savedResult((await params).id);
  return { title: trace ? `${runTitle(trace)} · TLS Playground` : 'No such saved run · TLS Playground' };
}

/** /embed/r/{id}: a saved run in the compact layout, for other sites' iframes. */
export default async function EmbeddedSavedRunPage({ params }: Props) {
  const { id } = await params;
  const trace = await savedResult(id);
  if (!trace) notFound();
  return (
    <>
      <EmbedHeader href={resultPath(id)} label="recorded run" />
      <RecordedRun trace={trace} compact />
    </>
  );
}
