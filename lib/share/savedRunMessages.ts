/**
 * The catalog namespaces a saved run's page (/r/{id}) gives its client components with the page:
 * what the page's chrome (header, language switch, theme), the share panel, the diagram and the tab
 * labels say before the trace arrives. The whole catalog (the steps' and the fields' explanations
 * are most of it, ~120 KB) is loaded with the trace instead (components/share/SavedTrace.tsx), from
 * a script the browser keeps, so the page's HTML does not carry it in its RSC payload. A namespace
 * missing here shows as a MISSING_MESSAGE error in the browser's console (test/e2e/cache.test.ts
 * checks there is none).
 */
export const SAVED_RUN_PAGE_MESSAGES = [
  'meta',
  'layout',
  'notFound',
  'share',
  'trace',
  // RunView's labels; the diagram rows' accessible names (lib/view/diagram.ts rowLabel).
  'playground',
  'diagram',
  'stepDetail',
  'compare',
  'present',
  'reproduce',
] as const;
