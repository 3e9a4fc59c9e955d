'use client';

import type { CertificateCheck } from '@/lib/trace/schema';
import { buildCertificatePanel, checkDetail } from '@/lib/view/certificate';
import { useTranslations } from 'next-intl';
import { useTranslate } from '@/components/i18n/useTranslate';
import type { Trace } from '@/lib/trace/schema';
import { TONE_BADGE, TONE_SYMBOL, TONE_TEXT } from './tone';

/** The chain as built (leaf first), each check with its verdict, and the decoded fields. */
export function CertificatePanel({ trace, onShowStep }: { trace: Trace; onShowStep?: (seq: number) => void }) {
  const t = useTranslations('certificate');
  const say = useTranslate();
  const panel = buildCertificatePanel(trace, say);
  if (!panel) return <p className="text-sm text-zinc-500 dark:text-zinc-400">{t('notReached')}</p>;
  return (
    <div className="space-y-3" data-testid="certificate-panel">
      <p role="status" className={`rounded-md px-3 py-2 text-sm ring-1 ${TONE_BADGE[panel.tone]}`}>
        <span aria-hidden="true">{TONE_SYMBOL[panel.tone]} </span>
        {panel.headline}
        {panel.alert && panel.verdict === 'untrusted' && <span className="block text-xs">{t('alert', { alert: panel.alert })}</span>}
      </p>
      {panel.certificateMessageSeq !== undefined && onShowStep && (
        <button
          type="button"
          onClick={() => onShowStep(panel.certificateMessageSeq!)}
          className="text-sm text-sky-700 underline underline-offset-2 dark:text-sky-400"
        >
          {t('showMessage')}
        </button>
      )}
      <ol className="space-y-3" aria-label={t('chainLabel')}>
        {panel.cards.map((card) => (
          <li key={card.index} className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h3 className="font-semibold">
                <span className="mr-2 rounded bg-zinc-100 px-1.5 py-0.5 text-xs font-medium uppercase text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">{t(`role.${card.role}`)}</span>
                <span className="break-all">{card.entry.subject}</span>
              </h3>
              <span className="text-xs text-zinc-500 dark:text-zinc-400">{card.sourceLabel}</span>
            </div>
            <dl className="mt-2 grid grid-cols-[max-content_minmax(0,1fr)] gap-x-3 gap-y-0.5 text-sm">
              <dt className="text-zinc-500 dark:text-zinc-400">{t('issuer')}</dt>
              <dd className="break-all">{card.entry.issuer}</dd>
              <dt className="text-zinc-500 dark:text-zinc-400">{t('valid')}</dt>
              <dd>
                {card.entry.notBefore} → {card.entry.notAfter}{' '}
                <span className={card.validity.state === 'valid' ? TONE_TEXT.good : card.validity.state === 'unknown' ? '' : TONE_TEXT.bad}>
                  ({card.validity.state === 'valid' ? t('validity.valid', { days: card.validity.daysLeft ?? 0 }) : t(`validity.${card.validity.state}`)})
                </span>
              </dd>
              <dt className="text-zinc-500 dark:text-zinc-400">{t('serial')}</dt>
              <dd className="break-all font-mono text-xs leading-5">{card.entry.serialNumber}</dd>
              <dt className="text-zinc-500 dark:text-zinc-400">SHA-256</dt>
              <dd className="break-all font-mono text-xs leading-5">{card.entry.sha256}</dd>
            </dl>
            {card.checks.length > 0 && <CheckList checks={card.checks} />}
          </li>
        ))}
      </ol>
      {panel.chainChecks.length > 0 && (
        <div>
          <h3 className="text-sm font-semibold">{t('chain')}</h3>
          <CheckList checks={panel.chainChecks} />
        </div>
      )}
    </div>
  );
}

function CheckList({ checks }: { checks: CertificateCheck[] }) {
  const t = useTranslations('certificate');
  const say = useTranslate();
  return (
    <ul className="mt-2 space-y-1 text-sm" aria-label={t('checks')}>
      {checks.map((check, i) => (
        <li key={i} className="flex gap-2">
          <span className={`shrink-0 font-semibold ${check.ok ? TONE_TEXT.good : TONE_TEXT.bad}`}>
            {check.ok ? '✓' : '✕'}
            <span className="sr-only">{check.ok ? t('passed') : t('failed')}</span>
          </span>
          <span>
            <span className="font-mono text-xs">{check.check}</span> — {checkDetail(check, say)}
          </span>
        </li>
      ))}
    </ul>
  );
}
