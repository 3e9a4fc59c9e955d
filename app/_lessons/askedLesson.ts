import { notFound } from 'next/navigation';
import { getTranslate } from '@/app/i18n/translate';
import type { MessageKey } from '@/lib/i18n/translator';
import { findLesson, lessonPlace, type Lesson } from '@/lib/view/lessons';

/** The route props of a lesson's pages: /lessons/{lesson} and its embed /embed/lessons/{lesson}. */
export interface LessonPageProps {
  params: Promise<{ lesson: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** A lesson the address names, with its title and summary in the reader's language (catalog `lessons.<id>.…`). */
export interface NamedLesson {
  lesson: Lesson;
  title: string;
  summary: string;
}

/** The lesson `params` name, with its words; undefined for a name no lesson has (the page answers 404). */
export async function namedLesson(params: LessonPageProps['params']): Promise<NamedLesson | undefined> {
  const lesson = findLesson((await params).lesson);
  if (!lesson) return undefined;
  const say = await getTranslate();
  return { lesson, title: say(`lessons.${lesson.id}.title` as MessageKey), summary: say(`lessons.${lesson.id}.summary` as MessageKey) };
}

/** The lesson a page shows and where its address puts the reader (the stop, the prediction made there); a 404 for an unknown lesson. */
export async function askedLesson({ params, searchParams }: LessonPageProps): Promise<NamedLesson & { stop: number; answer: string | undefined }> {
  const named = await namedLesson(params);
  if (!named) notFound();
  return { ...named, ...lessonPlace(named.lesson, await searchParams) };
}
