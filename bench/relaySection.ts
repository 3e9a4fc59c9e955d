/**
 * Section "relay" (issue 4): the added latency (bench/relayLatency.ts) and the load test
 * (benchRelayLoad in bench/relay.ts). Each half records its own error, so one failing does not
 * lose the other's numbers.
 */
import type { RelayLoadResult } from './relay';
import { benchRelayLatency, type RelayLatencyResult } from './relayLatency';

export interface RelaySectionOptions {
  iterations: number;
  warmup: number;
  /** The full load (1000 sessions × 30 s), or the reduced one (--quick). */
  full: boolean;
}

/** The load sizes: the full run (the default), and a reduced one for quick runs. */
export const RELAY_LOAD = {
  full: { sessions: 1000, holdMs: 30_000 },
  reduced: { sessions: 500, holdMs: 15_000 },
} as const;

type Half<T> = { status: 'ok'; result: T } | { status: 'error'; error: string };

async function attempt<T>(work: () => Promise<T>): Promise<Half<T>> {
  try {
    return { status: 'ok', result: await work() };
  } catch (e) {
    return { status: 'error', error: e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 6).join('\n') : String(e) };
  }
}

export async function benchRelay(opts: RelaySectionOptions): Promise<{ latency: Half<RelayLatencyResult>; load: Half<RelayLoadResult> & { run: 'full' | 'reduced'; sessions: number; holdMs: number } }> {
  const latency = await attempt(() => benchRelayLatency({ iterations: opts.iterations, warmup: opts.warmup }));
  const size = opts.full ? RELAY_LOAD.full : RELAY_LOAD.reduced;
  const load = await attempt(async () => {
    const { benchRelayLoad } = await import('./relay');
    return benchRelayLoad({ sessions: size.sessions, holdMs: size.holdMs });
  });
  return { latency, load: { ...load, run: opts.full ? 'full' : 'reduced', ...size } };
}
