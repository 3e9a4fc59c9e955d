'use client';

import { useLocale, useTranslations } from 'next-intl';
import { useRouter } from 'next/navigation';
import { useTransition } from 'react';
import { LANG_PARAM, LOCALE_COOKIE, LOCALE_NAMES, LOCALES, type Locale } from '@/lib/i18n/locales';

/**
 * The header's language switch, on every page. The choice is remembered (a cookie the proxy reads)
 * and applied by re-rendering the page on the server in place: the client's state (a run on the
 * page, its selected step) stays, nothing reloads. A `?lang=` in the address would override the
 * choice on the next request, so it leaves the address.
 */
export function LanguageSwitch() {
  const t = useTranslations('layout');
  const current = useLocale() as Locale;
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  function choose(locale: Locale) {
    if (locale === current) return;
    document.cookie = `${LOCALE_COOKIE}=${locale}; path=/; max-age=${365 * 24 * 3600}; samesite=lax`;
    const url = new URL(window.location.href);
    if (url.searchParams.has(LANG_PARAM)) {
      url.searchParams.delete(LANG_PARAM);
      window.history.replaceState(window.history.state, '', url);
    }
    document.documentElement.lang = locale;
    startTransition(() => router.refresh());
  }

  return (
    <div role="group" aria-label={t('language')} className="inline-flex shrink-0 overflow-hidden rounded-md border border-zinc-300 text-sm dark:border-zinc-700" data-testid="language-switch" aria-busy={pending}>
      {LOCALES.map((locale) => (
        <button
          key={locale}
          type="button"
          lang={locale}
          onClick={() => choose(locale)}
          aria-pressed={locale === current}
          className="px-2 py-1.5 hover:bg-zinc-100 aria-pressed:bg-zinc-200 aria-pressed:font-semibold dark:hover:bg-zinc-800 dark:aria-pressed:bg-zinc-700"
          data-locale={locale}
        >
          {LOCALE_NAMES[locale]}
        </button>
      ))}
    </div>
  );
}
