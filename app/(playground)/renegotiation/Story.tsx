'use client';

import { useTranslations } from 'next-intl';
import { useTranslate } from '@/components/i18n/useTranslate';
import { ComparisonView } from '@/components/compare/ComparisonView';
import { RfcLink } from '@/components/trace/RfcLink';
import { TONE_BADGE, TONE_TEXT } from '@/components/trace/tone';
import type { Trace } from '@/lib/trace/schema';
import { DEFAULT_FORM, toRunRequest, type RunForm } from '@/lib/view/runOptions';
import { keyMoments } from '@/lib/view/story';
import { buildSummary } from '@/lib/view/summary';
import { prepareRun } from '@/components/run/prepare';
import { useLiveRuns, type LiveRun } from '@/components/run/useLiveRuns';

const URL_SECURE = 'https://iis-renegotiation.test/secure/';

/** The three chapters: which client, and the key of its title, introduction and label in the catalogs. */
interface Chapter {
  key: 'rustls' | 'openssl' | 'certificate';
  form: RunForm;
}

const CHAPTERS: Chapter[] = [
  { key: 'rustls', form: { ...DEFAULT_FORM, personality: 'rustls' } },
  { key: 'openssl', form: { ...DEFAULT_FORM, personality: 'openssl' } },
  { key: 'certificate', form: { ...DEFAULT_FORM, personality: 'openssl', clientCertificate: true } },
];

/** The guided IIS story: three runs, their key moments explained, then rustls and OpenSSL side by side. */
export function Story() {
  const t = useTranslations('story');
  const { runs, runAll, start } = useLiveRuns(CHAPTERS.length);
  const running = runs.some((r) => r.status === 'running');
  return (
    <div className="space-y-8" onPointerEnter={prepareRun} onFocus={prepareRun}>
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          disabled={running}
          onClick={() => void runAll(CHAPTERS.map((c) => toRunRequest(c.form, URL_SECURE)))}
          className="rounded-md bg-sky-700 px-4 py-2 text-sm font-semibold text-white hover:bg-sky-800 disabled:opacity-60 dark:bg-sky-700"
          data-testid="story-run-all"
        >
          {running ? t('running') : t('runAll')}
        </button>
      </div>
      {CHAPTERS.map((chapter, i) => (
        <section key={chapter.key} aria-labelledby={`chapter-${i}`} className="space-y-3" data-testid={`chapter-${i}`}>
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 id={`chapter-${i}`} className="text-lg font-semibold">
              {t(`chapters.${chapter.key}.title`)}
            </h2>
            <button
              type="button"
              disabled={running}
              onClick={() => void start(i, toRunRequest(chapter.form, URL_SECURE))}
              className="rounded border border-zinc-300 px-3 py-1 text-sm hover:bg-zinc-100 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800"
            >
              {t('runAs', { label: t(`chapters.${chapter.key}.label`) })}
            </button>
          </div>
          <p className="max-w-3xl text-zinc-700 dark:text-zinc-300">{t(`chapters.${chapter.key}.intro`)}</p>
          <ChapterResult run={runs[i]} />
        </section>
      ))}
      {runs[0].status === 'done' && runs[2].status === 'done' && (
        <section aria-labelledby="side-by-side" className="space-y-3">
          <h2 id="side-by-side" className="text-lg font-semibold">
            {t('sideBySide')}
          </h2>
          <ComparisonView a={runs[0].trace} b={runs[2].trace} labelA={t(`chapters.${CHAPTERS[0].key}.label`)} labelB={t(`chapters.${CHAPTERS[2].key}.label`)} />
        </section>
      )}
    </div>
  );
}

function ChapterResult({ run }: { run: LiveRun }) {
  const t = useTranslations('story');
  if (run.status === 'idle') return null;
  if (run.status === 'running') return <p role="status" className="text-sm text-zinc-500 dark:text-zinc-400">{t('running')}</p>;
  if (run.status === 'failed') return <p role="alert" className="text-sm text-red-700 dark:text-red-400">{t('couldNotStart', { message: run.message })}</p>;
  return <Moments trace={run.trace} />;
}

function Moments({ trace }: { trace: Trace }) {
  const summary = buildSummary(trace, useTranslate());
  const moments = keyMoments(trace, useTranslate());
  return (
    <div className="space-y-2" data-testid="chapter-result" data-outcome={trace.outcome}>
      <p className={`inline-block rounded px-2 py-1 text-sm font-medium ring-1 ${TONE_BADGE[summary.tone]}`}>
        {summary.outcomeLabel}: {summary.detail}
      </p>
      <ol className="space-y-2 border-l-2 border-zinc-200 pl-4 dark:border-zinc-800">
        {moments.map((m) => (
          <li key={m.seq} data-testid="moment">
            <span className={`font-medium ${m.tone === 'neutral' ? '' : TONE_TEXT[m.tone]}`}>{m.title}</span>
            {m.explanation && <p className="text-sm text-zinc-700 dark:text-zinc-300">{m.explanation}</p>}
            {m.rfc && (
              <p className="text-xs">
                <RfcLink reference={m.rfc} />
              </p>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
