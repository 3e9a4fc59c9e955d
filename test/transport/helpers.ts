/**
 * Loopback peers and adapters for transport and relay tests. Nothing here dials outside
 * 127.0.0.0/8.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as netConnect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import type { Connection, Transport, TransportEvent, TransportTarget } from '../../lib/transport/types';

export interface KeyAndCertificate {
  key: string;
  cert: string;
}

let cached: KeyAndCertificate | undefined;

/** A fresh self-signed P-256 certificate for localhost, echo.test, bench.test and 127.0.0.1 (made by openssl). */
export function testCertificate(): KeyAndCertificate {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'relay-test-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
        '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,DNS:echo.test,DNS:bench.test,IP:127.0.0.1',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    cached = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts a node:net server on 127.0.0.1 with allowHalfOpen; resolves with its port. */
export async function listenTcp(onConnection: (socket: Socket) => void): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** A 127.0.0.1 port nobody listens on (bound, then released). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A listener whose accept queue is full, so a new SYN is dropped and connect() hangs: a child
 * process listens with backlog 1 and then blocks its event loop (never accepting); we fill the
 * queue with a few connections. Connect timeouts can then be tested on loopback.
 */
export async function startUnresponsiveListener(): Promise<{ port: number; stop: () => void }> {
  const script = `
    const net = require('node:net');
    const server = net.createServer();
    server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      require('node:fs').writeSync(1, server.address().port + '\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    });`;
  const child: ChildProcess = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('\n')) resolve(Number(text.trim()));
    });
    child.once('exit', (code) => reject(new Error(`listener exited with ${code}`)));
  });
  // Fill the accept queue (backlog + 1 on Linux) plus one to be sure; these complete in the kernel.
  const fillers: Socket[] = [];
  for (let i = 0; i < 3; i++) {
    const s = netConnect(port, '127.0.0.1');
    s.on('error', () => {});
    fillers.push(s);
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  return {
    port,
    stop: () => {
      for (const s of fillers) s.destroy();
      child.kill('SIGKILL');
    },
  };
}

/** Opens a connection and records every event until `closed`. */
export function openAndRecord(
  transport: Transport,
  target: TransportTarget,
  onEvent?: (event: TransportEvent, connection: Connection) => void,
): { connection: Connection; events: TransportEvent[]; closed: Promise<TransportEvent[]> } {
  const events: TransportEvent[] = [];
  let done: (events: TransportEvent[]) => void = () => {};
  const closed = new Promise<TransportEvent[]>((resolve) => (done = resolve));
  // Events arrive asynchronously, after open() has returned the connection.
  const connection: Connection = transport.open(target, (event) => {
    events.push(event);
    onEvent?.(event, connection);
    if (event.type === 'closed') done(events);
  });
  return { connection, events, closed };
}

/** Event types in order, with data events merged (TCP segmenting is not part of the contract). */
export function eventTypes(events: TransportEvent[]): string[] {
  const types: string[] = [];
  for (const e of events) {
    const t = e.type === 'error' ? `error:${e.code}` : e.type;
    if (t === 'data' && types[types.length - 1] === 'data') continue;
    types.push(t);
  }
  return types;
}

export function receivedText(events: TransportEvent[]): string {
  return events
    .filter((e): e is Extract<TransportEvent, { type: 'data' }> => e.type === 'data')
    .map((e) => Buffer.from(e.bytes).toString('latin1'))
    .join('');
}

/**
 * A Node Duplex over a Transport connection, so Node's tls client can run over our transports:
 * writes go out as connection.write, end() as shutdown(), a FIN ends the readable side, a reset
 * destroys the stream with ECONNRESET.
 */
export function transportDuplex(transport: Transport, target: TransportTarget): Duplex & { events: TransportEvent[] } {
  const events: TransportEvent[] = [];
  const holder: { connection?: Connection } = {};
  const duplex = new Duplex({
    allowHalfOpen: true,
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      holder.connection!.write(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      callback();
    },
    final(callback) {
      holder.connection!.shutdown();
      callback();
    },
    destroy(err, callback) {
      holder.connection?.close();
      callback(err);
    },
  }) as Duplex & { events: TransportEvent[] };
  duplex.events = events;
  holder.connection = transport.open(target, (event) => {
    events.push(event);
    switch (event.type) {
      case 'data':
        duplex.push(Buffer.from(event.bytes));
        break;
      case 'fin':
        duplex.push(null);
        break;
      case 'reset':
        duplex.destroy(Object.assign(new Error('connection reset by peer'), { code: 'ECONNRESET' }));
        break;
      case 'error':
        duplex.destroy(Object.assign(new Error(event.message), { code: event.code }));
        break;
      case 'closed':
        if (!duplex.readableEnded) duplex.push(null);
        break;
    }
  });
  return duplex;
}
