'use client';

import { useEffect, useState } from 'react';
import { useLocale, useTranslations } from 'next-intl';
import { withLang } from '@/lib/i18n/locales';
import type { Trace } from '@/lib/trace/schema';
import { CopyButton } from '@/components/trace/CopyButton';
import { LIVE_EMBED_SANDBOX } from '@/lib/share/embed';
import { formFromTrace, recipeHref } from '@/lib/share/recipe';
import { EmbedCode } from './EmbedCode';
import { SaveButton } from './SaveButton';

/**
 * Beside a finished run in the playground: save it as a share link (the recorded run, exactly), or
 * copy a recipe link (the same target and options, run again live by whoever opens it).
 */
export function ShareBar({ trace }: { trace: Trace }) {
  const t = useTranslations('share');
  const locale = useLocale();
  const form = formFromTrace(trace);
  // Recipe and embed links carry the language they were made in (?lang=).
  const recipePath = withLang(recipeHref('/', form, { run: true }), locale);
  const embedPath = withLang(recipeHref('/embed', form), locale);
  const [origin, setOrigin] = useState('');
  useEffect(() => setOrigin(window.location.origin), []);

  return (
    <section aria-label={t('sectionLabel')} className="flex flex-col gap-3 rounded-lg border border-zinc-200 p-3 sm:flex-row sm:items-start sm:justify-between dark:border-zinc-800" data-testid="share-bar">
      <SaveButton key={`${trace.startedAt}|${trace.steps.length}`} trace={trace} />
      <div className="space-y-2 text-sm sm:max-w-md">
        <div className="flex items-center gap-2 sm:justify-end">
          <a href={recipePath} className="text-sky-800 underline dark:text-sky-300" data-testid="recipe-link" title={t('recipeLinkTitle')}>
            {t('recipeLink')}
          </a>
          <CopyButton value={`${origin}${recipePath}`} label={t('recipeLinkCopy')} />
        </div>
        <details className="sm:text-right" data-testid="live-embed-code">
          <summary className="cursor-pointer text-sky-800 dark:text-sky-300">{t('embedLive')}</summary>
          <div className="mt-2 text-left">
            <EmbedCode src={`${origin}${embedPath}`} title={t('liveTitle', { url: trace.options.url })} sandbox={LIVE_EMBED_SANDBOX} />
          </div>
        </details>
      </div>
    </section>
  );
}
