/**
 * The relay as its own process: `npx tsx server/relay/main.ts`. Configuration comes from RELAY_*
 * environment variables (docs/relay-protocol.md); demo aliases from the demo registry in
 * DEMO_DATA_DIR, re-read every few seconds because the demo servers may start after the relay.
 * SIGTERM and SIGINT drain and exit.
 */
import { DEFAULT_DEMO_DATA_DIR, readDemoRegistry } from '../demo/registry';
import { ConfigError, relayConfigFromEnv, type DemoTarget } from './config';
import { jsonLineLogger } from './log';
import { startRelay } from './server';

const REGISTRY_REFRESH_MS = 3_000;

async function loadDemoTargets(dataDir: string): Promise<Record<string, DemoTarget>> {
  try {
    return (await readDemoRegistry(dataDir)) ?? {};
  } catch (err) {
    jsonLineLogger({ level: 'warn', event: 'demo-registry', message: `demo targets not loaded: ${(err as Error).message}` });
    return {};
  }
}

async function main(): Promise<void> {
  const config = relayConfigFromEnv(process.env);
  const dataDir = process.env.DEMO_DATA_DIR || DEFAULT_DEMO_DATA_DIR;
  let demoTargets = await loadDemoTargets(dataDir);
  const relay = await startRelay({ ...config, demoTargets, log: jsonLineLogger });
  jsonLineLogger({ level: 'info', event: 'ready', url: relay.url, demoTargets: Object.keys(demoTargets) });

  const refresh = setInterval(async () => {
    const next = await loadDemoTargets(dataDir);
    if (JSON.stringify(next) === JSON.stringify(demoTargets)) return;
    demoTargets = next;
    relay.setDemoTargets(next);
    jsonLineLogger({ level: 'info', event: 'demo-targets', demoTargets: Object.keys(next) });
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
