import type { Diagnosis } from '../lib/doctor/diagnose';
import { describeResult } from '../lib/doctor/diagnose';
import type { painter } from './format';

/** The doctor's report for a terminal. */
export function formatDiagnosis(d: Diagnosis, paint: ReturnType<typeof painter>): string {
  const lines: string[] = [];
  const color = d.severity === 'problem' ? 'red' : d.severity === 'ok' ? 'green' : 'yellow';
  lines.push(paint(color, `${d.severity.toUpperCase()}: ${d.url}`), '', d.verdict, '');
  lines.push(`TLS 1.3: ${d.tls13.available ? 'available' : 'not available'}${d.tls13.postHandshakeAuthRequested ? ', asks for post-handshake client authentication' : ''}`);
  lines.push(`TLS 1.2: ${d.tls12.available ? 'available' : 'not available'}${d.tls12.secureRenegotiation === undefined ? '' : d.tls12.secureRenegotiation ? ', secure renegotiation (RFC 5746)' : ', NO secure renegotiation (RFC 5746)'}${d.tls12.helloRequest ? ', sends HelloRequest for this path' : ''}`);
  lines.push('', 'Under TLS 1.2, per client:');
  for (const p of d.personalities) lines.push(`  ${p.personality.padEnd(17)} ${p.outcome === 'ok' ? paint('green', describeResult(p)) : paint('red', describeResult(p))}`);
  if (d.fixes.length) {
    lines.push('', 'What to do:');
    d.fixes.forEach((f, i) => {
      lines.push(`  ${i + 1}. [${f.who}] ${f.title}`, `     ${f.detail}`);
      for (const c of f.commands ?? []) lines.push(paint('cyan', `       ${c}`));
    });
  }
  return lines.join('\n');
}

/** The report without the full traces (they are large); the CLI's --json. */
export function diagnosisForJson(d: Diagnosis) {
  const strip = ({ trace, ...rest }: Diagnosis['probes'][number]) => ({ ...rest, steps: trace.steps.length });
  return { ...d, personalities: d.personalities.map(strip), probes: d.probes.map(strip) };
}
