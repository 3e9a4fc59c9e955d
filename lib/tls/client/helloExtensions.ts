/**
 * Which extensions a ClientHello carries for the client's options: the one mapping from options to
 * the extension list, used to send a ClientHello (hello.ts) and to list what a tamper experiment
 * may name before any run (lib/view/tamperChoices.ts), so both always agree — pre_shared_key and
 * early_data included when the run resumes.
 */
import type { GroupName } from '../crypto/provider';
import { sniHostName, type ClientHelloExtensions, type PskOffer } from '../handshake/extensions';
import type { ClientOptions } from './options';

/** What this ClientHello has besides the options: its key shares, a cookie, the session it offers. */
export interface HelloState {
  keyShares: { group: GroupName; publicKey: Uint8Array }[];
  /** A HelloRetryRequest's cookie, echoed (RFC 8446 §4.2.2). */
  cookie?: Uint8Array;
  /** TLS 1.2: the ticket to resume with (RFC 5077 §3.1). */
  sessionTicketToResume?: Uint8Array;
  /** 0-RTT data follows this ClientHello (RFC 8446 §4.2.10). */
  earlyData: boolean;
  /** TLS 1.3: the ticket offered, in pre_shared_key, the last extension (RFC 8446 §4.2.11). */
  preSharedKey?: PskOffer;
}

export function helloExtensions(o: ClientOptions, hello: HelloState): ClientHelloExtensions {
  return {
    serverName: sniHostName(o.serverName),
    versions: o.versions,
    groups: o.groups,
    keyShares: hello.keyShares,
    signatureSchemes: o.signatureSchemes,
    alpn: o.alpn,
    cookie: hello.cookie,
    postHandshakeAuth: o.postHandshakeAuth && o.versions.includes('TLSv1.3'),
    renegotiationInfo: o.renegotiationInfo && o.versions.includes('TLSv1.2') ? new Uint8Array(0) : undefined,
    extendedMasterSecret: o.extendedMasterSecret,
    encryptThenMac: o.encryptThenMac,
    sessionTicket: o.sessionTicket,
    sessionTicketToResume: hello.sessionTicketToResume,
    pskModes: o.pskModes,
    earlyData: hello.earlyData,
    preSharedKey: hello.preSharedKey,
  };
}
