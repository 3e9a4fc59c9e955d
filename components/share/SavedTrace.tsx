'use client';

import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { NextIntlClientProvider, useLocale, useMessages, useTimeZone, useTranslations } from 'next-intl';
import { loadCatalog } from '@/lib/i18n/catalogs';
import type { Locale } from '@/lib/i18n/locales';
import { asMessages, type Messages } from '@/lib/i18n/translator';
import type { Trace } from '@/lib/trace/schema';
import { resultApiPath } from '@/lib/share/embed';
import { RunView, type RunPreview } from '@/components/run/RunView';
import { ExportMenu } from './ExportMenu';

/**
 * A saved run's trace as the page fetches it: the page's HTML carries the summary and the diagram
 * (drawn on the server) but not the trace, which is the one big thing on it; the trace comes from
 * /api/results/{id}, an immutable answer the browser and any proxy keep. Until it is here, the parts
 * that need its bytes (a step's detail, the tabs, the downloads) say that they are loading.
 *
 * The words of those parts come with it: the page gives its client components only a few
 * namespaces of the catalog (lib/share/savedRunMessages.ts), and the whole catalog of the page's
 * language is loaded beside the trace (a script of the build, immutable too), so both arrive at once.
 */
export type SavedTraceState = { status: 'loading' } | { status: 'loaded'; trace: Trace } | { status: 'failed'; reason: string; retry: () => void };

const SavedTraceContext = createContext<SavedTraceState | null>(null);

async function fetchTrace(id: string, signal: AbortSignal): Promise<Trace> {
  const response = await fetch(resultApiPath(id), { signal, headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return (await response.json()) as Trace;
}

/** Fetches the saved run `id` once (again on retry) for the saved-run parts below it. */
export function SavedTrace({ id, children }: { id: string; children: ReactNode }) {
  const locale = useLocale() as Locale;
  const timeZone = useTimeZone();
  const given = useMessages();
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<SavedTraceState>({ status: 'loading' });
  const [catalog, setCatalog] = useState<Messages>();
  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);
  useEffect(() => {
    const controller = new AbortController();
    Promise.all([fetchTrace(id, controller.signal), loadCatalog(locale)]).then(
      ([trace, loaded]) => {
        setCatalog(asMessages(loaded));
        setState({ status: 'loaded', trace });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState({ status: 'failed', reason: error instanceof Error ? error.message : String(error), retry });
      },
    );
    return () => controller.abort();
  }, [id, locale, attempt, retry]);
  // One provider throughout (its messages grow), so nothing below it is mounted again.
  return (
    <NextIntlClientProvider locale={locale} timeZone={timeZone} messages={catalog ?? given}>
      <SavedTraceContext.Provider value={state}>{children}</SavedTraceContext.Provider>
    </NextIntlClientProvider>
  );
}

/** The saved run's trace as far as it has come (inside <SavedTrace>). */
export function useSavedTrace(): SavedTraceState {
  const state = useContext(SavedTraceContext);
  if (!state) throw new Error('useSavedTrace() outside <SavedTrace>');
  return state;
}

/** What stands where the trace's bytes will be: a polite "loading", or the failure with a retry button. */
export function TraceNotHere({ state }: { state: Exclude<SavedTraceState, { status: 'loaded' }> }) {
  const t = useTranslations('share.loading');
  if (state.status === 'loading') {
    return (
      <p role="status" className="rounded-md border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400" data-testid="trace-loading">
        {t('loading')}
      </p>
    );
  }
  return (
    <div role="alert" className="space-y-2 rounded-md border border-red-300 p-4 text-sm dark:border-red-800" data-testid="trace-failed">
      <p>{t('failed', { reason: state.reason })}</p>
      <button type="button" onClick={state.retry} className="rounded border border-zinc-300 px-2 py-1 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800">
        {t('retry')}
      </button>
    </div>
  );
}

/** The saved run's downloads, enabled once its trace is here. */
export function SavedExportMenu({ hasKeyLog }: { hasKeyLog: boolean }) {
  const state = useSavedTrace();
  return <ExportMenu trace={state.status === 'loaded' ? state.trace : undefined} hasKeyLog={hasKeyLog} />;
}

/** The saved run drawn from its preview at once, and with everything else when its trace is here. */
export function SavedRunView({ preview }: { preview: RunPreview }) {
  const state = useSavedTrace();
  return (
    <RunView
      trace={state.status === 'loaded' ? state.trace : undefined}
      preview={preview}
      pending={state.status === 'loaded' ? undefined : <TraceNotHere state={state} />}
      selectFromHash
    />
  );
}
