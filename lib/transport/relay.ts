/**
 * The relay transport: the browser reaches TCP through the relay (server/relay) over one
 * WebSocket per connection. Binary frames are TCP bytes; the relay's JSON text frames become
 * TransportEvents. Runs wherever a WHATWG-style WebSocket exists (the browser global, or the
 * `ws` package's class in Node tests); no Node built-ins here.
 */
import { RELAY_SUBPROTOCOL, RelayCloseCode, parseRelayEvent, type RelayErrorCode, type RelayEvent, type RelayRequest } from './relayProtocol';
import { SOCKET_ERROR_CODES, type Connection, type Transport, type TransportErrorCode, type TransportEvent, type TransportTarget } from './types';

/** The part of the WebSocket API this transport uses (browser WebSocket and `ws` both fit). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface RelayTransportOptions {
  /** The relay endpoint, e.g. `wss://relay.example/relay`; host and port are added as query. */
  url: string;
  /**
   * Default: the global WebSocket (browsers). In Node pass `ws`'s WebSocket. Typed loosely
   * because `ws` declares extra constructor overloads; it must behave as WebSocketConstructor.
   */
  WebSocketImpl?: WebSocketConstructor | (new (...args: never[]) => unknown);
  /**
   * The oldest a WebSocket opened by warm() may be when open() takes it; older ones are closed and
   * replaced, well before the relay drops unused ones (RELAY_PRECONNECT_TIMEOUT_MS, 30 s by
   * default). Default 20 000 ms.
   */
  spareMaxAgeMs?: number;
}

/** The relay transport, plus a way to take the WebSocket handshake off a connection's critical path. */
export interface RelayTransport extends Transport {
  /**
   * Opens a WebSocket to the relay ahead of the next open(), which then only names its target in
   * it (a `connect` request): like a browser's preconnect, the WebSocket handshake is done before
   * the connection is needed. Resolves once that WebSocket is open or has failed (open() then
   * opens its own as usual). At most one is kept; calling again while it is fresh reuses it.
   */
  warm(): Promise<void>;
  /**
   * Closes the WebSocket opened ahead, if any (a page that goes to the background gives its spare
   * back: the relay counts it against the client's concurrency). The next open() opens its own.
   */
  release(): void;
}

const DEFAULT_SPARE_MAX_AGE_MS = 20_000;

/** WebSocket readyState values (WHATWG HTML §9.3). */
const CONNECTING = 0;
const OPEN = 1;

const TRANSPORT_CODES: ReadonlySet<string> = new Set<TransportErrorCode>([...SOCKET_ERROR_CODES, 'POLICY', 'RATE', 'LIMIT', 'RELAY']);

function transportCode(code: RelayErrorCode | string): TransportErrorCode {
  return TRANSPORT_CODES.has(code) ? (code as TransportErrorCode) : 'UNKNOWN';
}

/** What a WebSocket close code means when the relay could not say it with an event first. */
function closeCodeError(code: number, reason: string, opened: boolean): { code: TransportErrorCode; message: string; reason: string } {
  const why = reason ? `: ${reason}` : '';
  // The relay closes with its refusal's word as the close reason (server/relay/session.ts), when it has one.
  const word = /^[a-z0-9-]+$/.test(reason) ? reason : undefined;
  switch (code) {
    case RelayCloseCode.messageTooBig:
      return { code: 'LIMIT', reason: 'frame-too-big', message: `the relay refused a frame larger than its limit${why}` };
    case RelayCloseCode.policyViolation:
      return { code: 'POLICY', reason: word ?? 'policy', message: reason || 'the session broke the relay\u2019s policy (close 1008)' };
    case RelayCloseCode.tryAgainLater:
      return { code: 'LIMIT', reason: word ?? 'busy', message: `the relay is busy; try again later${why}` };
    case RelayCloseCode.sessionLimit:
      return { code: 'LIMIT', reason: word ?? 'session-limit', message: `the relay ended the session at a limit${why}` };
    case RelayCloseCode.goingAway:
      return { code: 'RELAY', reason: 'relay-gone', message: `the relay went away${why}` };
    default:
      return opened
        ? { code: 'RELAY', reason: 'relay-lost', message: `the connection to the relay was lost (WebSocket close ${code})${why}` }
        : { code: 'RELAY', reason: 'relay-unreachable', message: `could not open a WebSocket to the relay (close ${code}); it is unreachable or refused the request${why}` };
  }
}

export function createRelayTransport(options: RelayTransportOptions): RelayTransport {
  const maxAgeMs = options.spareMaxAgeMs ?? DEFAULT_SPARE_MAX_AGE_MS;
  let spare: { ws: WebSocketLike; openedAt: number; ready: Promise<void>; settle: () => void } | undefined;

  function construct(url: string): WebSocketLike {
    const Impl = (options.WebSocketImpl ?? (globalThis as { WebSocket?: unknown }).WebSocket) as WebSocketConstructor | undefined;
    if (!Impl) throw new Error('no WebSocket implementation: pass WebSocketImpl');
    return new Impl(url, RELAY_SUBPROTOCOL);
  }

  const fresh = (s: NonNullable<typeof spare>) => (s.ws.readyState === CONNECTING || s.ws.readyState === OPEN) && Date.now() - s.openedAt < maxAgeMs;

  /** The spare WebSocket if it can still carry a session; a stale one is closed. */
  function takeSpare(): WebSocketLike | undefined {
    const s = spare;
    spare = undefined;
    if (!s) return undefined;
    s.settle();
    if (fresh(s)) return s.ws;
    if (s.ws.readyState === CONNECTING || s.ws.readyState === OPEN) s.ws.close(RelayCloseCode.normal);
    return undefined;
  }

  return {
    name: 'relay',
    warm(): Promise<void> {
      if (spare && fresh(spare)) return spare.ready;
      takeSpare();
      const ws = construct(options.url);
      ws.binaryType = 'arraybuffer';
      let settle = () => {};
      const ready = new Promise<void>((resolve) => (settle = resolve));
      const entry = { ws, openedAt: Date.now(), ready, settle };
      ws.onopen = () => settle();
      ws.onclose = () => {
        if (spare === entry) spare = undefined;
        settle();
      };
      ws.onerror = () => {};
      // The relay says nothing on a session without a target; anything it does say ends it.
      ws.onmessage = () => {};
      spare = entry;
      return ready;
    },
    release(): void {
      const s = spare;
      spare = undefined;
      if (!s) return;
      s.settle();
      if (s.ws.readyState === CONNECTING || s.ws.readyState === OPEN) s.ws.close(RelayCloseCode.normal);
    },
    open(target: TransportTarget, onEvent: (event: TransportEvent) => void): Connection {
      const warmed = takeSpare();
      if (warmed) return new RelayConnection(warmed, onEvent, { type: 'connect', host: target.host, port: target.port });
      const url = new URL(options.url);
      url.searchParams.set('host', target.host);
      url.searchParams.set('port', String(target.port));
      return new RelayConnection(construct(url.toString()), onEvent);
    },
  };
}

class RelayConnection implements Connection {
  private pending: (Uint8Array | string)[] = [];
  private opened = false;
  private finished = false;
  private closeRequested = false;
  private sawError = false;
  private bytesSent = 0;
  private bytesReceived = 0;

  constructor(
    private readonly ws: WebSocketLike,
    private readonly onEvent: (event: TransportEvent) => void,
    /** For a WebSocket opened ahead (warm()): the request naming the target, sent before anything else. */
    connect?: RelayRequest,
  ) {
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      this.opened = true;
      for (const item of this.pending) ws.send(item);
      this.pending = [];
    };
    if (connect) {
      this.opened = ws.readyState === OPEN;
      this.sendOrQueue(JSON.stringify(connect));
    }
    ws.onmessage = (event) => this.onMessage(event.data);
    ws.onclose = (event) => this.onClose(event.code, event.reason);
    // An error is always followed by a close event, which carries what we can know.
    ws.onerror = () => {};
  }

  write(bytes: Uint8Array): void {
    if (this.finished || this.closeRequested || bytes.length === 0) return;
    this.bytesSent += bytes.length;
    this.sendOrQueue(bytes);
  }

  shutdown(): void {
    if (this.finished || this.closeRequested) return;
    this.sendOrQueue(JSON.stringify({ type: 'shutdown' }));
  }

  close(): void {
    if (this.finished || this.closeRequested) return;
    this.closeRequested = true;
    this.pending = [];
    if (this.ws.readyState === CONNECTING || this.ws.readyState === OPEN) this.ws.close(RelayCloseCode.normal);
    else this.finish(this.bytesSent, this.bytesReceived);
  }

  private sendOrQueue(item: Uint8Array | string): void {
    if (this.ws.readyState === OPEN) this.ws.send(item);
    else if (this.ws.readyState === CONNECTING) this.pending.push(item);
  }

  private emit(event: TransportEvent): void {
    if (!this.finished) this.onEvent(event);
  }

  private finish(bytesSent: number, bytesReceived: number): void {
    if (this.finished) return;
    this.emit({ type: 'closed', bytesSent, bytesReceived });
    this.finished = true;
  }

  private onMessage(data: unknown): void {
    if (this.finished || this.closeRequested) return;
    if (typeof data === 'string') {
      const event = parseRelayEvent(data);
      if (event) this.onRelayEvent(event);
      else {
        this.sawError = true;
        this.emit({ type: 'error', code: 'RELAY', reason: 'bad-event', message: 'the relay sent an event this client does not understand' });
      }
      return;
    }
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : undefined;
    if (!bytes) return;
    this.bytesReceived += bytes.length;
    this.emit({ type: 'data', bytes });
  }

  private onRelayEvent(event: RelayEvent): void {
    switch (event.type) {
      case 'resolved':
        this.emit({ type: 'resolved', host: event.host, addresses: event.addresses });
        return;
      case 'connected':
        this.emit({ type: 'connected', remoteAddress: event.remoteAddress, remotePort: event.remotePort, connectMs: event.connectMs });
        return;
      case 'fin':
        this.emit({ type: 'fin' });
        return;
      case 'error':
        this.sawError = true;
        if (event.code === 'ECONNRESET') this.emit({ type: 'reset' });
        else this.emit({ type: 'error', code: transportCode(event.code), reason: event.reason, message: event.message });
        return;
      case 'closed':
        // The relay's counts are what crossed the TCP connection.
        this.finish(event.bytesSent, event.bytesReceived);
        return;
    }
  }

  private onClose(code: number, reason: string): void {
    if (this.finished) return;
    if (!this.closeRequested && !this.sawError) {
      const error = closeCodeError(code, reason, this.opened);
      this.emit({ type: 'error', ...error });
    }
    this.finish(this.bytesSent, this.bytesReceived);
  }
}
