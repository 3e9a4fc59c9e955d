import type { Metadata } from 'next';
import { BundlePage, type BundlePageProps } from '@/app/_bundle/BundlePage';
import { bundleMetadata } from '@/app/_bundle/bundleMetadata';

export async function generateMetadata({ params }: BundlePageProps): Promise<Metadata> {
  return bundleMetadata('diagnosis', (await params).id);
}

/** The page behind /d/{id} (app/d/[id]/route.ts serves it from the render cache): a saved diagnosis, see app/_bundle/BundlePage.tsx. */
export default function SavedDiagnosisPage(props: BundlePageProps) {
  return <BundlePage kind="diagnosis" {...props} />;
}
