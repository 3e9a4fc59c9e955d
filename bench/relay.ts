/**
 * Relay load benchmark (issue 4): N concurrent TLS sessions through the relay to a loopback Node
 * TLS server, held open, then checked with one round trip each. The relay runs in a child
 * process so its resident memory can be measured alone; the load generator is Node's TLS client
 * over a `ws` WebSocket (fast, and independent of our engine — the engine's latency has its own
 * benchmark in bench/relayLatency.ts).
 *
 *   npx tsx bench/relay.ts [--sessions 1000] [--hold 30] [--open-concurrency 20]
 *
 * Reports p50/p99 handshake times, errors, and relay RSS per session.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';
import { RELAY_SUBPROTOCOL, parseRelayEvent } from '../lib/transport/relayProtocol';
import type { RelayConfig } from '../server/relay/config';
import { startRelay } from '../server/relay/server';
import { BENCH_TMP, makeBenchPki } from './peers';
import { round, summarize, type Summary } from './stats';

export interface RelayLoadOptions {
  /** Concurrent sessions held at once. Default 1000. */
  sessions?: number;
  /** How long all sessions stay open together. Default 30 s. */
  holdMs?: number;
  /**
   * Sessions being set up at the same time while ramping up. Default 20: on a small machine more
   * in flight only adds queueing to each handshake (100 gave p50 ≈ 800 ms, 20 gave ≈ 50 ms).
   */
  openConcurrency?: number;
  /** Progress lines on stderr. */
  verbose?: boolean;
}

export interface RelayLoadResult {
  sessions: number;
  holdMs: number;
  relayPlacement: string;
  /** Sessions that completed the TLS handshake. */
  established: number;
  /** Sessions still answering after the hold (one TLS round trip each). */
  aliveAfterHold: number;
  errors: number;
  errorSamples: string[];
  /** WebSocket creation → TLS handshake complete: upgrade, relay dial, TCP, TLS 1.3 handshake. */
  handshake: Summary;
  /** The same, from the WebSocket being open (the relay's share plus TCP and TLS). */
  handshakeAfterUpgrade: Summary;
  rampMs: number;
  relayRss: {
    /** After start and a warm-up, with no sessions, after GC. */
    baselineBytes: number;
    /** With every session open, after GC. */
    loadedBytes: number;
    perSessionBytes: number;
    perSessionKB: number;
    targetPerSessionKB: number;
    withinTarget: boolean;
    activeSessionsAtMeasurement: number;
  };
  errorTarget: number;
  negotiatedProtocol: string;
}

const ALIAS = 'bench';
const TARGET_KB_PER_SESSION = 64;

type ChildRequest = { type: 'measure' } | { type: 'stop' };
type ChildMessage = { type: 'ready'; url: string } | { type: 'measure'; rssBytes: number; activeSessions: number } | { type: 'fatal'; message: string };

/** The relay child: starts a relay from BENCH_RELAY_CONFIG and answers measure/stop over IPC. */
async function runRelayChild(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_RELAY_CONFIG ?? '{}') as Partial<RelayConfig>;
  const relay = await startRelay({ ...config, log: () => {} });
  const send = (m: ChildMessage) => process.send?.(m);
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', async (m: ChildRequest) => {
    if (m.type === 'measure') {
      gc?.();
      await new Promise((r) => setTimeout(r, 100));
      gc?.();
      send({ type: 'measure', rssBytes: process.memoryUsage.rss(), activeSessions: relay.activeSessions() });
    } else if (m.type === 'stop') {
      await relay.close();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', url: relay.url });
}

class RelayChild {
  private waiters: ((m: ChildMessage) => void)[] = [];
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: ChildMessage) => this.waiters.shift()?.(m));
  }

  static async start(config: Partial<RelayConfig>): Promise<{ child: RelayChild; url: string }> {
    const child = fork(import.meta.filename, ['--relay-child'], {
      execArgv: ['--import', import.meta.resolve('tsx'), '--expose-gc'],
      env: { ...process.env, BENCH_RELAY_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const relay = new RelayChild(child);
    const ready = await Promise.race([
      relay.next(),
      new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`relay child exited with ${code}`)))),
    ]);
    if (ready.type !== 'ready') throw new Error(`relay child: ${JSON.stringify(ready)}`);
    return { child: relay, url: ready.url };
  }

  private next(): Promise<ChildMessage> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async measure(): Promise<{ rssBytes: number; activeSessions: number }> {
    const reply = this.next();
    this.child.send({ type: 'measure' } satisfies ChildRequest);
    const m = await reply;
    if (m.type !== 'measure') throw new Error(`relay child: ${JSON.stringify(m)}`);
    return m;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'stop' } satisfies ChildRequest);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    this.child.kill('SIGKILL');
  }
}

/** One relayed session: a ws client as a Duplex (binary frames only) under Node's TLS client. */
interface LoadSession {
  tls: TLSSocket;
  ws: WebSocket;
  setupMs: number;
  afterUpgradeMs: number;
  relayError?: string;
}

function openSession(url: string, ca: string): Promise<LoadSession> {
  const started = performance.now();
  const target = new URL(url);
  target.searchParams.set('host', `${ALIAS}.test`);
  target.searchParams.set('port', '443');
  const ws = new WebSocket(target.toString(), [RELAY_SUBPROTOCOL], { perMessageDeflate: false });
  let openedAt = 0;
  let relayError: string | undefined;
  const duplex = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      if (ws.readyState === WebSocket.OPEN) ws.send(chunk, cb);
      else ws.once('open', () => ws.send(chunk, cb));
    },
    final(cb) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'shutdown' }));
      cb();
    },
    destroy(err, cb) {
      ws.terminate();
      cb(err);
    },
  });
  ws.on('open', () => (openedAt = performance.now()));
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) {
      duplex.push(data);
      return;
    }
    const event = parseRelayEvent(data.toString());
    if (event?.type === 'fin' || event?.type === 'closed') duplex.push(null);
    else if (event?.type === 'error') {
      relayError = `${event.code} ${event.reason}: ${event.message}`;
      duplex.destroy(new Error(relayError));
    }
  });
  ws.on('error', (err) => duplex.destroy(err));
  ws.on('close', () => duplex.push(null));
  const tls = tlsConnect({ socket: duplex, servername: `${ALIAS}.test`, ca });
  return new Promise((resolve, reject) => {
    tls.once('secureConnect', () => {
      const now = performance.now();
      resolve({ tls, ws, setupMs: now - started, afterUpgradeMs: now - openedAt, relayError });
    });
    tls.once('error', (err) => {
      ws.terminate();
      reject(new Error(relayError ?? err.message));
    });
  });
}

function roundTrip(session: LoadSession, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer to ping after the hold')), timeoutMs);
    session.tls.once('data', (d: Buffer) => {
      clearTimeout(timer);
      if (d.toString() === 'pong') resolve();
      else reject(new Error(`unexpected answer ${JSON.stringify(d.toString().slice(0, 40))}`));
    });
    session.tls.write('ping');
  });
}

export async function benchRelayLoad(options: RelayLoadOptions = {}): Promise<RelayLoadResult> {
  const sessions = options.sessions ?? 1000;
  const holdMs = options.holdMs ?? 30_000;
  const openConcurrency = options.openConcurrency ?? 20;
  const log = (line: string) => options.verbose && process.stderr.write(`[relay load] ${line}\n`);

  const pki = await makeBenchPki(join(BENCH_TMP, 'relay-load-pki'));
  const ca = readFileSync(pki.ca.certPath, 'utf8');
  const server = createTlsServer({ key: pki.leaf.keyPem, cert: pki.leaf.certPem, minVersion: 'TLSv1.3' }, (socket) => {
    socket.on('data', (d) => socket.write(d.toString() === 'ping' ? 'pong' : 'what?'));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
  const serverPort = (server.address() as { port: number }).port;

  const { child, url } = await RelayChild.start({
    host: '127.0.0.1',
    port: 0,
    demoTargets: { [ALIAS]: { host: '127.0.0.1', port: serverPort } },
    // Every session comes from 127.0.0.1: lift the per-client limits, keep the rest as shipped.
    maxSessionsPerClient: sessions + 10,
    newSessionsPerMinute: 1_000_000,
    demoSessionsPerMinute: 1_000_000,
    maxSessions: sessions + 10,
    idleTimeoutMs: holdMs + 60_000,
    sessionTimeoutMs: holdMs + 120_000,
    drainTimeoutMs: 0,
  });
  const open: LoadSession[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  const fail = (message: string) => {
    errors += 1;
    if (errorSamples.length < 10) errorSamples.push(message);
  };
  try {
    // Warm up the relay (JIT, buffers) before the baseline, then let those sessions go.
    const warm = await Promise.all(Array.from({ length: 5 }, () => openSession(url, ca)));
    for (const s of warm) s.ws.close();
    await new Promise((r) => setTimeout(r, 300));
    const baseline = await child.measure();
    log(`relay baseline RSS ${(baseline.rssBytes / 1048576).toFixed(1)} MiB; opening ${sessions} sessions`);

    const rampStarted = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < sessions) {
        next += 1;
        try {
          open.push(await openSession(url, ca));
        } catch (err) {
          fail((err as Error).message);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(openConcurrency, sessions) }, worker));
    const rampMs = performance.now() - rampStarted;
    log(`${open.length} sessions established in ${Math.round(rampMs)} ms; holding ${holdMs} ms`);

    await new Promise((r) => setTimeout(r, Math.min(holdMs, 1000)));
    const loaded = await child.measure();
    await new Promise((r) => setTimeout(r, Math.max(0, holdMs - 1000)));

    let alive = 0;
    await Promise.all(
      open.map(async (s) => {
        try {
          await roundTrip(s, 10_000);
          alive += 1;
        } catch (err) {
          fail((err as Error).message);
        }
      }),
    );
    log(`${alive} sessions answered after the hold`);

    const perSession = (loaded.rssBytes - baseline.rssBytes) / Math.max(1, loaded.activeSessions);
    return {
      sessions,
      holdMs,
      relayPlacement: 'relay in its own process (RSS measured there, after GC); Node TLS clients and server in the benchmark process',
      established: open.length,
      aliveAfterHold: alive,
      errors,
      errorSamples,
      handshake: summarize(open.map((s) => s.setupMs)),
      handshakeAfterUpgrade: summarize(open.map((s) => s.afterUpgradeMs)),
      rampMs: round(rampMs, 1),
      relayRss: {
        baselineBytes: baseline.rssBytes,
        loadedBytes: loaded.rssBytes,
        perSessionBytes: Math.round(perSession),
        perSessionKB: round(perSession / 1024, 1),
        targetPerSessionKB: TARGET_KB_PER_SESSION,
        withinTarget: perSession / 1024 <= TARGET_KB_PER_SESSION,
        activeSessionsAtMeasurement: loaded.activeSessions,
      },
      errorTarget: 0,
      negotiatedProtocol: open[0]?.tls.getProtocol() ?? 'none',
    };
  } finally {
    for (const s of open) s.tls.destroy();
    await child.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function argValue(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} needs a positive number, got ${value}`);
  return n;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain && process.argv.includes('--relay-child')) {
  runRelayChild().catch((err: Error) => {
    process.send?.({ type: 'fatal', message: err.message });
    process.exit(1);
  });
} else if (isMain) {
  const argv = process.argv.slice(2);
  const hold = positive(argValue(argv, '--hold'), '--hold');
  benchRelayLoad({
    sessions: positive(argValue(argv, '--sessions'), '--sessions'),
    holdMs: hold === undefined ? undefined : hold * 1000,
    openConcurrency: positive(argValue(argv, '--open-concurrency'), '--open-concurrency'),
    verbose: true,
  }).then(
    (result) => {
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      process.exit(result.errors === 0 ? 0 : 1);
    },
    (err: Error) => {
      process.stderr.write(`${err.stack ?? err.message}\n`);
      process.exit(1);
    },
  );
}
