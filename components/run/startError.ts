import type { Diagnostic } from '@/lib/tls/diagnostics';

/**
 * The page could not start a run: why, as data the page words in the reader's language (the trace's
 * 'start' outcome), and in English (lib/tls/diagnostics/start.ts). The English is given by the thrower:
 * this module is in the page's first load, which does not carry the engine's sentence tables.
 */
export class RunStartError extends Error {
  override name = 'RunStartError';
  constructor(
    readonly diagnostic: Diagnostic,
    english: string,
  ) {
    super(english);
  }
}
