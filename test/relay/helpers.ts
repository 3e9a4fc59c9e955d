/**
 * A relay for tests: stub DNS (never a real query), a recording dialer that refuses to send a
 * packet anywhere but loopback (public test addresses are redirected to loopback servers), and
 * logs captured in memory.
 */
import assert from 'node:assert/strict';
import { connect as netConnect } from 'node:net';
import { WebSocket } from 'ws';
import type { LogRecord, RelayConfig } from '../../server/relay/config';
import { startRelay, type RelayServer } from '../../server/relay/server';
import { createRelayTransport } from '../../lib/transport/relay';
import { RELAY_SUBPROTOCOL, parseRelayEvent, type RelayEvent } from '../../lib/transport/relayProtocol';
import type { Connection, Transport, TransportEvent } from '../../lib/transport/types';
import { listenTcp } from '../transport/helpers';
import { waitFor } from '../helpers/wait';

/**
 * The smallest well-formed ClientHello record the relay's check accepts (RFC 8446 §5.1, §4.1.2):
 * one cipher suite, null compression, and one extension (supported_versions: TLS 1.3).
 */
export const CLIENT_HELLO_RECORD = clientHelloRecord([0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04]);

/** A ClientHello record with these extension bytes (already encoded). */
export function clientHelloRecord(extensions: number[]): Buffer {
  const body = [0x03, 0x03, ...new Array<number>(32).fill(0x5a), 0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00, extensions.length >> 8, extensions.length & 0xff, ...extensions];
  const handshake = [0x01, 0x00, body.length >> 8, body.length & 0xff, ...body];
  return Buffer.from([0x16, 0x03, 0x01, handshake.length >> 8, handshake.length & 0xff, ...handshake]);
}

/** A public address used in tests; the dialer sends it to a loopback port instead. */
export const PUBLIC_V4 = '93.184.215.14';
export const PUBLIC_V6 = '2606:2800:21f:cb07:6820:80da:af6b:8b2c';

export interface Dial {
  address: string;
  port: number;
}

export interface TestRelay {
  relay: RelayServer;
  url: string;
  logs: LogRecord[];
  dials: Dial[];
  lookups: string[];
  transport: Transport;
  close: () => Promise<void>;
}

export interface TestRelayOptions {
  /** Stub DNS: name → answers. Names not listed fail with ENOTFOUND (and are still recorded). */
  dns?: Record<string, string[] | (() => string[] | Promise<string[]>)>;
  /** Public test address → loopback port it is redirected to. */
  redirect?: Record<string, number>;
}

export async function startTestRelay(config: Partial<RelayConfig> = {}, options: TestRelayOptions = {}): Promise<TestRelay> {
  const logs: LogRecord[] = [];
  const dials: Dial[] = [];
  const lookups: string[] = [];
  const relay = await startRelay({
    host: '127.0.0.1',
    port: 0,
    log: (record) => logs.push(record),
    resolve: async (host) => {
      lookups.push(host);
      const answer = options.dns?.[host];
      if (answer === undefined) throw Object.assign(new Error(`queryA ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return typeof answer === 'function' ? answer() : answer;
    },
    dial: (address, port) => {
      dials.push({ address, port });
      const redirected = options.redirect?.[address];
      if (redirected !== undefined) return netConnect({ host: '127.0.0.1', port: redirected, allowHalfOpen: true });
      if (address !== '127.0.0.1' && address !== '::1') throw new Error(`test dialer: refusing to send a packet to ${address}`);
      return netConnect({ host: address, port, allowHalfOpen: true });
    },
    ...config,
  });
  const transport = createRelayTransport({ url: relay.url, WebSocketImpl: WebSocket });
  return { relay, url: relay.url, logs, dials, lookups, transport, close: () => relay.close() };
}

export interface RawSession {
  ws: WebSocket;
  events: RelayEvent[];
  binary: Buffer[];
  /** Resolves with the WebSocket close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  opened: Promise<void>;
}

/** A bare WebSocket client, for feeding the relay input the transport would never send. */
export function rawSession(
  url: string,
  target: { host: string; port: number | string } | undefined,
  options: { origin?: string; headers?: Record<string, string>; protocol?: string | null } = {},
): RawSession {
  const u = new URL(url);
  if (target) {
    u.searchParams.set('host', target.host);
    u.searchParams.set('port', String(target.port));
  }
  const protocol = options.protocol === undefined ? RELAY_SUBPROTOCOL : options.protocol;
  const ws = new WebSocket(u.toString(), protocol === null ? [] : [protocol], {
    origin: options.origin,
    headers: options.headers,
    perMessageDeflate: false,
  });
  const events: RelayEvent[] = [];
  const binary: Buffer[] = [];
  ws.on('message', (data, isBinary) => {
    if (isBinary) binary.push(data as Buffer);
    else events.push(parseRelayEvent(data.toString()) ?? ({ type: 'unparseable', text: data.toString() } as unknown as RelayEvent));
  });
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('close', () => reject(new Error('closed before open')));
  });
  opened.catch(() => {});
  return { ws, events, binary, closed, opened };
}

/** Resolves with the HTTP status of a refused upgrade. */
export function upgradeStatus(url: string, options: { origin?: string; protocol?: string | null; headers?: Record<string, string> } = {}): Promise<number> {
  const protocol = options.protocol === undefined ? RELAY_SUBPROTOCOL : options.protocol;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocol === null ? [] : [protocol], { origin: options.origin, headers: options.headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.on('error', (err) => reject(err));
  });
}

export function errorEvent(events: RelayEvent[]): Extract<RelayEvent, { type: 'error' }> | undefined {
  return events.find((e): e is Extract<RelayEvent, { type: 'error' }> => e.type === 'error');
}

export { waitFor };

export async function httpGet(url: string): Promise<{ status: number; body: string; contentType: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text(), contentType: res.headers.get('content-type') ?? '' };
}

/**
 * A session opened before the abuse and checked after each case: it must still carry bytes both
 * ways, proving one client's garbage does not disturb another's session.
 */
export class Witness {
  private received = '';
  private connection!: Connection;
  private events: TransportEvent[] = [];
  private counter = 0;

  constructor(private readonly relay: TestRelay) {}

  async open(): Promise<void> {
    this.connection = this.relay.transport.open({ host: 'echo.test', port: 443 }, (event) => {
      this.events.push(event);
      if (event.type === 'data') this.received += Buffer.from(event.bytes).toString('latin1');
    });
    this.connection.write(CLIENT_HELLO_RECORD);
    await waitFor(() => this.received.length >= CLIENT_HELLO_RECORD.length, 3000, 'witness echo');
  }

  async assertAlive(): Promise<void> {
    const token = `still-here-${this.counter++};`;
    this.connection.write(new TextEncoder().encode(token));
    await waitFor(() => this.received.endsWith(token), 3000, 'witness round trip');
    assert.ok(!this.events.some((e) => e.type === 'closed' || e.type === 'error' || e.type === 'reset'));
  }

  close(): void {
    this.connection.close();
  }
}

/**
 * A relay whose demo alias echo.test leads to a loopback echo server, with a witness session open
 * through it: the stage for tests that abuse the relay and check that others are unaffected.
 * `onEchoData` sees every byte the echo server receives.
 */
export async function startWitnessedRelay(
  config: Partial<RelayConfig>,
  options: TestRelayOptions = {},
  onEchoData: (bytes: Buffer) => void = () => {},
): Promise<{ relay: TestRelay; witness: Witness; close: () => Promise<void> }> {
  const echo = await listenTcp((socket) => {
    socket.on('data', onEchoData);
    socket.pipe(socket);
  });
  const relay = await startTestRelay({ ...config, demoTargets: { echo: { host: '127.0.0.1', port: echo.port }, ...config.demoTargets } }, options);
  const witness = new Witness(relay);
  await witness.open();
  return {
    relay,
    witness,
    close: async () => {
      witness.close();
      await relay.close();
      await echo.close();
    },
  };
}
