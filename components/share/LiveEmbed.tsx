'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { Step, Trace } from '@/lib/trace/schema';
import { checkTarget, describeForm, toRunRequest, type RunForm } from '@/lib/view/runOptions';
import { RecordedRun } from './RecordedRun';

type LiveState = { status: 'idle' } | { status: 'running'; trace?: Trace } | { status: 'done'; trace: Trace } | { status: 'failed'; message: string };

/**
 * The embed form of a recipe link (/embed?url=…): the experiment, a Run button, and the run drawn as
 * it happens, in the compact layout. It runs in this frame exactly as the playground does (the
 * engine, then the relay), so the frame needs its own origin: embed it with allow-same-origin.
 */
export function LiveEmbed({ form, autorun }: { form: RunForm; autorun: boolean }) {
  const [state, setState] = useState<LiveState>({ status: 'idle' });
  const abort = useRef<AbortController | undefined>(undefined);
  const target = checkTarget(form.url);

  const run = useCallback(async () => {
    const checked = checkTarget(form.url);
    if (!checked.ok) return;
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setState({ status: 'running' });
    let frame = 0;
    let latest: Trace | undefined;
    const onStep = (_step: Step, trace: Trace) => {
      latest = trace;
      // Steps come in bursts; draw once per animation frame.
      frame ||= requestAnimationFrame(() => {
        frame = 0;
        if (latest && !controller.signal.aborted) {
          const snapshot = { ...latest, steps: latest.steps.slice() };
          setState((prev) => (prev.status === 'running' ? { status: 'running', trace: snapshot } : prev));
        }
      });
    };
    try {
      const { startRun } = await import('@/app/(playground)/engine');
      const trace = await startRun(toRunRequest(form, checked.url), { onStep, signal: controller.signal });
      if (frame) cancelAnimationFrame(frame);
      setState({ status: 'done', trace: { ...trace, steps: trace.steps.slice() } });
    } catch (error) {
      if (frame) cancelAnimationFrame(frame);
      setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  }, [form]);

  useEffect(() => {
    if (autorun) void run();
    return () => abort.current?.abort();
  }, [autorun, run]);

  if (!target.ok) {
    return (
      <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-300">
        {target.message}
      </p>
    );
  }

  return (
    <div className="space-y-3" data-testid="live-embed" data-status={state.status}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="min-w-0">
          <div className="font-mono break-all">{target.url}</div>
          <div className="text-xs text-zinc-500 dark:text-zinc-400">{describeForm(form)}</div>
        </div>
        <button
          type="button"
          onClick={() => void run()}
          disabled={state.status === 'running'}
          className="rounded-md bg-sky-700 px-3 py-1.5 font-semibold text-white hover:bg-sky-800 disabled:opacity-60 dark:bg-sky-700 dark:hover:bg-sky-600"
          data-testid="run-button"
        >
          {state.status === 'running' ? 'Running…' : state.status === 'idle' ? 'Run live' : 'Run again'}
        </button>
      </div>
      {state.status === 'failed' && (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-300">
          The run could not start: {state.message}
        </p>
      )}
      {state.status === 'running' && state.trace && <RecordedRun key="running" trace={state.trace} compact running />}
      {state.status === 'done' && <RecordedRun key={`done-${state.trace.startedAt}`} trace={state.trace} compact />}
    </div>
  );
}
