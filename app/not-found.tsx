import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';

/** The tab's title says it too, in the reader's language (the root not-found takes its own metadata). */
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('notFound'))('metaTitle'), robots: { index: false } };
}

/** Any unknown path, and saved runs that do not exist (notFound() in /r/{id}): HTTP 404. */
export default async function NotFound() {
  const t = await getTranslations('notFound');
  return (
    <div className="mx-auto max-w-xl space-y-3 py-12 text-center" data-testid="not-found">
      <h1 className="text-2xl font-semibold tracking-tight">{t('title')}</h1>
      <p className="text-zinc-600 dark:text-zinc-400">{t('body')}</p>
      <p>
        <Link href="/" className="text-sky-800 underline dark:text-sky-300">
          {t('home')}
        </Link>
      </p>
    </div>
  );
}
