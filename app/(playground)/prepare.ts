'use client';

let started: Promise<void> | undefined;

/**
 * Called when the user shows the intent to run (focus in a run form, the pointer over it or over a
 * demo target): loads the engine and readies its configuration, root store and relay WebSocket,
 * so the first run waits for none of them. Once per page; a failure is left for the run to report.
 */
export function prepareRun(): void {
  started ??= import('./engine')
    .then((engine) => engine.prepareEngine())
    .catch(() => {
      started = undefined;
    });
}
