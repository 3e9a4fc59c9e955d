import { getTranslations } from 'next-intl/server';
import { demoTargets, PROTECTED_PATH_PREFIX, type DemoTarget } from '@/server/demo/catalog';
import { getTranslate } from '@/app/i18n/translate';
import { DEFAULT_DEMO_DATA_DIR, readDemoStatus, type DemoNotStarted } from '@/server/demo/registry';
import type { MessageKey, Translate } from '@/lib/i18n/translator';
import type { DemoTargetCard } from '@/components/run/DemoTargets';
import { Playground } from './Playground';

/** A demo path's key in the catalogs: '/' is root, else its last segment ('/secure/upload' → upload). */
function pathKey(path: string): string {
  return path === '/' ? 'root' : (path.replace(/^\/|\/$/g, '').split('/').pop() ?? path);
}

/** A target's words in the reader's language; the catalog's English words stand in for a target it lacks. */
function words(t: Translate, key: string, fallback: string): string {
  const known = (k: string): k is MessageKey => k in KNOWN_KEYS;
  return known(key) ? t(key) : fallback;
}
const KNOWN_KEYS: Record<string, true> = Object.fromEntries(
  demoTargets.flatMap((d: DemoTarget) => [`demo.targets.${d.name}.title`, `demo.targets.${d.name}.description`, ...d.paths.map((p) => `demo.targets.${d.name}.paths.${pathKey(p.path)}`)]).map((k) => [k, true]),
);

/** The targets as cards: a one-click run goes to the path that shows the scenario (e.g. /secure/). */
function demoCards(t: Translate, notStarted: Record<string, DemoNotStarted>): DemoTargetCard[] {
  return demoTargets.map((d) => {
    const why = notStarted[d.name];
    return {
      name: d.name,
      host: d.host,
      title: words(t, `demo.targets.${d.name}.title`, d.title),
      description: words(t, `demo.targets.${d.name}.description`, d.description),
      paths: d.paths.map((p) => ({ path: p.path, note: words(t, `demo.targets.${d.name}.paths.${pathKey(p.path)}`, p.note) })),
      defaultPath: d.paths.find((p) => p.path.startsWith(PROTECTED_PATH_PREFIX) && !p.path.includes('upload'))?.path ?? d.paths[0]?.path ?? '/',
      ...(why ? { unavailable: t(why.missing ? 'demo.unavailable.missing' : 'demo.unavailable.failed', { program: why.program }) } : {}),
    };
  });
}

/**
 * The demo targets that could not be started on this machine (a program they need is missing), as
 * the demo servers recorded them in their registry; read on every request, since they may start later.
 */
async function notStartedTargets(): Promise<Record<string, DemoNotStarted>> {
  const dataDir = process.env.TLSPG_DEMO_DIR ?? process.env.DEMO_DATA_DIR ?? DEFAULT_DEMO_DATA_DIR;
  return (await readDemoStatus(dataDir).catch(() => undefined))?.notStarted ?? {};
}

export default async function PlaygroundPage() {
  const t = await getTranslations('playground');
  return (
    <div className="space-y-6">
      <section aria-labelledby="playground-title" className="space-y-2">
        <h1 id="playground-title" className="text-2xl font-semibold tracking-tight sm:text-3xl">
          {t('title')}
        </h1>
        <p className="max-w-3xl text-zinc-600 dark:text-zinc-400">{t('intro')}</p>
      </section>
      <Playground targets={demoCards(await getTranslate(), await notStartedTargets())} />
    </div>
  );
}
