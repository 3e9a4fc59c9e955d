import type { Diagnosis } from '../lib/doctor/diagnose';
import { describeDiagnosis, describeResult } from '../lib/doctor/words';
import type { Translate } from '../lib/i18n/translator';
import type { painter } from './format';

const yesNo = (value: boolean | undefined) => (value === undefined ? 'unknown' : value ? 'yes' : 'no');

/** The doctor's report for a terminal, in the language of `t` (the netsh commands are the same in every language). */
export function formatDiagnosis(d: Diagnosis, paint: ReturnType<typeof painter>, t: Translate): string {
  const lines: string[] = [];
  const color = d.severity === 'problem' ? 'red' : d.severity === 'ok' ? 'green' : 'yellow';
  const { verdict, fixes } = describeDiagnosis(d, t);
  lines.push(paint(color, `${t(`doctor.severity.${d.severity}`)}: ${d.url}`), '', verdict, '');
  lines.push(t('doctor.cli.tls13', { available: yesNo(d.tls13.available), pha: yesNo(d.tls13.postHandshakeAuthRequested) }));
  lines.push(t('doctor.cli.tls12', { available: yesNo(d.tls12.available), secure: yesNo(d.tls12.secureRenegotiation), hello: yesNo(d.tls12.helloRequest) }));
  lines.push('', t('doctor.cli.perClient'));
  for (const p of d.personalities) lines.push(`  ${p.personality.padEnd(17)} ${p.outcome === 'ok' ? paint('green', describeResult(p, t)) : paint('red', describeResult(p, t))}`);
  if (fixes.length) {
    lines.push('', t('doctor.cli.whatToDo'));
    fixes.forEach((f, i) => {
      lines.push(`  ${i + 1}. [${t(`doctor.who.${f.who}`)}] ${f.title}`, `     ${f.detail}`);
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
