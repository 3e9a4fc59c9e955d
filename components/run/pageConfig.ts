'use client';

import type { RunConfig } from '@/lib/run/runConfig';
import { RunStartError } from './startError';

let runConfig: Promise<RunConfig> | undefined;

async function fetchRunConfig(): Promise<RunConfig> {
  let response: Response;
  try {
    response = await fetch('/api/run-config', { cache: 'no-store' });
  } catch {
    throw new RunStartError({ code: 'start.serverSilent' }, 'this page’s server did not answer (is it still running?)');
  }
  if (!response.ok) throw new RunStartError({ code: 'start.configStatus', params: { status: response.status } }, `this page’s server answered ${response.status} when asked where the relay is`);
  return (await response.json()) as RunConfig;
}

/**
 * This page's run configuration (GET /api/run-config), fetched once per page: where the relay is does
 * not change under us. A module of its own, outside the engine's chunk, so the page can ask for it
 * while the engine is still loading (the first run waits for both, not one after the other); a
 * failed fetch is forgotten, so the next run asks again.
 */
export function pageConfig(): Promise<RunConfig> {
  runConfig ??= fetchRunConfig().catch((error: unknown) => {
    runConfig = undefined;
    throw error;
  });
  return runConfig;
}
