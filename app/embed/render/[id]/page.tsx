import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { withLang } from '@/lib/i18n/locales';
import { getTranslate } from '@/app/i18n/translate';
import { EmbedHeader } from '@/components/share/EmbedHeader';
import { RunView } from '@/components/run/RunView';
import { runTitle } from '@/lib/share/describe';
import { resultPath } from '@/lib/share/embed';
import { savedResult } from '@/app/render/r/[id]/savedResult';
import { headers } from 'next/headers';
import { renderRequest } from '@/server/share/renderPage';

interface Props {
  params: Promise<{ id: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const trace = renderRequest(await headers()) ? await savedResult((await params).id) : null;
  const t = await getTranslations();
  return { title: trace ? t('share.pageTitle', { title: runTitle(trace, await getTranslate()) }) : t('share.noSuchRun') };
}

/**
 * The full embed of a saved run in the compact layout, for other sites' iframes: served as
 * /embed/r/{id}/steps from the render cache (app/embed/r/[id]/steps/route.ts), which asks for it here
 * with this process's render token. Opened from the light embed's step links, whose #step-{seq}
 * selects that step.
 */
export default async function EmbeddedSavedRunPage({ params }: Props) {
  const { id } = await params;
  if (!renderRequest(await headers())) notFound();
  const trace = await savedResult(id);
  if (!trace) notFound();
  const t = await getTranslations('share.embed');
  return (
    <>
      <EmbedHeader href={withLang(resultPath(id), await getLocale())} label={t('recorded')} />
      {/* The frame is a document of its own: its one level-one heading names the run, as the light embed's does. */}
      <h1 className="sr-only">{runTitle(trace, await getTranslate())}</h1>
      <RunView trace={trace} compact selectFromHash />
    </>
  );
}
