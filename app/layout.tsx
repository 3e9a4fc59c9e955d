import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import Script from 'next/script';
import type { ReactNode } from 'react';
import { ThemeToggle } from '@/components/theme/ThemeToggle';
import './globals.css';

export const metadata: Metadata = {
  title: 'TLS Playground',
  description: 'Type an https URL and watch a real TLS handshake happen byte by byte, in your browser.',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#ffffff' },
    { media: '(prefers-color-scheme: dark)', color: '#09090b' },
  ],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The theme script sets data-theme before hydration; React must not treat that as a mismatch.
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-dvh font-sans">
        <Script src="/theme-init.js" strategy="beforeInteractive" />
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 dark:focus:bg-zinc-900"
        >
          Skip to content
        </a>
        <header className="border-b border-zinc-200 dark:border-zinc-800">
          <div className="mx-auto flex max-w-7xl items-center justify-between gap-4 px-4 py-3">
            <Link href="/" className="flex shrink-0 items-baseline gap-2 font-semibold tracking-tight">
              <span aria-hidden="true" className="font-mono text-sky-700 dark:text-sky-400">
                ⟨tls⟩
              </span>
              <span className="hidden sm:inline">TLS Playground</span>
            </Link>
            <nav aria-label="Main" className="flex min-w-0 flex-1 gap-3 overflow-x-auto text-sm sm:gap-4">
              <Link href="/" className="whitespace-nowrap hover:underline">
                Playground
              </Link>
              <Link href="/renegotiation" className="whitespace-nowrap hover:underline">
                The IIS story
              </Link>
              <Link href="/compare" className="whitespace-nowrap hover:underline">
                Compare
              </Link>
              <Link href="/doctor" className="whitespace-nowrap hover:underline">
                Doctor
              </Link>
            </nav>
            <ThemeToggle />
          </div>
        </header>
        <main id="main" className="mx-auto max-w-7xl px-4 py-6">
          {children}
        </main>
      </body>
    </html>
  );
}
