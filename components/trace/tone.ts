/** Colour classes per tone, shared by every panel so "bad" looks the same everywhere. */
export type Tone = 'good' | 'bad' | 'warning' | 'neutral';

export const TONE_TEXT: Record<Tone, string> = {
  good: 'text-emerald-700 dark:text-emerald-400',
  bad: 'text-red-700 dark:text-red-400',
  warning: 'text-amber-700 dark:text-amber-400',
  neutral: 'text-zinc-700 dark:text-zinc-300',
};

export const TONE_BADGE: Record<Tone, string> = {
  good: 'bg-emerald-50 text-emerald-800 ring-emerald-600/30 dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-400/30',
  bad: 'bg-red-50 text-red-800 ring-red-600/30 dark:bg-red-950 dark:text-red-300 dark:ring-red-400/30',
  warning: 'bg-amber-50 text-amber-900 ring-amber-600/30 dark:bg-amber-950 dark:text-amber-300 dark:ring-amber-400/30',
  neutral: 'bg-zinc-50 text-zinc-700 ring-zinc-500/30 dark:bg-zinc-900 dark:text-zinc-300 dark:ring-zinc-400/30',
};

export const TONE_BORDER: Record<Tone, string> = {
  good: 'border-emerald-500/60',
  bad: 'border-red-500/70',
  warning: 'border-amber-500/70',
  neutral: 'border-zinc-300 dark:border-zinc-700',
};

export const TONE_SYMBOL: Record<Tone, string> = {
  good: '✓',
  bad: '✕',
  warning: '!',
  neutral: '•',
};
