import type { Metadata } from 'next';
import { EmbedHeader } from '@/components/share/EmbedHeader';
import { LiveEmbed } from '@/components/share/LiveEmbed';
import { decodeRecipe, recipeHref } from '@/lib/share/recipe';

export const metadata: Metadata = { title: 'Live TLS handshake · TLS Playground' };

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
  if (!recipe || recipe.form.url === '') {
    return (
      <p className="rounded-md border border-dashed border-zinc-300 p-4 text-zinc-600 dark:border-zinc-700 dark:text-zinc-400" data-testid="embed-usage">
        This embed runs a TLS handshake live. Give it a recipe: /embed?url=https://example.com/&amp;as=openssl (the same
        parameters as a playground link; add run=1 to start on load).
      </p>
    );
  }
  return (
    <>
      <EmbedHeader href={recipeHref('/', recipe.form)} label="live run" />
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
