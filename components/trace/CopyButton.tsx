'use client';

import { useState } from 'react';
import { useTranslations } from 'next-intl';

/** Copies `value` to the clipboard and says so (visibly and to screen readers). */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const t = useTranslations('share');
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      // Clipboard access needs a secure context and permission; say so instead of failing silently.
      setState('failed');
    }
    window.setTimeout(() => setState('idle'), 1500);
  }

  return (
    <button
      type="button"
      onClick={copy}
      className="shrink-0 rounded border border-zinc-300 px-1.5 py-0.5 text-xs text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800"
      aria-label={t('copyLabel', { what: label })}
    >
      <span aria-live="polite">{state === 'copied' ? t('copied') : state === 'failed' ? t('copyFailed') : t('copy')}</span>
    </button>
  );
}
