'use client';

import { useTranslations } from 'next-intl';
import type { Trace } from '@/lib/trace/schema';
import { traceToJson } from '@/lib/export/json';
import { keyLogText } from '@/lib/export/keylog';
import { PCAPNG_MEDIA_TYPE, traceToPcapng } from '@/lib/export/pcapng';
import { traceFileName } from '@/lib/view/fileNames';

type Format = 'json' | 'keylog.txt' | 'pcapng';

/** Hands `content` to the browser as a file download (a Blob URL, revoked once the click is handled). */
export function download(content: BlobPart, type: string, name: string) {
  const href = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 1000);
}

function exportTrace(trace: Trace, format: Format) {
  if (format === 'json') download(traceToJson(trace), 'application/json', traceFileName(trace, 'json'));
  else if (format === 'keylog.txt') download(keyLogText(trace), 'text/plain', traceFileName(trace, 'keylog.txt'));
  else download(traceToPcapng(trace) as Uint8Array<ArrayBuffer>, PCAPNG_MEDIA_TYPE, traceFileName(trace, 'pcapng'));
}

const BUTTON = 'rounded border border-zinc-300 px-2 py-1 text-sm hover:bg-zinc-100 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800';

/**
 * The run's bytes for other tools: the trace as JSON (re-opens here, or saves as a result), the NSS
 * key log (SSLKEYLOGFILE lines) and a pcapng that Wireshark opens already decrypted (the key log rides
 * along in a Decryption Secrets Block). All three are made in this browser from the trace.
 *
 * On a saved run's page the trace arrives after the page (components/share/SavedTrace.tsx): until
 * then `trace` is undefined, the buttons are there but disabled, and `hasKeyLog` says whether the
 * key log's button belongs.
 */
export function ExportMenu({ trace, hasKeyLog = (trace?.keyLog.length ?? 0) > 0 }: { trace: Trace | undefined; hasKeyLog?: boolean }) {
  const t = useTranslations('share');
  const disabled = !trace;
  return (
    <div role="group" aria-label={t('downloadLabel')} className="flex flex-wrap items-center gap-2" data-testid="export-menu">
      <span className="text-xs text-zinc-500 dark:text-zinc-400">{t('download')}</span>
      <button type="button" className={BUTTON} disabled={disabled} onClick={() => trace && exportTrace(trace, 'json')} data-testid="export-json" title={t('traceJsonTitle')}>
        {t('traceJson')}
      </button>
      <button
        type="button"
        className={BUTTON}
        disabled={disabled}
        onClick={() => trace && exportTrace(trace, 'pcapng')}
        data-testid="export-pcapng"
        title={t('pcapngTitle')}
      >
        pcapng
      </button>
      {hasKeyLog && (
        <button type="button" className={BUTTON} disabled={disabled} onClick={() => trace && exportTrace(trace, 'keylog.txt')} data-testid="export-keylog" title={t('keyLogTitle')}>
          {t('keyLog')}
        </button>
      )}
    </div>
  );
}
