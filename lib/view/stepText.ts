import { isPersonalityName, personalities } from '../tls/client/personalities';
import { messageTitle } from '../tls/handshake/messages';
import { alertDescriptions } from '../tls/registry/alerts';
import { handshakeTypes } from '../tls/registry/protocol';
import type { AlertData, HandshakeData, OutcomeCause, PersonalityData, StepContent, TransportData, Waiting, Where } from '../trace/schema';

/**
 * The words of a step: its title and its plain-words explanation, as pure functions of its kind and
 * data (the trace stores no prose since schema version 2). Every English sentence about a step is
 * here, with the step's values passed in, so a saved run gains any rewording and a message catalog
 * can later take the place of these strings one function at a time. Nothing may decide anything
 * by reading these words back: lib/trace/steps.ts answers questions from the data.
 */

/** The name a personality is shown under ("rustls", "OpenSSL"); the code name when unknown. */
export function personalityTitle(name: string): string {
  return isPersonalityName(name) ? personalities[name].title : name;
}

/** The handshake message's name as the RFCs write the struct: "ClientHello", "HelloRequest". */
export function handshakeTitle(message: string): string {
  return handshakeTypes.has(message) ? messageTitle(message) : message;
}

const WAITING: Record<Waiting, string> = {
  connection: 'the connection',
  handshake: 'the handshake',
  response: 'the HTTP response',
};

const WHERE: Record<Where, string> = {
  handshake: ' during the handshake',
  'after-request': ' after the HTTP request, before any response',
  'mid-response': ' in the middle of the HTTP response',
};

const REACTION: Record<string, string> = {
  renegotiate: 'renegotiate',
  'refuse-warning': 'refuse (warning no_renegotiation)',
  'refuse-fatal': 'refuse (fatal no_renegotiation)',
  ignore: 'ignore it',
  'refuse-warning-then-fail': 'refuse (warning), then fail',
};

function transportErrorTitle(code: string, message: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'Connection refused (nothing listens on that port)';
    case 'ENOTFOUND':
      return 'Host not found (DNS lookup failed)';
    case 'ETIMEDOUT':
      return 'TCP connect timed out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'Host unreachable';
    case 'POLICY':
      return `Relay refused: ${message}`;
    case 'RATE':
    case 'LIMIT':
      return `Relay limit: ${message}`;
    default:
      return `Transport error ${code}: ${message}`;
  }
}

/** What a transport failure means, in a sentence, with the transport's own words after it. */
function transportErrorExplanation(code: string, message: string): string {
  const detail = message.replace(/\.$/, '');
  switch (code) {
    case 'ECONNREFUSED':
      return `The host answered the connection attempt with a reset: nothing listens on that port, so no TLS handshake can start (${detail}).`;
    case 'ENOTFOUND':
      return `The host name has no address, so there is nothing to connect to: check the spelling, or whether the name exists (${detail}).`;
    case 'ETIMEDOUT':
      return `The connection attempt got no answer at all: the host is down, or a firewall drops the packets (${detail}).`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `There is no network route to that host (${detail}).`;
    case 'POLICY':
      return `The relay carries this browser’s bytes only to public TLS servers on allowed ports, and refused this target before connecting to it: ${detail}.`;
    case 'RATE':
    case 'LIMIT':
      return `The relay limits what each visitor may use, and this run reached a limit: ${detail}.`;
    default:
      return message;
  }
}

function transportTitle(d: TransportData): string {
  switch (d.event) {
    case 'connecting':
      return `Connecting to ${d.host}:${d.port}`;
    case 'resolved':
      return `Resolved ${d.host} to ${d.addresses.join(', ')}`;
    case 'connected':
      return `TCP connected to ${d.remoteAddress}:${d.remotePort} in ${d.connectMs.toFixed(1)} ms`;
    case 'fin':
      return 'Server closed the connection (FIN)';
    case 'reset':
      return 'Connection reset by peer (RST)';
    case 'close':
      return 'Client closed the connection';
    case 'shutdown':
      return 'Client half-closed the connection (FIN)';
    case 'timeout':
      return `Timed out after ${d.timeoutMs} ms waiting for ${WAITING[d.waiting]}`;
    case 'error':
      return transportErrorTitle(d.code, d.message);
  }
}

function transportExplanation(d: TransportData): string | undefined {
  switch (d.event) {
    case 'connected':
      return 'The TCP three-way handshake finished; the TLS handshake starts with the ClientHello.';
    case 'fin':
      return 'The server closed its side of the TCP connection normally (a FIN packet). It will send nothing more.';
    case 'reset':
      return 'The server aborted the TCP connection with a reset (RST) instead of closing it or sending a TLS alert. Applications see this as "Connection reset by peer" (ECONNRESET, errno 104), with no TLS-level reason.';
    case 'timeout':
      return `Nothing completed within ${d.timeoutMs} ms. A server that waits for something the client will never send (for example a renegotiation the client silently ignored) looks exactly like this.`;
    case 'error':
      return transportErrorExplanation(d.code, d.message);
    default:
      return undefined;
  }
}

/** Plain-words explanations of each handshake message, shown with its step. */
const MESSAGE_TEXT: Record<string, (version?: string) => string> = {
  client_hello: () =>
    'The client opens the handshake: it says which TLS versions, cipher suites, key-exchange groups and signature schemes it supports, sends a fresh random value, the server name it wants (SNI) and, for TLS 1.3, its ephemeral public keys (key_share) so the key exchange finishes in one round trip.',
  server_hello: (v) =>
    v === 'TLSv1.2'
      ? 'The server picks TLS 1.2 and a cipher suite and sends its random value. The key exchange follows in ServerKeyExchange (ECDHE) or ClientKeyExchange (static RSA).'
      : 'The server picks the version and cipher suite and sends its own ephemeral public key. Both sides can now compute the shared secret; everything after this message is encrypted.',
  encrypted_extensions: () =>
    'The first encrypted message: server extensions that do not affect the key exchange, such as the chosen application protocol (ALPN).',
  certificate: () =>
    'The server\u2019s certificate chain: its own certificate first, then the intermediates that link it to a root the client trusts.',
  certificate_verify: () =>
    'A signature, with the private key of the server\u2019s certificate, over the hash of the handshake so far. It proves the server owns the certificate and that nobody tampered with the earlier messages.',
  finished: () =>
    'A MAC over the entire handshake, keyed from the handshake secrets. When both sides\u2019 Finished values verify, they know they saw exactly the same messages.',
  new_session_ticket: () =>
    'A ticket the client could present later to resume the session without a full handshake. This client shows it but does not resume.',
  key_update: () => 'The sender switches to the next generation of traffic keys (RFC 8446 §4.6.3).',
  certificate_request: (v) =>
    v === 'TLSv1.2'
      ? 'The server asks the client for a certificate. The client answers with its certificate and a CertificateVerify signature, or with an empty Certificate message if it has none.'
      : 'The server asks the client to authenticate with a certificate (during the handshake, or after it when post_handshake_auth was offered).',
  server_key_exchange: () =>
    'The server\u2019s ephemeral ECDHE public key, signed with its certificate key over both random values, so an attacker cannot substitute its own key.',
  server_hello_done: () => 'The server has sent all its hello messages; it is the client\u2019s turn.',
  client_key_exchange: () =>
    'The client\u2019s half of the key exchange: its ephemeral ECDHE public key, or for static RSA a random pre-master secret encrypted with the server\u2019s RSA key.',
  hello_request: () =>
    'The server asks the client to start a new handshake (renegotiation). It carries no data. Servers such as IIS send it when a request needs a client certificate that the first handshake did not ask for. The client may renegotiate, or refuse with a no_renegotiation alert (RFC 5246 §7.4.1.1).',
};

function handshakeExplanation(d: HandshakeData): string | undefined {
  if (d.ignored) return 'A HelloRequest during a handshake is ignored (RFC 5246 §7.4.1.1).';
  const text = MESSAGE_TEXT[d.message]?.(d.version);
  if (!text) return undefined;
  if (d.from === 'client') {
    if (d.message === 'certificate') return 'The client\u2019s certificate chain, sent because the server asked for it (empty when the client has none).';
    if (d.message === 'certificate_verify') return 'The client\u2019s signature over the handshake, proving it owns the certificate it sent.';
    if (d.message === 'finished') return 'The client\u2019s Finished: a MAC over the whole handshake. After it, application data flows under the new keys.';
  }
  return text;
}

/** Why the personality reacts to a HelloRequest as it does, in one sentence. */
function reactionReason(d: Pick<PersonalityData, 'personality' | 'override'> & { renegotiations?: number }): string {
  const title = personalityTitle(d.personality);
  if (d.override === 'insecure-renegotiation') return `${title} renegotiates only with servers that support secure renegotiation (RFC 5746); this server does not, so it refuses.`;
  if (d.override === 'renegotiation-limit') return `This client already renegotiated ${d.renegotiations ?? 0} times on this connection and refuses more (a bound against renegotiation loops).`;
  return isPersonalityName(d.personality) ? personalities[d.personality].onHelloRequestText : `${title} answers the HelloRequest.`;
}

function alertExplanation(d: AlertData): string {
  if (d.from === 'server') {
    if (d.description === 'close_notify') return 'The server will send nothing more on this connection (close_notify).';
    const meaning = alertDescriptions.has(d.description) ? alertDescriptions.entry(alertDescriptions.code(d.description))?.meaning : undefined;
    return (
      `The server sent a ${d.level} ${d.description} alert: ${meaning ?? 'unknown alert'}.${d.fatal ? ' The connection ends.' : ''}` +
      (d.helloRejected
        ? ' The server found nothing acceptable in the ClientHello: check the offered versions, cipher suites, groups and signature schemes.' +
          ' Under TLS 1.2 an ECDSA server also needs its certificate\u2019s curve in supported_groups (RFC 8422 §5.1), so pinning a single group such as x25519 can make it refuse.'
        : '') +
      (d.afterEmptyClientCertificate ? ' It came after the client answered the server\u2019s CertificateRequest with no certificate: this server requires a client certificate.' : '')
    );
  }
  switch (d.cause) {
    case 'close':
      return 'The client is done: it will send no more data.';
    case 'abandon':
      return 'The client gives up on the handshake.';
    case 'reply':
      return 'The client answers the server’s close_notify with its own: it will send nothing more either.';
    case 'error':
      return `The client found a problem and ends the connection: ${d.error ?? d.description}`;
    case 'renegotiation-refused': {
      const why = reactionReason({ personality: d.personality ?? '', override: d.override });
      if (d.reaction === 'refuse-fatal') return `${why} A fatal alert ends the connection.`;
      if (d.reaction === 'refuse-warning') return `${why} A warning-level alert: per RFC 5246 the connection may continue; what happens next is up to the server.`;
      return why;
    }
    default:
      return `The client sent a ${d.level} ${d.description} alert.`;
  }
}

/** The outcome in one sentence, lower case (it follows "Outcome: reset:" and similar). */
export function outcomeSentence(c: OutcomeCause): string {
  switch (c.cause) {
    case 'http':
      return `HTTP ${c.status} ${c.reason}`.trim();
    case 'alert':
      if (c.by === 'client') return `the client aborted: ${c.message}`;
      return `the server sent a fatal ${c.alert} alert${c.afterEmptyClientCertificate ? ' after the client sent no certificate: the server requires a client certificate' : ''}`;
    case 'server-closed-handshake':
      return 'the server closed the connection during the handshake';
    case 'reset':
      return `connection reset by peer${c.where ? WHERE[c.where] : ''}`;
    case 'closed':
      return `${c.closeNotify ? 'the server sent close_notify and closed the connection' : 'the server closed the connection'}${c.where ? WHERE[c.where] : ''}`;
    case 'timeout':
      return `timed out after ${c.timeoutMs} ms waiting for ${WAITING[c.waiting]}`;
    case 'transport':
      return transportErrorTitle(c.code, c.message);
    case 'invalid-response':
      return `the server's HTTP response is invalid: ${c.error}`;
    case 'unusable':
    case 'input':
      return c.message;
    case 'client-error':
      return `the client aborted: ${c.message}`;
    case 'start':
      return `The run could not start: ${c.message}`;
    case 'internal':
      return `internal error: ${c.message}`;
    case 'stopped':
      return 'the run was stopped';
    case 'unfinished':
      return 'the run has not finished';
  }
}

/** A step's short title: "ServerHello", "Alert: no_renegotiation (warning)", "Connection reset by peer (RST)". */
export function stepTitle(step: StepContent): string {
  switch (step.kind) {
    case 'transport':
      return transportTitle(step.data);
    case 'record':
      return `Record: ${step.data.contentType}${step.data.encrypted ? ' (encrypted)' : ''}, ${step.data.contentLength} bytes`;
    case 'unparseable':
      return `Unparseable bytes, ${step.data.length} bytes`;
    case 'handshake':
      return handshakeTitle(step.data.message) + (step.data.malformed ? ' (malformed)' : '');
    case 'hello-retry':
      return `HelloRetryRequest: retry${step.data.group ? ` with ${step.data.group}` : ''}${step.data.cookie ? ' and cookie' : ''}`;
    case 'change-cipher-spec':
      if (step.data.from === 'client') return step.data.compatibility ? 'ChangeCipherSpec (compatibility)' : 'ChangeCipherSpec';
      return step.data.compatibility ? 'ChangeCipherSpec ignored (TLS 1.3 compatibility mode)' : 'Server switched to the new keys (ChangeCipherSpec)';
    case 'renegotiation-start':
      return 'Renegotiation: new ClientHello under the current keys';
    case 'alert':
      return `Alert: ${step.data.description} (${step.data.level})`;
    case 'application-data':
      return `Application data, ${step.data.length} bytes`;
    case 'key':
      return step.data.label;
    case 'check':
      switch (step.data.check) {
        case 'certificate':
          return step.data.ok ? 'Certificate chain trusted' : `Certificate rejected: ${step.data.message ?? step.data.alert}`;
        case 'signature':
          return `${step.data.message} signature verified (${step.data.scheme})`;
        case 'finished':
          return 'Server Finished verified';
        case 'downgrade-sentinel':
          return 'No downgrade sentinel: TLS 1.2 is the server\u2019s real choice';
        case 'renegotiation-info':
          return 'renegotiation_info verified';
      }
      break;
    case 'refusal':
      return `Refused: ${step.data.message}`;
    case 'negotiated':
      return `TLS 1.2 with ${step.data.cipherSuite}`;
    case 'handshake-complete':
      return step.data.renegotiation ? 'Renegotiation complete' : 'Handshake complete';
    case 'personality':
      return `${personalityTitle(step.data.personality)} on HelloRequest: ${REACTION[step.data.reaction] ?? step.data.reaction}`;
    case 'no-client-certificate':
      return step.data.configured ? 'No usable client certificate' : 'No client certificate configured';
    case 'http':
      if (step.data.message === 'request') return `HTTP request: ${step.data.method} ${step.data.path}`;
      if (step.data.message === 'response') return `HTTP response: ${step.data.status} ${step.data.reason}`.trim();
      return `Invalid HTTP response: ${step.data.error}`;
    case 'error':
      if (step.data.source === 'input') return `Invalid input: ${step.data.message}`;
      if (step.data.source === 'internal') return `Internal error: ${step.data.message}`;
      if (step.data.source === 'start') return `Could not start: ${step.data.message}`;
      return `Error: ${step.data.message}`;
    case 'outcome':
      return `Outcome: ${step.data.outcome}: ${outcomeSentence(step.data.cause)}`;
    case 'legacy':
      return step.data.title;
  }
  return (step as StepContent).kind;
}

/** What the step means and why it happened, in plain words; undefined when the title says it all. */
export function stepExplanation(step: StepContent): string | undefined {
  switch (step.kind) {
    case 'transport':
      return transportExplanation(step.data);
    case 'unparseable':
      return step.data.error;
    case 'handshake':
      return handshakeExplanation(step.data);
    case 'hello-retry':
      return `The server cannot use any key share the client sent${step.data.group ? ` and asks for a ${step.data.group} share` : ''}. The client sends a second ClientHello; the transcript keeps only a hash of the first one (message_hash).`;
    case 'change-cipher-spec':
      if (step.data.from === 'client') {
        return step.data.compatibility
          ? 'A dummy ChangeCipherSpec that makes a TLS 1.3 handshake look like a resumed TLS 1.2 one to middleboxes. It has no cryptographic effect.'
          : 'From the next record on, the client encrypts with the keys just derived.';
      }
      return step.data.compatibility ? 'TLS 1.3 servers send a dummy ChangeCipherSpec so middleboxes that expect TLS 1.2 let the handshake through; it has no effect.' : undefined;
    case 'renegotiation-start':
      return 'The client starts a complete new handshake inside the encrypted connection. renegotiation_info carries its previous Finished value, binding the new handshake to the old one (the fix for CVE-2009-3555). No session is offered for resumption, so the server does a full handshake and can ask for a certificate.';
    case 'alert':
      return alertExplanation(step.data);
    case 'check': {
      const d = step.data;
      switch (d.check) {
        case 'certificate':
          if (d.ok) return `The chain leads from the server\u2019s certificate to a trusted root, every signature verifies, every certificate is in its validity period and the name matches ${d.serverName}.`;
          return `${d.summary.checks.filter((k) => !k.ok).map((k) => k.detail).join(' ')}${d.insecure ? ' You chose to continue anyway: from here on the connection is NOT authenticated.' : ''}`;
        case 'signature':
          return `The ${d.message} signature verifies with the public key of the server\u2019s certificate: the server holds the matching private key.`;
        case 'finished':
          return d.version === 'TLSv1.2'
            ? 'The server\u2019s Finished matches: both sides saw the same handshake and hold the same master secret.'
            : 'The server\u2019s Finished MAC matches the client\u2019s own transcript: both sides saw the same handshake.';
        case 'downgrade-sentinel':
          return 'A TLS 1.3 server that answers with TLS 1.2 puts "DOWNGRD" in the last bytes of its random. It is absent, so the server does not support TLS 1.3 (or was configured without it) — no attacker removed it.';
        case 'renegotiation-info':
          return 'The server echoed both previous Finished values: this renegotiation continues the same connection, not a spliced one.';
      }
      return undefined;
    }
    case 'refusal':
      return `${step.data.message}. ${step.data.rule} requires the client to abort the handshake here, with a fatal ${step.data.alert} alert.`;
    case 'negotiated': {
      const d = step.data;
      return [
        d.secureRenegotiation ? 'The server supports secure renegotiation (RFC 5746).' : 'The server did not answer renegotiation_info: it does not support secure renegotiation (RFC 5746), so this client will never renegotiate with it.',
        d.extendedMasterSecret ? 'Extended master secret (RFC 7627) is on: the master secret is bound to the whole handshake.' : 'No extended master secret (RFC 7627): the master secret depends only on the randoms and the key exchange.',
        d.cbc ? (d.encryptThenMac ? 'CBC records use encrypt-then-MAC (RFC 7366).' : 'CBC records use the classic MAC-then-encrypt construction.') : '',
      ]
        .filter(Boolean)
        .join(' ');
    }
    case 'handshake-complete': {
      const d = step.data;
      if (d.renegotiation) return 'The new handshake finished; it is bound to the previous one by renegotiation_info, and the server kept its certificate. Application data continues under the new keys.';
      if (d.version === 'TLSv1.2') return `TLS 1.2 with ${d.cipherSuite}${d.group ? ` over ${d.group}` : ' (static RSA key exchange)'}.`;
      return `TLS 1.3 with ${d.cipherSuite} over ${d.group}. Application data is now protected by the application traffic keys.`;
    }
    case 'personality':
      return reactionReason(step.data);
    case 'no-client-certificate':
      return step.data.configured
        ? 'The configured certificate cannot sign with any scheme the server accepts, so an empty Certificate was sent; the server decides whether to continue.'
        : 'The server asked for a client certificate; none is configured, so the client sends an empty Certificate message and the server decides whether to continue.';
    case 'error':
      return step.data.source === 'internal' ? undefined : step.data.message;
    case 'legacy':
      return step.data.explanation;
    default:
      return undefined;
  }
}
