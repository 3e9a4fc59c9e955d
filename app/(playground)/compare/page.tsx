import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { isPersonalityName } from '@/lib/tls/client/personalities';
import { formUrl } from '@/lib/view/runOptions';
import { Compare } from './Compare';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('compare'))('metaTitle') };
}

/**
 * `?url=` and `?a=` (a personality) fill the form, `?cert=demo` ticks the demo client certificate;
 * nothing runs until Run both, unless `?run=1` (the advice's "Compare … with OpenSSL" link) asks to.
 */
export default async function ComparePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { url, a, cert, run } = await searchParams;
  const first = typeof a === 'string' && isPersonalityName(a) ? a : undefined;
  const t = await getTranslations('compare');
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">{t('title')}</h1>
      <p className="max-w-3xl text-zinc-600 dark:text-zinc-400">{t('intro')}</p>
      <Compare initialUrl={formUrl(url) ?? 'https://iis-renegotiation.test/secure/'} initialA={first} initialCertificate={cert === 'demo'} runNow={run === '1'} />
    </div>
  );
}
