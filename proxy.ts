import { NextResponse, type NextRequest } from 'next/server';
import { chooseLocale, LANG_PARAM, LOCALE_COOKIE, LOCALE_HEADER, toLocale } from '@/lib/i18n/locales';
import { contentSecurityPolicy, newNonce, relayConnectSources } from '@/lib/share/csp';
import { requestedOrigin } from '@/lib/share/origin';
import { relayLocation } from '@/lib/share/relayLocation';
import { findLesson } from '@/lib/view/lessons';

/**
 * Every page request passes here.
 *
 * Language (lib/i18n/locales.ts): `?lang=` in the link, else the cookie the header's switch sets,
 * else Accept-Language. URLs are never rewritten or redirected, so /r/{id}, /embed/r/{id}, recipe
 * links and the API keep working as they are. A `?lang=` on a top-level page is also remembered,
 * like the switch; an embed's is not (it lives in someone else's page).
 *
 * Content-Security-Policy (lib/share/csp.ts) with a fresh script nonce: Next.js reads the nonce
 * from the request's Content-Security-Policy header while rendering and puts it on its own
 * scripts, which is why the pages render per request (the root layout awaits connection()).
 * /embed/… may be framed by any site; every other page only by this origin.
 *
 * Saved views (runs, diagnoses, comparisons) served from the render cache send their own policy, with their inline scripts'
 * hashes (server/share/views.ts): the matcher below leaves them out, and the internal pages they
 * are rendered from (/render/…, /embed/render/…) get no nonce, so the cached HTML carries none.
 */
const INTERNAL_RENDER = /^\/(?:embed\/)?render\//;

/** A lesson's address, its own or its embed's: /lessons/{lesson}, /embed/lessons/{lesson}. */
const LESSON_PATH = /^\/(?:embed\/)?lessons\/([^/]+)\/?$/;

/**
 * An address no route matches, where Next draws the app's not-found page on the server (status 404,
 * the reader's <html lang>). A lesson page calling notFound() for a name no lesson has came back as
 * Next's error shell instead (<html id="__next_error__">, no text until the browser ran its scripts),
 * so an unknown lesson is sent here before its page runs.
 */
const NO_SUCH_PAGE = '/no-such-page';

function unknownLesson(pathname: string): boolean {
  const name = LESSON_PATH.exec(pathname)?.[1];
  if (name === undefined) return false;
  try {
    return !findLesson(decodeURIComponent(name));
  } catch {
    return true; // a malformed escape names no lesson
  }
}

export function proxy(request: NextRequest) {
  const param = request.nextUrl.searchParams.get(LANG_PARAM);
  const locale = chooseLocale({
    param,
    cookie: request.cookies.get(LOCALE_COOKIE)?.value,
    acceptLanguage: request.headers.get('accept-language'),
  });
  const embedded = request.nextUrl.pathname === '/embed' || request.nextUrl.pathname.startsWith('/embed/');
  const forwarded = new Headers(request.headers);
  forwarded.set(LOCALE_HEADER, locale);
  // A client's own Content-Security-Policy request header must not become the page's nonce.
  forwarded.delete('content-security-policy');
  const policy = INTERNAL_RENDER.test(request.nextUrl.pathname)
    ? undefined
    : contentSecurityPolicy({
        nonce: newNonce(),
        connectSrc: relayConnectSources({ ...relayLocation(process.env), pageOrigin: requestedOrigin(request.headers, process.env) }),
        frameAncestors: embedded ? 'any' : 'self',
        dev: process.env.NODE_ENV === 'development',
      });
  if (policy) forwarded.set('content-security-policy', policy);
  const response = unknownLesson(request.nextUrl.pathname)
    ? NextResponse.rewrite(new URL(NO_SUCH_PAGE, request.url), { request: { headers: forwarded } })
    : NextResponse.next({ request: { headers: forwarded } });
  if (policy) response.headers.set('Content-Security-Policy', policy);
  if (toLocale(param) && !embedded && request.cookies.get(LOCALE_COOKIE)?.value !== locale) {
    response.cookies.set(LOCALE_COOKIE, locale, { path: '/', maxAge: 365 * 24 * 3600, sameSite: 'lax' });
  }
  return response;
}

export const config = {
  // Pages only: not the API, Next's assets or files (preview.png, icons, theme-init.js), nor the
  // saved views served from the render cache (/r/{id}, /d/{id}, /c/{id}, /embed/r|d|c/…:
  // server/share/views.ts chooses their language itself, with lib/i18n/locales.ts, and sends their
  // own hashed policy).
  matcher: ['/((?!api/|_next/|[rdc]/[^/]+/?$|embed/[rdc]/|.*\\.[a-z0-9]+$).*)'],
};
