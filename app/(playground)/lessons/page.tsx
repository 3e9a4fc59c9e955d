import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { getTranslate } from '@/app/i18n/translate';
import type { MessageKey } from '@/lib/i18n/translator';
import { LESSONS } from '@/lib/view/lessons';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('lessons.ui'))('metaTitle') };
}

/** /lessons: the guided lessons, each a link to its first stop. */
export default async function LessonsPage() {
  const t = await getTranslations('lessons.ui');
  const say = await getTranslate();
  return (
    <div className="space-y-6">
      <section className="space-y-2">
        <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{t('title')}</h1>
        <p className="max-w-3xl text-zinc-700 dark:text-zinc-300">{t('intro')}</p>
      </section>
      <ul className="grid gap-4 md:grid-cols-3" data-testid="lesson-list">
        {LESSONS.map((lesson) => (
          <li key={lesson.id} className="flex flex-col gap-2 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
            <h2 className="text-lg font-semibold">
              <Link href={`/lessons/${lesson.id}`} className="text-sky-800 underline-offset-2 hover:underline dark:text-sky-300" data-testid={`lesson-link-${lesson.id}`}>
                {say(`lessons.${lesson.id}.title` as MessageKey)}
              </Link>
            </h2>
            <p className="text-sm text-zinc-700 dark:text-zinc-300">{say(`lessons.${lesson.id}.summary` as MessageKey)}</p>
            <p className="mt-auto text-xs text-zinc-600 dark:text-zinc-400">
              {t('size', { stops: String(lesson.stops.length), runs: lesson.runs.length })} · {lesson.runs.map((r) => new URL(r.url).host).filter((h, i, all) => all.indexOf(h) === i).join(', ')}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}
