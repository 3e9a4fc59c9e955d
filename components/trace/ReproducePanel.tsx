'use client';

import { useId, useMemo } from 'react';
import { useTranslations } from 'next-intl';
import type { Trace } from '@/lib/trace/schema';
import { keyLogText } from '@/lib/export/keylog';
import { traceFileName } from '@/lib/view/fileNames';
import { pageCommandPlace, reproduceCommands } from '@/lib/view/reproduce/commands';
import { keyScheduleInputs, keyScheduleScript, scriptFileName } from '@/lib/view/reproduce/keyScheduleScript';
import { describeNote } from '@/lib/view/reproduce/notes';
import { useTranslate } from '@/components/i18n/useTranslate';
import { download } from '@/components/share/ExportMenu';
import { CopyButton } from './CopyButton';

const BUTTON = 'rounded border border-zinc-300 px-2 py-1 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800';
const CODE = 'min-w-0 flex-1 whitespace-pre-wrap break-all rounded-md bg-zinc-100 p-2 font-mono text-xs text-zinc-900 dark:bg-zinc-900 dark:text-zinc-100';

/**
 * "Reproduce it yourself": the run as openssl s_client and curl command lines to copy, what they
 * cannot express, and the key schedule script with the key log it reads, both made in this browser.
 */
export function ReproducePanel({ trace }: { trace: Trace }) {
  const t = useTranslations('reproduce');
  const translate = useTranslate();
  const id = useId();
  const { openssl, curl, notes } = useMemo(() => reproduceCommands(trace, pageCommandPlace(trace.options.url)), [trace]);
  const keyLogFile = traceFileName(trace, 'keylog.txt');
  const inputs = useMemo(() => keyScheduleInputs(trace, keyLogFile), [trace, keyLogFile]);
  const scriptFile = scriptFileName(keyLogFile);

  const command = (which: 'openssl' | 'curl', line: string) => (
    <section aria-labelledby={`${id}-${which}`} className="space-y-1">
      <h4 id={`${id}-${which}`} className="text-sm font-semibold">
        {t(which)}
      </h4>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">{t(which === 'openssl' ? 'opensslHelp' : 'curlHelp')}</p>
      <div className="flex items-start gap-2">
        <pre className={CODE} data-testid={`reproduce-${which}`}>
          <code>{line}</code>
        </pre>
        <CopyButton value={line} label={t(which === 'openssl' ? 'copyOpenssl' : 'copyCurl')} />
      </div>
    </section>
  );

  return (
    <div className="space-y-4" data-testid="reproduce-panel">
      <h3 className="text-base font-semibold">{t('title')}</h3>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">{t('intro')}</p>
      {command('openssl', openssl.line)}
      {command('curl', curl.line)}
      {notes.length > 0 && (
        <section aria-labelledby={`${id}-notes`}>
          <h4 id={`${id}-notes`} className="text-sm font-semibold">
            {t('notesTitle')}
          </h4>
          <ul className="mt-1 list-disc space-y-1 pl-5 text-xs text-zinc-700 dark:text-zinc-300" data-testid="reproduce-notes">
            {notes.map((note, i) => (
              <li key={i}>{describeNote(note, translate)}</li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby={`${id}-script`} className="space-y-2">
        <h4 id={`${id}-script`} className="text-sm font-semibold">
          {t('script')}
        </h4>
        {inputs ? (
          <>
            <p className="text-xs text-zinc-600 dark:text-zinc-400">{t('scriptHelp', { version: inputs.version })}</p>
            <div className="flex items-start gap-2">
              <pre className={CODE} data-testid="reproduce-node">
                <code>{`node ${scriptFile}`}</code>
              </pre>
            </div>
            <div className="flex flex-wrap gap-2">
              <button type="button" className={BUTTON} data-testid="reproduce-download-script" onClick={() => download(keyScheduleScript(inputs), 'text/javascript', scriptFile)}>
                {t('downloadScript')}
              </button>
              <button type="button" className={BUTTON} data-testid="reproduce-download-keylog" onClick={() => download(keyLogText(trace), 'text/plain', keyLogFile)}>
                {t('downloadKeyLog')}
              </button>
            </div>
          </>
        ) : (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">{t('noKeys')}</p>
        )}
      </section>
    </div>
  );
}
