import { cookies, headers } from 'next/headers';
import { getRequestConfig } from 'next-intl/server';
import { loadCatalog } from '@/lib/i18n/catalogs';
import { asMessages } from '@/lib/i18n/translator';
import { chooseLocale, isLocale, LOCALE_COOKIE, LOCALE_HEADER } from '@/lib/i18n/locales';

/**
 * next-intl's configuration for one request (without locale segments: URLs stay as they are). The
 * proxy (proxy.ts) has already chosen the locale from ?lang=, the cookie and Accept-Language and
 * passes it in a request header; a request the proxy did not see chooses the same way itself.
 */
export default getRequestConfig(async () => {
  const passed = (await headers()).get(LOCALE_HEADER);
  const locale = isLocale(passed)
    ? passed
    : chooseLocale({ cookie: (await cookies()).get(LOCALE_COOKIE)?.value, acceptLanguage: (await headers()).get('accept-language') });
  return { locale, messages: asMessages(await loadCatalog(locale)), timeZone: 'UTC' };
});
