/**
 * Real TLS peers on loopback for the engine's interop tests: `openssl s_server` processes, Node
 * tls/https servers and scripted TCP servers, each on a free 127.0.0.1 port, each stopped by the
 * test that started it. Also a recording TCP proxy and a one-call runner over lib/run. Nothing
 * here dials or listens outside 127.0.0.0/8.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import { connect as netConnect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type tls from 'node:tls';
import { nodeRunDeps, type NodeRunSetup } from '../../server/runtime/nodeRun';
import { buildClientOptions, parseTarget, runTls, type RunRequest } from '../../lib/run/run';
import { TlsClient } from '../../lib/tls/client/client';
import type { NegotiatedSummary, Failure } from '../../lib/tls/client/connection';
import type { ClientOptions } from '../../lib/tls/client/options';
import type { StepContent } from '../../lib/tls/events';
import type { Step, Trace } from '../../lib/trace/schema';
import { outcomeSentence, stepTitle } from '../../lib/view/stepText';

export const LOOPBACK = '127.0.0.1';
const OPENSSL = process.env.TLSPG_OPENSSL ?? 'openssl';

/** Tracks a server's sockets so close() does not wait for keep-alive clients. */
function closer(server: Server): () => Promise<void> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export interface OpensslServer {
  port: number;
  /** Everything s_server printed so far (stdout and stderr interleaved). */
  output(): string;
  /** Resolves with the output once `pattern` appears in it (after the first `from` characters). */
  waitFor(pattern: RegExp, timeoutMs?: number, from?: number): Promise<string>;
  /** Writes to s_server's stdin: commands ("R\n", "r\n") or data for the connected client. */
  write(text: string): void;
  /** The NSS key log s_server wrote (only with `keyLog: true`). */
  keyLog(): Promise<string>;
  close(): Promise<void>;
}

/**
 * `openssl s_server -accept 127.0.0.1:0 <args>`: the port is read from its "ACCEPT" line. s_server
 * serves one connection at a time, so a test file can loop over many runs against one process.
 */
export async function startOpensslServer(args: string[], options: { keyLog?: boolean } = {}): Promise<OpensslServer> {
  const dir = options.keyLog ? await mkdtemp(join(tmpdir(), 'tlspg-sserver-')) : undefined;
  const keyLogPath = dir ? join(dir, 'keylog.txt') : undefined;
  const full = ['s_server', '-accept', `${LOOPBACK}:0`, ...(keyLogPath ? ['-keylogfile', keyLogPath] : []), ...args];
  const child: ChildProcessWithoutNullStreams = spawn(OPENSSL, full, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString('latin1');
    for (const l of [...listeners]) l();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  // A write after the process died must not crash the test process.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let alive = true;
  child.once('exit', () => {
    alive = false;
    for (const l of [...listeners]) l();
  });

  const waitFor = (pattern: RegExp, timeoutMs = 5000, from = 0) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (pattern.test(out.slice(from))) {
          done();
          resolve(out);
        } else if (!alive) {
          done();
          reject(new Error(`openssl s_server exited before printing ${pattern}; output:\n${out}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`openssl s_server did not print ${pattern} within ${timeoutMs} ms; output:\n${out}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  const accept = await waitFor(/ACCEPT [^\n]*:(\d+)\s/, 10_000).catch(async (e) => {
    child.kill();
    throw e;
  });
  const port = Number(/ACCEPT [^\n]*:(\d+)\s/.exec(accept)![1]);
  return {
    port,
    output: () => out,
    waitFor,
    write: (text) => {
      if (alive) child.stdin.write(text);
    },
    keyLog: async () => (keyLogPath ? readFile(keyLogPath, 'utf8').catch(() => '') : ''),
    close: async () => {
      if (alive) child.kill('SIGTERM');
      await exited;
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/**
 * A Node https server (OpenSSL inside Node) on a free loopback port. `handler` defaults to a
 * 200 "hello from node tls" with Content-Length.
 */
export async function startNodeHttpsServer(options: https.ServerOptions, handler?: Parameters<typeof https.createServer>[1]): Promise<RunningServer & { server: https.Server }> {
  const server = https.createServer(options, handler ?? ((_req, res) => res.end('hello from node tls')));
  // Errors from clients that abort on purpose (bad alerts, resets) belong to the test, not to Node.
  server.on('tlsClientError', () => undefined);
  const close = closer(server);
  return { server, port: await listen(server), close };
}

/** A plain TCP server whose connections the test scripts byte by byte. */
export async function startScriptedServer(onConnection: (socket: Socket) => void): Promise<RunningServer> {
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  const close = closer(server);
  return { port: await listen(server), close };
}

/** A free loopback port with nothing listening on it (bound, then released). */
export async function refusedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface RecordingProxy extends RunningServer {
  /** Bytes the proxy passed, per direction, for each connection in order. */
  connections: { clientToServer: Buffer[]; serverToClient: Buffer[]; /** Both sides of this connection are closed. */ closed: boolean }[];
}

/**
 * A TCP proxy to `127.0.0.1:targetPort` that records every byte in both directions; `rewrite`
 * may change server bytes before they reach the client (to inject faults into a real handshake).
 */
export async function startRecordingProxy(targetPort: number, rewrite?: (chunk: Buffer, state: { serverBytes: number }) => Buffer): Promise<RecordingProxy> {
  const connections: RecordingProxy['connections'] = [];
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const record = { clientToServer: [] as Buffer[], serverToClient: [] as Buffer[], closed: false };
    connections.push(record);
    const state = { serverBytes: 0 };
    const upstream = netConnect({ host: LOOPBACK, port: targetPort, allowHalfOpen: true });
    client.on('data', (d: Buffer) => {
      record.clientToServer.push(d);
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      const out = rewrite ? rewrite(d, state) : d;
      state.serverBytes += d.length;
      record.serverToClient.push(out);
      client.write(out);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    let open = 2;
    for (const socket of [client, upstream]) socket.once('close', () => (record.closed = --open === 0));
  });
  const close = closer(server);
  return { connections, port: await listen(server), close };
}

/** What a tampering proxy does with one server record: forward these bytes instead, or cut the connection here. */
export type RecordTamper = (record: Buffer, index: number) => Buffer | { truncateTo: number };

/**
 * A TCP proxy to `127.0.0.1:targetPort` that forwards the server's bytes one whole TLS record at a
 * time through `tamper` (index counts the server's records from 0). `{ truncateTo: n }` forwards
 * only the first n bytes of that record and then closes the client side with a FIN.
 */
export async function startTamperingProxy(targetPort: number, tamper: RecordTamper): Promise<RunningServer> {
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = netConnect({ host: LOOPBACK, port: targetPort, allowHalfOpen: true });
    let pending = Buffer.alloc(0);
    let index = 0;
    let cut = false;
    client.on('data', (d: Buffer) => upstream.write(d));
    upstream.on('data', (d: Buffer) => {
      if (cut) return;
      pending = Buffer.concat([pending, d]);
      while (pending.length >= 5 && pending.length >= 5 + pending.readUInt16BE(3)) {
        const length = 5 + pending.readUInt16BE(3);
        const record = pending.subarray(0, length);
        const out = tamper(record, index++);
        pending = pending.subarray(length);
        if (Buffer.isBuffer(out)) {
          client.write(out);
        } else {
          // The server's side is dropped; the client sees part of the record and then a FIN.
          cut = true;
          client.end(record.subarray(0, out.truncateTo));
          upstream.destroy();
          return;
        }
      }
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  const close = closer(server);
  return { port: await listen(server), close };
}

export interface RunOptions extends Omit<RunRequest, 'url' | 'connect'> {
  /** Path of the URL; default "/". */
  path?: string;
  /** Host name in the URL (SNI, certificate check); default "localhost". */
  host?: string;
  timeoutMs?: number;
  setup?: Omit<NodeRunSetup, 'timeoutMs'>;
  /** Called with every step as it happens (to drive a server in step with the client). */
  onStep?: (step: StepContent) => void;
}

/** One run of the engine against 127.0.0.1:port, through lib/run exactly as the CLI does. */
export async function runAgainst(port: number, options: RunOptions = {}): Promise<Trace> {
  const { path = '/', host = 'localhost', timeoutMs = 8000, setup = {}, onStep, ...request } = options;
  const { req, deps } = await nodeRunDeps({ ...request, url: `https://${host}:${port}${path}`, connect: `${LOOPBACK}:${port}` }, { ...setup, timeoutMs });
  return runTls(req, { ...deps, onStep });
}

/** Step titles, in order. */
export function titles(trace: Trace): string[] {
  return trace.steps.map((s) => stepTitle(s));
}

/** The steps after the first one whose title matches `from`. */
export function stepsFrom(trace: Trace, from: RegExp): Step[] {
  const i = trace.steps.findIndex((s) => from.test(stepTitle(s)));
  return i < 0 ? [] : trace.steps.slice(i);
}

/** A readable dump for assertion messages. */
export function describeTrace(trace: Trace): string {
  return `outcome ${trace.outcome} (${outcomeSentence(trace.outcomeCause)})\n${trace.steps.map((s) => `  ${s.direction} ${s.layer}: ${stepTitle(s)}`).join('\n')}`;
}

/** The wire bytes of every record step in one direction, concatenated. */
export function recordBytes(trace: Trace, direction: 'client->server' | 'server->client'): Buffer {
  return Buffer.concat(trace.steps.filter((s) => s.layer === 'record' && s.direction === direction && s.bytes).map((s) => Buffer.from(s.bytes!.hex, 'hex')));
}

export type TlsServerOptions = tls.TlsOptions;

export interface EngineRun {
  steps: StepContent[];
  summary: NegotiatedSummary;
  state: TlsClient['state'];
  failure?: Failure;
  unusable?: string;
  keyLog: string[];
  /** The decrypted application data from the server, as latin1 text. */
  response: string;
  /** The status code of the HTTP response, when one arrived. */
  status?: number;
  /** How the TCP connection ended. */
  ended: 'fin' | 'reset' | 'timeout' | 'closed';
}

/**
 * Drives the engine (TlsClient) directly over a socket, for engine options that lib/run does not
 * expose (extendedMasterSecret, renegotiationInfo, encryptThenMac, sessionTicket,
 * maxRenegotiations, keyShareGroups). Sends `GET path` with "Connection: close" once connected and
 * collects the answer until the server closes, the engine fails, or the timeout.
 */
export async function runEngine(port: number, overrides: Partial<ClientOptions>, options: RunOptions = {}): Promise<EngineRun> {
  const { path = '/', host = 'localhost', timeoutMs = 8000, setup = {}, onStep, ...request } = options;
  const url = `https://${host}:${port}${path}`;
  const { req, deps } = await nodeRunDeps({ ...request, url, connect: `${LOOPBACK}:${port}` }, setup);
  const clientOptions = { ...buildClientOptions(req, parseTarget(url, req.connect), deps.clientCertificate), ...overrides };
  const steps: StepContent[] = [];
  const keyLog: string[] = [];
  let response = Buffer.alloc(0);
  const socket = netConnect({ host: LOOPBACK, port, allowHalfOpen: true });
  const client = new TlsClient(
    clientOptions,
    { crypto: deps.crypto, random: (n) => globalThis.crypto.getRandomValues(new Uint8Array(n)), now: Date.now, verifyCertificates: deps.verifyCertificates },
    {
      send: (bytes) => socket.write(bytes),
      step: (step) => {
        steps.push(step);
        onStep?.(step);
      },
      applicationData: (bytes) => {
        response = Buffer.concat([response, bytes]);
      },
      keyLog: (line) => keyLog.push(line),
    },
  );
  // The engine's calls must not overlap: every event goes through one promise chain.
  let chain: Promise<void> = Promise.resolve();
  let requestSent = false;
  const afterEngine = async () => {
    if (client.state === 'connected' && !requestSent) {
      requestSent = true;
      await client.send(Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: close\r\n\r\n`, 'latin1'));
    }
  };
  const ended = await new Promise<EngineRun['ended']>((resolve) => {
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    const finish = (how: EngineRun['ended']) => {
      clearTimeout(timer);
      chain = chain.then(() => {
        socket.destroy();
        resolve(how);
      });
    };
    const enqueue = (task: () => Promise<void>) => {
      chain = chain.then(task).then(afterEngine);
    };
    socket.on('connect', () => enqueue(() => client.start()));
    socket.on('data', (d: Buffer) =>
      enqueue(async () => {
        await client.receive(new Uint8Array(d));
        // The server's close_notify ends the response (s_server -www keeps the socket open after it).
        if (client.state === 'failed' || client.state === 'closed' || client.unusable) finish('closed');
      }),
    );
    socket.on('end', () => finish('fin'));
    socket.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ECONNRESET' ? 'reset' : 'closed'));
    socket.on('close', () => finish('closed'));
  });
  await chain;
  const text = response.toString('latin1');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
  return { steps, summary: client.summary, state: client.state, failure: client.failure, unusable: client.unusable, keyLog, response: text, status: status ? Number(status) : undefined, ended };
}

/** A readable dump of an engine run for assertion messages. */
export function describeEngineRun(run: EngineRun): string {
  return `ended ${run.ended}, state ${run.state}${run.failure ? ` (${run.failure.by}: ${run.failure.message})` : ''}\n${run.steps.map((s) => `  ${s.direction} ${s.layer}: ${stepTitle(s)}`).join('\n')}`;
}

/**
 * s_server without -www (which -early_data cannot be combined with) prints what it receives and
 * sends what it reads on stdin: each request that shows up in its output is answered on stdin.
 * Returns the function that stops answering.
 */
export function answerRequests(server: OpensslServer): () => void {
  let answered = 0;
  const timer = setInterval(() => {
    const seen = server.output().match(/GET \/ HTTP\/1\.1/g)?.length ?? 0;
    for (; answered < seen; answered++) server.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
  }, 20);
  return () => clearInterval(timer);
}
