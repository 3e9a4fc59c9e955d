import { getBundle } from '@/app/api/results/resultStore';
import { bundleTitle } from '@/lib/share/describeBundle';
import { bundleFromUrl, oembedForBundle, type SharedBundleKind } from '@/lib/share/embed';
import { publicOrigin } from '@/lib/share/origin';
import { PREVIEW_HEIGHT, PREVIEW_WIDTH } from '@/lib/share/previewImage';
import { oembed } from '@/server/share/views';
import { chooseLanguage } from '@/lib/share/language';
import { loadCatalog } from '@/lib/i18n/catalogs';
import { translator } from '@/lib/i18n/translator';

/**
 * GET /api/oembed?url=<a /r/{id}, /d/{id} or /c/{id} link>&format=json[&maxwidth=…&maxheight=…] —
 * oEmbed 1.0. A saved run's answer comes from server/share/views.ts; a saved diagnosis's or
 * comparison's is made here, the same "rich" answer whose html is its embed's iframe.
 */
export async function GET(request: Request): Promise<Response> {
  const query = new URL(request.url).searchParams;
  const shared = (query.get('format') ?? 'json') === 'json' ? bundleFromUrl(query.get('url') ?? '') : undefined;
  if (shared) return oembedOfBundle(request, shared.kind, shared.id);
  return oembed(request);
}

function problem(status: number, error: string): Response {
  return Response.json({ error }, { status, headers: { 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' } });
}

function positive(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}

async function oembedOfBundle(request: Request, kind: SharedBundleKind, id: string): Promise<Response> {
  const query = new URL(request.url).searchParams;
  let bundle;
  try {
    bundle = await getBundle(id);
  } catch (error) {
    console.error('reading a bundle for oEmbed failed:', error);
    return problem(503, 'Saved results are unavailable right now.');
  }
  if (!bundle || bundle.kind !== kind) return problem(404, `There is no saved ${kind} ${JSON.stringify(id)}.`);
  // The language, as for a saved run's answer: the link's own ?lang=, else this request's, else Accept-Language.
  const langUrl = new URL(request.url);
  const linked = new URL(query.get('url') ?? '').searchParams.get('lang');
  if (linked && !langUrl.searchParams.has('lang')) langUrl.searchParams.set('lang', linked);
  const choice = chooseLanguage(langUrl, request.headers);
  const title = bundleTitle(bundle, translator(choice.lang, await loadCatalog(choice.lang)));
  const body = oembedForBundle(publicOrigin(request.headers, process.env), kind, id, title, {
    // Named only when the link or the request named it: a plain link's iframe follows each reader's language.
    locale: choice.explicit ? choice.lang : undefined,
    maxWidth: positive(query.get('maxwidth')),
    maxHeight: positive(query.get('maxheight')),
    thumbnail: { width: PREVIEW_WIDTH, height: PREVIEW_HEIGHT },
  });
  const vary: Record<string, string> = choice.vary.length ? { Vary: choice.vary.join(', ') } : {};
  return Response.json(body, { headers: { 'Cache-Control': 'public, max-age=86400', ...vary, 'Access-Control-Allow-Origin': '*' } });
}
