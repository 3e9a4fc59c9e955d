import { NextResponse, type NextRequest } from 'next/server';
import { chooseLocale, LANG_PARAM, LOCALE_COOKIE, LOCALE_HEADER, toLocale } from '@/lib/i18n/locales';

/**
 * Chooses the language of every page (lib/i18n/locales.ts): `?lang=` in the link, else the cookie the
 * header's switch sets, else Accept-Language. URLs are never rewritten or redirected, so /r/{id},
 * /embed/r/{id}, recipe links and the API keep working as they are. A `?lang=` on a top-level page is
 * also remembered, like the switch; an embed's is not (it lives in someone else's page).
 */
export function proxy(request: NextRequest) {
  const param = request.nextUrl.searchParams.get(LANG_PARAM);
  const locale = chooseLocale({
    param,
    cookie: request.cookies.get(LOCALE_COOKIE)?.value,
    acceptLanguage: request.headers.get('accept-language'),
  });
  const forwarded = new Headers(request.headers);
  forwarded.set(LOCALE_HEADER, locale);
  const response = NextResponse.next({ request: { headers: forwarded } });
  const embedded = request.nextUrl.pathname === '/embed' || request.nextUrl.pathname.startsWith('/embed/');
  if (toLocale(param) && !embedded && request.cookies.get(LOCALE_COOKIE)?.value !== locale) {
    response.cookies.set(LOCALE_COOKIE, locale, { path: '/', maxAge: 365 * 24 * 3600, sameSite: 'lax' });
  }
  return response;
}

export const config = {
  // Pages only: not the API, Next's assets or files (preview.png, icons), nor the saved-run views
  // served from the render cache (/r/{id}, /embed/r/…: server/share/views.ts chooses their language
  // itself, with lib/i18n/locales.ts, and remembers a /r page's ?lang= the same way).
  matcher: ['/((?!api/|_next/|r/[^/]+/?$|embed/r/|.*\\.[a-z0-9]+$).*)'],
};
