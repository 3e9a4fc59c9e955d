'use client';

import { useCallback, useRef, useState } from 'react';
import type { Trace } from '@/lib/trace/schema';
import type { RunRequest } from '@/lib/run/run';

/** A run whose final trace is all that is needed (comparisons, the guided story). */
export type TraceRun = { status: 'idle' } | { status: 'running' } | { status: 'done'; trace: Trace } | { status: 'failed'; message: string };

export function useTraceRuns(count: number) {
  const [runs, setRuns] = useState<TraceRun[]>(() => Array.from({ length: count }, () => ({ status: 'idle' })));
  const generation = useRef(0);

  const set = (i: number, run: TraceRun) => setRuns((prev) => prev.map((r, k) => (k === i ? run : r)));

  /** Runs the requests one after the other (so timings are not disturbed by each other). */
  const runAll = useCallback(async (requests: (RunRequest | undefined)[]) => {
    const id = ++generation.current;
    setRuns(requests.map((r) => (r ? { status: 'running' } : { status: 'idle' })));
    const { startRun } = await import('./engine');
    for (const [i, request] of requests.entries()) {
      if (!request) continue;
      try {
        const trace = await startRun(request, { onStep: () => undefined, signal: new AbortController().signal });
        if (generation.current === id) set(i, { status: 'done', trace });
      } catch (error) {
        if (generation.current === id) set(i, { status: 'failed', message: error instanceof Error ? error.message : String(error) });
      }
    }
  }, []);

  const runOne = useCallback(async (i: number, request: RunRequest) => {
    set(i, { status: 'running' });
    try {
      const { startRun } = await import('./engine');
      const trace = await startRun(request, { onStep: () => undefined, signal: new AbortController().signal });
      set(i, { status: 'done', trace });
    } catch (error) {
      set(i, { status: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  }, []);

  return { runs, runAll, runOne };
}
