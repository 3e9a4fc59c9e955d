import { getTranslations } from 'next-intl/server';

/** An embed of a saved run that does not exist: a one-line message in the host's iframe (HTTP 404). */
export default async function EmbedNotFound() {
  const t = await getTranslations('notFound');
  return (
    <p className="rounded-md border border-dashed border-zinc-300 p-4 text-center text-zinc-600 dark:border-zinc-700 dark:text-zinc-400" data-testid="not-found">
      {t('embed')}
    </p>
  );
}
