import { useTranslations } from 'next-intl';
import { rfcLink } from '@/lib/view/rfc';

export function RfcLink({ reference, className = '' }: { reference?: string; className?: string }) {
  const t = useTranslations('rfc');
  const link = rfcLink(reference);
  if (!link) return null;
  return (
    <a
      href={link.href}
      target="_blank"
      rel="noreferrer noopener"
      className={`text-sky-700 underline decoration-sky-700/40 underline-offset-2 hover:decoration-sky-700 dark:text-sky-400 dark:decoration-sky-400/40 ${className}`}
    >
      {link.label}
      <span className="sr-only">{t('newTab')}</span>
    </a>
  );
}
