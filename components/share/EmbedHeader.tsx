import { useTranslations } from 'next-intl';

/** The embed's one line of chrome: what this is and a way out to the full page (in a new tab). */
export function EmbedHeader({ href, label }: { href: string; label: string }) {
  const t = useTranslations('share.embed');
  return (
    <div className="mb-2 flex items-center justify-between gap-2 text-xs text-zinc-500 dark:text-zinc-400">
      <span>
        <span aria-hidden="true" className="font-mono text-sky-700 dark:text-sky-400">
          ⟨tls⟩{' '}
        </span>
        TLS Playground · {label}
      </span>
      {/* A plain link, not next/link: no prefetch requests from a sandboxed frame (opaque origin). */}
      <a href={href} target="_blank" rel="noopener" className="text-sky-800 underline dark:text-sky-300" data-testid="embed-open">
        {t('open')}
      </a>
    </div>
  );
}
