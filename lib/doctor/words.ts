/**
 * The doctor's words: its verdict, the fixes and how each probe ended, as functions of what the
 * probes found (diagnose.ts), in the language `t` speaks. The CLI, the page and --json (English)
 * all read them from here, so a diagnosis reads the same everywhere and in every language.
 */
import { personalities } from '../tls/client/personalities';
import { outcomeSentence, transportReason } from '../view/stepText';
import type { Translate } from '../i18n/translator';
import type { Diagnosis, Findings, Fix, ProbeResult } from './diagnose';

/** How a probe ended, in a few words ("HTTP 200 after renegotiating", "connection reset by peer"). */
export function describeResult(p: ProbeResult, t: Translate): string {
  if (p.outcome === 'ok') return p.renegotiated ? t('doctor.result.httpAfterRenegotiation', { status: String(p.httpStatus ?? '?') }) : t('doctor.result.http', { status: String(p.httpStatus ?? '?') });
  if (p.outcome === 'reset') return t('doctor.result.reset');
  if (p.outcome === 'timeout') return t('doctor.result.timeout');
  const alert = p.alerts.find((a) => a.description !== 'close_notify');
  if (p.outcome === 'alert' && alert) return t('doctor.result.alert', { level: alert.level, description: alert.description, from: alert.from });
  if (p.outcome === 'closed') return t('doctor.result.closed');
  // A transport failure and the rest: the outcome's own sentence (host not found, connection refused, …).
  return outcomeSentence(p.trace.outcomeCause, t);
}

/** What a probe tried: "TLS 1.3, no post_handshake_auth", "TLS 1.2 as rustls". */
export function probeLabel(p: Pick<ProbeResult, 'role' | 'personality'>, t: Translate): string {
  if (p.role === 'tls13') return t('doctor.probe.tls13');
  if (p.role === 'tls13-pha') return t('doctor.probe.tls13Pha');
  return t('doctor.probe.tls12', { client: personalities[p.personality].title });
}

/** The verdict and the fixes for what the probes found. */
export function describeDiagnosis(d: Pick<Diagnosis, 'findings' | 'personalities' | 'probes'>, t: Translate): { verdict: string; fixes: Fix[] } {
  const f: Findings = d.findings;
  const byName = (name: string) => d.personalities.find((p) => p.personality === name);
  const results = (names: readonly string[]) =>
    names
      .map((name) => byName(name))
      .filter((p): p is ProbeResult => p !== undefined)
      .map((p) => t('doctor.verdict.resultOf', { client: personalities[p.personality].title, result: describeResult(p, t) }))
      .join(t('doctor.verdict.listJoin'));
  const sentences: string[] = [];
  const fixes: Fix[] = [];
  const probe = (role: ProbeResult['role']) => d.probes.find((p) => p.role === role);
  if (f.kind === 'unreachable') {
    const reference = probe('tls13')?.version ? probe('tls13') : byName('rustls');
    const why = f.certificate
      ? t('doctor.verdict.certificateRejected', { problem: f.certificate.alert ?? f.certificate.check })
      : reference
        ? describeResult(reference, t)
        : '?';
    sentences.push(t('doctor.verdict.unreachable', { why }));
    if (f.certificate) fixes.push({ who: 'server', title: t('doctor.fixes.certificate.title'), detail: t('doctor.fixes.certificate.detail') });
    if (f.relayRefusal !== undefined) {
      fixes.push({
        who: 'you',
        title: t('doctor.fixes.relay.title'),
        detail: t('doctor.fixes.relay.detail', { why: transportReason({ message: f.relayRefusal, reason: f.relayRefusalReason }, t) }),
        commands: [`npx tls-playground diagnose ${f.url}`],
      });
    }
  } else if (f.kind === 'renegotiation') {
    sentences.push(t('doctor.verdict.problem', { path: f.path }));
    if (f.failing.length) sentences.push(t('doctor.verdict.failing', { results: results(f.failing) }));
    if (f.succeeding.length) sentences.push(t('doctor.verdict.succeeding', { clients: f.succeeding.map((n) => personalities[n].title).join(t('doctor.verdict.namesJoin')) }));
    if (f.rustlsReset) sentences.push(t('doctor.verdict.reset'));
    if (f.secureRenegotiation === false) sentences.push(t('doctor.verdict.insecureRenegotiation'));
    sentences.push(f.tls13Available ? (f.phaRequested ? t('doctor.verdict.tls13AvailablePha') : t('doctor.verdict.tls13Available')) : t('doctor.verdict.tls13Missing'));
    fixes.push({
      who: 'server',
      title: t('doctor.fixes.initialHandshake.title'),
      detail: t('doctor.fixes.initialHandshake.detail'),
      commands: [
        'netsh http show sslcert',
        `netsh http delete sslcert ipport=0.0.0.0:${f.port}`,
        `netsh http add sslcert ipport=0.0.0.0:${f.port} certhash=<certificate thumbprint> appid={<application GUID>} certstorename=MY clientcertnegotiation=enable`,
        `netsh http show sslcert ipport=0.0.0.0:${f.port}`,
      ],
    });
    fixes.push({ who: 'server', title: t('doctor.fixes.tls13.title'), detail: t('doctor.fixes.tls13.detail') });
    fixes.push({
      who: 'client',
      title: t('doctor.fixes.client.title'),
      detail: f.succeeding.length ? t('doctor.fixes.client.detailWithResults', { results: results(f.succeeding) }) : t('doctor.fixes.client.detail'),
    });
    fixes.push({ who: 'both', title: t('doctor.fixes.question.title'), detail: t('doctor.fixes.question.detail') });
  } else if (f.kind === 'post-handshake') {
    sentences.push(t('doctor.verdict.noRenegotiation', { path: f.path }));
    const t13 = probe('tls13');
    if (f.phaRequested) {
      sentences.push(t('doctor.verdict.pha', { result: t13?.httpStatus ? t('doctor.result.http', { status: String(t13.httpStatus) }) : t13 ? describeResult(t13, t) : '?' }));
      fixes.push({ who: 'server', title: t('doctor.fixes.tls13Initial.title'), detail: t('doctor.fixes.tls13Initial.detail') });
    }
  } else {
    const rustls = byName('rustls');
    const result = rustls ? describeResult(rustls, t) : '?';
    sentences.push(f.tls13Available ? t('doctor.verdict.fineTls13', { path: f.path, result }) : t('doctor.verdict.fine', { path: f.path, result }));
  }
  return { verdict: sentences.join(t('doctor.verdict.sentenceJoin')), fixes };
}
