import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { EmbedCode } from '@/components/share/EmbedCode';
import { EmbedHeader } from '@/components/share/EmbedHeader';
import { ShareLink } from '@/components/share/ShareLink';
import { bundleTitle } from '@/lib/share/describeBundle';
import { bundleEmbedPath, bundlePath, type SharedBundleKind } from '@/lib/share/embed';
import { renderRequest } from '@/server/share/renderPage';
import { bundleEmbedMetadata, bundleMetadata } from './bundleMetadata';
import { BundleView } from './BundleView';
import { savedBundle, selectedRun } from './savedBundle';
import { getTranslate } from '@/app/i18n/translate';

export interface BundlePageProps {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

const LINK = 'rounded border border-zinc-300 px-2 py-1 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800';

/**
 * The public request a render of a bundle page stands for (its origin, its language), or a 404: the
 * pages behind /d/{id}, /c/{id} and their embeds are rendered only for the render cache
 * (server/share/views.ts), which asks for them with this process's render token.
 */
async function asked(): Promise<{ origin: string }> {
  const request = renderRequest(await headers());
  if (!request) notFound();
  return request;
}

/**
 * /d/{id} and /c/{id}: a saved diagnosis or comparison, exactly as it was recorded (nothing is
 * re-run; the verdict is judged again from the saved runs), with its link, downloads and embed code.
 * Rendered at /render/d/{id} and /render/c/{id} and served from the render cache.
 */
export async function BundlePage({ kind, params, searchParams }: BundlePageProps & { kind: SharedBundleKind }) {
  const { id } = await params;
  const { origin } = await asked();
  const bundle = await savedBundle(kind, id);
  if (!bundle) notFound();
  const shareUrl = `${origin}${bundlePath(kind, id)}`;
  const title = bundleTitle(bundle, await getTranslate());
  const started = bundle.runs[0].trace.startedAt;
  const t = await getTranslations('bundle');
  const tShare = await getTranslations('share');

  return (
    <div className="space-y-6">
      <header className="space-y-1">
        <h1 className="text-xl font-semibold tracking-tight break-words sm:text-2xl">{title}</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="recorded-at">
          {t('recorded', { count: bundle.runs.length, date: started.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'), url: bundle.url, kind })}
        </p>
      </header>
      <div className="flex flex-col gap-3 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800" data-testid="share-panel">
        <ShareLink url={shareUrl} />
        <div role="group" aria-label={t('downloadLabel', { kind })} className="flex flex-wrap items-center gap-2">
          <span className="text-xs text-zinc-600 dark:text-zinc-400">{tShare('download')}</span>
          <a className={LINK} href={`/api/bundles/${id}/zip`} download data-testid="export-zip" title={t('zipTitle')}>
            {t('zip')}
          </a>
          <a className={LINK} href={`/api/bundles/${id}?download=1`} download data-testid="export-bundle-json" title={t('jsonTitle')}>
            {t('json')}
          </a>
        </div>
        <details className="text-sm">
          <summary className="cursor-pointer text-sky-800 dark:text-sky-300">{t('embed', { kind })}</summary>
          <div className="mt-2">
            <EmbedCode src={`${origin}${bundleEmbedPath(kind, id)}`} title={title} />
          </div>
        </details>
      </div>
      <BundleView id={id} bundle={bundle} selected={selectedRun(bundle, (await searchParams).run)} />
    </div>
  );
}

/** /embed/d/{id} and /embed/c/{id}: the compact form, for other sites' iframes (rendered at /embed/render/d|c/{id}, served from the render cache). */
export async function BundleEmbed({ kind, params }: { kind: SharedBundleKind; params: Promise<{ id: string }> }) {
  const { id } = await params;
  await asked();
  const bundle = await savedBundle(kind, id);
  if (!bundle) notFound();
  const t = await getTranslations('bundle');
  return (
    <>
      <EmbedHeader href={bundlePath(kind, id)} label={t('embedLabel', { kind })} />
      <h1 className="mb-3 text-base font-semibold">{bundleTitle(bundle, await getTranslate())}</h1>
      <BundleView id={id} bundle={bundle} selected={selectedRun(bundle, undefined)} compact />
    </>
  );
}

/*
 * What the route files of a saved bundle export, for one kind: the diagnosis's and the comparison's
 * differ only in the kind they name.
 */

/** The page behind /d/{id} or /c/{id} (rendered at /render/d|c/{id}) and its share card. */
export function bundlePageRoute(kind: SharedBundleKind) {
  return {
    generateMetadata: async ({ params }: BundlePageProps): Promise<Metadata> => bundleMetadata(kind, (await params).id),
    Page: (props: BundlePageProps) => <BundlePage kind={kind} {...props} />,
  };
}

/** The page behind /embed/d/{id} or /embed/c/{id} (rendered at /embed/render/d|c/{id}) and its title. */
export function bundleEmbedRoute(kind: SharedBundleKind) {
  return {
    generateMetadata: async ({ params }: BundlePageProps): Promise<Metadata> => bundleEmbedMetadata(kind, (await params).id),
    Page: ({ params }: BundlePageProps) => <BundleEmbed kind={kind} params={params} />,
  };
}
