/**
 * The relay as its own process: `npx tsx server/relay/main.ts`. Configuration comes from RELAY_*
 * environment variables (docs/relay-protocol.md); demo aliases from the demo registry in
 * DEMO_DATA_DIR, re-read every few seconds because the demo servers may start after the relay.
 * SIGTERM and SIGINT drain and exit.
 */
import { demoTargets as catalog } from '../demo/catalog';
import { DEFAULT_DEMO_DATA_DIR, notRunningSentence, readDemoStatus } from '../demo/registry';
import { ConfigError, relayConfigFromEnv, type DemoTarget } from './config';
import { jsonLineLogger } from './log';
import { startRelay } from './server';

const REGISTRY_REFRESH_MS = 3_000;

interface DemoAliases {
  demoTargets: Record<string, DemoTarget>;
  /** Catalog targets that could not be started (a program they need is missing): name → why. */
  unavailable: Record<string, string>;
}

async function loadDemoTargets(dataDir: string): Promise<DemoAliases> {
  try {
    const status = await readDemoStatus(dataDir);
    const unavailable: Record<string, string> = {};
    for (const [name, why] of Object.entries(status?.notStarted ?? {})) {
      unavailable[name] = notRunningSentence(catalog.find((t) => t.name === name)?.host ?? `${name}.test`, why);
    }
    return { demoTargets: status?.running ?? {}, unavailable };
  } catch (err) {
    jsonLineLogger({ level: 'warn', event: 'demo-registry', message: `demo targets not loaded: ${(err as Error).message}` });
    return { demoTargets: {}, unavailable: {} };
  }
}

async function main(): Promise<void> {
  const config = relayConfigFromEnv(process.env);
  const dataDir = process.env.DEMO_DATA_DIR || DEFAULT_DEMO_DATA_DIR;
  let demo = await loadDemoTargets(dataDir);
  const relay = await startRelay({ ...config, demoTargets: demo.demoTargets, unavailableDemoTargets: demo.unavailable, log: jsonLineLogger });
  jsonLineLogger({ level: 'info', event: 'ready', url: relay.url, demoTargets: Object.keys(demo.demoTargets), notRunning: Object.keys(demo.unavailable) });

  const refresh = setInterval(async () => {
    const next = await loadDemoTargets(dataDir);
    if (JSON.stringify(next) === JSON.stringify(demo)) return;
    demo = next;
    relay.setDemoTargets(next.demoTargets, next.unavailable);
    jsonLineLogger({ level: 'info', event: 'demo-targets', demoTargets: Object.keys(next.demoTargets), notRunning: Object.keys(next.unavailable) });
  }, REGISTRY_REFRESH_MS);
  refresh.unref();

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(refresh);
    jsonLineLogger({ level: 'info', event: 'signal', signal });
    relay.close().then(
      () => process.exit(0),
      (err: Error) => {
        jsonLineLogger({ level: 'error', event: 'shutdown-failed', message: err.message });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: Error) => {
  const message = err instanceof ConfigError ? err.message : (err.stack ?? err.message);
  jsonLineLogger({ level: 'error', event: 'startup-failed', message });
  process.exit(1);
});
