'use client';

import { useEffect, useState } from 'react';
import type { Trace } from '@/lib/trace/schema';
import { CopyButton } from '@/components/trace/CopyButton';
import { LIVE_EMBED_SANDBOX } from '@/lib/share/embed';
import { formFromTrace, recipeHref } from '@/lib/share/recipe';
import { EmbedCode } from './EmbedCode';
import { SaveButton } from './SaveButton';

/**
 * Beside a finished run in the playground: save it as a share link (the recorded run, exactly), or
 * copy a recipe link (the same target and options, run again live by whoever opens it).
 */
export function ShareBar({ trace }: { trace: Trace }) {
  const form = formFromTrace(trace);
  const recipePath = recipeHref('/', form, { run: true });
  const embedPath = recipeHref('/embed', form);
  const [origin, setOrigin] = useState('');
  useEffect(() => setOrigin(window.location.origin), []);

  return (
    <section aria-label="Share this run" className="flex flex-col gap-3 rounded-lg border border-zinc-200 p-3 sm:flex-row sm:items-start sm:justify-between dark:border-zinc-800" data-testid="share-bar">
      <SaveButton key={`${trace.startedAt}|${trace.steps.length}`} trace={trace} />
      <div className="space-y-2 text-sm sm:max-w-md">
        <div className="flex items-center gap-2 sm:justify-end">
          <a href={recipePath} className="text-sky-800 underline dark:text-sky-300" data-testid="recipe-link" title="Opens the playground with this target and these options and runs it live">
            Recipe link
          </a>
          <CopyButton value={`${origin}${recipePath}`} label="recipe link" />
        </div>
        <details className="sm:text-right" data-testid="live-embed-code">
          <summary className="cursor-pointer text-sky-800 dark:text-sky-300">Embed this experiment, run live</summary>
          <div className="mt-2 text-left">
            <EmbedCode src={`${origin}${embedPath}`} title={`Live TLS handshake with ${trace.options.url}`} sandbox={LIVE_EMBED_SANDBOX} />
          </div>
        </details>
      </div>
    </section>
  );
}
