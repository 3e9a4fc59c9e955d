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

export interface Diagnosis {
  url: string;
  /** 'problem': some common clients fail; 'ok': nothing renegotiation-related; 'unreachable': no TLS at all. */
  severity: 'problem' | 'ok' | 'unreachable';
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
function relayRefusal(trace: Trace): string | undefined {
  for (const step of trace.steps) {
    if (step.kind === 'transport' && step.data.event === 'error' && step.data.code === 'POLICY') return (step.data.message || 'its policy does not allow this target').replace(/\.$/, '');
  }
  return undefined;
}

function afterHandshake(trace: Trace) {
  const done = trace.steps.findIndex(isHandshakeComplete);
  return done < 0 ? [] : trace.steps.slice(done + 1);
}

/** How a probe ended, in a few words ("200 OK", "connection reset by peer", "fatal handshake_failure from the server"). */
export function describeResult(p: ProbeResult): string {
  if (p.outcome === 'ok') return `HTTP ${p.httpStatus}${p.renegotiated ? ' after renegotiating' : ''}`;
  if (p.outcome === 'reset') return 'connection reset by peer';
  if (p.outcome === 'timeout') return 'hangs until a timeout';
  return p.detail;
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

  const fixes: Fix[] = [];
  let severity: Diagnosis['severity'] = 'ok';
  let verdict: string;
  const path = new URL(/^[a-z]+:\/\//i.test(url) ? url : `https://${url}`).pathname;
  const failing = byPersonality.filter((p) => p.helloRequest && p.outcome !== 'ok');
  const succeeding = byPersonality.filter((p) => p.helloRequest && p.outcome === 'ok');

  const completed = probes.some((p) => p.trace.steps.some(isHandshakeComplete));
  if (!completed) {
    severity = 'unreachable';
    const certificate = probes.map((p) => p.trace.certificate).find((c) => c?.verdict === 'untrusted');
    verdict = `No TLS handshake completed with this server: ${certificate ? `its certificate is rejected (${certificate.checks.find((k) => !k.ok)?.detail ?? certificate.alert})` : (t13.version ? t13.detail : rustls.detail)}. The renegotiation diagnosis needs a working TLS 1.2 or 1.3 handshake first.`;
    if (certificate) fixes.push({ who: 'server', title: 'Fix the server certificate', detail: 'Clients reject it before any request is sent; install a certificate that is valid now, names this host and chains (with its intermediates sent) to a public root.' });
    const refusal = probes.map((p) => relayRefusal(p.trace)).find((r) => r !== undefined);
    if (refusal !== undefined) {
      fixes.push({
        who: 'you',
        title: 'Run the diagnosis from your own machine',
        detail: `The relay refused to connect (${refusal}), so no probe reached the server. The command-line tool runs the same probes directly from where you start it, to any host and port that machine reaches (an internal server too).`,
        commands: [`npx tls-playground diagnose ${url}`],
      });
    }
  } else if (helloRequest) {
    severity = 'problem';
    const names = (ps: ProbeResult[]) => ps.map((p) => personalities[p.personality].title).join(', ');
    verdict =
      `This server asks for a client certificate by TLS 1.2 renegotiation: after the request for ${path} it sends a HelloRequest. ` +
      (failing.length ? `Clients that do not renegotiate fail — ${failing.map((p) => `${personalities[p.personality].title}: ${describeResult(p)}`).join('; ')}. ` : '') +
      (succeeding.length ? `Clients that renegotiate succeed — ${names(succeeding)}. ` : '') +
      (rustls.outcome === 'reset' ? 'The reset comes from the server: refusing renegotiation with a warning alert is allowed by RFC 5246 §7.4.1.1, but this server treats it as fatal and aborts the TCP connection, so applications only see "Connection reset by peer". ' : '') +
      (secureRenegotiation === false ? 'The server does not support secure renegotiation (RFC 5746), so even OpenSSL refuses to renegotiate with it. ' : '') +
      (tls13Available ? `TLS 1.3 is available: clients that negotiate TLS 1.3 never see a HelloRequest${phaRequested ? ', and the server asks for the certificate after the handshake when the client offers post_handshake_auth' : ''}.` : 'TLS 1.3 is not available, so every client meets the renegotiation.');
    const port = new URL(/^[a-z]+:\/\//i.test(url) ? url : `https://${url}`).port || '443';
    fixes.push({
      who: 'server',
      title: 'Ask for the client certificate in the initial handshake (IIS / http.sys: clientcertnegotiation=enable)',
      detail:
        'Then the CertificateRequest is part of the first handshake and no renegotiation is needed; every client works. Note the current binding first (ipport or hostnameport, certhash, appid, certstorename and any non-default flags) and re-create it with the same values plus clientcertnegotiation=enable. Then check that the binding says “Negotiate Client Certificate : Enabled”. Certificate renewal tools may later re-create the binding without the flag: check it after each renewal.',
      commands: [
        'netsh http show sslcert',
        `netsh http delete sslcert ipport=0.0.0.0:${port}`,
        `netsh http add sslcert ipport=0.0.0.0:${port} certhash=<certificate thumbprint> appid={<application GUID>} certstorename=MY clientcertnegotiation=enable`,
        `netsh http show sslcert ipport=0.0.0.0:${port}`,
      ],
    });
    fixes.push({
      who: 'server',
      title: 'Enable TLS 1.3 on the server',
      detail: 'TLS 1.3 has no renegotiation. A conditional certificate request then needs post-handshake authentication, which many clients (Chrome, BoringSSL, rustls) do not offer — so combine this with requesting the certificate in the initial handshake.',
    });
    fixes.push({
      who: 'client',
      title: 'Use a client that renegotiates for this host',
      detail: `OpenSSL-based stacks (curl, Python, Node, native-tls) and SChannel renegotiate and succeed${succeeding.length ? ` (${succeeding.map((p) => `${personalities[p.personality].title}: ${describeResult(p)}`).join('; ')})` : ''}. Or avoid the conditional-certificate endpoint.`,
    });
    fixes.push({ who: 'both', title: 'Question conditional client-certificate authentication', detail: 'If the certificate is needed, asking for it on every connection is simpler and works with every client; if it is not, remove the per-path requirement.' });
  } else if (phaRequested || t13?.httpStatus === 403) {
    verdict = `No TLS 1.2 renegotiation on ${path}.${phaRequested ? ' Under TLS 1.3 the server asks for a client certificate after the handshake (post-handshake authentication); clients that do not offer post_handshake_auth get ' + (t13?.httpStatus ? `HTTP ${t13.httpStatus}` : describeResult(t13)) + '.' : ''}`;
    if (phaRequested) {
      fixes.push({ who: 'server', title: 'Ask for the certificate in the initial TLS 1.3 handshake', detail: 'Many clients (Chrome, BoringSSL, rustls) never offer post_handshake_auth; a CertificateRequest in the handshake works for all of them.' });
    }
  } else {
    verdict = `No renegotiation problem: ${path} does not trigger a HelloRequest under TLS 1.2${tls13Available ? ', and TLS 1.3 is available' : ''}. Every client personality gets ${describeResult(rustls)}.`;
  }

  return {
    url,
    severity,
    verdict,
    tls13: { available: tls13Available, postHandshakeAuthRequested: phaRequested, statusWithoutPha: t13.httpStatus, statusWithPha: t13pha?.httpStatus },
    tls12: { available: tls12Available, secureRenegotiation, helloRequest },
    personalities: byPersonality,
    fixes,
    probes,
  };
}
