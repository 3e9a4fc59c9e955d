'use client';

import { useCallback, useEffect, useState } from 'react';
import { checkTarget, describeForm, toRunRequest, type RunForm } from '@/lib/view/runOptions';
import { RunView } from '@/components/run/RunView';
import { useLiveRuns } from '@/components/run/useLiveRuns';
import { useTranslate } from '@/components/i18n/useTranslate';

/**
 * The embed form of a recipe link (/embed?url=…): the experiment, a Run button, and the run drawn as
 * it happens, in the compact layout. It runs in this frame exactly as the playground does (the
 * engine, then the relay), so the frame needs its own origin: embed it with allow-same-origin.
 */
/**
 * Whether this page is framed by a page of another origin (or an opaque one: a sandboxed frame).
 * Reading a cross-origin top's location throws (HTML §7.2.3.1, cross-origin objects).
 */
export function framedByAnotherSite(): boolean {
  if (window.top === window.self) return false;
  try {
    return window.top?.location.origin !== window.location.origin;
  } catch {
    return true;
  }
}

export function LiveEmbed({ form, autorun }: { form: RunForm; autorun: boolean }) {
  const say = useTranslate();
  /** run=1 was asked for but not honoured: another site framed us, so the visitor must click. */
  const [heldBack, setHeldBack] = useState(false);
  const { runs, start } = useLiveRuns(1);
  const [state] = runs;
  const target = checkTarget(form.url, say);

  const run = useCallback(async () => {
    const checked = checkTarget(form.url);
    if (checked.ok) await start(0, toRunRequest(form, checked.url));
  }, [form, start]);

  useEffect(() => {
    // A live run opens a relay session from this site's origin: a page of another site must not
    // start one on the visitor's behalf just by framing us, so there run=1 waits for a click.
    if (autorun && framedByAnotherSite()) setHeldBack(true);
    else if (autorun) void run();
  }, [autorun, run]);

  if (!target.ok) {
    return (
      <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-300">
        {target.message}
      </p>
    );
  }

  return (
    <div className="space-y-3" data-testid="live-embed" data-status={state.status}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="min-w-0">
          <div className="font-mono break-all">{target.url}</div>
          <div className="text-xs text-zinc-500 dark:text-zinc-400">{describeForm(form, say)}</div>
        </div>
        <button
          type="button"
          onClick={() => void run()}
          disabled={state.status === 'running'}
          className="rounded-md bg-sky-700 px-3 py-1.5 font-semibold text-white hover:bg-sky-800 disabled:opacity-60 dark:bg-sky-700 dark:hover:bg-sky-600"
          data-testid="run-button"
        >
          {state.status === 'running' ? say('playground.running') : state.status === 'idle' ? say('share.embed.runLive') : say('share.embed.runAgain')}
        </button>
      </div>
      {heldBack && state.status === 'idle' && (
        <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="run-held-back">
          {say('share.embed.heldBack')}
        </p>
      )}
      {state.status === 'failed' && (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-300">
          {say('playground.couldNotStart', { message: state.message })}
        </p>
      )}
      {state.status === 'running' && state.trace && <RunView key={state.id} trace={state.trace} compact running />}
      {state.status === 'done' && <RunView key={state.id} trace={state.trace} compact />}
    </div>
  );
}
