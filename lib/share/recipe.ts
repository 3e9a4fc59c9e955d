import { personalityNames } from '../tls/client/personalities';
import type { RunOptions, Trace } from '../trace/schema';
import { formatTamperSpec, parseTamperSpec, readTamper } from '../tls/tamper/spec';
import {
  CIPHER_SUITES,
  DEFAULT_FORM,
  GROUPS,
  MAX_BODY_BYTES,
  SIGNATURE_SCHEMES,
  TLS12_EXTENSIONS,
  VERSIONS,
  type PersonalityName,
  type RunForm,
  type Tls12Extension,
  type VersionName,
} from '../view/runOptions';

/**
 * Recipe links: the playground's target and options as a query string, so a link re-runs the same
 * experiment live (/?url=…&as=…&versions=…) or in an embed (/embed?url=…). Only what differs from
 * the form's defaults is written, so the common link stays short: /?url=https://example.com/&as=openssl.
 *
 * Parameters (lists are comma-separated names, as the IANA registries spell them):
 *   url       the https URL (required)
 *   as        client personality (rustls, openssl, schannel, …)
 *   versions  TLSv1.3,TLSv1.2
 *   suites    cipher suites           groups   key exchange groups
 *   sigalgs   signature schemes       cert=demo  offer the demo client certificate
 *   pha=1     offer post_handshake_auth          insecure=1  continue on certificate errors
 *   method=POST  body=N  send a POST with an N-byte body (IIS buffers at most 48 KB while it renegotiates)
 *   tls12off  TLS 1.2 extensions not offered (extended_master_secret, renegotiation_info, encrypt_then_mac, session_ticket)
 *   tamper    a tamper experiment's SPEC (lib/tls/tamper/spec.ts): tamper=finished.verify_data:flip=0
 *   resume=1  two connections, the second resuming the first's session; resume=0rtt also sends the request as early data
 *   run=1     start the run as soon as the page opens
 *
 * Decoding never trusts the link: unknown names are dropped and reported, so a link made by a newer
 * (or hand-edited) version still opens with everything this version understands.
 */

export interface Recipe {
  form: RunForm;
  /** Start the run when the page opens. */
  run: boolean;
  /** One sentence per parameter value that was ignored. */
  ignored: string[];
}

const ALL_SUITES: readonly string[] = CIPHER_SUITES.flatMap((s) => s.names);
const PERSONALITY_NAMES: readonly string[] = personalityNames;
const TLS12_EXTENSION_NAMES: readonly Tls12Extension[] = TLS12_EXTENSIONS.map((e) => e.name);

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** The query string (without "?") for `form`; `run` adds run=1. The URL is written as given. */
export function encodeRecipe(form: RunForm, { run = false }: { run?: boolean } = {}): string {
  const params = new URLSearchParams();
  params.set('url', form.url);
  if (form.personality !== DEFAULT_FORM.personality) params.set('as', form.personality);
  if (!sameList(form.versions, DEFAULT_FORM.versions)) params.set('versions', form.versions.join(','));
  if (form.cipherSuites.length > 0) params.set('suites', form.cipherSuites.join(','));
  if (form.groups.length > 0) params.set('groups', form.groups.join(','));
  if (form.signatureSchemes.length > 0) params.set('sigalgs', form.signatureSchemes.join(','));
  if (form.clientCertificate) params.set('cert', 'demo');
  if (form.postHandshakeAuth) params.set('pha', '1');
  if (form.insecure) params.set('insecure', '1');
  if (form.method === 'POST') {
    params.set('method', 'POST');
    params.set('body', String(form.bodyBytes));
  }
  if (form.tls12Off.length > 0) params.set('tls12off', form.tls12Off.join(','));
  if (form.tamper.trim() !== '') params.set('tamper', form.tamper.trim());
  if (form.resume) params.set('resume', form.earlyData ? '0rtt' : '1');
  if (run) params.set('run', '1');
  // Commas, colons and slashes are safe in a query; leaving them readable keeps links legible. So
  // is "=" inside a value (only the first one splits), which keeps a tamper SPEC as it is typed.
  return params
    .toString()
    .replace(/%2C/gi, ',')
    .replace(/%3A/gi, ':')
    .replace(/%2F/gi, '/')
    .replace(/(^|&)tamper=([^&]*)/, (_, start: string, spec: string) => `${start}tamper=${spec.replace(/%3D/gi, '=')}`);
}

/** `path` (the playground "/" or the embed "/embed") with the recipe for `form`. */
export function recipeHref(path: string, form: RunForm, options: { run?: boolean } = {}): string {
  return `${path}?${encodeRecipe(form, options)}`;
}

function readList<T extends string>(params: URLSearchParams, key: string, known: readonly T[], what: string, ignored: string[]): T[] | undefined {
  const raw = params.get(key);
  if (raw === null) return undefined;
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const kept: T[] = [];
  for (const name of names) {
    if (!(known as readonly string[]).includes(name)) ignored.push(`Unknown ${what} “${name}” ignored.`);
    else if (!kept.includes(name as T)) kept.push(name as T);
  }
  return kept;
}

function readFlag(params: URLSearchParams, key: string, ignored: string[]): boolean | undefined {
  const raw = params.get(key);
  if (raw === null) return undefined;
  if (raw === '1' || raw === 'true' || raw === '') return true;
  if (raw === '0' || raw === 'false') return false;
  ignored.push(`“${key}=${raw}” ignored (use ${key}=1).`);
  return undefined;
}

/**
 * Reads a recipe from a query string ("?url=…" or "url=…" or URLSearchParams). Returns undefined when
 * the query names no target at all (a plain visit to the page), so the form keeps its defaults.
 */
export function decodeRecipe(query: string | URLSearchParams): Recipe | undefined {
  const params = typeof query === 'string' ? new URLSearchParams(query.replace(/^\?/, '')) : query;
  const url = params.get('url')?.trim() ?? '';
  const personality = params.get('as');
  if (url === '' && personality === null) return undefined;

  const ignored: string[] = [];
  const form: RunForm = { ...DEFAULT_FORM, url };
  if (personality !== null) {
    if (PERSONALITY_NAMES.includes(personality)) form.personality = personality as PersonalityName;
    else ignored.push(`Unknown personality “${personality}” ignored.`);
  }
  const versions = readList<VersionName>(params, 'versions', VERSIONS, 'TLS version', ignored);
  // An empty version list cannot run; keep the defaults rather than open a form that refuses to.
  if (versions && versions.length > 0) form.versions = versions;
  form.cipherSuites = readList(params, 'suites', ALL_SUITES, 'cipher suite', ignored) ?? [];
  form.groups = readList(params, 'groups', GROUPS, 'group', ignored) ?? [];
  form.signatureSchemes = readList(params, 'sigalgs', SIGNATURE_SCHEMES, 'signature scheme', ignored) ?? [];
  const cert = params.get('cert');
  if (cert === 'demo') form.clientCertificate = true;
  else if (cert !== null && cert !== 'none') ignored.push(`“cert=${cert}” ignored (the only client certificate is cert=demo).`);
  form.postHandshakeAuth = readFlag(params, 'pha', ignored) ?? false;
  form.insecure = readFlag(params, 'insecure', ignored) ?? false;
  const method = params.get('method');
  if (method !== null) {
    if (method.toUpperCase() === 'POST' || method.toUpperCase() === 'GET') form.method = method.toUpperCase() as RunForm['method'];
    else ignored.push(`Method “${method}” ignored (GET or POST).`);
  }
  const body = params.get('body');
  if (body !== null) {
    const bytes = Number(body);
    if (/^\d+$/.test(body) && bytes <= MAX_BODY_BYTES) form.bodyBytes = bytes;
    else ignored.push(`“body=${body}” ignored (a number of bytes up to ${MAX_BODY_BYTES}).`);
  }
  form.tls12Off = readList(params, 'tls12off', TLS12_EXTENSION_NAMES, 'TLS 1.2 extension', ignored) ?? [];
  const tamper = params.get('tamper')?.trim();
  if (tamper) {
    try {
      form.tamper = formatTamperSpec(parseTamperSpec(tamper));
    } catch (e) {
      ignored.push(`Tamper “${tamper}” ignored: ${e instanceof Error ? e.message : String(e)}.`);
    }
  }
  const resume = params.get('resume');
  if (resume === '1' || resume === '0rtt') {
    form.resume = true;
    form.earlyData = resume === '0rtt';
  } else if (resume !== null && resume !== '0') ignored.push(`“resume=${resume}” ignored (resume=1, or resume=0rtt to send the request as early data).`);
  const run = (readFlag(params, 'run', ignored) ?? false) && url !== '';
  return { form, run, ignored };
}

/**
 * The form that re-runs a recorded trace: its options as the trace recorded them (empty lists meant
 * "engine defaults" then and mean the same now). Names this version does not know are left out, so a
 * trace from an older or newer engine still yields a runnable recipe.
 */
export function formFromRunOptions(options: Partial<RunOptions> & Pick<RunOptions, 'url'>): RunForm {
  const known = <T extends string>(values: readonly string[] | undefined, names: readonly T[]): T[] =>
    (values ?? []).filter((value): value is T => (names as readonly string[]).includes(value));
  const versions = known(options.versions, VERSIONS);
  return {
    url: options.url,
    versions: versions.length > 0 ? versions : [...DEFAULT_FORM.versions],
    cipherSuites: known(options.cipherSuites, ALL_SUITES),
    groups: known(options.groups, GROUPS),
    signatureSchemes: known(options.signatureSchemes, SIGNATURE_SCHEMES),
    personality: PERSONALITY_NAMES.includes(options.personality ?? '') ? (options.personality as PersonalityName) : DEFAULT_FORM.personality,
    clientCertificate: options.clientCertificate ?? false,
    postHandshakeAuth: options.postHandshakeAuth ?? false,
    insecure: options.insecure ?? false,
    method: options.method?.toUpperCase() === 'POST' ? 'POST' : 'GET',
    bodyBytes: DEFAULT_FORM.bodyBytes,
    tls12Off: known(options.tls12Off, TLS12_EXTENSION_NAMES),
    tamper: tamperSpecOf(options.tamper),
    resume: options.resume === true,
    earlyData: options.resume === true && options.earlyData === true,
  };
}

/** A recorded tamper as the form's SPEC; '' when there is none, or it is not one this version can run. */
function tamperSpecOf(value: unknown): string {
  const tamper = readTamper(value);
  return tamper ? formatTamperSpec(tamper) : '';
}

/**
 * The body size a recorded POST sent, read from its Content-Length as the request went out (RFC 9112
 * §6.2): the trace's options record the method but not the body.
 */
export function requestBodyBytes(trace: Pick<Trace, 'steps'>): number | undefined {
  const request = trace.steps.find((s) => s.layer === 'http' && s.direction === 'client->server' && s.bytes);
  if (!request?.bytes) return undefined;
  const head = request.bytes.hex.slice(0, 16_384).replace(/(..)/g, (_, pair: string) => String.fromCharCode(parseInt(pair, 16)));
  const match = /\r\ncontent-length:[ \t]*(\d+)[ \t]*\r\n/i.exec(head.split('\r\n\r\n')[0] + '\r\n');
  return match ? Number(match[1]) : undefined;
}

/**
 * The form that re-runs a recorded trace: its options, and for a POST the body size it sent. A trace
 * whose options predate the personality field still names it at the top level.
 */
export function formFromTrace(trace: Pick<Trace, 'options' | 'steps'> & Partial<Pick<Trace, 'personality'>>): RunForm {
  const form = formFromRunOptions({ ...trace.options, personality: trace.options.personality ?? trace.personality ?? '' });
  if (form.method === 'POST') {
    const bytes = requestBodyBytes(trace);
    if (bytes !== undefined && bytes <= MAX_BODY_BYTES) form.bodyBytes = bytes;
  }
  return form;
}
