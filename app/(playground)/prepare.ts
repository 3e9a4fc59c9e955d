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
