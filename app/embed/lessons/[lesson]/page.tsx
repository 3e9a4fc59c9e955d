import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getLocale } from 'next-intl/server';
import { getTranslate } from '@/app/i18n/translate';
import { withLang } from '@/lib/i18n/locales';
import type { MessageKey } from '@/lib/i18n/translator';
import { findLesson, lessonPlace } from '@/lib/view/lessons';
import { EmbedHeader } from '@/components/share/EmbedHeader';
import { LessonView } from '@/components/lessons/LessonView';

interface Props {
  params: Promise<{ lesson: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const lesson = findLesson((await params).lesson);
  return lesson ? { title: (await getTranslate())(`lessons.${lesson.id}.title` as MessageKey) } : {};
}

/**
 * /embed/lessons/{lesson}: a lesson in another site's page. Its runs are live, like the live
 * embed's (/embed?url=…): framed by another site they start on the reader's click, and the frame
 * needs allow-same-origin (LIVE_EMBED_SANDBOX). proxy.ts gives /embed/… its frame-ancestors *.
 */
export default async function EmbeddedLessonPage({ params, searchParams }: Props) {
  const lesson = findLesson((await params).lesson);
  if (!lesson) notFound();
  const query = await searchParams;
  const { stop, answer } = lessonPlace(lesson, query);
  const title = (await getTranslate())(`lessons.${lesson.id}.title` as MessageKey);
  return (
    <>
      <EmbedHeader href={withLang(`/lessons/${lesson.id}`, await getLocale())} label={title} />
      <h1 className="mb-3 text-lg font-semibold">{title}</h1>
      <LessonView lessonId={lesson.id} initial={{ stop, answer }} embedded />
    </>
  );
}
