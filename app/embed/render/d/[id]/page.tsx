import type { Metadata } from 'next';
import { BundleEmbed } from '@/app/_bundle/BundlePage';
import { bundleEmbedMetadata } from '@/app/_bundle/bundleMetadata';

interface Props {
  params: Promise<{ id: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return bundleEmbedMetadata('diagnosis', (await params).id);
}

/** The page behind /embed/d/{id} (served from the render cache by app/embed/d/[id]/route.ts): a saved diagnosis in the compact layout, for other sites' iframes. */
export default function EmbeddedDiagnosisPage({ params }: Props) {
  return <BundleEmbed kind="diagnosis" params={params} />;
}
