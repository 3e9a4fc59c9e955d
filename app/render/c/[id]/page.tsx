import { bundlePageRoute } from '@/app/_bundle/BundlePage';

/** The page behind /c/{id} (app/c/[id]/route.ts serves it from the render cache): a saved comparison, see app/_bundle/BundlePage.tsx. */
const route = bundlePageRoute('comparison');
export const generateMetadata = route.generateMetadata;
export default route.Page;
