'use client';

import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslations } from 'next-intl';
import type { Trace } from '@/lib/trace/schema';
import type { MessageKey } from '@/lib/i18n/translator';
import { findLesson, lessonHref, pickedChoice, revealStop, stopNumber, type Lesson, type LessonId, type LessonRun, type LessonStop } from '@/lib/view/lessons';
import { DEFAULT_FORM, toRunRequest, type RunForm } from '@/lib/view/runOptions';
import { recipeHref } from '@/lib/share/recipe';
import { outcomeSentence, stepExplanation, stepTitle } from '@/lib/view/stepText';
import { useTranslate } from '@/components/i18n/useTranslate';
import { prepareRun } from '@/components/run/prepare';
import { useLiveRuns, type LiveRun } from '@/components/run/useLiveRuns';
import { framedByAnotherSite } from '@/components/share/LiveEmbed';
import { RfcLink } from '@/components/trace/RfcLink';
import { StepDetail } from '@/components/trace/StepDetail';

function runForm(run: LessonRun): RunForm {
  return { ...DEFAULT_FORM, url: run.url, personality: run.personality, clientCertificate: run.clientCertificate ?? false };
}

function hostOf(url: string): string {
  return new URL(url).host;
}

/** Where the reader is: the stop (1-based) and the prediction made there, as the address holds them. */
interface Place {
  stop: number;
  answer?: string;
}

function placeFrom(lesson: Lesson, search: string): Place {
  const params = new URLSearchParams(search);
  const stop = stopNumber(lesson, params.get('stop'));
  return { stop, answer: pickedChoice(lesson.stops[stop - 1], params.get('answer')) };
}

/**
 * A guided lesson over live runs (lib/view/lessons.ts): the lesson's runs go to the demo targets
 * from this browser, as the playground's do; the reader moves from stop to stop, predicts what
 * comes next, then sees the step of the live run. The address holds the stop and the prediction
 * (?stop=3&answer=…), so a reload, a link or the back button lands on the same place.
 * `embedded`: the embed's layout (/embed/lessons/…), where another site may frame it.
 */
export function LessonView({ lessonId, initial, embedded = false }: { lessonId: LessonId; initial: Place; embedded?: boolean }) {
  const lesson = findLesson(lessonId)!;
  const t = useTranslations('lessons.ui');
  const say = useTranslate();
  const words = (key: string, values?: Record<string, string>) => say(`lessons.${lesson.id}.${key}` as MessageKey, values);
  const [place, setPlace] = useState<Place>(initial);
  const { runs, runAll } = useLiveRuns(lesson.runs.length);
  /** Another site frames this lesson: its runs wait for the reader's click (as live embeds do). */
  const [heldBack, setHeldBack] = useState(false);
  const stopHeading = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);

  const startRuns = useCallback(() => {
    void runAll(lesson.runs.map((run) => toRunRequest(runForm(run), run.url)));
  }, [lesson, runAll]);

  useEffect(() => {
    if (framedByAnotherSite()) setHeldBack(true);
    else {
      prepareRun();
      startRuns();
    }
  }, [startRuns]);

  // The back and forward buttons move between stops.
  useEffect(() => {
    const onPop = () => setPlace(placeFrom(lesson, window.location.search));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [lesson]);

  // A new stop: the heading takes the focus, so keyboard and screen reader users start reading there.
  useEffect(() => {
    if (moved.current) stopHeading.current?.focus();
  }, [place.stop]);

  const go = (stop: number) => {
    moved.current = true;
    setPlace({ stop });
    window.history.pushState(window.history.state, '', lessonHref(window.location.pathname, stop, undefined, langOf()));
  };
  const predict = (answer: string) => {
    setPlace({ stop: place.stop, answer });
    window.history.replaceState(window.history.state, '', lessonHref(window.location.pathname, place.stop, answer, langOf()));
  };

  const stop = lesson.stops[place.stop - 1];
  const run = runs[stop.run];
  const last = place.stop === lesson.stops.length;

  return (
    <div className="space-y-6" data-testid="lesson" data-lesson={lesson.id} data-stop={place.stop} onPointerEnter={prepareRun}>
      <nav aria-label={t('stopsLabel')}>
        <ol className="flex flex-wrap gap-2 text-sm">
          {lesson.stops.map((s, i) => (
            <li key={s.id}>
              <a
                href={lessonHref('', i + 1)}
                onClick={(event) => {
                  event.preventDefault();
                  go(i + 1);
                }}
                aria-current={i + 1 === place.stop ? 'step' : undefined}
                className={`inline-block rounded-full border px-3 py-1 ${
                  i + 1 === place.stop ? 'border-sky-700 bg-sky-700 font-semibold text-white dark:border-sky-400 dark:bg-sky-400 dark:text-zinc-950' : 'border-zinc-300 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800'
                }`}
              >
                <span className="sr-only">{t('stopOf', { n: String(i + 1), total: String(lesson.stops.length) })}: </span>
                <span aria-hidden="true">{i + 1}. </span>
                {words(`stops.${s.id}.title`)}
              </a>
            </li>
          ))}
        </ol>
      </nav>

      <section aria-labelledby="stop-title" className="space-y-4" data-testid="lesson-stop" data-stop-id={stop.id}>
        <div>
          <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="stop-counter">
            {t('stopOf', { n: String(place.stop), total: String(lesson.stops.length) })} · {t('liveRun', { host: hostOf(lesson.runs[stop.run].url), client: lesson.runs[stop.run].personality })}
          </p>
          <h2 id="stop-title" ref={stopHeading} tabIndex={-1} className="text-xl font-semibold tracking-tight outline-none sm:text-2xl">
            {words(`stops.${stop.id}.title`)}
          </h2>
        </div>
        <Prose text={words(`stops.${stop.id}.prose`)} />

        {heldBack && run.status === 'idle' && (
          <div className="space-y-2 rounded-md border border-zinc-300 p-3 dark:border-zinc-700" data-testid="lesson-held-back">
            <p className="text-sm">{t('heldBack')}</p>
            <button type="button" onClick={startRuns} className="rounded-md bg-sky-700 px-3 py-1.5 font-semibold text-white hover:bg-sky-800" data-testid="lesson-start-runs">
              {t('startRuns')}
            </button>
          </div>
        )}

        <Stop key={`${place.stop}`} lesson={lesson} stop={stop} run={run} answer={place.answer} onPredict={predict} words={words} />

        {last && <RunsOverview lesson={lesson} runs={runs} />}
      </section>

      <div className="flex flex-wrap items-center justify-between gap-3 border-t border-zinc-200 pt-4 dark:border-zinc-800">
        <button
          type="button"
          onClick={() => go(place.stop - 1)}
          disabled={place.stop === 1}
          className="rounded-md border border-zinc-300 px-3 py-1.5 hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800"
          data-testid="lesson-previous"
        >
          ← {t('previous')}
        </button>
        {last ? (
          !embedded && (
            <a href="/lessons" className="text-sky-800 underline dark:text-sky-300" data-testid="lesson-all">
              {t('allLessons')}
            </a>
          )
        ) : (
          <button type="button" onClick={() => go(place.stop + 1)} className="rounded-md bg-sky-700 px-3 py-1.5 font-semibold text-white hover:bg-sky-800" data-testid="lesson-next">
            {t('next')} →
          </button>
        )}
      </div>
    </div>
  );
}

/** The page's ?lang=, kept on the addresses this lesson writes (a Chinese link stays Chinese). */
function langOf(): Record<string, string> | undefined {
  const lang = new URLSearchParams(window.location.search).get('lang');
  return lang ? { lang } : undefined;
}

function Prose({ text }: { text: string }) {
  return (
    <div className="max-w-3xl space-y-3 leading-relaxed text-zinc-800 dark:text-zinc-200">
      {text.split(/\n\n+/).map((paragraph, i) => (
        <p key={i}>{paragraph}</p>
      ))}
    </div>
  );
}

/** One stop: its question (a radio group and a button), then what the live run did. */
function Stop({
  lesson,
  stop,
  run,
  answer,
  onPredict,
  words,
}: {
  lesson: Lesson;
  stop: LessonStop;
  run: LiveRun;
  answer?: string;
  onPredict: (answer: string) => void;
  words: (key: string, values?: Record<string, string>) => string;
}) {
  const t = useTranslations('lessons.ui');
  const [choice, setChoice] = useState<string | undefined>(answer);
  const [missing, setMissing] = useState(false);
  /** Predicted here (not opened from a link with an answer): the verdict takes the focus when it shows. */
  const [answeredHere, setAnsweredHere] = useState(false);
  const name = useId();
  const asks = stop.choices !== undefined;
  const revealed = !asks || answer !== undefined;

  function submit() {
    if (!choice) {
      setMissing(true);
      return;
    }
    setAnsweredHere(true);
    onPredict(choice);
  }

  return (
    <div className="space-y-4">
      {asks && (
        // Not a <form>: an embed sandboxed without allow-forms would never see it submitted (HTML §4.10.21.3).
        <div className="space-y-3" data-testid="prediction">
          <fieldset className="space-y-2" disabled={answer !== undefined} aria-describedby={missing ? `${name}-missing` : undefined}>
            <legend className="mb-2 font-semibold">{words(`stops.${stop.id}.question`)}</legend>
            {stop.choices!.map((c) => (
              <label key={c.id} className="flex max-w-3xl cursor-pointer items-start gap-2 rounded-md border border-zinc-200 p-2 has-checked:border-sky-700 has-checked:bg-sky-50 dark:border-zinc-800 dark:has-checked:border-sky-400 dark:has-checked:bg-sky-950" data-testid="choice" data-choice={c.id}>
                <input
                  type="radio"
                  name={name}
                  value={c.id}
                  checked={choice === c.id}
                  onChange={() => {
                    setChoice(c.id);
                    setMissing(false);
                  }}
                  className="mt-1"
                />
                <span>{words(`stops.${stop.id}.choices.${c.id}`)}</span>
              </label>
            ))}
          </fieldset>
          {missing && (
            <p id={`${name}-missing`} role="alert" data-testid="choose-first" className="text-sm text-red-800 dark:text-red-300">
              {t('chooseFirst')}
            </p>
          )}
          {answer === undefined && (
            <button type="button" onClick={submit} className="rounded-md bg-sky-700 px-3 py-1.5 font-semibold text-white hover:bg-sky-800" data-testid="check-prediction">
              {t('check')}
            </button>
          )}
        </div>
      )}
      {revealed && <Reveal lesson={lesson} stop={stop} run={run} answer={answer} words={words} focusVerdict={answeredHere} />}
    </div>
  );
}

/** What the live run did at this stop: the verdict on the prediction, the step (the run view's detail), the prose after. */
function Reveal({
  lesson,
  stop,
  run,
  answer,
  words,
  focusVerdict,
}: {
  lesson: Lesson;
  stop: LessonStop;
  run: LiveRun;
  answer?: string;
  words: (key: string) => string;
  focusVerdict: boolean;
}) {
  const t = useTranslations('lessons.ui');
  const say = useTranslate();
  const verdict = useRef<HTMLDivElement>(null);
  const ready = run.status === 'done';
  // The check button is gone once the reader predicted: the focus goes on to the verdict, not back to the top.
  useEffect(() => {
    if (focusVerdict && ready) verdict.current?.focus();
  }, [focusVerdict, ready]);
  const trace = run.status === 'done' ? run.trace : undefined;
  const shown = useMemo(() => (trace ? revealStop(stop, trace) : undefined), [stop, trace]);
  const spec = lesson.runs[stop.run];

  if (run.status === 'failed') {
    return (
      <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-300">
        {t('failed', { message: run.message })}
      </p>
    );
  }
  if (!trace || !shown) {
    return (
      <p role="status" className="text-zinc-600 dark:text-zinc-400" data-testid="lesson-waiting">
        {run.status === 'idle' ? t('notStarted') : t('waiting', { host: hostOf(spec.url) })}
      </p>
    );
  }
  const choiceWords = (id: string) => words(`stops.${stop.id}.choices.${id}`);
  const right = answer !== undefined && answer === shown.actual;
  return (
    <div className="space-y-4" data-testid="reveal" data-actual={shown.actual ?? ''} data-seq={shown.step?.seq}>
      {answer !== undefined && (
        <div ref={verdict} tabIndex={-1} role="status" className={`max-w-3xl rounded-md border p-3 ${right ? 'border-emerald-600 bg-emerald-50 dark:bg-emerald-950' : 'border-amber-600 bg-amber-50 dark:bg-amber-950'}`} data-testid="verdict" data-right={right}>
          <p className="font-semibold">{right ? t('right') : t('wrong')}</p>
          <p>{t('youSaid', { choice: choiceWords(answer) })}</p>
          <p>{shown.actual ? t('actual', { choice: choiceWords(shown.actual) }) : t('unforeseen')}</p>
        </div>
      )}
      {shown.step ? (
        <section aria-label={t('revealed')} className="space-y-2 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
          <h3 className="text-sm font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">{t('revealed')}</h3>
          <StepDetail step={shown.step} trace={trace} explainsOutcome={false} />
        </section>
      ) : (
        <p className="text-zinc-700 dark:text-zinc-300">{t('notReached', { outcome: outcomeSentence(trace.outcomeCause, say) })}</p>
      )}
      {shown.context && (
        // The check's words only: its data is the whole certificate summary, shown in the run view's certificate tab.
        <section aria-label={t('why')} className="max-w-3xl space-y-1 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800" data-testid="reveal-context">
          <h3 className="text-sm font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">{t('why')}</h3>
          <p className="font-semibold">{stepTitle(shown.context, say)}</p>
          {stepExplanation(shown.context, say) && <p>{stepExplanation(shown.context, say)}</p>}
          {shown.context.rfc && <RfcLink reference={shown.context.rfc} />}
        </section>
      )}
      <Prose text={words(`stops.${stop.id}.after`)} />
      <p className="text-sm">
        <a href={recipeHref('/', runForm(spec))} className="text-sky-800 underline dark:text-sky-300" data-testid="lesson-open-run">
          {t('openRun')}
        </a>
      </p>
    </div>
  );
}

/** At the last stop: every run of the lesson and how it ended. */
function RunsOverview({ lesson, runs }: { lesson: Lesson; runs: LiveRun[] }) {
  const t = useTranslations('lessons.ui');
  const say = useTranslate();
  return (
    <section aria-labelledby="lesson-runs" className="space-y-2">
      <h3 id="lesson-runs" className="font-semibold">
        {t('runsTitle')}
      </h3>
      <ul className="space-y-1 text-sm" data-testid="lesson-runs">
        {lesson.runs.map((spec, i) => {
          const run = runs[i];
          const trace: Trace | undefined = run.status === 'done' ? run.trace : undefined;
          return (
            <li key={i} className="flex flex-wrap gap-x-2">
              <span className="font-mono">{hostOf(spec.url)}</span>
              <span className="text-zinc-600 dark:text-zinc-400">({spec.personality})</span>
              <span>{trace ? outcomeSentence(trace.outcomeCause, say) : run.status === 'failed' ? t('failed', { message: run.message }) : t('waiting', { host: hostOf(spec.url) })}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
