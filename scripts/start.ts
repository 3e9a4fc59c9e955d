/**
 * `npm start`: the whole playground on one machine, no internet needed — the built-in demo targets,
 * the relay (which learns the demo aliases from their registry) and the web app (built on first
 * start). Ctrl-C stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readDemoRegistry } from '../server/demo/registry';

const dataDir = process.env.DEMO_DATA_DIR ?? 'data/demo';
const appPort = process.env.PORT ?? '3000';
const relayPort = process.env.RELAY_PORT ?? '8090';
const children: ChildProcess[] = [];
// Next.js telemetry would try to reach the internet; this app runs offline.
process.env.NEXT_TELEMETRY_DISABLED = '1';

function run(name: string, command: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const prefix = (line: string) => `[${name}] ${line}`;
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) process.stdout.write(prefix(l) + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stdout.write(prefix(`exited (${signal ?? code}); stopping everything\n`));
      stop(1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0): void {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (stopping) throw new Error('stopped');
    if (Date.now() - start > timeoutMs) throw new Error(`${what} did not start within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main(): Promise<void> {
  const tsx = 'node_modules/.bin/tsx';
  run('demo', tsx, ['server/demo/main.ts', '--data-dir', dataDir]);
  // The relay reads the demo aliases at start-up: wait for the registry first.
  await waitFor(async () => Boolean(await readDemoRegistry(dataDir).catch(() => undefined)), 'the demo targets');
  run('relay', tsx, ['server/relay/main.ts'], {
    DEMO_DATA_DIR: dataDir,
    RELAY_PORT: relayPort,
    RELAY_ALLOWED_ORIGINS: process.env.RELAY_ALLOWED_ORIGINS ?? `http://localhost:${appPort},http://127.0.0.1:${appPort}`,
  });
  if (!existsSync('.next/BUILD_ID')) {
    process.stdout.write('[app] first start: building the web app (next build)…\n');
    await new Promise<void>((resolve, reject) => {
      const build = spawn('node_modules/.bin/next', ['build'], { stdio: 'inherit' });
      build.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build failed (${code})`))));
    });
  }
  // The app's production process (server/app/main.ts: Next.js behind the fast path for cached
  // saved-run views). Production refuses to start without PUBLIC_URL (links are written with it, never with Host).
  run('app', process.execPath, ['--import', 'tsx', 'server/app/main.ts', '-p', appPort, '-H', process.env.HOST ?? '127.0.0.1'], {
    PUBLIC_URL: process.env.PUBLIC_URL || `http://localhost:${appPort}`,
  });
  process.stdout.write(`\nTLS Playground: http://localhost:${appPort}/  (relay ws://127.0.0.1:${relayPort}/relay, demo targets in ${dataDir})\n\n`);
}

main().catch((e: Error) => {
  process.stderr.write(`start failed: ${e.message}\n`);
  stop(1);
});
