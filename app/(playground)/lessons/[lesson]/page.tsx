import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { getTranslate } from '@/app/i18n/translate';
import { withLang } from '@/lib/i18n/locales';
import type { MessageKey } from '@/lib/i18n/translator';
import { publicOrigin } from '@/lib/share/origin';
import { LIVE_EMBED_SANDBOX } from '@/lib/share/embed';
import { findLesson, lessonPlace } from '@/lib/view/lessons';
import { EmbedCode } from '@/components/share/EmbedCode';
import { LessonView } from '@/components/lessons/LessonView';
import { headers } from 'next/headers';

interface Props {
  params: Promise<{ lesson: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const lesson = findLesson((await params).lesson);
  if (!lesson) return {};
  const say = await getTranslate();
  return { title: `${say(`lessons.${lesson.id}.title` as MessageKey)} — TLS Playground`, description: say(`lessons.${lesson.id}.summary` as MessageKey) };
}

/** /lessons/{lesson}?stop=N&answer=…: one lesson, at the stop the address names. */
export default async function LessonPage({ params, searchParams }: Props) {
  const lesson = findLesson((await params).lesson);
  if (!lesson) notFound();
  const query = await searchParams;
  const { stop, answer } = lessonPlace(lesson, query);
  const t = await getTranslations('lessons.ui');
  const say = await getTranslate();
  const locale = await getLocale();
  const origin = publicOrigin(await headers(), process.env);
  return (
    <div className="space-y-6">
      <header className="space-y-2">
        <p className="text-sm">
          <Link href="/lessons" className="text-sky-800 underline dark:text-sky-300">
            {t('allLessons')}
          </Link>
        </p>
        <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{say(`lessons.${lesson.id}.title` as MessageKey)}</h1>
        <p className="max-w-3xl text-zinc-700 dark:text-zinc-300">{say(`lessons.${lesson.id}.summary` as MessageKey)}</p>
      </header>
      <LessonView lessonId={lesson.id} initial={{ stop, answer }} />
      <details className="text-sm">
        <summary className="cursor-pointer text-sky-800 dark:text-sky-300">{t('embed')}</summary>
        <div className="mt-2 max-w-3xl">
          <EmbedCode src={withLang(`${origin}/embed/lessons/${lesson.id}`, locale)} title={t('embedTitle', { title: say(`lessons.${lesson.id}.title` as MessageKey) })} sandbox={LIVE_EMBED_SANDBOX} />
        </div>
      </details>
    </div>
  );
}
