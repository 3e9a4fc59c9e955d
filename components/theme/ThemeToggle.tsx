'use client';

import { useEffect, useState } from 'react';
import { useTranslations } from 'next-intl';

type ThemeChoice = 'system' | 'light' | 'dark';

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };
const ICON: Record<ThemeChoice, string> = { system: '◐', light: '☀', dark: '☾' };

function readChoice(): ThemeChoice {
  const value = document.documentElement.getAttribute('data-theme-choice');
  return value === 'light' || value === 'dark' ? value : 'system';
}

/** Cycles system → light → dark; the choice is remembered and applied by public/theme-init.js. */
export function ThemeToggle() {
  const t = useTranslations('layout.theme');
  const [choice, setChoice] = useState<ThemeChoice | null>(null);

  useEffect(() => {
    setChoice(readChoice());
  }, []);

  function cycle() {
    const next = NEXT[choice ?? readChoice()];
    const root = document.documentElement;
    root.setAttribute('data-theme-choice', next);
    const dark = next === 'dark' || (next === 'system' && window.matchMedia('(prefers-color-scheme: dark)').matches);
    root.setAttribute('data-theme', dark ? 'dark' : 'light');
    root.style.colorScheme = dark ? 'dark' : 'light';
    try {
      if (next === 'system') window.localStorage.removeItem('theme');
      else window.localStorage.setItem('theme', next);
    } catch {
      // Storage can be unavailable (private mode); the choice then lasts for this page only.
    }
    setChoice(next);
  }

  const shown = choice ?? 'system';
  return (
    <button
      type="button"
      onClick={cycle}
      className="inline-flex items-center gap-2 rounded-md border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
      aria-label={t('change', { theme: t(shown) })}
      data-testid="theme-toggle"
    >
      <span aria-hidden="true">{ICON[shown]}</span>
      <span className="hidden sm:inline">{t(shown)}</span>
    </button>
  );
}
