'use client';

import { useCallback, useEffect, useId, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { TRACE_SCHEMA, TRACE_VERSION, type Trace } from '@/lib/trace/schema';
import type { Diagnostic } from '@/lib/tls/diagnostics';
import { parseTraceJson, traceToJson } from '@/lib/export/json';
import { keyLogText } from '@/lib/export/keylog';
import { PCAPNG_MEDIA_TYPE, traceToPcapng } from '@/lib/export/pcapng';
import { traceFileName } from '@/lib/view/fileNames';
import { traceFileWords } from '@/lib/view/traceFile';
import { checkTarget, DEFAULT_FORM, readTamperSpec, toRunRequest, type RunForm } from '@/lib/view/runOptions';
import { useTranslations } from 'next-intl';
import { decodeRecipe, recipeHref } from '@/lib/share/recipe';
import { presentedStep, wantsPresentation, withPresentation } from '@/lib/view/presentation';
import { ShareBar } from '@/components/share/ShareBar';
import { DemoTargets, type DemoTargetCard } from '@/components/run/DemoTargets';
import { loadEngineWhenIdle, prepareRun } from '@/components/run/prepare';
import { RunOptionsPanel } from '@/components/run/RunOptionsPanel';
import { RunView } from '@/components/run/RunView';
import { useLiveRuns, type LiveRun } from '@/components/run/useLiveRuns';
import { FormError } from '@/components/run/FormParts';
import { useTranslate } from '@/components/i18n/useTranslate';

/** The trace a run slot shows: as it grows, a placeholder before its first step, or why it could not start. */
function shownTrace(run: LiveRun): Trace | undefined {
  switch (run.status) {
    case 'idle':
      return undefined;
    case 'running':
      return run.trace ?? placeholderTrace(run.request.url, run.request.personality ?? '');
    case 'done':
      return run.trace;
    case 'failed':
      return failedTrace(run.request.url, run.request.personality ?? '', run.message, run.diagnostic);
  }
}

/**
 * The playground: URL input, demo targets and options; then the live diagram, the selected step's
 * detail, the key schedule and the certificate. Runs happen in this browser: the engine is loaded on
 * the first Run (so the first page load stays small) and talks to the server through the relay.
 */
export function Playground({ targets }: { targets: DemoTargetCard[] }) {
  const [form, setForm] = useState<RunForm>(DEFAULT_FORM);
  const [formError, setFormError] = useState<string | undefined>(undefined);
  const { runs, start: startRun, stop, show, clear } = useLiveRuns(1);
  const [run] = runs;
  const trace = shownTrace(run);
  const urlInput = useRef<HTMLInputElement>(null);
  const errorId = useId();
  const tamperWords = useTranslations('tamper.form');
  const t = useTranslations('playground');
  const say = useTranslate();
  // The words of the moment, read when a run starts: `start` itself must not change with them (the
  // recipe effect below runs again whenever it does).
  const words = useRef({ t, say, tamperWords });
  words.current = { t, say, tamperWords };

  const running = run.status === 'running';
  /** A run that ended, or could not start (its trace says why), or a trace opened from a file. */
  const finished = run.status === 'done' || run.status === 'failed';

  const start = useCallback(
    async (url: string, currentForm: RunForm) => {
      const target = checkTarget(url, words.current.say);
      if (!target.ok) {
        // The error is about what was just typed: the previous run's card would read as its result.
        clear(0);
        setFormError(target.message);
        urlInput.current?.focus();
        return;
      }
      if (currentForm.versions.length === 0) {
        setFormError(words.current.t('chooseVersion'));
        return;
      }
      const tamperProblem = readTamperSpec(currentForm.tamper, words.current.say).problem;
      if (tamperProblem) {
        setFormError(words.current.tamperWords('invalid', { message: tamperProblem }));
        return;
      }
      setFormError(undefined);
      // The address bar becomes this experiment's recipe link (lib/share/recipe), so it can be shared.
      // A run opened in presentation mode (?present=1) stays in it, on the step it names (&step=N).
      const recipe = recipeHref(window.location.pathname, { ...currentForm, url: target.url });
      const presenting = wantsPresentation(window.location.search);
      window.history.replaceState(null, '', withPresentation(recipe, presenting, presenting ? presentedStep(window.location.search) : undefined));
      await startRun(0, toRunRequest(currentForm, target.url));
    },
    [startRun, clear],
  );

  // The engine loads while the user reads the page, so the first click does not wait for it.
  useEffect(() => loadEngineWhenIdle(), []);

  // Recipe links (lib/share/recipe) prefill the form: /?url=https://host/path&as=openssl&versions=…;
  // with run=1 the run starts at once, otherwise nothing runs until Run is pressed.
  useEffect(() => {
    const recipe = decodeRecipe(window.location.search);
    if (!recipe) return;
    setForm(recipe.form);
    if (recipe.run) void start(recipe.form.url, recipe.form);
  }, [start]);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void start(form.url, form);
  }

  function runDemo(url: string) {
    // The upload paths are about request bodies: they are meant to be POSTed.
    const next: RunForm = { ...form, url, method: new URL(url).pathname.endsWith('/upload') ? 'POST' : form.method };
    setForm(next);
    void start(url, next);
  }

  async function openFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    let trace: Trace;
    try {
      trace = parseTraceJson(await file.text());
    } catch (error) {
      setFormError(t('cannotOpen', { file: file.name, message: traceFileWords(error, say) }));
      return;
    }
    setFormError(undefined);
    show(0, trace);
  }

  function download(content: BlobPart, type: string, name: string) {
    const href = URL.createObjectURL(new Blob([content], { type }));
    const a = document.createElement('a');
    a.href = href;
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(href), 1000);
  }

  function saveTrace(format: 'json' | 'pcapng' | 'keylog.txt') {
    if (!trace) return;
    if (format === 'json') download(traceToJson(trace), 'application/json', traceFileName(trace, 'json'));
    else if (format === 'pcapng') download(traceToPcapng(trace) as Uint8Array<ArrayBuffer>, PCAPNG_MEDIA_TYPE, traceFileName(trace, 'pcapng'));
    else download(keyLogText(trace), 'text/plain', traceFileName(trace, 'keylog.txt'));
  }

  return (
    <div className="space-y-6">
      <form onSubmit={onSubmit} onFocus={prepareRun} onPointerEnter={prepareRun} className="space-y-3" noValidate aria-label={t('formLabel')}>
        <div className="flex flex-col gap-2 sm:flex-row">
          <label htmlFor="target-url" className="sr-only">
            {t('urlLabel')}
          </label>
          <input
            ref={urlInput}
            id="target-url"
            name="url"
            type="url"
            inputMode="url"
            autoComplete="url"
            spellCheck={false}
            placeholder="https://example.com/"
            value={form.url}
            onChange={(e) => setForm({ ...form, url: e.target.value })}
            aria-invalid={formError !== undefined}
            aria-describedby={formError ? errorId : undefined}
            className="min-w-0 flex-1 rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-sm shadow-sm placeholder:text-zinc-400 dark:border-zinc-700 dark:bg-zinc-900"
            data-testid="url-input"
          />
          <div className="flex gap-2">
            <button
              type="submit"
              disabled={running}
              className="rounded-md bg-sky-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sky-800 disabled:cursor-not-allowed disabled:opacity-60 dark:bg-sky-700 dark:hover:bg-sky-600"
              data-testid="run-button"
            >
              {running ? t('running') : t('run')}
            </button>
            {running && (
              <button type="button" onClick={() => stop(0)} className="rounded-md border border-zinc-300 px-3 py-2 text-sm dark:border-zinc-700" data-testid="stop-button">
                {t('stop')}
              </button>
            )}
          </div>
        </div>
        {formError && (
          <FormError id={errorId} testId="form-error">
            {formError}
          </FormError>
        )}
        <RunOptionsPanel form={form} onChange={setForm} />
      </form>

      {trace && run.status !== 'idle' && (
        <RunView key={run.id} trace={trace} running={running} live={!(run.status === 'done' && run.opened)} actions={finished && <ShareBar trace={trace} />} />
      )}

      <DemoTargets targets={targets} onRun={runDemo} onIntent={prepareRun} disabled={running} />

      <div className="flex flex-wrap items-center gap-3 text-sm text-zinc-600 dark:text-zinc-400">
        <label className="cursor-pointer rounded border border-zinc-300 px-2 py-1 hover:bg-zinc-100 focus-within:outline-2 focus-within:outline-sky-600 dark:border-zinc-700 dark:hover:bg-zinc-800">
          {t('openTrace')}
          <input type="file" accept="application/json,.json" className="sr-only" onChange={openFile} data-testid="open-trace" />
        </label>
        {trace && finished && (
          <>
            <button type="button" onClick={() => saveTrace('json')} className="rounded border border-zinc-300 px-2 py-1 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800">
              {t('saveTrace')}
            </button>
            <button
              type="button"
              onClick={() => saveTrace('pcapng')}
              className="rounded border border-zinc-300 px-2 py-1 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
              title={t('downloadPcapngTitle')}
            >
              {t('downloadPcapng')}
            </button>
            {trace.keyLog.length > 0 && (
              <button
                type="button"
                onClick={() => saveTrace('keylog.txt')}
                className="rounded border border-zinc-300 px-2 py-1 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
                title={t('downloadKeyLogTitle')}
              >
                {t('downloadKeyLog')}
              </button>
            )}
          </>
        )}
      </div>
    </div>
  );
}

function placeholderTrace(url: string, personality: string): Trace {
  return {
    schema: TRACE_SCHEMA,
    schemaVersion: TRACE_VERSION,
    engine: { name: 'tls-playground', version: '', crypto: '' },
    startedAt: new Date().toISOString(),
    options: { url, versions: [], cipherSuites: [], groups: [], signatureSchemes: [], personality, insecure: false, postHandshakeAuth: false, clientCertificate: false, alpn: [], method: 'GET' },
    outcome: 'error',
    outcomeCause: { cause: 'unfinished' },
    alerts: [],
    personality,
    timings: { totalMs: 0 },
    keyLog: [],
    steps: [],
  };
}

/** The engine itself failed to load or threw: still a trace, so the page shows a message, not a blank. */
function failedTrace(url: string, personality: string, message: string, diagnostic?: Diagnostic): Trace {
  const why = diagnostic ? { message, diagnostic } : { message };
  return {
    ...placeholderTrace(url, personality),
    outcomeCause: { cause: 'start', ...why },
    steps: [{ seq: 0, timeMs: 0, direction: 'local', layer: 'verdict', kind: 'error', data: { source: 'start', ...why } }],
  };
}
