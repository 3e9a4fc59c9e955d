'use client';

import { useState } from 'react';
import { useLocale, useTranslations } from 'next-intl';
import { withLang } from '@/lib/i18n/locales';
import { useTranslate } from '@/components/i18n/useTranslate';
import { compactTrace } from '@/lib/trace/compact';
import type { Trace } from '@/lib/trace/schema';
import { CopyButton } from '@/components/trace/CopyButton';
import { FormError } from '@/components/run/FormParts';
import { embedPath } from '@/lib/share/embed';
import { runTitle } from '@/lib/share/describe';
import { apiErrorSentence } from '@/lib/view/apiError';
import type { Translate } from '@/lib/i18n/translator';
import { EmbedCode } from './EmbedCode';

type SaveState =
  | { status: 'idle' }
  | { status: 'saving' }
  | { status: 'saved'; id: string; url: string }
  | { status: 'failed'; message: string };

interface SaveResponse {
  id?: string;
  url?: string;
  error?: string;
  code?: string;
}

/**
 * The trace as the request body, in its compact form (a response's bytes once, not three times):
 * gzip where the browser can make it (CompressionStream), since a trace is mostly hex and shrinks
 * several times over; plain JSON otherwise.
 */
export async function uploadBody(json: string): Promise<{ headers: Record<string, string>; body: BodyInit }> {
  const plain = { headers: { 'Content-Type': 'application/json' }, body: json };
  if (typeof CompressionStream === 'undefined') return plain;
  try {
    const gzip = await new Response(new Blob([json]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
    return { headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body: gzip };
  } catch {
    return plain;
  }
}

/**
 * Saves the run on this server (POST /api/results) and shows its share link and embed code. The
 * server names the result by its content, so saving the same run again gives the same link.
 */
export async function saveTrace(trace: Trace, words: { noAnswer: string; answered: (status: number) => string; say: Translate }): Promise<{ id: string; url: string }> {
  let response: Response;
  try {
    response = await fetch('/api/results', { method: 'POST', ...(await uploadBody(JSON.stringify(compactTrace(trace)))) });
  } catch {
    throw new Error(words.noAnswer);
  }
  let body: SaveResponse = {};
  try {
    body = (await response.json()) as SaveResponse;
  } catch {
    // Handled below: a failure without a JSON body still gets a sentence.
  }
  if (!response.ok || !body.id || !body.url) throw new Error(apiErrorSentence(body, words.answered(response.status), words.say));
  return { id: body.id, url: body.url };
}

export function SaveButton({ trace }: { trace: Trace }) {
  const t = useTranslations();
  const words = useTranslate();
  const locale = useLocale();
  const [state, setState] = useState<SaveState>({ status: 'idle' });

  async function save() {
    setState({ status: 'saving' });
    try {
      const { id, url } = await saveTrace(trace, { noAnswer: t('share.noAnswer'), answered: (status) => t('share.serverAnswered', { status: String(status) }), say: words });
      // The link carries the language it was made in (?lang=): whoever opens it reads this language.
      setState({ status: 'saved', id, url: withLang(url, locale) });
    } catch (error) {
      setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  }

  return (
    <div className="space-y-2" data-testid="save-result" data-status={state.status}>
      {state.status !== 'saved' && (
        <button
          type="button"
          onClick={save}
          disabled={state.status === 'saving'}
          className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-sky-800 disabled:opacity-60 dark:bg-sky-700 dark:hover:bg-sky-600"
          data-testid="save-button"
        >
          {state.status === 'saving' ? t('share.saving') : t('share.save')}
        </button>
      )}
      {state.status === 'failed' && (
        <FormError testId="save-error">{state.message}</FormError>
      )}
      {state.status === 'saved' && (
        <div className="space-y-2" aria-live="polite">
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <span className="text-zinc-500 dark:text-zinc-400">{t('share.saved')}</span>
            <a href={state.url} className="font-mono break-all text-sky-800 underline dark:text-sky-300" data-testid="result-link">
              {state.url}
            </a>
            <CopyButton value={state.url} label={t('share.shareLinkCopy')} />
          </div>
          <details className="text-sm">
            <summary className="cursor-pointer text-sky-800 dark:text-sky-300">{t('share.embedRun')}</summary>
            <div className="mt-2">
              <EmbedCode src={withLang(new URL(embedPath(state.id), state.url).toString(), locale)} title={runTitle(trace, words)} />
            </div>
          </details>
        </div>
      )}
    </div>
  );
}
