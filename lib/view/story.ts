import type { Step, Trace } from '../trace/schema';
import { isCloseNotify, isHandshakeMessage, isHelloRequest, transportEvent } from '../trace/steps';
import { stepExplanation, stepTitle } from './stepText';
import { english } from '../i18n/english';
import type { Translate } from '../i18n/translator';


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
  if (step.kind === 'transport' && (step.data.event === 'reset' || step.data.event === 'timeout')) return 'bad';
  if (step.kind === 'alert') return step.data.level === 'fatal' ? 'bad' : 'warning';
  if (step.kind === 'http' && step.data.message === 'response') return step.data.status < 400 ? 'good' : 'bad';
  return 'neutral';
}

/** A step the story tells. */
function isMoment(step: Step): boolean {
  switch (step.kind) {
    case 'handshake':
      return isHelloRequest(step) || isHandshakeMessage(step, 'certificate_request') || isHandshakeMessage(step, 'certificate', 'client');
    case 'alert':
      return !isCloseNotify(step);
    case 'transport': {
      const event = transportEvent(step);
      return event === 'reset' || event === 'fin' || event === 'timeout';
    }
    case 'http':
      return step.data.message === 'response';
    case 'personality':
      return true;
    case 'handshake-complete':
      return step.data.renegotiation;
    default:
      return false;
  }
}

export function keyMoments(trace: Pick<Trace, 'steps'>, t?: Translate): Moment[] {
  const moments: Moment[] = [];
  let clientHellos = 0;
  for (const step of trace.steps) {
    let renegotiationHello = false;
    if (isHandshakeMessage(step, 'client_hello', 'client')) {
      clientHellos++;
      renegotiationHello = clientHellos > 1;
    }
    if (!renegotiationHello && !isMoment(step)) continue;
    moments.push({
      seq: step.seq,
      title: renegotiationHello ? (t ?? english)('story.renegotiationHello', { title: stepTitle(step, t) }) : stepTitle(step, t),
      explanation: stepExplanation(step, t),
      rfc: step.rfc,
      tone: momentTone(step),
    });
  }
  return moments;
}
