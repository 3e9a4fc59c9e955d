import type { Step, Trace } from '../trace/schema';

/**
 * The moments of a run that tell the renegotiation story: the server's HelloRequest, what the
 * client's personality decided, a renegotiation ClientHello, the CertificateRequest, the client's
 * Certificate, alerts, the end of the TCP connection and the HTTP answer.
 */
export interface Moment {
  seq: number;
  title: string;
  explanation?: string;
  rfc?: string;
  tone: 'good' | 'bad' | 'warning' | 'neutral';
}

function momentTone(step: Step): Moment['tone'] {
  if (/reset|timed out|\(fatal\)/i.test(step.title)) return 'bad';
  if (/\(warning\)/.test(step.title)) return 'warning';
  const status = step.data?.status;
  if (typeof status === 'number') return status < 400 ? 'good' : 'bad';
  return 'neutral';
}

export function keyMoments(trace: Pick<Trace, 'steps'>): Moment[] {
  const moments: Moment[] = [];
  let clientHellos = 0;
  for (const step of trace.steps) {
    const t = step.title;
    let keep = false;
    if (step.layer === 'handshake' && t === 'ClientHello' && step.direction === 'client->server') {
      clientHellos++;
      keep = clientHellos > 1; // the renegotiation ClientHello
    } else if (step.layer === 'handshake') {
      keep = t === 'HelloRequest' || t === 'CertificateRequest' || (t === 'Certificate' && step.direction === 'client->server');
    } else if (step.layer === 'alert') {
      keep = !/close_notify/.test(t);
    } else if (step.layer === 'tcp') {
      const event = step.data?.event;
      keep = event === 'reset' || event === 'fin' || event === 'timeout' || /reset|timed out/i.test(t);
    } else if (step.layer === 'http') {
      keep = step.direction === 'server->client' && /^HTTP response/.test(t);
    } else if (step.layer === 'verdict') {
      keep = /on HelloRequest|Renegotiation/i.test(t);
    }
    if (!keep) continue;
    moments.push({
      seq: step.seq,
      title: clientHellos > 1 && t === 'ClientHello' ? 'ClientHello (renegotiation)' : t,
      explanation: step.explanation,
      rfc: step.rfc,
      tone: momentTone(step),
    });
  }
  return moments;
}
