import type { CryptoProvider, GroupName, RandomSource, SignatureSchemeName } from '../tls/crypto/provider';
import { TlsClient } from '../tls/client/client';
import { defaultClientOptions, type ClientDeps, type ClientCertificate, type ClientOptions } from '../tls/client/options';
import type { ResumableSession } from '../tls/client/session';
import { isPersonalityName, personalities, type PersonalityName } from '../tls/client/personalities';
import { checkRequestLine, encodeRequest, HttpRequestError, HttpResponseParser } from '../tls/http/http1';
import { inEnglish, said, type Diagnostic } from '../tls/diagnostics';
import { groups, negotiableSuites, signatureSchemes, type CipherSuiteName } from '../tls/registry/crypto';
import { concat, toHex } from '../tls/wire/bytes';
import type { Field } from '../tls/wire/field';
import { TraceRecorder } from '../trace/recorder';
import type { Outcome, OutcomeCause, RunOptions, Step, Tamper, Tls12Extension, Trace, Waiting, Where } from '../trace/schema';
import { formatTamperSpec, parseTamperSpec, TamperSpecError } from '../tls/tamper/spec';
import type { Connection, Transport, TransportEvent } from '../transport/types';
import { parseHttpsUrl, type HttpsTarget, type TargetProblem } from './target';
import { ENGINE_VERSION } from './version';

type ClientDepsVerify = ClientDeps['verifyCertificates'];

/**
 * One experiment, as the form, the CLI, the doctor and the tests ask for it: the options a trace
 * records (RunOptions, the same names from the form through the engine into a saved run), each
 * optional (absent or empty: the engine's default), plus what a trace does not keep.
 * `connect`: the network address "host:port" when it differs from the URL (SNI and Host stay the
 * URL's); `clientCertificate`: use the one given in deps when the server asks; `tls12Off`: TLS 1.2
 * extensions not offered.
 */
export interface RunRequest extends Partial<Omit<RunOptions, 'url'>> {
  url: string;
  body?: Uint8Array;
  /** HelloRequests honoured per connection before refusing. */
  maxRenegotiations?: number;
}

/** The engine option behind each TLS 1.2 extension a run may switch off; the keys' order is the trace's. */
const tls12ExtensionOptions: Record<Tls12Extension, 'extendedMasterSecret' | 'renegotiationInfo' | 'encryptThenMac' | 'sessionTicket'> = {
  extended_master_secret: 'extendedMasterSecret',
  renegotiation_info: 'renegotiationInfo',
  encrypt_then_mac: 'encryptThenMac',
  session_ticket: 'sessionTicket',
};
const tls12ExtensionNames = Object.keys(tls12ExtensionOptions) as Tls12Extension[];

export interface RunDeps {
  transport: Transport;
  crypto: CryptoProvider;
  verifyCertificates: ClientDepsVerify;
  annotateCertificate?: (der: Uint8Array) => Field | undefined;
  clientCertificate?: ClientCertificate;
  random?: RandomSource;
  /** Milliseconds since the epoch (may be fractional). */
  now?: () => number;
  /** Whole-run limit. */
  timeoutMs?: number;
  onStep?: (step: Step, trace: Trace) => void;
  /** Ends the run early (e.g. the user pressed Stop). */
  signal?: AbortSignal;
}

/**
 * A request that cannot be run: bad URL, unknown option value. One clear sentence; when the engine
 * said it as a diagnostic, `diagnostic` keeps it as data (the trace's outcome and the CLI word it).
 */
export class RunInputError extends Error {
  override name = 'RunInputError';
  readonly diagnostic?: Diagnostic;
  constructor(
    said: string | Diagnostic,
    /** A URL that does not read as one: the reading, for the views to word (lib/view/runOptions targetProblem). */
    readonly target?: FailedTarget,
  ) {
    super(typeof said === 'string' ? said : inEnglish(said));
    if (typeof said !== 'string') this.diagnostic = said;
  }
}

/** An https URL that did not read as one (lib/run/target.ts): what is wrong, as data. */
export type FailedTarget = Extract<HttpsTarget, { ok: false }>;

export interface ParsedTarget {
  host: string;
  port: number;
  path: string;
  /** Where to dial. */
  connectHost: string;
  connectPort: number;
}

export function parseTarget(typed: string, connect?: string): ParsedTarget {
  const target = parseHttpsUrl(typed);
  if (!target.ok) {
    const url = target.text;
    const messages: Record<TargetProblem, string> = {
      empty: `"${url}" is a malformed URL: it is empty (expected https://host[:port]/path)`,
      malformed: `"${url}" is a malformed URL: ${target.reason} (expected https://host[:port]/path)`,
      badHost: `"${url}" is a malformed URL: ${target.reason}`,
      notUrl: `"${url}" is a malformed URL (expected https://host[:port]/path)`,
      notHttps: `only https:// URLs can be run (got ${target.scheme}://)`,
      noHost: `"${url}" has no host name`,
      credentials: 'URLs with a user name or password are not supported',
    };
    throw new RunInputError(messages[target.problem], target);
  }
  const { host, port } = target;
  let connectHost = host;
  let connectPort = port;
  if (connect) {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(connect);
    if (!m) throw new RunInputError(said('input.connectFormat', { connect }));
    connectHost = m[1].replace(/^\[|\]$/g, '');
    connectPort = m[2] ? Number(m[2]) : port;
    if (connectPort < 1 || connectPort > 65535) throw new RunInputError(said('input.connectPort', { port: m[2] }));
  }
  return { host, port, path: target.path, connectHost, connectPort };
}

/** The sentence for names of one kind that the engine does not know. */
type UnknownNames = 'input.unknownVersion' | 'input.unknownSuite' | 'input.unknownGroup' | 'input.unknownScheme' | 'input.unknownTls12Extension' | 'input.unknownPskMode';

function pick<T extends string>(unknown: UnknownNames, wanted: string[] | undefined, valid: readonly T[], fallback: T[]): T[] {
  if (!wanted || wanted.length === 0) return fallback;
  const bad = wanted.filter((w) => !valid.includes(w as T));
  if (bad.length) throw new RunInputError(said(unknown, { names: bad.map((b) => `"${b}"`).join(', '), valid: valid.join(', ') }));
  return wanted as T[];
}

/** Turns a request into engine options, rejecting unknown names with the list of valid ones. */
export function buildClientOptions(req: RunRequest, target: ParsedTarget, clientCertificate?: ClientCertificate): ClientOptions {
  const base = defaultClientOptions(target.host);
  const versions = pick('input.unknownVersion', req.versions, ['TLSv1.3', 'TLSv1.2'] as const, base.versions);
  const suites = pick('input.unknownSuite', req.cipherSuites, negotiableSuites, base.cipherSuites) as CipherSuiteName[];
  const groupList = pick('input.unknownGroup', req.groups, groups.names(), base.groups) as GroupName[];
  const schemes = pick('input.unknownScheme', req.signatureSchemes, signatureSchemes.names(), base.signatureSchemes) as SignatureSchemeName[];
  const personality = req.personality ?? base.personality;
  if (!isPersonalityName(personality)) throw new RunInputError(said('input.unknownPersonality', { name: personality, valid: Object.keys(personalities).join(', ') }));
  const off = pick('input.unknownTls12Extension', req.tls12Off, tls12ExtensionNames, []);
  const offered = (name: Tls12Extension) => !off.includes(name) && base[tls12ExtensionOptions[name]];
  return {
    ...base,
    versions,
    cipherSuites: suites,
    groups: groupList,
    signatureSchemes: schemes,
    personality: personality as PersonalityName,
    insecure: req.insecure ?? false,
    postHandshakeAuth: req.postHandshakeAuth ?? personalities[personality as PersonalityName].offersPostHandshakeAuth,
    alpn: req.alpn ?? base.alpn,
    clientCertificate: req.clientCertificate ? clientCertificate : undefined,
    extendedMasterSecret: offered('extended_master_secret'),
    renegotiationInfo: offered('renegotiation_info'),
    encryptThenMac: offered('encrypt_then_mac'),
    sessionTicket: offered('session_ticket'),
    maxRenegotiations: req.maxRenegotiations ?? base.maxRenegotiations,
    ...(req.tamper ? { tamper: checkedTamper(req.tamper) } : {}),
    pskModes: pick('input.unknownPskMode', req.pskModes, ['psk_dhe_ke', 'psk_ke'] as const, base.pskModes),
  };
}

/** A tamper as the SPEC parser reads it (the request may come from a link or a file). */
function checkedTamper(tamper: Tamper): Tamper {
  try {
    return parseTamperSpec(formatTamperSpec(tamper));
  } catch (e) {
    if (e instanceof TamperSpecError) throw new RunInputError(said('tamper.failed', { why: e.diagnostic }));
    throw new RunInputError(`tamper: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function defaultRandom(n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

/**
 * Runs one experiment: connect, TLS handshake, one HTTP/1.1 request, close. Everything that happens
 * becomes a step of the returned trace; the promise never rejects.
 *
 * With `resume`, two connections: the first as above, then a second that offers the session the
 * first one kept (a TLS 1.3 ticket, a TLS 1.2 ticket or session id), sending the request as 0-RTT
 * data with `earlyData` when the ticket allows. The trace returned is the second connection's,
 * with `resumption` saying what became of the offer and the first connection's whole trace in
 * `firstConnection`.
 */
export async function runTls(req: RunRequest, deps: RunDeps): Promise<Trace> {
  if (!req.resume) return (await runConnection(req, deps)).trace;
  const first = await runConnection({ ...req, resume: false, earlyData: false }, deps, undefined, true);
  if (first.trace.outcomeCause.cause === 'input' || first.trace.outcomeCause.cause === 'stopped' || deps.signal?.aborted) return first.trace;
  const second = await runConnection(req, deps, first.sessions.at(-1) ?? null);
  second.trace.firstConnection = first.trace;
  return second.trace;
}

/** One connection. `resume`: the session to offer (null: the run resumes, but the first connection kept none). */
async function runConnection(req: RunRequest, deps: RunDeps, resume?: ResumableSession | null, keepSessions = false): Promise<{ trace: Trace; sessions: readonly ResumableSession[] }> {
  const now = deps.now ?? (() => (typeof performance !== 'undefined' ? performance.timeOrigin + performance.now() : Date.now()));
  const runOptions: RunOptions = {
    url: req.url,
    connect: req.connect,
    versions: req.versions ?? ['TLSv1.3', 'TLSv1.2'],
    cipherSuites: req.cipherSuites ?? [],
    groups: req.groups ?? [],
    signatureSchemes: req.signatureSchemes ?? [],
    personality: req.personality ?? 'openssl',
    insecure: req.insecure ?? false,
    postHandshakeAuth: req.postHandshakeAuth ?? false,
    clientCertificate: req.clientCertificate ?? false,
    alpn: req.alpn ?? ['http/1.1'],
    method: req.method ?? 'GET',
  };
  const off = tls12ExtensionNames.filter((name) => req.tls12Off?.includes(name));
  if (off.length) runOptions.tls12Off = off;
  if (req.tamper) runOptions.tamper = req.tamper;
  if (req.resume) runOptions.resume = true;
  if (req.resume && req.earlyData) runOptions.earlyData = true;
  if (req.resume && req.pskModes?.length) runOptions.pskModes = req.pskModes;
  const recorder = new TraceRecorder(runOptions, { name: 'tls-playground', version: ENGINE_VERSION, crypto: deps.crypto.name }, now);
  const trace = recorder.trace;
  const emit = (content: Parameters<TraceRecorder['add']>[0], atMs?: number) => {
    const step = recorder.add(content, atMs);
    deps.onStep?.(step, trace);
    return step;
  };

  let target: ParsedTarget;
  let options: ClientOptions;
  try {
    target = parseTarget(req.url, req.connect);
    options = buildClientOptions(req, target, deps.clientCertificate);
    if (req.clientCertificate && !deps.clientCertificate) throw new RunInputError(said('input.noClientCertificate'));
    checkRequestLine(req.method ?? 'GET', target.path);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const refused = e instanceof HttpRequestError || e instanceof RunInputError ? e.diagnostic : undefined;
    const diagnostic = refused ? { diagnostic: refused } : {};
    emit({ direction: 'local', layer: 'verdict', kind: 'error', data: { source: 'input', message, ...diagnostic } });
    trace.outcome = 'error';
    trace.outcomeCause = { cause: 'input', message, ...diagnostic };
    trace.timings.totalMs = recorder.elapsed();
    return { trace, sessions: [] };
  }
  trace.personality = options.personality;
  if (resume) options.resume = resume;
  if (keepSessions) options.keepSessions = true;
  const run = new Run(req, deps, options, target, recorder, emit);
  if (resume === null) {
    // Said before anything else: this connection cannot resume, the first one kept nothing.
    emit({ direction: 'local', layer: 'handshake', kind: 'resumption', data: { event: 'not-offered', version: options.versions[0], reason: 'no-session' } });
  }
  const done = await run.execute();
  if (resume !== undefined) done.resumption = run.resumption();
  return { trace: done, sessions: run.sessions };
}

class Run {
  private connection?: Connection;
  private client: TlsClient;
  private chain: Promise<void> = Promise.resolve();
  private http: HttpResponseParser;
  private requestSent = false;
  private requestResent = false;
  private done = false;
  private finish!: () => void;
  private transportEnded: 'fin' | 'reset' | 'error' | undefined;
  private connectedAt?: number;
  private firstByteAt?: number;
  private timer?: ReturnType<typeof setTimeout>;
  /** Bytes the engine produced during the current task; written together, as one TCP write. */
  private outbox: Uint8Array[] = [];
  /**
   * The engine's steps from before TCP connected (the ClientHello, built while connecting): they
   * join the trace right after the "TCP connected" step, when the transport puts their bytes on the wire.
   */
  private held: Parameters<TraceRecorder['add']>[0][] | undefined;

  constructor(
    private readonly req: RunRequest,
    private readonly deps: RunDeps,
    private readonly options: ClientOptions,
    private readonly target: ParsedTarget,
    private readonly recorder: TraceRecorder,
    private readonly emit: (content: Parameters<TraceRecorder['add']>[0], atMs?: number) => Step,
  ) {
    this.http = new HttpResponseParser(req.method ?? 'GET');
    this.client = new TlsClient(
      options,
      {
        crypto: deps.crypto,
        random: deps.random ?? defaultRandom,
        now: deps.now ?? Date.now,
        verifyCertificates: deps.verifyCertificates,
        annotateCertificate: deps.annotateCertificate,
      },
      {
        send: (bytes) => this.outbox.push(bytes),
        step: (step) => {
          if (this.held) this.held.push(step);
          else this.emit(step);
        },
        applicationData: (bytes) => this.onApplicationData(bytes),
        keyLog: (line) => recorder.trace.keyLog.push(line),
      },
    );
  }

  private get trace(): Trace {
    return this.recorder.trace;
  }

  get sessions(): readonly ResumableSession[] {
    return this.client.sessions;
  }

  /** What became of the session offered (the trace's `resumption`). */
  resumption(): NonNullable<Trace['resumption']> {
    return this.client.summary.resumption ?? { offered: false, accepted: false };
  }

  /** The HTTP request's bytes and step (`again`: sent again after the server rejected it as early data). */
  private request(how: { earlyData?: boolean; afterEarlyDataRejected?: boolean } = {}) {
    const { bytes, field } = encodeRequest({ method: this.req.method ?? 'GET', path: this.target.path, host: this.target.port === 443 ? this.target.host : `${hostForHeader(this.target.host)}:${this.target.port}`, body: this.req.body });
    const step: Parameters<TraceRecorder['add']>[0] = { direction: 'client->server', layer: 'http', kind: 'http', data: { message: 'request', method: this.req.method ?? 'GET', path: this.target.path, ...how }, bytes: { hex: toHex(bytes), field }, rfc: 'RFC 9112 §3' };
    return { bytes, step };
  }

  /** Starts the handshake; with early data asked for, the request goes along as 0-RTT data when the ticket allows. */
  private async start(): Promise<void> {
    if (!this.req.earlyData || this.options.resume?.version !== 'TLSv1.3') return this.client.start();
    await this.client.start(this.request({ earlyData: true }));
    if (this.client.summary.earlyData === 'sent') this.requestSent = true;
  }

  execute(): Promise<Trace> {
    return new Promise<Trace>((resolve) => {
      this.finish = () => resolve(this.trace);
      const timeoutMs = this.deps.timeoutMs ?? 15000;
      this.timer = setTimeout(() => this.enqueue(() => this.onTimeout(timeoutMs)), timeoutMs);
      this.deps.signal?.addEventListener('abort', () => this.enqueue(async () => this.end('error', { cause: 'stopped' })));
      // The ClientHello is built while TCP connects. Its bytes go to the transport at once, which
      // sends them the moment the connection is up (the relay: right after the WebSocket opens, and
      // it writes them to the server as soon as its own dial completes), saving a turn of the
      // event loop here and a round trip to the relay. Its steps wait for "TCP connected".
      // prepare() may hold the thread for a while (ML-KEM key generation is plain JavaScript), so
      // it goes first: a dial started before it would have its "connected" reported late.
      this.client.prepare();
      this.emit({
        direction: 'local',
        layer: 'tcp',
        kind: 'transport',
        data: { event: 'connecting', host: this.target.connectHost, port: this.target.connectPort },
      });
      this.held = [];
      this.connection = this.deps.transport.open({ host: this.target.connectHost, port: this.target.connectPort }, (event) => {
        const at = this.recorder.elapsed();
        this.enqueue(() => this.onTransport(event, at));
      });
      this.enqueue(() => this.start());
    });
  }

  /** Serializes everything that touches the engine: its calls must not overlap. */
  private enqueue(task: () => Promise<void> | void): void {
    this.chain = this.chain.then(async () => {
      if (this.done) return;
      try {
        await task();
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        this.emit({ direction: 'local', layer: 'verdict', kind: 'error', data: { source: 'internal', message } });
        this.end('error', { cause: 'internal', message });
      }
      this.flushWrites();
    });
  }

  /** One write per engine task: a flight of records leaves in one segment, as real stacks send it. */
  private flushWrites(): void {
    if (!this.outbox.length || !this.connection) return;
    const parts = this.outbox;
    this.outbox = [];
    this.connection.write(parts.length === 1 ? parts[0] : concat(...parts));
  }

  private closeConnection(): void {
    this.flushWrites();
    this.connection?.close();
  }

  /** `at`: when the event arrived (the engine may have been busy building the ClientHello). */
  private async onTransport(event: TransportEvent, at: number): Promise<void> {
    switch (event.type) {
      case 'resolved':
        this.emit({ direction: 'local', layer: 'tcp', kind: 'transport', data: { event: 'resolved', host: event.host, addresses: event.addresses } }, at);
        return;
      case 'connected':
        this.connectedAt = at;
        this.trace.timings.connectMs = Math.round(event.connectMs * 1000) / 1000;
        this.emit({
          direction: 'local',
          layer: 'tcp',
          kind: 'transport',
          data: { event: 'connected', remoteAddress: event.remoteAddress, remotePort: event.remotePort, connectMs: event.connectMs },
        }, at);
        this.releaseHeldSteps();
        return this.afterEngine();
      case 'data':
        this.firstByteAt ??= this.recorder.elapsed();
        await this.client.receive(event.bytes);
        return this.afterEngine();
      case 'fin':
        this.transportEnded = 'fin';
        this.emit({
          direction: 'server->client',
          layer: 'tcp',
          kind: 'transport',
          data: { event: 'fin' },
        });
        // RFC 9112 §9.8: a body delimited by the connection close is complete only after close_notify
        // (handled when the alert arrives); a bare FIN may be an attacker truncating the response.
        if (this.client.peerClosed) this.http.end();
        return this.conclude();
      case 'reset':
        this.transportEnded = 'reset';
        this.emit({
          direction: 'server->client',
          layer: 'tcp',
          kind: 'transport',
          rfc: 'RFC 9293 §3.5.2',
          data: { event: 'reset' },
        });
        return this.conclude();
      case 'error':
        this.transportEnded = 'error';
        this.emit({ direction: 'local', layer: 'tcp', kind: 'transport', data: { event: 'error', code: event.code, message: event.message, ...(event.reason ? { reason: event.reason } : {}) } });
        return this.end(event.code === 'ETIMEDOUT' ? 'timeout' : 'error', { cause: 'transport', code: event.code, message: event.message, ...(event.reason ? { reason: event.reason } : {}) });
      case 'closed':
        if (!this.done) return this.conclude(true);
        return;
    }
  }

  private releaseHeldSteps(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const step of held) this.emit(step);
  }

  private onApplicationData(bytes: Uint8Array): void {
    this.http.feed(bytes);
  }

  /** After each engine call: send the request once connected, finish when the response is complete. */
  private async afterEngine(): Promise<void> {
    const c = this.client;
    if (c.state === 'connected' && this.trace.timings.handshakeMs === undefined) this.trace.timings.handshakeMs = this.recorder.elapsed() - (this.connectedAt ?? 0);
    // RFC 8446 §4.2.10: early data the server rejected is lost; the client sends it again.
    const resend = c.state === 'connected' && c.summary.earlyData === 'rejected' && !this.requestResent;
    if (c.state === 'connected' && (!this.requestSent || resend)) {
      this.requestSent = true;
      if (resend) this.requestResent = true;
      const { bytes, step } = this.request(resend ? { afterEarlyDataRejected: true } : {});
      this.emit(step);
      await c.send(bytes);
    }
    const problem = this.http.problem;
    if (problem) {
      const invalid = { error: inEnglish(problem), diagnostic: problem };
      this.emit({ direction: 'local', layer: 'http', kind: 'http', data: { message: 'invalid-response', ...invalid } });
      await c.close();
      return this.end('error', { cause: 'invalid-response', ...invalid });
    }
    if (this.http.complete) {
      this.recordResponse();
      await c.close();
      this.closeConnection();
      return this.end('ok', this.httpCause());
    }
    if (c.state === 'failed') {
      this.closeConnection();
      return this.end(c.failure!.alert ? 'alert' : 'error', this.failureCause());
    }
    if (c.unusable) {
      this.closeConnection();
      return this.end('error', { cause: 'unusable', reason: c.unusable });
    }
    if (c.peerClosed && c.state === 'closed') {
      this.http.end();
      if (this.http.complete) return this.afterEngine();
    }
  }

  private recordResponse(): void {
    const r = this.http.result();
    if (!r || this.trace.http) return;
    const printable = new TextDecoder().decode(r.body.subarray(0, 512));
    this.trace.http = {
      status: r.status,
      reason: r.reason,
      headers: r.headers,
      bodyBytes: r.bodyBytes,
      chunked: r.chunked,
      bodyPreview: isPrintable(printable) ? printable : undefined,
    };
    this.emit({ direction: 'server->client', layer: 'http', kind: 'http', data: { message: 'response', status: r.status, reason: r.reason }, bytes: { hex: toHex(r.bytes), field: r.field }, rfc: 'RFC 9112 §4' });
  }

  private httpCause(): OutcomeCause {
    return { cause: 'http', status: this.trace.http!.status, reason: this.trace.http!.reason };
  }

  /** Why the TLS connection failed: an alert (whose), or a local failure that sent none. */
  private failureCause(): OutcomeCause {
    const f = this.client.failure!;
    if (f.by === 'server' && f.alert === 'close_notify') return { cause: 'server-closed-handshake' };
    const diagnostic = f.diagnostic ? { diagnostic: f.diagnostic } : {};
    if (!f.alert) return { cause: 'client-error', message: f.message, ...diagnostic };
    const by = f.by === 'server' ? 'server' : 'client';
    // A rejected certificate: the failed check's finding, so the outcome reads in any language.
    const check = by === 'client' ? this.trace.certificate?.checks.find((k) => !k.ok) : undefined;
    const found = f.finding ?? (check?.finding && check.detail === f.message ? check.finding : undefined);
    const finding = found ? { finding: found } : {};
    return { cause: 'alert', by, alert: f.alert, message: f.message, ...diagnostic, ...finding, ...(f.afterEmptyClientCertificate ? { afterEmptyClientCertificate: true } : {}) };
  }

  /** The transport ended: decide what that means given where the handshake and the response are. */
  private async conclude(closedWithoutEvent = false): Promise<void> {
    const c = this.client;
    if (this.http.complete) {
      this.recordResponse();
      return this.end('ok', this.httpCause());
    }
    if (c.state === 'failed' && c.failure?.alert) {
      return this.end('alert', this.failureCause());
    }
    const where = this.where();
    if (this.transportEnded === 'reset') {
      return this.end('reset', { cause: 'reset', ...(where ? { where } : {}) });
    }
    if (this.transportEnded === 'fin' || closedWithoutEvent) {
      return this.end('closed', { cause: 'closed', closeNotify: c.state === 'closed' && c.peerClosed, ...(where ? { where } : {}) });
    }
  }

  private where(): Where | undefined {
    const c = this.client;
    if (this.connectedAt === undefined) return undefined;
    if (c.state === 'handshaking') return 'handshake';
    if (this.requestSent && !this.http.received) return 'after-request';
    if (this.http.received) return 'mid-response';
    return undefined;
  }

  private async onTimeout(ms: number): Promise<void> {
    const waiting: Waiting = this.connectedAt === undefined ? 'connection' : this.client.state === 'handshaking' ? 'handshake' : this.requestSent ? 'response' : 'connection';
    this.emit({ direction: 'local', layer: 'tcp', kind: 'transport', data: { event: 'timeout', timeoutMs: ms, waiting } });
    this.closeConnection();
    this.end('timeout', { cause: 'timeout', timeoutMs: ms, waiting });
  }

  private end(outcome: Outcome, cause: OutcomeCause): void {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    const t = this.trace;
    const s = this.client.summary;
    t.outcome = outcome;
    t.outcomeCause = cause;
    t.version = s.version;
    t.cipherSuite = s.cipherSuite;
    t.group = s.group;
    t.signatureScheme = s.signatureScheme;
    t.alpn = s.alpn;
    t.alerts = s.alerts;
    t.certificate = s.certificate;
    t.timings.firstByteMs = this.firstByteAt;
    t.timings.totalMs = this.recorder.elapsed();
    if (this.connectedAt !== undefined && this.transportEnded === undefined) {
      // The client tears the TCP connection down itself (its FIN): the capture and the diagram show it.
      this.emit({ direction: 'client->server', layer: 'tcp', kind: 'transport', data: { event: 'close' } });
    }
    this.emit({ direction: 'local', layer: 'verdict', kind: 'outcome', data: { outcome, personality: this.options.personality, cause } });
    this.closeConnection();
    this.finish();
  }
}

function isPrintable(text: string): boolean {
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 && c !== 9 && c !== 10 && c !== 13) return false;
    if (c === 0xfffd || c === 0x7f) return false;
  }
  return true;
}

function hostForHeader(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
