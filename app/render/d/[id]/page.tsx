import { bundlePageRoute } from '@/app/_bundle/BundlePage';

/** The page behind /d/{id} (app/d/[id]/route.ts serves it from the render cache): a saved diagnosis, see app/_bundle/BundlePage.tsx. */
const route = bundlePageRoute('diagnosis');
export const generateMetadata = route.generateMetadata;
export default route.Page;
