import type { Locale } from './locales';
import type { Catalog } from './translator';

/**
 * A language's catalog, loaded when asked for: a page or the CLI holds only the one it shows (the
 * first load of `/` carries one language; switching fetches the other with the page's next render).
 */
export async function loadCatalog(locale: Locale): Promise<Catalog> {
  if (locale === 'zh-CN') return (await import('./messages/zh-CN')).zhCN;
  return (await import('./messages/en')).en;
}
