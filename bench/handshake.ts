/**
 * Section "handshake" (issue 2): the engine against Node's tls and subtls, each doing a full TLS 1.3
 * handshake + GET against the same `openssl s_server -www` on loopback. Clients take turns (the
 * order rotates every round), so load from elsewhere on the machine falls on all of them alike.
 */
import { nobleCrypto } from '../lib/tls/crypto/noble';
import { createWebCrypto } from '../lib/tls/crypto/webcrypto';
import { engineClient, nodeTlsClient, subtlsClient, BENCH_GROUP, BENCH_SUITE, type BenchClient } from './clients';
import { createNativeFloorCrypto } from './nativeFloor';
import { makeBenchPki, startOpensslServer } from './peers';
import { round, summarize, type Summary } from './stats';

export interface HandshakeOptions {
  iterations: number;
  warmup: number;
}

export interface HandshakeResult {
  server: string;
  certificate: string;
  suite: string;
  group: string;
  iterations: number;
  warmup: number;
  clients: Record<string, ClientSummary>;
  /** Wall-clock median over median: the targets are judged on these. */
  ratios: Record<string, number>;
  /** CPU-time median over median (this process only): the same comparison, robust to other load. */
  cpuRatios: Record<string, number>;
  /**
   * The engine's gap to Node's tls split in two with the native floor (bench/nativeFloor.ts: the
   * engine with node:crypto's synchronous OpenSSL calls, which no browser has): what the crypto
   * backend costs (WebCrypto backend minus floor) and what the engine's own code costs (floor minus
   * Node), wall-clock medians in ms.
   */
  gap: { totalMs: number; cryptoBackendMs: number; engineCodeMs: number; floorOverNode: number };
  targets: { engineOverNodeMax: number; engineFasterThanSubtls: boolean };
  verdict: { engineWithin1_5xNode: boolean; engineFasterThanSubtls: boolean; backend: string };
}

export interface ClientSamples {
  /** Wall-clock milliseconds per run. */
  wall: number[];
  /**
   * CPU milliseconds this process spent per run (all its threads: WebCrypto and OpenSSL jobs
   * included). The server is another process and is not counted. Much less disturbed than wall
   * time by other load on a shared machine.
   */
  cpu: number[];
  errors: number;
  firstError?: string;
}

/** Interleaved rounds: every client once per round, the starting client rotating. */
export async function interleave(clients: BenchClient[], iterations: number, warmup: number): Promise<Map<string, ClientSamples>> {
  const results = new Map<string, ClientSamples>(clients.map((c) => [c.name, { wall: [], cpu: [], errors: 0 }]));
  for (let round = 0; round < warmup + iterations; round++) {
    for (let i = 0; i < clients.length; i++) {
      const client = clients[(round + i) % clients.length];
      const r = results.get(client.name)!;
      try {
        const cpu0 = process.cpuUsage();
        const ms = await client.once();
        const cpu = process.cpuUsage(cpu0);
        if (round >= warmup) {
          r.wall.push(ms);
          r.cpu.push((cpu.user + cpu.system) / 1000);
        }
      } catch (e) {
        r.errors++;
        r.firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  }
  return results;
}

export interface ClientSummary {
  wall: Summary;
  cpu: Summary;
  errors: number;
  firstError?: string;
}

export function summarizeClient(name: string, r: ClientSamples): ClientSummary {
  if (r.wall.length === 0) throw new Error(`${name}: every run failed: ${r.firstError}`);
  return { wall: summarize(r.wall), cpu: summarize(r.cpu), errors: r.errors, ...(r.firstError ? { firstError: r.firstError } : {}) };
}

export async function benchHandshake(opts: HandshakeOptions): Promise<HandshakeResult> {
  const pki = await makeBenchPki();
  const server = await startOpensslServer(pki);
  try {
    const clients: BenchClient[] = [
      await engineClient('engine-webcrypto', pki, server.port, createWebCrypto(globalThis.crypto.subtle)),
      await engineClient('engine-noble', pki, server.port, nobleCrypto),
      await engineClient('engine-native-floor', pki, server.port, createNativeFloorCrypto()),
      nodeTlsClient(pki, server.port),
      await subtlsClient(pki, server.port),
    ];
    const results = await interleave(clients, opts.iterations, opts.warmup);
    const summaries: HandshakeResult['clients'] = {};
    for (const [name, r] of results) {
      try {
        summaries[name] = summarizeClient(name, r);
      } catch (e) {
        throw new Error(`${(e as Error).message}\n${server.output()}`);
      }
    }
    const pairs: [string, string][] = [
      ['engine-webcrypto', 'node-tls'],
      ['engine-noble', 'node-tls'],
      ['engine-webcrypto', 'subtls'],
      ['engine-noble', 'subtls'],
      ['subtls', 'node-tls'],
      ['engine-native-floor', 'node-tls'],
    ];
    const ratio = (kind: 'wall' | 'cpu') => Object.fromEntries(pairs.map(([a, b]) => [`${a}/${b}`, round(summaries[a][kind].medianMs / summaries[b][kind].medianMs, 2)]));
    const ratios = ratio('wall');
    const cpuRatios = ratio('cpu');
    const median = (name: string) => summaries[name].wall.medianMs;
    const gap = {
      totalMs: round(median('engine-webcrypto') - median('node-tls')),
      cryptoBackendMs: round(median('engine-webcrypto') - median('engine-native-floor')),
      engineCodeMs: round(median('engine-native-floor') - median('node-tls')),
      floorOverNode: ratios['engine-native-floor/node-tls'],
    };
    return {
      server: 'openssl s_server -tls1_3 -www (loopback)',
      certificate: 'ECDSA P-256 leaf signed by an ECDSA P-256 root (ecdsa_secp256r1_sha256)',
      suite: BENCH_SUITE,
      group: BENCH_GROUP,
      iterations: opts.iterations,
      warmup: opts.warmup,
      clients: summaries,
      ratios,
      cpuRatios,
      gap,
      targets: { engineOverNodeMax: 1.5, engineFasterThanSubtls: true },
      verdict: {
        // The default backend on Node and in secure browser contexts is WebCrypto.
        backend: 'engine-webcrypto',
        engineWithin1_5xNode: ratios['engine-webcrypto/node-tls'] <= 1.5,
        engineFasterThanSubtls: ratios['engine-webcrypto/subtls'] < 1,
      },
    };
  } finally {
    await server.close();
  }
}
