/**
 * One relayed session: a client's WebSocket joined to one TCP connection. The session plans the
 * target (policy, DNS), dials only a checked address, then pipes bytes both ways with
 * backpressure, reporting the TCP connection's life as JSON events in the order it happened.
 *
 * A session starts when the upgrade request is admitted, before the WebSocket handshake is
 * answered, so planning (DNS) overlaps the 101 on its way to the client. The dial waits for the
 * client's first record to prove to be one whole, well-formed ClientHello (clientHello.ts): a
 * client that sends anything else never makes the relay open a connection to the target at all.
 * Until the WebSocket is attached, what the session would send (events and server bytes) waits in
 * an outbox, in order; if the handshake never completes the session is abandoned.
 */
import type { Socket } from 'node:net';
import { WebSocket, type RawData } from 'ws';
import { RelayCloseCode, type RelayErrorCode, type RelayEvent } from '../../lib/transport/relayProtocol';
import { checkClientHello } from './clientHello';
import type { Dialer, Logger, RelayConfig } from './config';
import type { RelayMetrics } from './metrics';
import type { Refusal, TargetPlan, TargetPolicy } from './policy';

export interface SessionDeps {
  config: RelayConfig;
  policy: TargetPolicy;
  metrics: RelayMetrics;
  log: Logger;
  dial: Dialer;
}

export interface SessionInfo {
  id: number;
  client: string;
  origin: string | undefined;
  host: string | null;
  port: string | null;
}

/**
 * awaiting-target: opened without a target (preconnect), waiting for the client's `connect`.
 * awaiting-hello: the target is approved; the dial waits for the whole ClientHello record.
 */
type Phase = 'awaiting-target' | 'planning' | 'awaiting-hello' | 'connecting' | 'open' | 'done';

/** Something for the client: a JSON event or server bytes (a binary frame). */
type Outgoing = RelayEvent | Buffer;

const TCP_ERROR_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

function tcpErrorCode(err: NodeJS.ErrnoException): RelayErrorCode {
  return err.code && TCP_ERROR_CODES.has(err.code) ? (err.code as RelayErrorCode) : 'UNKNOWN';
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export class RelaySession {
  /** The client's WebSocket, once its handshake has completed (attach). */
  private ws: WebSocket | undefined;
  /** What the session sent before attach, in order; attach delivers it. */
  private outbox: Outgoing[] = [];
  /** Server bytes in the outbox, counted against bufferHighWaterBytes like the WebSocket's buffer. */
  private outboxBytes = 0;
  /** The session ended before attach: the close the WebSocket gets right after the outbox. */
  private closeOnAttach: { code: number; reason: string } | undefined;
  /** The WebSocket handshake failed: there is no client to tell anything. */
  private abandoned = false;
  /** Cleared on each ping, set by the pong; a client that misses one is gone. */
  private alive = true;
  private phase: Phase = 'planning';
  private plan: TargetPlan | undefined;
  private socket: Socket | undefined;
  /** Client bytes held until the TCP connection is up and the ClientHello check has passed. */
  private early: Buffer[] = [];
  private earlyBytes = 0;
  private helloPrefix: Buffer = Buffer.alloc(0);
  private helloChecked: boolean;
  /** Bytes accepted from the client (counted against the cap as they arrive). */
  private bytesAccepted = 0;
  /** Bytes handed to the TCP socket. */
  private bytesSent = 0;
  /** Bytes read from the TCP socket. */
  private bytesReceived = 0;
  private clientShutdown = false;
  private targetFin = false;
  private socketPaused = false;
  private remote: string | undefined;
  private connectMs: number | undefined;
  private lastError: { code: RelayErrorCode; reason: string } | undefined;
  private readonly startedMs = performance.now();
  private sessionTimer: NodeJS.Timeout | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private preconnectTimer: NodeJS.Timeout | undefined;
  private helloTimer: NodeJS.Timeout | undefined;
  /** Opened without a target, named later by a `connect` request. */
  private readonly preconnected: boolean;

  constructor(
    readonly info: SessionInfo,
    private readonly deps: SessionDeps,
    private readonly onEnd: (session: RelaySession) => void,
    /** The limiter's admission of this session (limits.ts): a demo target named later is counted as one. */
    private readonly admission?: { countAsDemo(): { code: 'RATE'; reason: string; message: string } | undefined },
  ) {
    this.helloChecked = !deps.config.requireClientHello;
    this.preconnected = info.host === null && info.port === null;
  }

  /** Opened ahead of need without a target: nothing to plan or dial until the client names one. */
  get awaitingTarget(): boolean {
    return this.phase === 'awaiting-target';
  }

  get done(): boolean {
    return this.phase === 'done';
  }

  /** Plans the target and dials it (the WebSocket may not exist yet), or waits to be told the target. */
  start(): void {
    const { sessionTimeoutMs, preconnectTimeoutMs } = this.deps.config;
    this.sessionTimer = setTimeout(() => this.limit('session-timeout', `the session reached its time limit of ${sessionTimeoutMs} ms`), sessionTimeoutMs);
    if (this.preconnected) {
      this.phase = 'awaiting-target';
      // Unused, it is just a held slot: give it back quietly (the client stops using it earlier).
      this.preconnectTimer = setTimeout(() => this.finish(RelayCloseCode.normal, 'preconnect-timeout'), preconnectTimeoutMs);
      return;
    }
    this.awaitHello();
    void this.approveTarget();
  }

  /** From the moment the target is known, the whole ClientHello record has helloTimeoutMs to arrive. */
  private awaitHello(): void {
    if (this.helloChecked) return;
    const { helloTimeoutMs } = this.deps.config;
    this.helloTimer = setTimeout(() => {
      if (!this.helloChecked) this.limit('hello-timeout', `no complete ClientHello record within ${helloTimeoutMs} ms; nothing was sent to the server`);
    }, helloTimeoutMs);
  }

  /** The first frame of a session opened without a target must be `{"type":"connect",host,port}`. */
  private onConnectRequest(data: RawData, isBinary: boolean): void {
    const refuse = (message: string) => this.protocolError('bad-control', message);
    if (isBinary) return refuse('the client sent data before naming its target with a connect request');
    let request: unknown;
    try {
      request = JSON.parse(toBuffer(data).toString('utf8'));
    } catch {
      return refuse('a text frame from the client is not JSON');
    }
    const r = request as { type?: unknown; host?: unknown; port?: unknown } | null;
    if (typeof r !== 'object' || r === null || r.type !== 'connect') return refuse('a session opened without a target must name one first: {"type":"connect","host":…,"port":…}');
    if (typeof r.host !== 'string' || typeof r.port !== 'number' || !Number.isInteger(r.port)) return refuse('connect needs a string host and an integer port');
    clearTimeout(this.preconnectTimer);
    // Admitted as the outside world's until now: a demo target moves it to the demo allowance.
    const overRate = this.deps.policy.isDemoAlias(r.host) ? this.admission?.countAsDemo() : undefined;
    if (overRate) {
      this.sendError(overRate.code, overRate.reason, overRate.message);
      this.finish(RelayCloseCode.tryAgainLater, overRate.reason);
      return;
    }
    // From here on exactly as if host and port had been in the upgrade's query.
    this.info.host = r.host;
    this.info.port = String(r.port);
    this.phase = 'planning';
    this.awaitHello();
    void this.approveTarget();
  }

  /**
   * The WebSocket handshake completed: deliver the outbox in order, then carry on as a live
   * session — or, if the session already ended, close the WebSocket as finish() would have.
   */
  attach(ws: WebSocket): void {
    if (this.ws) throw new Error(`relay session ${this.info.id} is already attached`);
    if (this.abandoned) {
      ws.terminate();
      return;
    }
    this.ws = ws;
    ws.on('message', (data, isBinary) => this.onClientMessage(data, isBinary));
    ws.on('close', () => this.finish(RelayCloseCode.normal, 'client-closed'));
    ws.on('error', (err: Error & { code?: string }) => this.onClientError(err));
    ws.on('pong', () => {
      this.alive = true;
    });
    const outbox = this.outbox;
    this.outbox = [];
    this.outboxBytes = 0;
    for (const item of outbox) {
      if (Buffer.isBuffer(item)) this.sendBytes(item);
      else this.send(item);
    }
    if (this.closeOnAttach && ws.readyState === WebSocket.OPEN) ws.close(this.closeOnAttach.code, this.closeOnAttach.reason);
  }

  /**
   * The WebSocket handshake will not complete (ws refused it, or the client left first): drop the
   * TCP connection and whatever was meant for the client, and end (once) with close reason
   * handshake-failed. Nothing to do once attached: the WebSocket's own close ends the session.
   */
  abandon(): void {
    if (this.ws || this.abandoned) return;
    this.abandoned = true;
    this.outbox = [];
    this.outboxBytes = 0;
    this.finish(RelayCloseCode.normal, 'handshake-failed');
  }

  /** Called every ping interval by the server. */
  heartbeat(): void {
    if (this.done || !this.ws) return;
    if (!this.alive) {
      this.ws.terminate();
      this.finish(RelayCloseCode.goingAway, 'ping-timeout');
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  /** The relay is stopping and the drain time is over. */
  shutdownNow(): void {
    if (this.done) return;
    this.sendError('RELAY', 'relay-shutdown', 'the relay is shutting down');
    this.finish(RelayCloseCode.goingAway, 'relay-shutdown');
  }

  private send(event: RelayEvent): void {
    if (!this.ws) {
      if (!this.abandoned) this.outbox.push(event);
    } else if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(event));
  }

  private sendBytes(chunk: Buffer): void {
    if (!this.ws) {
      this.outbox.push(chunk);
      this.outboxBytes += chunk.length;
    } else this.ws.send(chunk, { binary: true }, () => this.onSentToClient());
  }

  /** Bytes on their way to the client that it has not taken yet. */
  private get bufferedToClient(): number {
    return this.ws ? this.ws.bufferedAmount : this.outboxBytes;
  }

  private sendError(code: RelayErrorCode, reason: string, message: string): void {
    this.lastError = { code, reason };
    this.deps.metrics.errors.inc(code);
    if (code === 'POLICY' || code === 'RATE' || code === 'LIMIT') this.deps.metrics.refusals.inc(reason);
    this.send({ type: 'error', code, reason, message });
  }

  private refuse(refusal: Refusal): void {
    this.sendError(refusal.code, refusal.reason, refusal.message);
    this.finish(refusal.code === 'POLICY' ? RelayCloseCode.policyViolation : RelayCloseCode.normal, refusal.reason);
  }

  private limit(reason: string, message: string): void {
    if (this.done) return;
    this.sendError('LIMIT', reason, message);
    this.finish(RelayCloseCode.sessionLimit, reason);
  }

  private protocolError(reason: string, message: string): void {
    this.sendError('RELAY', reason, message);
    this.finish(RelayCloseCode.protocolError, reason);
  }

  /** Approves the target (policy, DNS), then dials it once the ClientHello has passed. */
  private async approveTarget(): Promise<void> {
    let result;
    try {
      result = await this.deps.policy.plan(this.info.host, this.info.port);
    } catch (err) {
      if (this.done) return;
      this.sendError('RELAY', 'internal', `the relay failed to plan the connection: ${(err as Error).message}`);
      this.finish(RelayCloseCode.internalError, 'internal');
      return;
    }
    if (this.done) return;
    if (!result.ok) {
      this.refuse(result.refusal);
      return;
    }
    const plan = result.plan;
    this.plan = plan;
    if (plan.kind === 'demo') this.send({ type: 'resolved', host: plan.host, addresses: [plan.address] });
    else if (!plan.literal) this.send({ type: 'resolved', host: plan.host, addresses: plan.addresses });
    this.phase = 'awaiting-hello';
    this.dialWhenReady();
  }

  /** Dials once both have happened: the target is approved, and the ClientHello record has passed. */
  private dialWhenReady(): void {
    if (this.phase !== 'awaiting-hello' || !this.helloChecked) return;
    clearTimeout(this.helloTimer);
    this.phase = 'connecting';
    const plan = this.plan!;
    const addresses = plan.kind === 'demo' ? [plan.address] : plan.addresses;
    this.dial(addresses, 0, Date.now() + this.deps.config.connectTimeoutMs);
  }

  /** Tries the checked addresses in order until one answers or the shared deadline passes. */
  private dial(addresses: string[], index: number, deadline: number): void {
    const address = addresses[index];
    const port = this.plan!.port;
    const startedMs = performance.now();
    let socket: Socket;
    try {
      socket = this.deps.dial(address, port);
    } catch (err) {
      this.sendError('UNKNOWN', 'connect', `could not dial ${address} port ${port}: ${(err as Error).message}`);
      this.finish(RelayCloseCode.normal, 'connect');
      return;
    }
    this.socket = socket;
    let connected = false;
    this.connectTimer = setTimeout(
      () => {
        if (connected || this.socket !== socket) return;
        socket.destroy();
        this.sendError('ETIMEDOUT', 'connect-timeout', `no answer from ${address} port ${port} within ${this.deps.config.connectTimeoutMs} ms`);
        this.finish(RelayCloseCode.normal, 'connect-timeout');
      },
      Math.max(0, deadline - Date.now()),
    );
    socket.once('connect', () => {
      clearTimeout(this.connectTimer);
      connected = true;
      this.onConnected(socket, performance.now() - startedMs);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (this.socket !== socket || this.done) return;
      if (!connected) {
        clearTimeout(this.connectTimer);
        if (index + 1 < addresses.length && Date.now() < deadline) {
          socket.destroy();
          this.dial(addresses, index + 1, deadline);
          return;
        }
        this.sendError(tcpErrorCode(err), 'connect', `connecting to ${address} port ${port} failed: ${err.code ?? err.message}`);
        this.finish(RelayCloseCode.normal, 'connect');
        return;
      }
      // EPIPE on a write means the same as ECONNRESET on a read: an RST arrived (we never write
      // after our own FIN), so both are the server's reset.
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') this.sendError('ECONNRESET', 'reset', 'the server reset the connection (TCP RST)');
      else this.sendError(tcpErrorCode(err), 'target-error', `the connection to the server failed: ${err.code ?? err.message}`);
    });
    socket.on('close', () => {
      if (this.socket !== socket || !connected) return;
      this.finish(RelayCloseCode.normal, this.lastError?.reason ?? (this.targetFin && this.clientShutdown ? 'completed' : 'target-closed'));
    });
  }

  private onConnected(socket: Socket, connectMs: number): void {
    if (this.done) {
      socket.destroy();
      return;
    }
    this.phase = 'open';
    this.connectMs = Math.round(connectMs * 100) / 100;
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.deps.metrics.observeConnect(connectMs);
    socket.setNoDelay(true);
    this.send({ type: 'connected', remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0, connectMs: this.connectMs });
    const { idleTimeoutMs } = this.deps.config;
    // Socket inactivity covers both directions: client bytes become writes on this socket.
    socket.setTimeout(idleTimeoutMs, () => this.limit('idle-timeout', `no bytes either way for ${idleTimeoutMs} ms`));
    socket.on('data', (chunk: Buffer) => this.onTargetData(chunk));
    // 'end' is emitted after the last 'data', and ws sends in order: fin follows the last byte.
    socket.on('end', () => {
      this.targetFin = true;
      this.send({ type: 'fin' });
    });
    socket.on('drain', () => {
      if (this.ws?.isPaused) this.ws.resume();
    });
    this.flushEarly();
  }

  private onTargetData(chunk: Buffer): void {
    if (this.done) return;
    const { maxBytesPerDirection, bufferHighWaterBytes } = this.deps.config;
    if (this.bytesReceived + chunk.length > maxBytesPerDirection) {
      this.limit('bytes-down', `the server sent more than ${maxBytesPerDirection} bytes`);
      return;
    }
    this.bytesReceived += chunk.length;
    this.deps.metrics.bytes.inc('target_to_client', chunk.length);
    this.sendBytes(chunk);
    if (!this.socketPaused && this.bufferedToClient > bufferHighWaterBytes) {
      // The client reads slower than the server writes: stop reading; TCP flow control
      // (RFC 9293 §3.8.6 window) then slows the server down.
      this.socketPaused = true;
      this.socket?.pause();
    }
  }

  private onSentToClient(): void {
    if (this.socketPaused && !this.done && this.bufferedToClient <= this.deps.config.bufferHighWaterBytes / 2) {
      this.socketPaused = false;
      this.socket?.resume();
    }
  }

  private onClientMessage(data: RawData, isBinary: boolean): void {
    if (this.done) return;
    if (this.phase === 'awaiting-target') return this.onConnectRequest(data, isBinary);
    const bytes = toBuffer(data);
    if (!isBinary) {
      this.onClientControl(bytes.toString('utf8'));
      return;
    }
    if (this.clientShutdown) {
      this.protocolError('data-after-shutdown', 'the client sent data after its half-close');
      return;
    }
    const { maxBytesPerDirection, maxEarlyBytes } = this.deps.config;
    if (this.bytesAccepted + bytes.length > maxBytesPerDirection) {
      this.limit('bytes-up', `the client sent more than ${maxBytesPerDirection} bytes`);
      return;
    }
    this.bytesAccepted += bytes.length;
    if (!this.helloChecked && bytes.length > 0) {
      // Only the first record is judged (one whole ClientHello, at most 5 + 2^14 bytes); every
      // byte stays held in `early` until it has passed.
      this.helloPrefix = Buffer.concat([this.helloPrefix, bytes]).subarray(0, 5 + 16384);
      const verdict = checkClientHello(this.helloPrefix);
      if (verdict.kind === 'refused') {
        this.refuse({ code: 'POLICY', reason: 'not-client-hello', message: verdict.message });
        return;
      }
      if (verdict.kind === 'ok') {
        this.helloChecked = true;
        this.helloPrefix = Buffer.alloc(0);
      }
    }
    this.early.push(bytes);
    this.earlyBytes += bytes.length;
    if (this.phase === 'open' && this.helloChecked) this.flushEarly();
    else if (this.earlyBytes > maxEarlyBytes) {
      this.limit('early-bytes', `the client sent more than ${maxEarlyBytes} bytes before the connection was ready`);
    } else this.dialWhenReady();
  }

  private onClientControl(text: string): void {
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch {
      this.protocolError('bad-control', 'a text frame from the client is not JSON');
      return;
    }
    const type = typeof request === 'object' && request !== null ? (request as { type?: unknown }).type : undefined;
    if (type === 'connect') {
      this.protocolError('bad-control', 'connect names the target of a session opened without one, as its first frame only');
      return;
    }
    if (type !== 'shutdown') {
      this.protocolError('bad-control', 'the requests a client may send are {"type":"connect",…} (first, without a target) and {"type":"shutdown"}');
      return;
    }
    if (this.clientShutdown) return;
    if (!this.helloChecked) {
      this.refuse({ code: 'POLICY', reason: 'not-client-hello', message: 'the client half-closed before sending a ClientHello' });
      return;
    }
    this.clientShutdown = true;
    if (this.phase === 'open') this.flushEarly();
  }

  /** Writes held client bytes to the server, then the half-close if the client asked for one. */
  private flushEarly(): void {
    const socket = this.socket;
    if (!socket || !this.helloChecked) return;
    let writable = true;
    for (const chunk of this.early) {
      this.bytesSent += chunk.length;
      this.deps.metrics.bytes.inc('client_to_target', chunk.length);
      writable = socket.write(chunk);
    }
    this.early = [];
    this.earlyBytes = 0;
    // The kernel and the socket buffer are full: stop reading WebSocket frames until 'drain'.
    if (!writable && this.ws && !this.ws.isPaused) this.ws.pause();
    if (this.clientShutdown && !socket.writableEnded) socket.end();
  }

  private onClientError(err: Error & { code?: string }): void {
    if (this.done) return;
    // The ws library closes the connection itself after these (1009, 1002, 1007).
    if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      this.deps.metrics.errors.inc('LIMIT');
      this.deps.metrics.refusals.inc('frame-too-large');
      this.finish(RelayCloseCode.messageTooBig, 'frame-too-large');
      return;
    }
    this.deps.metrics.errors.inc('RELAY');
    this.finish(RelayCloseCode.protocolError, 'client-websocket-error');
  }

  /** Ends the session once: sends `closed`, closes both sides, logs, and releases limits. */
  private finish(closeCode: number, reason: string): void {
    if (this.done) return;
    this.phase = 'done';
    clearTimeout(this.sessionTimer);
    clearTimeout(this.connectTimer);
    clearTimeout(this.preconnectTimer);
    clearTimeout(this.helloTimer);
    if (this.socket && !this.socket.destroyed) this.socket.destroy();
    if (this.ws?.isPaused) this.ws.resume();
    const durationMs = Math.round(performance.now() - this.startedMs);
    const closed: RelayEvent = { type: 'closed', bytesSent: this.bytesSent, bytesReceived: this.bytesReceived, durationMs };
    if (!this.ws) {
      if (!this.abandoned) {
        this.send(closed);
        this.closeOnAttach = { code: closeCode, reason: reason.slice(0, 120) };
      }
    } else if (this.ws.readyState === WebSocket.OPEN) {
      this.send(closed);
      this.ws.close(closeCode, reason.slice(0, 120));
    }
    this.deps.metrics.closes.inc(reason);
    const plan = this.plan;
    this.deps.log({
      level: 'info',
      event: 'session',
      id: this.info.id,
      client: this.info.client,
      origin: this.info.origin,
      host: this.info.host,
      port: this.info.port,
      preconnected: this.preconnected || undefined,
      demo: plan?.kind === 'demo' ? true : undefined,
      resolved: plan?.kind === 'address' && !plan.literal ? plan.addresses : undefined,
      remote: this.remote,
      connectMs: this.connectMs,
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      durationMs,
      targetFin: this.targetFin,
      clientShutdown: this.clientShutdown,
      error: this.lastError?.code,
      close: reason,
    });
    this.onEnd(this);
  }
}
