'use client';

import { useTranslations } from 'next-intl';
import type { Step, Trace } from '@/lib/trace/schema';
import { useTranslate } from '@/components/i18n/useTranslate';
import { isProblemAlert } from '@/lib/trace/steps';
import { classifyTcp, stepNumber } from '@/lib/view/diagram';
import { outcomeSentence, stepExplanation, stepTitle } from '@/lib/view/stepText';
import { formatMs } from '@/lib/view/summary';
import { CopyButton } from './CopyButton';
import { HexView } from './HexView';
import { RfcLink } from './RfcLink';

/** Whether this step ended the run badly, so the "why" box should be shown. */
function isFailure(step: Step, trace: Trace): boolean {
  if (step.kind === 'alert') return isProblemAlert(step);
  if (step.layer === 'tcp') {
    const kind = classifyTcp(step);
    return kind !== 'connect' && kind !== 'closed' && kind !== 'resolved' && kind !== 'shutdown' && !(kind === 'fin' && trace.outcome === 'ok');
  }
  return (step.kind === 'check' && !step.data.ok) || step.kind === 'refusal';
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value, null, 1);
}

export function StepDetail({ step, trace, explainsOutcome }: { step: Step; trace: Trace; explainsOutcome: boolean }) {
  const t = useTranslations('stepDetail');
  const say = useTranslate();
  const failure = isFailure(step, trace);
  const title = stepTitle(step, say);
  const explanation = stepExplanation(step, say);
  const outcome = outcomeSentence(trace.outcomeCause, say);
  const dataEntries = Object.entries(step.data ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return (
    <article aria-labelledby={`step-title-${step.seq}`} className="space-y-4" data-testid="step-detail" data-seq={step.seq}>
      <header>
        <div className="flex flex-wrap items-center gap-2 text-xs text-zinc-500 dark:text-zinc-400">
          <span data-testid="step-number">
            {t('number', { n: String(stepNumber(trace.steps, step.seq)), total: String(trace.steps.length) })}
          </span>
          <span aria-hidden="true">·</span>
          <span>{t(`direction.${step.direction}`)}</span>
          <span aria-hidden="true">·</span>
          <span>{step.layer === 'tcp' ? t(`tcp.${classifyTcp(step)}`) : t(`layer.${step.layer}`)}</span>
          <span aria-hidden="true">·</span>
          <span className="tabular-nums">{t('at', { time: formatMs(step.timeMs) })}</span>
          {step.bytes && (
            <>
              <span aria-hidden="true">·</span>
              <span className="tabular-nums">{t('bytes', { bytes: String(step.bytes.hex.length / 2) })}</span>
            </>
          )}
        </div>
        <h3 id={`step-title-${step.seq}`} className="mt-1 text-lg font-semibold tracking-tight">
          {title}
        </h3>
      </header>

      {(explanation || step.rfc) && (
        <div className={`rounded-md border p-3 text-sm ${failure ? 'border-red-300 bg-red-50 dark:border-red-900 dark:bg-red-950/50' : 'border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900'}`}>
          {failure && <h4 className="mb-1 font-semibold text-red-800 dark:text-red-300">{t('why')}</h4>}
          {explanation && <p className="leading-relaxed">{explanation}</p>}
          {failure && explainsOutcome && outcome && outcome !== explanation && <p className="mt-1 leading-relaxed">{outcome}</p>}
          {step.rfc && (
            <p className="mt-2 text-xs">
              {t('specifiedIn')} <RfcLink reference={step.rfc} />
            </p>
          )}
        </div>
      )}

      {step.bytes && (
        <section aria-label={step.plaintext ? t('wireCiphertext') : t('wire')}>
          <h4 className="mb-2 text-sm font-semibold">{step.plaintext ? t('ciphertextTitle') : t('bytesTitle')}</h4>
          <HexView data={step.bytes} label={step.plaintext ? t('ciphertextLabel', { title }) : title} step={step} trace={trace} />
        </section>
      )}
      {step.plaintext && (
        <section aria-label={t('plaintext')}>
          <h4 className="mb-2 text-sm font-semibold">{t('plaintext')}</h4>
          <HexView data={step.plaintext} label={t('plaintextLabel', { title })} step={step} trace={trace} />
        </section>
      )}

      {dataEntries.length > 0 && (
        // The step's data as recorded (field names and values, an engine's or relay's own words among them).
        <section aria-label={t('details')} data-testid="step-data">
          <h4 className="mb-2 text-sm font-semibold">{t('details')}</h4>
          <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm">
            {dataEntries.map(([key, value]) => {
              const text = formatValue(value);
              const copyable = typeof value === 'string' && /^[0-9a-f]{16,}$/i.test(value);
              return (
                <div key={key} className="contents">
                  <dt className="font-mono text-xs leading-6 text-zinc-500 dark:text-zinc-400">{key}</dt>
                  <dd className="flex min-w-0 items-start gap-2">
                    <span className="min-w-0 break-all font-mono text-xs leading-6 whitespace-pre-wrap">{text}</span>
                    {copyable && <CopyButton value={text} label={key} />}
                  </dd>
                </div>
              );
            })}
          </dl>
        </section>
      )}
    </article>
  );
}
