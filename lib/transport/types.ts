/**
 * How bytes move between the engine and a server. `tcp` (Node) and `relay` (browser WebSocket
 * to the relay) implement it. Transport events become trace steps like any TLS message.
 */

export type TransportErrorCode =
  | 'ECONNREFUSED'
  | 'ECONNRESET'
  | 'ETIMEDOUT'
  | 'ENOTFOUND'
  | 'EHOSTUNREACH'
  | 'ENETUNREACH'
  | 'EPIPE'
  /** Relay: the target (host, address, port, first bytes) is not allowed. */
  | 'POLICY'
  /** Relay: too many new sessions from this client in the rate window. */
  | 'RATE'
  /** Relay: a size, count or time limit was reached. */
  | 'LIMIT'
  /** Relay: the client broke the relay protocol, or the relay failed. */
  | 'RELAY'
  | 'UNKNOWN';

/** The socket errors every transport reports by name (the rest are UNKNOWN, or the relay's own). */
export const SOCKET_ERROR_CODES: readonly TransportErrorCode[] = ['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'];

export type TransportEvent =
  /** DNS answer, when the transport resolved the name itself. */
  | { type: 'resolved'; host: string; addresses: string[] }
  | { type: 'connected'; remoteAddress: string; remotePort: number; connectMs: number }
  | { type: 'data'; bytes: Uint8Array }
  /** The server closed its sending side (TCP FIN). Always after the last data byte. */
  | { type: 'fin' }
  /** The connection was reset (TCP RST, ECONNRESET). Always after the last data byte. */
  | { type: 'reset' }
  /**
   * The transport failed. `reason` is the relay's stable word for why (port, ip-literal,
   * address-private, client-rate, idle-timeout…; server/relay), so a view can say it in any language.
   */
  | { type: 'error'; code: TransportErrorCode; message: string; reason?: string }
  /** Both directions are done; no further events follow. */
  | { type: 'closed'; bytesSent: number; bytesReceived: number };

export interface TransportTarget {
  host: string;
  port: number;
}

export interface Connection {
  write(bytes: Uint8Array): void;
  /** Half-close: send FIN, keep reading. */
  shutdown(): void;
  /** Tear down both directions. */
  close(): void;
}

export interface Transport {
  readonly name: string;
  /** Opens a connection; every event, including failures to connect, arrives through `onEvent`. */
  open(target: TransportTarget, onEvent: (event: TransportEvent) => void): Connection;
}
