import { isPersonalityName, personalities } from '../tls/client/personalities';
import { messageTitle } from '../tls/handshake/messages';
import { handshakeTypes } from '../tls/registry/protocol';
import type { AlertData, CertificateCheck, CheckFinding, Diagnostic, EarlyDataData, HandshakeData, OutcomeCause, PersonalityData, ResumptionData, StepContent, TamperData, TransportData } from '../trace/schema';
import { english } from '../i18n/english';
import { enCore } from '../i18n/messages/enCore';
import type { MessageKey, Translate } from '../i18n/translator';
import { checkDetail } from './certificate';

/**
 * The words of a step: its title and its plain-words explanation, as pure functions of its kind and
 * data (the trace stores no prose since schema version 2), in the language of `t` (lib/i18n; English
 * when none is given). Every sentence about a step is a catalog message with the step's values
 * passed in, so a saved run gains any rewording and reads in every language we ship. Nothing may
 * decide anything by reading these words back: lib/trace/steps.ts answers questions from the data.
 */


/** The name a personality is shown under ("rustls", "OpenSSL"); the code name when unknown. */
export function personalityTitle(name: string): string {
  return isPersonalityName(name) ? personalities[name].title : name;
}

/** The handshake message's name as the RFCs write the struct: "ClientHello", "HelloRequest". */
export function handshakeTitle(message: string): string {
  return handshakeTypes.has(message) ? messageTitle(message) : message;
}

/** A catalog key built from data, or undefined when no message exists for that value. */
function known(key: string): MessageKey | undefined {
  let node: unknown = enCore;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || !(part in node)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? (key as MessageKey) : undefined;
}

function errorKey(code: string): string {
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'unreachable';
  if (code === 'RATE') return 'LIMIT';
  return code;
}

/**
 * Why the transport failed, as a clause in the reader's language. The relay and the system say it in
 * English, with the numbers that matter (the allowed ports, the limit reached): a reader of English
 * gets those words as they are. Any other language words the relay's stable word for it (`reason`:
 * port, ip-literal, address-private, client-rate…) from the catalog, and falls back to the
 * transport's own words only for a reason this build does not know or a trace recorded before
 * reasons were kept.
 */
export function transportReason(d: { message: string; reason?: string }, t: Translate = english): string {
  if (t('steps.transport.ownWords') === 'yes' && d.message) return d.message.replace(/\.$/, '');
  const range = d.reason?.startsWith('address-') ? known(`steps.transport.range.${d.reason.slice('address-'.length)}`) : undefined;
  if (range) return t('steps.transport.reason.address', { range: t(range) });
  const key = d.reason ? known(`steps.transport.reason.${d.reason}`) : undefined;
  return key ? t(key) : d.message.replace(/\.$/, '');
}

/**
 * A failure the engine (or a check of the input) diagnosed, as a clause in the reader's language.
 * The engine writes its diagnostic in English, naming the exact field and value ("record header has
 * version 0x0400"), and keeps the same as data (`diagnostic`: a sentence's code and its values): a
 * reader of English gets the English as written; any other language words the data from the
 * catalog's `engine` namespace. A run saved before diagnostics were data, or one whose code this
 * build does not know, reads as the alert's meaning with the English quoted after it, as any
 * program's error output would be.
 */
export function engineWords(d: { alert?: string; message: string; diagnostic?: Diagnostic }, t: Translate = english): string {
  if (t('steps.engine.ownWords') === 'yes' || !d.message) return d.message;
  const worded = d.diagnostic && diagnosticWords(d.diagnostic, t);
  if (worded) return worded;
  const message = d.message.replace(/\.$/, '');
  const meaning = d.alert ? known(`steps.meaning.${d.alert}`) : undefined;
  return t('steps.engine.worded', { meaning: meaning ? t(meaning) : t('steps.engine.noAlert'), message });
}

/**
 * The engine's failure, or for a rejected server certificate the failed check's finding (data the
 * certificate panel words too): English readers get the engine's sentence as written.
 */
function failureWords(d: { alert?: string; message: string; diagnostic?: Diagnostic; finding?: CheckFinding }, t: Translate): string {
  if (!d.finding || t('steps.engine.ownWords') === 'yes') return engineWords(d, t);
  return checkDetail({ check: '', ok: false, detail: d.message, finding: d.finding }, t);
}

/**
 * A diagnostic's sentence from the catalog (`engine.record.tooLong`), its values worded in turn;
 * undefined when the catalog lacks its code or one of its values' codes. The engine's diagnostics
 * are in the `engine` namespace; a trace file's problems (lib/trace/problems.ts) in `traceFile`.
 */
export function diagnosticWords(d: Diagnostic, t: Translate, namespace: 'engine' | 'traceFile' = 'engine'): string | undefined {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(d.params ?? {})) {
    const worded = typeof value === 'object' ? diagnosticWords(value, t, namespace) : String(value);
    if (worded === undefined) return undefined;
    values[name] = worded;
  }
  const key = `${namespace}.${d.code}`;
  // A message the catalog lacks comes back as its key (use-intl's fallback).
  const sentence = t(key as MessageKey, values);
  return sentence === key || sentence.endsWith(`.${d.code}`) ? undefined : sentence;
}

function transportErrorTitle(d: { code: string; message: string; reason?: string }, t: Translate): string {
  const key = known(`steps.transport.error.${errorKey(d.code)}`);
  const message = transportReason(d, t);
  return key ? t(key, { message }) : t('steps.transport.error.other', { code: d.code, message });
}

/** What a transport failure means, in a sentence, with why it failed after it. */
function transportErrorExplanation(d: { code: string; message: string; reason?: string }, t: Translate): string {
  const key = known(`steps.transport.errorWhy.${errorKey(d.code)}`);
  const detail = transportReason(d, t);
  return key ? t(key, { detail }) : detail;
}

function transportTitle(d: TransportData, t: Translate): string {
  switch (d.event) {
    case 'connecting':
      return t('steps.transport.connecting', { host: d.host, port: String(d.port) });
    case 'resolved':
      return t('steps.transport.resolved', { host: d.host, addresses: d.addresses.join(', ') });
    case 'connected':
      return t('steps.transport.connected', { address: d.remoteAddress, port: String(d.remotePort), ms: d.connectMs.toFixed(1) });
    case 'fin':
    case 'reset':
    case 'close':
    case 'shutdown':
      return t(`steps.transport.${d.event}`);
    case 'timeout':
      return t('steps.transport.timeout', { ms: String(d.timeoutMs), waiting: t(`steps.waiting.${d.waiting}`) });
    case 'error':
      return transportErrorTitle(d, t);
  }
}

function transportExplanation(d: TransportData, t: Translate): string | undefined {
  switch (d.event) {
    case 'connected':
      return t('steps.transport.connectedWhy');
    case 'fin':
      return t('steps.transport.finWhy');
    case 'reset':
      return t('steps.transport.resetWhy');
    case 'timeout':
      return t('steps.transport.timeoutWhy', { ms: String(d.timeoutMs) });
    case 'error':
      return transportErrorExplanation(d, t);
    default:
      return undefined;
  }
}

function handshakeExplanation(d: HandshakeData, t: Translate): string | undefined {
  if (d.ignored) return t('steps.message.ignoredHelloRequest');
  if (d.from === 'client') {
    if (d.message === 'certificate') return t('steps.message.clientCertificate');
    if (d.message === 'certificate_verify') return t('steps.message.clientCertificateVerify');
    if (d.message === 'finished') return t('steps.message.clientFinished');
  }
  const versioned = d.version === 'TLSv1.2' && (d.message === 'server_hello' || d.message === 'certificate_request') ? `${d.message}12` : d.message;
  const key = known(`steps.message.${versioned}`);
  return key ? t(key) : undefined;
}

/** Why the personality reacts to a HelloRequest as it does, in one sentence. */
function reactionReason(d: Pick<PersonalityData, 'personality' | 'override'> & { renegotiations?: number }, t: Translate): string {
  const client = personalityTitle(d.personality);
  if (d.override === 'insecure-renegotiation') return t('steps.personality.insecure', { client });
  if (d.override === 'renegotiation-limit') return t('steps.personality.limit', { count: String(d.renegotiations ?? 0) });
  return isPersonalityName(d.personality) ? t(`steps.personality.${d.personality}`) : t('steps.personality.answers', { client });
}

function alertExplanation(d: AlertData, t: Translate): string {
  const join = t('advice.sentenceJoin');
  if (d.from === 'server') {
    if (d.description === 'close_notify') return t('steps.alert.serverClose');
    const meaning = known(`steps.meaning.${d.description}`);
    return [
      t('steps.alert.server', { level: d.level, description: d.description, meaning: meaning ? t(meaning) : t('steps.alert.unknown') }),
      d.fatal ? t('steps.alert.ends') : '',
      d.helloRejected ? t('steps.alert.helloRejected') : '',
      d.afterEmptyClientCertificate ? t('steps.alert.afterEmptyClientCertificate') : '',
    ]
      .filter(Boolean)
      .join(join);
  }
  switch (d.cause) {
    case 'close':
    case 'abandon':
    case 'reply':
      return t(`steps.alert.${d.cause}`);
    case 'error':
      return t('steps.alert.error', { error: d.error ? failureWords({ alert: d.description, message: d.error, diagnostic: d.errorDiagnostic, finding: d.errorFinding }, t) : d.description });
    case 'renegotiation-refused': {
      const why = reactionReason({ personality: d.personality ?? '', override: d.override }, t);
      if (d.reaction === 'refuse-fatal') return [why, t('steps.alert.refusedFatal')].join(join);
      if (d.reaction === 'refuse-warning') return [why, t('steps.alert.refusedWarning')].join(join);
      return why;
    }
    default:
      return t('steps.alert.client', { level: d.level, description: d.description });
  }
}

function resumptionTitle(d: ResumptionData, t: Translate): string {
  switch (d.event) {
    case 'kept':
      if (d.mode === 'session-id') return t('steps.resumption.title.keptSessionId');
      return d.maxEarlyDataSize
        ? t('steps.resumption.title.keptTicketEarly', { lifetime: String(d.lifetimeSeconds ?? 0), max: String(d.maxEarlyDataSize) })
        : t('steps.resumption.title.keptTicket', { lifetime: String(d.lifetimeSeconds ?? 0) });
    case 'not-offered':
      return t('steps.resumption.title.notOffered');
    case 'offered':
      if (d.version === 'TLSv1.3') return t('steps.resumption.title.offered13', { age: String(d.ticketAgeMs) });
      return d.mode === 'session-ticket' ? t('steps.resumption.title.offered12Ticket') : t('steps.resumption.title.offered12Id');
    case 'accepted':
      if (d.version === 'TLSv1.3') return t('steps.resumption.title.accepted13', { mode: d.mode, identity: String(d.selectedIdentity ?? 0) });
      return d.mode === 'session-ticket' ? t('steps.resumption.title.accepted12Ticket') : t('steps.resumption.title.accepted12Id');
    case 'refused':
      return t('steps.resumption.title.refused');
  }
}

function resumptionExplanation(d: ResumptionData, t: Translate): string {
  switch (d.event) {
    case 'kept':
      if (d.version === 'TLSv1.3') return t('steps.resumption.why.kept13');
      return d.mode === 'ticket' ? t('steps.resumption.why.kept12Ticket') : t('steps.resumption.why.kept12Id');
    case 'not-offered':
      return t(`steps.resumption.why.notOffered.${d.reason}`);
    case 'offered':
      if (d.version === 'TLSv1.2') return d.mode === 'session-ticket' ? t('steps.resumption.why.offered12Ticket') : t('steps.resumption.why.offered12Id');
      return [
        t('steps.resumption.why.offered13', { obfuscated: `0x${d.obfuscatedTicketAge.toString(16).padStart(8, '0')}`, modes: d.modes.join(', ') }),
        d.identityLength !== undefined && d.binder ? t('steps.resumption.why.offered13Identity', { bytes: String(d.identityLength), binder: d.binder }) : '',
        d.afterHelloRetry ? t('steps.resumption.why.offered13Retry') : '',
      ]
        .filter(Boolean)
        .join(t('advice.sentenceJoin'));
    case 'accepted':
      return t(`steps.resumption.why.accepted.${d.mode}`);
    case 'refused':
      return d.version === 'TLSv1.3' ? t('steps.resumption.why.refused13') : t('steps.resumption.why.refused12');
  }
}

function earlyDataTitle(d: EarlyDataData, t: Translate): string {
  if (d.event === 'sent') return t('steps.earlyData.title.sent', { bytes: String(d.length) });
  return t(`steps.earlyData.title.${d.event}`);
}

function earlyDataExplanation(d: EarlyDataData, t: Translate): string {
  if (d.event === 'sent') return t('steps.earlyData.why.sent', { max: String(d.maxEarlyDataSize) });
  if (d.event === 'accepted') return t('steps.earlyData.why.accepted');
  return t(`steps.earlyData.why.rejected.${d.reason}`);
}

/** Why the certificate was rejected: the first failed check's finding, else the engine's words. */
function rejection(d: { message?: string; alert?: string; summary?: { checks: CertificateCheck[] } }, t: Translate): string {
  const first = d.summary?.checks.find((k) => !k.ok);
  return first?.finding ? checkDetail(first, t) : (d.message ?? d.alert ?? '');
}

/** The outcome in one sentence, lower case in English (it follows "Outcome: reset:" and similar). */
export function outcomeSentence(c: OutcomeCause, t: Translate = english): string {
  const where = 'where' in c && c.where ? t(`steps.where.${c.where}`) : '';
  switch (c.cause) {
    case 'http':
      return t('steps.outcome.http', { status: `${c.status} ${c.reason}`.trim() });
    case 'alert':
      if (c.by === 'client') return t('steps.outcome.clientAborted', { message: c.finding ? checkDetail({ check: '', ok: false, detail: c.message, finding: c.finding }, t) : engineWords(c, t) });
      return c.afterEmptyClientCertificate ? t('steps.outcome.serverAlertNoCertificate', { alert: c.alert }) : t('steps.outcome.serverAlert', { alert: c.alert });
    case 'server-closed-handshake':
      return t('steps.outcome.serverClosedHandshake');
    case 'reset':
      return t('steps.outcome.reset', { where });
    case 'closed':
      return c.closeNotify ? t('steps.outcome.closedNotify', { where }) : t('steps.outcome.closed', { where });
    case 'timeout':
      return t('steps.outcome.timeout', { ms: String(c.timeoutMs), waiting: t(`steps.waiting.${c.waiting}`) });
    case 'transport':
      return transportErrorTitle(c, t);
    case 'invalid-response':
      return t('steps.outcome.invalidResponse', { error: engineWords({ message: c.error, diagnostic: c.diagnostic }, t) });
    case 'unusable':
      return c.reason ? t(`steps.outcome.unusable.${c.reason}`) : (c.message ?? '');
    case 'input':
      return engineWords(c, t);
    case 'client-error':
      return t('steps.outcome.clientAborted', { message: engineWords(c, t) });
    case 'start':
      return t('steps.outcome.start', { message: engineWords(c, t) });
    case 'internal':
      return t('steps.outcome.internal', { message: engineWords(c, t) });
    case 'stopped':
      return t('steps.outcome.stopped');
    case 'unfinished':
      return t('steps.outcome.unfinished');
  }
}

/** A tamper experiment's change, named by its target: "Tampered: bit 0 of finished.verify_data flipped". */
function tamperTitle(d: TamperData, t: Translate): string {
  switch (d.op) {
    case 'set':
      return t('tamper.step.set', { target: d.target, sent: d.sent || '""' });
    case 'flip':
      return t('tamper.step.flip', { target: d.target, bit: String(d.bit) });
    case 'drop':
      return t('tamper.step.drop', { target: d.target });
    case 'reorder':
      return t('tamper.step.reorder', { target: d.target, order: d.order.join(', ') });
  }
}

/** What the change was, why the keys still agree, and what the changed field is for. */
function tamperExplanation(d: TamperData, t: Translate): string {
  const join = t('advice.sentenceJoin');
  const record = d.target.split('.')[1] === 'record';
  const what =
    d.op === 'drop' ? t('tamper.step.dropped', { bytes: d.original.length / 2 })
    : d.op === 'reorder' ? t('tamper.step.reordered')
    : t('tamper.step.changed', { original: d.original || '""', sent: d.sent || '""' });
  return [
    what,
    record ? t('tamper.step.record') : t('tamper.step.transcript'),
    !record && d.message === 'finished' ? t('tamper.step.finished') : '',
  ]
    .filter(Boolean)
    .join(join);
}

/** A step's short title: "ServerHello", "Alert: no_renegotiation (warning)", "Connection reset by peer (RST)". */
export function stepTitle(step: StepContent, t: Translate = english): string {
  switch (step.kind) {
    case 'transport':
      return transportTitle(step.data, t);
    case 'record':
      return t('steps.title.record', { type: step.data.contentType, encrypted: step.data.encrypted ? 'yes' : 'no', bytes: String(step.data.contentLength) });
    case 'unparseable':
      return t('steps.title.unparseable', { bytes: String(step.data.length) });
    case 'handshake':
      return step.data.malformed ? t('steps.title.malformed', { message: handshakeTitle(step.data.message) }) : handshakeTitle(step.data.message);
    case 'hello-retry':
      return t('steps.title.helloRetry', { group: step.data.group ? t('steps.title.helloRetryGroup', { group: step.data.group }) : '', cookie: step.data.cookie ? 'yes' : 'no' });
    case 'change-cipher-spec':
      if (step.data.from === 'client') return step.data.compatibility ? t('steps.title.ccsCompatibility') : 'ChangeCipherSpec';
      return step.data.compatibility ? t('steps.title.ccsIgnored') : t('steps.title.ccsServer');
    case 'renegotiation-start':
      return t('steps.title.renegotiationStart');
    case 'alert':
      return t('steps.alert.title', { description: step.data.description, level: step.data.level });
    case 'application-data':
      return t('steps.title.applicationData', { bytes: String(step.data.length) });
    case 'key':
      return step.data.label;
    case 'check':
      switch (step.data.check) {
        case 'certificate':
          return step.data.ok ? t('steps.title.certificateTrusted') : t('steps.title.certificateRejected', { message: rejection(step.data, t), alert: step.data.alert ?? step.data.message ?? '' });
        case 'signature':
          return t('steps.title.signature', { message: step.data.message, scheme: step.data.scheme });
        case 'finished':
          return t('steps.title.finished');
        case 'downgrade-sentinel':
          return t('steps.title.downgrade');
        case 'renegotiation-info':
          return t('steps.title.renegotiationInfo');
      }
      break;
    case 'refusal':
      return t('steps.title.refusal', { message: engineWords(step.data, t) });
    case 'negotiated':
      return t('steps.title.negotiated', { suite: step.data.cipherSuite });
    case 'handshake-complete':
      return step.data.renegotiation ? t('steps.title.renegotiationComplete') : t('steps.title.handshakeComplete');
    case 'personality':
      return t('steps.personality.title', {
        client: personalityTitle(step.data.personality),
        reaction: known(`steps.reaction.${step.data.reaction}`) ? t(`steps.reaction.${step.data.reaction}` as MessageKey) : step.data.reaction,
      });
    case 'no-client-certificate':
      return step.data.configured ? t('steps.title.noUsableClientCertificate') : t('steps.title.noClientCertificate');
    case 'resumption':
      return resumptionTitle(step.data, t);
    case 'early-data':
      return earlyDataTitle(step.data, t);
    case 'http':
      if (step.data.message === 'request') {
        const key = step.data.earlyData ? 'steps.title.httpRequestEarly' : step.data.afterEarlyDataRejected ? 'steps.title.httpRequestResent' : 'steps.title.httpRequest';
        return t(key, { method: step.data.method, path: step.data.path });
      }
      if (step.data.message === 'response') return t('steps.title.httpResponse', { status: `${step.data.status} ${step.data.reason}`.trim() });
      return t('steps.title.httpInvalid', { error: engineWords({ message: step.data.error, diagnostic: step.data.diagnostic }, t) });
    case 'error':
      if (step.data.source === 'input') return t('steps.title.errorInput', { message: engineWords(step.data, t) });
      if (step.data.source === 'internal') return t('steps.title.errorInternal', { message: engineWords(step.data, t) });
      if (step.data.source === 'start') return t('steps.title.errorStart', { message: engineWords(step.data, t) });
      return t('steps.title.error', { message: failureWords(step.data, t) });
    case 'outcome':
      return t('steps.title.outcome', { outcome: step.data.outcome, sentence: outcomeSentence(step.data.cause, t) });
    case 'legacy':
      return step.data.title;
    case 'tamper':
      return tamperTitle(step.data, t);
  }
  return (step as StepContent).kind;
}

/** What the step means and why it happened, in plain words; undefined when the title says it all. */
export function stepExplanation(step: StepContent, t: Translate = english): string | undefined {
  const join = t('advice.sentenceJoin');
  switch (step.kind) {
    case 'transport':
      return transportExplanation(step.data, t);
    case 'unparseable':
      return engineWords({ message: step.data.error, diagnostic: step.data.diagnostic }, t);
    case 'handshake':
      return handshakeExplanation(step.data, t);
    case 'hello-retry':
      return t('steps.why.helloRetry', { group: step.data.group ? t('steps.why.helloRetryGroup', { group: step.data.group }) : '' });
    case 'change-cipher-spec':
      if (step.data.from === 'client') return step.data.compatibility ? t('steps.why.ccsClientCompatibility') : t('steps.why.ccsClient');
      return step.data.compatibility ? t('steps.why.ccsServerCompatibility') : undefined;
    case 'renegotiation-start':
      return t('steps.why.renegotiationStart');
    case 'alert':
      return alertExplanation(step.data, t);
    case 'check': {
      const d = step.data;
      switch (d.check) {
        case 'certificate': {
          if (d.ok) return t('steps.why.certificateTrusted', { name: d.serverName });
          // What the failed checks found, in the reader's language (lib/view/certificate.ts).
          const failed = d.summary.checks.filter((k) => !k.ok);
          // A trace recorded before findings were kept reads as it always did: the engine's own clauses.
          const found = failed.every((k) => k.finding) ? failed.map((k) => t('steps.why.checkSentence', { clause: checkDetail(k, t) })) : [failed.map((k) => k.detail).join(' ')];
          return [...found, d.insecure ? t('steps.why.insecureContinue') : ''].filter(Boolean).join(join);
        }
        case 'signature':
          return t('steps.why.signature', { message: d.message });
        case 'finished':
          return d.version === 'TLSv1.2' ? t('steps.why.finished12') : t('steps.why.finished');
        case 'downgrade-sentinel':
          return t('steps.why.downgrade');
        case 'renegotiation-info':
          return t('steps.why.renegotiationInfo');
      }
      return undefined;
    }
    case 'refusal':
      return t('steps.why.refusal', { message: engineWords(step.data, t), rule: step.data.rule, alert: step.data.alert });
    case 'negotiated': {
      const d = step.data;
      return [
        d.secureRenegotiation ? t('steps.why.secureRenegotiation') : t('steps.why.noSecureRenegotiation'),
        d.extendedMasterSecret ? t('steps.why.ems') : t('steps.why.noEms'),
        d.cbc ? (d.encryptThenMac ? t('steps.why.etm') : t('steps.why.noEtm')) : '',
      ]
        .filter(Boolean)
        .join(join);
    }
    case 'handshake-complete': {
      const d = step.data;
      if (d.renegotiation) return t('steps.why.renegotiationComplete');
      if (d.version === 'TLSv1.2') return d.group ? t('steps.why.complete12', { suite: d.cipherSuite, group: d.group }) : t('steps.why.complete12Rsa', { suite: d.cipherSuite });
      return t('steps.why.complete13', { suite: d.cipherSuite, group: d.group ?? '' });
    }
    case 'personality':
      return reactionReason(step.data, t);
    case 'no-client-certificate':
      return step.data.configured ? t('steps.why.noUsableClientCertificate') : t('steps.why.noClientCertificate');
    case 'resumption':
      return resumptionExplanation(step.data, t);
    case 'early-data':
      return earlyDataExplanation(step.data, t);
    case 'error':
      return step.data.source === 'internal' ? undefined : failureWords(step.data, t);
    case 'legacy':
      return step.data.explanation;
    case 'tamper':
      return tamperExplanation(step.data, t);
    default:
      return undefined;
  }
}
