/**
 * Presentation mode (components/present): a run shown to a room, one step at a time. The diagram
 * holds the steps up to the current one; the keys a presenter's clicker sends move through them.
 * Pure functions of the step count and the URL, so they are tested without a browser.
 */

/** The query parameter that opens a run view in presentation mode: /r/{id}?present=1, /?url=…&run=1&present=1. */
export const PRESENT_PARAM = 'present';

/** Whether a query string asks for presentation mode. */
export function wantsPresentation(search: string | URLSearchParams): boolean {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  return params.get(PRESENT_PARAM) === '1';
}

/**
 * The query parameter that keeps the presentation's current step, 1-based as its counter shows it
 * (?present=1&step=5): a reload or a link given to the room opens on that step.
 */
export const STEP_PARAM = 'step';

/** The step index (0-based) a query string asks presentation mode to open on: 0 when absent or not a positive whole number. */
export function presentedStep(search: string | URLSearchParams): number {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  const raw = params.get(STEP_PARAM) ?? '';
  return /^[1-9]\d{0,5}$/.test(raw) ? Number(raw) - 1 : 0;
}

/**
 * `href` (a path with an optional query and fragment) with present=1 added, or removed when `on` is
 * false; with `step` (0-based), that step kept as step=N (1-based), and without presentation no step
 * either. The other parameters and the fragment stay as they are.
 */
export function withPresentation(href: string, on: boolean, step?: number): string {
  const url = new URL(href, 'http://x');
  if (on) url.searchParams.set(PRESENT_PARAM, '1');
  else url.searchParams.delete(PRESENT_PARAM);
  if (on && step !== undefined) url.searchParams.set(STEP_PARAM, String(step + 1));
  else if (!on) url.searchParams.delete(STEP_PARAM);
  return `${url.pathname}${url.search}${url.hash}`;
}

/**
 * The step a key moves to from `index` among `count` steps, or undefined when the key is not one
 * of presentation mode's (the page keeps it). → and PageDown (what clickers send) go forward, ← and
 * PageUp back, Home to the first step, End to the last one there is so far.
 */
export function stepAfterKey(key: string, index: number, count: number): number | undefined {
  if (count === 0) return undefined;
  const last = count - 1;
  const at = Math.min(Math.max(index, 0), last);
  switch (key) {
    case 'ArrowRight':
    case 'PageDown':
      return Math.min(at + 1, last);
    case 'ArrowLeft':
    case 'PageUp':
      return Math.max(at - 1, 0);
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return undefined;
  }
}
