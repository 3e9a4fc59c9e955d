'use client';

import type { ReactNode } from 'react';
import { useTranslations } from 'next-intl';

export type DetailTab = 'step' | 'keys' | 'certificate' | 'reproduce';

const TABS: DetailTab[] = ['step', 'keys', 'certificate', 'reproduce'];

/** The full embed's tabs: a step's detail, and reproduce it yourself. */
export const EMBED_TABS: DetailTab[] = ['step', 'reproduce'];

/**
 * The run's detail panels (step, key schedule, certificate, reproduce it yourself) as an ARIA tab list: arrow keys move
 * between tabs, the panel is labelled by its tab. Shared by the live playground and recorded runs;
 * the full embed shows fewer (`tabs`).
 */
export function DetailTabs({
  id,
  tab,
  onTab,
  panels,
  tabs = TABS,
}: {
  id: string;
  tab: DetailTab;
  onTab: (tab: DetailTab) => void;
  panels: Partial<Record<DetailTab, () => ReactNode>> & Pick<Record<DetailTab, () => ReactNode>, 'step'>;
  tabs?: DetailTab[];
}) {
  const t = useTranslations('trace.tabs');
  const tReproduce = useTranslations('reproduce');
  return (
    <>
      <div role="tablist" aria-label={t('label')} className="mb-3 flex flex-wrap gap-1 border-b border-zinc-200 dark:border-zinc-800">
        {tabs.map((value) => (
          <button
            key={value}
            type="button"
            role="tab"
            id={`${id}-tab-${value}`}
            aria-selected={tab === value}
            aria-controls={id}
            tabIndex={tab === value ? 0 : -1}
            onClick={() => onTab(value)}
            onKeyDown={(e) => {
              if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
              e.preventDefault();
              const i = tabs.indexOf(tab);
              const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
              onTab(next);
              document.getElementById(`${id}-tab-${next}`)?.focus();
            }}
            className={`-mb-px rounded-t border-b-2 px-3 py-1.5 text-sm ${
              tab === value ? 'border-sky-600 font-semibold text-sky-800 dark:border-sky-400 dark:text-sky-300' : 'border-transparent text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100'
            }`}
            data-testid={`tab-${value}`}
          >
            {value === 'reproduce' ? tReproduce('tab') : t(value)}
          </button>
        ))}
      </div>
      <div id={id} role="tabpanel" aria-labelledby={`${id}-tab-${tab}`} className="min-w-0">
        {(panels[tab] ?? panels.step)()}
      </div>
    </>
  );
}
