import { personalities, type HelloRequestReaction, type PersonalityName } from '../tls/client/personalities';
import { noCertificateRefusals } from '../tls/registry/alerts';
import type { CertificateCheck, ChainEntry, Trace } from '../trace/schema';
import { isHelloRequest, isKind, isRefusal, isServerHelloAnswer } from '../trace/steps';

/**
 * What the summary of a failed run says beyond what went wrong: why, in the run's own terms, what
 * fixes it and who can apply it, and where to look further. One piece of advice per run, for the
 * failures people meet most: a target the relay's policy refuses, a renegotiation the client
 * refused (the IIS reset, shared/design/RENEGOTIATION.md), a server that broke a protocol rule the
 * client enforces (docs/strictness.md), a rejected certificate, a client certificate the server
 * wanted, and a ClientHello the server found nothing to agree with. The
 * summary card (page, saved runs, embeds), Compare and the CLI's closing lines show it.
 */
export interface Advice {
  kind: 'renegotiation' | 'certificate' | 'client-certificate' | 'negotiation' | 'relay-policy' | 'protocol';
  title: string;
  /** What happened, in sentences. */
  explanation: string;
  /** `you`: what the person running this can change in the run itself; `relay`: whoever runs the relay. */
  fixes: { who: 'server' | 'client' | 'you' | 'relay'; text: string }[];
  /** Pages of this app with the run's URL filled in. */
  links: { label: string; href: string }[];
}

/**
 * Advice for a run, if it failed in a way worth explaining. Works on traces from any engine
 * version: saved traces from older ones may lack lists that this version always records.
 */
export function adviceFor(trace: Trace): Advice | undefined {
  const t: Trace = { ...trace, steps: trace.steps ?? [], alerts: trace.alerts ?? [] };
  return relayPolicyAdvice(t) ?? renegotiationAdvice(t) ?? protocolAdvice(t) ?? certificateAdvice(t) ?? clientCertificateAdvice(t) ?? negotiationAdvice(t);
}

// --- the relay would not go there ---

/** A run the relay refused by its target policy (a private address, an IP literal, a port…). */
export function relayPolicyAdvice(trace: Trace): Advice | undefined {
  const refusal = trace.steps.find((s) => s.kind === 'transport' && s.data.event === 'error' && s.data.code === 'POLICY');
  if (refusal?.kind !== 'transport' || refusal.data.event !== 'error') return undefined;
  const why = refusal.data.message ? refusal.data.message.replace(/\.$/, '') : 'its policy does not allow this target';
  return {
    kind: 'relay-policy',
    title: 'The relay will not connect there',
    // Why the relay has a policy at all is the refusal step's explanation; the summary adds what to do.
    explanation: `The relay refused before connecting: ${why}.`,
    fixes: [
      { who: 'you', text: `Run the same experiment from your own machine with the CLI, which connects directly: npx tls-playground ${trace.options.url}` },
      { who: 'relay', text: 'If you run this playground yourself, its relay policy is configurable: RELAY_ALLOWED_PORTS, RELAY_ALLOW (host names or address ranges) and RELAY_ALLOW_IP_LITERALS (docs/relay-protocol.md).' },
    ],
    links: [],
  };
}

/** A list option as recorded, or empty where an older trace did not record it. */
function listed(values: readonly string[] | undefined): readonly string[] {
  return values ?? [];
}

// --- the client would not renegotiate ---

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

function refusalOf(trace: Trace): Exclude<HelloRequestReaction, 'renegotiate'> | undefined {
  for (const step of trace.steps) {
    if (!isKind(step, 'personality')) continue;
    const reaction = step.data.reaction;
    return reaction === 'renegotiate' ? undefined : (reaction as Exclude<HelloRequestReaction, 'renegotiate'>);
  }
  // A trace without the personality's verdict step still shows the refusal as the client's alert.
  return trace.alerts.some((a) => a.from === 'client' && a.description === 'no_renegotiation') ? 'refuse-warning' : undefined;
}

export function renegotiationAdvice(trace: Trace): Advice | undefined {
  if (trace.outcome === 'ok') return undefined;
  const asked = trace.steps.some(isHelloRequest);
  const refusal = asked ? refusalOf(trace) : undefined;
  if (!refusal) return undefined;
  const known = personalities[trace.personality as PersonalityName];
  const client = known?.title ?? trace.personality;
  const url = encodeURIComponent(trace.options.url);
  return {
    kind: 'renegotiation',
    title: 'The server asked to renegotiate, and this client would not',
    explanation:
      `After the connection was set up, the server sent a TLS 1.2 HelloRequest: it wants a new handshake, which is how IIS asks for a client certificate on some paths only. ` +
      `${client} ${REFUSALS[refusal]}. ${ENDINGS[trace.outcome] ?? ''}`.trim(),
    fixes: [
      { who: 'server', text: 'Ask for the client certificate in the initial handshake (IIS / http.sys: netsh http add sslcert … clientcertnegotiation=enable); then no renegotiation is needed and every client works.' },
      { who: 'server', text: 'Enable TLS 1.3, which has no renegotiation (together with the fix above: many clients do not offer post-handshake authentication).' },
      { who: 'client', text: 'Use a client that renegotiates: OpenSSL-based ones (curl, Python, Node) or SChannel. Run again as OpenSSL to see it succeed.' },
    ],
    links: [
      { label: 'Diagnose this URL with every client', href: `/doctor?url=${url}` },
      // The comparison that proves the point, run at once: on a demo target with the demo client
      // certificate, so OpenSSL renegotiates, sends it and gets 200 where this client was reset.
      { label: `Compare ${client} with OpenSSL`, href: `/compare?url=${url}${known ? `&a=${known.name}` : ''}${onDemoTarget(trace) ? '&cert=demo' : ''}&run=1` },
    ],
  };
}

/** Whether the run went to a demo target (https://<name>.test/), which accepts the demo client certificate. */
function onDemoTarget(trace: Trace): boolean {
  try {
    return new URL(trace.options.url).hostname.endsWith('.test');
  } catch {
    return false;
  }
}

// --- the certificate was rejected ---

const CONTINUE_ANYWAY: Advice['fixes'][number] = {
  who: 'you',
  text: 'To see the rest of the handshake anyway, continue on certificate errors (Options on the page, --insecure in the CLI); the connection is then not authenticated.',
};

/** Who vouches for whom along the chain the client could build, in words. */
function chainProblem(chain: ChainEntry[]): Pick<Advice, 'title' | 'explanation' | 'fixes'> {
  const last = chain[chain.length - 1];
  if (!last) return { title: 'Nothing vouches for this certificate', explanation: 'No chain to a trusted root could be built.', fixes: [] };
  const selfSigned = last.subject === last.issuer;
  if (selfSigned && chain.length === 1) {
    return {
      title: 'The certificate is self-signed',
      explanation: `${last.subject} signed its own certificate, and it is in no root store, so nothing vouches for it: any server could present one like it.`,
      fixes: [
        { who: 'server', text: 'Use a certificate from a public CA (Let’s Encrypt issues them free, renewed automatically).' },
        { who: 'you', text: 'If the service is your own, trust its certificate explicitly (--ca FILE in the CLI) instead of turning checks off.' },
      ],
    };
  }
  if (selfSigned) {
    return {
      title: 'The chain ends at a root nobody trusts',
      explanation: `The chain leads to ${last.subject}, a root the server sent itself but which is in no root store (a private or test CA).`,
      fixes: [
        { who: 'server', text: 'Use a certificate from a public CA, or give every client your CA to trust.' },
        { who: 'you', text: 'If the CA is yours, trust it for this run (--ca FILE in the CLI).' },
      ],
    };
  }
  return {
    title: chain.length === 1 ? 'The server does not send its intermediate certificate' : 'The chain is missing a certificate',
    explanation:
      `${last.subject} is signed by ${last.issuer}, which the server did not send and which is not a trusted root. ` +
      'Browsers often hide this mistake (they cache intermediates or fetch them from the address in the certificate); curl, Node, Python, Java and Go fail.',
    fixes: [{ who: 'server', text: 'Send the full chain: the certificate followed by its intermediate certificate(s) (nginx and Apache: the CA’s full-chain file; IIS: install the intermediate in the Intermediate Certification Authorities store).' }],
  };
}

function checkProblem(check: CertificateCheck, trace: Trace): Pick<Advice, 'title' | 'explanation' | 'fixes'> | undefined {
  const which = check.certificate ? 'A certificate in the chain' : 'The server’s certificate';
  switch (check.check) {
    case 'chain':
      return chainProblem(trace.certificate?.chain ?? []);
    case 'validity':
      if (notYetValid(trace, check.certificate ?? 0)) {
        return {
          title: 'The certificate is not valid yet',
          explanation: `${which} is ${check.detail}.`,
          fixes: [
            { who: 'server', text: 'Install a certificate that is valid now; a freshly issued one with a future start date is usually a clock problem on the issuing side.' },
            { who: 'you', text: 'Check this machine’s clock: a clock far behind makes valid certificates look premature.' },
          ],
        };
      }
      return {
        title: check.certificate ? 'A certificate in the chain has expired' : 'The certificate has expired',
        explanation: `${which} ${check.detail}. Clients refuse it from that moment on.`,
        fixes: [
          { who: 'server', text: check.certificate ? 'Install the CA’s current intermediate certificate in place of the expired one.' : 'Renew the certificate and install it with its chain; automate renewal (ACME) and watch the expiry date.' },
          { who: 'you', text: 'If the dates look wrong, check this machine’s clock.' },
        ],
      };
    case 'hostname':
      return {
        title: 'The certificate is for another name',
        explanation: `Host name check: ${check.detail}. A certificate is only good for the names it lists.`,
        fixes: [
          { who: 'server', text: `Install a certificate whose subjectAltName lists ${hostOf(trace.options.url)} (a wildcard such as *.example.com covers exactly one label).` },
          { who: 'you', text: 'Use a host name the certificate lists.' },
        ],
      };
    case 'signature':
      return {
        title: 'A signature in the chain does not verify',
        explanation: `${which}: ${check.detail}.`,
        fixes: [{ who: 'server', text: 'Reinstall the certificate and its chain exactly as the CA issued them: a certificate paired with the wrong intermediate, or a damaged file, looks like this.' }],
      };
    case 'policy':
      return {
        title: 'The certificate uses a key or signature clients no longer accept',
        explanation: `${which}: ${check.detail}. Browsers and rustls refuse RSA keys under 2048 bits and SHA-1 signatures on certificates.`,
        fixes: [{ who: 'server', text: 'Reissue the certificate (and use a current chain) with an ECDSA P-256 or P-384 key or an RSA key of at least 2048 bits, signed with SHA-256 or better (CA/Browser Forum Baseline Requirements §6.1.5, §7.1.3.2).' }],
      };
    case 'basicConstraints':
    case 'keyUsage':
    case 'extendedKeyUsage':
    case 'nameConstraints':
      return {
        title: 'The certificate may not be used for this',
        explanation: `${which}: ${check.detail}.`,
        fixes: [{ who: 'server', text: 'Use a certificate issued for TLS server authentication (extKeyUsage serverAuth, keyUsage digitalSignature) by a CA allowed to issue it.' }],
      };
    default:
      return undefined;
  }
}

/** Whether the chain's certificate at `index` starts after the run did (else its validity failed by expiring). */
function notYetValid(trace: Trace, index: number): boolean {
  const entry = trace.certificate?.chain?.[index];
  return entry !== undefined && Date.parse(entry.notBefore) > Date.parse(trace.startedAt);
}

/** The order in which failed checks are worth explaining: the first one found is the headline. */
const CHECK_ORDER = ['chain', 'validity', 'hostname', 'signature', 'policy', 'basicConstraints', 'keyUsage', 'extendedKeyUsage', 'nameConstraints'];

export function certificateAdvice(trace: Trace): Advice | undefined {
  const cert = trace.certificate;
  if (cert?.verdict !== 'untrusted') return undefined;
  const failed = (cert.checks ?? []).filter((k) => !k.ok).sort((a, b) => rank(a) - rank(b));
  const problems = failed.map((k) => checkProblem(k, trace)).filter((p): p is NonNullable<typeof p> => p !== undefined);
  const [first, ...others] = problems.filter((p, i, all) => all.findIndex((q) => q.title === p.title) === i);
  if (!first) return undefined;
  const fixes = [...first.fixes, ...others.flatMap((p) => p.fixes)].filter((f, i, all) => all.findIndex((g) => g.text === f.text) === i);
  return {
    kind: 'certificate',
    title: first.title,
    explanation: [first.explanation, ...others.map((p) => `Also: ${p.title.charAt(0).toLowerCase()}${p.title.slice(1)}.`)].join(' '),
    fixes: cert.insecure ? fixes : [...fixes, CONTINUE_ANYWAY],
    links: [],
  };
}

function rank(check: CertificateCheck): number {
  const i = CHECK_ORDER.indexOf(check.check);
  return i === -1 ? CHECK_ORDER.length : i;
}

// --- the server wanted a client certificate ---

export function clientCertificateAdvice(trace: Trace): Advice | undefined {
  const none = trace.steps.find((s) => isKind(s, 'no-client-certificate'));
  if (none?.kind !== 'no-client-certificate') return undefined;
  const status = trace.http?.status;
  const alert = trace.alerts.find((a) => a.from === 'server' && a.level === 'fatal' && (noCertificateRefusals as readonly string[]).includes(a.description));
  if (!alert && status !== 401 && status !== 403) return undefined;
  const configured = none.data.configured;
  const answer = alert ? `a fatal ${alert.description} alert` : `HTTP ${status}${trace.http?.reason ? ` ${trace.http.reason}` : ''}`;
  return {
    kind: 'client-certificate',
    title: configured ? 'The server cannot use this client certificate' : 'The server wants a client certificate',
    explanation:
      `The server asked for a client certificate (a CertificateRequest) and ${configured ? 'the configured one cannot sign with any scheme the server accepts' : 'this run has none'}, so the client sent an empty Certificate message. ` +
      `The server answered with ${answer}.`,
    fixes: [
      configured
        ? { who: 'you', text: 'Use a client certificate whose key can sign with a scheme the server lists in its CertificateRequest (an RSA or ECDSA P-256 key is the safe choice).' }
        : { who: 'you', text: 'Run again with a client certificate: Options → Client certificate on the page (the demo certificate works with the demo targets), --client-cert FILE --client-key FILE in the CLI.' },
      { who: 'server', text: 'If this resource is meant to be public, stop requiring a client certificate for it.' },
    ],
    links: [],
  };
}

// --- the server broke a rule the client enforces ---

/** What each refusal means for the person looking at the run, by the check's name (docs/strictness.md). */
const PROTOCOL_PROBLEMS: Record<string, { title: string; why: string }> = {
  'unsolicited-extension': {
    title: 'This server sent an extension the client never offered',
    why: 'A server may only answer the extensions the ClientHello carried; rustls, BoringSSL and OpenSSL abort the same way.',
  },
  'extension-placement': {
    title: 'This server put an extension in the wrong handshake message',
    why: 'In TLS 1.3 every extension has its message; one in the wrong place (for example in the unencrypted ServerHello) is refused.',
  },
  'record-boundary': {
    title: 'This server packed handshake messages across a key change',
    why: 'After a message that changes the keys, the next message must start a new record protected with the new keys; otherwise it travels under the old keys (or in the clear).',
  },
  'protected-change-cipher-spec': {
    title: 'This server encrypted its ChangeCipherSpec',
    why: 'In TLS 1.3 the ChangeCipherSpec is only a compatibility signal for middleboxes and is always sent in the clear.',
  },
  'unexpected-change-cipher-spec': {
    title: 'This server sent a ChangeCipherSpec where none belongs',
    why: 'In TLS 1.2 the ChangeCipherSpec comes after the key exchange; before the ServerHello it would only be TLS 1.3 compatibility mode, which TLS 1.2 does not have.',
  },
  'empty-record': {
    title: 'This server sent an empty handshake or alert record',
    why: 'No handshake message or alert is empty; padding does not make such a record valid.',
  },
  'alpn-single-protocol': {
    title: 'This server answered ALPN with more than one protocol',
    why: 'The server must name exactly the one protocol it selected from the client’s list.',
  },
  'certificate-request-context': {
    title: 'This server sent a CertificateRequest meant for after the handshake',
    why: 'During the handshake the certificate_request_context is empty; a non-empty one belongs to post-handshake authentication.',
  },
  'leaf-key': {
    title: 'The server’s certificate key cannot be used',
    why: 'The run continued past a rejected certificate, and then the certificate’s key could not check the server’s handshake signature.',
  },
};

/** The TLS 1.2 extensions the run can leave out, by the name the refusal step gives. */
const OPTIONAL_TLS12_EXTENSIONS = ['extended_master_secret', 'renegotiation_info', 'encrypt_then_mac', 'session_ticket'];

/** A run the client ended because the server broke a protocol rule (the refusal step's data names it). */
export function protocolAdvice(trace: Trace): Advice | undefined {
  const step = trace.steps.find(isRefusal);
  const problem = step && PROTOCOL_PROBLEMS[step.data.check];
  if (!step || !problem) return undefined;
  const d = step.data;
  const extension = typeof d.facts.extension === 'string' ? d.facts.extension : undefined;
  const fixes: Advice['fixes'] = [{ who: 'server', text: `Fix or update the server’s TLS implementation: it breaks ${d.rule}. Clients as strict as this one (browsers, rustls, BoringSSL) refuse it too.` }];
  const turnedOff = extension && OPTIONAL_TLS12_EXTENSIONS.includes(extension) && (trace.options.tls12Off ?? []).some((x) => x === extension);
  if (turnedOff) fixes.push({ who: 'you', text: `This run did not offer ${extension}; offer it again (the default) and the server’s answer is no longer unsolicited.` });
  return {
    kind: 'protocol',
    title: problem.title,
    explanation: `${extension ? `The server’s ${String(d.facts.message).replace(/_/g, ' ')} carried ${extension}. ` : ''}${problem.why} The client ended the connection with a fatal ${d.alert} alert (${d.rule}).`,
    fixes,
    links: [],
  };
}

// --- nothing in common ---

export function negotiationAdvice(trace: Trace): Advice | undefined {
  if (trace.outcome !== 'alert') return undefined;
  const alert = trace.alerts.find((a) => a.from === 'server' && a.level === 'fatal');
  const answered = trace.steps.some(isServerHelloAnswer);
  if (!alert || answered) return undefined;
  const o = trace.options;
  const versions = listed(o.versions);
  if (alert.description === 'protocol_version') {
    const both = versions.includes('TLSv1.3') && versions.includes('TLSv1.2');
    return {
      kind: 'negotiation',
      title: 'The server speaks none of the TLS versions offered',
      explanation: `The server answered the ClientHello with a protocol_version alert: it accepts none of the versions this client offered${versions.length ? ` (${versions.join(', ')})` : ''}.`,
      fixes: [
        ...(both ? [] : [{ who: 'you' as const, text: 'Offer both TLS 1.3 and TLS 1.2 (the default).' }]),
        { who: 'server', text: 'Enable TLS 1.2 and TLS 1.3; TLS 1.0 and 1.1 are deprecated (RFC 8996) and refused by current clients.' },
      ],
      links: [],
    };
  }
  if (alert.description === 'handshake_failure' || alert.description === 'insufficient_security') {
    // Empty lists mean the personality's defaults; anything listed is the user's narrower choice.
    const chosen = (what: string, values: readonly string[] | undefined) => (listed(values).length ? `${what}: ${listed(values).join(', ')}` : undefined);
    const limits = [chosen('cipher suites', o.cipherSuites), chosen('groups', o.groups), chosen('signature schemes', o.signatureSchemes)].filter(Boolean);
    return {
      kind: 'negotiation',
      title: 'The server found nothing to agree on',
      explanation:
        `The server answered the ClientHello with ${alert.description}: none of the cipher suites, groups or signature schemes offered is one it accepts.` +
        (limits.length ? ` This run offered only ${limits.join('; ')}.` : ''),
      fixes: [
        ...(limits.length ? [{ who: 'you' as const, text: 'Clear the cipher suite, group and signature scheme choices to offer the defaults, which cover what current servers use.' }] : []),
        { who: 'server', text: 'Enable what current clients offer: TLS_AES_128_GCM_SHA256 and TLS_AES_256_GCM_SHA384 in TLS 1.3, ECDHE with AES-GCM or ChaCha20-Poly1305 in TLS 1.2, and the groups x25519 and secp256r1.' },
      ],
      links: [],
    };
  }
  return undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}
