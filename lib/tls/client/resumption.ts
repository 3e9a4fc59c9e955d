/**
 * TLS 1.3 resumption on the client (RFC 8446 §2.2, §4.2.11, §4.6.1): which ticket may be offered,
 * the pre_shared_key extension with its obfuscated age and binder, and what the server's answer
 * means. The early secret comes from the ticket's PSK, so the binder (and 0-RTT keys) can be made
 * before the ServerHello says whether the server takes the ticket.
 */
import { said } from '../diagnostics';
import { refusal, TlsAlertError } from '../errors';
import { bindersLength, type PskMode, type PskOffer } from '../handshake/extensions';
import { encodeClientHello, type ClientHelloParams, type EncodedMessage, type ServerHello } from '../handshake/messages';
import type { Transcript } from '../hash';
import { Tls13KeySchedule } from '../keyschedule/tls13';
import { cipherSuiteInfo, type CipherSuiteName } from '../registry/crypto';
import type { ResumptionData } from '../../trace/schema';
import { keySink, type Common } from './connection';
import { toHex } from '../wire/bytes';
import { obfuscatedTicketAge, type OfferedPsk, type Tls13Session } from './session';

export type { OfferedPsk } from './session';

/** Why a kept ticket is not offered, or undefined when it may be (RFC 8446 §4.6.1, §4.2.11). */
function unusableBecause(c: Common, session: Tls13Session, suites: CipherSuiteName[]): 'expired' | 'other-server' | 'no-suite' | undefined {
  if (session.serverName !== c.options.serverName) return 'other-server';
  if (c.deps.now() - session.receivedAtMs > session.lifetimeSeconds * 1000) return 'expired';
  // RFC 8446 §4.2.11: the PSK goes with its hash; some offered suite must share it.
  const hash = cipherSuiteInfo(session.cipherSuite).hash;
  if (!suites.some((s) => cipherSuiteInfo(s).version === 'TLSv1.3' && cipherSuiteInfo(s).hash === hash)) return 'no-suite';
  return undefined;
}

/**
 * The ticket to offer in the first ClientHello, if any: its PSK's early secret is derived here
 * (the key steps resumption_master_secret → PSK → early_secret).
 */
export function preparePskOffer(c: Common, suites: CipherSuiteName[], earlyDataLength: number): OfferedPsk | undefined {
  const session = c.options.resume;
  if (!session || session.version !== 'TLSv1.3' || !c.options.versions.includes('TLSv1.3')) return undefined;
  const reason = unusableBecause(c, session, suites);
  if (reason) {
    c.emit({ direction: 'local', layer: 'handshake', kind: 'resumption', data: { event: 'not-offered', version: 'TLSv1.3', reason }, rfc: 'RFC 8446 §4.6.1' });
    return undefined;
  }
  const hash = cipherSuiteInfo(session.cipherSuite).hash;
  const schedule = new Tls13KeySchedule(hash, keySink(c), { resumptionMasterSecret: session.resumptionMasterSecret, ticketNonce: session.ticketNonce });
  // RFC 8446 §4.2.10: early data only with a ticket that allows it, and no more than it allows.
  const earlyData = earlyDataLength > 0 && session.maxEarlyDataSize !== undefined && earlyDataLength <= session.maxEarlyDataSize;
  return { session, hash, schedule, modes: c.options.pskModes, earlyData };
}

/**
 * Encodes a ClientHello that ends with pre_shared_key (RFC 8446 §4.2.11): first with a binder of
 * zeros, to learn the truncated hello (everything before the binders list), then again with the
 * binder computed over `before` (the transcript so far: empty, or message_hash and the
 * HelloRetryRequest) and that truncated hello (§4.2.11.2).
 */
export function encodeHelloWithPsk(
  now: number,
  params: Omit<ClientHelloParams, 'extensions'>,
  extensions: (psk: PskOffer) => ClientHelloParams['extensions'],
  psk: OfferedPsk,
  before: Transcript,
): { message: EncodedMessage; offer: PskOffer; ticketAgeMs: number } {
  const ticketAgeMs = Math.max(0, Math.floor(now - psk.session.receivedAtMs));
  const placeholder: PskOffer = { identity: psk.session.ticket, obfuscatedTicketAge: obfuscatedTicketAge(psk.session, now), binder: new Uint8Array(cipherSuiteInfo(psk.session.cipherSuite).hash === 'sha384' ? 48 : 32) };
  const draft = encodeClientHello({ ...params, extensions: extensions(placeholder) });
  const truncated = draft.bytes.subarray(0, draft.bytes.length - bindersLength([placeholder.binder]));
  const transcript = before.clone();
  transcript.add(truncated);
  const offer: PskOffer = { ...placeholder, binder: psk.schedule.binder(transcript.hash(psk.hash)) };
  return { message: encodeClientHello({ ...params, extensions: extensions(offer) }), offer, ticketAgeMs };
}

/**
 * What the ServerHello says about the offered ticket (RFC 8446 §4.2.11): taken (with which key
 * exchange mode) or not, after the checks a client must make: the index in range, a cipher suite
 * with the PSK's hash, and a key_share exactly when psk_dhe_ke was chosen.
 */
export function pskAnswer(psk: OfferedPsk | undefined, sh: ServerHello, suite: CipherSuiteName): { accepted: false } | { accepted: true; mode: PskMode } {
  const selected = sh.extensions.preSharedKey;
  if (selected === undefined || !psk) return { accepted: false };
  if (selected !== 0) {
    throw refusal('illegal_parameter', said('client.pskIdentity', { selected }), {
      check: 'psk-identity',
      rule: 'RFC 8446 §4.2.11',
      facts: { selectedIdentity: selected, offered: 1 },
    });
  }
  if (cipherSuiteInfo(suite).hash !== psk.hash) {
    throw refusal('illegal_parameter', said('client.pskHash', { suite, hash: psk.hash }), {
      check: 'psk-cipher-suite',
      rule: 'RFC 8446 §4.2.11',
      facts: { cipherSuite: suite, ticketHash: psk.hash },
    });
  }
  const mode: PskMode = sh.extensions.keyShare ? 'psk_dhe_ke' : 'psk_ke';
  if (!psk.modes.includes(mode)) {
    throw new TlsAlertError(mode === 'psk_ke' ? 'missing_extension' : 'illegal_parameter', said('client.pskMode', { mode, offered: psk.modes.join(', ') }));
  }
  return { accepted: true, mode };
}

/** The step that says what the client offered to resume with. */
export function offeredStep(psk: OfferedPsk, offer: PskOffer, ticketAgeMs: number, retried: boolean): ResumptionData {
  return {
    event: 'offered',
    version: 'TLSv1.3',
    modes: psk.modes,
    ticketAgeMs,
    obfuscatedTicketAge: offer.obfuscatedTicketAge,
    identityLength: offer.identity.length,
    binder: toHex(offer.binder),
    ticketLifetimeSeconds: psk.session.lifetimeSeconds,
    cipherSuite: psk.session.cipherSuite,
    earlyData: psk.earlyData && !retried,
    ...(retried ? { afterHelloRetry: true } : {}),
  };
}
