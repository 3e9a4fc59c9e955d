import { bundleEmbedRoute } from '@/app/_bundle/BundlePage';

/** The page behind /embed/d/{id} (served from the render cache by app/embed/d/[id]/route.ts): a saved diagnosis in the compact layout, for other sites' iframes. */
const route = bundleEmbedRoute('diagnosis');
export const generateMetadata = route.generateMetadata;
export default route.Page;
