import { getTranslations } from 'next-intl/server';
import { asTranslate, type Translate } from '@/lib/i18n/translator';

/** The request's translator as the view functions take it (lib/view, lib/share), in server components. */
export async function getTranslate(): Promise<Translate> {
  return asTranslate(await getTranslations());
}
