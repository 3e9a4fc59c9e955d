import { comparisonOf, diagnosisOf, type Bundle, type BundleRun } from '../bundle/bundle';
import { probeResult, type ProbeRole } from '../doctor/diagnose';
import { describeDiagnosis, probeLabel } from '../doctor/words';
import { outcomeLabel } from '../view/summary';
import { english } from '../i18n/english';
import type { Translate } from '../i18n/translator';

/** English unless a translator is given (the preview image stays in English: protocol names and symbols). */

/**
 * How a saved diagnosis or comparison names itself outside the page (document title, share card,
 * oEmbed), from the same judgement the page shows, so a link preview never disagrees with its page.
 */

function targetOfUrl(input: string): string {
  try {
    const url = new URL(/^[a-z]+:\/\//i.test(input) ? input : `https://${input}`);
    return `${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return input;
  }
}

/** "Renegotiation diagnosis of iis.test/secure/: some clients fail" or "rustls vs openssl on iis.test/secure/". */
export function bundleTitle(bundle: Bundle, t: Translate = english): string {
  const target = targetOfUrl(bundle.url);
  if (bundle.kind === 'diagnosis') return t('bundle.title.diagnosis', { target, severity: diagnosisOf(bundle).severity });
  const { a, b } = comparisonOf(bundle);
  return t('bundle.title.comparison', { a: a.personality, b: b.personality, target });
}

/** One or two sentences: the verdict, or how each client's run ended. */
export function bundleDescription(bundle: Bundle, t: Translate = english): string {
  if (bundle.kind === 'diagnosis') return describeDiagnosis(diagnosisOf(bundle), t).verdict;
  const { a, b, labelA, labelB } = comparisonOf(bundle);
  return t('bundle.description', { labelA, a: outcomeLabel(a.outcome, t), labelB, b: outcomeLabel(b.outcome, t) });
}

/** A short label for one run of a bundle: the probe's label ("TLS 1.2 as OpenSSL"), or "A: rustls". */
export function bundleRunLabel(bundle: Pick<Bundle, 'kind'>, run: BundleRun, t: Translate = english): string {
  if (bundle.kind === 'comparison') return `${run.role.toUpperCase()}: ${run.trace.personality}`;
  return probeLabel(probeResult(run.role as ProbeRole, run.trace), t);
}
