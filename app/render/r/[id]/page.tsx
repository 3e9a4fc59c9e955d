import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { withLang } from '@/lib/i18n/locales';
import { getTranslate } from '@/app/i18n/translate';
import { EmbedCode } from '@/components/share/EmbedCode';
import { SavedExportMenu, SavedRunView, SavedTrace } from '@/components/share/SavedTrace';
import { ShareLink } from '@/components/share/ShareLink';
import { SummaryCard } from '@/components/trace/SummaryCard';
import { buildDiagram } from '@/lib/view/diagram';
import { explainingStep, hostOf } from '@/lib/view/summary';
import { runDescription, runTitle } from '@/lib/share/describe';
import { embedPath, previewImagePath, resultPath } from '@/lib/share/embed';
import { PREVIEW_HEIGHT, PREVIEW_WIDTH } from '@/lib/share/previewImage';
import { formFromTrace, recipeHref } from '@/lib/share/recipe';
import { renderRequest } from '@/server/share/renderPage';
import { savedResult } from './savedResult';

interface Props {
  params: Promise<{ id: string }>;
}

/**
 * The page behind /r/{id}: app/r/[id]/route.ts serves it from the render cache and asks for it here
 * (with this process's render token) when it is not cached yet. Without the token it is a 404.
 */
async function request(): Promise<{ origin: string; lang: string }> {
  const asked = renderRequest(await headers());
  if (!asked) notFound();
  return asked;
}

/**
 * Share-card tags (Open Graph, Twitter) with the generated preview image, and the oEmbed discovery
 * link (oEmbed §4) so docs tools can turn a pasted /r/… link into the embed.
 */
export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  const asked = renderRequest(await headers());
  const trace = asked ? await savedResult(id) : null;
  const t = await getTranslations();
  if (!asked || !trace) return { title: t('share.noSuchRun'), robots: { index: false } };
  const { origin } = asked;
  const locale = await getLocale();
  const url = `${origin}${resultPath(id)}`;
  const title = runTitle(trace, await getTranslate());
  const description = runDescription(trace, await getTranslate());
  const image = { url: `${origin}${previewImagePath(id)}`, width: PREVIEW_WIDTH, height: PREVIEW_HEIGHT, alt: title, type: 'image/png' };
  return {
    title: t('share.pageTitle', { title }),
    description,
    alternates: {
      canonical: url,
      // The oEmbed answer (its title and its iframe) speaks the language this page is shown in.
      types: { 'application/json+oembed': `${origin}/api/oembed?url=${encodeURIComponent(withLang(url, locale))}&format=json` },
    },
    openGraph: { type: 'website', siteName: 'TLS Playground', url, title, description, locale: locale.replace('-', '_'), images: [image] },
    twitter: { card: 'summary_large_image', title, description, images: [image] },
  };
}

function formatStarted(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/**
 * /r/{id}: a saved run, exactly as it was recorded (no re-run), with its downloads, share link, embed
 * code, and "Run again live": a recipe link to the playground with the same target and options.
 *
 * The summary and the diagram are drawn here; the trace itself (every step's bytes, ~100 KB and
 * more) is not put in the page (as a client component's props it would be, twice over: in the HTML
 * and in the RSC payload) but fetched by the page from /api/results/{id} (<SavedTrace>), an
 * immutable answer the browser keeps, for the parts that need it: a step's detail and hex view, the
 * key schedule, the certificate, reproduce, presentation mode and the downloads.
 */
export default async function SavedRunPage({ params }: Props) {
  const { id } = await params;
  const { origin } = await request();
  const trace = await savedResult(id);
  if (!trace) notFound();
  const t = await getTranslations();
  const locale = await getLocale();
  const translate = await getTranslate();
  const preview = {
    summary: <SummaryCard trace={trace} />,
    diagram: buildDiagram(trace.steps, translate),
    serverLabel: hostOf(trace.options.url),
    // As RunView opens a recorded run: on the step that explains how it ended, when it failed.
    openingSeq: trace.outcome !== 'ok' ? explainingStep(trace) : undefined,
  };
  // Links made here carry the language they were made in (?lang=): a Chinese page shares Chinese.
  const shareUrl = withLang(`${origin}${resultPath(id)}`, locale);
  const runAgain = withLang(recipeHref('/', formFromTrace(trace), { run: true }), locale);

  return (
    <SavedTrace id={id}>
      <div className="space-y-4">
        <header className="flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0 space-y-1">
            <h1 className="text-xl font-semibold tracking-tight break-words sm:text-2xl">{runTitle(trace, translate)}</h1>
            <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="recorded-at">
              {t('share.recorded', {
                date: formatStarted(trace.startedAt),
                engine: trace.engine.name,
                version: trace.engine.version || t('share.unknownVersion'),
                crypto: trace.engine.crypto ? ` (${trace.engine.crypto})` : '',
              })}
            </p>
          </div>
          <a
            href={runAgain}
            className="shrink-0 rounded-md bg-sky-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-sky-800 dark:bg-sky-700 dark:hover:bg-sky-600"
            data-testid="run-again"
            title={t('share.runAgainTitle')}
          >
            {t('share.runAgain')}
          </a>
        </header>

        <div className="flex flex-col gap-3 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800" data-testid="share-panel">
          <ShareLink url={shareUrl} />
          <SavedExportMenu hasKeyLog={trace.keyLog.length > 0} />
          <details className="text-sm">
            <summary className="cursor-pointer text-sky-800 dark:text-sky-300">{t('share.embedRun')}</summary>
            <div className="mt-2">
              <EmbedCode src={withLang(`${origin}${embedPath(id)}`, locale)} title={runTitle(trace, translate)} />
            </div>
          </details>
        </div>

        <SavedRunView preview={preview} />
      </div>
    </SavedTrace>
  );
}
