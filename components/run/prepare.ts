'use client';

let engine: Promise<typeof import('./engine')> | undefined;

/**
 * Called when the user shows the intent to run (focus in a run form, the pointer over it or over a
 * demo target): loads the engine and readies its configuration, root store and relay WebSocket,
 * so the next run waits for none of them. Cheap to call again: the engine loads once, and a
 * WebSocket opened ahead is reused while fresh (or opened again after the page was in the
 * background). A failure is left for the run to report.
 */
export function prepareRun(): void {
  engine ??= import('./engine');
  engine.then((e) => e.prepareEngine()).catch(() => {
    engine = undefined;
  });
}

/**
 * Called once the page has loaded and the browser is idle: loads the engine chunk, the root store and
 * the configuration (no relay connection yet), so the first run — a click on a demo card right after
 * the page appears — does not wait for some 215 KB of scripts. The first paint and the first input
 * never wait for them: they load after the load event, in idle time.
 */
export function loadEngineWhenIdle(): () => void {
  const load = () => {
    engine ??= import('./engine');
    engine.then((e) => e.loadAhead()).catch(() => {
      engine = undefined;
    });
  };
  if (typeof window.requestIdleCallback === 'function') {
    const handle = window.requestIdleCallback(load, { timeout: 1500 });
    return () => window.cancelIdleCallback(handle);
  }
  const timer = window.setTimeout(load, 200);
  return () => window.clearTimeout(timer);
}
