import { bundleEmbedRoute } from '@/app/_bundle/BundlePage';

/** The page behind /embed/c/{id} (served from the render cache by app/embed/c/[id]/route.ts): a saved comparison in the compact layout, for other sites' iframes. */
const route = bundleEmbedRoute('comparison');
export const generateMetadata = route.generateMetadata;
export default route.Page;
