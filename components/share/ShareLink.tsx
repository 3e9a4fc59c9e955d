'use client';

import { useTranslations } from 'next-intl';
import { CopyButton } from '@/components/trace/CopyButton';

/** A saved view's address, shown whole so it can be read and selected, with a copy button beside it. */
export function ShareLink({ url }: { url: string }) {
  const t = useTranslations('share');
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <span className="text-zinc-600 dark:text-zinc-400">{t('shareLink')}</span>
      <code className="font-mono break-all" data-testid="share-url">
        {url}
      </code>
      <CopyButton value={url} label={t('shareLinkCopy')} />
    </div>
  );
}
