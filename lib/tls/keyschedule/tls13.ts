import { digest, hashLength, hkdfExpandLabel, hkdfExtract, hmacOf } from '../hash';
import type { HashName } from '../registry/crypto';
import { toHex, utf8 } from '../wire/bytes';
import type { KeyData } from '../../trace/schema';

/** One derived value, recorded with its inputs so the key schedule can be drawn (RFC 8446 §7.1). */
export interface Derivation {
  label: string;
  value: Uint8Array;
  /** Labels of the values this one was computed from ("handshake_secret", "transcript_hash(ClientHello..ServerHello)"). */
  inputs: string[];
  /** How: "HKDF-Extract(salt, IKM)", "Derive-Secret(., \"c hs traffic\", ClientHello..ServerHello)". */
  algorithm: string;
}

export type DerivationSink = (d: Derivation) => void;

export interface TrafficKeys {
  key: Uint8Array;
  iv: Uint8Array;
}

/**
 * A pre-shared key to start the schedule from (RFC 8446 §7.1): for resumption, the PSK a ticket
 * stands for, derived from the earlier connection's resumption_master_secret and the ticket's nonce.
 */
export interface ResumptionPsk {
  resumptionMasterSecret: Uint8Array;
  ticketNonce: Uint8Array;
}

/**
 * RFC 8446 §4.6.1: the PSK a NewSessionTicket stands for,
 * HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length).
 */
export function ticketPsk(hash: HashName, resumptionMasterSecret: Uint8Array, ticketNonce: Uint8Array): Uint8Array {
  return hkdfExpandLabel(hash, resumptionMasterSecret, 'resumption', ticketNonce, hashLength(hash));
}

/**
 * The TLS 1.3 key schedule (RFC 8446 §7.1), from a resumption PSK or from none (a full (EC)DHE
 * handshake). Every value it derives is reported to `sink` with its inputs.
 */
export class Tls13KeySchedule {
  readonly hashLen: number;
  private earlySecret: Uint8Array;
  private handshakeSecret?: Uint8Array;
  private masterSecret?: Uint8Array;

  constructor(
    readonly hash: HashName,
    private readonly sink: DerivationSink,
    resumption?: ResumptionPsk,
  ) {
    this.hashLen = hashLength(hash);
    const zeros = new Uint8Array(this.hashLen);
    if (resumption) {
      this.record('resumption_master_secret', resumption.resumptionMasterSecret, [], 'Derive-Secret(master_secret, "res master", ClientHello..client Finished) of the earlier connection');
      this.record('ticket_nonce', resumption.ticketNonce, [], 'NewSessionTicket.ticket_nonce');
      const psk = this.record('PSK', ticketPsk(hash, resumption.resumptionMasterSecret, resumption.ticketNonce), ['resumption_master_secret', 'ticket_nonce'], 'HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length)');
      this.earlySecret = this.record('early_secret', hkdfExtract(hash, new Uint8Array(0), psk), ['PSK'], 'HKDF-Extract(salt=0, IKM=PSK)');
    } else {
      this.earlySecret = this.record('early_secret', hkdfExtract(hash, new Uint8Array(0), zeros), ['0 (no PSK)'], 'HKDF-Extract(salt=0, IKM=0)');
    }
  }

  /**
   * RFC 8446 §4.2.11.2: the binder, an HMAC like Finished's, under a key from the early secret
   * ("res binder" for a resumption PSK), over the ClientHello truncated before its binders.
   */
  binder(truncatedHelloHash: Uint8Array): Uint8Array {
    this.record('transcript_hash(truncated ClientHello)', truncatedHelloHash, [], `${this.hash.toUpperCase()}(ClientHello up to the binders)`);
    const binderKey = this.record('binder_key', this.deriveSecret(this.earlySecret, 'res binder', this.emptyHash()), ['early_secret'], 'Derive-Secret(early_secret, "res binder", "")');
    const finishedKey = this.record('binder_key finished_key', hkdfExpandLabel(this.hash, binderKey, 'finished', new Uint8Array(0), this.hashLen), ['binder_key'], 'HKDF-Expand-Label(binder_key, "finished", "", Hash.length)');
    return this.record('binder', hmacOf(this.hash, finishedKey, truncatedHelloHash), ['binder_key finished_key', 'transcript_hash(truncated ClientHello)'], 'HMAC(finished_key, Transcript-Hash(truncated ClientHello))');
  }

  /** RFC 8446 §7.1: the secret that protects 0-RTT data, from the early secret and the whole ClientHello. */
  deriveEarlyTrafficSecret(helloHash: Uint8Array): Uint8Array {
    this.record('transcript_hash(ClientHello)', helloHash, [], `${this.hash.toUpperCase()}(ClientHello)`);
    return this.record('client_early_traffic_secret', this.deriveSecret(this.earlySecret, 'c e traffic', helloHash), ['early_secret', 'transcript_hash(ClientHello)'], 'Derive-Secret(early_secret, "c e traffic", ClientHello)');
  }

  /** RFC 8446 §7.1: the next connection's resumption secret, over the transcript up to the client Finished. */
  deriveResumptionMasterSecret(clientFinishedHash: Uint8Array): Uint8Array {
    if (!this.masterSecret) throw new Error('master secret not derived yet');
    this.record('transcript_hash(ClientHello..client Finished)', clientFinishedHash, [], `${this.hash.toUpperCase()}(ClientHello..client Finished)`);
    return this.record('resumption_master_secret', this.deriveSecret(this.masterSecret, 'res master', clientFinishedHash), ['master_secret', 'transcript_hash(ClientHello..client Finished)'], 'Derive-Secret(master_secret, "res master", ClientHello..client Finished)');
  }

  private record(label: string, value: Uint8Array, inputs: string[], algorithm: string): Uint8Array {
    this.sink({ label, value, inputs, algorithm });
    return value;
  }

  /** Derive-Secret(Secret, Label, Messages) with the transcript hash already computed. */
  private deriveSecret(secret: Uint8Array, label: string, transcriptHash: Uint8Array): Uint8Array {
    return hkdfExpandLabel(this.hash, secret, label, transcriptHash, this.hashLen);
  }

  private emptyHash(): Uint8Array {
    return digest(this.hash, new Uint8Array(0));
  }

  /**
   * handshake_secret = HKDF-Extract(Derive-Secret(early_secret, "derived", ""), (EC)DHE); with
   * psk_ke (no key exchange, `sharedSecret` undefined) the IKM is a string of zeros.
   */
  deriveHandshakeSecrets(sharedSecret: Uint8Array | undefined, helloHash: Uint8Array): { client: Uint8Array; server: Uint8Array } {
    this.record('transcript_hash(ClientHello..ServerHello)', helloHash, [], `${this.hash.toUpperCase()}(ClientHello..ServerHello)`);
    const ikm = sharedSecret ? this.record('(EC)DHE shared secret', sharedSecret, [], 'key exchange') : new Uint8Array(this.hashLen);
    const derived = this.record('derived (early)', this.deriveSecret(this.earlySecret, 'derived', this.emptyHash()), ['early_secret'], 'Derive-Secret(early_secret, "derived", "")');
    this.handshakeSecret = this.record(
      'handshake_secret',
      hkdfExtract(this.hash, derived, ikm),
      sharedSecret ? ['derived (early)', '(EC)DHE shared secret'] : ['derived (early)'],
      sharedSecret ? 'HKDF-Extract(salt, IKM)' : 'HKDF-Extract(salt, IKM=0) (psk_ke: no (EC)DHE)',
    );
    const client = this.record(
      'client_handshake_traffic_secret',
      this.deriveSecret(this.handshakeSecret, 'c hs traffic', helloHash),
      ['handshake_secret', 'transcript_hash(ClientHello..ServerHello)'],
      'Derive-Secret(handshake_secret, "c hs traffic", ClientHello..ServerHello)',
    );
    const server = this.record(
      'server_handshake_traffic_secret',
      this.deriveSecret(this.handshakeSecret, 's hs traffic', helloHash),
      ['handshake_secret', 'transcript_hash(ClientHello..ServerHello)'],
      'Derive-Secret(handshake_secret, "s hs traffic", ClientHello..ServerHello)',
    );
    return { client, server };
  }

  /** master_secret and the first application traffic secrets, from the transcript up to server Finished. */
  deriveApplicationSecrets(finishedHash: Uint8Array): { client: Uint8Array; server: Uint8Array; exporter: Uint8Array } {
    if (!this.handshakeSecret) throw new Error('handshake secret not derived yet');
    this.record('transcript_hash(ClientHello..server Finished)', finishedHash, [], `${this.hash.toUpperCase()}(ClientHello..server Finished)`);
    const derived = this.record('derived (handshake)', this.deriveSecret(this.handshakeSecret, 'derived', this.emptyHash()), ['handshake_secret'], 'Derive-Secret(handshake_secret, "derived", "")');
    this.masterSecret = this.record('master_secret', hkdfExtract(this.hash, derived, new Uint8Array(this.hashLen)), ['derived (handshake)'], 'HKDF-Extract(salt, IKM=0)');
    const inputs = ['master_secret', 'transcript_hash(ClientHello..server Finished)'];
    const client = this.record('client_application_traffic_secret_0', this.deriveSecret(this.masterSecret, 'c ap traffic', finishedHash), inputs, 'Derive-Secret(master_secret, "c ap traffic", ClientHello..server Finished)');
    const server = this.record('server_application_traffic_secret_0', this.deriveSecret(this.masterSecret, 's ap traffic', finishedHash), inputs, 'Derive-Secret(master_secret, "s ap traffic", ClientHello..server Finished)');
    const exporter = this.record('exporter_master_secret', this.deriveSecret(this.masterSecret, 'exp master', finishedHash), inputs, 'Derive-Secret(master_secret, "exp master", ClientHello..server Finished)');
    return { client, server, exporter };
  }

  /** RFC 8446 §7.3: the key and IV for a traffic secret. */
  trafficKeys(secretLabel: string, secret: Uint8Array, keyLength: number): TrafficKeys {
    const key = this.record(`${secretLabel} key`, hkdfExpandLabel(this.hash, secret, 'key', new Uint8Array(0), keyLength), [secretLabel], 'HKDF-Expand-Label(secret, "key", "", key_length)');
    const iv = this.record(`${secretLabel} iv`, hkdfExpandLabel(this.hash, secret, 'iv', new Uint8Array(0), 12), [secretLabel], 'HKDF-Expand-Label(secret, "iv", "", 12)');
    return { key, iv };
  }

  /** RFC 8446 §4.4.4: verify_data = HMAC(finished_key, Transcript-Hash(...)). */
  finished(secretLabel: string, baseKey: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
    const finishedKey = this.record(`${secretLabel} finished_key`, hkdfExpandLabel(this.hash, baseKey, 'finished', new Uint8Array(0), this.hashLen), [secretLabel], 'HKDF-Expand-Label(secret, "finished", "", Hash.length)');
    return hmacOf(this.hash, finishedKey, transcriptHash);
  }

  /** RFC 8446 §7.2: application_traffic_secret_N+1. */
  nextTrafficSecret(label: string, secret: Uint8Array, previousLabel: string): Uint8Array {
    return this.record(label, hkdfExpandLabel(this.hash, secret, 'traffic upd', new Uint8Array(0), this.hashLen), [previousLabel], 'HKDF-Expand-Label(secret, "traffic upd", "", Hash.length)');
  }
}

/** RFC 8446 §4.4.3: the content a CertificateVerify signature covers. */
export function certificateVerifyContent(server: boolean, transcriptHash: Uint8Array): Uint8Array {
  const context = utf8(server ? 'TLS 1.3, server CertificateVerify' : 'TLS 1.3, client CertificateVerify');
  const out = new Uint8Array(64 + context.length + 1 + transcriptHash.length);
  out.fill(0x20, 0, 64);
  out.set(context, 64);
  out[64 + context.length] = 0;
  out.set(transcriptHash, 64 + context.length + 1);
  return out;
}

export function derivationToData(d: Derivation): KeyData {
  return { label: d.label, value: toHex(d.value), inputs: d.inputs, algorithm: d.algorithm };
}
