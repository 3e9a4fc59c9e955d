/**
 * One "full TLS 1.3 handshake + GET / + read the response to close_notify" per call, by each client
 * the benchmarks compare. Every client trusts the same CA, offers only TLS_AES_128_GCM_SHA256 and
 * secp256r1 (the one combination subtls supports), and is timed from the TCP connect to the last
 * response byte. Trust material is prepared once per client, outside the timed part.
 */
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, createSecureContext, type SecureContext } from 'node:tls';
import { SocketReadQueue, startTls, TrustedCert, type RootCertsDatabase } from 'subtls/index.js';
import { nodeRunDeps } from '../server/runtime/nodeRun';
import { runTls, type RunDeps, type RunRequest } from '../lib/run/run';
import { outcomeSentence } from '../lib/view/stepText';
import type { CryptoProvider } from '../lib/tls/crypto/provider';
import type { Transport } from '../lib/transport/types';
import type { BenchPki } from './peers';
import { WebSocket } from 'ws';
import { nowMs } from './stats';

/** A client ready to run: `once()` resolves with the elapsed milliseconds or rejects with why it failed. */
export interface BenchClient {
  name: string;
  once(): Promise<number>;
}

export const BENCH_SUITE = 'TLS_AES_128_GCM_SHA256';
export const BENCH_GROUP = 'secp256r1';

/** The engine's request with the benchmark's pinned TLS options; `connect` is where to dial when it is not the URL's host. */
export function engineRequest(url: string, connect: string | undefined): RunRequest {
  return { url, connect, versions: ['TLSv1.3'], cipherSuites: [BENCH_SUITE], groups: [BENCH_GROUP] };
}

/** Deps for the engine with the bench CA trusted; `transport` replaces the Node TCP one when given. */
export async function engineDeps(pki: BenchPki, crypto: CryptoProvider, transport?: Transport): Promise<RunDeps> {
  const { deps } = await nodeRunDeps({ url: 'https://localhost/', connect: '127.0.0.1:1' }, { caFiles: [pki.ca.certPath], crypto, timeoutMs: 10_000 });
  return transport ? { ...deps, transport } : deps;
}

/** Runs the engine once; anything but outcome "ok" with a 200 is a failure. */
export async function engineOnce(req: RunRequest, deps: RunDeps): Promise<number> {
  const t0 = nowMs();
  const trace = await runTls(req, deps);
  const elapsed = nowMs() - t0;
  if (trace.outcome !== 'ok' || trace.http?.status !== 200) throw new Error(`engine run ended "${trace.outcome}": ${outcomeSentence(trace.outcomeCause)}`);
  if (trace.cipherSuite !== BENCH_SUITE || trace.group !== BENCH_GROUP) throw new Error(`engine negotiated ${trace.cipherSuite} / ${trace.group}`);
  return elapsed;
}

export async function engineClient(name: string, pki: BenchPki, port: number, crypto: CryptoProvider): Promise<BenchClient> {
  const deps = await engineDeps(pki, crypto);
  const req = engineRequest(`https://localhost:${port}/`, `127.0.0.1:${port}`);
  return { name, once: () => engineOnce(req, deps) };
}

function getRequest(port: number): Buffer {
  return Buffer.from(`GET / HTTP/1.1\r\nHost: localhost:${port}\r\nUser-Agent: tls-playground-bench\r\nAccept: */*\r\nConnection: close\r\n\r\n`);
}

/** Node's tls (OpenSSL in C++), with a secure context made once (as a long-lived Node client would). */
export function nodeTlsClient(pki: BenchPki, port: number): BenchClient {
  const secureContext: SecureContext = createSecureContext({
    ca: pki.ca.certPem,
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
    ciphers: BENCH_SUITE,
    ecdhCurve: 'P-256',
  });
  const request = getRequest(port);
  return {
    name: 'node-tls',
    once: () =>
      new Promise<number>((resolve, reject) => {
        const t0 = nowMs();
        let body = '';
        const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', secureContext }, () => {
          if (!socket.authorized) return reject(new Error(`node tls: ${socket.authorizationError}`));
          socket.write(request);
        });
        socket.setEncoding('latin1');
        socket.on('data', (d: string) => (body += d));
        socket.once('error', reject);
        socket.once('end', () => {
          const elapsed = nowMs() - t0;
          const suite = socket.getCipher().standardName;
          socket.destroy();
          if (!body.startsWith('HTTP/1.0 200')) return reject(new Error(`node tls: unexpected response ${JSON.stringify(body.slice(0, 40))}`));
          if (suite !== BENCH_SUITE) return reject(new Error(`node tls negotiated ${suite}`));
          resolve(elapsed);
        });
      }),
  };
}

/**
 * subtls 0.5.0 (TLS 1.3 in JS over SubtleCrypto). Its transport is a pair of functions; the
 * adapter over node:net is its own SocketReadQueue plus socket.write.
 */
export async function subtlsClient(pki: BenchPki, port: number): Promise<BenchClient> {
  const roots: RootCertsDatabase = await TrustedCert.databaseFromPEM(pki.ca.certPem);
  const request = new Uint8Array(getRequest(port));
  return {
    name: 'subtls',
    once: async () => {
      const t0 = nowMs();
      const socket = netConnect({ host: '127.0.0.1', port });
      const failed = new Promise<never>((_, reject) => socket.once('error', reject));
      failed.catch(() => {});
      try {
        await Promise.race([new Promise<void>((resolve) => socket.once('connect', () => resolve())), failed]);
        const queue = new SocketReadQueue(socket);
        const connection = await Promise.race([
          // Bound, not wrapped: subtls also passes a read mode (peek) that the typings leave out.
          startTls('localhost', roots, queue.read.bind(queue), (data) => void socket.write(data)),
          failed,
        ]);
        await connection.write(request);
        let body = '';
        const decoder = new TextDecoder('latin1');
        while (true) {
          const chunk = await Promise.race([connection.read(), failed]);
          if (chunk === undefined) break;
          body += decoder.decode(chunk, { stream: true });
        }
        const elapsed = nowMs() - t0;
        if (!body.startsWith('HTTP/1.0 200')) throw new Error(`subtls: unexpected response ${JSON.stringify(body.slice(0, 40))}`);
        return elapsed;
      } finally {
        socket.destroy();
      }
    },
  };
}

/**
 * `ws`'s WebSocket standing in for the browser's in the relay benchmarks, without offering
 * permessage-deflate: a browser's offer costs nothing measurable (its extension handling is native
 * code), while `ws` sets up its deflate handling per connection, about 0.4 ms here (bench/README.md),
 * only to hear the relay decline it.
 */
export class BrowserLikeWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols, { perMessageDeflate: false });
  }
}
