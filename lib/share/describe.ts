import type { Trace } from '../trace/schema';
import { outcomeSentence } from '../view/stepText';
import { buildSummary } from '../view/summary';
import type { Translate } from '../i18n/translator';

/**
 * How a saved run names itself outside the page: the document title, the share card's title and
 * description, the oEmbed title. Built from the same summary as the page's summary card, so a link
 * preview never disagrees with what the link opens.
 */

export function targetOf(trace: Pick<Trace, 'options'>): string {
  try {
    const url = new URL(trace.options.url);
    return `${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return trace.options.url;
  }
}

/** "TLS handshake with iis.test/secure/: Connection reset" */
export function runTitle(trace: Trace, t: Translate): string {
  return t('share.runTitle', { target: targetOf(trace), outcome: buildSummary(trace, t).outcomeLabel });
}

/** One line of what was negotiated and how it ended: version, suite, HTTP status, alerts, personality. */
export function runDescription(trace: Trace, t: Translate): string {
  const parts: string[] = [];
  if (trace.version) parts.push(trace.version);
  if (trace.cipherSuite) parts.push(trace.cipherSuite);
  if (trace.http) parts.push(t('share.description.http', { status: `${trace.http.status}${trace.http.reason ? ` ${trace.http.reason}` : ''}` }));
  for (const alert of trace.alerts) parts.push(t('share.description.alert', { from: alert.from, description: alert.description, level: alert.level }));
  parts.push(t('share.description.personality', { personality: trace.personality }));
  const sentence = outcomeSentence(trace.outcomeCause, t);
  const detail = sentence ? ` ${sentence}` : '';
  return `${parts.join(' · ')}.${detail}`;
}
