import type { CertificateCheck, ChainEntry, CheckFinding, PolicyProblem, Trace, WildcardRefusal } from '../trace/schema';
import { isHandshakeMessage } from '../trace/steps';
import { english } from '../i18n/english';
import type { Translate } from '../i18n/translator';


/**
 * The certificate panel's model: the chain as the engine built it (leaf first), each certificate
 * with the checks that concern it, the chain-wide checks, and the overall verdict in words.
 */
export interface CertificateCard {
  index: number;
  role: 'leaf' | 'intermediate' | 'root';
  entry: ChainEntry;
  checks: CertificateCheck[];
  /** Whether every check on this certificate passed (true when there are none). */
  ok: boolean;
  /** Validity at the time of the run. */
  validity: { state: 'valid' | 'expired' | 'not-yet-valid' | 'unknown'; daysLeft?: number };
  sourceLabel: string;
}

export interface CertificatePanel {
  verdict: 'trusted' | 'untrusted' | 'not-checked';
  headline: string;
  tone: 'good' | 'bad' | 'warning' | 'neutral';
  alert?: string;
  insecure: boolean;
  cards: CertificateCard[];
  /** Checks not tied to one certificate (chain building, hostname when not attributed…). */
  chainChecks: CertificateCheck[];
  failed: CertificateCheck[];
  /** Seq of the certificate-layer steps, to jump to them in the diagram. */
  stepSeqs: number[];
  /** Seq of the server's Certificate message, whose hex view decodes every certificate's DER. */
  certificateMessageSeq?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function validityAt(entry: ChainEntry, at: number): CertificateCard['validity'] {
  const notBefore = Date.parse(entry.notBefore);
  const notAfter = Date.parse(entry.notAfter);
  if (Number.isNaN(notBefore) || Number.isNaN(notAfter) || Number.isNaN(at)) return { state: 'unknown' };
  if (at < notBefore) return { state: 'not-yet-valid' };
  const daysLeft = Math.floor((notAfter - at) / DAY_MS);
  if (at > notAfter) return { state: 'expired', daysLeft };
  return { state: 'valid', daysLeft };
}

function role(index: number, length: number, entry: ChainEntry): CertificateCard['role'] {
  if (index === 0) return 'leaf';
  if (index === length - 1 && (entry.source !== 'server' || entry.subject === entry.issuer)) return 'root';
  return 'intermediate';
}

function isDemoHost(url: string): boolean {
  try {
    return new URL(url).hostname.endsWith('.test');
  } catch {
    return false;
  }
}

/** The panel in the language of `t` (English when none is given). */
export function buildCertificatePanel(trace: Pick<Trace, 'certificate' | 'startedAt' | 'steps' | 'options'>, t: Translate = english): CertificatePanel | undefined {
  const summary = trace.certificate;
  if (!summary) return undefined;
  const at = Date.parse(trace.startedAt);
  const cards = summary.chain.map((entry, index): CertificateCard => {
    const checks = summary.checks.filter((c) => c.certificate === index);
    return {
      index,
      role: role(index, summary.chain.length, entry),
      entry,
      checks,
      ok: checks.every((c) => c.ok),
      validity: validityAt(entry, at),
      // The page trusts the demo CA for the demo targets (*.test) only, as an extra CA.
      sourceLabel: entry.source === 'user-ca' && isDemoHost(trace.options.url) ? t('certificate.source.demoCa') : sourceLabel(entry.source, t),
    };
  });
  const chainChecks = summary.checks.filter((c) => c.certificate === undefined || c.certificate >= summary.chain.length);
  const failed = summary.checks.filter((c) => !c.ok);
  const insecure = summary.insecure === true;

  let headline: string;
  let tone: CertificatePanel['tone'];
  if (summary.verdict === 'trusted') {
    headline = t('certificate.trusted');
    tone = 'good';
  } else if (summary.verdict === 'untrusted') {
    const first = failed[0];
    headline = first ? t('certificate.untrustedBecause', { reason: checkDetail(first, t).replace(/[.\s。]+$/, '') }) : t('certificate.untrusted');
    if (insecure) headline += t('advice.sentenceJoin') + t('certificate.insecure');
    tone = insecure ? 'warning' : 'bad';
  } else {
    headline = t('certificate.notChecked');
    tone = 'neutral';
  }

  return {
    verdict: summary.verdict,
    headline,
    tone,
    alert: summary.alert,
    insecure,
    cards,
    chainChecks,
    failed,
    stepSeqs: trace.steps.filter((s) => s.layer === 'certificate').map((s) => s.seq),
    certificateMessageSeq: trace.steps.find((s) => isHandshakeMessage(s, 'certificate', 'server'))?.seq,
  };
}

function sourceLabel(source: ChainEntry['source'], t: Translate): string {
  return source === 'server' || source === 'root-store' || source === 'user-ca' ? t(`certificate.source.${source}`) : source;
}

/**
 * What a check found, in the language of `t`: made from the check's finding (its data), or its
 * English `detail` for a trace recorded before findings were kept.
 */
export function checkDetail(check: CertificateCheck, t: Translate = english): string {
  return check.finding ? findingWords(check.finding, t) : check.detail;
}

function findingWords(f: CheckFinding, t: Translate): string {
  const list = (items: readonly string[]) => (items.length ? items.join(t('certificate.finding.listJoin')) : t('certificate.finding.none'));
  const unused = (count: number) => (count > 0 ? t('certificate.finding.unused', { count }) : '');
  switch (f.is) {
    case 'anchor-leaf':
      return t('certificate.finding.anchor-leaf', { source: f.source === 'user-ca' ? 'user' : 'root', unused: unused(f.unused) });
    case 'path':
      return t('certificate.finding.path', { length: String(f.length), root: f.root, source: f.source === 'user-ca' ? 'user' : 'root', unused: unused(f.unused) });
    case 'too-many-candidates':
      return t('certificate.finding.too-many-candidates', { limit: String(f.limit) });
    case 'self-signed':
    case 'ca-as-leaf':
    case 'anchor-without-constraints':
    case 'no-basic-constraints':
    case 'not-a-ca':
    case 'key-usage-unrestricted':
    case 'ext-key-usage-unrestricted':
    case 'name-constraints-kept':
      return t(`certificate.finding.${f.is}`);
    case 'untrusted-root':
      return t('certificate.finding.untrusted-root', { root: f.root });
    case 'missing-issuer':
      return t('certificate.finding.missing-issuer', { issuer: f.issuer, subject: f.subject, leafOnly: f.leafOnly ? 'yes' : 'no' });
    case 'signature-verifies':
    case 'signature-fails':
    case 'signature-error': {
      const how = f.algorithm ? t('certificate.finding.how', { algorithm: f.algorithm, curve: f.curve ?? '', scheme: f.scheme }) : f.scheme;
      return f.is === 'signature-error' ? t('certificate.finding.signature-error', { by: f.by, how, error: f.error }) : t(`certificate.finding.${f.is}`, { by: f.by, how });
    }
    case 'signature-unsupported':
      return t('certificate.finding.signature-unsupported', { by: f.by, reason: f.reason });
    case 'policy-ok':
      return f.hash ? t('certificate.finding.policy-ok-signed', { key: f.key, hash: f.hash }) : t('certificate.finding.policy-ok', { key: f.key });
    case 'policy-refused':
      return t('certificate.finding.policy-refused', { problems: f.problems.map((p) => policyProblem(p, t)).join(t('certificate.finding.problemsJoin')) });
    case 'critical-extensions':
      return t('certificate.finding.critical-extensions', { count: f.extensions.length, extensions: list(f.extensions) });
    case 'path-too-long':
      return t('certificate.finding.path-too-long', { limit: String(f.limit), allowed: f.limit, below: f.below });
    case 'ca':
      return f.limit === undefined ? t('certificate.finding.ca') : t('certificate.finding.ca-limited', { limit: String(f.limit), below: f.below });
    case 'key-usage':
      return t('certificate.finding.key-usage', { usages: list(f.usages), need: f.need });
    case 'key-usage-lacks':
      return t('certificate.finding.key-usage-lacks', { usages: list(f.usages), need: f.need, leaf: f.leaf ? 'yes' : 'no' });
    case 'ext-key-usage':
    case 'ext-key-usage-lacks':
      return t(`certificate.finding.${f.is}`, { usages: list(f.usages) });
    case 'name-constraints-violated':
      return f.excluded !== undefined
        ? t('certificate.finding.name-constraints-excluded', { index: String(f.index), ca: f.ca, name: f.name, subtree: f.excluded })
        : t('certificate.finding.name-constraints-outside', { index: String(f.index), ca: f.ca, name: f.name, subtrees: (f.permitted ?? []).join(t('certificate.finding.listJoin')) });
    case 'not-yet-valid':
      return t('certificate.finding.not-yet-valid', { from: f.from, days: f.days });
    case 'expired':
      return t('certificate.finding.expired', { until: f.until, days: f.days });
    case 'valid':
      return t('certificate.finding.valid', { from: f.from, until: f.until, days: f.days });
    case 'ip-matches':
    case 'ip-without-san':
    case 'host-not-ascii':
    case 'host-invalid':
      return t(`certificate.finding.${f.is}`, { host: f.host });
    case 'ip-not-listed':
    case 'no-dns-names':
      return t(`certificate.finding.${f.is}`, { host: f.host, names: f.names });
    case 'host-matches':
      return t(f.wildcard ? 'certificate.finding.host-matches-wildcard' : 'certificate.finding.host-matches', { host: f.host, name: f.name });
    case 'host-mismatch':
      return f.why
        ? t('certificate.finding.host-mismatch-wildcard', { host: f.host, names: f.names, why: wildcardWords(f.why, t) })
        : t('certificate.finding.host-mismatch', { host: f.host, names: f.names });
    case 'no-san':
      return f.commonNames.length ? t('certificate.finding.no-san-cn', { names: list(f.commonNames) }) : t('certificate.finding.no-san');
  }
}

function policyProblem(p: PolicyProblem, t: Translate): string {
  switch (p.problem) {
    case 'rsa-too-short':
      return t('certificate.finding.problem.rsa-too-short', { key: p.key, bits: String(p.bits) });
    case 'curve':
      return t('certificate.finding.problem.curve', { curve: p.curve ?? t('certificate.finding.problem.unnamedCurve'), curves: p.curves.join(t('certificate.finding.listJoin')) });
    case 'key-type':
      return t('certificate.finding.problem.key-type', { key: p.key });
    case 'hash':
      return t('certificate.finding.problem.hash', { algorithm: p.algorithm, hash: p.hash });
  }
}

function wildcardWords(w: WildcardRefusal, t: Translate): string {
  switch (w.wildcard) {
    case 'misplaced':
    case 'lone':
      return t(`certificate.finding.wildcard.${w.wildcard}`, { name: w.name });
    case 'public-suffix':
      return t('certificate.finding.wildcard.public-suffix', { name: w.name, suffix: w.suffix });
    case 'one-label':
      return t('certificate.finding.wildcard.one-label', { name: w.name, host: w.host });
  }
}
