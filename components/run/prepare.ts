'use client';

import { pageConfig } from './pageConfig';

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
 * Called once the page is hydrated: fetches the engine chunk and the run configuration as soon as
 * the page has loaded (the load event; a click on a demo card right after the page appears needs
 * both, and on a busy machine an idle moment may come only after that click), then, once the
 * browser is idle, the root store (loadAhead), so the first run waits for none of them. The first paint and
 * everything the page loads up to its load event never wait for the engine's 215 KB of scripts.
 */
export function loadEngineWhenIdle(): () => void {
  let idle: (() => void) | undefined;
  const ahead = () => {
    engine ??= import('./engine');
    engine.then((e) => e.loadAhead()).catch(() => {
      engine = undefined;
    });
  };
  const afterLoad = () => {
    engine ??= import('./engine');
    engine.catch(() => {
      engine = undefined;
    });
    // The configuration (where the relay is, the demo CA) comes alongside, not after the engine.
    pageConfig().catch(() => undefined);
    if (typeof window.requestIdleCallback === 'function') {
      const handle = window.requestIdleCallback(ahead, { timeout: 1500 });
      idle = () => window.cancelIdleCallback(handle);
    } else {
      const timer = window.setTimeout(ahead, 200);
      idle = () => window.clearTimeout(timer);
    }
  };
  if (document.readyState === 'complete') afterLoad();
  else window.addEventListener('load', afterLoad, { once: true });
  return () => {
    window.removeEventListener('load', afterLoad);
    idle?.();
  };
}
