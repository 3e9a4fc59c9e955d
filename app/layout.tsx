import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import { headers } from 'next/headers';
import { IntentLink } from '@/components/nav/IntentLink';
import Script from 'next/script';
import type { ReactNode } from 'react';
import { NextIntlClientProvider } from 'next-intl';
import { getLocale, getMessages, getTranslations } from 'next-intl/server';
import { catalogPart } from '@/lib/i18n/catalogs';
import { renderRequest } from '@/server/share/renderPage';
import { ThemeToggle } from '@/components/theme/ThemeToggle';
import { LanguageSwitch } from '@/components/i18n/LanguageSwitch';
import './globals.css';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('meta');
  return { title: t('title'), description: t('description') };
}

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#ffffff' },
    { media: '(prefers-color-scheme: dark)', color: '#09090b' },
  ],
};

/**
 * Every page: `<html lang>` is the request's locale (lib/i18n/locales.ts: ?lang=, the switch's
 * cookie, Accept-Language); client components get that locale's catalog — all of it, unless the
 * render cache asks for a page that loads most of it later (server/share/renderPage.ts
 * clientMessages: the saved run's page), which then gets only the namespaces it names.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered per request: Next.js puts the response's CSP nonce (proxy.ts) on its inline scripts,
  // which a page prerendered at build time could not carry.
  await connection();
  const locale = await getLocale();
  const t = await getTranslations('layout');
  const part = renderRequest(await headers())?.clientMessages;
  const messages = part ? catalogPart(await getMessages(), part) : undefined;
  return (
    // The theme script sets data-theme before hydration; React must not treat that as a mismatch.
    <html lang={locale} suppressHydrationWarning>
      <body className="min-h-dvh font-sans">
        <NextIntlClientProvider {...(messages ? { messages } : {})}>
          <Script src="/theme-init.js" strategy="beforeInteractive" />
          <a
            href="#main"
            className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 dark:focus:bg-zinc-900"
          >
            {t('skipToContent')}
          </a>
          <header className="border-b border-zinc-200 dark:border-zinc-800">
            {/* On a phone the nav takes a line of its own and wraps: every page stays in sight, nothing scrolls sideways. */}
            <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-3">
              <IntentLink href="/" className="flex shrink-0 items-baseline gap-2 font-semibold tracking-tight">
                <span aria-hidden="true" className="font-mono text-sky-700 dark:text-sky-400">
                  ⟨tls⟩
                </span>
                <span className="hidden sm:inline">TLS Playground</span>
              </IntentLink>
              <nav aria-label={t('navLabel')} className="order-last flex w-full flex-wrap gap-x-4 gap-y-1 text-sm sm:order-none sm:w-auto sm:min-w-0 sm:flex-1">
                <IntentLink href="/" className="whitespace-nowrap hover:underline">
                  {t('nav.playground')}
                </IntentLink>
                <IntentLink href="/renegotiation" className="whitespace-nowrap hover:underline">
                  {t('nav.story')}
                </IntentLink>
                <IntentLink href="/compare" className="whitespace-nowrap hover:underline">
                  {t('nav.compare')}
                </IntentLink>
                <IntentLink href="/doctor" className="whitespace-nowrap hover:underline">
                  {t('nav.doctor')}
                </IntentLink>
                <IntentLink href="/lessons" className="whitespace-nowrap hover:underline">
                  {t('nav.lessons')}
                </IntentLink>
              </nav>
              <div className="flex shrink-0 items-center gap-2">
                <LanguageSwitch />
                <ThemeToggle />
              </div>
            </div>
          </header>
          <main id="main" className="mx-auto max-w-7xl px-4 py-6">
            {children}
          </main>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
