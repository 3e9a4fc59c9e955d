'use client';

import { useId } from 'react';
import { useTranslations } from 'next-intl';
import { CopyButton } from '@/components/trace/CopyButton';
import { iframeSnippet, SAVED_EMBED_SANDBOX } from '@/lib/share/embed';

/**
 * "Copy embed code": the iframe snippet for a saved run, shown so it can be read (and selected by
 * hand where the clipboard is not available).
 */
export function EmbedCode({ src, title, sandbox = SAVED_EMBED_SANDBOX }: { src: string; title: string; sandbox?: string }) {
  const t = useTranslations('share');
  const snippet = iframeSnippet({ src, title, sandbox });
  const id = useId();
  return (
    <div className="space-y-1" data-testid="embed-code">
      <div className="flex items-center justify-between gap-2">
        <label htmlFor={id} className="text-xs text-zinc-500 dark:text-zinc-400">
          {t('embedCode')}
        </label>
        <CopyButton value={snippet} label={t('embedCodeCopy')} />
      </div>
      <textarea
        id={id}
        readOnly
        rows={3}
        value={snippet}
        onFocus={(e) => e.currentTarget.select()}
        className="w-full resize-none rounded border border-zinc-300 bg-zinc-50 p-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900"
        data-testid="embed-snippet"
      />
    </div>
  );
}
