/**
 * What a client keeps from a connection to resume a later one: a TLS 1.3 ticket and the secret it
 * stands for (RFC 8446 §4.6.1), or a TLS 1.2 session (RFC 5246 §7.3 session id, RFC 5077 ticket).
 * Held in memory by the caller between two connections; never part of a trace (it holds secrets
 * a trace shows only as the key steps of the connection that used them).
 */
import type { PskMode } from '../handshake/extensions';
import type { Tls13KeySchedule } from '../keyschedule/tls13';
import type { CipherSuiteName, HashName } from '../registry/crypto';

export interface Tls13Session {
  version: 'TLSv1.3';
  /** The server name the ticket was issued under (RFC 8446 §4.6.1: resume only with the same SNI). */
  serverName: string;
  cipherSuite: CipherSuiteName;
  ticket: Uint8Array;
  ticketNonce: Uint8Array;
  ticketAgeAdd: number;
  lifetimeSeconds: number;
  /** The 0-RTT data limit; absent when the ticket allows none. */
  maxEarlyDataSize?: number;
  /** When the NewSessionTicket arrived (ms since the epoch): the start of the ticket's age. */
  receivedAtMs: number;
  resumptionMasterSecret: Uint8Array;
  alpn?: string;
}

export interface Tls12Session {
  version: 'TLSv1.2';
  serverName: string;
  cipherSuite: CipherSuiteName;
  /** The server's session id (empty when it offered none). */
  sessionId: Uint8Array;
  /** An RFC 5077 ticket, when the server issued one. */
  ticket?: Uint8Array;
  masterSecret: Uint8Array;
  extendedMasterSecret: boolean;
  encryptThenMac: boolean;
  /** The server's certificate in the full handshake (a renegotiation must present the same one). */
  leafDer?: Uint8Array;
}

export type ResumableSession = Tls13Session | Tls12Session;

/** RFC 8446 §4.2.11.1: the ticket's age in milliseconds plus ticket_age_add, modulo 2^32. */
export function obfuscatedTicketAge(session: Tls13Session, nowMs: number): number {
  const age = Math.max(0, Math.floor(nowMs - session.receivedAtMs));
  return (age + session.ticketAgeAdd) % 2 ** 32;
}

/** A ticket offered in a ClientHello, with the schedule its PSK starts. */
export interface OfferedPsk {
  session: Tls13Session;
  hash: HashName;
  schedule: Tls13KeySchedule;
  modes: PskMode[];
  /** The client sends 0-RTT data under this ticket (first ClientHello only). */
  earlyData: boolean;
}
