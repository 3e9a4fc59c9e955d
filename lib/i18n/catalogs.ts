import type { Locale } from './locales';
import type { Catalog } from './translator';

/** The namespaces `names` of a catalog: what a page gives its client components when they need no more. */
export function catalogPart<C extends object>(catalog: C, names: readonly string[]): Partial<C> {
  const part: Partial<C> = {};
  for (const name of names) {
    if (name in catalog) (part as Record<string, unknown>)[name] = (catalog as Record<string, unknown>)[name];
  }
  return part;
}

/**
 * A language's catalog, loaded when asked for: a page or the CLI holds only the one it shows (the
 * first load of `/` carries one language; switching fetches the other with the page's next render).
 */
export async function loadCatalog(locale: Locale): Promise<Catalog> {
  if (locale === 'zh-CN') return (await import('./messages/zh-CN')).zhCN;
  return (await import('./messages/en')).en;
}
