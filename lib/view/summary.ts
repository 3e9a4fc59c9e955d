import type { Outcome, Trace } from '../trace/schema';
import { isCertificateRejected, isProblemAlert, isTransportFailure, transportEvent } from '../trace/steps';
import { outcomeSentence } from './stepText';

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

const OUTCOME_LABEL: Record<Outcome, string> = {
  ok: 'Handshake complete',
  alert: 'Ended by an alert',
  reset: 'Connection reset',
  closed: 'Connection closed',
  timeout: 'Timed out',
  error: 'Failed',
};

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

function hostOf(url: string): string {
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
export function timeline(trace: Trace): SummaryItem[] {
  const { connectMs, handshakeMs, firstByteMs, totalMs } = trace.timings;
  const connectedAt = trace.steps.find((s) => transportEvent(s) === 'connected')?.timeMs;
  const handshakeDoneAt = connectedAt !== undefined && handshakeMs !== undefined ? connectedAt + handshakeMs : undefined;
  const at = (moment: number | undefined, took?: number) => (moment === undefined ? '—' : `at ${formatMs(moment)}${took !== undefined ? ` (took ${formatMs(took)})` : ''}`);
  const moments: { label: string; moment: number | undefined; value: string }[] = [
    { label: 'TCP connected', moment: connectedAt, value: at(connectedAt, connectMs) },
    { label: 'Server’s first byte', moment: firstByteMs, value: at(firstByteMs) },
    { label: 'Handshake done', moment: handshakeDoneAt, value: at(handshakeDoneAt, handshakeMs) },
  ];
  // In the order they happened; moments that never came keep their place at the end.
  moments.sort((a, b) => (a.moment ?? Infinity) - (b.moment ?? Infinity));
  return [...moments.map(({ label, value }) => ({ label, value })), { label: 'Total', value: formatMs(totalMs) }];
}

export function buildSummary(trace: Trace): SummaryCard {
  const cert = trace.certificate;
  const certValue = !cert
    ? '—'
    : cert.verdict === 'trusted'
      ? 'trusted'
      : cert.verdict === 'untrusted'
        ? `untrusted${cert.alert ? ` (${cert.alert})` : ''}${cert.insecure ? ', continued anyway' : ''}`
        : 'not checked';
  const certTone: SummaryItem['tone'] = !cert ? undefined : cert.verdict === 'trusted' ? 'good' : cert.verdict === 'untrusted' ? (cert.insecure ? 'warning' : 'bad') : 'neutral';
  const http = trace.http;
  const httpTone: SummaryItem['tone'] = !http ? undefined : http.status < 300 ? 'good' : http.status < 400 ? 'neutral' : 'bad';

  const items: SummaryItem[] = [
    { label: 'Version', value: trace.version ?? '—' },
    { label: 'Cipher suite', value: trace.cipherSuite ?? '—' },
    { label: 'Group', value: trace.group ?? '—' },
    { label: 'Signature scheme', value: trace.signatureScheme ?? '—' },
    { label: 'Certificate', value: certValue, tone: certTone },
    { label: 'HTTP', value: http ? `${http.status}${http.reason ? ` ${http.reason}` : ''}` : '—', tone: httpTone },
    { label: 'Personality', value: trace.personality },
  ];
  if (trace.alpn) items.splice(4, 0, { label: 'ALPN', value: trace.alpn });

  const timings = timeline(trace);

  // close_notify is the normal end of a connection, not something to warn about.
  const alerts = trace.alerts.filter((a) => a.description !== 'close_notify').map((a) => ({
    text: `${a.from === 'client' ? 'Client' : 'Server'} sent ${a.level} alert ${a.description}`,
    tone: (a.level === 'fatal' ? 'bad' : 'warning') as 'bad' | 'warning',
  }));

  return {
    outcome: trace.outcome,
    outcomeLabel: OUTCOME_LABEL[trace.outcome] ?? trace.outcome,
    tone: OUTCOME_TONE[trace.outcome] ?? 'bad',
    detail: outcomeSentence(trace.outcomeCause),
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
