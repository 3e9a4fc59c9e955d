/**
 * The runtime registry of running demo targets: `<dataDir>/targets.json`, written by startDemoTargets,
 * read by the CLI and the relay to turn `https://<name>.test/...` into a loopback address and port.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { demoPkiDir } from './paths';
import { inEnglish, said, type Diagnostic } from '../../lib/tls/diagnostics';

export interface DemoEndpoint {
  host: string;
  port: number;
}

/** target name → where it listens. */
export type DemoRegistry = Record<string, DemoEndpoint>;

/** Why a catalog target is not running here (a program it needs is missing, or did not start). */
export interface DemoNotStarted {
  /** The program it needs: nginx, python3, openssl. */
  program: string;
  /** The program is not installed (not found); otherwise it was found but did not start. */
  missing: boolean;
  /** The error, in English, for logs and the relay's sentence. */
  message: string;
}

/** targets.json: a running target's endpoint, or why a target is not running. */
export type DemoRegistryFile = Record<string, DemoEndpoint | { notStarted: DemoNotStarted }>;

export interface DemoStatus {
  running: DemoRegistry;
  notStarted: Record<string, DemoNotStarted>;
}

export const DEFAULT_DEMO_DATA_DIR = 'data/demo';

export function demoRegistryPath(dataDir: string): string {
  return join(dataDir, 'targets.json');
}

/** Reads the registry; undefined when the demo targets were never started in this data directory. */
export async function readDemoRegistry(dataDir: string): Promise<DemoRegistry | undefined> {
  return (await readDemoStatus(dataDir))?.running;
}

/** The running targets and the ones that could not be started; undefined as readDemoRegistry. */
export async function readDemoStatus(dataDir: string): Promise<DemoStatus | undefined> {
  let text: string;
  try {
    text = await readFile(demoRegistryPath(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as unknown;
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`${demoRegistryPath(dataDir)} is not a registry object`);
  const status: DemoStatus = { running: {}, notStarted: {} };
  for (const [name, value] of Object.entries(parsed)) {
    const v = value as Partial<DemoEndpoint> & { notStarted?: Partial<DemoNotStarted> };
    const why = v?.notStarted;
    if (why && typeof why.program === 'string' && typeof why.missing === 'boolean' && typeof why.message === 'string') {
      status.notStarted[name] = { program: why.program, missing: why.missing, message: why.message };
      continue;
    }
    if (typeof v?.host !== 'string' || typeof v.port !== 'number') throw new Error(`${demoRegistryPath(dataDir)}: bad entry for ${name}`);
    status.running[name] = { host: v.host, port: v.port };
  }
  return status;
}

/** Why a demo target is not running, as data: "it needs nginx, which is not installed". */
export function notRunningSaid(why: DemoNotStarted): Diagnostic {
  return why.missing ? said('input.demoProgramMissing', { program: why.program }) : said('input.demoProgramFailed', { program: why.program, error: why.message });
}

/** Why a demo target is not running, in English: "it needs nginx, which is not installed". */
export function notRunningWhy(why: DemoNotStarted): string {
  return inEnglish(notRunningSaid(why));
}

/** The relay's and the CLI's sentence for a demo target that is not running here, as data. */
export function notRunningDiagnostic(host: string, why: DemoNotStarted): Diagnostic {
  return said('input.demoNotStarted', { host, why: notRunningSaid(why) });
}

/** The relay's and the CLI's sentence for a demo target that is not running here, in English. */
export function notRunningSentence(host: string, why: DemoNotStarted): string {
  return inEnglish(notRunningDiagnostic(host, why));
}

/** The demo targets were never started in `dataDir`: where they live and how to start them, as data. */
export function demoTargetsNotRunning(host: string, dataDir: string): Diagnostic {
  return said('input.demoTargetsNotRunning', { host, dataDir, clone: '<clone>' });
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
