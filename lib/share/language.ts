/**
 * Which language a saved run's views (the /r page, embeds, oEmbed) are rendered in, and what of the
 * request decided it, so a cached response can say what it Varies on.
 *
 * `?lang=` in the URL decides when it names a language we have: the URL then fully determines the
 * response. Without it the language is negotiated from Accept-Language (RFC 9110 §12.5.4), and the
 * response Varies on that header — but only once there is more than one language to choose from;
 * with one, every request gets the same answer and nothing varies.
 */

/** Languages saved-run views can be rendered in; the first is the default. */
export const VIEW_LANGUAGES: readonly string[] = ['en'];

export interface LanguageChoice {
  lang: string;
  /** The URL alone decided it (?lang=, or there is one language): nothing in the request's headers did. */
  explicit: boolean;
  /** Request headers the choice read (for Vary); empty when explicit or when there was no choice. */
  vary: string[];
}

/** Accept-Language's ranges, best first (q=0 drops a range; ties keep the header's order). */
export function acceptedLanguages(header: string | null): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, order) => {
      const [range, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
      return { range: range.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), order };
    })
    .filter((r) => r.range !== '' && r.q > 0 && Number.isFinite(r.q))
    .sort((a, b) => b.q - a.q || a.order - b.order)
    .map((r) => r.range);
}

/** The language of `languages` a range asks for: exact tag, else the same primary subtag (zh → zh-CN). */
function matching(range: string, languages: readonly string[]): string | undefined {
  const exact = languages.find((l) => l.toLowerCase() === range);
  if (exact) return exact;
  const primary = range.split('-')[0];
  return languages.find((l) => l.toLowerCase().split('-')[0] === primary);
}

export function chooseLanguage(url: URL, headers: Pick<Headers, 'get'>, languages: readonly string[] = VIEW_LANGUAGES): LanguageChoice {
  const asked = url.searchParams.get('lang');
  const named = asked === null ? undefined : matching(asked.toLowerCase(), languages);
  if (named) return { lang: named, explicit: true, vary: [] };
  if (languages.length < 2) return { lang: languages[0], explicit: true, vary: [] };
  for (const range of acceptedLanguages(headers.get('accept-language'))) {
    const lang = range === '*' ? languages[0] : matching(range, languages);
    if (lang) return { lang, explicit: false, vary: ['Accept-Language'] };
  }
  return { lang: languages[0], explicit: false, vary: ['Accept-Language'] };
}
