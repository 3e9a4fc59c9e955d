import { useTranslations } from 'next-intl';
import { useTranslate } from '@/components/i18n/useTranslate';
import type { Step, Trace } from '@/lib/trace/schema';
import { alertOf, isCertificateRejected, isCloseNotify, isTransportFailure } from '@/lib/trace/steps';
import { stepTitle } from '@/lib/view/stepText';
import { adviceFor } from '@/lib/view/advice';
import { compareRuns } from '@/lib/view/compare';
import { buildSummary } from '@/lib/view/summary';
import { TONE_BADGE, TONE_TEXT } from '@/components/trace/tone';

const ARROW: Record<Step['direction'], string> = { 'client->server': '→', 'server->client': '←', local: '·' };

/**
 * Two runs side by side, aligned step by step; rows where only one run has a step are highlighted
 * and the first of them is marked: that is where the two clients parted ways.
 */
export function ComparisonView({ a, b, labelA, labelB }: { a: Trace; b: Trace; labelA: string; labelB: string }) {
  const t = useTranslations();
  const words = useTranslate();
  const comparison = compareRuns(a, b);
  const summaries = [buildSummary(a, words), buildSummary(b, words)];
  const advice = [adviceFor(a, words), adviceFor(b, words)];
  return (
    <div className="space-y-3" data-testid="comparison">
      <div className="grid grid-cols-2 gap-2 sm:gap-4">
        {[labelA, labelB].map((label, i) => (
          <div key={label} className={`rounded-md px-3 py-2 ring-1 ${TONE_BADGE[summaries[i].tone]}`} data-testid={`comparison-outcome-${i === 0 ? 'a' : 'b'}`}>
            <div className="text-xs font-semibold uppercase tracking-wide">{label}</div>
            <div className="font-semibold">{summaries[i].outcomeLabel}</div>
            <div className="text-sm break-words">{summaries[i].detail}</div>
            {advice[i] && (
              <div className="mt-1 text-sm" data-testid={`comparison-advice-${i === 0 ? 'a' : 'b'}`}>
                <span className="font-medium">{t('compare.why')}</span>
                {advice[i].title}
                {t('compare.whyEnd')}
              </div>
            )}
          </div>
        ))}
      </div>
      <p className="text-sm text-zinc-600 dark:text-zinc-400" aria-live="polite">
        {comparison.differences === 0
          ? t('compare.same')
          : t('compare.differences', { common: comparison.rows.length - comparison.differences, different: comparison.differences })}
      </p>
      <table className="w-full table-fixed border-collapse text-sm">
        <caption className="sr-only">
          {t('compare.caption', { a: labelA, b: labelB })}
        </caption>
        <thead>
          <tr className="text-left text-xs uppercase tracking-wide text-zinc-500 dark:text-zinc-400">
            <th scope="col" className="w-1/2 border-b border-zinc-200 px-2 py-1 dark:border-zinc-800">
              {labelA}
            </th>
            <th scope="col" className="w-1/2 border-b border-zinc-200 px-2 py-1 dark:border-zinc-800">
              {labelB}
            </th>
          </tr>
        </thead>
        <tbody>
          {comparison.rows.map((row, i) => {
            const first = i === comparison.firstDifference;
            return (
              <tr
                key={i}
                data-testid="comparison-row"
                data-same={row.same ? 'true' : 'false'}
                className={row.same ? '' : first ? 'bg-amber-100 dark:bg-amber-900/40' : 'bg-amber-50 dark:bg-amber-950/30'}
              >
                <Cell step={row.a} missing={!row.same && !row.a} first={first} />
                <Cell step={row.b} missing={!row.same && !row.b} first={first} />
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Cell({ step, missing, first }: { step?: Step; missing: boolean; first: boolean }) {
  const t = useTranslations('compare');
  const words = useTranslate();
  if (!step) {
    return (
      <td className="border-b border-zinc-100 px-2 py-1 text-zinc-500 dark:border-zinc-900 dark:text-zinc-400">
        {missing ? <span className="sr-only">{t('noStep')}</span> : null}
        <span aria-hidden="true">—</span>
      </td>
    );
  }
  const alert = alertOf(step);
  const bad = isTransportFailure(step) || alert?.level === 'fatal' || isCertificateRejected(step) || (step.kind === 'outcome' && (step.data.outcome === 'reset' || step.data.outcome === 'timeout'));
  const warn = alert?.level === 'warning' && !isCloseNotify(step);
  return (
    <td className="border-b border-zinc-100 px-2 py-1 align-top dark:border-zinc-900">
      {first && <span className="sr-only">{t('firstDifference')}</span>}
      <span className="mr-1 font-mono text-zinc-500 dark:text-zinc-400" aria-hidden="true">
        {ARROW[step.direction]}
      </span>
      <span className="sr-only">{t(`direction.${step.direction}`)}: </span>
      <span className={`break-words ${bad ? TONE_TEXT.bad : warn ? TONE_TEXT.warning : ''}`}>{stepTitle(step, words)}</span>
    </td>
  );
}
