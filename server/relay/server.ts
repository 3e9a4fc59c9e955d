/**
 * The relay's HTTP server: WebSocket upgrades on /relay become sessions; /healthz and /metrics
 * serve operations. Checks that need no session (path, Origin, subprotocol, draining) refuse the
 * upgrade with an HTTP status; admission limits are reported as relay events so the browser can
 * show why. An admitted session plans and dials its target before the WebSocket handshake is
 * answered, so the relay's work overlaps the 101's trip to the client.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { RELAY_PATH, RELAY_SUBPROTOCOL, RelayCloseCode, type RelayEvent } from '../../lib/transport/relayProtocol';
import { resolveConfig, type DemoTarget, type Dialer, type RelayConfig } from './config';
import { ClientLimiter, clientAddress } from './limits';
import { jsonLineLogger } from './log';
import { RelayMetrics } from './metrics';
import { parseRuleList, systemResolver, TargetPolicy } from './policy';
import { RelaySession } from './session';

export interface RelayServer {
  /** The port actually listened on (useful with port 0). */
  readonly port: number;
  readonly host: string;
  /** ws://host:port/relay */
  readonly url: string;
  readonly metrics: RelayMetrics;
  activeSessions(): number;
  /** Replaces the `<name>.test` demo aliases, and the demo targets not running here (name → why). */
  setDemoTargets(targets: Record<string, DemoTarget>, unavailable?: Record<string, string>): void;
  /** Stops accepting, lets sessions finish for drainTimeoutMs, then cuts the rest. */
  close(): Promise<void>;
}

/** The default dialer: a plain TCP connection to an address the policy checked. */
export const dialTcp: Dialer = (address, port) => netConnect({ host: address, port, allowHalfOpen: true });

function ownAddresses(listenHost: string): string[] {
  const addresses = [listenHost];
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) addresses.push(entry.address);
  }
  return addresses;
}

export async function startRelay(partial: Partial<RelayConfig> = {}): Promise<RelayServer> {
  const config = resolveConfig(partial);
  const log = config.log ?? jsonLineLogger;
  const metrics = new RelayMetrics();
  const limiter = new ClientLimiter(config);
  const trustedProxies = parseRuleList('RELAY_TRUSTED_PROXIES', config.trustedProxies).cidrs;
  const sessions = new Set<RelaySession>();
  const sockets = new Set<WebSocket>();
  /** Upgrade sockets of admitted sessions whose WebSocket handshake has not been answered yet. */
  const upgrading = new Set<Duplex>();
  let draining = false;
  let nextId = 1;
  let drained: (() => void) | undefined;

  const server = createServer(
    {
      // Slow or half-sent upgrade requests are cut after headersTimeoutMs (checked this often).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.headersTimeoutMs / 2))),
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.headersTimeoutMs * 2,
    },
    (req, res) => handleRequest(req, res),
  );
  server.keepAliveTimeout = 5_000;
  // Every TCP connection counts, upgraded or not (node:net keeps counting a socket after the
  // upgrade takes it from the HTTP server, until it closes); those over the cap are destroyed
  // before anything is read from them.
  server.maxConnections = config.maxConnections;
  server.on('drop', () => metrics.refusals.inc('max-connections'));

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.maxFrameBytes,
    // Compression would cost memory per session and leak plaintext lengths (CRIME-style); the
    // payload is TLS records, which do not compress anyway.
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: (protocols) => (protocols.has(RELAY_SUBPROTOCOL) ? RELAY_SUBPROTOCOL : false),
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  const policy = new TargetPolicy({
    allowedPorts: config.allowedPorts,
    allowIpLiterals: config.allowIpLiterals,
    allow: config.allow,
    deny: config.deny,
    demoTargets: config.demoTargets,
    unavailableDemoTargets: config.unavailableDemoTargets,
    ownAddresses: ownAddresses(address.address),
    resolve: config.resolve ?? systemResolver(config.dnsTimeoutMs),
    dnsTimeoutMs: config.dnsTimeoutMs,
  });
  const deps = { config, policy, metrics, log, dial: config.dial ?? dialTcp };

  function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      const body = JSON.stringify({ status: draining ? 'draining' : 'ok', activeSessions: sessions.size });
      res.writeHead(draining ? 503 : 200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' });
      res.end(metrics.render({ rssBytes: process.memoryUsage.rss() }));
      return;
    }
    const status = path === RELAY_PATH ? 426 : 404;
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 426 ? `use a WebSocket with subprotocol ${RELAY_SUBPROTOCOL}\n` : 'not found\n');
  }

  function rejectUpgrade(socket: Duplex, status: number, reason: string, message: string, req: IncomingMessage): void {
    metrics.refusals.inc(reason);
    log({ level: 'info', event: 'upgrade-refused', reason, status, peer: req.socket.remoteAddress, origin: req.headers.origin });
    const body = `${message}\n`;
    const retryAfter = status === 503 ? 'Retry-After: 5\r\n' : '';
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n${retryAfter}Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    // end() waits for the client's FIN; a client that never reads or closes must not keep the socket.
    setTimeout(() => socket.destroy(), config.refusalLingerMs).unref();
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://relay.invalid');
    if (url.pathname !== RELAY_PATH) return rejectUpgrade(socket, 404, 'path', 'not found', req);
    if (draining) return rejectUpgrade(socket, 503, 'draining', 'the relay is shutting down', req);
    const origin = req.headers.origin;
    const originAllowed =
      origin === undefined ? config.allowMissingOrigin : config.allowedOrigins.includes('*') || config.allowedOrigins.includes(origin);
    if (!originAllowed) return rejectUpgrade(socket, 403, 'origin', `origin ${origin ?? '(none)'} may not use this relay`, req);
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    if (!offered.includes(RELAY_SUBPROTOCOL)) {
      return rejectUpgrade(socket, 400, 'subprotocol', `offer the WebSocket subprotocol ${RELAY_SUBPROTOCOL}`, req);
    }
    const client = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trustedProxies);
    const info = { id: nextId++, client, origin, host: url.searchParams.get('host'), port: url.searchParams.get('port') };
    // A session to a demo alias is counted against the demo targets' own allowance; one that names
    // no target yet, as the outside world's until it names a demo target (RelaySession).
    const admission = limiter.admit(client, policy.isDemoAlias(info.host) ? 'demo' : 'outside');
    if (!admission.ok) {
      metrics.refusals.inc(admission.reason);
      metrics.errors.inc(admission.code);
      log({ level: 'info', event: 'session-refused', id: info.id, client, origin, host: info.host, port: info.port, reason: admission.reason });
      // The page shows the reason, which only a WebSocket can carry (a browser hides the status
      // of a refused handshake); but the refusal holds no session slot, so it must not hold its
      // socket either: it gets refusalLingerMs to deliver the events and the close frame, and is
      // cut then rather than after ws's 30 s close handshake (a client that never reads would
      // otherwise keep one open file per attempt). maxConnections bounds how many linger at once.
      const cut = setTimeout(() => socket.destroy(), config.refusalLingerMs);
      cut.unref();
      socket.once('close', () => clearTimeout(cut));
      wss.handleUpgrade(req, socket, head, (ws) => {
        track(ws);
        ws.on('error', () => {});
        const events: RelayEvent[] = [
          { type: 'error', code: admission.code, reason: admission.reason, message: admission.message },
          { type: 'closed', bytesSent: 0, bytesReceived: 0, durationMs: 0 },
        ];
        for (const event of events) ws.send(JSON.stringify(event));
        ws.close(RelayCloseCode.tryAgainLater, admission.reason);
      });
      return;
    }
    metrics.sessionsTotal += 1;
    metrics.activeSessions += 1;
    const session = new RelaySession(
      info,
      deps,
      (ended) => {
        sessions.delete(ended);
        admission.release();
        metrics.activeSessions -= 1;
        if (draining && sessions.size === 0) drained?.();
      },
      admission,
    );
    sessions.add(session);
    session.start();
    // Every way ws can refuse the handshake (400 for a bad key or version, or a client gone
    // already) ends with this socket closed and our callback never called.
    const abandon = () => {
      upgrading.delete(socket);
      session.abandon();
    };
    upgrading.add(socket);
    socket.once('close', abandon);
    const answer = () =>
      wss.handleUpgrade(req, socket, head, (ws) => {
        socket.off('close', abandon);
        upgrading.delete(socket);
        track(ws);
        session.attach(ws);
      });
    // ws answers the handshake synchronously. Answering it from setImmediate lets the plan's
    // microtasks and net.connect's next tick run first, so a demo alias or an IP literal has its
    // SYN out (and a name its DNS query, sent inside plan()) before the 101 is written. The 101
    // leaves a little later for it; the client's ClientHello, sent on 'open', waits in the session
    // (early bytes) until the dial completes. Writing the 101 first measured no faster end to end.
    // A session opened ahead of need has nothing to dial yet: its 101 goes at once.
    if (session.awaitingTarget) answer();
    else setImmediate(answer);
  });

  /** WebSockets still open, so close() can cut them once the drain is over. */
  function track(ws: WebSocket): void {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
  }

  const heartbeat = setInterval(() => {
    for (const session of sessions) session.heartbeat();
  }, config.pingIntervalMs);
  heartbeat.unref();
  const prune = setInterval(() => limiter.prune(), 60_000);
  prune.unref();

  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  log({ level: 'info', event: 'listening', host: address.address, port: address.port });

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    draining = true;
    clearInterval(heartbeat);
    clearInterval(prune);
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    if (sessions.size > 0) {
      log({ level: 'info', event: 'draining', activeSessions: sessions.size, drainTimeoutMs: config.drainTimeoutMs });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, config.drainTimeoutMs);
        drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    for (const session of [...sessions]) session.shutdownNow();
    // Give close frames a moment to go out (sessions ended before their handshake was answered
    // send theirs once it is), then drop whatever is left (including half-sent upgrade requests
    // still owned by the HTTP server).
    if (sockets.size > 0 || upgrading.size > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    for (const ws of sockets) ws.terminate();
    for (const socket of upgrading) socket.destroy();
    server.closeAllConnections();
    await serverClosed;
    log({ level: 'info', event: 'closed' });
  }

  return {
    port: address.port,
    host: address.address,
    url: `ws://${host}:${address.port}${RELAY_PATH}`,
    metrics,
    activeSessions: () => sessions.size,
    setDemoTargets: (targets, unavailable) => policy.setDemoTargets(targets, unavailable),
    close: () => (closing ??= close()),
  };
}
