import { useTranslations } from 'next-intl';
import { useMemo } from 'react';
import { asTranslate, type Translate } from '@/lib/i18n/translator';

/** The page's translator as the view functions take it (lib/view, lib/doctor): follows the language switch. */
export function useTranslate(): Translate {
  const t = useTranslations();
  return useMemo(() => asTranslate(t), [t]);
}
