import { said, inEnglish, type Diagnostic } from '../diagnostics';
import { refusal, TlsAlertError } from '../errors';
import { alertDescriptions, alertLevels, noCertificateRefusals } from '../registry/alerts';
import { toHex } from '../wire/bytes';
import { alertField, earlyChangeCipherSpec, Common, type EarlyData, handshakeSegments, incomingRecordStep, type ConnectionState, type NegotiatedSummary, type State, type Failure } from './connection';
import type { ClientDeps, ClientOptions, ClientSink } from './options';
import type { UnusableReason } from '../events';
import { makeKeyShares, startHandshake } from './hello';
import { settleCertificateCheck } from './authentication';
import type { ResumableSession } from './session';

/**
 * The TLS client engine, sans-IO: bytes in (`receive`), bytes out (`sink.send`), steps out
 * (`sink.step`). It never touches a socket, a timer or global randomness. Calls must not overlap:
 * await each before the next (the driver serializes them).
 */
export class TlsClient {
  private readonly c: Common;
  private machine?: State;

  constructor(options: ClientOptions, deps: ClientDeps, sink: ClientSink) {
    this.c = new Common(options, deps, sink);
  }

  get state(): ConnectionState {
    return this.c.state;
  }

  get summary(): NegotiatedSummary {
    return this.c.summary;
  }

  get failure(): Failure | undefined {
    return this.c.failure;
  }

  get peerClosed(): boolean {
    return this.c.peerClosed;
  }

  /** Why the connection cannot carry data although it is open (set by a refusing personality). */
  get unusable(): UnusableReason | undefined {
    return this.c.unusable;
  }

  /**
   * Starts making the ClientHello's key shares (its only slow part) so that start() finds them
   * ready: a driver calls this while the transport connects. Optional; errors surface in start().
   */
  prepare(): void {
    if (this.c.state !== 'idle' || this.c.preparedKeyShares) return;
    const pending = makeKeyShares(this.c);
    pending.catch(() => undefined); // awaited (and reported) by start()
    this.c.preparedKeyShares = pending;
  }

  /**
   * Sessions this connection can be resumed with (TLS 1.3 tickets as they arrive, a TLS 1.2
   * session once its handshake completes), newest last: pass one as `resume` to a later client.
   */
  get sessions(): readonly ResumableSession[] {
    return this.c.sessions;
  }

  /**
   * Sends the ClientHello. `early`: application data to send as 0-RTT data when the session to
   * resume allows it; whether the server took it is `summary.earlyData` once connected (when
   * 'rejected', send it again).
   */
  async start(early?: EarlyData): Promise<void> {
    if (this.c.state !== 'idle') throw new Error('already started');
    this.c.state = 'handshaking';
    try {
      this.machine = await startHandshake(this.c, early);
    } catch (e) {
      await this.c.fail(e);
    }
  }

  /** Feeds bytes from the server. */
  async receive(bytes: Uint8Array): Promise<void> {
    if (this.c.ended) return;
    this.c.records.feed(bytes);
    let framing = false;
    try {
      while (!this.c.ended) {
        framing = true;
        const record = await this.c.records.next();
        framing = false;
        if (!record) break;
        const segments = record.type === 22 ? handshakeSegments(record.content, this.c.pendingMessageMissing) : undefined;
        this.c.emit(incomingRecordStep(record, this.c.recordVersion, segments));
        await this.dispatch(record.type, record.content, record.protectedBy !== undefined);
      }
      // Nothing more to process until the server sends more: report what is still pending.
      await settleCertificateCheck(this.c);
    } catch (e) {
      // When the bytes themselves are not a record, show them before the alert goes out.
      const rest = framing ? this.c.records.takeRemainder() : new Uint8Array(0);
      if (rest.length) {
        this.c.emit({
          direction: 'server->client',
          layer: 'record',
          kind: 'unparseable',
          data: { length: rest.length, error: e instanceof Error ? e.message : String(e), ...(e instanceof TlsAlertError && e.diagnostic ? { diagnostic: e.diagnostic } : {}) },
          bytes: { hex: toHex(rest), field: { name: 'bytes', offset: 0, length: rest.length } },
        });
      }
      // A certificate verdict still pending is reported first, and a rejection's alert wins.
      let error = e;
      try {
        await settleCertificateCheck(this.c);
      } catch (certificateError) {
        error = certificateError;
      }
      await this.c.fail(error);
    }
  }

  private async dispatch(type: number, content: Uint8Array, isProtected: boolean): Promise<void> {
    switch (type) {
      case 22: {
        const messages = this.c.collectHandshake(content);
        for (const [i, message] of messages.entries()) {
          if (!this.machine) throw new TlsAlertError('unexpected_message', said('client.beforeStart'));
          // RFC 5246 §7.4.1.1: a HelloRequest that arrives while a handshake is under way is ignored.
          if (message.type === 'hello_request' && this.c.version !== 'TLSv1.3' && this.c.state === 'handshaking') {
            this.c.parse(message, () => undefined, { ignored: true });
            continue;
          }
          const readKeys = this.c.records.read;
          this.machine = await this.machine.handle(message);
          if (this.c.ended) return;
          // RFC 8446 §5.1: a message that changes the keys must end its record; what follows it in
          // the same record was protected (or not) with the old keys.
          if (this.c.records.read !== readKeys && i + 1 < messages.length) {
            throw refusal('unexpected_message', said('client.keysChangeMidRecord', { message: message.type, next: messages[i + 1].type }), {
              check: 'record-boundary',
              rule: 'RFC 8446 §5.1',
              facts: { message: message.type, next: messages[i + 1].type },
            });
          }
        }
        return;
      }
      case 21:
        return this.receiveAlert(content);
      case 20:
        return this.receiveChangeCipherSpec(content, isProtected);
      case 23:
        if (this.c.state !== 'connected') throw new TlsAlertError('unexpected_message', said('client.dataEarly'));
        if (this.c.pendingHandshakeBytes) throw new TlsAlertError('unexpected_message', said('client.dataInterleaved'));
        this.c.emit({
          direction: 'server->client',
          layer: 'application',
          kind: 'application-data',
          data: { length: content.length },
          bytes: { hex: toHex(content), field: { name: 'application_data', offset: 0, length: content.length } },
        });
        this.c.sink.applicationData(content);
        return;
      default:
        throw new TlsAlertError('unexpected_message', said('client.unknownContentType', { type }));
    }
  }

  private async receiveChangeCipherSpec(content: Uint8Array, isProtected: boolean): Promise<void> {
    if (content.length !== 1 || content[0] !== 1) throw new TlsAlertError('unexpected_message', said('client.ccsByte'));
    if (this.c.version === 'TLSv1.2') {
      if (!this.machine?.changeCipherSpec) {
        throw refusal('unexpected_message', said('client.ccsMisplaced'), { check: 'unexpected-change-cipher-spec', rule: 'RFC 5246 §7.1' });
      }
      this.machine = await this.machine.changeCipherSpec();
      return;
    }
    if (this.c.version === undefined) {
      // Before the ServerHello only TLS 1.3 compatibility mode explains a ChangeCipherSpec; the
      // ServerHello checks it again if it turns out to choose TLS 1.2.
      if (!this.c.options.versions.includes('TLSv1.3')) throw earlyChangeCipherSpec();
      this.c.changeCipherSpecBeforeServerHello = true;
    }
    // RFC 8446 §5: the compatibility ChangeCipherSpec is always sent in the clear.
    if (isProtected) {
      throw refusal('unexpected_message', said('client.ccsEncrypted'), { check: 'protected-change-cipher-spec', rule: 'RFC 8446 §5' });
    }
    // RFC 8446 §5: in TLS 1.3 a CCS is a middlebox-compatibility no-op, allowed only during the handshake.
    if (this.c.state === 'connected') throw new TlsAlertError('unexpected_message', said('client.ccsAfter13'));
    this.c.emit({ direction: 'local', layer: 'record', kind: 'change-cipher-spec', data: { from: 'server', compatibility: true }, rfc: 'RFC 8446 §D.4' });
  }

  private async receiveAlert(content: Uint8Array): Promise<void> {
    if (content.length !== 2) throw new TlsAlertError('decode_error', said('client.alertLength', { length: content.length }));
    const [levelCode, code] = content;
    const level = alertLevels.name(levelCode) ?? (levelCode === 1 ? 'warning' : 'fatal');
    const description = alertDescriptions.name(code) ?? `unknown(${code})`;
    const field = alertField(levelCode, code);
    this.c.summary.alerts.push({ from: 'server', level: level as 'warning' | 'fatal', description });
    const closing = description === 'close_notify';
    // RFC 8446 §6: in TLS 1.3 every alert but close_notify and user_canceled is fatal, whatever its level.
    const fatal = !closing && (level === 'fatal' || (this.c.version !== 'TLSv1.2' && description !== 'user_canceled'));
    this.c.emit({
      direction: 'server->client',
      layer: 'alert',
      kind: 'alert',
      data: {
        from: 'server',
        level: level as 'warning' | 'fatal',
        description,
        fatal,
        ...(this.helloRejected(description) ? { helloRejected: true } : {}),
        ...(fatal && this.refusedForNoCertificate(description) ? { afterEmptyClientCertificate: true } : {}),
      },
      bytes: { hex: toHex(content), field },
      rfc: 'RFC 8446 §6',
    });
    if (closing) {
      this.c.peerClosed = true;
      if (this.c.state === 'handshaking') {
        this.c.state = 'failed';
        this.c.failure = serverFailure(description, said('client.serverClosed'));
      } else {
        const wasConnected = this.c.state === 'connected';
        this.c.state = 'closed';
        // RFC 5246 §7.2.1, RFC 8446 §6.1: each side sends its own close_notify before closing its write side.
        if (wasConnected) await this.c.sendAlert('warning', 'close_notify', { cause: 'reply' });
      }
      return;
    }
    if (fatal) {
      this.c.state = 'failed';
      const noCertificate = this.refusedForNoCertificate(description);
      const diagnostic = said(noCertificate ? 'client.serverAlertNoCertificate' : 'client.serverAlert', { alert: description });
      this.c.failure = { ...serverFailure(description, diagnostic), ...(noCertificate ? { afterEmptyClientCertificate: true } : {}) };
    }
  }

  /** A refusal that, after an empty client Certificate, means the server wanted one (RFC 8446 §4.4.2.4, RFC 5246 §7.4.6). */
  private refusedForNoCertificate(description: string): boolean {
    return this.c.sentNoClientCertificate && (noCertificateRefusals as readonly string[]).includes(description);
  }

  /** The server refused the ClientHello outright, before choosing a version: nothing in it was acceptable. */
  private helloRejected(description: string): boolean {
    return !this.c.version && ['handshake_failure', 'protocol_version', 'insufficient_security'].includes(description);
  }

  /** Sends application data (after the handshake). */
  async send(data: Uint8Array): Promise<void> {
    if (this.c.state !== 'connected') throw new Error(`cannot send application data in state ${this.c.state}`);
    this.c.emit({
      direction: 'client->server',
      layer: 'application',
      kind: 'application-data',
      data: { length: data.length },
      bytes: { hex: toHex(data), field: { name: 'application_data', offset: 0, length: data.length } },
    });
    await this.c.sendRecords(23, data);
  }

  /** Sends close_notify. */
  async close(): Promise<void> {
    if (this.c.state !== 'connected' && this.c.state !== 'handshaking') return;
    const wasConnected = this.c.state === 'connected';
    this.c.state = 'closed';
    await this.c.sendAlert('warning', 'close_notify', { cause: wasConnected ? 'close' : 'abandon' });
  }
}

/** The server ended the connection: its alert, and why, in English and as data. */
function serverFailure(alert: string, diagnostic: Diagnostic): Failure {
  return { by: 'server', alert, message: inEnglish(diagnostic), diagnostic };
}
