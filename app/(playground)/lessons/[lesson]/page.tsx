import type { Metadata } from 'next';
import Link from 'next/link';
import { getLocale, getTranslations } from 'next-intl/server';
import { withLang } from '@/lib/i18n/locales';
import { publicOrigin } from '@/lib/share/origin';
import { LIVE_EMBED_SANDBOX } from '@/lib/share/embed';
import { askedLesson, namedLesson, type LessonPageProps } from '@/app/_lessons/askedLesson';
import { EmbedCode } from '@/components/share/EmbedCode';
import { LessonView } from '@/components/lessons/LessonView';
import { headers } from 'next/headers';

export async function generateMetadata({ params }: LessonPageProps): Promise<Metadata> {
  const named = await namedLesson(params);
  // A lesson that does not exist is a 404 (askedLesson): its tab says so in the reader's language.
  return named ? { title: `${named.title} — TLS Playground`, description: named.summary } : { title: (await getTranslations('notFound'))('metaTitle'), robots: { index: false } };
}

/** /lessons/{lesson}?stop=N&answer=…: one lesson, at the stop the address names. */
export default async function LessonPage(props: LessonPageProps) {
  const { lesson, title, summary, stop, answer } = await askedLesson(props);
  const t = await getTranslations('lessons.ui');
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
        <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{title}</h1>
        <p className="max-w-3xl text-zinc-700 dark:text-zinc-300">{summary}</p>
      </header>
      <LessonView lessonId={lesson.id} initial={{ stop, answer }} />
      <details className="text-sm">
        <summary className="cursor-pointer text-sky-800 dark:text-sky-300">{t('embed')}</summary>
        <div className="mt-2 max-w-3xl">
          <EmbedCode src={withLang(`${origin}/embed/lessons/${lesson.id}`, locale)} title={t('embedTitle', { title })} sandbox={LIVE_EMBED_SANDBOX} />
        </div>
      </details>
    </div>
  );
}
