'use client';

import { DetailTabs, type DetailTab } from '@/components/trace/DetailTabs';
import { useCallback, useEffect, useId, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { TRACE_SCHEMA, TRACE_VERSION, type Step, type Trace } from '@/lib/trace/schema';
import { parseTraceJson, traceToJson } from '@/lib/export/json';
import { keyLogText } from '@/lib/export/keylog';
import { PCAPNG_MEDIA_TYPE, traceToPcapng } from '@/lib/export/pcapng';
import { traceFileName } from '@/lib/view/fileNames';
import { checkTarget, DEFAULT_FORM, toRunRequest, type RunForm } from '@/lib/view/runOptions';
import { decodeRecipe, recipeHref } from '@/lib/share/recipe';
import { ShareBar } from '@/components/share/ShareBar';
import { explainingStep } from '@/lib/view/summary';
import { DemoTargets, type DemoTargetCard } from '@/components/run/DemoTargets';
import { loadEngineWhenIdle, prepareRun } from './prepare';
import { RunOptionsPanel } from '@/components/run/RunOptionsPanel';
import { CertificatePanel } from '@/components/trace/CertificatePanel';
import { KeySchedulePanel } from '@/components/trace/KeySchedulePanel';
import { SequenceDiagram } from '@/components/trace/SequenceDiagram';
import { DiagramHeader, useDiagramRows } from '@/components/trace/DiagramHeader';
import { FormError } from '@/components/run/FormParts';
import { StepDetail } from '@/components/trace/StepDetail';
import { SummaryCard } from '@/components/trace/SummaryCard';

type Tab = DetailTab;

interface RunState {
  /** Increases with every run; callbacks of an older run are ignored. */
  id: number;
  status: 'running' | 'done';
  /** The trace as it grows (a snapshot per animation frame while running). */
  trace: Trace;
  source: 'run' | 'file';
}

/** No run yet: the diagram's steps (one array, so the diagram is built once). */
const NO_STEPS: Step[] = [];

/**
 * The playground: URL input, demo targets and options; then the live diagram, the selected step's
 * detail, the key schedule and the certificate. Runs happen in this browser: the engine is loaded on
 * the first Run (so the first page load stays small) and talks to the server through the relay.
 */
export function Playground({ targets }: { targets: DemoTargetCard[] }) {
  const [form, setForm] = useState<RunForm>(DEFAULT_FORM);
  const [formError, setFormError] = useState<string | undefined>(undefined);
  const [run, setRun] = useState<RunState | undefined>(undefined);
  const [selectedSeq, setSelectedSeq] = useState<number | undefined>(undefined);
  const [tab, setTab] = useState<Tab>('step');
  const runCounter = useRef(0);
  const abort = useRef<AbortController | undefined>(undefined);
  const urlInput = useRef<HTMLInputElement>(null);
  const detailId = useId();
  const errorId = useId();

  const running = run?.status === 'running';

  const start = useCallback(
    async (url: string, currentForm: RunForm) => {
      const target = checkTarget(url);
      if (!target.ok) {
        // The error is about what was just typed: the previous run's card would read as its result.
        abort.current?.abort();
        runCounter.current++;
        setRun(undefined);
        setFormError(target.message);
        urlInput.current?.focus();
        return;
      }
      if (currentForm.versions.length === 0) {
        setFormError('Choose at least one TLS version in the options.');
        return;
      }
      setFormError(undefined);
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      const id = ++runCounter.current;
      const request = toRunRequest(currentForm, target.url);
      // The address bar becomes this experiment's recipe link (lib/share/recipe), so it can be shared.
      window.history.replaceState(null, '', recipeHref(window.location.pathname, { ...currentForm, url: target.url }));
      setSelectedSeq(undefined);
      setTab('step');

      // Steps arrive in bursts (a record and its messages at once): render once per frame.
      let latest: Trace | undefined;
      let frame = 0;
      const flush = () => {
        frame = 0;
        if (latest && runCounter.current === id) {
          const snapshot = { ...latest, steps: latest.steps.slice() };
          setRun((prev) => (prev?.id === id && prev.status === 'running' ? { ...prev, trace: snapshot } : prev));
        }
      };
      const onStep = (_step: Step, trace: Trace) => {
        latest = trace;
        if (!frame) frame = requestAnimationFrame(flush);
      };

      setRun({ id, status: 'running', source: 'run', trace: placeholderTrace(request.url, currentForm.personality) });
      try {
        const { startRun } = await import('./engine');
        const trace = await startRun(request, { onStep, signal: controller.signal });
        if (frame) cancelAnimationFrame(frame);
        if (runCounter.current === id) setRun({ id, status: 'done', source: 'run', trace: { ...trace, steps: trace.steps.slice() } });
      } catch (error) {
        if (frame) cancelAnimationFrame(frame);
        if (runCounter.current !== id) return;
        const message = error instanceof Error ? error.message : String(error);
        setRun({ id, status: 'done', source: 'run', trace: failedTrace(request.url, currentForm.personality, message) });
      }
    },
    [],
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

  function stop() {
    abort.current?.abort();
  }

  async function openFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    let trace: Trace;
    try {
      trace = parseTraceJson(await file.text());
    } catch (error) {
      setFormError(`${file.name}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    abort.current?.abort();
    setFormError(undefined);
    const id = ++runCounter.current;
    setRun({ id, status: 'done', source: 'file', trace });
    setSelectedSeq(undefined);
    setTab('step');
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
    if (!run) return;
    const trace = run.trace;
    if (format === 'json') download(traceToJson(trace), 'application/json', traceFileName(trace, 'json'));
    else if (format === 'pcapng') download(traceToPcapng(trace) as Uint8Array<ArrayBuffer>, PCAPNG_MEDIA_TYPE, traceFileName(trace, 'pcapng'));
    else download(keyLogText(trace), 'text/plain', traceFileName(trace, 'keylog.txt'));
  }

  const steps = run?.trace.steps;
  const diagramRows = useDiagramRows(steps ?? NO_STEPS);
  const selectedStep = selectedSeq !== undefined ? steps?.find((s) => s.seq === selectedSeq) : undefined;

  // When a run ends, open the step that explains how (why it failed, or its outcome), unless the user
  // already chose one: the diagram then shows it, instead of being left wherever the stream stopped.
  useEffect(() => {
    if (run?.status === 'done' && selectedSeq === undefined) {
      const seq = explainingStep(run.trace);
      if (seq !== undefined) setSelectedSeq(seq);
    }
  }, [run, selectedSeq]);

  const selectStep = useCallback((seq: number) => {
    setSelectedSeq(seq);
    setTab('step');
  }, []);

  let host = '';
  try {
    host = run ? new URL(run.trace.options.url).host : '';
  } catch {
    host = run?.trace.options.url ?? '';
  }

  return (
    <div className="space-y-6">
      <form onSubmit={onSubmit} onFocus={prepareRun} onPointerEnter={prepareRun} className="space-y-3" noValidate aria-label="Run a TLS handshake">
        <div className="flex flex-col gap-2 sm:flex-row">
          <label htmlFor="target-url" className="sr-only">
            https URL
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
              {running ? 'Running…' : 'Run'}
            </button>
            {running && (
              <button type="button" onClick={stop} className="rounded-md border border-zinc-300 px-3 py-2 text-sm dark:border-zinc-700" data-testid="stop-button">
                Stop
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

      {run && (
        <section aria-label="Run" className="space-y-4" data-testid="run" data-status={run.status}>
          <SummaryCard trace={run.trace} running={running} />
          {run.status === 'done' && <ShareBar trace={run.trace} />}
          <div className="grid gap-4 lg:grid-cols-[minmax(0,5fr)_minmax(0,7fr)]">
            <div className="min-w-0 space-y-2">
              <DiagramHeader rows={diagramRows} live />
              <SequenceDiagram rows={diagramRows.visibleRows} selectedSeq={selectedSeq} onSelect={selectStep} running={running} serverLabel={host} controls={detailId} />
            </div>
            <div className="min-w-0">
              <DetailTabs
                id={detailId}
                tab={tab}
                onTab={setTab}
                panels={{
                  step: () =>
                    selectedStep ? (
                      <StepDetail step={selectedStep} trace={run.trace} explainsOutcome={run.status === 'done' && selectedStep.seq === explainingStep(run.trace)} />
                    ) : (
                      <p className="rounded-md border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-500 dark:text-zinc-400 dark:border-zinc-700">
                        Select a step in the diagram (click it, or focus the diagram and use the arrow keys) to see its bytes and what they mean.
                      </p>
                    ),
                  keys: () => <KeySchedulePanel steps={run.trace.steps} keyLog={run.trace.keyLog} onShowStep={(seq) => { diagramRows.setShowKeys(true); selectStep(seq); }} />,
                  certificate: () => <CertificatePanel trace={run.trace} onShowStep={selectStep} />,
                }}
              />
            </div>
          </div>
        </section>
      )}

      <DemoTargets targets={targets} onRun={runDemo} onIntent={prepareRun} disabled={running} />

      <div className="flex flex-wrap items-center gap-3 text-sm text-zinc-600 dark:text-zinc-400">
        <label className="cursor-pointer rounded border border-zinc-300 px-2 py-1 hover:bg-zinc-100 focus-within:outline-2 focus-within:outline-sky-600 dark:border-zinc-700 dark:hover:bg-zinc-800">
          Open a saved trace…
          <input type="file" accept="application/json,.json" className="sr-only" onChange={openFile} data-testid="open-trace" />
        </label>
        {run && run.status === 'done' && (
          <>
            <button type="button" onClick={() => saveTrace('json')} className="rounded border border-zinc-300 px-2 py-1 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800">
              Save this trace
            </button>
            <button
              type="button"
              onClick={() => saveTrace('pcapng')}
              className="rounded border border-zinc-300 px-2 py-1 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
              title="A capture file for Wireshark, with packets rebuilt from the trace"
            >
              Download pcapng
            </button>
            {run.trace.keyLog.length > 0 && (
              <button
                type="button"
                onClick={() => saveTrace('keylog.txt')}
                className="rounded border border-zinc-300 px-2 py-1 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
                title="SSLKEYLOGFILE lines, so Wireshark can decrypt the capture"
              >
                Download key log
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
function failedTrace(url: string, personality: string, message: string): Trace {
  return {
    ...placeholderTrace(url, personality),
    outcomeCause: { cause: 'start', message },
    steps: [{ seq: 0, timeMs: 0, direction: 'local', layer: 'verdict', kind: 'error', data: { source: 'start', message } }],
  };
}
