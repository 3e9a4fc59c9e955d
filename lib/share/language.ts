import { chooseLocale, LANG_PARAM, LOCALE_COOKIE, toLocale, type Locale } from '../i18n/locales';

/**
 * Which language a saved run's views (the /r page, embeds, oEmbed) are rendered in, and what of the
 * request decided it, so a cached response can say what it Varies on. The choice itself is the
 * app's (lib/i18n/locales.ts): `?lang=`, else the language switch's cookie, else Accept-Language.
 *
 * With `?lang=` the URL fully determines the response. Without it the response Varies on Cookie and
 * Accept-Language (RFC 9110 §12.5.5) rather than redirecting to a `?lang=` URL: a pasted link keeps
 * working as it was pasted, costs no extra round trip, and the share links and embed codes the app
 * writes carry `?lang=` anyway.
 */

export interface LanguageChoice {
  lang: Locale;
  /** The URL alone decided it (?lang=): nothing in the request's headers did. */
  explicit: boolean;
  /** Request headers the choice read (for Vary); empty when explicit. */
  vary: string[];
}

/** The value of one cookie in a Cookie header (RFC 6265 §5.4), or undefined. */
export function cookieValue(header: string | null, name: string): string | undefined {
  for (const pair of header?.split(';') ?? []) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

export function chooseLanguage(url: URL, headers: Pick<Headers, 'get'>): LanguageChoice {
  const named = toLocale(url.searchParams.get(LANG_PARAM));
  if (named) return { lang: named, explicit: true, vary: [] };
  const lang = chooseLocale({ cookie: cookieValue(headers.get('cookie'), LOCALE_COOKIE), acceptLanguage: headers.get('accept-language') });
  return { lang, explicit: false, vary: ['Cookie', 'Accept-Language'] };
}
