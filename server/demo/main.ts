/**
 * Runs the demo targets on their own:
 *   npx tsx server/demo/main.ts [--data-dir data/demo] [--host 127.0.0.1] [--base-port 8443]
 * The data directory also comes from TLSPG_DEMO_DIR. Stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { demoTargets } from './catalog';
import { DEFAULT_DEMO_DATA_DIR, demoCredentialPaths, demoRegistryPath } from './registry';
import { startDemoTargets } from './start';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    host: { type: 'string' },
    'base-port': { type: 'string' },
  },
});

const dataDir = values['data-dir'] ?? process.env.TLSPG_DEMO_DIR ?? DEFAULT_DEMO_DATA_DIR;
const basePort = values['base-port'] !== undefined ? Number(values['base-port']) : undefined;
if (basePort !== undefined && !(Number.isInteger(basePort) && basePort > 0 && basePort < 65536)) {
  console.error(`--base-port must be a port number, not ${values['base-port']}`);
  process.exit(2);
}

const log = (line: string) => console.log(`[demo] ${line}`);
const demo = await startDemoTargets({ dataDir, host: values.host, basePort, log });

const width = Math.max(...demoTargets.map((t) => t.host.length));
for (const t of demo.targets) {
  const info = demoTargets.find((d) => d.name === t.name);
  console.log(`${`${t.name}.test`.padEnd(width)}  ${t.host}:${t.port}  ${info?.description ?? ''}`);
}
const creds = demoCredentialPaths(dataDir);
console.log(`registry: ${demoRegistryPath(dataDir)}`);
console.log(`demo CA: ${creds.caCert}`);
console.log(`demo client certificate: ${creds.clientCert} (key ${creds.clientKey})`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    demo.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
