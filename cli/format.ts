import type { Step, Trace } from '../lib/trace/schema';
import { isCertificateRejected, isTransportFailure } from '../lib/trace/steps';
import { adviceFor } from '../lib/view/advice';
import { outcomeSentence, stepTitle } from '../lib/view/stepText';
import type { Translate } from '../lib/i18n/translator';

/** The readable transcript: one line per step, colored on a TTY. */

const COLORS = { dim: 2, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36 } as const;
type Color = keyof typeof COLORS;

export function painter(enabled: boolean) {
  return (color: Color, text: string) => (enabled ? `\x1b[${COLORS[color]}m${text}\x1b[0m` : text);
}

const ARROWS: Record<Step['direction'], string> = { 'client->server': '→', 'server->client': '←', local: '·' };

/** Which steps the default (non-verbose) transcript shows. */
export function isShown(step: Step, verbose: boolean): boolean {
  if (verbose) return true;
  return step.layer !== 'record' && step.layer !== 'key' && step.layer !== 'application';
}

/** One transcript line: time, direction, the step's title in the language of `t` (English by default). */
export function formatStep(step: Step, paint: ReturnType<typeof painter>, t?: Translate): string {
  const time = paint('dim', `${step.timeMs.toFixed(1).padStart(8)} ms`);
  const arrow = ARROWS[step.direction];
  let color: Color | undefined;
  if (step.kind === 'tamper') color = 'yellow';
  else if (step.layer === 'alert') color = 'red';
  else if (step.layer === 'tcp') color = isTransportFailure(step) ? 'red' : 'cyan';
  else if (step.layer === 'handshake') color = step.direction === 'client->server' ? 'blue' : 'magenta';
  else if (step.layer === 'certificate') color = isCertificateRejected(step) ? 'red' : 'green';
  else if (step.layer === 'verdict') color = (step.kind === 'error' && step.data.source === 'tls') || step.kind === 'refusal' || (step.kind === 'outcome' && step.data.outcome !== 'ok') ? 'red' : 'green';
  else if (step.layer === 'http') color = 'yellow';
  const text = stepTitle(step, t);
  const title = color ? paint(color, text) : text;
  return `${time} ${arrow} ${title}`;
}

/** The closing lines of a run: outcome, what was negotiated, and the advice, in the language of `t`. */
export function formatSummary(trace: Trace, paint: ReturnType<typeof painter>, t: Translate): string {
  const lines: string[] = [];
  const ok = trace.outcome === 'ok';
  lines.push(paint(ok ? 'green' : 'red', t('cli.outcome', { outcome: trace.outcome, detail: outcomeSentence(trace.outcomeCause, t) })));
  if (trace.version) lines.push(t('cli.negotiated', { version: trace.version, suite: trace.cipherSuite ?? '-', group: trace.group ?? '-', signature: trace.signatureScheme ?? '-' }));
  if (trace.certificate) {
    const subject = trace.certificate.chain[0] ? ` — ${trace.certificate.chain[0].subject}` : '';
    lines.push(t('cli.certificate', { verdict: trace.certificate.verdict, insecure: trace.certificate.insecure ? 'yes' : 'no', subject }));
  }
  if (trace.alerts.length) lines.push(t('cli.alerts', { alerts: trace.alerts.map((a) => t('cli.alert', { from: a.from, level: a.level, description: a.description })).join(', ') }));
  if (trace.resumption) {
    const r = trace.resumption;
    const result = !r.offered ? t('cli.resumptionNotOffered') : r.accepted ? t('cli.resumptionAccepted', { mode: r.mode ?? '' }) : t('cli.resumptionRefused');
    lines.push(t('cli.resumption', { result, earlyData: r.earlyData ?? 'none' }));
  }
  if (trace.http) lines.push(t('cli.http', { status: String(trace.http.status), reason: trace.http.reason, bytes: trace.http.bodyBytes }));
  const total = trace.timings.totalMs.toFixed(1);
  lines.push(
    trace.timings.handshakeMs !== undefined
      ? t('cli.timingHandshake', { personality: trace.personality, total, handshake: trace.timings.handshakeMs.toFixed(1) })
      : t('cli.timing', { personality: trace.personality, total }),
  );
  const advice = adviceFor(trace, t);
  if (advice) {
    lines.push('', paint('yellow', t('cli.why', { title: advice.title })), advice.explanation);
    for (const fix of advice.fixes) lines.push(t('cli.fix', { who: fix.who, text: fix.text }));
    if (advice.kind === 'renegotiation') lines.push(t('cli.more', { url: trace.options.url }));
  }
  return lines.join('\n');
}
