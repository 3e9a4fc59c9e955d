/**
 * Relay configuration: every limit has a default here and an environment variable in
 * relayConfigFromEnv (documented in docs/relay-protocol.md).
 */
import type { Socket } from 'node:net';

/** Resolves a host name to IP address strings (A and AAAA answers). */
export type Resolver = (host: string) => Promise<string[]>;

/** Opens a TCP connection to an IP address the policy has already checked. */
export type Dialer = (address: string, port: number) => Socket;

/** One structured log record; never contains payload bytes. */
export type LogRecord = Record<string, string | number | boolean | undefined | null | string[]>;
export type Logger = (record: LogRecord) => void;

export interface DemoTarget {
  host: string;
  port: number;
}

export interface RelayConfig {
  /** Listening address. */
  host: string;
  /** Listening port; 0 picks a free one (tests). */
  port: number;
  /** Destination ports a client may ask for. */
  allowedPorts: number[];
  /** Exact Origin header values allowed to open sessions; ['*'] allows any. */
  allowedOrigins: string[];
  /** Whether an upgrade without an Origin header (a non-browser client) is accepted. */
  allowMissingOrigin: boolean;
  /** Addresses / CIDRs of reverse proxies whose X-Forwarded-For is believed. */
  trustedProxies: string[];
  /** Concurrent sessions per client address (IPv6 clients: per /64). */
  maxSessionsPerClient: number;
  /**
   * New sessions per client address per minute to the outside world, and of sessions opened before
   * naming a target until they name a demo target (token bucket, burst = this many).
   */
  newSessionsPerMinute: number;
  /**
   * New sessions per client address per minute to the built-in demo targets (`<name>.test`, dialed
   * on loopback): an allowance of their own, so that a page of demo runs reloaded often does not
   * spend the one that guards the outside world.
   */
  demoSessionsPerMinute: number;
  /** Concurrent sessions over all clients. */
  maxSessions: number;
  /**
   * Open TCP connections over all clients, whatever they are doing (sessions, refused upgrades
   * still saying why, slow request headers, health checks). Connections over it are closed at
   * once, before a byte is read: the file descriptors a client can make the relay hold are bounded.
   */
  maxConnections: number;
  /**
   * How long a refused session's WebSocket may take to deliver its error and close frame before
   * the socket is cut (a client that never reads must not hold it for the close handshake).
   */
  refusalLingerMs: number;
  /** DNS resolution time limit. */
  dnsTimeoutMs: number;
  /** TCP connect time limit, over all resolved addresses together. */
  connectTimeoutMs: number;
  /** A session with no TCP bytes either way for this long is closed. */
  idleTimeoutMs: number;
  /** Total lifetime of a session. */
  sessionTimeoutMs: number;
  /** A session opened without a target (preconnect) must name one within this long. */
  preconnectTimeoutMs: number;
  /** Byte cap for each direction of a session. */
  maxBytesPerDirection: number;
  /** Largest WebSocket message accepted from a client (ws maxPayload). */
  maxFrameBytes: number;
  /** Client bytes the relay holds while the TCP connection is still being set up. */
  maxEarlyBytes: number;
  /** Bytes queued towards the client before the relay stops reading from the server. */
  bufferHighWaterBytes: number;
  /**
   * The first client bytes must be one complete, well-formed TLS ClientHello record, and the relay
   * dials only once they are.
   */
  requireClientHello: boolean;
  /** How long a session may take to send that whole ClientHello record (from its start). */
  helloTimeoutMs: number;
  /** Accept targets given as IP addresses (still subject to the address policy). */
  allowIpLiterals: boolean;
  /**
   * Entries that are CIDRs / addresses exempt those addresses from the range refusal. Entries
   * that are host names (`example.com`, `*.example.com`) switch to allow-list mode: only those
   * hosts (and the demo aliases) may be reached.
   */
  allow: string[];
  /** CIDRs / addresses and host name patterns that are always refused. */
  deny: string[];
  /** Demo aliases: `<name>.test` reaches host:port (loopback); reachable only by this name. */
  demoTargets: Record<string, DemoTarget>;
  /**
   * Built-in demo targets that are not running here (a program they need is missing): name → the
   * sentence saying why. A session to `<name>.test` is refused with it (`demo-not-running`).
   */
  unavailableDemoTargets: Record<string, string>;
  /** WebSocket ping period; a client that misses one pong is dropped. */
  pingIntervalMs: number;
  /** On close(), how long active sessions may run before they are cut. */
  drainTimeoutMs: number;
  /** Time allowed for a client to send the HTTP upgrade request headers. */
  headersTimeoutMs: number;
  /** Injectable for tests; default: the system's DNS servers through c-ares. */
  resolve?: Resolver;
  /** Injectable for tests; default: node:net connect to the checked address. */
  dial?: Dialer;
  /** Default: JSON lines on stdout. */
  log?: Logger;
}

export const DEFAULT_RELAY_CONFIG: RelayConfig = {
  host: '127.0.0.1',
  port: 8090,
  allowedPorts: [443, 8443],
  allowedOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'],
  allowMissingOrigin: true,
  trustedProxies: [],
  maxSessionsPerClient: 8,
  newSessionsPerMinute: 60,
  demoSessionsPerMinute: 600,
  maxSessions: 2000,
  maxConnections: 2500,
  refusalLingerMs: 1_000,
  dnsTimeoutMs: 5_000,
  connectTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  sessionTimeoutMs: 300_000,
  preconnectTimeoutMs: 30_000,
  maxBytesPerDirection: 16 * 1024 * 1024,
  maxFrameBytes: 256 * 1024,
  maxEarlyBytes: 64 * 1024,
  bufferHighWaterBytes: 1024 * 1024,
  requireClientHello: true,
  helloTimeoutMs: 10_000,
  allowIpLiterals: false,
  allow: [],
  deny: [],
  demoTargets: {},
  unavailableDemoTargets: {},
  pingIntervalMs: 30_000,
  drainTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function integer(name: string, value: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^[0-9]+$/.test(value.trim())) throw new ConfigError(`${name} must be a whole number, got "${value}"`);
  const n = Number(value.trim());
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function flag(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name} must be 1/0, true/false, yes/no or on/off, got "${value}"`);
}

function ports(name: string, value: string | undefined): number[] | undefined {
  return list(value)?.map((p) => integer(name, p, 1, 65535) as number);
}

/** Reads the RELAY_* environment variables; unset ones keep their defaults. */
export function relayConfigFromEnv(env: Record<string, string | undefined>): Partial<RelayConfig> {
  const config: Partial<RelayConfig> = {
    host: env.RELAY_HOST?.trim() || undefined,
    port: integer('RELAY_PORT', env.RELAY_PORT, 0, 65535),
    allowedPorts: ports('RELAY_ALLOWED_PORTS', env.RELAY_ALLOWED_PORTS),
    allowedOrigins: list(env.RELAY_ALLOWED_ORIGINS),
    allowMissingOrigin: flag('RELAY_ALLOW_MISSING_ORIGIN', env.RELAY_ALLOW_MISSING_ORIGIN),
    trustedProxies: list(env.RELAY_TRUSTED_PROXIES),
    maxSessionsPerClient: integer('RELAY_MAX_PER_IP', env.RELAY_MAX_PER_IP, 1),
    newSessionsPerMinute: integer('RELAY_RATE_PER_MIN', env.RELAY_RATE_PER_MIN, 1),
    demoSessionsPerMinute: integer('RELAY_DEMO_RATE_PER_MIN', env.RELAY_DEMO_RATE_PER_MIN, 1),
    maxSessions: integer('RELAY_MAX_SESSIONS', env.RELAY_MAX_SESSIONS, 1),
    maxConnections: integer('RELAY_MAX_CONNECTIONS', env.RELAY_MAX_CONNECTIONS, 1),
    refusalLingerMs: integer('RELAY_REFUSAL_LINGER_MS', env.RELAY_REFUSAL_LINGER_MS, 0),
    dnsTimeoutMs: integer('RELAY_DNS_TIMEOUT_MS', env.RELAY_DNS_TIMEOUT_MS, 1),
    connectTimeoutMs: integer('RELAY_CONNECT_TIMEOUT_MS', env.RELAY_CONNECT_TIMEOUT_MS, 1),
    idleTimeoutMs: integer('RELAY_IDLE_TIMEOUT_MS', env.RELAY_IDLE_TIMEOUT_MS, 1),
    sessionTimeoutMs: integer('RELAY_SESSION_TIMEOUT_MS', env.RELAY_SESSION_TIMEOUT_MS, 1),
    preconnectTimeoutMs: integer('RELAY_PRECONNECT_TIMEOUT_MS', env.RELAY_PRECONNECT_TIMEOUT_MS, 1),
    maxBytesPerDirection: integer('RELAY_MAX_BYTES', env.RELAY_MAX_BYTES, 1),
    maxFrameBytes: integer('RELAY_MAX_FRAME', env.RELAY_MAX_FRAME, 64),
    maxEarlyBytes: integer('RELAY_MAX_EARLY_BYTES', env.RELAY_MAX_EARLY_BYTES, 6),
    bufferHighWaterBytes: integer('RELAY_BUFFER_BYTES', env.RELAY_BUFFER_BYTES, 1024),
    requireClientHello: flag('RELAY_REQUIRE_CLIENT_HELLO', env.RELAY_REQUIRE_CLIENT_HELLO),
    helloTimeoutMs: integer('RELAY_HELLO_TIMEOUT_MS', env.RELAY_HELLO_TIMEOUT_MS, 1),
    allowIpLiterals: flag('RELAY_ALLOW_IP_LITERALS', env.RELAY_ALLOW_IP_LITERALS),
    allow: list(env.RELAY_ALLOW),
    deny: list(env.RELAY_DENY),
    pingIntervalMs: integer('RELAY_PING_INTERVAL_MS', env.RELAY_PING_INTERVAL_MS, 100),
    drainTimeoutMs: integer('RELAY_DRAIN_TIMEOUT_MS', env.RELAY_DRAIN_TIMEOUT_MS, 0),
    headersTimeoutMs: integer('RELAY_HEADERS_TIMEOUT_MS', env.RELAY_HEADERS_TIMEOUT_MS, 100),
  };
  for (const key of Object.keys(config) as (keyof RelayConfig)[]) {
    if (config[key] === undefined) delete config[key];
  }
  return config;
}

export function resolveConfig(partial: Partial<RelayConfig>): RelayConfig {
  const config: RelayConfig = { ...DEFAULT_RELAY_CONFIG };
  for (const [key, value] of Object.entries(partial)) {
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  }
  return config;
}
