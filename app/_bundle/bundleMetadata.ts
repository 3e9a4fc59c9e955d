import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { getTranslations } from 'next-intl/server';
import { bundleDescription, bundleTitle } from '@/lib/share/describeBundle';
import { bundlePath, bundlePreviewImagePath, type SharedBundleKind } from '@/lib/share/embed';
import { renderRequest } from '@/server/share/renderPage';
import { PREVIEW_HEIGHT, PREVIEW_WIDTH } from '@/lib/share/previewImage';
import { savedBundle } from './savedBundle';
import { getTranslate } from '@/app/i18n/translate';


/** Share-card tags and the oEmbed discovery link (oEmbed §4) of a saved diagnosis or comparison. */
export async function bundleMetadata(kind: SharedBundleKind, id: string): Promise<Metadata> {
  // Rendered only for the render cache, which names the origin links are written with.
  const asked = renderRequest(await headers());
  const bundle = asked ? await savedBundle(kind, id) : null;
  if (!asked || !bundle) return { title: (await getTranslations('bundle'))('noSuch', { kind }), robots: { index: false } };
  const { origin } = asked;
  const url = `${origin}${bundlePath(kind, id)}`;
  const t = await getTranslate();
  const title = bundleTitle(bundle, t);
  const description = bundleDescription(bundle, t);
  const image = { url: `${origin}${bundlePreviewImagePath(kind, id)}`, width: PREVIEW_WIDTH, height: PREVIEW_HEIGHT, alt: title, type: 'image/png' };
  return {
    title: `${title} · TLS Playground`,
    description,
    alternates: { canonical: url, types: { 'application/json+oembed': `${origin}/api/oembed?url=${encodeURIComponent(url)}&format=json` } },
    openGraph: { type: 'website', siteName: 'TLS Playground', url, title, description, images: [image] },
    twitter: { card: 'summary_large_image', title, description, images: [image] },
  };
}

/** The embed's title only: embeds are not indexed and carry no share card. */
export async function bundleEmbedMetadata(kind: SharedBundleKind, id: string): Promise<Metadata> {
  const bundle = renderRequest(await headers()) ? await savedBundle(kind, id) : null;
  return { title: bundle ? `${bundleTitle(bundle, await getTranslate())} · TLS Playground` : (await getTranslations('bundle'))('noSuch', { kind }) };
}
