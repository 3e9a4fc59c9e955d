/**
 * The runtime registry of running demo targets: `<dataDir>/targets.json`, written by startDemoTargets,
 * read by the CLI and the relay to turn `https://<name>.test/...` into a loopback address and port.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { demoPkiDir } from './paths';

export interface DemoEndpoint {
  host: string;
  port: number;
}

/** target name → where it listens. */
export type DemoRegistry = Record<string, DemoEndpoint>;

export const DEFAULT_DEMO_DATA_DIR = 'data/demo';

/**
 * The demo targets are servers of the repository (`npm start` runs them); the CLI, installed or
 * not, reaches them through the registry in the data directory (relative to where it runs).
 */
export const DEMO_TARGETS_LIVE_IN_THE_REPOSITORY =
  'The demo targets run from a clone of the TLS Playground repository: start them there with npm start, then run this from that directory or set DEMO_DATA_DIR=<clone>/data/demo.';

export function demoRegistryPath(dataDir: string): string {
  return join(dataDir, 'targets.json');
}

/** Reads the registry; undefined when the demo targets were never started in this data directory. */
export async function readDemoRegistry(dataDir: string): Promise<DemoRegistry | undefined> {
  let text: string;
  try {
    text = await readFile(demoRegistryPath(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as unknown;
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`${demoRegistryPath(dataDir)} is not a registry object`);
  const registry: DemoRegistry = {};
  for (const [name, value] of Object.entries(parsed)) {
    const v = value as Partial<DemoEndpoint>;
    if (typeof v?.host !== 'string' || typeof v.port !== 'number') throw new Error(`${demoRegistryPath(dataDir)}: bad entry for ${name}`);
    registry[name] = { host: v.host, port: v.port };
  }
  return registry;
}

/** Resolves `<name>.test` (or a bare target name) through the registry. */
export async function resolveDemoHost(dataDir: string, hostOrName: string): Promise<DemoEndpoint | undefined> {
  const registry = await readDemoRegistry(dataDir);
  if (!registry) return undefined;
  const name = hostOrName.toLowerCase().replace(/\.$/, '').replace(/\.test$/, '');
  return registry[name];
}

/** Where the demo trust anchor and the demo client certificate live (PEM files). */
export function demoCredentialPaths(dataDir: string): { caCert: string; clientCert: string; clientKey: string } {
  const dir = demoPkiDir(dataDir);
  return {
    caCert: join(dir, 'demo-root-ca.crt'),
    clientCert: join(dir, 'demo-client.crt'),
    clientKey: join(dir, 'demo-client.key'),
  };
}
