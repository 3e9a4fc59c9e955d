import { demoTargets, PROTECTED_PATH_PREFIX } from '@/server/demo/catalog';
import type { DemoTargetCard } from '@/components/run/DemoTargets';
import { Playground } from './Playground';

/** The targets as cards: a one-click run goes to the path that shows the scenario (e.g. /secure/). */
function demoCards(): DemoTargetCard[] {
  return demoTargets.map((t) => ({
    name: t.name,
    host: t.host,
    title: t.title,
    description: t.description,
    paths: t.paths,
    defaultPath: t.paths.find((p) => p.path.startsWith(PROTECTED_PATH_PREFIX) && !p.path.includes('upload'))?.path ?? t.paths[0]?.path ?? '/',
  }));
}

export default function PlaygroundPage() {
  return (
    <div className="space-y-6">
      <section aria-labelledby="playground-title" className="space-y-2">
        <h1 id="playground-title" className="text-2xl font-semibold tracking-tight sm:text-3xl">
          Watch a TLS handshake, byte by byte
        </h1>
        <p className="max-w-3xl text-zinc-600 dark:text-zinc-400">
          Type an https URL and press Run. The TLS client runs in this browser; a relay only carries its bytes to the server
          over TCP. Every message, every byte and every derived key is shown — including when things go wrong.
        </p>
      </section>
      <Playground targets={demoCards()} />
    </div>
  );
}
