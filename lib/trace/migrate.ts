import type {
  AlertData,
  AnnotatedBytes,
  Direction,
  Layer,
  OutcomeCause,
  PersonalityData,
  Step,
  StepContent,
  TlsVersion,
  Trace,
  TransportData,
  Waiting,
  Where,
} from './schema';
import { TRACE_VERSION } from './schema';

/**
 * Upgrades a trace of an older schema version to the current one, so a run saved years ago renders
 * with today's views (validateTrace calls this after checking the shape).
 *
 * Version 1 → 2: version 1 stored English (a step's `title` and `explanation`, the trace's
 * `outcomeDetail`) and recorded only some facts as data. This is the one place allowed to read
 * those words, once, to recover each step's kind and the facts version 1 kept only in its title.
 * The titles and sentences matched here are the ones the version 1 engine wrote; a step none of
 * them matches keeps its words as a 'legacy' step, shown as it was.
 */

/** A version 1 step: words, and data on some layers. */
export interface StepV1 {
  seq: number;
  timeMs: number;
  direction: Direction;
  layer: Layer;
  title: string;
  explanation?: string;
  rfc?: string;
  bytes?: AnnotatedBytes;
  plaintext?: AnnotatedBytes;
  data?: Record<string, unknown>;
}

export type TraceV1 = Omit<Trace, 'schemaVersion' | 'steps' | 'outcomeCause'> & { schemaVersion: 1; outcomeDetail: string; steps: StepV1[] };

/** The handshake message names the version 1 engine used as titles (RFC 8446 §4 struct names). */
const MESSAGE_BY_TITLE: Record<string, string> = {
  HelloRequest: 'hello_request',
  ClientHello: 'client_hello',
  ServerHello: 'server_hello',
  NewSessionTicket: 'new_session_ticket',
  EndOfEarlyData: 'end_of_early_data',
  EncryptedExtensions: 'encrypted_extensions',
  Certificate: 'certificate',
  ServerKeyExchange: 'server_key_exchange',
  CertificateRequest: 'certificate_request',
  ServerHelloDone: 'server_hello_done',
  CertificateVerify: 'certificate_verify',
  ClientKeyExchange: 'client_key_exchange',
  Finished: 'finished',
  KeyUpdate: 'key_update',
};

const WAITING: Record<string, Waiting> = { 'the connection': 'connection', 'the handshake': 'handshake', 'the HTTP response': 'response' };
const WHERE: Record<string, Where> = {
  ' during the handshake': 'handshake',
  ' after the HTTP request, before any response': 'after-request',
  ' in the middle of the HTTP response': 'mid-response',
};

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function peerOf(direction: Direction): 'client' | 'server' {
  return direction === 'server->client' ? 'server' : 'client';
}

function whereOf(rest: string): { where?: Where } {
  const where = WHERE[rest];
  return where ? { where } : {};
}

/** Walks the steps in order: some facts depend on what came before (the version, the personality). */
interface Context {
  trace: TraceV1;
  /** Set once the TLS 1.2 parameters step went by: messages after it were read as TLS 1.2. */
  version?: TlsVersion;
  personality?: PersonalityData;
  /** The last transport failure's code and message (the outcome names it). */
  transportError?: { code: string; message: string };
  /** The last local failure's message and alert. */
  error?: { message: string; alert?: string };
}

type Content = StepContent;

function transportStep(s: StepV1, ctx: Context): Content | undefined {
  const d = s.data ?? {};
  const t = s.title;
  const base = { direction: s.direction, layer: s.layer, kind: 'transport' } as const;
  const make = (data: TransportData): Content => ({ ...base, data });
  const event = str(d.event);
  if (event === 'connecting' || /^Connecting to /.test(t)) {
    const parsed = /^Connecting to (.+):(\d+)$/.exec(t);
    return make({ event: 'connecting', host: str(d.host) ?? parsed?.[1] ?? '', port: num(d.port) ?? Number(parsed?.[2] ?? 0) });
  }
  if (event === 'resolved' || /^Resolved /.test(t)) {
    const parsed = /^Resolved (\S+) to (.*)$/.exec(t);
    const addresses = Array.isArray(d.addresses) ? d.addresses.filter((a): a is string => typeof a === 'string') : (parsed?.[2].split(', ') ?? []);
    return make({ event: 'resolved', host: str(d.host) ?? parsed?.[1] ?? '', addresses });
  }
  if (event === 'connected' || /^TCP connected to /.test(t)) {
    const parsed = /^TCP connected to (.+):(\d+) in ([\d.]+) ms$/.exec(t);
    return make({
      event: 'connected',
      remoteAddress: str(d.remoteAddress) ?? parsed?.[1] ?? '',
      remotePort: num(d.remotePort) ?? Number(parsed?.[2] ?? 0),
      connectMs: num(d.connectMs) ?? Number(parsed?.[3] ?? 0),
    });
  }
  if (event === 'fin' || t === 'Server closed the connection (FIN)') return make({ event: 'fin' });
  if (event === 'reset' || t === 'Connection reset by peer (RST)') return make({ event: 'reset' });
  if (event === 'close' || t === 'Client closed the connection') return make({ event: 'close' });
  if (event === 'shutdown') return make({ event: 'shutdown' });
  if (event === 'timeout' || /^Timed out after/.test(t)) {
    const parsed = /^Timed out after (\d+) ms waiting for (.*)$/.exec(t);
    return make({ event: 'timeout', timeoutMs: num(d.timeoutMs) ?? Number(parsed?.[1] ?? 0), waiting: WAITING[parsed?.[2] ?? ''] ?? 'connection' });
  }
  if (event === 'error') {
    const error = { code: str(d.code) ?? 'ERROR', message: str(d.message) ?? t };
    ctx.transportError = error;
    return make({ event: 'error', ...error });
  }
  return undefined;
}

function recordStep(s: StepV1): Content | undefined {
  const t = s.title;
  const d = s.data ?? {};
  const base = { direction: s.direction, layer: s.layer } as const;
  let m: RegExpExecArray | null;
  if (/^Record: /.test(t)) {
    const parsed = /^Record: (\S+?)( \(encrypted\))?, (\d+) bytes$/.exec(t);
    const protectedBy = str(d.protectedBy) ?? null;
    return {
      ...base,
      kind: 'record',
      data: {
        contentType: str(d.contentType) ?? parsed?.[1] ?? 'unknown',
        outerContentType: num(d.outerContentType) ?? 0,
        protectedBy,
        encrypted: protectedBy !== null && protectedBy !== '' ? true : Boolean(parsed?.[2]),
        contentLength: num(d.contentLength) ?? Number(parsed?.[3] ?? 0),
      },
    };
  }
  if ((m = /^Unparseable bytes, (\d+) bytes$/.exec(t))) return { ...base, kind: 'unparseable', data: { length: Number(m[1]), error: s.explanation ?? '' } };
  if (t === 'ChangeCipherSpec') return { ...base, kind: 'change-cipher-spec', data: { from: 'client', compatibility: false } };
  if (t === 'ChangeCipherSpec (compatibility)') return { ...base, kind: 'change-cipher-spec', data: { from: 'client', compatibility: true } };
  if (t === 'Server switched to the new keys (ChangeCipherSpec)') return { ...base, kind: 'change-cipher-spec', data: { from: 'server', compatibility: false } };
  if (t === 'ChangeCipherSpec ignored (TLS 1.3 compatibility mode)') return { ...base, kind: 'change-cipher-spec', data: { from: 'server', compatibility: true } };
  return undefined;
}

function handshakeStep(s: StepV1, ctx: Context): Content | undefined {
  const t = s.title;
  const base = { direction: s.direction, layer: s.layer } as const;
  let m: RegExpExecArray | null;
  if ((m = /^HelloRetryRequest: retry( with (\S+))?( and cookie)?$/.exec(t))) {
    return { ...base, kind: 'hello-retry', data: { ...(m[2] ? { group: m[2] } : {}), cookie: Boolean(m[3]) } };
  }
  if (t === 'Renegotiation: new ClientHello under the current keys') return { ...base, kind: 'renegotiation-start', data: {} };
  const malformed = / \(malformed\)$/.test(t);
  const message = MESSAGE_BY_TITLE[t.replace(/ \(malformed\)$/, '')];
  if (!message) return undefined;
  const ignored = s.explanation?.startsWith('A HelloRequest during a handshake is ignored') === true;
  return {
    ...base,
    kind: 'handshake',
    data: {
      message,
      from: peerOf(s.direction),
      ...(ctx.version ? { version: ctx.version } : {}),
      ...(malformed ? { malformed } : {}),
      ...(ignored ? { ignored } : {}),
    },
  };
}

function alertStep(s: StepV1, ctx: Context): Content | undefined {
  const d = s.data ?? {};
  const parsed = /^Alert: (\S+) \((warning|fatal)\)$/.exec(s.title);
  const description = str(d.description) ?? parsed?.[1];
  const level = (str(d.level) ?? parsed?.[2]) as AlertData['level'] | undefined;
  if (!description || (level !== 'warning' && level !== 'fatal')) return undefined;
  const from = peerOf(s.direction);
  const why = s.explanation ?? '';
  const data: AlertData = { from, level, description, fatal: level === 'fatal' };
  if (from === 'server') {
    data.fatal = / The connection ends\./.test(why) || level === 'fatal';
    if (why.includes('The server found nothing acceptable in the ClientHello')) data.helloRejected = true;
    if (why.includes('It came after the client answered the server\u2019s CertificateRequest with no certificate')) data.afterEmptyClientCertificate = true;
  } else if (why.startsWith('The client is done')) data.cause = 'close';
  else if (why.startsWith('The client gives up')) data.cause = 'abandon';
  else if (why.startsWith('The client answers the server')) data.cause = 'reply';
  else if (why.startsWith('The client found a problem and ends the connection: ')) {
    data.cause = 'error';
    data.error = why.slice('The client found a problem and ends the connection: '.length);
  } else if (description === 'no_renegotiation' && ctx.personality) {
    data.cause = 'renegotiation-refused';
    data.personality = ctx.personality.personality;
    data.reaction = ctx.personality.reaction;
    if (ctx.personality.override) data.override = ctx.personality.override;
  }
  return { direction: s.direction, layer: s.layer, kind: 'alert', data };
}

function certificateStep(s: StepV1, ctx: Context): Content | undefined {
  const summary = (s.data ?? {}).summary as Trace['certificate'] | undefined;
  if (!summary) return undefined;
  const rejected = /^Certificate rejected: (.*)$/.exec(s.title);
  const serverName = /the name matches (.*)\.$/.exec(s.explanation ?? '')?.[1] ?? hostOf(ctx.trace.options.url);
  return {
    direction: s.direction,
    layer: s.layer,
    kind: 'check',
    data: {
      check: 'certificate',
      ok: !rejected,
      ...(rejected ? { alert: summary.alert ?? rejected[1], message: rejected[1] } : {}),
      insecure: summary.insecure === true,
      serverName,
      summary,
    },
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

function verdictStep(s: StepV1, ctx: Context): Content | undefined {
  const t = s.title;
  const d = s.data ?? {};
  const base = { direction: s.direction, layer: s.layer } as const;
  let m: RegExpExecArray | null;
  if (d.event === 'no-client-certificate' || t === 'No usable client certificate' || t === 'No client certificate configured') {
    return { ...base, kind: 'no-client-certificate', data: { configured: d.configured === true || t === 'No usable client certificate' } };
  }
  if ((m = /^Refused: (.*)$/s.exec(t)) && str(d.check) && str(d.rule)) {
    const { kind: _kind, check, verdict: _verdict, ok: _ok, rule, alert, ...facts } = d;
    const known = Object.fromEntries(Object.entries(facts).filter((e): e is [string, string | number | boolean] => ['string', 'number', 'boolean'].includes(typeof e[1])));
    ctx.error = { message: m[1], alert: str(alert) };
    return { ...base, kind: 'refusal', data: { check: String(check), ok: false, rule: String(rule), alert: str(alert) ?? '', message: m[1], facts: known } };
  }
  if ((m = /^Error: (.*)$/s.exec(t))) {
    ctx.error = { message: m[1], alert: str(d.alert) };
    return { ...base, kind: 'error', data: { source: 'tls', ...(str(d.alert) ? { alert: str(d.alert) } : {}), message: m[1] } };
  }
  if ((m = /^Invalid input: (.*)$/s.exec(t))) return { ...base, kind: 'error', data: { source: 'input', message: m[1] } };
  if ((m = /^Internal error: (.*)$/s.exec(t))) return { ...base, kind: 'error', data: { source: 'internal', message: m[1] } };
  if ((m = /^Could not start: (.*)$/s.exec(t))) return { ...base, kind: 'error', data: { source: 'start', message: m[1] } };
  if ((m = /^(.+) signature verified \((.+)\)$/.exec(t))) return { ...base, kind: 'check', data: { check: 'signature', ok: true, message: m[1], scheme: str(d.scheme) ?? m[2] } };
  if (/^No downgrade sentinel/.test(t)) return { ...base, kind: 'check', data: { check: 'downgrade-sentinel', ok: true } };
  if (t === 'renegotiation_info verified') return { ...base, kind: 'check', data: { check: 'renegotiation-info', ok: true } };
  if (t === 'Server Finished verified') {
    const version: TlsVersion = s.rfc === 'RFC 5246 §7.4.9' ? 'TLSv1.2' : 'TLSv1.3';
    return { ...base, kind: 'check', data: { check: 'finished', ok: true, version, ...(str(d.expected) ? { expected: str(d.expected) } : {}) } };
  }
  if ((m = /^TLS 1\.2 with (\S+)$/.exec(t))) {
    ctx.version = 'TLSv1.2';
    return {
      ...base,
      kind: 'negotiated',
      data: {
        version: 'TLSv1.2',
        cipherSuite: m[1],
        secureRenegotiation: d.secureRenegotiation === true,
        extendedMasterSecret: d.extendedMasterSecret === true,
        encryptThenMac: d.encryptThenMac === true,
        cbc: m[1].includes('_CBC_'),
        sessionId: str(d.sessionId) ?? '',
      },
    };
  }
  if (t === 'Renegotiation complete') {
    return { ...base, kind: 'handshake-complete', data: { version: 'TLSv1.2', cipherSuite: ctx.trace.cipherSuite ?? '', ...(ctx.trace.group ? { group: ctx.trace.group } : {}), renegotiation: true } };
  }
  if (t === 'Handshake complete') {
    const parsed = /^TLS (1\.[23]) with (\S+?)(?: over (\S+?))?(?: \(static RSA key exchange\))?\./.exec(s.explanation ?? '');
    const version: TlsVersion = parsed?.[1] === '1.2' ? 'TLSv1.2' : parsed?.[1] === '1.3' ? 'TLSv1.3' : (ctx.trace.version ?? 'TLSv1.3');
    const group = parsed?.[3] ?? ctx.trace.group;
    return { ...base, kind: 'handshake-complete', data: { version, cipherSuite: parsed?.[2] ?? ctx.trace.cipherSuite ?? '', ...(group ? { group } : {}), renegotiation: false } };
  }
  if (/ on HelloRequest: /.test(t) && str(d.personality) && str(d.reaction)) {
    const why = s.explanation ?? '';
    const limit = /already renegotiated (\d+) times/.exec(why);
    const personality: PersonalityData = {
      personality: str(d.personality)!,
      trigger: 'hello_request',
      reaction: str(d.reaction)!,
      ...(why.includes('renegotiates only with servers that support secure renegotiation') ? { override: 'insecure-renegotiation' as const } : limit ? { override: 'renegotiation-limit' as const } : {}),
      renegotiations: limit ? Number(limit[1]) : 0,
    };
    ctx.personality = personality;
    return { ...base, kind: 'personality', data: personality };
  }
  if (/^Outcome: /.test(t) && str(d.outcome)) {
    return { ...base, kind: 'outcome', data: { outcome: d.outcome as Trace['outcome'], personality: str(d.personality) ?? ctx.trace.personality, cause: causeOf(str(d.detail) ?? '', ctx) } };
  }
  return undefined;
}

function httpStep(s: StepV1): Content | undefined {
  const base = { direction: s.direction, layer: s.layer, kind: 'http' } as const;
  let m: RegExpExecArray | null;
  if ((m = /^HTTP request: (\S+) (.*)$/.exec(s.title))) return { ...base, data: { message: 'request', method: m[1], path: m[2] } };
  if ((m = /^HTTP response: (\d+) ?(.*)$/.exec(s.title))) return { ...base, data: { message: 'response', status: num(s.data?.status) ?? Number(m[1]), reason: m[2] } };
  if ((m = /^Invalid HTTP response: (.*)$/s.exec(s.title))) return { ...base, data: { message: 'invalid-response', error: m[1] } };
  return undefined;
}

/** The version 1 outcome sentence, as data. */
function causeOf(detail: string, ctx: Context): OutcomeCause {
  let m: RegExpExecArray | null;
  if ((m = /^HTTP (\d+) ?(.*)$/.exec(detail))) return { cause: 'http', status: Number(m[1]), reason: m[2] };
  if (detail === 'the server closed the connection during the handshake') return { cause: 'server-closed-handshake' };
  if ((m = /^the server sent a fatal (\S+) alert( after the client sent no certificate: the server requires a client certificate)?$/.exec(detail))) {
    return { cause: 'alert', by: 'server', alert: m[1], message: detail, ...(m[2] ? { afterEmptyClientCertificate: true } : {}) };
  }
  if ((m = /^the client aborted: (.*)$/s.exec(detail))) {
    const alert = ctx.error?.alert ?? lastClientFatalAlert(ctx.trace);
    return alert ? { cause: 'alert', by: 'client', alert, message: m[1] } : { cause: 'client-error', message: m[1] };
  }
  if ((m = /^connection reset by peer(.*)$/.exec(detail))) return { cause: 'reset', ...whereOf(m[1]) };
  if ((m = /^the server sent close_notify and closed the connection(.*)$/.exec(detail))) return { cause: 'closed', closeNotify: true, ...whereOf(m[1]) };
  if ((m = /^the server closed the connection(.*)$/.exec(detail))) return { cause: 'closed', closeNotify: false, ...whereOf(m[1]) };
  if ((m = /^timed out after (\d+) ms waiting for (.*)$/.exec(detail))) return { cause: 'timeout', timeoutMs: Number(m[1]), waiting: WAITING[m[2]] ?? 'connection' };
  if ((m = /^the server's HTTP response is invalid: (.*)$/s.exec(detail))) return { cause: 'invalid-response', error: m[1] };
  if (detail === 'the run was stopped') return { cause: 'stopped' };
  if (detail === 'the run has not finished') return { cause: 'unfinished' };
  if ((m = /^internal error: (.*)$/s.exec(detail))) return { cause: 'internal', message: m[1] };
  if ((m = /^The run could not start: (.*)$/s.exec(detail))) return { cause: 'start', message: m[1] };
  if (ctx.transportError) return { cause: 'transport', ...ctx.transportError };
  const input = ctx.trace.steps.find((s) => /^Invalid input: /.test(s.title));
  if (input) return { cause: 'input', message: detail };
  if (GO_NO_RENEGOTIATION.test(detail)) return { cause: 'unusable', reason: 'no-renegotiation' };
  // Anything else: the sentence is the engine's own, shown as it was.
  return { cause: 'unusable', message: detail };
}

function lastClientFatalAlert(trace: TraceV1): string | undefined {
  for (let i = trace.steps.length - 1; i >= 0; i--) {
    const s = trace.steps[i];
    if (s.layer === 'alert' && s.direction === 'client->server' && s.data?.level === 'fatal') return str(s.data.description);
  }
  return undefined;
}

function kindOf(s: StepV1, ctx: Context): Content {
  let content: Content | undefined;
  switch (s.layer) {
    case 'tcp':
      content = transportStep(s, ctx);
      break;
    case 'record':
      content = recordStep(s);
      break;
    case 'handshake':
      content = handshakeStep(s, ctx);
      break;
    case 'alert':
      content = alertStep(s, ctx);
      break;
    case 'application':
      if (/^Application data, \d+ bytes$/.test(s.title)) content = { direction: s.direction, layer: s.layer, kind: 'application-data', data: { length: Number(/(\d+) bytes$/.exec(s.title)![1]) } };
      break;
    case 'key':
      content = {
        direction: s.direction,
        layer: s.layer,
        kind: 'key',
        data: {
          label: str(s.data?.label) ?? s.title,
          value: str(s.data?.value) ?? '',
          inputs: Array.isArray(s.data?.inputs) ? (s.data.inputs as unknown[]).filter((i): i is string => typeof i === 'string') : [],
          algorithm: str(s.data?.algorithm) ?? '',
        },
      };
      break;
    case 'certificate':
      content = certificateStep(s, ctx);
      break;
    case 'verdict':
      content = verdictStep(s, ctx);
      break;
    case 'http':
      content = httpStep(s);
      break;
  }
  return content ?? { direction: s.direction, layer: s.layer, kind: 'legacy', data: { title: s.title, ...(s.explanation ? { explanation: s.explanation } : {}) } };
}

function migrateStep(s: StepV1, ctx: Context): Step {
  const content = kindOf(s, ctx);
  const step = { seq: s.seq, timeMs: s.timeMs, ...content } as Step;
  if (s.rfc !== undefined) step.rfc = s.rfc;
  if (s.bytes !== undefined) step.bytes = s.bytes;
  if (s.plaintext !== undefined) step.plaintext = s.plaintext;
  return step;
}

/** Go's refusal as engines before the typed reason wrote it: "tls: no renegotiation (Go refuses …)". */
const GO_NO_RENEGOTIATION = /^tls: no renegotiation\b/;

/** A version 2 cause written before an unusable connection's reason was data: the reason, recovered from the sentence. */
function typedCause(cause: OutcomeCause): OutcomeCause {
  return cause.cause === 'unusable' && !cause.reason && cause.message && GO_NO_RENEGOTIATION.test(cause.message) ? { cause: 'unusable', reason: 'no-renegotiation' } : cause;
}

export function migrateV1(trace: TraceV1): Trace {
  const ctx: Context = { trace };
  const steps = trace.steps.map((s) => migrateStep(s, ctx));
  const { outcomeDetail, steps: _steps, schemaVersion: _version, ...rest } = trace;
  const outcome = steps.find((s) => s.kind === 'outcome');
  return {
    ...rest,
    schemaVersion: TRACE_VERSION,
    outcomeCause: outcome?.kind === 'outcome' ? outcome.data.cause : causeOf(outcomeDetail, ctx),
    steps,
  };
}

/** The trace in the current schema version, whatever version it was written in. */
export function migrateTrace(trace: Trace | TraceV1): Trace {
  if (trace.schemaVersion === 1) return migrateV1(trace);
  const cause = typedCause(trace.outcomeCause);
  if (cause === trace.outcomeCause) return trace;
  return { ...trace, outcomeCause: cause, steps: trace.steps.map((s) => (s.kind === 'outcome' ? ({ ...s, data: { ...s.data, cause: typedCause(s.data.cause) } } as Step) : s)) };
}
