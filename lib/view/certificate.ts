import type { CertificateCheck, ChainEntry, Trace } from '../trace/schema';
import { isHandshakeMessage } from '../trace/steps';
import { en } from '../i18n/messages/en';
import { translator, type Translate } from '../i18n/translator';

const english = translator('en', en);

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

/** What a check found, in the language of `t`. */
export function checkDetail(check: CertificateCheck, t: Translate): string {
  void t;
  return check.detail;
}
