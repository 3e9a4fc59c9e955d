import type { Locale } from './lib/i18n/locales';
import type { Messages } from './lib/i18n/translator';

// next-intl's hooks and server functions check keys and placeholders against the English catalog.
declare module 'next-intl' {
  interface AppConfig {
    Locale: Locale;
    Messages: Messages;
  }
}
