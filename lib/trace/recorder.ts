import { TRACE_SCHEMA, TRACE_VERSION, type RunOptions, type Step, type StepContent, type Trace } from './schema';

/** Builds a trace step by step; the only writer of traces. */
export class TraceRecorder {
  readonly trace: Trace;
  private readonly t0: number;

  constructor(
    options: RunOptions,
    engine: Trace['engine'],
    private readonly now: () => number,
  ) {
    this.t0 = now();
    this.trace = {
      schema: TRACE_SCHEMA,
      schemaVersion: TRACE_VERSION,
      engine,
      startedAt: new Date(this.t0).toISOString(),
      options,
      outcome: 'error',
      outcomeCause: { cause: 'unfinished' },
      alerts: [],
      personality: options.personality,
      timings: { totalMs: 0 },
      keyLog: [],
      steps: [],
    };
  }

  /** Milliseconds since the run started. */
  elapsed(): number {
    return Math.round((this.now() - this.t0) * 1000) / 1000;
  }

  /**
   * Appends a step, timed now, or at `atMs` (when it happened, if it is recorded later) but never
   * before the step it follows.
   */
  add(content: StepContent, atMs?: number): Step {
    const steps = this.trace.steps;
    const timeMs = atMs === undefined ? this.elapsed() : Math.max(atMs, steps.length ? steps[steps.length - 1].timeMs : 0);
    const step = { seq: steps.length + 1, timeMs, ...content } as Step;
    this.trace.steps.push(step);
    return step;
  }
}
