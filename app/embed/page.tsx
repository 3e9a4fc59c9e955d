import type { Metadata } from 'next';
import { getLocale, getTranslations } from 'next-intl/server';
import { withLang } from '@/lib/i18n/locales';
import { EmbedHeader } from '@/components/share/EmbedHeader';
import { LiveEmbed } from '@/components/share/LiveEmbed';
import { decodeRecipe, recipeHref } from '@/lib/share/recipe';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('share.embed'))('liveTitle') };
}

interface Props {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

function toParams(query: Record<string, string | string[] | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string') params.set(key, value);
    else if (Array.isArray(value) && value.length > 0) params.set(key, value[value.length - 1]);
  }
  return params;
}

/** /embed?url=…&as=… — the embed form of a recipe link: the experiment, run live in the frame. */
export default async function RecipeEmbedPage({ searchParams }: Props) {
  const recipe = decodeRecipe(toParams(await searchParams));
  const t = await getTranslations('share.embed');
  if (!recipe || recipe.form.url === '') {
    return (
      <p className="rounded-md border border-dashed border-zinc-300 p-4 text-zinc-600 dark:border-zinc-700 dark:text-zinc-400" data-testid="embed-usage">
        {t('usage')}
      </p>
    );
  }
  return (
    <>
      <EmbedHeader href={withLang(recipeHref('/', recipe.form), await getLocale())} label={t('live')} />
      {recipe.ignored.length > 0 && (
        <ul className="mb-2 text-xs text-amber-800 dark:text-amber-300">
          {recipe.ignored.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      <LiveEmbed form={recipe.form} autorun={recipe.run} />
    </>
  );
}
