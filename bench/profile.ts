/**
 * Where the engine's handshake time goes: N engine runs (TLS 1.3 + GET, the handshake benchmark's
 * setup) against `openssl s_server` under V8's sampling profiler, then self time grouped by source
 * file and by function. The raw profile is written to bench/tmp/engine.cpuprofile (open it in
 * Chrome DevTools → Performance, or speedscope).
 *
 *   npx tsx bench/profile.ts [--runs N] [--backend webcrypto|noble|native-floor] [--transport tcp|relay]
 *
 * --transport relay profiles the relay path of bench/relayLatency.ts instead: the relay in this
 * process, reached by alias with `ws`'s WebSocket, so its share of the CPU shows up too.
 */
import { Session } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { nobleCrypto } from '../lib/tls/crypto/noble';
import { createWebCrypto } from '../lib/tls/crypto/webcrypto';
import { createRelayTransport } from '../lib/transport/relay';
import { startRelay } from '../server/relay';
import { BrowserLikeWebSocket, engineDeps, engineOnce, engineRequest } from './clients';
import { createNativeFloorCrypto } from './nativeFloor';
import { BENCH_TMP, makeBenchPki, startOpensslServer } from './peers';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const ROOT = resolve(import.meta.dirname, '..');

function where(url: string): string {
  if (!url) return '(native / V8)';
  const path = url.replace(/^file:\/\//, '');
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (m) return `npm:${m[1]}`;
  if (path.startsWith('node:')) return path;
  return relative(ROOT, path);
}

/** Self time (ms) per key, from the samples' leaf nodes. */
function selfTime(profile: Profile, key: (node: ProfileNode) => string): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const k = key(node);
    totals.set(k, (totals.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/** Inclusive time (ms) per key: each sample counts once for every distinct key on its stack. */
function totalTime(profile: Profile, key: (node: ProfileNode) => string | undefined): [string, number][] {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = key(byId.get(at)!);
      if (k !== undefined) seen.add(k);
    }
    for (const k of seen) totals.set(k, (totals.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/** Every list is [where, milliseconds per run], largest first. */
export interface ProfileSummary {
  runs: number;
  backend: string;
  transport: 'tcp' | 'relay';
  wallMsPerRun: number;
  /** Self time by source file ("(native / V8)" holds idle time, GC and native code). */
  byFile: [string, number][];
  /** Self time by function, including "(garbage collector)" and "(idle)" (waiting for I/O or threads). */
  byFunction: [string, number][];
  /** Inclusive time of the project's own named functions (lib/, server/): which phase costs what. */
  inclusiveOwn: [string, number][];
}

export type ProfileBackend = 'webcrypto' | 'noble' | 'native-floor';

export async function profileEngine(runs: number, backend: ProfileBackend, transport: 'tcp' | 'relay' = 'tcp'): Promise<ProfileSummary> {
  const pki = await makeBenchPki();
  const server = await startOpensslServer(pki);
  const relay =
    transport === 'relay'
      ? await startRelay({ host: '127.0.0.1', port: 0, demoTargets: { bench: { host: '127.0.0.1', port: server.port } }, maxSessionsPerClient: 100, newSessionsPerMinute: 1_000_000, demoSessionsPerMinute: 1_000_000, log: () => {}, drainTimeoutMs: 0 })
      : undefined;
  const session = new Session();
  session.connect();
  try {
    const crypto = backend === 'noble' ? nobleCrypto : backend === 'native-floor' ? createNativeFloorCrypto() : createWebCrypto(globalThis.crypto.subtle);
    const deps = await engineDeps(pki, crypto, relay ? createRelayTransport({ url: relay.url, WebSocketImpl: BrowserLikeWebSocket }) : undefined);
    const req = relay ? engineRequest('https://bench.test/', undefined) : engineRequest('https://bench.test/', `127.0.0.1:${server.port}`);
    const client = { once: () => engineOnce(req, deps) };
    for (let i = 0; i < 20; i++) await client.once(); // warm-up, not profiled
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    for (let i = 0; i < runs; i++) await client.once();
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    await writeFile(join(BENCH_TMP, 'engine.cpuprofile'), JSON.stringify(profile));
    const ms = (rows: [string, number][]) => rows.slice(0, 30).map(([k, v]) => [k, Math.round((v / runs) * 1000) / 1000] as [string, number]);
    return {
      runs,
      backend,
      transport,
      wallMsPerRun: Math.round((profile.endTime - profile.startTime) / 1000 / runs * 100) / 100,
      byFile: ms(selfTime(profile, (n) => where(n.callFrame.url))),
      byFunction: ms(selfTime(profile, (n) => `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame.url)}`)),
      inclusiveOwn: ms(
        totalTime(profile, (n) => {
          const file = where(n.callFrame.url);
          return (file.startsWith('lib/') || file.startsWith('server/')) && n.callFrame.functionName ? `${n.callFrame.functionName} ${file}` : undefined;
        }),
      ),
    };
  } finally {
    session.disconnect();
    await relay?.close();
    await server.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const argv = process.argv.slice(2);
  const runs = Number(argv[argv.indexOf('--runs') + 1]) || 100;
  const named = argv.includes('--backend') ? argv[argv.indexOf('--backend') + 1] : 'webcrypto';
  const backend: ProfileBackend = named === 'noble' || named === 'native-floor' ? named : 'webcrypto';
  const transport = argv.includes('--transport') && argv[argv.indexOf('--transport') + 1] === 'relay' ? 'relay' : 'tcp';
  const s = await profileEngine(runs, backend, transport);
  const print = (title: string, rows: [string, number][]) => {
    process.stdout.write(`\n${title}, ms per run\n`);
    for (const [k, v] of rows) process.stdout.write(`${v.toFixed(3).padStart(8)}  ${k}\n`);
  };
  process.stdout.write(`engine-${s.backend} over ${s.transport}: ${s.runs} runs profiled, ${s.wallMsPerRun} ms wall per run\n`);
  print('self time by file', s.byFile);
  print('self time by function', s.byFunction);
  print('inclusive time, own named functions', s.inclusiveOwn);
}
