import type { AlertData, CheckData, HandshakeData, Step, StepKind, StepOf, TransportData } from './schema';

/**
 * The questions every consumer asks of a step, answered from its kind and data (never its words).
 * Views, the advice, the doctor, the comparison, exports and the CLI use these rather than reading
 * a step's fields ad hoc, so a new kind or a change of data shape is handled here once.
 */

export function isKind<K extends StepKind>(step: Step, kind: K): step is StepOf<K> {
  return step.kind === kind;
}

/** The handshake message a step carries ('client_hello', 'hello_request', …), if it is one. */
export function handshakeMessage(step: Step): HandshakeData['message'] | undefined {
  return step.kind === 'handshake' ? step.data.message : undefined;
}

/** A handshake message of this type sent by `from` (either side when omitted). */
export function isHandshakeMessage(step: Step, message: string, from?: 'client' | 'server'): boolean {
  return step.kind === 'handshake' && step.data.message === message && (from === undefined || step.data.from === from);
}

/** The server's HelloRequest (RFC 5246 §7.4.1.1). */
export function isHelloRequest(step: Step): boolean {
  return isHandshakeMessage(step, 'hello_request', 'server');
}

/** The server answered the ClientHello: a ServerHello or a HelloRetryRequest. */
export function isServerHelloAnswer(step: Step): boolean {
  return isHandshakeMessage(step, 'server_hello', 'server') || step.kind === 'hello-retry';
}

export function alertOf(step: Step): AlertData | undefined {
  return step.kind === 'alert' ? step.data : undefined;
}

export function isCloseNotify(step: Step): boolean {
  return step.kind === 'alert' && step.data.description === 'close_notify';
}

/** An alert that reports a problem: anything but close_notify. */
export function isProblemAlert(step: Step): boolean {
  return step.kind === 'alert' && step.data.description !== 'close_notify';
}

export function transportEvent(step: Step): TransportData['event'] | undefined {
  return step.kind === 'transport' ? step.data.event : undefined;
}

/** The transport ended badly: a reset, a timeout, a failure to connect, a relay refusal. */
export function isTransportFailure(step: Step): boolean {
  const event = transportEvent(step);
  return event === 'reset' || event === 'timeout' || event === 'error';
}

/** The relay refused to carry the connection (its policy, or a limit). */
export function isRelayRefusal(step: Step): boolean {
  return step.kind === 'transport' && step.data.event === 'error' && ['POLICY', 'RATE', 'LIMIT'].includes(step.data.code);
}

export function checkOf(step: Step): CheckData | undefined {
  return step.kind === 'check' ? step.data : undefined;
}

/** The certificate chain was checked and rejected. */
export function isCertificateRejected(step: Step): boolean {
  return step.kind === 'check' && step.data.check === 'certificate' && !step.data.ok;
}

/** The client refused the handshake because the server broke a rule (its data names the check). */
export function isRefusal(step: Step): step is StepOf<'refusal'> {
  return step.kind === 'refusal';
}

/** The first handshake finished (not a renegotiation). */
export function isHandshakeComplete(step: Step): boolean {
  return step.kind === 'handshake-complete' && !step.data.renegotiation;
}

export function isRenegotiationComplete(step: Step): boolean {
  return step.kind === 'handshake-complete' && step.data.renegotiation;
}

/** A step that reports something went wrong: the diagram, comparison, preview and CLI colour it. */
export function isFailure(step: Step): boolean {
  switch (step.kind) {
    case 'transport':
      return isTransportFailure(step);
    case 'alert':
      return step.data.level === 'fatal';
    case 'check':
      return !step.data.ok && !(step.data.check === 'certificate' && step.data.insecure);
    case 'error':
    case 'unparseable':
    case 'refusal':
      return true;
    case 'http':
      return step.data.message === 'invalid-response';
    case 'outcome':
      return step.data.outcome !== 'ok';
    case 'handshake':
      return step.data.malformed === true;
    default:
      return false;
  }
}

/** A step that reports something worth a second look, short of a failure (a warning alert). */
export function isWarning(step: Step): boolean {
  if (step.kind === 'alert') return !isFailure(step) && step.data.level === 'warning' && step.data.description !== 'close_notify';
  if (step.kind === 'check') return step.data.check === 'certificate' && !step.data.ok && step.data.insecure;
  return false;
}

/** A check that passed, a connection made, a handshake done: the diagram draws these green. */
export function isSuccess(step: Step): boolean {
  switch (step.kind) {
    case 'check':
      return step.data.ok;
    case 'handshake-complete':
      return true;
    case 'transport':
      return step.data.event === 'connected';
    case 'outcome':
      return step.data.outcome === 'ok';
    default:
      return false;
  }
}

/** The step's length in bytes on the wire or in the message (0 for steps without bytes). */
export function byteLength(step: Step): number {
  return step.bytes ? Math.floor(step.bytes.hex.length / 2) : 0;
}

/** The resumption step's data (a session kept, offered, taken or refused), if this is one. */
export function resumptionOf(step: Step): StepOf<'resumption'>['data'] | undefined {
  return isKind(step, 'resumption') ? step.data : undefined;
}

/** The 0-RTT step's data (early data sent, accepted or rejected), if this is one. */
export function earlyDataOf(step: Step): StepOf<'early-data'>['data'] | undefined {
  return isKind(step, 'early-data') ? step.data : undefined;
}
