'use client';

import { useState } from 'react';
import { useTranslations } from 'next-intl';
import type { Bundle } from '@/lib/bundle/bundle';
import { compactTrace } from '@/lib/trace/compact';
import { FormError } from '@/components/run/FormParts';
import { CopyButton } from '@/components/trace/CopyButton';
import { uploadBody } from '@/components/share/SaveButton';
import { useTranslate } from '@/components/i18n/useTranslate';
import { apiErrorSentence } from '@/lib/view/apiError';
import type { Translate } from '@/lib/i18n/translator';

type SaveState = { status: 'idle' } | { status: 'saving' } | { status: 'saved'; url: string } | { status: 'failed'; message: string };

/** Saves a diagnosis or comparison on this server (POST /api/bundles); resolves with its link. */
export async function saveBundle(bundle: Bundle, words: { noAnswer: string; serverAnswered: (status: number) => string; say: Translate }): Promise<string> {
  const body = JSON.stringify({ ...bundle, runs: bundle.runs.map((run) => ({ role: run.role, trace: compactTrace(run.trace) })) });
  let response: Response;
  try {
    response = await fetch('/api/bundles', { method: 'POST', ...(await uploadBody(body)) });
  } catch {
    throw new Error(words.noAnswer);
  }
  let answer: { url?: string; error?: string; code?: string } = {};
  try {
    answer = (await response.json()) as typeof answer;
  } catch {
    // A failure without a JSON body still gets a sentence below.
  }
  if (!response.ok || !answer.url) throw new Error(apiErrorSentence(answer, words.serverAnswered(response.status), words.say));
  return answer.url;
}

/**
 * "Save and share" for a finished diagnosis or comparison: one link that opens the verdict (or the
 * aligned runs) and every run step by step, with its embed code and downloads on that page.
 */
export function SaveBundleButton({ bundle }: { bundle: Bundle }) {
  const [state, setState] = useState<SaveState>({ status: 'idle' });
  const t = useTranslations('bundle');
  const tShare = useTranslations('share');
  const say = useTranslate();

  async function save() {
    setState({ status: 'saving' });
    try {
      setState({ status: 'saved', url: await saveBundle(bundle, { noAnswer: t('noAnswer'), serverAnswered: (status) => t('serverAnswered', { status: String(status) }), say }) });
    } catch (error) {
      setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  }

  return (
    <div className="space-y-2" data-testid="save-bundle" data-status={state.status}>
      {state.status !== 'saved' && (
        <button
          type="button"
          onClick={save}
          disabled={state.status === 'saving'}
          className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-sky-800 disabled:opacity-60 dark:bg-sky-700 dark:hover:bg-sky-600"
          data-testid="save-bundle-button"
        >
          {state.status === 'saving' ? t('saving') : t('save', { kind: bundle.kind })}
        </button>
      )}
      {state.status === 'failed' && <FormError testId="save-bundle-error">{state.message}</FormError>}
      {state.status === 'saved' && (
        <div className="flex flex-wrap items-center gap-2 text-sm" aria-live="polite">
          <span className="text-zinc-600 dark:text-zinc-400">{t('saved')}</span>
          <a href={state.url} className="font-mono break-all text-sky-800 underline dark:text-sky-300" data-testid="bundle-link">
            {state.url}
          </a>
          <CopyButton value={state.url} label={tShare('shareLinkCopy')} />
        </div>
      )}
    </div>
  );
}
