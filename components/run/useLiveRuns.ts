'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunRequest } from '@/lib/run/run';
import type { Step, Trace } from '@/lib/trace/schema';
import type { Diagnostic } from '@/lib/tls/diagnostics';
import { RunStartError } from './startError';

/**
 * One run slot (`id` tells one run in the slot from the next): nothing yet; running (with the trace as it grows, once a step arrived); done (the
 * final trace, or one opened from a file); or failed to start at all (the engine did not load).
 */
export type LiveRun =
  | { status: 'idle' }
  | { status: 'running'; id: number; request: RunRequest; trace?: Trace }
  | { status: 'done'; id: number; trace: Trace; /** Opened from a file, not run here. */ opened?: boolean }
  | { status: 'failed'; id: number; request: RunRequest; message: string; diagnostic?: Diagnostic };

/**
 * Runs in this browser for `count` slots (the playground and an embed use one; the comparison two;
 * the story one per chapter). Steps arrive in bursts (a record and its messages at once), so a slot
 * takes a snapshot of the growing trace once per animation frame, not once per step. Starting a
 * slot again stops what ran there; the results of a stopped or superseded run are dropped.
 */
export function useLiveRuns(count = 1) {
  const [runs, setRuns] = useState<LiveRun[]>(() => Array.from({ length: count }, () => ({ status: 'idle' })));
  /** Per slot: increases with every run, so callbacks of an older run know they are stale. */
  const generations = useRef<number[]>(Array.from({ length: count }, () => 0));
  const controllers = useRef<(AbortController | undefined)[]>([]);
  /** Increases with every runAll: a newer series ends an older one. */
  const series = useRef(0);

  const set = useCallback((i: number, generation: number, run: LiveRun | ((prev: LiveRun) => LiveRun)) => {
    if (generations.current[i] !== generation) return;
    setRuns((prev) => prev.map((r, k) => (k === i ? (typeof run === 'function' ? run(r) : run) : r)));
  }, []);

  /** Ends slot `i`'s run, if any, and returns the generation of what comes next there. */
  const claim = useCallback((i: number): number => {
    controllers.current[i]?.abort();
    controllers.current[i] = undefined;
    return ++generations.current[i];
  }, []);

  /** Runs `request` in slot `i`; resolves when it ended (never rejects). */
  const start = useCallback(
    async (i: number, request: RunRequest): Promise<void> => {
      const generation = claim(i);
      const controller = new AbortController();
      controllers.current[i] = controller;
      set(i, generation, { status: 'running', id: generation, request });
      let latest: Trace | undefined;
      let frame = 0;
      const flush = () => {
        frame = 0;
        if (!latest) return;
        const snapshot = { ...latest, steps: latest.steps.slice() };
        set(i, generation, (prev) => (prev.status === 'running' ? { ...prev, trace: snapshot } : prev));
      };
      const onStep = (_step: Step, trace: Trace) => {
        latest = trace;
        frame ||= requestAnimationFrame(flush);
      };
      try {
        const { startRun } = await import('./engine').catch((error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          throw new RunStartError({ code: 'start.engineNotLoaded', params: { error: message } }, `the TLS engine could not be loaded: ${message}`);
        });
        const trace = await startRun(request, { onStep, signal: controller.signal });
        set(i, generation, { status: 'done', id: generation, trace: { ...trace, steps: trace.steps.slice() } });
      } catch (error) {
        set(i, generation, { status: 'failed', id: generation, request, message: error instanceof Error ? error.message : String(error), ...(error instanceof RunStartError ? { diagnostic: error.diagnostic } : {}) });
      } finally {
        if (frame) cancelAnimationFrame(frame);
        if (controllers.current[i] === controller) controllers.current[i] = undefined;
      }
    },
    [claim, set],
  );

  /** Runs the requests one after the other (so their timings do not disturb each other); undefined leaves a slot idle. */
  const runAll = useCallback(
    async (requests: (RunRequest | undefined)[]): Promise<void> => {
      const id = ++series.current;
      requests.forEach((request, i) => {
        const generation = claim(i);
        set(i, generation, request ? { status: 'running', id: generation, request } : { status: 'idle' });
      });
      for (const [i, request] of requests.entries()) {
        if (series.current !== id) return;
        if (request) await start(i, request);
      }
    },
    [claim, set, start],
  );

  /** Stops slot `i`'s run: the engine ends it with outcome "error" (the run was stopped). */
  const stop = useCallback((i = 0) => controllers.current[i]?.abort(), []);

  /** Shows a trace that did not run here (opened from a file) in slot `i`, ending what ran there. */
  const show = useCallback(
    (i: number, trace: Trace) => {
      const generation = claim(i);
      set(i, generation, { status: 'done', id: generation, trace, opened: true });
    },
    [claim, set],
  );

  /** Empties slot `i`, ending what ran there. */
  const clear = useCallback((i: number) => set(i, claim(i), { status: 'idle' }), [claim, set]);

  // Leaving the page stops its runs.
  useEffect(() => () => controllers.current.forEach((c) => c?.abort()), []);

  return { runs, start, runAll, stop, show, clear };
}
