'use client';

import { useTranslations } from 'next-intl';

/** A built-in demo target as the page shows it (a subset of server/demo/catalog.ts DemoTarget). */
export interface DemoTargetCard {
  name: string;
  host: string;
  title: string;
  description: string;
  paths: { path: string; note: string }[];
  /** The path a one-click run uses. */
  defaultPath: string;
  /** Why this target cannot be run on this server (its program is missing), in the reader's language. */
  unavailable?: string;
}

/**
 * One click runs the target on its most telling path; the other paths are one more click away.
 * `onIntent`: the pointer or the focus came over the targets (a run is likely to follow).
 */
export function DemoTargets({ targets, onRun, onIntent, disabled }: { targets: DemoTargetCard[]; onRun: (url: string) => void; onIntent?: () => void; disabled: boolean }) {
  const t = useTranslations('demo');
  if (targets.length === 0) return null;
  return (
    <section aria-labelledby="demo-targets-title" onPointerEnter={onIntent} onFocus={onIntent}>
      <h2 id="demo-targets-title" className="mb-2 text-sm font-semibold text-zinc-700 dark:text-zinc-300">
        {t('heading')} <span className="font-normal text-zinc-500 dark:text-zinc-400">{t('subheading')}</span>
      </h2>
      <ul className="grid gap-2 sm:grid-cols-2 xl:grid-cols-3">
        {targets.map((target) =>
          target.unavailable ? (
            // Not offered as a run: its server is not running here. Said on the card, not hidden, so
            // a reader who knows the target (a link, the README) learns why.
            <li key={target.name} className="flex flex-col rounded-lg border border-dashed border-zinc-300 p-3 dark:border-zinc-700" data-testid="demo-target-unavailable" data-target={target.name}>
              <span className="block font-medium text-zinc-700 dark:text-zinc-300">{target.title}</span>
              <span className="block font-mono text-xs text-zinc-500 dark:text-zinc-400">
                {target.host}
                {target.defaultPath}
              </span>
              <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{target.description}</p>
              <p className="mt-1 text-sm font-medium text-amber-800 dark:text-amber-300">{target.unavailable}</p>
            </li>
          ) : (
          <li key={target.name} className="flex flex-col rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
            <button
              type="button"
              disabled={disabled}
              onClick={() => onRun(`https://${target.host}${target.defaultPath}`)}
              className="group text-left disabled:cursor-not-allowed disabled:opacity-60"
              data-testid="demo-target"
              data-target={target.name}
              aria-describedby={`demo-${target.name}-desc`}
            >
              <span className="block font-medium text-sky-800 group-hover:underline dark:text-sky-300">{target.title}</span>
              <span className="block font-mono text-xs text-zinc-500 dark:text-zinc-400">
                {target.host}
                {target.defaultPath}
              </span>
            </button>
            <p id={`demo-${target.name}-desc`} className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
              {target.description}
            </p>
            {target.paths.length > 1 && (
              <div className="mt-auto flex flex-wrap gap-1 pt-2">
                {target.paths.map((p) => (
                  <button
                    key={p.path}
                    type="button"
                    disabled={disabled}
                    onClick={() => onRun(`https://${target.host}${p.path}`)}
                    title={p.note}
                    aria-label={t('runPath', { url: `${target.host}${p.path}`, note: p.note })}
                    className="rounded border border-zinc-300 px-1.5 py-0.5 font-mono text-xs hover:bg-zinc-100 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800"
                  >
                    {p.path}
                  </button>
                ))}
              </div>
            )}
          </li>
          ),
        )}
      </ul>
    </section>
  );
}
