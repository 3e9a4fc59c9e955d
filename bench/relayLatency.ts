/**
 * Section "relay latency" (issue 4): what the relay adds to a run. The engine (WebCrypto backend)
 * does a full TLS 1.3 handshake + GET against one `openssl s_server -www` on loopback, alternately
 * over the relay (lib/transport/relay.ts with `ws`'s WebSocket, to the relay's demo alias
 * bench.test) and over direct TCP (lib/transport/tcp.ts). Same SNI, certificate and options on both
 * paths; the only difference is the transport.
 *
 * The relay runs in this process, so its CPU time (WebSocket framing both ways, policy, piping)
 * lands serially on the same event loop as the client: the difference measures the relay's whole
 * cost rather than hiding it behind a second core.
 */
import { WebSocket } from 'ws';
import { createWebCrypto } from '../lib/tls/crypto/webcrypto';
import { createRelayTransport } from '../lib/transport/relay';
import { startRelay } from '../server/relay';
import { engineDeps, engineOnce, engineRequest, type BenchClient } from './clients';
import { interleave, summarizeClient, type ClientSummary } from './handshake';
import { makeBenchPki, startOpensslServer } from './peers';
import { median, round } from './stats';

export interface RelayLatencyOptions {
  iterations: number;
  warmup: number;
}

export interface RelayLatencyResult {
  server: string;
  relayPlacement: string;
  iterations: number;
  warmup: number;
  direct: ClientSummary;
  relay: ClientSummary;
  /** Relay minus direct, wall clock: difference of the medians and of the p99s. */
  addedMs: { median: number; p99: number };
  /** Relay over direct, wall clock. */
  ratio: { median: number; p99: number };
  /**
   * The median of per-round differences (relay run minus the direct run of the same round):
   * less sensitive than the difference of medians to load that drifts during the run.
   */
  addedMedianOfPairedDifferencesMs: number;
  /** What the relay path costs this process in CPU per run (relay + ws client), median over median. */
  addedCpuMs: number;
  targetAddedMedianMs: number;
  withinTarget: boolean;
}

/** The relay's alias for the loopback server; the relay dials it without DNS or address checks. */
const ALIAS = 'bench';

export async function benchRelayLatency(opts: RelayLatencyOptions): Promise<RelayLatencyResult> {
  const pki = await makeBenchPki();
  const server = await startOpensslServer(pki);
  const relay = await startRelay({
    host: '127.0.0.1',
    port: 0,
    demoTargets: { [ALIAS]: { host: '127.0.0.1', port: server.port } },
    // One benchmark client makes hundreds of sessions a minute from 127.0.0.1.
    maxSessionsPerClient: 100,
    newSessionsPerMinute: 1_000_000,
    log: () => {},
    drainTimeoutMs: 0,
  });
  try {
    const crypto = createWebCrypto(globalThis.crypto.subtle);
    const directDeps = await engineDeps(pki, crypto);
    const relayDeps = await engineDeps(pki, crypto, createRelayTransport({ url: relay.url, WebSocketImpl: WebSocket }));
    // Both paths present SNI bench.test; the relay reaches the server by alias on port 443.
    const directReq = engineRequest('https://bench.test/', `127.0.0.1:${server.port}`);
    const relayReq = engineRequest('https://bench.test/', undefined);
    const clients: BenchClient[] = [
      { name: 'direct', once: () => engineOnce(directReq, directDeps) },
      { name: 'relay', once: () => engineOnce(relayReq, relayDeps) },
    ];
    const results = await interleave(clients, opts.iterations, opts.warmup);
    const direct = summarizeClient('direct', results.get('direct')!);
    const viaRelay = summarizeClient('relay', results.get('relay')!);
    const addedMedian = round(viaRelay.wall.medianMs - direct.wall.medianMs);
    // Rounds in which both runs succeeded pair up by index only when neither failed.
    const d = results.get('direct')!;
    const r = results.get('relay')!;
    const paired = d.errors === 0 && r.errors === 0 ? round(median(r.wall.map((x, i) => x - d.wall[i]))) : Number.NaN;
    const targetAddedMedianMs = 0.3;
    return {
      server: 'openssl s_server -tls1_3 -www (loopback), ECDSA P-256; engine TLS_AES_128_GCM_SHA256 + secp256r1, WebCrypto backend',
      relayPlacement: 'relay in the benchmark process (its CPU cost is added serially), ws client in Node',
      iterations: opts.iterations,
      warmup: opts.warmup,
      direct,
      relay: viaRelay,
      addedMs: { median: addedMedian, p99: round(viaRelay.wall.p99Ms - direct.wall.p99Ms) },
      ratio: { median: round(viaRelay.wall.medianMs / direct.wall.medianMs, 3), p99: round(viaRelay.wall.p99Ms / direct.wall.p99Ms, 3) },
      addedMedianOfPairedDifferencesMs: paired,
      addedCpuMs: round(viaRelay.cpu.medianMs - direct.cpu.medianMs),
      targetAddedMedianMs,
      withinTarget: addedMedian <= targetAddedMedianMs,
    };
  } finally {
    await relay.close();
    await server.close();
  }
}
