/**
 * The relay's wire protocol, shared by the relay (server/relay) and the browser transport
 * (lib/transport/relay.ts). docs/relay-protocol.md is the prose version of this file.
 *
 * Binary WebSocket frames carry raw TCP bytes both ways. Text frames carry one JSON object each:
 * control events from the relay to the client, and control requests from the client.
 */

import type { TransportErrorCode } from './types';

/** The WebSocket subprotocol (RFC 6455 §1.9). A new major version gets a new name. */
export const RELAY_SUBPROTOCOL = 'tls-playground.relay.v1';

/**
 * The HTTP path the relay accepts upgrades on. The target goes in the query (`?host=H&port=P`), or,
 * for a WebSocket opened ahead of need (preconnect), in a `connect` request as its first frame.
 */
export const RELAY_PATH = '/relay';

/** Error codes the relay reports: the same codes every transport reports (lib/transport/types.ts). */
export type RelayErrorCode = TransportErrorCode;

export type RelayEvent =
  /** The relay resolved the host name itself; it will dial only one of these (checked) addresses. */
  | { type: 'resolved'; host: string; addresses: string[] }
  /** The TCP handshake completed; connectMs counts from the dial of this address. */
  | { type: 'connected'; remoteAddress: string; remotePort: number; connectMs: number }
  /** The server sent FIN (closed its sending side). Sent after the last binary frame of data. */
  | { type: 'fin' }
  /**
   * Something failed. `reason` is a stable machine-readable word (metrics label), `message` a
   * sentence for humans. ECONNRESET (the server sent RST) comes after the last binary frame.
   */
  | { type: 'error'; code: RelayErrorCode; reason: string; message: string }
  /** The session is over; bytes counted on the TCP side from the client's point of view. */
  | { type: 'closed'; bytesSent: number; bytesReceived: number; durationMs: number };

/** Requests the client may send as text frames. */
export type RelayRequest =
  /**
   * Names the target of a session opened without one (no query): the first frame of such a
   * session, and only there. Everything then goes as if the target had been in the query.
   */
  | { type: 'connect'; host: string; port: number }
  /** Half-close: the relay sends FIN to the server after every byte already sent, keeps reading. */
  | { type: 'shutdown' };

/**
 * WebSocket close codes the relay uses (RFC 6455 §7.4.1; 4000–4999 are private use). The JSON
 * events say what happened; the close code is the fallback when they could not be delivered.
 */
export const RelayCloseCode = {
  /** The session ended; a `closed` event was sent first. */
  normal: 1000,
  /** The relay is shutting down (drain timeout elapsed) or the client stopped answering pings. */
  goingAway: 1001,
  /** The client broke this protocol (unknown text frame, malformed JSON). */
  protocolError: 1002,
  /** The target or the first bytes were refused by policy (POLICY). */
  policyViolation: 1008,
  /** A frame larger than the relay's maximum (RELAY_MAX_FRAME). Sent by the ws library itself. */
  messageTooBig: 1009,
  /** Unexpected relay failure. */
  internalError: 1011,
  /** Rate or concurrency limit; try again later (RATE, LIMIT for concurrency). */
  tryAgainLater: 1013,
  /** A per-session limit (bytes, idle or session time) ended the session (LIMIT). */
  sessionLimit: 4001,
} as const;

export type RelayCloseCode = (typeof RelayCloseCode)[keyof typeof RelayCloseCode];

/** Parses a relay text frame; returns undefined for anything that is not a well-formed event. */
export function parseRelayEvent(text: string): RelayEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  switch (v.type) {
    case 'resolved':
      if (typeof v.host === 'string' && Array.isArray(v.addresses) && v.addresses.every((a) => typeof a === 'string')) {
        return { type: 'resolved', host: v.host, addresses: v.addresses as string[] };
      }
      return undefined;
    case 'connected':
      if (typeof v.remoteAddress === 'string' && typeof v.remotePort === 'number' && typeof v.connectMs === 'number') {
        return { type: 'connected', remoteAddress: v.remoteAddress, remotePort: v.remotePort, connectMs: v.connectMs };
      }
      return undefined;
    case 'fin':
      return { type: 'fin' };
    case 'error':
      if (typeof v.code === 'string' && typeof v.message === 'string') {
        return {
          type: 'error',
          code: v.code as RelayErrorCode,
          reason: typeof v.reason === 'string' ? v.reason : v.code,
          message: v.message,
        };
      }
      return undefined;
    case 'closed':
      if (typeof v.bytesSent === 'number' && typeof v.bytesReceived === 'number') {
        return {
          type: 'closed',
          bytesSent: v.bytesSent,
          bytesReceived: v.bytesReceived,
          durationMs: typeof v.durationMs === 'number' ? v.durationMs : 0,
        };
      }
      return undefined;
    default:
      return undefined;
  }
}
