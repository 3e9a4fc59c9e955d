import { comparisonOf, diagnosisOf, type Bundle } from '../bundle/bundle';
import { outcomeLabel } from '../view/summary';
import { en } from '../i18n/messages/en';
import { translator } from '../i18n/translator';

/** Saved diagnoses and comparisons name themselves in English (like the preview image). */
const english = translator('en', en);

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

const SEVERITY_WORDS = { problem: 'some clients fail', ok: 'no renegotiation problem', unreachable: 'no TLS handshake' } as const;

/** "Renegotiation diagnosis of iis.test/secure/: some clients fail" or "rustls vs openssl on iis.test/secure/". */
export function bundleTitle(bundle: Bundle): string {
  const target = targetOfUrl(bundle.url);
  if (bundle.kind === 'diagnosis') return `Renegotiation diagnosis of ${target}: ${SEVERITY_WORDS[diagnosisOf(bundle).severity]}`;
  const { a, b } = comparisonOf(bundle);
  return `${a.personality} vs ${b.personality} on ${target}`;
}

/** One or two sentences: the verdict, or how each client's run ended. */
export function bundleDescription(bundle: Bundle): string {
  if (bundle.kind === 'diagnosis') return diagnosisOf(bundle).verdict;
  const { a, b, labelA, labelB } = comparisonOf(bundle);
  return `${labelA}: ${outcomeLabel(a.outcome, english)}. ${labelB}: ${outcomeLabel(b.outcome, english)}.`;
}
