import { useTranslations } from 'next-intl';
import { useTranslate } from '@/components/i18n/useTranslate';
import type { Trace } from '@/lib/trace/schema';
import { adviceFor, type Advice } from '@/lib/view/advice';
import { buildSummary } from '@/lib/view/summary';
import { TONE_BADGE, TONE_BORDER, TONE_SYMBOL, TONE_TEXT } from './tone';

/**
 * Outcome, negotiated parameters, certificate verdict, HTTP status, timings and personality; for the
 * common failures (a refused renegotiation, a rejected certificate, nothing in common), why and how
 * to fix it. `external`: its links open a new tab (the card is embedded in someone else's page).
 */
export function SummaryCard({ trace, running, external }: { trace: Trace; running?: boolean; external?: boolean }) {
  const t = useTranslate();
  const card = buildSummary(trace, t);
  const advice = running ? undefined : adviceFor(trace, t);
  return (
    <section aria-labelledby="summary-title" className={`rounded-lg border-l-4 border ${TONE_BORDER[card.tone]} p-4`} data-testid="summary-card" data-outcome={card.outcome}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="summary-title" className={`text-lg font-semibold ${TONE_TEXT[card.tone]}`}>
          <span aria-hidden="true">{TONE_SYMBOL[card.tone]} </span>
          {running ? t('summary.running') : card.outcomeLabel}
        </h2>
        <span className="font-mono text-sm text-zinc-600 dark:text-zinc-400">{card.host}</span>
      </div>
      <p className="mt-1 text-sm">{running ? t('summary.stepsAppear') : card.detail}</p>
      {/* Announces how the run ended: the region is there while it runs, so the words are read when they arrive. */}
      <p role="status" className="sr-only" data-testid="outcome-announcement">
        {running ? '' : `${card.outcomeLabel}. ${card.detail}`}
      </p>
      {card.alerts.length > 0 && (
        <ul className="mt-2 flex flex-wrap gap-2" aria-label={t('summary.alerts')}>
          {card.alerts.map((a, i) => (
            <li key={i} className={`rounded px-2 py-0.5 text-xs ring-1 ${TONE_BADGE[a.tone]}`}>
              {a.text}
            </li>
          ))}
        </ul>
      )}
      {advice && <AdviceCallout advice={advice} external={external} />}
      <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-4">
        {[...card.items, ...card.timings].map((item) => (
          <div key={item.label} className="min-w-0">
            <dt className="text-xs text-zinc-600 dark:text-zinc-400">{item.label}</dt>
            <dd className={`font-medium break-words ${item.tone ? TONE_TEXT[item.tone] : ''}`}>
              {item.value}
            </dd>
          </div>
        ))}
      </dl>
      {trace.http && !running && (
        <details className="mt-3 text-sm" data-testid="http-response">
          <summary className="cursor-pointer text-sky-800 dark:text-sky-300">
            {t('summary.httpResponse', { headers: trace.http.headers.length, bytes: String(trace.http.bodyBytes) })}
            {trace.http.chunked ? t('summary.chunked') : ''}
          </summary>
          <dl className="mt-2 grid grid-cols-[max-content_minmax(0,1fr)] gap-x-3 gap-y-0.5 font-mono text-xs">
            {trace.http.headers.map(([name, value], i) => (
              <div key={i} className="contents">
                <dt className="text-zinc-600 dark:text-zinc-400">{name}</dt>
                <dd className="break-all">{value}</dd>
              </div>
            ))}
          </dl>
          {trace.http.bodyPreview !== undefined && (
            <pre className="mt-2 max-h-48 overflow-auto rounded bg-zinc-100 p-2 text-xs whitespace-pre-wrap break-all dark:bg-zinc-900">{trace.http.bodyPreview}</pre>
          )}
        </details>
      )}
    </section>
  );
}

function AdviceCallout({ advice, external }: { advice: Advice; external?: boolean }) {
  const t = useTranslations('summary');
  return (
    <div className="mt-3 rounded-md bg-amber-50 p-3 text-sm ring-1 ring-amber-300 dark:bg-amber-950/40 dark:ring-amber-800" data-testid="advice" data-kind={advice.kind} role="note" aria-labelledby="advice-title">
      <p id="advice-title" className="font-semibold">
        {advice.title}
      </p>
      <p className="mt-1">{advice.explanation}</p>
      <p className="mt-2 font-medium">{t('howToFix')}</p>
      <ul className="mt-1 list-disc space-y-0.5 pl-5">
        {advice.fixes.map((fix) => (
          <li key={fix.text}>
            <span className="text-zinc-600 dark:text-zinc-400">{t(`who.${fix.who}`)}</span>
            {fix.text}
          </li>
        ))}
      </ul>
      {advice.links.length > 0 && (
        <p className="mt-2 flex flex-wrap gap-x-4 gap-y-1">
          {advice.links.map((link) => (
            <a key={link.href} href={link.href} className="text-sky-800 underline dark:text-sky-300" {...(external ? { target: '_blank', rel: 'noopener' } : {})}>
              {link.label} →
            </a>
          ))}
        </p>
      )}
    </div>
  );
}
