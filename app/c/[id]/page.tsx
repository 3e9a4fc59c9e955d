import type { Metadata } from 'next';
import { BundlePage, type BundlePageProps } from '@/app/_bundle/BundlePage';
import { bundleMetadata } from '@/app/_bundle/bundleMetadata';

export async function generateMetadata({ params }: BundlePageProps): Promise<Metadata> {
  return bundleMetadata('comparison', (await params).id);
}

/** /c/{id}: a saved comparison (see app/_bundle/BundlePage.tsx). */
export default function SavedComparisonPage(props: BundlePageProps) {
  return <BundlePage kind="comparison" {...props} />;
}
