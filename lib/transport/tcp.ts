/**
 * The Node TCP transport (CLI, tests, benchmarks): one node:net socket per connection, its life
 * reported as TransportEvents. Half-open is allowed (RFC 9293 §3.6: a FIN closes one direction
 * only), so after the server's FIN the client can still write, and shutdown() sends our FIN
 * while we keep reading.
 */
import { isIP, connect as netConnect, type NetConnectOpts, type Socket } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';
import { SOCKET_ERROR_CODES, type Connection, type Transport, type TransportErrorCode, type TransportEvent, type TransportTarget } from './types';

export interface TcpTransportOptions {
  /** Time allowed for the TCP handshake over all resolved addresses together. Default 10 s. */
  connectTimeoutMs?: number;
  /** Name resolution; default getaddrinfo through node:dns lookup (all addresses, OS order). */
  lookup?: (host: string) => Promise<string[]>;
  /** Opens the socket; injectable so tests can control dialing. Default node:net connect. */
  connect?: (options: NetConnectOpts) => Socket;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Errno names that become their own TransportErrorCode; anything else is UNKNOWN. */
const KNOWN_ERROR_CODES: ReadonlySet<string> = new Set(SOCKET_ERROR_CODES);

export function createTcpTransport(options: TcpTransportOptions = {}): Transport {
  return {
    name: 'tcp',
    open(target: TransportTarget, onEvent: (event: TransportEvent) => void): Connection {
      const connection = new TcpConnection(target, onEvent, options);
      connection.start();
      return connection;
    },
  };
}

async function defaultLookup(host: string): Promise<string[]> {
  const answers = await dnsLookup(host, { all: true, verbatim: true });
  return answers.map((a) => a.address);
}

export function errorCodeOf(err: unknown): TransportErrorCode {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENODATA' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return 'ENOTFOUND';
  return code && KNOWN_ERROR_CODES.has(code) ? (code as TransportErrorCode) : 'UNKNOWN';
}

class TcpConnection implements Connection {
  private socket: Socket | undefined;
  /** Bytes written before the socket exists (during DNS). net.Socket queues the rest itself. */
  private pending: Uint8Array[] = [];
  private shutdownRequested = false;
  private closeRequested = false;
  private finished = false;
  private readonly connectTimeoutMs: number;

  constructor(
    private readonly target: TransportTarget,
    private readonly onEvent: (event: TransportEvent) => void,
    private readonly options: TcpTransportOptions,
  ) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  }

  start(): void {
    void this.resolveAndDial();
  }

  write(bytes: Uint8Array): void {
    if (this.finished || this.closeRequested || this.shutdownRequested) return;
    if (this.socket && !this.socket.connecting) this.socket.write(bytes);
    else this.pending.push(bytes);
  }

  shutdown(): void {
    if (this.finished || this.shutdownRequested) return;
    this.shutdownRequested = true;
    if (this.socket && !this.socket.connecting) this.socket.end();
  }

  close(): void {
    if (this.finished || this.closeRequested) return;
    this.closeRequested = true;
    if (this.socket) this.socket.destroy();
    else this.finish(0, 0);
  }

  private emit(event: TransportEvent): void {
    if (!this.finished) this.onEvent(event);
  }

  private finish(bytesSent: number, bytesReceived: number): void {
    if (this.finished) return;
    this.emit({ type: 'closed', bytesSent, bytesReceived });
    this.finished = true;
  }

  private fail(code: TransportErrorCode, message: string): void {
    this.emit({ type: 'error', code, message });
    this.finish(0, 0);
  }

  private async resolveAndDial(): Promise<void> {
    const { host } = this.target;
    let addresses: string[];
    if (isIP(host)) {
      addresses = [host];
    } else {
      try {
        addresses = await (this.options.lookup ?? defaultLookup)(host);
      } catch (err) {
        if (this.closeRequested) return;
        this.fail(errorCodeOf(err) === 'UNKNOWN' ? 'ENOTFOUND' : errorCodeOf(err), `could not resolve ${host}: ${(err as Error).message}`);
        return;
      }
      if (this.closeRequested) return;
      if (addresses.length === 0) {
        this.fail('ENOTFOUND', `${host} has no addresses`);
        return;
      }
      this.emit({ type: 'resolved', host, addresses });
    }
    this.dial(addresses, 0, Date.now() + this.connectTimeoutMs);
  }

  /** Tries the addresses in order until one connects or the shared deadline passes. */
  private dial(addresses: string[], index: number, deadline: number): void {
    if (this.closeRequested) return;
    const address = addresses[index];
    const port = this.target.port;
    const startedAt = performance.now();
    const socket = (this.options.connect ?? netConnect)({ host: address, port, allowHalfOpen: true });
    this.socket = socket;
    socket.setNoDelay(true);
    let connected = false;
    let errored = false;

    const timer = setTimeout(() => {
      if (connected) return;
      errored = true;
      socket.destroy();
      this.fail('ETIMEDOUT', `no answer from ${address} port ${port} within ${this.connectTimeoutMs} ms`);
    }, Math.max(0, deadline - Date.now()));

    socket.once('connect', () => {
      clearTimeout(timer);
      connected = true;
      this.emit({
        type: 'connected',
        remoteAddress: socket.remoteAddress ?? address,
        remotePort: socket.remotePort ?? port,
        connectMs: performance.now() - startedAt,
      });
      for (const bytes of this.pending) socket.write(bytes);
      this.pending = [];
      if (this.shutdownRequested) socket.end();
    });
    socket.on('data', (chunk: Buffer) => {
      this.emit({ type: 'data', bytes: new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength) });
    });
    // 'end' follows the last 'data' on the same stream, so fin is ordered after the data.
    socket.on('end', () => this.emit({ type: 'fin' }));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (errored) return;
      errored = true;
      if (!connected && err.code === 'ECONNRESET') {
        // The server accepted and reset at once, before Node reported the connection: still a reset.
        clearTimeout(timer);
        this.emit({ type: 'reset' });
        return;
      }
      if (!connected) {
        clearTimeout(timer);
        if (index + 1 < addresses.length && Date.now() < deadline && !this.closeRequested) {
          socket.destroy();
          this.dial(addresses, index + 1, deadline);
          return;
        }
        this.emit({ type: 'error', code: errorCodeOf(err), message: `connect to ${address} port ${port} failed: ${err.message}` });
        return;
      }
      // EPIPE on a write is the same news as ECONNRESET on a read: the peer sent RST.
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') this.emit({ type: 'reset' });
      else this.emit({ type: 'error', code: errorCodeOf(err), message: err.message });
    });
    socket.on('close', () => {
      clearTimeout(timer);
      // A failed attempt that moved on to the next address must not end the connection.
      if (this.socket !== socket) return;
      this.finish(socket.bytesWritten, socket.bytesRead);
    });
  }
}
