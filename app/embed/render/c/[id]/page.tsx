import type { Metadata } from 'next';
import { BundleEmbed } from '@/app/_bundle/BundlePage';
import { bundleEmbedMetadata } from '@/app/_bundle/bundleMetadata';

interface Props {
  params: Promise<{ id: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return bundleEmbedMetadata('comparison', (await params).id);
}

/** The page behind /embed/c/{id} (served from the render cache by app/embed/c/[id]/route.ts): a saved comparison in the compact layout, for other sites' iframes. */
export default function EmbeddedComparisonPage({ params }: Props) {
  return <BundleEmbed kind="comparison" params={params} />;
}
