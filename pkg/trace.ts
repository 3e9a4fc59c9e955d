/**
 * `tls-playground/trace`: the trace, the serializable record of a run (schema, validation, the
 * migration of older versions, the compact form saved runs use), the predicates that say what a step
 * is, the words of a step, the exports every run offers (JSON, NSS key log, pcapng) and the advice a
 * failed run gets. Every function here is a pure function of a trace.
 */
export { TRACE_SCHEMA, TRACE_VERSION } from '../lib/trace/schema';
export type {
  Trace,
  Step,
  Outcome,
  RunOptions,
  AlertSummary,
  HttpSummary,
  Tls12Extension,
  AnnotatedBytes,
  Direction,
  Layer,
  StepContent,
  CertificateCheck,
  ChainEntry,
  CertificateSummary,
  StepKind,
  StepKinds,
  StepOf,
  OutcomeCause,
} from '../lib/trace/schema';
export * from '../lib/trace/steps';
export { migrateTrace, type TraceV1 } from '../lib/trace/migrate';
export { stepTitle, stepExplanation, outcomeSentence } from '../lib/view/stepText';
export type { Field } from '../lib/tls/wire/field';
export { validateTrace, TraceFormatError } from '../lib/trace/validate';
export { compactTrace, expandTrace, type CompactTrace, type CompactStep } from '../lib/trace/compact';
export { traceToJson, canonicalTraceJson, parseTraceJson } from '../lib/export/json';
export { keyLogText } from '../lib/export/keylog';
export { traceToPcapng, PCAPNG_MEDIA_TYPE } from '../lib/export/pcapng';
export type { Advice } from '../lib/view/advice';
export { LOCALES, type Locale } from '../lib/i18n/locales';

import type { Trace } from '../lib/trace/schema';
import { adviceFor as adviceIn, type Advice } from '../lib/view/advice';
import { en } from '../lib/i18n/messages/en';
import { zhCN } from '../lib/i18n/messages/zh-CN';
import { translator } from '../lib/i18n/translator';
import type { Locale } from '../lib/i18n/locales';

/** Why a failed run failed and how to fix it, in English or Simplified Chinese (`'zh-CN'`). */
export function adviceFor(trace: Trace, locale: Locale = 'en'): Advice | undefined {
  return adviceIn(trace, translator(locale, locale === 'zh-CN' ? zhCN : en));
}
