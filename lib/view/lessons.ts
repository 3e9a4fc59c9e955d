import type { Step, Trace } from '../trace/schema';
import { alertOf, isHandshakeMessage, isHelloRequest, transportEvent } from '../trace/steps';
import type { PersonalityName } from './runOptions';

/**
 * Guided lessons (/lessons): each a sequence of stops over live runs against the built-in demo
 * targets. A stop asks the reader to predict what comes next (multiple choice), then reveals the
 * step of the live run it is about. Which choice was right is decided by the run itself — each
 * choice is a predicate over the revealed step — never written down here, so a lesson cannot claim
 * what the wire did not show. The words (titles, prose, questions, choices) are catalog messages
 * under `lessons.<lesson>.…` (lib/i18n/messages), keyed by the ids below.
 */

export type LessonId = 'tls13' | 'certificates' | 'renegotiation';

/** A live run the lesson makes: a demo target, as a client personality would reach it. */
export interface LessonRun {
  url: string;
  personality: PersonalityName;
  /** Offer the demo client certificate when the server asks for one. */
  clientCertificate?: boolean;
}

export interface LessonChoice {
  id: string;
  /** Whether the revealed step (in its run) is what this choice predicted. */
  matches: (step: Step, trace: Trace) => boolean;
}

export interface LessonStop {
  id: string;
  /** Index of the lesson's run this stop looks at. */
  run: number;
  /** The step the stop reveals; undefined when the run did not get there. */
  reveal: (trace: Trace) => Step | undefined;
  /** A second step shown with it: the check that explains it (e.g. why the certificate was rejected). */
  context?: (trace: Trace) => Step | undefined;
  /** The prediction asked before the reveal; a stop without choices shows its step at once. */
  choices?: LessonChoice[];
}

export interface Lesson {
  id: LessonId;
  runs: LessonRun[];
  stops: LessonStop[];
}

// ---------------------------------------------------------------------------------------------
// Finding steps in a run.

type StepTest = (step: Step) => boolean;

function first(trace: Trace, test: StepTest, after = -Infinity): Step | undefined {
  return trace.steps.find((s) => s.seq > after && test(s));
}

function seqOf(step: Step | undefined): number {
  return step?.seq ?? Infinity;
}

const fromServer: StepTest = (s) => (s.kind === 'handshake' || s.kind === 'alert') && s.data.from === 'server';
const fromClient: StepTest = (s) => (s.kind === 'handshake' || s.kind === 'alert') && s.data.from === 'client';
const isHelloRetry: StepTest = (s) => s.kind === 'hello-retry';
const isHttpRequest: StepTest = (s) => s.kind === 'http' && s.data.message === 'request';
const isHttpResponse: StepTest = (s) => s.kind === 'http' && s.data.message === 'response';
const isReset: StepTest = (s) => transportEvent(s) === 'reset';
const isConnectionEnd: StepTest = (s) => {
  const event = transportEvent(s);
  return event === 'reset' || event === 'fin' || event === 'timeout';
};
const isCertificateCheck: StepTest = (s) => s.kind === 'check' && s.data.check === 'certificate';
const isHandshakeDone = (renegotiation: boolean): StepTest => (s) => s.kind === 'handshake-complete' && s.data.renegotiation === renegotiation;
const message =
  (name: string, from?: 'client' | 'server'): StepTest =>
  (s) =>
    isHandshakeMessage(s, name, from);
const clientAlert =
  (description: string): StepTest =>
  (s) =>
    alertOf(s)?.from === 'client' && alertOf(s)?.description === description;
const serverAlert: StepTest = (s) => alertOf(s)?.from === 'server';

/** The first server message or alert, HelloRetryRequest, HTTP answer or end of the connection after `after`. */
function serverAnswer(trace: Trace, after: number): Step | undefined {
  return first(trace, (s) => fromServer(s) || isHelloRetry(s) || isHttpResponse(s) || isConnectionEnd(s), after);
}

/** What the client did about a certificate: its alert, or the end of a handshake that went on. */
function clientVerdict(trace: Trace): Step | undefined {
  return first(trace, (s) => (alertOf(s)?.from === 'client' && alertOf(s)?.fatal === true) || isHandshakeDone(false)(s));
}

/** The certificate check of a run: shown beside a step it explains (why a certificate was rejected). */
const certificateCheck = (trace: Trace): Step | undefined => first(trace, isCertificateCheck);

/** A handshake message's name as a choice id (the catalog's key): certificate_verify → certificateVerify. */
function choiceId(message: string): string {
  return message.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * A stop of the first run that asks which handshake message the server sends after its `after`
 * message; each choice predicts one server message, named as on the wire (RFC 8446 §4).
 */
function nextServerMessage(id: string, after: string, predicted: string[], extra: Pick<LessonStop, 'context'> = {}): LessonStop {
  return {
    id,
    run: 0,
    reveal: (t) => first(t, fromServer, seqOf(first(t, message(after, 'server')))),
    ...extra,
    choices: predicted.map((name) => ({ id: choiceId(name), matches: message(name, 'server') })),
  };
}

// ---------------------------------------------------------------------------------------------
// The lessons.

const TLS13_URL = 'https://tls13.test/';
const IIS_URL = 'https://iis-renegotiation.test/secure/';

const tls13: Lesson = {
  id: 'tls13',
  runs: [{ url: TLS13_URL, personality: 'rustls' }],
  stops: [
    { id: 'clientHello', run: 0, reveal: (t) => first(t, message('client_hello', 'client')) },
    {
      id: 'serverHello',
      run: 0,
      reveal: (t) => serverAnswer(t, seqOf(first(t, message('client_hello', 'client')))),
      choices: [
        { id: 'serverHello', matches: message('server_hello', 'server') },
        { id: 'helloRetry', matches: isHelloRetry },
        { id: 'certificate', matches: message('certificate', 'server') },
        { id: 'alert', matches: serverAlert },
      ],
    },
    nextServerMessage('encryptedExtensions', 'server_hello', ['encrypted_extensions', 'certificate', 'server_key_exchange', 'finished']),
    nextServerMessage('certificateVerify', 'certificate', ['certificate_verify', 'server_key_exchange', 'finished', 'server_hello_done'], { context: certificateCheck }),
    nextServerMessage('finished', 'certificate_verify', ['finished', 'server_hello_done', 'new_session_ticket', 'certificate_request']),
    {
      id: 'request',
      run: 0,
      reveal: (t) => first(t, isHttpRequest),
      choices: [
        // One round trip: nothing from the server between the client's Finished and its request.
        {
          id: 'sameFlight',
          matches: (request, t) => {
            const finished = first(t, message('finished', 'client'));
            return finished !== undefined && !t.steps.some((s) => s.seq > finished.seq && s.seq < request.seq && s.direction === 'server->client');
          },
        },
        {
          id: 'anotherRoundTrip',
          matches: (request, t) => {
            const finished = first(t, message('finished', 'client'));
            return finished !== undefined && t.steps.some((s) => s.seq > finished.seq && s.seq < request.seq && s.direction === 'server->client');
          },
        },
        { id: 'withClientHello', matches: (request, t) => request.seq < seqOf(first(t, message('server_hello', 'server'))) },
      ],
    },
    {
      id: 'ticket',
      run: 0,
      reveal: (t) => first(t, (s) => fromServer(s) || isHttpResponse(s), seqOf(first(t, isHttpRequest))),
      choices: [
        { id: 'newSessionTicket', matches: message('new_session_ticket', 'server') },
        { id: 'response', matches: isHttpResponse },
        { id: 'keyUpdate', matches: message('key_update', 'server') },
        { id: 'helloRequest', matches: isHelloRequest },
      ],
    },
    { id: 'summary', run: 0, reveal: (t) => first(t, isHandshakeDone(false)) },
  ],
};

/** The certificate lesson's runs, in order: one per demo target with a broken certificate. */
const CERTIFICATE_TARGETS = ['expired', 'wrong-host', 'self-signed', 'untrusted-root', 'incomplete-chain'] as const;

/**
 * A stop that asks what the client does about the certificate of run `run`: one of the alerts it
 * may send (RFC 8446 §6.2), or `continues` for a handshake that goes on; the failed check is shown
 * beside the answer.
 */
function certificateStop(id: string, run: number, predicted: string[]): LessonStop {
  return {
    id,
    run,
    reveal: clientVerdict,
    context: certificateCheck,
    choices: predicted.map((choice) => ({ id: choice, matches: choice === 'continues' ? isHandshakeDone(false) : clientAlert(choice) })),
  };
}

const certificates: Lesson = {
  id: 'certificates',
  runs: CERTIFICATE_TARGETS.map((name) => ({ url: `https://${name}.test/`, personality: 'rustls' })),
  stops: [
    { id: 'chain', run: 0, reveal: (t) => first(t, message('certificate', 'server')) },
    certificateStop('expired', 0, ['certificate_expired', 'bad_certificate', 'close_notify', 'continues']),
    certificateStop('wrongHost', 1, ['certificate_unknown', 'unknown_ca', 'certificate_expired', 'continues']),
    certificateStop('selfSigned', 2, ['unknown_ca', 'bad_certificate', 'decrypt_error', 'continues']),
    certificateStop('untrustedRoot', 3, ['unknown_ca', 'certificate_unknown', 'bad_certificate', 'continues']),
    certificateStop('incompleteChain', 4, ['unknown_ca', 'bad_certificate', 'certificate_unknown', 'continues']),
    { id: 'summary', run: 4, reveal: certificateCheck },
  ],
};

const renegotiation: Lesson = {
  id: 'renegotiation',
  runs: [
    { url: IIS_URL, personality: 'rustls' },
    { url: IIS_URL, personality: 'openssl', clientCertificate: true },
  ],
  stops: [
    { id: 'initial', run: 0, reveal: (t) => first(t, isHandshakeDone(false)) },
    {
      id: 'helloRequest',
      run: 0,
      reveal: (t) => serverAnswer(t, seqOf(first(t, isHttpRequest))),
      choices: [
        { id: 'helloRequest', matches: isHelloRequest },
        { id: 'ok', matches: (s) => isHttpResponse(s) && s.kind === 'http' && s.data.message === 'response' && s.data.status === 200 },
        { id: 'forbidden', matches: (s) => isHttpResponse(s) && s.kind === 'http' && s.data.message === 'response' && s.data.status === 403 },
        { id: 'alert', matches: serverAlert },
      ],
    },
    {
      id: 'refusal',
      run: 0,
      reveal: (t) => first(t, (s) => fromClient(s) || isConnectionEnd(s), seqOf(first(t, isHelloRequest))),
      choices: [
        { id: 'warning', matches: (s) => alertOf(s)?.description === 'no_renegotiation' && alertOf(s)?.level === 'warning' },
        { id: 'fatal', matches: (s) => alertOf(s)?.from === 'client' && alertOf(s)?.level === 'fatal' },
        { id: 'clientHello', matches: message('client_hello', 'client') },
        { id: 'nothing', matches: isConnectionEnd },
      ],
    },
    {
      id: 'reset',
      run: 0,
      reveal: (t) => first(t, (s) => fromServer(s) || isHttpResponse(s) || isConnectionEnd(s), seqOf(first(t, clientAlert('no_renegotiation')))),
      choices: [
        { id: 'reset', matches: isReset },
        { id: 'forbidden', matches: (s) => s.kind === 'http' && s.data.message === 'response' && s.data.status === 403 },
        { id: 'handshakeFailure', matches: (s) => alertOf(s)?.from === 'server' && alertOf(s)?.description === 'handshake_failure' },
        { id: 'ok', matches: (s) => s.kind === 'http' && s.data.message === 'response' && s.data.status === 200 },
      ],
    },
    {
      id: 'renegotiate',
      run: 1,
      reveal: (t) => first(t, (s) => fromClient(s) || isConnectionEnd(s), seqOf(first(t, isHelloRequest))),
      choices: [
        { id: 'clientHello', matches: message('client_hello', 'client') },
        { id: 'warning', matches: (s) => alertOf(s)?.description === 'no_renegotiation' && alertOf(s)?.level === 'warning' },
        { id: 'certificate', matches: message('certificate', 'client') },
      ],
    },
    {
      id: 'certificateRequest',
      run: 1,
      reveal: (t) => first(t, (s) => message('certificate_request', 'server')(s) || message('server_hello_done', 'server')(s), seqOf(first(t, (s) => isHandshakeMessage(s, 'client_hello', 'client') && s.kind === 'handshake' && s.data.renegotiation === true))),
      choices: [
        { id: 'certificateRequest', matches: message('certificate_request', 'server') },
        { id: 'serverHelloDone', matches: message('server_hello_done', 'server') },
      ],
    },
    {
      id: 'response',
      run: 1,
      reveal: (t) => first(t, (s) => isHttpResponse(s) || isConnectionEnd(s), seqOf(first(t, isHandshakeDone(true)))),
      choices: [
        { id: 'ok', matches: (s) => s.kind === 'http' && s.data.message === 'response' && s.data.status === 200 },
        { id: 'forbidden', matches: (s) => s.kind === 'http' && s.data.message === 'response' && s.data.status === 403 },
        { id: 'reset', matches: isReset },
      ],
    },
    { id: 'fix', run: 1, reveal: (t) => first(t, isHandshakeDone(true)) },
  ],
};

export const LESSONS: readonly Lesson[] = [tls13, certificates, renegotiation];

export function findLesson(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}

/** The stop a link asks for (1-based, as the address shows it): a missing or bad number is the first stop. */
export function stopNumber(lesson: Lesson, asked: string | null | undefined): number {
  const n = Number(asked);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, lesson.stops.length) : 1;
}

/** The prediction a link records for its stop, if it is one of the stop's choices. */
export function pickedChoice(stop: LessonStop, asked: string | null | undefined): string | undefined {
  return stop.choices?.some((c) => c.id === asked) ? (asked ?? undefined) : undefined;
}

/** Where a page's search parameters put the reader: the stop and the prediction made there, if any. */
export function lessonPlace(lesson: Lesson, query: Record<string, string | string[] | undefined>): { stop: number; answer: string | undefined } {
  // A parameter given twice counts by its last value, as URLSearchParams.set would leave it.
  const last = (value: string | string[] | undefined) => (Array.isArray(value) ? value[value.length - 1] : value);
  const stop = stopNumber(lesson, last(query.stop));
  return { stop, answer: pickedChoice(lesson.stops[stop - 1], last(query.answer)) };
}

/** The address of a stop: /lessons/tls13?stop=3, with &answer=… once the reader predicted. */
export function lessonHref(base: string, stop: number, answer?: string, extra?: Record<string, string>): string {
  const params = new URLSearchParams(extra);
  params.set('stop', String(stop));
  if (answer) params.set('answer', answer);
  return `${base}?${params.toString()}`;
}

/** What the run showed at a stop: the step, the choice it matches (if any), and the context step. */
export interface Revealed {
  step?: Step;
  context?: Step;
  /** The choice the run proved right; undefined when the run did something no choice foresaw. */
  actual?: string;
}

export function revealStop(stop: LessonStop, trace: Trace): Revealed {
  const step = stop.reveal(trace);
  const context = stop.context?.(trace);
  const actual = step ? stop.choices?.find((c) => c.matches(step, trace))?.id : undefined;
  return { step, context: context && context.seq !== step?.seq ? context : undefined, actual };
}
