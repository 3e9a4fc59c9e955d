import type { Outcome, Trace } from '../trace/schema';
import { isCertificateRejected, isProblemAlert, isTransportFailure, transportEvent } from '../trace/steps';
import { outcomeSentence } from './stepText';
import type { Translate } from '../i18n/translator';

/** The summary card of one run: what happened, what was negotiated, how long it took. */
export interface SummaryItem {
  label: string;
  value: string;
  tone?: 'good' | 'bad' | 'warning' | 'neutral';
}

export interface SummaryCard {
  outcome: Outcome;
  outcomeLabel: string;
  tone: 'good' | 'bad' | 'warning';
  detail: string;
  host: string;
  items: SummaryItem[];
  timings: SummaryItem[];
  alerts: { text: string; tone: 'warning' | 'bad' }[];
}

const OUTCOME_TONE: Record<Outcome, SummaryCard['tone']> = {
  ok: 'good',
  alert: 'bad',
  reset: 'bad',
  closed: 'warning',
  timeout: 'bad',
  error: 'bad',
};

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** The host (and port) of a run's URL, as the summary and the diagram's server lifeline name it. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * The run's timings as one timeline, every moment counted from the start of the run and listed in
 * the order it happened, with how long each phase took beside it: the trace keeps the connect and
 * handshake as durations but the server's first byte as a moment, and side by side as bare numbers
 * they read as if the first byte came before the handshake ended.
 */
export function timeline(trace: Trace, t: Translate): SummaryItem[] {
  const { connectMs, handshakeMs, firstByteMs, totalMs } = trace.timings;
  const connectedAt = trace.steps.find((s) => transportEvent(s) === 'connected')?.timeMs;
  const handshakeDoneAt = connectedAt !== undefined && handshakeMs !== undefined ? connectedAt + handshakeMs : undefined;
  const at = (moment: number | undefined, took?: number) =>
    moment === undefined ? '—' : took !== undefined ? t('summary.timeline.atTook', { at: formatMs(moment), took: formatMs(took) }) : t('summary.timeline.at', { at: formatMs(moment) });
  const moments: { label: string; moment: number | undefined; value: string }[] = [
    { label: t('summary.timeline.connected'), moment: connectedAt, value: at(connectedAt, connectMs) },
    { label: t('summary.timeline.firstByte'), moment: firstByteMs, value: at(firstByteMs) },
    { label: t('summary.timeline.handshakeDone'), moment: handshakeDoneAt, value: at(handshakeDoneAt, handshakeMs) },
  ];
  // In the order they happened; moments that never came keep their place at the end.
  moments.sort((a, b) => (a.moment ?? Infinity) - (b.moment ?? Infinity));
  return [...moments.map(({ label, value }) => ({ label, value })), { label: t('summary.items.total'), value: formatMs(totalMs) }];
}

/** What a run's outcome is called ("Handshake complete", "Connection reset"). */
export function outcomeLabel(outcome: Outcome, t: Translate): string {
  return outcome in OUTCOME_TONE ? t(`summary.outcome.${outcome}`) : outcome;
}

function certificateValue(cert: NonNullable<Trace['certificate']>, t: Translate): string {
  if (cert.verdict === 'trusted') return t('summary.certificate.trusted');
  if (cert.verdict !== 'untrusted') return t('summary.certificate.notChecked');
  const verdict = cert.alert ? t('summary.certificate.untrustedAlert', { alert: cert.alert }) : t('summary.certificate.untrusted');
  return cert.insecure ? t('summary.certificate.continued', { verdict }) : verdict;
}

export function buildSummary(trace: Trace, t: Translate): SummaryCard {
  const cert = trace.certificate;
  const certValue = !cert ? '—' : certificateValue(cert, t);
  const certTone: SummaryItem['tone'] = !cert ? undefined : cert.verdict === 'trusted' ? 'good' : cert.verdict === 'untrusted' ? (cert.insecure ? 'warning' : 'bad') : 'neutral';
  const http = trace.http;
  const httpTone: SummaryItem['tone'] = !http ? undefined : http.status < 300 ? 'good' : http.status < 400 ? 'neutral' : 'bad';

  const items: SummaryItem[] = [
    { label: t('summary.items.version'), value: trace.version ?? '—' },
    { label: t('summary.items.cipherSuite'), value: trace.cipherSuite ?? '—' },
    { label: t('summary.items.group'), value: trace.group ?? '—' },
    { label: t('summary.items.signatureScheme'), value: trace.signatureScheme ?? '—' },
    { label: t('summary.items.certificate'), value: certValue, tone: certTone },
    { label: t('summary.items.http'), value: http ? `${http.status}${http.reason ? ` ${http.reason}` : ''}` : '—', tone: httpTone },
    { label: t('summary.items.personality'), value: trace.personality },
  ];
  if (trace.alpn) items.splice(4, 0, { label: t('summary.items.alpn'), value: trace.alpn });

  const timings = timeline(trace, t);

  // close_notify is the normal end of a connection, not something to warn about.
  const alerts = trace.alerts.filter((a) => a.description !== 'close_notify').map((a) => ({
    text: t('summary.alert', { from: a.from, level: a.level, description: a.description }),
    tone: (a.level === 'fatal' ? 'bad' : 'warning') as 'bad' | 'warning',
  }));

  return {
    outcome: trace.outcome,
    outcomeLabel: outcomeLabel(trace.outcome, t),
    tone: OUTCOME_TONE[trace.outcome] ?? 'bad',
    detail: outcomeSentence(trace.outcomeCause, t),
    host: hostOf(trace.options.url),
    items,
    timings,
    alerts,
  };
}

/**
 * The step that explains how a run ended, to open when it is over: the last reset, timeout,
 * transport error, non-closing alert or failed certificate check; else the last step.
 */
export function explainingStep(trace: Pick<Trace, 'steps' | 'outcome'>): number | undefined {
  const steps = trace.steps;
  if (steps.length === 0) return undefined;
  if (trace.outcome !== 'ok') {
    for (let i = steps.length - 1; i >= 0; i--) {
      const s = steps[i];
      if (isTransportFailure(s) || isProblemAlert(s) || isCertificateRejected(s)) return s.seq;
    }
  }
  return steps[steps.length - 1].seq;
}
