import { personalities, type HelloRequestReaction, type PersonalityName } from '../tls/client/personalities';
import type { Trace } from '../trace/schema';

/**
 * What the summary says when a run failed because the server asked to renegotiate and the client
 * would not (the IIS client-certificate failure, shared/design/RENEGOTIATION.md): why, in the
 * run's own terms, what fixes it, and where to look further with this URL filled in.
 */
export interface RenegotiationHint {
  title: string;
  /** What happened, from the HelloRequest to how the connection ended. */
  explanation: string;
  fixes: { who: 'server' | 'client'; text: string }[];
  /** The doctor and the comparison, for this URL. */
  links: { label: string; href: string }[];
}

const REFUSALS: Record<Exclude<HelloRequestReaction, 'renegotiate'>, string> = {
  'refuse-warning': 'refused with a warning no_renegotiation alert, which RFC 5246 §7.4.1.1 allows',
  'refuse-warning-then-fail': 'refused with a warning no_renegotiation alert and then stopped using the connection',
  'refuse-fatal': 'refused with a fatal no_renegotiation alert, which ends the connection',
  ignore: 'ignored it, as RFC 5246 §7.4.1.1 allows',
};

const ENDINGS: Partial<Record<Trace['outcome'], string>> = {
  reset: 'The server treats that as fatal and resets the TCP connection without an alert, so applications see only “Connection reset by peer”.',
  timeout: 'The server waits for a renegotiation that never comes, so the response never arrives.',
  closed: 'The server closed the connection without sending the response.',
  alert: 'The connection ended with an alert instead of the response.',
  error: 'No response could be read on this connection.',
};

function reactionOf(trace: Trace): Exclude<HelloRequestReaction, 'renegotiate'> | undefined {
  for (const step of trace.steps) {
    const reaction = step.layer === 'verdict' ? step.data?.reaction : undefined;
    if (typeof reaction === 'string') return reaction === 'renegotiate' ? undefined : (reaction as Exclude<HelloRequestReaction, 'renegotiate'>);
  }
  // A trace without the personality's verdict step still shows the refusal as the client's alert.
  return trace.alerts.some((a) => a.from === 'client' && a.description === 'no_renegotiation') ? 'refuse-warning' : undefined;
}

export function renegotiationHint(trace: Trace): RenegotiationHint | undefined {
  if (trace.outcome === 'ok') return undefined;
  const asked = trace.steps.some((s) => s.direction === 'server->client' && s.layer === 'handshake' && s.title === 'HelloRequest');
  const reaction = asked ? reactionOf(trace) : undefined;
  if (!reaction) return undefined;
  const known = personalities[trace.personality as PersonalityName];
  const client = known?.title ?? trace.personality;
  const url = encodeURIComponent(trace.options.url);
  return {
    title: 'The server asked to renegotiate, and this client would not',
    explanation:
      `After the connection was set up, the server sent a TLS 1.2 HelloRequest: it wants a new handshake, which is how IIS asks for a client certificate on some paths only. ` +
      `${client} ${REFUSALS[reaction]}. ${ENDINGS[trace.outcome] ?? ''}`.trim(),
    fixes: [
      { who: 'server', text: 'Ask for the client certificate in the initial handshake (IIS / http.sys: netsh http add sslcert … clientcertnegotiation=enable); then no renegotiation is needed and every client works.' },
      { who: 'server', text: 'Enable TLS 1.3, which has no renegotiation (together with the fix above: many clients do not offer post-handshake authentication).' },
      { who: 'client', text: 'Use a client that renegotiates: OpenSSL-based ones (curl, Python, Node) or SChannel. Run again as OpenSSL to see it succeed.' },
    ],
    links: [
      { label: 'Diagnose this URL with every client', href: `/doctor?url=${url}` },
      { label: `Compare ${client} with OpenSSL`, href: `/compare?url=${url}${known ? `&a=${known.name}` : ''}` },
    ],
  };
}
