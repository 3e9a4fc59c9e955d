/**
 * The renegotiation doctor: probes a URL with the engine under several configurations and explains,
 * in plain words, whether clients will fail with "connection reset by peer" because the server asks
 * for a client certificate by TLS 1.2 renegotiation — and what to change. Pure over runTls: the
 * caller supplies the transport and the rest (Node for the CLI, the relay in the browser).
 */
import { isHandshakeComplete, isHandshakeMessage, isHelloRequest, isKind, isRenegotiationComplete } from '../trace/steps';
import { outcomeSentence } from '../view/stepText';
import { personalities, personalityNames, type PersonalityName } from '../tls/client/personalities';
import { runTls, type RunDeps, type RunRequest } from '../run/run';
import type { Outcome, Trace } from '../trace/schema';
import { english } from '../i18n/english';
import { describeDiagnosis, describeResult as describeResultIn } from './words';

/**
 * Which experiment a probe is: TLS 1.3 as most modern clients speak it, TLS 1.3 offering
 * post-handshake authentication, or TLS 1.2 as one client personality. A saved diagnosis keeps each
 * probe's role and trace, and is judged again from them when it is opened.
 */
export type ProbeRole = 'tls13' | 'tls13-pha' | `tls12:${PersonalityName}`;

export interface ProbeResult {
  role: ProbeRole;
  label: string;
  personality: PersonalityName;
  versions: ('TLSv1.3' | 'TLSv1.2')[];
  outcome: Outcome;
  detail: string;
  version?: string;
  httpStatus?: number;
  helloRequest: boolean;
  renegotiated: boolean;
  postHandshakeCertificateRequest: boolean;
  alerts: Trace['alerts'];
  trace: Trace;
}

export interface Fix {
  /** 'you': whoever is running the doctor (e.g. from another place in the network). */
  who: 'server' | 'client' | 'both' | 'you';
  title: string;
  detail: string;
  commands?: string[];
}

/**
 * What the probes found, as data: the verdict and the fixes are words made from it (words.ts), in
 * any language. `kind`: no handshake at all, a renegotiation some clients refuse, a TLS 1.3
 * post-handshake request (or a 403 without one), or nothing renegotiation-related.
 */
export interface Findings {
  kind: 'unreachable' | 'renegotiation' | 'post-handshake' | 'fine';
  url: string;
  path: string;
  port: string;
  /** Why the certificate was rejected, when that is what stopped every handshake. */
  certificate?: { check: string; alert?: string };
  /** The relay's reason, in its own words, when its policy kept every probe from the server. */
  relayRefusal?: string;
  /** The relay's stable word for that reason (port, ip-literal…), which words.ts says in any language. */
  relayRefusalReason?: string;
  /** Personalities that met the HelloRequest and failed, and those that renegotiated and succeeded. */
  failing: PersonalityName[];
  succeeding: PersonalityName[];
  rustlsReset: boolean;
  secureRenegotiation?: boolean;
  tls13Available: boolean;
  phaRequested: boolean;
}

export interface Diagnosis {
  url: string;
  /** 'problem': some common clients fail; 'ok': nothing renegotiation-related; 'unreachable': no TLS at all. */
  severity: 'problem' | 'ok' | 'unreachable';
  findings: Findings;
  /** The verdict and fixes in English (the page and the CLI say them in the reader's language: words.ts describeDiagnosis). */
  verdict: string;
  tls13: { available: boolean; postHandshakeAuthRequested: boolean; statusWithoutPha?: number; statusWithPha?: number };
  tls12: { available: boolean; secureRenegotiation?: boolean; helloRequest: boolean };
  personalities: ProbeResult[];
  fixes: Fix[];
  probes: ProbeResult[];
}

export type DepsFor = (req: RunRequest) => Promise<{ req: RunRequest; deps: RunDeps }>;


/** The run each role makes: the request's overrides and the probe's label. */
export function probePlan(role: ProbeRole): { label: string; personality: PersonalityName; versions: ('TLSv1.3' | 'TLSv1.2')[]; overrides: Partial<RunRequest> } {
  if (role === 'tls13') return { label: 'TLS 1.3, no post_handshake_auth', personality: 'rustls', versions: ['TLSv1.3'], overrides: { versions: ['TLSv1.3'], personality: 'rustls', postHandshakeAuth: false } };
  if (role === 'tls13-pha') return { label: 'TLS 1.3 with post_handshake_auth', personality: 'openssl', versions: ['TLSv1.3'], overrides: { versions: ['TLSv1.3'], personality: 'openssl', postHandshakeAuth: true } };
  const name = role.slice('tls12:'.length) as PersonalityName;
  return { label: `TLS 1.2 as ${personalities[name].title}`, personality: name, versions: ['TLSv1.2'], overrides: { versions: ['TLSv1.2'], personality: name } };
}

/** Every role a diagnosis may hold, in the order the doctor runs them. */
export const PROBE_ROLES: readonly ProbeRole[] = ['tls13', 'tls13-pha', ...personalityNames.map((name) => `tls12:${name}` as const)];

export function isProbeRole(value: unknown): value is ProbeRole {
  return typeof value === 'string' && (PROBE_ROLES as readonly string[]).includes(value);
}

/** What the doctor reads from one probe's trace. */
export function probeResult(role: ProbeRole, trace: Trace): ProbeResult {
  const { label, personality, versions } = probePlan(role);
  return {
    role,
    label,
    personality,
    versions,
    outcome: trace.outcome,
    detail: outcomeSentence(trace.outcomeCause),
    version: trace.version,
    httpStatus: trace.http?.status,
    helloRequest: trace.steps.some(isHelloRequest),
    renegotiated: trace.steps.some(isRenegotiationComplete),
    postHandshakeCertificateRequest: trace.version === 'TLSv1.3' && afterHandshake(trace).some((s) => isHandshakeMessage(s, 'certificate_request', 'server')),
    alerts: trace.alerts,
    trace,
  };
}

/** The relay's reason when its policy refused the target (the browser's transport; never over TCP). */
function relayRefusal(trace: Trace): { message: string; reason?: string } | undefined {
  for (const step of trace.steps) {
    if (step.kind === 'transport' && step.data.event === 'error' && step.data.code === 'POLICY') return { message: (step.data.message || english('advice.relay.defaultWhy')).replace(/\.$/, ''), reason: step.data.reason };
  }
  return undefined;
}

function refusalFindings(refusal: { message: string; reason?: string } | undefined): Pick<Findings, 'relayRefusal' | 'relayRefusalReason'> {
  if (!refusal) return { relayRefusal: undefined };
  return refusal.reason ? { relayRefusal: refusal.message, relayRefusalReason: refusal.reason } : { relayRefusal: refusal.message };
}

function afterHandshake(trace: Trace) {
  const done = trace.steps.findIndex(isHandshakeComplete);
  return done < 0 ? [] : trace.steps.slice(done + 1);
}

/** How a probe ended, in a few English words (words.ts describeResult says it in any language). */
export function describeResult(p: ProbeResult): string {
  return describeResultIn(p, english);
}

export async function diagnose(request: RunRequest, depsFor: DepsFor, opts: { probeTimeoutMs?: number; onProbe?: (p: ProbeResult) => void } = {}): Promise<Diagnosis> {
  const probes: ProbeResult[] = [];
  const run = async (role: ProbeRole, timeoutMs?: number): Promise<ProbeResult> => {
    const { req, deps } = await depsFor({ ...request, ...probePlan(role).overrides });
    const trace = await runTls(req, { ...deps, timeoutMs: timeoutMs ?? opts.probeTimeoutMs ?? deps.timeoutMs ?? 10000 });
    const result = probeResult(role, trace);
    probes.push(result);
    opts.onProbe?.(result);
    return result;
  };

  // 1. TLS 1.3 as most modern clients would speak it (no post_handshake_auth: Chrome, rustls, BoringSSL).
  const t13 = await run('tls13');
  if (t13.version === 'TLSv1.3') await run('tls13-pha');
  // 2. TLS 1.2, each personality.
  for (const name of personalityNames) {
    // The ignoring client can only end by timing out: keep that wait short.
    await run(`tls12:${name}`, name === 'boringssl-ignore' ? Math.min(opts.probeTimeoutMs ?? 5000, 5000) : undefined);
  }
  return judge(request.url, probes);
}

/**
 * The verdict and the fixes, from the probes alone: a live diagnosis and a saved one (re-judged when
 * it is opened, so it gains every improvement in wording) go through here.
 */
export function judge(url: string, probes: ProbeResult[]): Diagnosis {
  const t13 = probes.find((p) => p.role === 'tls13') ?? probes[0];
  const t13pha = probes.find((p) => p.role === 'tls13-pha');
  const tls13Available = t13.version === 'TLSv1.3';
  const byPersonality = personalityNames.flatMap((name) => probes.filter((p) => p.role === `tls12:${name}`));
  const rustls = byPersonality.find((p) => p.personality === 'rustls') ?? byPersonality[0] ?? t13;
  const tls12Available = byPersonality.some((p) => p.version === 'TLSv1.2');
  const helloRequest = byPersonality.some((p) => p.helloRequest);
  const secureRenegotiation = byPersonality.map((p) => p.trace.steps.find((s) => isKind(s, 'negotiated'))).map((s) => (s?.kind === 'negotiated' ? s.data.secureRenegotiation : undefined)).find((v) => v !== undefined);
  const phaRequested = Boolean(t13pha?.postHandshakeCertificateRequest);

  const parsed = new URL(/^[a-z]+:\/\//i.test(url) ? url : `https://${url}`);
  const failing = byPersonality.filter((p) => p.helloRequest && p.outcome !== 'ok');
  const succeeding = byPersonality.filter((p) => p.helloRequest && p.outcome === 'ok');
  const completed = probes.some((p) => p.trace.steps.some(isHandshakeComplete));
  const rejected = completed ? undefined : probes.map((p) => p.trace.certificate).find((c) => c?.verdict === 'untrusted');
  const failedCheck = rejected?.checks.find((k) => !k.ok);
  const findings: Findings = {
    kind: !completed ? 'unreachable' : helloRequest ? 'renegotiation' : phaRequested || t13?.httpStatus === 403 ? 'post-handshake' : 'fine',
    url,
    path: parsed.pathname,
    port: parsed.port || '443',
    certificate: rejected ? { check: failedCheck?.check ?? 'chain', alert: rejected.alert } : undefined,
    ...refusalFindings(completed ? undefined : probes.map((p) => relayRefusal(p.trace)).find((r) => r !== undefined)),
    failing: failing.map((p) => p.personality),
    succeeding: succeeding.map((p) => p.personality),
    rustlsReset: rustls.outcome === 'reset',
    secureRenegotiation,
    tls13Available,
    phaRequested,
  };
  const severity: Diagnosis['severity'] = findings.kind === 'unreachable' ? 'unreachable' : findings.kind === 'renegotiation' ? 'problem' : 'ok';
  const { verdict, fixes } = describeDiagnosis({ findings, personalities: byPersonality, probes }, english);

  return {
    url,
    severity,
    findings,
    verdict,
    tls13: { available: tls13Available, postHandshakeAuthRequested: phaRequested, statusWithoutPha: t13.httpStatus, statusWithPha: t13pha?.httpStatus },
    tls12: { available: tls12Available, secureRenegotiation, helloRequest },
    personalities: byPersonality,
    fixes,
    probes,
  };
}
