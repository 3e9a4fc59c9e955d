'use client';

import { useTranslations } from 'next-intl';
import { useTranslate } from '@/components/i18n/useTranslate';
import type { Step, Trace } from '@/lib/trace/schema';
import { connectionsOf, type ConnectionTotals } from '@/lib/view/connections';
import { stepTitle } from '@/lib/view/stepText';

const ARROW: Record<Step['direction'], string> = { 'client->server': '→', 'server->client': '←', local: '·' };

/**
 * A resumed run's two connections side by side (live and saved runs): the first one's full
 * handshake and the resumed one, message by message, aligned, with what the resumed handshake
 * leaves out highlighted, and each one's totals above its column.
 */
export function ConnectionsView({ trace }: { trace: Trace }) {
  const t = useTranslations('connections');
  const view = connectionsOf(trace);
  if (!view) return null;
  const resumed = trace.resumption?.accepted === true;
  const labels = [t('first'), resumed ? t('secondResumed') : t('secondFull')];
  return (
    <details open className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800" data-testid="connections">
      <summary className="cursor-pointer font-semibold">{t('title')}</summary>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{resumed ? t('introResumed') : t('introFull')}</p>
      <table className="mt-2 w-full table-fixed border-collapse text-sm">
        <caption className="sr-only">{t('caption')}</caption>
        <thead>
          <tr className="text-left align-top">
            {[view.first, view.second].map((totals, i) => (
              <th key={i} scope="col" className="w-1/2 border-b border-zinc-200 px-2 py-1 dark:border-zinc-800" data-testid={`connection-${i + 1}`}>
                <div className="text-xs font-semibold uppercase tracking-wide text-zinc-500 dark:text-zinc-400">{labels[i]}</div>
                <Totals totals={totals} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {view.rows.map((row, i) => (
            <tr key={i} data-testid="connections-row" data-same={row.same ? 'true' : 'false'} className={row.same ? '' : 'bg-amber-50 dark:bg-amber-950/30'}>
              <Cell step={row.a} />
              <Cell step={row.b} />
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function Totals({ totals }: { totals: ConnectionTotals }) {
  const t = useTranslations('connections');
  return (
    <div className="text-xs font-normal text-zinc-700 dark:text-zinc-300" data-messages={totals.handshakeMessages} data-bytes={totals.bytes}>
      {t('totals', { messages: totals.handshakeMessages, bytes: String(totals.bytes) })}
      {totals.handshakeMs !== undefined ? ` · ${t('handshakeTime', { ms: totals.handshakeMs.toFixed(1) })}` : ''}
      {` · ${totals.certificate ? t('withCertificate') : t('withoutCertificate')}`}
    </div>
  );
}

function Cell({ step }: { step?: Step }) {
  const t = useTranslations('connections');
  const words = useTranslate();
  if (!step) {
    return (
      <td className="border-b border-zinc-100 px-2 py-1 text-zinc-500 dark:border-zinc-900 dark:text-zinc-400">
        <span className="sr-only">{t('notHere')}</span>
        <span aria-hidden="true">—</span>
      </td>
    );
  }
  return (
    <td className="border-b border-zinc-100 px-2 py-1 align-top dark:border-zinc-900">
      <span className="mr-1 font-mono text-zinc-500 dark:text-zinc-400" aria-hidden="true">
        {ARROW[step.direction]}
      </span>
      <span className="break-words">{stepTitle(step, words)}</span>
    </td>
  );
}
