import { negotiableSuites, groups, signatureSchemes, tls12Suites, tls13Suites } from '../tls/registry/crypto';
import type { Translate } from '../i18n/translator';
import type { TlsVersionName } from '../tls/client/options';
import type { PersonalityName } from '../tls/client/personalities';
import type { RunRequest } from '../run/run';
import { parseHttpsUrl, type TargetFlaw } from '../run/target';
import { english } from '../i18n/english';
import type { Diagnostic, Tamper, Tls12Extension } from '../trace/schema';
import { parseTamperSpec, TamperSpecError } from '../tls/tamper/spec';
import { engineWords } from './stepText';


/**
 * The playground's run form: what the user can choose, its defaults, and the RunRequest it becomes.
 * The form holds the request's own fields under the request's own names (the trace records them
 * under the same names), with every list present: an empty list means the engine's default.
 */

export type { PersonalityName, Tls12Extension };
export type VersionName = TlsVersionName;

export const VERSIONS: readonly VersionName[] = ['TLSv1.3', 'TLSv1.2'];
export const GROUPS: readonly string[] = groups.names();
export const SIGNATURE_SCHEMES: readonly string[] = signatureSchemes.names();
export const CIPHER_SUITES: { version: VersionName; names: readonly string[] }[] = [
  { version: 'TLSv1.3', names: tls13Suites },
  { version: 'TLSv1.2', names: tls12Suites },
];

/** The TLS 1.2 extensions the client offers unless the form switches them off, and why one would. */
export const TLS12_EXTENSIONS: readonly { name: Tls12Extension; rfc: string; description: string }[] = [
  { name: 'extended_master_secret', rfc: 'RFC 7627', description: 'binds the master secret to the whole handshake (triple-handshake defence)' },
  { name: 'renegotiation_info', rfc: 'RFC 5746', description: 'secure renegotiation; without it, renegotiating servers (IIS) refuse or stay insecure' },
  { name: 'encrypt_then_mac', rfc: 'RFC 7366', description: 'MAC over the ciphertext for CBC suites (Lucky 13 defence)' },
  { name: 'session_ticket', rfc: 'RFC 5077', description: 'asks for a ticket to resume the session later' },
];

export interface RunForm extends Required<Pick<RunRequest, 'url' | 'cipherSuites' | 'groups' | 'signatureSchemes' | 'clientCertificate' | 'postHandshakeAuth' | 'insecure' | 'tls12Off'>> {
  versions: VersionName[];
  personality: PersonalityName;
  method: 'GET' | 'POST';
  /** POST only: the request body is this many bytes of 'a' (IIS buffers at most 48 KB while it renegotiates). */
  bodyBytes: number;
  /** A tamper experiment as its SPEC (lib/tls/tamper/spec.ts), e.g. finished.verify_data:flip=0; '' for none. */
  tamper: string;
  /** Two connections: the second resumes the first one's session. */
  resume: boolean;
  /** With resume: the request goes as 0-RTT early data when the ticket allows. */
  earlyData: boolean;
}

export const DEFAULT_FORM: RunForm = {
  url: '',
  versions: ['TLSv1.3', 'TLSv1.2'],
  cipherSuites: [],
  groups: [],
  signatureSchemes: [],
  personality: 'rustls',
  clientCertificate: false,
  postHandshakeAuth: false,
  insecure: false,
  method: 'GET',
  bodyBytes: 1024,
  tls12Off: [],
  tamper: '',
  resume: false,
  earlyData: false,
};

/** The largest body the form sends: enough to pass IIS's 48 KB read-ahead, small enough for the relay. */
export const MAX_BODY_BYTES = 1024 * 1024;

export type TargetCheck = { ok: true; url: string; host: string; port: number } | { ok: false; message: string };

/**
 * Checks what the user typed before anything is sent: an https URL with a host (lib/run/target reads
 * it; a bare host name gets https:// in front). `host` keeps an IPv6 literal's brackets, as in a URL.
 */
export function checkTarget(input: string, t: Translate = english): TargetCheck {
  const target = parseHttpsUrl(input, { encodeSpaces: true });
  if (target.ok) return { ok: true, url: target.url, host: new URL(target.url).hostname, port: target.port };
  return { ok: false, message: targetMessage(target, t) };
}

/**
 * Why a run's request was refused (lib/run/run.ts RunInputError), in the reader's language: a URL by
 * its reading, as the form words it; an option by the engine's diagnostic. English readers get the
 * sentence as the engine wrote it; one said only in English is said as written.
 */
export function runInputWords(e: { message: string; diagnostic?: Diagnostic; target?: Extract<ReturnType<typeof parseHttpsUrl>, { ok: false }> }, t: Translate = english): string {
  if (t('steps.engine.ownWords') === 'yes') return e.message;
  if (e.target) return targetMessage(e.target, t);
  return e.diagnostic ? engineWords({ message: e.message, diagnostic: e.diagnostic }, t) : e.message;
}

/** Why the input cannot be run, in the reader's language. */
function targetMessage(target: Extract<ReturnType<typeof parseHttpsUrl>, { ok: false }>, t: Translate): string {
  switch (target.problem) {
    case 'empty':
    case 'noHost':
    case 'credentials':
      return t(`target.${target.problem}`);
    case 'notHttps':
      return t('target.notHttps', { scheme: target.scheme ?? '' });
    case 'notUrl':
    case 'malformed':
      return t('target.notUrl', { text: target.text });
    case 'badHost':
      return target.flaw ? t('target.badHost', { text: target.text, reason: targetFlaw(target.flaw, t) }) : t('target.notUrl', { text: target.text });
  }
}

/** What gives a URL away, as a clause in the reader's language. */
export function targetFlaw(f: TargetFlaw, t: Translate): string {
  switch (f.flaw) {
    case 'space':
    case 'controlCharacter':
    case 'slashesWithoutScheme':
    case 'noHost':
    case 'emptyLabel':
    case 'longLabel':
      return t(`target.flaw.${f.flaw}`, 'host' in f ? { host: f.host } : undefined);
    case 'schemeWithoutSlashes':
      return t('target.flaw.schemeWithoutSlashes', { scheme: f.scheme });
    case 'ipv6':
      return t('target.flaw.ipv6', { host: f.host });
    case 'tooLong':
      return t('target.flaw.tooLong', { length: String(f.length) });
    case 'badCharacter':
      return t('target.flaw.badCharacter', { host: f.host, character: f.character });
  }
}

/**
 * A URL handed over in a query string (`?url=`), fit to prefill a form: a valid https URL, else
 * undefined (the page keeps its default). Nothing is run with it until the user submits.
 */
export function formUrl(value: string | string[] | undefined): string | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  const target = checkTarget(value);
  return target.ok ? target.url : undefined;
}

function listOrDefault(values: string[]): string[] | undefined {
  return values.length > 0 ? [...values] : undefined;
}

/** What the form says, as runTls's request. Throws nothing: call checkTarget first for the URL. */
export function toRunRequest(form: RunForm, url: string): RunRequest {
  return {
    url,
    versions: listOrDefault(form.versions) as VersionName[] | undefined,
    cipherSuites: listOrDefault(form.cipherSuites),
    groups: listOrDefault(form.groups),
    signatureSchemes: listOrDefault(form.signatureSchemes),
    personality: form.personality,
    insecure: form.insecure,
    postHandshakeAuth: form.postHandshakeAuth,
    clientCertificate: form.clientCertificate,
    method: form.method,
    body: form.method === 'POST' ? new Uint8Array(Math.min(Math.max(Math.floor(form.bodyBytes) || 0, 0), MAX_BODY_BYTES)).fill(0x61) : undefined,
    tls12Off: listOrDefault(form.tls12Off) as Tls12Extension[] | undefined,
    ...tamperOf(form),
    ...(form.resume ? { resume: true, ...(form.earlyData ? { earlyData: true } : {}) } : {}),
  };
}

function tamperOf(form: RunForm): { tamper?: Tamper } {
  const { tamper } = readTamperSpec(form.tamper);
  return tamper ? { tamper } : {};
}

/**
 * The form's tamper SPEC read: the tamper, or why it cannot run, in the reader's language (check
 * before running: toRunRequest leaves out a SPEC that does not parse). An empty SPEC is no tamper
 * and no problem.
 */
export function readTamperSpec(spec: string, t: Translate = english): { tamper?: Tamper; problem?: string } {
  if (spec.trim() === '') return {};
  try {
    return { tamper: parseTamperSpec(spec) };
  } catch (e) {
    if (e instanceof TamperSpecError) return { problem: engineWords(e, t) };
    throw e;
  }
}

/** A short line for the folded options' summary: what differs from the defaults. */
export function describeForm(form: RunForm, t: Translate): string {
  const parts: string[] = [];
  if (form.versions.length === 1) parts.push(t('options.summary.only', { version: form.versions[0] }));
  if (form.versions.length === 0) parts.push(t('options.summary.noVersion'));
  if (form.cipherSuites.length) parts.push(t('options.summary.suites', { count: form.cipherSuites.length }));
  if (form.groups.length) parts.push(form.groups.join(', '));
  if (form.signatureSchemes.length) parts.push(t('options.summary.schemes', { count: form.signatureSchemes.length }));
  parts.push(t('options.summary.as', { personality: form.personality }));
  if (form.clientCertificate) parts.push(t('options.summary.demoCertificate'));
  if (form.postHandshakeAuth) parts.push('post_handshake_auth');
  if (form.insecure) parts.push(t('options.summary.insecure'));
  if (form.method === 'POST') parts.push(t('options.summary.post', { bytes: form.bodyBytes }));
  if (form.tls12Off.length) parts.push(t('options.summary.tls12Off', { extensions: form.tls12Off.join(', ') }));
  if (form.tamper.trim()) parts.push(t('tamper.summary', { spec: form.tamper.trim() }));
  if (form.resume) parts.push(form.earlyData ? t('options.summary.resumeEarlyData') : t('options.summary.resume'));
  return parts.join(' · ');
}

/** Every suite the form may hold is one the engine can negotiate (registry tables are the single source). */
export function isKnownSuite(name: string): boolean {
  return (negotiableSuites as readonly string[]).includes(name);
}

/**
 * The relay's public WebSocket URL: the configured one when the server names it, otherwise the
 * page's host on the relay port (ws:// for http pages, wss:// for https pages), path /relay.
 */
export function relayUrl(configured: string | undefined, page: { protocol: string; hostname: string }, port = 8090): string {
  if (configured && configured.trim() !== '') return configured.trim();
  const scheme = page.protocol === 'https:' ? 'wss' : 'ws';
  // location.hostname keeps the brackets of an IPv6 literal; a bare one needs them added.
  const host = page.hostname.includes(':') && !page.hostname.startsWith('[') ? `[${page.hostname}]` : page.hostname;
  return `${scheme}://${host}:${port}/relay`;
}
