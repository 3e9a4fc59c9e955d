import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { formUrl } from '@/lib/view/runOptions';
import { Doctor } from './Doctor';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('doctor'))('metaTitle') };
}

/** `?url=` fills the form (the summary of a failed run links here with its URL); nothing runs until Diagnose. */
export default async function DoctorPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { url } = await searchParams;
  const t = await getTranslations('doctor');
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">{t('title')}</h1>
      <p className="max-w-3xl text-zinc-600 dark:text-zinc-400">{t('intro')}</p>
      <Doctor initialUrl={formUrl(url) ?? 'https://iis-renegotiation.test/secure/'} />
    </div>
  );
}
