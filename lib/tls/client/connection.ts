import type { KeyShare } from '../crypto/provider';
import type { AlertDescription } from '../registry/alerts';
import { alertDescriptions, alertLevels } from '../registry/alerts';
import { CertificateRejection, refusal, TlsAlertError } from '../errors';
import { said, type Diagnostic } from '../diagnostics';
import type { AlertData, CertificateSummary, CheckFinding, StepContent, UnusableReason } from '../events';
import { Transcript } from '../hash';
import { handshakeTypes, type HandshakeType } from '../registry/protocol';
import { messageRfc, messageTitle, type EncodedMessage } from '../handshake/messages';
import { RecordLayer, MAX_FRAGMENT, recordHeaderFields, type IncomingRecord, type OutgoingRecord } from '../record/layer';
import { concat, toHex } from '../wire/bytes';
import { shiftField, type Field, sizeValue } from '../wire/field';
import { Reader } from '../wire/reader';
import { derivationToData, type Derivation } from '../keyschedule/tls13';
import type { CipherSuiteName } from '../registry/crypto';
import type { CertificateVerdict, ClientDeps, ClientOptions, ClientSink, TlsVersionName } from './options';
import type { Tamper } from '../../trace/schema';
import { TamperTargetError, tamperMessage, tamperRecordHeader, type TamperChange } from '../tamper/apply';
import { tamperEnglish, tamperSaid } from '../tamper/said';
import { parseTamperTarget } from '../tamper/spec';
import { personalities } from './personalities';
import type { OfferedPsk, ResumableSession, Tls12Session } from './session';
import type { ResumptionSummary } from '../../trace/schema';

export type ConnectionState = 'idle' | 'handshaking' | 'connected' | 'closed' | 'failed';

/** What was negotiated, filled in as the handshake goes. */
export interface NegotiatedSummary {
  version?: TlsVersionName;
  cipherSuite?: string;
  group?: string;
  signatureScheme?: string;
  alpn?: string;
  certificate?: CertificateSummary;
  alerts: { from: 'client' | 'server'; level: 'warning' | 'fatal'; description: string }[];
  secureRenegotiation?: boolean;
  extendedMasterSecret?: boolean;
  encryptThenMac?: boolean;
  renegotiations: number;
  helloRequests: number;
  postHandshakeAuthRequested?: boolean;
  handshakeCompleteAtMs?: number;
  /** Set when the ClientHello offered a session to resume (options.resume). */
  resumption?: ResumptionSummary;
  /** 0-RTT data: absent when none was sent; 'rejected' means the caller must send it again. */
  earlyData?: 'sent' | 'accepted' | 'rejected';
}

/** Application data to send as 0-RTT data right after the ClientHello (RFC 8446 §2.3). */
export interface EarlyData {
  bytes: Uint8Array;
  /** The caller's own step about these bytes (the HTTP request), shown just before they go out. */
  step?: StepContent;
}

export interface Failure {
  /** Who ended the connection with an alert, or 'local' for a local failure that sent nothing. */
  by: 'client' | 'server' | 'local';
  alert?: AlertDescription | string;
  /** In English; `diagnostic` is the same as data, when the engine said it as one. */
  message: string;
  diagnostic?: Diagnostic;
  /** The client rejected the server's certificate: the failed check's finding. */
  finding?: CheckFinding;
  /** A server's refusal after the client sent an empty Certificate (it wanted one). */
  afterEmptyClientCertificate?: boolean;
}

/** A handshake message received, not yet parsed. */
export interface HandshakeIn {
  type: HandshakeType;
  bytes: Uint8Array;
}

/** A handshake state: handles one message and returns the next state (rustls style). */
export interface State {
  readonly name: string;
  handle(message: HandshakeIn): Promise<State>;
  /** TLS 1.2 only: the state that expects the server's ChangeCipherSpec switches the read keys here. */
  changeCipherSpec?(): Promise<State>;
}

/** What the first flight offered; the ServerHello is checked against it. */
export interface Hello {
  random: Uint8Array;
  sessionId: Uint8Array;
  suites: CipherSuiteName[];
  shares: KeyShare[];
  cookie?: Uint8Array;
  retried: boolean;
  /** The extension types the ClientHello carried (RFC 8446 §4.2: a server answers only these). */
  offeredExtensions: number[];
  /** TLS 1.3: the ticket offered in pre_shared_key. */
  psk?: OfferedPsk;
  /** TLS 1.2: the session offered by id or ticket. */
  tls12Session?: Tls12Session;
}

/**
 * A check of the server's certificates in progress: the verifier's verdict still to come, and the
 * leaf's public key as sent (read without any check), so the handshake signature made with it can
 * be verified meanwhile. Nothing relies on that key before the verdict vouches for it.
 */
export interface ServerCertificateCheck {
  verdict: Promise<CertificateVerdict>;
  /** The leaf's SubjectPublicKeyInfo as sent, when the leaf parses; undefined otherwise. */
  leafSpki?: Uint8Array;
  /** Once reported: the leaf key the verdict accepted, or the alert it ended in. */
  concluded?: { leafSpki: Uint8Array } | { error: TlsAlertError };
}


/**
 * The state shared by every handshake state (rustls' CommonState): options, the record layer, the
 * transcript, the sink, and the summary. The states hold only what the next step needs.
 */
export class Common {
  readonly records = new RecordLayer();
  transcript = new Transcript();
  readonly summary: NegotiatedSummary = { alerts: [], renegotiations: 0, helloRequests: 0 };
  state: ConnectionState = 'idle';
  failure?: Failure;
  /** The negotiated protocol once known. */
  version?: TlsVersionName;
  /**
   * Whose record structure the records follow: the negotiated version's, and before that the
   * highest version offered (the ClientHello and ServerHello records).
   */
  get recordVersion(): TlsVersionName {
    return this.version ?? (this.options.versions.includes('TLSv1.3') ? 'TLSv1.3' : 'TLSv1.2');
  }
  /** Set once the server has sent close_notify. */
  peerClosed = false;
  /** Set when the connection may no longer carry data even though it is open (Go's refusal). */
  unusable?: UnusableReason;
  readonly startedAtMs: number;
  /** RFC 8446 §D.4: the client sends at most one dummy ChangeCipherSpec. */
  compatibilityCcsSent = false;
  /** A certificate verdict not reported yet (TLS 1.3: concluded with the CertificateVerify, or when the records run out). */
  pendingCertificateCheck?: ServerCertificateCheck;
  /** The first ClientHello's key shares, when TlsClient.prepare() started making them early. */
  preparedKeyShares?: Promise<KeyShare[]>;
  /** A ChangeCipherSpec came before the ServerHello (let through only while TLS 1.3 may follow). */
  changeCipherSpecBeforeServerHello = false;
  /** The server asked for a client certificate and got an empty Certificate message. */
  sentNoClientCertificate = false;
  /** Sessions this connection can be resumed with, newest last (TLS 1.3 tickets, a TLS 1.2 session). */
  readonly sessions: ResumableSession[] = [];

  /** The tamper experiment, until the first message it names has gone out changed (lib/tls/tamper). */
  private tamperPending?: Tamper;

  constructor(
    readonly options: ClientOptions,
    readonly deps: ClientDeps,
    readonly sink: ClientSink,
  ) {
    this.startedAtMs = deps.now();
    this.tamperPending = options.tamper;
  }

  /** True once the connection failed or was closed: nothing more is processed. */
  get ended(): boolean {
    return this.state === 'failed' || this.state === 'closed';
  }

  get personality() {
    return personalities[this.options.personality];
  }

  emit(step: StepContent): void {
    this.sink.step(step);
  }

  /** After an empty client Certificate: says why, and remembers it to explain a refusal that follows. */
  reportNoClientCertificate(configured: boolean): void {
    this.sentNoClientCertificate = true;
    this.emit({ direction: 'local', layer: 'verdict', kind: 'no-client-certificate', data: { configured } });
  }

  /** Parses a received handshake message and emits its step, even when parsing fails part-way. */
  parse<T>(m: HandshakeIn, body: (r: Reader) => T, extra: { ignored?: boolean } = {}): T {
    const r = new Reader(m.bytes, messageTitle(m.type), { rfc: messageRfc(m.type) });
    let ok = false;
    try {
      r.u8('msg_type', (v) => ({ value: handshakeTypes.describe(v) }));
      const value = r.prefixed('length', 3, () => body(r));
      r.end();
      ok = true;
      return value;
    } finally {
      this.emit({
        direction: 'server->client',
        layer: 'handshake',
        kind: 'handshake',
        data: { message: m.type, from: 'server', ...(this.version ? { version: this.version } : {}), ...(ok ? {} : { malformed: true }), ...extra },
        bytes: { hex: toHex(m.bytes), field: r.field },
        rfc: messageRfc(m.type),
      });
    }
  }

  /**
   * Sends handshake messages, each in its own record(s), and adds them to the transcript. Returns
   * them as sent: a tamper experiment may have changed one, and the transcript holds what was sent
   * (so both sides hash the same bytes when the server accepts them).
   */
  async sendHandshake(messages: EncodedMessage[], addToTranscript = true, renegotiation = false): Promise<EncodedMessage[]> {
    const sent: EncodedMessage[] = [];
    for (const built of messages) {
      const { message: m, recordTamper } = this.tamperOutgoing(built);
      sent.push(m);
      if (addToTranscript) this.transcript.add(m.bytes);
      this.emit({
        direction: 'client->server',
        layer: 'handshake',
        kind: 'handshake',
        data: { message: m.type, from: 'client', ...(this.version ? { version: this.version } : {}), ...(renegotiation ? { renegotiation } : {}) },
        bytes: { hex: toHex(m.bytes), field: m.field },
        rfc: messageRfc(m.type),
      });
      await this.sendRecords(22, m.bytes, m.field, recordTamper);
    }
    return sent;
  }

  /**
   * A tamper experiment on its way out: the first message the tamper names is changed (or, for a
   * record header field, the first record carrying it), and a step of its own says what changed.
   */
  private tamperOutgoing(m: EncodedMessage): { message: EncodedMessage; recordTamper?: Tamper } {
    const tamper = this.tamperPending;
    if (!tamper) return { message: m };
    const path = parseTamperTarget(tamper.target);
    if (path.message !== m.type) return { message: m };
    this.tamperPending = undefined;
    if (path.record) return { message: m, recordTamper: tamper };
    // A field this message does not have throws TamperTargetError: fail() ends the run, sending nothing.
    const { message, change } = tamperMessage(tamper, m);
    this.emitTamper(tamper, m.type, change);
    return { message };
  }

  private emitTamper(tamper: Tamper, message: string, change: TamperChange): void {
    this.emit({ direction: 'local', layer: 'handshake', kind: 'tamper', data: { ...tamper, message, original: toHex(change.original), sent: toHex(change.sent) } });
  }

  /** Fragments `content` into records of at most 2^14 bytes and sends them. */
  async sendRecords(type: number, content: Uint8Array, field?: Field, recordTamper?: Tamper): Promise<void> {
    for (let off = 0; off < content.length || off === 0; off += MAX_FRAGMENT) {
      const piece = content.subarray(off, off + MAX_FRAGMENT);
      let record = await this.records.encode(type, piece);
      if (recordTamper && off === 0) {
        const { wire, change } = tamperRecordHeader(recordTamper, record.wire);
        this.emitTamper(recordTamper, parseTamperTarget(recordTamper.target).message, change);
        record = { ...record, wire, outerType: wire[0], version: (wire[1] << 8) | wire[2] };
      }
      this.emit(outgoingRecordStep(record, this.recordVersion, off === 0 && piece.length === content.length ? field : undefined));
      this.sink.send(record.wire);
      if (content.length === 0) break;
    }
  }

  /** Sends an alert; `why` says what made the client send it (the view words it). */
  async sendAlert(level: 'warning' | 'fatal', description: AlertDescription, why: Pick<AlertData, 'cause' | 'personality' | 'reaction' | 'override' | 'error' | 'errorDiagnostic' | 'errorFinding'>): Promise<void> {
    const code = alertDescriptions.code(description);
    const levelCode = alertLevels.code(level);
    const field = alertField(levelCode, code);
    const content = new Uint8Array([levelCode, code]);
    this.summary.alerts.push({ from: 'client', level, description });
    this.emit({
      direction: 'client->server',
      layer: 'alert',
      kind: 'alert',
      data: { from: 'client', level, description, fatal: level === 'fatal', ...why },
      bytes: { hex: toHex(content), field },
      rfc: description === 'no_renegotiation' ? 'RFC 5246 §7.2.2' : 'RFC 8446 §6',
    });
    await this.sendRecords(21, content, field);
  }

  /** Ends the connection because of a local failure: sends the fatal alert it maps to. */
  async fail(error: unknown): Promise<void> {
    if (this.state === 'failed' || this.state === 'closed') return;
    if (error instanceof TamperTargetError) {
      // The experiment named a field this flight does not have: nothing was sent, no alert is due.
      this.state = 'failed';
      const diagnostic = tamperSaid('failed', { why: error.diagnostic });
      this.failure = { by: 'local', message: tamperEnglish(diagnostic), diagnostic };
      this.emit({ direction: 'local', layer: 'verdict', kind: 'error', data: { source: 'input', message: this.failure.message, diagnostic } });
      return;
    }
    const alertError =
      error instanceof TlsAlertError ? error : new TlsAlertError('internal_error', said('client.internal', { error: error instanceof Error ? error.message : String(error) }));
    this.state = 'failed';
    const diagnostic = alertError.diagnostic ? { diagnostic: alertError.diagnostic } : {};
    const finding = alertError instanceof CertificateRejection && alertError.finding ? alertError.finding : undefined;
    this.failure = { by: 'client', alert: alertError.alert, message: alertError.message, ...diagnostic, ...(finding ? { finding } : {}) };
    const check = alertError.check;
    this.emit(
      check
        ? // A rule the server broke: the step says which, where it is written, and the facts.
          { direction: 'local', layer: 'verdict', kind: 'refusal', rfc: check.rule, data: { check: check.check, ok: false, rule: check.rule, alert: alertError.alert, message: alertError.message, ...diagnostic, facts: check.facts ?? {} } }
        : { direction: 'local', layer: 'verdict', kind: 'error', data: { source: 'tls', alert: alertError.alert, message: alertError.message, ...diagnostic, ...(finding ? { finding } : {}) } },
    );
    try {
      await this.sendAlert('fatal', alertError.alert, { cause: 'error', error: alertError.message, ...(alertError.diagnostic ? { errorDiagnostic: alertError.diagnostic } : {}), ...(finding ? { errorFinding: finding } : {}) });
    } catch {
      // The alert could not be encoded (e.g. the record layer itself is broken): nothing more to send.
    }
  }

  /** RFC 8446 §5.1: handshake messages must not span a key change. */
  private handshakeBuffer: Uint8Array = new Uint8Array(0);

  assertNoBufferedHandshake(): void {
    if (this.handshakeBuffer.length) {
      throw refusal('unexpected_message', said('client.spansKeyChange'), { check: 'record-boundary', rule: 'RFC 8446 §5.1', facts: { spans: true } });
    }
  }

  /** Adds handshake bytes and returns the complete messages now available. */
  collectHandshake(content: Uint8Array): HandshakeIn[] {
    this.handshakeBuffer = this.handshakeBuffer.length ? concat(this.handshakeBuffer, content) : content;
    const out: HandshakeIn[] = [];
    while (this.handshakeBuffer.length >= 4) {
      const b = this.handshakeBuffer;
      const length = (b[1] << 16) | (b[2] << 8) | b[3];
      // A bound on message size keeps a hostile server from making us buffer without end.
      if (length > 0x20000) throw new TlsAlertError('decode_error', said('client.tooLarge', { length }));
      if (b.length < 4 + length) break;
      const type = handshakeTypes.name(b[0]);
      if (!type) throw new TlsAlertError('unexpected_message', said('client.unknownType', { type: b[0] }));
      out.push({ type, bytes: b.slice(0, 4 + length) });
      this.handshakeBuffer = b.slice(4 + length);
    }
    return out;
  }

  get pendingHandshakeBytes(): number {
    return this.handshakeBuffer.length;
  }

  /** Bytes still missing to complete the handshake message whose start is buffered. */
  get pendingMessageMissing(): number {
    const b = this.handshakeBuffer;
    if (b.length < 4) return 0;
    return 4 + ((b[1] << 16) | (b[2] << 8) | b[3]) - b.length;
  }

  keyLog(label: string, clientRandom: Uint8Array, secret: Uint8Array): void {
    this.sink.keyLog(`${label} ${toHex(clientRandom)} ${toHex(secret)}`);
  }
}

/** Reports each secret a key schedule derives as a 'key' step. */
export function keySink(c: Common): (d: Derivation) => void {
  return (d) =>
    c.emit({
      direction: 'local',
      layer: 'key',
      kind: 'key',
      data: derivationToData(d),
      rfc: 'RFC 8446 §7.1',
    });
}

/** RFC 5246 §7.1: a ChangeCipherSpec before the ServerHello, when TLS 1.2 is the version. */
export function earlyChangeCipherSpec() {
  return refusal('unexpected_message', said('client.ccsBeforeServerHello'), {
    check: 'unexpected-change-cipher-spec',
    rule: 'RFC 5246 §7.1',
    facts: { before: 'server_hello' },
  });
}

/** The annotation of an alert's two bytes (RFC 8446 §6), sent or received. */
export function alertField(levelCode: number, code: number): Field {
  return {
    name: 'Alert',
    offset: 0,
    length: 2,
    rfc: 'RFC 8446 §6',
    children: [
      { name: 'level', offset: 0, length: 1, value: alertLevels.describe(levelCode) },
      { name: 'description', offset: 1, length: 1, value: alertDescriptions.describe(code) },
    ],
  };
}

/** The step for a record the client sends. */
export function outgoingRecordStep(record: OutgoingRecord, version: TlsVersionName, messageField?: Field): StepContent {
  return recordStep('client->server', record, version, messageField);
}

/** The step for a record the server sent. `segments` label the handshake messages in it. */
export function incomingRecordStep(record: IncomingRecord, version: TlsVersionName, segments?: Field[]): StepContent {
  return recordStep('server->client', record, version, undefined, segments);
}

/**
 * The record's structure in its version's own words: TLS 1.3's TLSPlaintext / TLSCiphertext with
 * legacy_record_version and opaque_type (RFC 8446 §5.1, §5.2), or TLS 1.2's TLSPlaintext /
 * TLSCiphertext with type and version (RFC 5246 §6.2.1, §6.2.3).
 */
export function recordStructure(version: TlsVersionName, encrypted: boolean): { name: string; rfc: string } {
  if (version === 'TLSv1.3') return encrypted ? { name: 'TLSCiphertext', rfc: 'RFC 8446 §5.2' } : { name: 'TLSPlaintext', rfc: 'RFC 8446 §5.1' };
  return encrypted ? { name: 'TLSCiphertext', rfc: 'RFC 5246 §6.2.3' } : { name: 'TLSPlaintext', rfc: 'RFC 5246 §6.2.1' };
}

function recordStep(direction: 'client->server' | 'server->client', record: OutgoingRecord | IncomingRecord, version: TlsVersionName, messageField?: Field, segments?: Field[]): StepContent {
  const typeName = ['change_cipher_spec', 'alert', 'handshake', 'application_data'][record.type - 20] ?? `type ${record.type}`;
  const inner = messageField ? [messageField] : (segments ?? []);
  const encrypted = Boolean(record.protectedBy);
  const structure = recordStructure(version, encrypted);
  const header = recordHeaderFields(record, version, encrypted);
  let fragment: Field;
  let plaintext: StepContent['plaintext'];
  if (record.plaintext) {
    fragment = { name: 'fragment', offset: 5, length: record.fragment.length, children: record.fragmentFields.map((f) => shiftField(f, 5)) };
    const pf = record.plaintext.field;
    plaintext = {
      hex: toHex(record.plaintext.bytes),
      field: { ...pf, children: pf.children?.map((c) => (c.name === 'content' && inner.length ? { ...c, children: inner } : c)) },
    };
  } else {
    fragment = { name: 'fragment', offset: 5, length: record.fragment.length, children: inner.map((f) => shiftField(f, 5)) };
  }
  return {
    direction,
    layer: 'record',
    kind: 'record',
    bytes: { hex: toHex(record.wire), field: { name: structure.name, offset: 0, length: record.wire.length, rfc: structure.rfc, children: [...header, fragment] } },
    plaintext,
    rfc: structure.rfc,
    data: { contentType: typeName, outerContentType: record.outerType, protectedBy: record.protectedBy ?? null, encrypted: Boolean(record.protectedBy), contentLength: record.content.length },
  };
}

/** Labels the handshake messages (or pieces of them) inside a record's content. */
export function handshakeSegments(content: Uint8Array, continuing: number): Field[] {
  const out: Field[] = [];
  let off = 0;
  if (continuing > 0) {
    const n = Math.min(continuing, content.length);
    out.push({ name: 'handshake message (continued)', offset: 0, length: n, ...sizeValue(n) });
    off = n;
  }
  while (off < content.length) {
    const type = handshakeTypes.name(content[off]);
    const title = type ? messageTitle(type) : `handshake type ${content[off]}`;
    const length = off + 4 <= content.length ? ((content[off + 1] << 16) | (content[off + 2] << 8) | content[off + 3]) + 4 : content.length - off;
    const n = Math.min(length, content.length - off);
    // A message longer than this record: its value says how much of it is here (the rest follows).
    out.push(n < length ? { name: title, offset: off, length: n, value: `${n} of ${length} bytes`, words: { say: 'bytes-of', n, total: length } } : { name: title, offset: off, length: n });
    off += n;
  }
  return out;
}
