import type { Step, Trace } from '../lib/trace/schema';
import { isCertificateRejected, isTransportFailure } from '../lib/trace/steps';
import { adviceFor } from '../lib/view/advice';
import { outcomeSentence, stepTitle } from '../lib/view/stepText';

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

export function formatStep(step: Step, paint: ReturnType<typeof painter>): string {
  const time = paint('dim', `${step.timeMs.toFixed(1).padStart(8)} ms`);
  const arrow = ARROWS[step.direction];
  let color: Color | undefined;
  if (step.layer === 'alert') color = 'red';
  else if (step.layer === 'tcp') color = isTransportFailure(step) ? 'red' : 'cyan';
  else if (step.layer === 'handshake') color = step.direction === 'client->server' ? 'blue' : 'magenta';
  else if (step.layer === 'certificate') color = isCertificateRejected(step) ? 'red' : 'green';
  else if (step.layer === 'verdict') color = (step.kind === 'error' && step.data.source === 'tls') || step.kind === 'refusal' || (step.kind === 'outcome' && step.data.outcome !== 'ok') ? 'red' : 'green';
  else if (step.layer === 'http') color = 'yellow';
  const text = stepTitle(step);
  const title = color ? paint(color, text) : text;
  return `${time} ${arrow} ${title}`;
}

export function formatSummary(trace: Trace, paint: ReturnType<typeof painter>): string {
  const lines: string[] = [];
  const ok = trace.outcome === 'ok';
  lines.push(paint(ok ? 'green' : 'red', `outcome: ${trace.outcome} (${outcomeSentence(trace.outcomeCause)})`));
  if (trace.version) lines.push(`version: ${trace.version}   cipher suite: ${trace.cipherSuite ?? '-'}   group: ${trace.group ?? '-'}   signature: ${trace.signatureScheme ?? '-'}`);
  if (trace.certificate) lines.push(`certificate: ${trace.certificate.verdict}${trace.certificate.insecure ? ' (INSECURE: continued anyway)' : ''}${trace.certificate.chain[0] ? ` — ${trace.certificate.chain[0].subject}` : ''}`);
  if (trace.alerts.length) lines.push(`alerts: ${trace.alerts.map((a) => `${a.from} ${a.level} ${a.description}`).join(', ')}`);
  if (trace.http) lines.push(`http: ${trace.http.status} ${trace.http.reason} (${trace.http.bodyBytes} body bytes)`);
  lines.push(`personality: ${trace.personality}   total: ${trace.timings.totalMs.toFixed(1)} ms${trace.timings.handshakeMs !== undefined ? `   handshake: ${trace.timings.handshakeMs.toFixed(1)} ms` : ''}`);
  const advice = adviceFor(trace);
  if (advice) {
    lines.push('', paint('yellow', `why: ${advice.title}.`), advice.explanation);
    for (const fix of advice.fixes) lines.push(`fix (${fix.who === 'you' ? 'this run' : fix.who === 'relay' ? 'relay operator' : fix.who}): ${fix.text}`);
    if (advice.kind === 'renegotiation') lines.push(`more: npx tls-playground diagnose ${trace.options.url}   (every client against this URL, with the netsh commands)`);
  }
  return lines.join('\n');
}
