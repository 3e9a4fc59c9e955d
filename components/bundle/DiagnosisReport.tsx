import type { ReactNode } from 'react';
import { useTranslations } from 'next-intl';
import type { Diagnosis, ProbeResult } from '@/lib/doctor/diagnose';
import { describeDiagnosis, describeResult, probeLabel } from '@/lib/doctor/words';
import { useTranslate } from '@/components/i18n/useTranslate';
import { CopyButton } from '@/components/trace/CopyButton';
import { TONE_BADGE, TONE_TEXT } from '@/components/trace/tone';

const SEVERITY_TONE = { problem: 'bad', ok: 'good', unreachable: 'warning' } as const;

export function probeTone(p: ProbeResult): 'good' | 'bad' | 'warning' {
  if (p.outcome === 'ok') return p.httpStatus !== undefined && p.httpStatus >= 400 ? 'warning' : 'good';
  return 'bad';
}

/** The doctor's verdict: what was found, in the severity's colour. */
export function Verdict({ diagnosis, headingLevel = 2 }: { diagnosis: Diagnosis; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const t = useTranslations('doctor');
  // The verdict is made from what the probes found, in the reader's language (and follows the switch).
  const { verdict } = describeDiagnosis(diagnosis, useTranslate());
  return (
    <section aria-labelledby="verdict" className={`rounded-lg p-4 ring-1 ${TONE_BADGE[SEVERITY_TONE[diagnosis.severity]]}`} data-testid="doctor-verdict" data-severity={diagnosis.severity}>
      <Heading id="verdict" className="mb-1 font-semibold">
        {t('verdictTitle')}
      </Heading>
      <p className="leading-relaxed">{verdict}</p>
    </section>
  );
}

/**
 * The probes and how each ended. `link` makes each probe's label a link (to its run, step by step);
 * `current` marks the probe shown below the list; `pending` adds the "running" row of a live diagnosis.
 */
export function ProbeList({
  probes,
  link,
  current,
  pending = false,
  headingLevel = 2,
}: {
  probes: ProbeResult[];
  link?: (probe: ProbeResult, index: number) => { href: string; label: ReactNode } | undefined;
  current?: number;
  pending?: boolean;
  headingLevel?: 2 | 3;
}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const t = useTranslations('doctor');
  const say = useTranslate();
  return (
    <section aria-labelledby="probes" className="space-y-2">
      <Heading id="probes" className="text-lg font-semibold">
        {t('probesTitle')}
      </Heading>
      <ul className="divide-y divide-zinc-200 rounded-md border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800" aria-live={pending ? 'polite' : undefined}>
        {probes.map((p, i) => {
          const target = link?.(p, i);
          return (
            <li
              key={i}
              className={`flex flex-wrap items-baseline justify-between gap-2 px-3 py-2 text-sm ${i === current ? 'bg-sky-50 dark:bg-sky-950/40' : ''}`}
              data-testid="doctor-probe"
              data-role={p.role}
              aria-current={i === current ? 'true' : undefined}
            >
              <span>
                {probeLabel(p, say)}
                {p.helloRequest && <span className="ml-2 rounded bg-zinc-100 px-1.5 text-xs dark:bg-zinc-800">HelloRequest</span>}
              </span>
              <span className="flex flex-wrap items-baseline gap-3">
                <span className={`font-medium ${TONE_TEXT[probeTone(p)]}`}>{describeResult(p, say)}</span>
                {target && (
                  <a href={target.href} className="text-sky-800 underline dark:text-sky-300" data-testid="probe-link">
                    {target.label}
                  </a>
                )}
              </span>
            </li>
          );
        })}
        {pending && <li className="px-3 py-2 text-sm text-zinc-600 dark:text-zinc-400">{t('nextProbe')}</li>}
      </ul>
    </section>
  );
}

/** What to change, who can change it, and the commands to paste. */
export function Fixes({ diagnosis, headingLevel = 2 }: { diagnosis: Diagnosis; headingLevel?: 2 | 3 }) {
  const { fixes } = describeDiagnosis(diagnosis, useTranslate());
  if (fixes.length === 0) return null;
  return <FixList fixes={fixes} headingLevel={headingLevel} />;
}

function FixList({ fixes, headingLevel }: { fixes: Diagnosis['fixes']; headingLevel: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const Sub = headingLevel === 2 ? 'h3' : 'h4';
  const t = useTranslations('doctor');
  return (
    <section aria-labelledby="fixes" className="space-y-3">
      <Heading id="fixes" className="text-lg font-semibold">
        {t('fixesTitle')}
      </Heading>
      <ol className="space-y-4">
        {fixes.map((fix) => (
          <li key={fix.title} className="space-y-1" data-testid="doctor-fix">
            <Sub className="font-medium">
              <span className="mr-2 rounded bg-zinc-100 px-1.5 py-0.5 text-xs uppercase text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">{t(`who.${fix.who}`)}</span>
              {fix.title}
            </Sub>
            <p className="text-sm text-zinc-700 dark:text-zinc-300">{fix.detail}</p>
            {fix.commands?.map((command) => (
              <div key={command} className="flex items-start gap-2 rounded-md bg-zinc-100 p-2 dark:bg-zinc-900">
                <code className="min-w-0 flex-1 break-all font-mono text-sm">{command}</code>
                <CopyButton value={command} label={command} />
              </div>
            ))}
          </li>
        ))}
      </ol>
    </section>
  );
}
