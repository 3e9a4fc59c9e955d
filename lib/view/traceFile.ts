import type { Diagnostic } from '../trace/schema';
import type { Translate } from '../i18n/translator';
import { english } from '../i18n/english';
import { diagnosticWords } from './stepText';

/**
 * Why a file could not be opened as a trace, in the reader's language: a TraceFormatError's problem
 * (lib/trace/problems.ts) worded from the catalog's `traceFile` namespace. English readers get the
 * sentence as written; any other error (the file could not be read) is said as the browser said it.
 */
export function traceFileWords(error: unknown, t: Translate = english): string {
  const { message, problem } = error instanceof Error ? (error as Error & { problem?: Diagnostic }) : { message: String(error), problem: undefined };
  if (!problem || t('steps.engine.ownWords') === 'yes') return message;
  return diagnosticWords(problem, t, 'traceFile') ?? message;
}
