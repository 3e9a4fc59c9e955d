import { personalities, type HelloRequestReaction, type PersonalityName } from '../tls/client/personalities';
import { noCertificateRefusals } from '../tls/registry/alerts';
import type { CertificateCheck, ChainEntry, Trace } from '../trace/schema';
import { isHelloRequest, isKind, isRefusal, isServerHelloAnswer } from '../trace/steps';
import type { Translate } from '../i18n/translator';
import { transportReason } from './stepText';

/**
 * What the summary of a failed run says beyond what went wrong: why, in the run's own terms, what
 * fixes it and who can apply it, and where to look further. One piece of advice per run, for the
 * failures people meet most: a target the relay's policy refuses, a renegotiation the client
 * refused (the IIS reset, shared/design/RENEGOTIATION.md), a server that broke a protocol rule the
 * client enforces (docs/strictness.md), a rejected certificate, a client certificate the server
 * wanted, and a ClientHello the server found nothing to agree with. The
 * summary card (page, saved runs, embeds), Compare and the CLI's closing lines show it. The words
 * come from the catalogs (lib/i18n), in the language `t` speaks.
 */
export interface Advice {
  kind: 'renegotiation' | 'certificate' | 'client-certificate' | 'negotiation' | 'relay-policy' | 'protocol' | 'tamper';
  title: string;
  /** What happened, in sentences. */
  explanation: string;
  /** `you`: what the person running this can change in the run itself; `relay`: whoever runs the relay. */
  fixes: { who: 'server' | 'client' | 'you' | 'relay'; text: string }[];
  /** Pages of this app with the run's URL filled in. */
  links: { label: string; href: string }[];
}

/**
 * Advice for a run, if it failed in a way worth explaining. Works on traces from any engine
 * version: saved traces from older ones may lack lists that this version always records.
 */
export function adviceFor(trace: Trace, t: Translate): Advice | undefined {
  const safe: Trace = { ...trace, steps: trace.steps ?? [], alerts: trace.alerts ?? [] };
  return relayPolicyAdvice(safe, t) ?? tamperAdvice(safe, t) ?? renegotiationAdvice(safe, t) ?? protocolAdvice(safe, t) ?? certificateAdvice(safe, t) ?? clientCertificateAdvice(safe, t) ?? negotiationAdvice(safe, t);
}

// --- the relay would not go there ---

/** A run the relay refused by its target policy (a private address, an IP literal, a port…). */
export function relayPolicyAdvice(trace: Trace, t: Translate): Advice | undefined {
  const refusal = trace.steps.find((s) => s.kind === 'transport' && s.data.event === 'error' && s.data.code === 'POLICY');
  if (refusal?.kind !== 'transport' || refusal.data.event !== 'error') return undefined;
  // The relay's reason, worded from its stable word (its own sentence when this build does not know the word).
  const why = refusal.data.message || refusal.data.reason ? transportReason(refusal.data, t) : t('advice.relay.defaultWhy');
  return {
    kind: 'relay-policy',
    title: t('advice.relay.title'),
    // Why the relay has a policy at all is the refusal step's explanation; the summary adds what to do.
    explanation: t('advice.relay.explanation', { why }),
    // A built-in demo target that is not running here: only whoever runs the playground can help
    // (the CLI would need the same program, and the relay's policy has nothing to do with it).
    fixes:
      refusal.data.reason === 'demo-not-running'
        ? [{ who: 'relay', text: t('advice.relay.demoNotRunning') }]
        : [
            { who: 'you', text: t('advice.relay.cli', { url: trace.options.url }) },
            { who: 'relay', text: t('advice.relay.operator') },
          ],
    links: [],
  };
}

// --- the run was a tamper experiment ---

/**
 * A run whose flight was changed on purpose (lib/tls/tamper): the server's alert or reset is the
 * experiment's result, so no fix for the server or the client is offered.
 */
export function tamperAdvice(trace: Trace, t: Translate): Advice | undefined {
  if (trace.outcome === 'ok') return undefined;
  const step = trace.steps.find((s) => isKind(s, 'tamper'));
  if (!step || !isKind(step, 'tamper')) return undefined;
  return {
    kind: 'tamper',
    title: t('tamper.advice.title'),
    explanation: t('tamper.advice.explanation', { target: step.data.target }),
    fixes: [{ who: 'you', text: t('tamper.advice.without') }],
    links: [],
  };
}

/** A list option as recorded, or empty where an older trace did not record it. */
function listed(values: readonly string[] | undefined): readonly string[] {
  return values ?? [];
}

// --- the client would not renegotiate ---

function refusalOf(trace: Trace): Exclude<HelloRequestReaction, 'renegotiate'> | undefined {
  for (const step of trace.steps) {
    if (!isKind(step, 'personality')) continue;
    const reaction = step.data.reaction;
    return reaction === 'renegotiate' ? undefined : (reaction as Exclude<HelloRequestReaction, 'renegotiate'>);
  }
  // A trace without the personality's verdict step still shows the refusal as the client's alert.
  return trace.alerts.some((a) => a.from === 'client' && a.description === 'no_renegotiation') ? 'refuse-warning' : undefined;
}

export function renegotiationAdvice(trace: Trace, t: Translate): Advice | undefined {
  if (trace.outcome === 'ok') return undefined;
  const asked = trace.steps.some(isHelloRequest);
  const refusal = asked ? refusalOf(trace) : undefined;
  if (!refusal) return undefined;
  const known = personalities[trace.personality as PersonalityName];
  const client = known?.title ?? trace.personality;
  const url = encodeURIComponent(trace.options.url);
  return {
    kind: 'renegotiation',
    title: t('advice.renegotiation.title'),
    explanation: [
      t('advice.renegotiation.asked'),
      t(`advice.renegotiation.refusal.${refusal}`, { client }),
      t(`advice.renegotiation.ending.${trace.outcome}`),
    ]
      .filter(Boolean)
      .join(t('advice.sentenceJoin')),
    fixes: [
      { who: 'server', text: t('advice.renegotiation.fixInitial') },
      { who: 'server', text: t('advice.renegotiation.fixTls13') },
      { who: 'client', text: t('advice.renegotiation.fixClient') },
    ],
    links: [
      { label: t('advice.renegotiation.diagnose'), href: `/doctor?url=${url}` },
      // The comparison that proves the point, run at once: on a demo target with the demo client
      // certificate, so OpenSSL renegotiates, sends it and gets 200 where this client was reset.
      { label: t('advice.renegotiation.compare', { client }), href: `/compare?url=${url}${known ? `&a=${known.name}` : ''}${onDemoTarget(trace) ? '&cert=demo' : ''}&run=1` },
    ],
  };
}

/** Whether the run went to a demo target (https://<name>.test/), which accepts the demo client certificate. */
function onDemoTarget(trace: Trace): boolean {
  try {
    return new URL(trace.options.url).hostname.endsWith('.test');
  } catch {
    return false;
  }
}

// --- the certificate was rejected ---

/** Who vouches for whom along the chain the client could build, in words. */
function chainProblem(chain: ChainEntry[], t: Translate): Problem {
  const last = chain[chain.length - 1];
  if (!last) return { title: t('advice.certificate.noChain.title'), explanation: t('advice.certificate.noChain.explanation'), fixes: [] };
  const selfSigned = last.subject === last.issuer;
  if (selfSigned && chain.length === 1) {
    return {
      title: t('advice.certificate.selfSigned.title'),
      explanation: t('advice.certificate.selfSigned.explanation', { subject: last.subject }),
      fixes: [
        { who: 'server', text: t('advice.certificate.selfSigned.fixServer') },
        { who: 'you', text: t('advice.certificate.selfSigned.fixYou') },
      ],
    };
  }
  if (selfSigned) {
    return {
      title: t('advice.certificate.untrustedRoot.title'),
      explanation: t('advice.certificate.untrustedRoot.explanation', { subject: last.subject }),
      fixes: [
        { who: 'server', text: t('advice.certificate.untrustedRoot.fixServer') },
        { who: 'you', text: t('advice.certificate.untrustedRoot.fixYou') },
      ],
    };
  }
  return {
    title: chain.length === 1 ? t('advice.certificate.missingIntermediate.titleLeaf') : t('advice.certificate.missingIntermediate.titleChain'),
    explanation: t('advice.certificate.missingIntermediate.explanation', { subject: last.subject, issuer: last.issuer }),
    fixes: [{ who: 'server', text: t('advice.certificate.missingIntermediate.fix') }],
  };
}

type Problem = Pick<Advice, 'title' | 'explanation' | 'fixes'>;

/** A certificate date as people read it in logs: 2024-01-01 00:00 UTC. */
function day(iso: string | undefined): string {
  const time = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(time) ? (iso ?? '?') : new Date(time).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

function checkProblem(check: CertificateCheck, trace: Trace, t: Translate): Problem | undefined {
  const which = check.certificate ? t('advice.certificate.which.chain') : t('advice.certificate.which.leaf');
  const entry = trace.certificate?.chain?.[check.certificate ?? 0];
  switch (check.check) {
    case 'chain':
      return chainProblem(trace.certificate?.chain ?? [], t);
    case 'validity':
      if (notYetValid(trace, check.certificate ?? 0)) {
        return {
          title: t('advice.certificate.notYetValid.title'),
          explanation: t('advice.certificate.notYetValid.explanation', { which, date: day(entry?.notBefore) }),
          fixes: [
            { who: 'server', text: t('advice.certificate.notYetValid.fixServer') },
            { who: 'you', text: t('advice.certificate.notYetValid.fixYou') },
          ],
        };
      }
      return {
        title: check.certificate ? t('advice.certificate.expired.titleChain') : t('advice.certificate.expired.titleLeaf'),
        explanation: t('advice.certificate.expired.explanation', { which, date: day(entry?.notAfter) }),
        fixes: [
          { who: 'server', text: check.certificate ? t('advice.certificate.expired.fixChain') : t('advice.certificate.expired.fixLeaf') },
          { who: 'you', text: t('advice.certificate.expired.fixYou') },
        ],
      };
    case 'hostname':
      return {
        title: t('advice.certificate.hostname.title'),
        explanation: entry?.names?.length
          ? t('advice.certificate.hostname.explanationNames', { host: hostOf(trace.options.url), names: entry.names.join(', ') })
          : t('advice.certificate.hostname.explanation', { host: hostOf(trace.options.url) }),
        fixes: [
          { who: 'server', text: t('advice.certificate.hostname.fixServer', { host: hostOf(trace.options.url) }) },
          { who: 'you', text: t('advice.certificate.hostname.fixYou') },
        ],
      };
    case 'signature':
      return {
        title: t('advice.certificate.signature.title'),
        explanation: t('advice.certificate.signature.explanation', { which }),
        fixes: [{ who: 'server', text: t('advice.certificate.signature.fix') }],
      };
    case 'policy':
      return {
        title: t('advice.certificate.policy.title'),
        explanation: t('advice.certificate.policy.explanation', { which }),
        fixes: [{ who: 'server', text: t('advice.certificate.policy.fix') }],
      };
    case 'basicConstraints':
    case 'keyUsage':
    case 'extendedKeyUsage':
    case 'nameConstraints':
      return {
        title: t('advice.certificate.usage.title'),
        explanation: t('advice.certificate.usage.explanation', { which, check: check.check }),
        fixes: [{ who: 'server', text: t('advice.certificate.usage.fix') }],
      };
    default:
      return undefined;
  }
}

/** Whether the chain's certificate at `index` starts after the run did (else its validity failed by expiring). */
function notYetValid(trace: Trace, index: number): boolean {
  const entry = trace.certificate?.chain?.[index];
  return entry !== undefined && Date.parse(entry.notBefore) > Date.parse(trace.startedAt);
}

/** The order in which failed checks are worth explaining: the first one found is the headline. */
const CHECK_ORDER = ['chain', 'validity', 'hostname', 'signature', 'policy', 'basicConstraints', 'keyUsage', 'extendedKeyUsage', 'nameConstraints'];

export function certificateAdvice(trace: Trace, t: Translate): Advice | undefined {
  const cert = trace.certificate;
  if (cert?.verdict !== 'untrusted') return undefined;
  const failed = (cert.checks ?? []).filter((k) => !k.ok).sort((a, b) => rank(a) - rank(b));
  const problems = failed.map((k) => checkProblem(k, trace, t)).filter((p): p is NonNullable<typeof p> => p !== undefined);
  const [first, ...others] = problems.filter((p, i, all) => all.findIndex((q) => q.title === p.title) === i);
  if (!first) return undefined;
  const fixes = [...first.fixes, ...others.flatMap((p) => p.fixes)].filter((f, i, all) => all.findIndex((g) => g.text === f.text) === i);
  return {
    kind: 'certificate',
    title: first.title,
    explanation: [first.explanation, ...others.map((p) => t('advice.certificate.also', { problem: lowerFirst(p.title) }))].join(t('advice.sentenceJoin')),
    fixes: cert.insecure ? fixes : [...fixes, { who: 'you', text: t('advice.certificate.continueAnyway') }],
    links: [],
  };
}

/** "The certificate has expired" as the rest of a sentence; a language without capitals keeps its text. */
function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function rank(check: CertificateCheck): number {
  const i = CHECK_ORDER.indexOf(check.check);
  return i === -1 ? CHECK_ORDER.length : i;
}

// --- the server wanted a client certificate ---

export function clientCertificateAdvice(trace: Trace, t: Translate): Advice | undefined {
  const none = trace.steps.find((s) => isKind(s, 'no-client-certificate'));
  if (none?.kind !== 'no-client-certificate') return undefined;
  const status = trace.http?.status;
  const alert = trace.alerts.find((a) => a.from === 'server' && a.level === 'fatal' && (noCertificateRefusals as readonly string[]).includes(a.description));
  if (!alert && status !== 401 && status !== 403) return undefined;
  const configured = none.data.configured;
  const answer = alert
    ? t('advice.clientCertificate.answerAlert', { description: alert.description })
    : t('advice.clientCertificate.answerHttp', { status: `${status}${trace.http?.reason ? ` ${trace.http.reason}` : ''}` });
  return {
    kind: 'client-certificate',
    title: configured ? t('advice.clientCertificate.titleUnusable') : t('advice.clientCertificate.titleNone'),
    explanation: configured ? t('advice.clientCertificate.explanationUnusable', { answer }) : t('advice.clientCertificate.explanationNone', { answer }),
    fixes: [
      { who: 'you', text: configured ? t('advice.clientCertificate.fixUnusable') : t('advice.clientCertificate.fixNone') },
      { who: 'server', text: t('advice.clientCertificate.fixServer') },
    ],
    links: [],
  };
}

// --- the server broke a rule the client enforces ---

/** The refusals the advice explains, by the check's name (docs/strictness.md); their words are in the catalogs. */
const PROTOCOL_PROBLEMS = [
  'unsolicited-extension',
  'extension-placement',
  'record-boundary',
  'protected-change-cipher-spec',
  'unexpected-change-cipher-spec',
  'empty-record',
  'alpn-single-protocol',
  'certificate-request-context',
  'leaf-key',
] as const;
type ProtocolProblem = (typeof PROTOCOL_PROBLEMS)[number];

/** The TLS 1.2 extensions the run can leave out, by the name the refusal step gives. */
const OPTIONAL_TLS12_EXTENSIONS = ['extended_master_secret', 'renegotiation_info', 'encrypt_then_mac', 'session_ticket'];

/** A run the client ended because the server broke a protocol rule (the refusal step's data names it). */
export function protocolAdvice(trace: Trace, t: Translate): Advice | undefined {
  const step = trace.steps.find(isRefusal);
  const problem = step && (PROTOCOL_PROBLEMS as readonly string[]).includes(step.data.check) ? (step.data.check as ProtocolProblem) : undefined;
  if (!step || !problem) return undefined;
  const d = step.data;
  const extension = typeof d.facts.extension === 'string' ? d.facts.extension : undefined;
  const fixes: Advice['fixes'] = [{ who: 'server', text: t('advice.protocol.fixServer', { rule: String(d.rule) }) }];
  const turnedOff = extension && OPTIONAL_TLS12_EXTENSIONS.includes(extension) && (trace.options.tls12Off ?? []).some((x) => x === extension);
  if (turnedOff) fixes.push({ who: 'you', text: t('advice.protocol.fixYou', { extension }) });
  return {
    kind: 'protocol',
    title: t(`advice.protocol.${problem}.title`),
    explanation: [
      extension ? t('advice.protocol.carried', { message: String(d.facts.message).replace(/_/g, ' '), extension }) : '',
      t(`advice.protocol.${problem}.why`),
      t('advice.protocol.ended', { alert: String(d.alert), rule: String(d.rule) }),
    ]
      .filter(Boolean)
      .join(t('advice.sentenceJoin')),
    fixes,
    links: [],
  };
}

// --- nothing in common ---

export function negotiationAdvice(trace: Trace, t: Translate): Advice | undefined {
  if (trace.outcome !== 'alert') return undefined;
  const alert = trace.alerts.find((a) => a.from === 'server' && a.level === 'fatal');
  const answered = trace.steps.some(isServerHelloAnswer);
  if (!alert || answered) return undefined;
  const o = trace.options;
  const versions = listed(o.versions);
  if (alert.description === 'protocol_version') {
    const both = versions.includes('TLSv1.3') && versions.includes('TLSv1.2');
    return {
      kind: 'negotiation',
      title: t('advice.negotiation.versionsTitle'),
      explanation: versions.length
        ? t('advice.negotiation.versionsExplanationListed', { versions: versions.join(', ') })
        : t('advice.negotiation.versionsExplanation'),
      fixes: [
        ...(both ? [] : [{ who: 'you' as const, text: t('advice.negotiation.fixBoth') }]),
        { who: 'server', text: t('advice.negotiation.fixServerVersions') },
      ],
      links: [],
    };
  }
  if (alert.description === 'handshake_failure' || alert.description === 'insufficient_security') {
    // Empty lists mean the personality's defaults; anything listed is the user's narrower choice.
    const chosen = (what: 'suites' | 'groups' | 'schemes', values: readonly string[] | undefined) =>
      listed(values).length ? t(`advice.negotiation.limit.${what}`, { values: listed(values).join(', ') }) : undefined;
    const limits = [chosen('suites', o.cipherSuites), chosen('groups', o.groups), chosen('schemes', o.signatureSchemes)].filter(Boolean);
    return {
      kind: 'negotiation',
      title: t('advice.negotiation.nothingTitle'),
      explanation: [t('advice.negotiation.nothingExplanation', { alert: alert.description }), limits.length ? t('advice.negotiation.offeredOnly', { limits: limits.join(t('advice.listJoin')) }) : '']
        .filter(Boolean)
        .join(t('advice.sentenceJoin')),
      fixes: [
        ...(limits.length ? [{ who: 'you' as const, text: t('advice.negotiation.fixClear') }] : []),
        { who: 'server', text: t('advice.negotiation.fixServer') },
      ],
      links: [],
    };
  }
  return undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}
