import type { Metadata } from 'next';
import { getLocale, getTranslations } from 'next-intl/server';
import { withLang } from '@/lib/i18n/locales';
import { askedLesson, namedLesson, type LessonPageProps } from '@/app/_lessons/askedLesson';
import { EmbedHeader } from '@/components/share/EmbedHeader';
import { LessonView } from '@/components/lessons/LessonView';

export async function generateMetadata({ params }: LessonPageProps): Promise<Metadata> {
  const named = await namedLesson(params);
  // A lesson that does not exist is a 404: its tab says so in the reader's language.
  return named ? { title: named.title } : { title: (await getTranslations('notFound'))('metaTitle'), robots: { index: false } };
}

/**
 * /embed/lessons/{lesson}: a lesson in another site's page. Its runs are live, like the live
 * embed's (/embed?url=…): framed by another site they start on the reader's click, and the frame
 * needs allow-same-origin (LIVE_EMBED_SANDBOX). proxy.ts gives /embed/… its frame-ancestors *.
 */
export default async function EmbeddedLessonPage(props: LessonPageProps) {
  const { lesson, title, stop, answer } = await askedLesson(props);
  return (
    <>
      <EmbedHeader href={withLang(`/lessons/${lesson.id}`, await getLocale())} label={title} />
      <h1 className="mb-3 text-lg font-semibold">{title}</h1>
      <LessonView lessonId={lesson.id} initial={{ stop, answer }} embedded />
    </>
  );
}
