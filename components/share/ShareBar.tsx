'use client';

import { useEffect, useState } from 'react';
import type { Trace } from '@/lib/trace/schema';
import { CopyButton } from '@/components/trace/CopyButton';
import { formFromTrace, recipeHref } from '@/lib/share/recipe';
import { SaveButton } from './SaveButton';

/**
 * Beside a finished run in the playground: save it as a share link (the recorded run, exactly), or
 * copy a recipe link (the same target and options, run again live by whoever opens it).
 */
export function ShareBar({ trace }: { trace: Trace }) {
  const recipePath = recipeHref('/', formFromTrace(trace), { run: true });
  const [recipeUrl, setRecipeUrl] = useState(recipePath);
  useEffect(() => setRecipeUrl(new URL(recipePath, window.location.href).toString()), [recipePath]);

  return (
    <section aria-label="Share this run" className="flex flex-col gap-3 rounded-lg border border-zinc-200 p-3 sm:flex-row sm:items-start sm:justify-between dark:border-zinc-800" data-testid="share-bar">
      <SaveButton key={`${trace.startedAt}|${trace.steps.length}`} trace={trace} />
      <div className="flex items-center gap-2 text-sm">
        <a href={recipePath} className="text-sky-800 underline dark:text-sky-300" data-testid="recipe-link" title="Opens the playground with this target and these options and runs it live">
          Recipe link
        </a>
        <CopyButton value={recipeUrl} label="recipe link" />
      </div>
    </section>
  );
}
