import type { Metadata } from 'next';
import { BundlePage, type BundlePageProps } from '@/app/_bundle/BundlePage';
import { bundleMetadata } from '@/app/_bundle/bundleMetadata';

export async function generateMetadata({ params }: BundlePageProps): Promise<Metadata> {
  return bundleMetadata('comparison', (await params).id);
}

/** The page behind /c/{id} (app/c/[id]/route.ts serves it from the render cache): a saved comparison, see app/_bundle/BundlePage.tsx. */
export default function SavedComparisonPage(props: BundlePageProps) {
  return <BundlePage kind="comparison" {...props} />;
}
