/**
 * The languages a person can read this playground in, and how one is chosen for a request: an
 * explicit `?lang=` in the link (share links, recipe links, embeds carry it), else the language
 * remembered from the header's switch (a cookie), else the browser's Accept-Language, else English.
 * URLs never change with the language: the same /r/{id} renders in either.
 */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** The query parameter links carry the language in (`?lang=zh-CN`). */
export const LANG_PARAM = 'lang';
/** The cookie the header's switch remembers the choice in. */
export const LOCALE_COOKIE = 'tlspg-locale';
/** The request header the proxy passes the chosen locale to the rendering in. */
export const LOCALE_HEADER = 'x-tlspg-locale';

/** Each language's name in itself, for the switch. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' };

/**
 * A language tag as one of ours, or undefined: `zh`, `zh-CN`, `zh-Hans`, `zh-SG` (and, as the only
 * Chinese we have, any other `zh-…`) are Simplified Chinese; `en-…` is English.
 */
export function toLocale(tag: string | null | undefined): Locale | undefined {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  if (primary === 'zh') return 'zh-CN';
  if (primary === 'en') return 'en';
  return undefined;
}

/** The best of our locales for an Accept-Language header (RFC 9110 §12.5.4: quality values order). */
export function fromAcceptLanguage(header: string | null | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((r) => r.tag && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const r of ranked) {
    const locale = toLocale(r.tag);
    if (locale) return locale;
  }
  return undefined;
}

/** The locale of one request, from the strongest signal to the weakest. */
export function chooseLocale(signals: { param?: string | null; cookie?: string | null; acceptLanguage?: string | null }): Locale {
  return toLocale(signals.param) ?? toLocale(signals.cookie) ?? fromAcceptLanguage(signals.acceptLanguage) ?? DEFAULT_LOCALE;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** `href` with `?lang=` set to `locale` (kept relative when it was): what share and embed links carry. */
export function withLang(href: string, locale: Locale): string {
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(href);
  const url = new URL(href, 'http://relative.invalid');
  url.searchParams.set(LANG_PARAM, locale);
  return absolute ? url.toString() : `${url.pathname}${url.search}${url.hash}`;
}
