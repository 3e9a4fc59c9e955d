import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';
import { CopyButton } from '@/components/trace/CopyButton';
import { Story } from './Story';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('story'))('metaTitle') };
}

/** The netsh steps of the fix, each with what it does (the commands are the same in every language). */
const FIX_COMMANDS = [
  { what: 'show', command: 'netsh http show sslcert' },
  { what: 'delete', command: 'netsh http delete sslcert ipport=0.0.0.0:443' },
  { what: 'add', command: 'netsh http add sslcert ipport=0.0.0.0:443 certhash=<certhash> appid={<appid>} certstorename=MY clientcertnegotiation=enable' },
  { what: 'check', command: 'netsh http show sslcert ipport=0.0.0.0:443' },
] as const;

const mono = (chunks: ReactNode): ReactNode => <span className="font-mono">{chunks}</span>;

export default async function RenegotiationStoryPage() {
  const t = await getTranslations('story');
  return (
    <div className="space-y-8">
      <section className="space-y-3">
        <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{t('title')}</h1>
        <p className="max-w-3xl text-zinc-700 dark:text-zinc-300">{t('scenario')}</p>
        <p className="max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">{t.rich('real', { mono })}</p>
      </section>
      <Story />
      <section aria-labelledby="fixes" className="space-y-3">
        <h2 id="fixes" className="text-lg font-semibold">
          {t('fixTitle')}
        </h2>
        <p className="max-w-3xl text-zinc-700 dark:text-zinc-300">
          {t.rich('fix', { mono })}
        </p>
        <ol className="space-y-3">
          {FIX_COMMANDS.map((step) => (
            <li key={step.command} className="space-y-1">
              <p className="text-sm">{t(`commands.${step.what}`)}</p>
              <div className="flex items-start gap-2 rounded-md bg-zinc-100 p-2 dark:bg-zinc-900">
                <code className="min-w-0 flex-1 break-all font-mono text-sm">{step.command}</code>
                <CopyButton value={step.command} label={step.command} />
              </div>
            </li>
          ))}
        </ol>
        <p className="max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">{t('otherWays')}</p>
      </section>
    </div>
  );
}
