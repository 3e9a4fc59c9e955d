/**
 * The relay as its own process: `npx tsx server/relay/main.ts`. Configuration comes from RELAY_*
 * environment variables (docs/relay-protocol.md); demo aliases from the demo registry in
 * DEMO_DATA_DIR when the demo servers have written one. SIGTERM and SIGINT drain and exit.
 */
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, relayConfigFromEnv, type DemoTarget } from './config';
import { jsonLineLogger } from './log';
import { startRelay } from './server';

const DEFAULT_DEMO_DATA_DIR = 'data/demo';

/**
 * Reads the demo aliases through server/demo/registry.ts (`readDemoRegistry(dataDir)`), if that
 * module exists. Loaded by path at run time: the relay also runs where no demos are installed.
 */
async function loadDemoTargets(dataDir: string): Promise<Record<string, DemoTarget>> {
  const modulePath = resolvePath(import.meta.dirname ?? '.', '../demo/registry.ts');
  if (!existsSync(modulePath)) return {};
  const registry = (await import(pathToFileURL(modulePath).href)) as { readDemoRegistry?: (dir: string) => unknown };
  if (typeof registry.readDemoRegistry !== 'function') return {};
  const entries = (await registry.readDemoRegistry(dataDir)) as Record<string, unknown> | undefined;
  const targets: Record<string, DemoTarget> = {};
  for (const [name, value] of Object.entries(entries ?? {})) {
    const t = value as Partial<DemoTarget> | undefined;
    if (t && typeof t.host === 'string' && typeof t.port === 'number') targets[name] = { host: t.host, port: t.port };
  }
  return targets;
}

async function main(): Promise<void> {
  const config = relayConfigFromEnv(process.env);
  const dataDir = process.env.DEMO_DATA_DIR ?? DEFAULT_DEMO_DATA_DIR;
  let demoTargets: Record<string, DemoTarget> = {};
  try {
    demoTargets = await loadDemoTargets(dataDir);
  } catch (err) {
    jsonLineLogger({ level: 'warn', event: 'demo-registry', message: `demo targets not loaded: ${(err as Error).message}` });
  }
  const relay = await startRelay({ ...config, demoTargets, log: jsonLineLogger });
  jsonLineLogger({ level: 'info', event: 'ready', url: relay.url, demoTargets: Object.keys(demoTargets) });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
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
