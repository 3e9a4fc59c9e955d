/**
 * The English catalog: the source of every key. ICU message syntax ({name}, {count, plural, …}).
 * Protocol names (ClientHello, HelloRequest, no_renegotiation, TLS_AES_128_GCM_SHA256, x25519, RST)
 * stay as they are in every language; docs/glossary.zh.md lists the other terms.
 */
import { fieldsEn } from './fields/en';
import { enCore } from './enCore';
import { engineSaid } from '../../tls/diagnostics';
import { traceFileSaid } from '../../trace/problems';

export { enCore };

/**
 * Words only components and server pages show (next-intl's useTranslations / getTranslations, with
 * the page's catalog): no view function words them, so its English fallback leaves them out.
 */
export const pagesEn = {
  meta: {
    title: 'TLS Playground',
    description: 'Type an https URL and watch a real TLS handshake happen byte by byte, in your browser.',
  },
  layout: {
    skipToContent: 'Skip to content',
    navLabel: 'Main',
    nav: { playground: 'Playground', story: 'The IIS story', compare: 'Compare', doctor: 'Doctor', lessons: 'Lessons' },
    language: 'Language',
    theme: { system: 'System theme', light: 'Light theme', dark: 'Dark theme', change: '{theme} (activate to change)' },
  },
  notFound: {
    title: 'Nothing here',
    metaTitle: 'Nothing here — TLS Playground',
    body: 'This page does not exist. If someone shared a saved run with you, check that the link was copied whole: saved runs are never deleted, so a complete link keeps working.',
    home: 'Open the playground',
    embed: 'This saved TLS Playground run does not exist. Check the embed code’s link.',
    embedBundle: 'This saved TLS Playground {kind, select, diagnosis {diagnosis} other {comparison}} does not exist. Check the embed code’s link.',
  },
  playground: {
    metaTitle: 'TLS Playground',
    title: 'Watch a TLS handshake, byte by byte',
    intro: 'Type an https URL and press Run. The TLS client runs in this browser; a relay only carries its bytes to the server over TCP. Every message, every byte and every derived key is shown — including when things go wrong.',
    formLabel: 'Run a TLS handshake',
    urlLabel: 'https URL',
    run: 'Run',
    running: 'Running…',
    stop: 'Stop',
    runLabel: 'Run',
    recordedRunLabel: 'Recorded run',
    chooseVersion: 'Choose at least one TLS version in the options.',
    selectStep: 'Select a step in the diagram (click it, or focus the diagram and use the arrow keys) to see its bytes and what they mean.',
    openTrace: 'Open a saved trace…',
    saveTrace: 'Save this trace',
    downloadPcapng: 'Download pcapng',
    downloadPcapngTitle: 'A capture file for Wireshark, with packets rebuilt from the trace',
    downloadKeyLog: 'Download key log',
    downloadKeyLogTitle: 'SSLKEYLOGFILE lines, so Wireshark can decrypt the capture',
    couldNotStart: 'The run could not start: {message}',
    cannotOpen: '{file}: {message}',
  },
  demo: {
    heading: 'Demo targets',
    subheading: '— real servers on this machine, one click each',
    runPath: 'Run {url}: {note}',
    unavailable: {
      missing: 'Not available on this server: it needs {program}, which is not installed here.',
      failed: 'Not available on this server: {program} did not start.',
    },
    targets: {
      'iis-renegotiation': {
        title: 'IIS asks for a client certificate by renegotiation',
        description: 'TLS 1.2 only; a request under /secure/ triggers a HelloRequest; refusing it resets the TCP connection.',
        paths: {
          root: 'No client certificate needed: 200 without renegotiation.',
          secure: 'Triggers renegotiation with a CertificateRequest; 200 with the demo client certificate, 403.7 without.',
          upload: 'POST a body: up to 48 KB (49152 bytes) is buffered during renegotiation; larger bodies get 413.',
        },
      },
      'iis-fixed': {
        title: 'The same site with the certificate requested up front',
        description: 'TLS 1.2 only; the CertificateRequest is in the initial handshake (netsh clientcertnegotiation=enable).',
        paths: {
          root: '200 with or without a client certificate.',
          secure: '200 with the demo client certificate, 403.7 without one; never renegotiates.',
        },
      },
      'tls13': {
        title: 'TLS 1.3 only',
        description: 'A plain TLS 1.3 server (ECDSA P-256 certificate): the handshake as it should be.',
        paths: {
          root: '200.',
          large: '200 with a 64 KiB body, more than one record can carry (2^14 bytes of plaintext at most, RFC 8446 §5.1): the response arrives in several records.',
        },
      },
      'tls13-pha': {
        title: 'TLS 1.3 post-handshake client authentication',
        description: 'TLS 1.3 only; /secure/ asks for a client certificate after the handshake, if the client offered post_handshake_auth.',
        paths: {
          root: '200, no client certificate needed.',
          secure: 'Post-handshake CertificateRequest if post_handshake_auth was offered: 200 with the demo client certificate, 403.7 with an empty Certificate; 403 if post_handshake_auth was not offered.',
        },
      },
      'tls13-0rtt': {
        title: 'TLS 1.3 resumption with 0-RTT early data',
        description: 'TLS 1.3 only (nginx): tickets that allow early data, and a request sent as 0-RTT is answered before the handshake completes.',
        paths: {
          root: '200; the body says whether the request came as 0-RTT early data.',
          transfer: '425 Too Early when the request came as early data (RFC 8470); 200 after the handshake.',
        },
      },
      'tls13-no-0rtt': {
        title: 'TLS 1.3: the ticket is taken, the early data is not',
        description: 'TLS 1.3 only (openssl s_server): tickets say early data is allowed, but the server never reads it; the request must be sent again.',
        paths: {
          root: '200 with s_server’s status page (HTTP/1.0).',
        },
      },
      'tls13-no-resume': {
        title: 'TLS 1.3: tickets issued, never taken back',
        description: 'TLS 1.3 only: the server sends tickets but changes its ticket key after every handshake, so a resumption always falls back to a full handshake.',
        paths: {
          root: '200.',
        },
      },
      'legacy-tls12': {
        title: 'Legacy TLS 1.2: static RSA key exchange and CBC',
        description: 'TLS 1.2 only, RSA key transport (no forward secrecy) with AES-CBC and HMAC suites.',
        paths: {
          root: '200.',
        },
      },
      'wildcard': {
        title: 'Wildcard certificate',
        description: 'The certificate names only *.wildcard.test; the client asks for www.wildcard.test.',
        paths: {
          root: '200: the wildcard matches the one label www.',
        },
      },
      'expired': {
        title: 'Expired certificate',
        description: 'The server certificate was valid from 2023-01-01 to 2024-01-01.',
        paths: {
          root: '200 only for a client that skips the certificate check.',
        },
      },
      'wrong-host': {
        title: 'Certificate for another host name',
        description: 'The certificate names only other-host.test, not wrong-host.test.',
        paths: {
          root: '200 only for a client that skips the host name check.',
        },
      },
      'self-signed': {
        title: 'Self-signed certificate',
        description: 'The server certificate is signed by its own key and chains to no trusted root.',
        paths: {
          root: '200 only for a client that skips the certificate check.',
        },
      },
      'untrusted-root': {
        title: 'Certificate from an unknown CA',
        description: 'The chain ends in a root CA that no trust store contains (the server even sends it).',
        paths: {
          root: '200 only for a client that skips the certificate check.',
        },
      },
      'incomplete-chain': {
        title: 'Incomplete chain: the intermediate is missing',
        description: 'The server sends only its leaf; the intermediate CA that signed it is not sent.',
        paths: {
          root: '200 only for clients that already have the intermediate or skip the check.',
        },
      },

    },
  },
  forms: {
    urlLabel: 'https URL',
    demoCertificate: 'Demo client certificate',
    withDemoCertificate: 'With the demo client certificate',
  },
  reproduce: {
    tab: 'Reproduce',
    title: 'Reproduce it yourself',
    intro: 'The same experiment with the tools you already have: openssl s_client and curl with this run’s options, and a short Node script that recomputes this run’s keys and checks them against the values shown here.',
    openssl: 'openssl s_client',
    opensslHelp: 'Sends the same HTTP request on standard input; -ign_eof keeps it reading after that, so the answer (or the reset) shows. Add -trace to see every message decoded.',
    curl: 'curl (built with OpenSSL)',
    curlHelp: '-v prints each handshake message as it goes by, renegotiation included.',
    copyOpenssl: 'the openssl s_client command',
    copyCurl: 'the curl command',
    script: 'Recompute the keys',
    scriptHelp: 'A short Node script that needs nothing but Node’s own modules (node:crypto does the hashing): it recomputes the key schedule ({version}) from the run’s shared secret, transcript hashes and key log, and prints each value with “match” or “DIFFERS” next to it. Save it and the key log in one folder, then run:',
    downloadScript: 'Download the script',
    downloadKeyLog: 'Download the key log',
    noKeys: 'This run derived no keys, so there is no key schedule to recompute.',
    notesTitle: 'What to know',
    note: {
      demoTarget: '{host} is a demo target of this playground: in a clone of the repository, start them with npm run demo, put the address it prints for {host} after -connect (curl: --connect-to {host}:443:127.0.0.1:PORT), and trust the demo root CA with -CAfile data/demo/pki/demo-root-ca.crt (curl: --cacert). The demo client certificate is data/demo/pki/demo-client.crt with demo-client.key.',
      defaultLists: 'Where this run used the defaults for cipher suites, groups or signature schemes, the commands leave them to each tool, whose defaults differ from this client’s.',
      refuseFatal: 'This client refuses renegotiation with a fatal no_renegotiation alert; OpenSSL’s -no_renegotiation sends a warning instead. Either way the server decides what happens next.',
      ignore: 'This client ignores the HelloRequest and waits; OpenSSL has no switch for that, so the commands renegotiate instead.',
      curlRenegotiates: 'curl built with OpenSSL always renegotiates: it reproduces the clients that renegotiate, not this one. Use the openssl s_client command to see the refusal.',
      noSwitch: '{tool} has no switch for {option}: the command leaves it at the tool’s default.',
      needsOpenssl: '{group} needs OpenSSL 3.5 or later.',
      legacyServer: 'The server does not support secure renegotiation (RFC 5746); OpenSSL 3 refuses such servers unless given -legacy_server_connect, which the command adds.',
      bodyOmitted: 'The request body ({bytes} bytes) is not repeated in the commands.',
      tampered: 'This run changed {target} before sending it (a tamper experiment); openssl and curl send it unchanged, so the server may answer differently.',
      resumeOpenssl: 'This run made two connections, the second resuming the first one’s session. s_client does the same in two steps: the first command writes the session it got to {sessionFile} (-sess_out), the second offers it (-sess_in) and prints “Reused” when the server accepts it.',
      resumeCurl: 'curl resumes when it fetches the URL twice in one command: both transfers share its session cache, and -v prints “SSL re-using session ID” for the second.',
      earlyDataOpenssl: 'The request goes to {requestFile}, which the second s_client sends as 0-RTT early data (-early_data) before the handshake completes. If the server rejects the early data, s_client does not send the request again (this client does), so no answer comes: end it with Ctrl-C.',
      earlyDataCurl: 'This curl has no switch for 0-RTT early data (--tls-earlydata came in curl 8.11, and not for every TLS library): it resumes, then sends the request after the handshake.',
      pskKeOpenssl: 'OpenSSL cannot offer psk_ke alone: with -allow_no_dhe_kex it offers psk_ke and psk_dhe_ke, and a server allowed both may pick psk_dhe_ke (OpenSSL’s s_server does), resuming with a fresh (EC)DHE exchange where this run had none.',
    },
    cli: {
      title: 'Reproduce it yourself',
      wrote: 'wrote {files}',
      run: 'recompute the keys: {command}',
      noKeys: 'no keys were derived in this run: no key schedule script',
    },
  },
  present: {
    button: 'Present',
    buttonTitle: 'Presentation mode: the whole window, large type, one step at a time (→ ← Home End)',
    title: 'TLS handshake with {host}',
    keys: '→ next step · ← previous · Home first · End last · Esc exit',
    previous: 'Previous',
    next: 'Next',
    exit: 'Exit',
    counter: 'Step {n} of {total}',
    more: 'more steps are arriving',
    waiting: 'Waiting for the first step…',
    specifiedIn: 'Specified in',
    bytes: 'Bytes on the wire',
    ciphertext: 'Bytes on the wire (encrypted)',
    plaintext: 'Decrypted',
    plaintextOf: '{title}, decrypted',
    noBytes: 'Nothing went over the wire in this step: it happened inside the client.',
  },
} as const;

/** The CLI's own words (cli/): the pages never show them. */
export const cliEn = {
  outcome: 'outcome: {outcome} ({detail})',
  negotiated: 'version: {version}   cipher suite: {suite}   group: {group}   signature: {signature}',
  certificate: 'certificate: {verdict}{insecure, select, yes { (INSECURE: continued anyway)} other {}}{subject}',
  alerts: 'alerts: {alerts}',
  alert: '{from} {level} {description}',
  http: 'http: {status} {reason} ({bytes, plural, one {# body byte} other {# body bytes}})',
  timing: 'personality: {personality}   total: {total} ms',
  timingHandshake: 'personality: {personality}   total: {total} ms   handshake: {handshake} ms',
  why: 'why: {title}.',
  fix: 'fix ({who, select, you {this run} relay {relay operator} client {client} other {server}}): {text}',
  more: 'more: npx tls-playground diagnose {url}   (every client against this URL, with the netsh commands)',
  firstConnection: '── connection 1: a full handshake, keeping the session ──',
  secondConnection: '── connection 2: offering to resume that session ──',
  resumption: 'resumption: {result}{earlyData, select, accepted {, 0-RTT early data accepted} rejected {, 0-RTT early data rejected (request sent again)} other {}}',
  resumptionAccepted: 'resumed ({mode})',
  resumptionRefused: 'offered, not taken (full handshake)',
  resumptionNotOffered: 'nothing to offer (the first connection kept no session)',
  error: 'error: {message}',
  optionProblem: '{option}: {problem}',
  /** demo list: where each demo target listens, or why it is not running. */
  demoRunning: 'running on {address}',
  demoNotRunning: 'not running: {why}',
  demoNeverStarted: 'not running',
  // {clone} is a shell placeholder (<clone>): a message cannot write angle brackets (ICU tags).
  demoTargetsLiveInTheRepository: 'The demo targets run from a clone of the TLS Playground repository: start them there with npm start, then run this from that directory or set DEMO_DATA_DIR={clone}/data/demo.',
  /** diagnose --save (cli/save.ts): the link of the saved diagnosis, or why it was not saved. */
  saved: 'Saved: {url}',
  savedNote: '(the verdict, the fixes and every probe step by step; send this link)',
  saveUnreachable: 'could not reach {app} to save the diagnosis ({error})',
  saveRefused: '{app} did not save the diagnosis: {error}',
  saveNotAnApp: '{app} did not save the diagnosis: HTTP {status}, is it a TLS Playground app?',
  /** A command line that cannot run (cli/args.ts UsageError): each mistake, with the values it names. */
  usage: {
    needsValue: '{option} needs a value',
    takesNoValue: '{option} takes no value',
    unknownOption: 'unknown option {option} (see --help)',
    reproduceDir: '--reproduce= needs a directory',
    tls: '--tls takes 1.2 or 1.3, not "{value}"',
    saveAddress: '--save takes the address of a TLS Playground app (e.g. http://127.0.0.1:3000), not "{value}"',
    saveScheme: '--save takes an http(s) address, not "{value}"',
    lang: '--lang takes {choices}, not "{value}"',
    tamperTwice: '--tamper is given once (one change per run)',
    tamperSpec: '--tamper: {problem}',
    timeout: '--timeout takes milliseconds, not "{value}"',
    demoList: 'usage: demo list',
    reproduceDiagnose: '--reproduce goes with a single run, not diagnose',
    tamperDiagnose: '--tamper changes one run; diagnose runs its own probes and takes none',
    fieldsDiagnose: '--fields goes with a run, not with diagnose',
    fieldsJson: '--fields and --json are two different outputs: choose one',
    resumeOnly: '--early-data and --psk-mode go with --resume (they are about the second connection)',
    saveDiagnose: '--save goes with diagnose (it saves the diagnosis on a TLS Playground app)',
    missingUrl: 'missing URL (e.g. https://example.com/)',
    oneUrl: 'expected one URL, got {count}: {urls}',
    clientCertKey: '--client-cert and --client-key go together',
  },
} as const;

/** The lessons' prose (/lessons): only their pages show it, given with the page's catalog. */
export const lessonsEn = {
  ui: {
    metaTitle: 'Lessons — TLS Playground',
    title: 'Lessons',
    intro: 'Guided tours of real handshakes. Each lesson runs live against the built-in demo targets (no internet needed) and stops before each interesting message to ask what you expect; then it shows the bytes that really went over the wire. Your place is kept in the address: share it, or come back to it.',
    size: '{stops} stops · {runs, plural, one {# live run} other {# live runs}}',
    allLessons: 'All lessons',
    stopsLabel: 'Stops of this lesson',
    stopOf: 'Stop {n} of {total}',
    liveRun: 'live run: {host} as {client}',
    previous: 'Previous stop',
    next: 'Next stop',
    check: 'Show what really happened',
    chooseFirst: 'Choose one of the answers first.',
    right: 'You predicted it.',
    wrong: 'Not what happened.',
    youSaid: 'You predicted: {choice}',
    actual: 'The live run: {choice}',
    unforeseen: 'The live run did something none of the answers foresaw; its step is below.',
    notStarted: 'The live run has not started yet.',
    waiting: 'Waiting for the live run against {host}…',
    startRuns: 'Run the handshakes live',
    heldBack: 'This lesson is shown inside another site, so its handshakes run only when you press the button.',
    failed: 'The live run could not start: {message}',
    notReached: 'The live run did not get that far. {outcome}',
    revealed: 'What went over the wire',
    why: 'The check behind it',
    runsTitle: 'The live runs of this lesson',
    openRun: 'Run this yourself in the playground',
    embed: 'Embed this lesson in a page',
    embedTitle: 'TLS Playground lesson: {title}',
  },
  tls13: {
    title: 'TLS 1.3 in one round trip',
    summary: 'Follow a live TLS 1.3 handshake with tls13.test: what the client offers, what the server answers, and why the HTTP request can leave after a single round trip.',
    stops: {
      clientHello: {
        title: 'The client speaks first',
        prose: 'A TLS connection starts on an ordinary TCP connection, and the client speaks first. Its ClientHello has to carry everything the server needs to agree on keys at once: the versions it speaks, the cipher suites and signature schemes it accepts, and — new in TLS 1.3 — key shares: public keys for the key exchange groups it expects the server to pick, sent before the server has said a word (RFC 8446 §4.1.2, §4.2.8).',
        after: 'Look at the bytes. The legacy_version field says 0x0303, TLS 1.2: it is frozen there, and only the supported_versions extension lists TLS 1.3. Middleboxes that inspect the old fields keep seeing something familiar (RFC 8446 §4.1.2, §4.2.1). Open key_share in the field tree to find the public keys the client generated for this connection alone.',
      },
      serverHello: {
        title: 'The server’s first answer',
        prose: 'The ClientHello has left. It offered TLS 1.3 and TLS 1.2 and already carried key shares.',
        question: 'What does the server send first?',
        choices: {
          serverHello: 'A ServerHello: it picks the version, the cipher suite and one of the offered key shares',
          helloRetry: 'A HelloRetryRequest: it wants a key share for a different group first',
          certificate: 'Its Certificate, so the client can check whom it is talking to',
          alert: 'An alert: it refuses the ClientHello',
        },
        after: 'The server found a group it accepts among the key shares, so no HelloRetryRequest was needed — that would have cost a whole extra round trip (RFC 8446 §4.1.4). The ServerHello carries the server’s own key_share and selects TLS 1.3 through supported_versions. From the two public keys each side now computes the same shared secret, and from it the handshake traffic keys (RFC 8446 §7.1). Everything the server sends after this message is encrypted.',
      },
      encryptedExtensions: {
        title: 'Encrypted from here on',
        prose: 'In TLS 1.2 the server’s certificate travelled in the clear. In TLS 1.3 both sides hold handshake keys as soon as the ServerHello has arrived. (You may also see a one-byte ChangeCipherSpec record: it does nothing and only reassures middleboxes that expect TLS 1.2, RFC 8446 §D.4.)',
        question: 'What is the server’s first encrypted handshake message?',
        choices: {
          encryptedExtensions: 'EncryptedExtensions: the rest of its answers to the client’s extensions',
          certificate: 'Certificate: its certificate chain',
          serverKeyExchange: 'ServerKeyExchange: its key exchange parameters',
          finished: 'Finished: the end of its handshake',
        },
        after: 'EncryptedExtensions carries the answers that are not needed to compute keys — the ALPN protocol, the acknowledgement of server_name and the like — so an eavesdropper no longer learns them (RFC 8446 §4.3.1). On the wire its record says content type 23, application_data: the real type, handshake, is inside the encryption (RFC 8446 §5.2). There is no ServerKeyExchange in TLS 1.3: the key_share extension took its place.',
      },
      certificateVerify: {
        title: 'Proving who the server is',
        prose: 'Next the server sent its Certificate: the chain from its own certificate towards a root the client trusts. But a certificate is public — anyone could send a copy of it.',
        question: 'How does the server prove that it holds the certificate’s private key?',
        choices: {
          certificateVerify: 'It sends CertificateVerify: a signature over the handshake so far',
          serverKeyExchange: 'It signs its key exchange parameters in a ServerKeyExchange',
          finished: 'Its Finished message is the proof',
          serverHelloDone: 'It does not need to: the certificate is enough',
        },
        after: 'CertificateVerify is a signature made with the certificate’s private key over the hash of every handshake message so far (the transcript), behind a context string that says it is a TLS 1.3 server signature (RFC 8446 §4.4.3). The transcript contains both key shares, so the signature ties this very key exchange to the certificate: a recorded signature is useless in any other connection. The client checked the chain first (the check below), then this signature.',
      },
      finished: {
        title: 'The end of the server’s flight',
        prose: 'The server has said who it is and the keys are agreed. One message is left before its side of the handshake is over.',
        question: 'Which message ends the server’s flight?',
        choices: {
          finished: 'Finished',
          serverHelloDone: 'ServerHelloDone',
          newSessionTicket: 'NewSessionTicket',
          certificateRequest: 'CertificateRequest',
        },
        after: 'Finished is an HMAC over the transcript hash, keyed with a secret derived from the server’s handshake traffic secret (RFC 8446 §4.4.4). The client computes the same value: had a single byte of the handshake been changed on the way, they would differ and the client would abort with decrypt_error. ServerHelloDone exists only in TLS 1.2; a CertificateRequest would have come before the Certificate, had the server wanted a client certificate.',
      },
      request: {
        title: 'One round trip',
        prose: 'The client has checked the certificate, the signature and the server’s Finished, and has sent its own Finished. Now it wants to send GET /.',
        question: 'When can the client send its HTTP request?',
        choices: {
          sameFlight: 'Right behind its own Finished, without waiting for the server',
          anotherRoundTrip: 'Only after the server has acknowledged the client’s Finished',
          withClientHello: 'It already went out with the ClientHello (0-RTT)',
        },
        after: 'The request left right behind the client’s Finished. One round trip — the ClientHello out, the server’s flight back — was enough before application data could flow; a full TLS 1.2 handshake needs two. The request is encrypted with the client application traffic keys, derived from the master secret (RFC 8446 §7.1). 0-RTT early data would save even that round trip, but only when resuming a session, and without protection against replay (RFC 8446 §2.3, §8).',
      },
      ticket: {
        title: 'After the handshake',
        prose: 'The handshake is complete and the request is on its way.',
        question: 'Before the HTTP response, does the server send anything else?',
        choices: {
          newSessionTicket: 'A NewSessionTicket, for resuming later',
          response: 'No: the HTTP response comes first',
          keyUpdate: 'A KeyUpdate, to change keys',
          helloRequest: 'A HelloRequest, to renegotiate',
        },
        after: 'Servers usually send one or more NewSessionTickets right after the handshake (RFC 8446 §4.6.1): on its next connection the client can present a ticket and resume with a pre-shared key, without a certificate. They are handshake messages sent after the handshake, under the application traffic keys. TLS 1.3 has no HelloRequest and no renegotiation at all: KeyUpdate changes keys, and post-handshake authentication asks for a client certificate (RFC 8446 §4.6).',
      },
      summary: {
        title: 'What you saw',
        prose: 'One round trip from the ClientHello to the first encrypted request. The client guessed the key exchange and sent its key shares at once; the server answered with its own key share, its certificate, a signature over the handshake and a MAC over all of it — everything after the ServerHello encrypted.',
        after: 'Run the same handshake in the playground to see the key schedule, every secret derived from the shared key, and to download the capture for Wireshark. Tick only TLS 1.2 in the options and count the extra round trip.',
      },
    },
  },
  certificates: {
    title: 'Why browsers reject certificates',
    summary: 'Five servers, five broken certificates: predict how the client reacts to each, then see the alert it sends and the check that failed.',
    stops: {
      chain: {
        title: 'What a client checks',
        prose: 'A server proves its identity with the certificate chain in its Certificate message: its own certificate first, then the intermediate certificates that lead towards a root the client already trusts (RFC 8446 §4.4.2). The client checks that each certificate is signed by the next, that the chain ends at a root in its trust store, that every certificate is within its validity period, and that the first one is valid for the host name it asked for (RFC 5280 §6, RFC 9525). When a check fails, the client ends the handshake with a fatal alert that names the kind of problem (RFC 8446 §6.2).',
        after: 'This is the Certificate message from expired.test. Each entry is an X.509 certificate in DER; open one in the field tree to see its subject, its issuer and its validity dates. The next stops ask five such servers, live.',
      },
      expired: {
        title: 'An expired certificate',
        prose: 'expired.test sends a chain from a trusted CA, for the right name — but the notAfter date of its certificate has passed.',
        question: 'What does the client send?',
        choices: {
          certificate_expired: 'A fatal certificate_expired alert',
          bad_certificate: 'A fatal bad_certificate alert',
          close_notify: 'A close_notify: it closes politely',
          continues: 'Nothing: the handshake completes, with a warning',
        },
        after: 'TLS has an alert for exactly this: certificate_expired (RFC 8446 §6.2). Sent as a fatal alert, it ends the connection: the client never sends its Finished, and no application data is exchanged. A browser shows NET::ERR_CERT_DATE_INVALID. The fix is on the server: renew the certificate. A client whose clock is far off gets the same error from a perfectly good certificate.',
      },
      wrongHost: {
        title: 'The wrong name',
        prose: 'wrong-host.test sends a valid certificate from a trusted CA — issued for other-host.test.',
        question: 'What does the client answer?',
        choices: {
          certificate_unknown: 'A fatal certificate_unknown alert',
          unknown_ca: 'A fatal unknown_ca alert',
          certificate_expired: 'A fatal certificate_expired alert',
          continues: 'Nothing: the certificate is valid, so the handshake completes',
        },
        after: 'A certificate is valid only for the names in its subjectAltName extension (RFC 9525 §6; the subject’s common name is no longer consulted). Without this check, anyone holding any valid certificate could impersonate any site. TLS has no alert for a wrong name, so the client sends the general certificate_unknown (RFC 8446 §6.2). The fix: a certificate that lists every name clients use to reach the server.',
      },
      selfSigned: {
        title: 'A self-signed certificate',
        prose: 'self-signed.test sends a single certificate signed with its own key: its issuer and its subject are the same.',
        question: 'Which alert does the client send?',
        choices: {
          unknown_ca: 'unknown_ca',
          bad_certificate: 'bad_certificate',
          decrypt_error: 'decrypt_error',
          continues: 'None: the signature verifies, so it is accepted',
        },
        after: 'The signature is fine — the certificate vouches for itself — but nothing the client trusts vouches for it. No chain leads to a root in the trust store, and that is what unknown_ca says (RFC 8446 §6.2). A self-signed certificate works only where the client was told to trust it: curl --cacert, a pinned key, an internal trust store. Never by default.',
      },
      untrustedRoot: {
        title: 'A root nobody trusts',
        prose: 'untrusted-root.test sends its certificate together with the root CA that issued it, “Unknown Corporate Root CA”. The chain is complete and every signature in it is valid.',
        question: 'Is that enough?',
        choices: {
          unknown_ca: 'No: a fatal unknown_ca alert',
          certificate_unknown: 'No: a fatal certificate_unknown alert',
          bad_certificate: 'No: a fatal bad_certificate alert',
          continues: 'Yes: the server sent the whole chain, so the handshake completes',
        },
        after: 'Trust does not come from the chain the server sends: it comes from the client’s trust store. A root the server sends along is never taken as a trust anchor, which is why servers may leave it out (RFC 8446 §4.4.2). A company that runs its own CA has to install its root on every client; the server cannot fix this by sending it.',
      },
      incompleteChain: {
        title: 'A missing intermediate',
        prose: 'The certificate of incomplete-chain.test was issued by an intermediate CA, which a trusted root signed. The server sends its own certificate only, without the intermediate.',
        question: 'What does this client do?',
        choices: {
          unknown_ca: 'A fatal unknown_ca alert: it cannot reach a trusted root',
          bad_certificate: 'A fatal bad_certificate alert',
          certificate_unknown: 'A fatal certificate_unknown alert',
          continues: 'It completes the handshake: the root is trusted after all',
        },
        after: 'Without the intermediate, the client cannot link the certificate to the root, so it reports unknown_ca. This one is treacherous: some browsers complete the chain themselves, from intermediates cached on earlier visits or fetched from the certificate’s Authority Information Access address, so the site works in one browser and fails in curl, Python, Java or a phone app. The fix is on the server: send the full chain, the server’s certificate first, then the intermediates (RFC 8446 §4.4.2).',
      },
      summary: {
        title: 'Five failures, one pattern',
        prose: 'Every run ended the same way: the client found a problem in the Certificate message, sent a fatal alert naming its kind, and closed the connection before any application data. The alert names the kind of problem; the client’s check says exactly what was wrong.',
        after: 'Going past these errors — the playground’s “Continue on certificate errors”, curl -k — lets the handshake finish, but then nothing proves who is at the other end: an attacker in the middle could present any certificate at all. Fix the certificate, not the client.',
      },
    },
  },
  renegotiation: {
    title: 'Renegotiation and the IIS reset',
    summary: 'Why a request to an IIS site that wants a client certificate fails with “Connection reset by peer” as rustls and succeeds as OpenSSL — predicted, then watched on the wire.',
    stops: {
      initial: {
        title: 'An ordinary TLS 1.2 handshake',
        prose: 'iis-renegotiation.test behaves like IIS set to require a client certificate only under /secure/. It speaks TLS 1.2, and its first handshake does not ask for a client certificate: it does not know yet which path the client wants. The first run is a client that behaves like rustls.',
        after: 'The handshake completed as usual: ServerHello, Certificate, ServerKeyExchange and ServerHelloDone from the server, the client’s key exchange, and a Finished from each side (RFC 5246 §7.3). Both hellos carried the renegotiation_info extension, so the two sides agreed on secure renegotiation (RFC 5746) — which matters in a moment.',
      },
      helloRequest: {
        title: 'The request for /secure/',
        prose: 'The client sends its encrypted HTTP request: GET /secure/. The server reads the path and finds that it needs a client certificate, which it did not ask for in the handshake.',
        question: 'What does the server send back?',
        choices: {
          helloRequest: 'A HelloRequest: “please start a new handshake”',
          ok: 'HTTP 200 and the page',
          forbidden: 'HTTP 403: no certificate, no access',
          alert: 'An alert',
        },
        after: 'HelloRequest (RFC 5246 §7.4.1.1) is the smallest handshake message there is: type 0, length 0, four bytes, here encrypted under the current keys. It asks the client to begin a new handshake — a renegotiation — in which the server can send a CertificateRequest. Meanwhile IIS keeps the request waiting (and buffers up to 48 KB of its body).',
      },
      refusal: {
        title: 'A client that never renegotiates',
        prose: 'rustls does not implement renegotiation at all: TLS 1.3 removed it, and it was the ground for serious attacks (CVE-2009-3555).',
        question: 'What does this client answer the HelloRequest with?',
        choices: {
          warning: 'A no_renegotiation alert at warning level',
          fatal: 'A fatal alert that ends the connection',
          clientHello: 'A new ClientHello anyway',
          nothing: 'Nothing: it ignores the request',
        },
        after: 'RFC 5246 lets a client refuse: it may ignore the HelloRequest or answer with a no_renegotiation alert at warning level (RFC 5246 §7.4.1.1, §7.2.2). A warning does not end the connection: the client keeps reading, waiting for its HTTP response. It is the server’s turn to carry on without renegotiating, or to end the connection with a fatal alert.',
      },
      reset: {
        title: 'How IIS takes the refusal',
        prose: 'The server has just been told, politely, that the client will not renegotiate. The request is still waiting for its answer.',
        question: 'What does the server do?',
        choices: {
          reset: 'It resets the TCP connection (RST)',
          forbidden: 'It answers 403 Forbidden',
          handshakeFailure: 'It sends a fatal handshake_failure alert',
          ok: 'It answers 200 without a certificate',
        },
        after: 'http.sys treats the refusal as fatal and aborts the TCP connection with a reset: no alert, no HTTP status. All the client gets is “Connection reset by peer” (ECONNRESET), which says nothing about renegotiation or certificates — that is why this failure is so hard to diagnose, and why it has been reported against rustls, Go, Bouncy Castle, Deno and Erlang clients. An OpenSSL-based server would at least have sent a handshake_failure alert.',
      },
      renegotiate: {
        title: 'A client that renegotiates',
        prose: 'The second run sends the same request from a client that behaves like OpenSSL — as Node, curl and native-tls do — with the demo client certificate at hand. The server sends the same HelloRequest.',
        question: 'What does this client answer?',
        choices: {
          clientHello: 'A new ClientHello, encrypted under the current keys',
          warning: 'A no_renegotiation alert at warning level',
          certificate: 'Its client certificate, straight away',
        },
        after: 'The renegotiation ClientHello travels inside the existing encrypted connection. Its renegotiation_info extension carries the client’s Finished verify_data from the first handshake, and the server must answer with both Finished values: this binds the new handshake to the old one, which is the fix for the 2009 renegotiation attack (RFC 5746 §3.5). It offers no session to resume, so the server has to run a full handshake.',
      },
      certificateRequest: {
        title: 'The second handshake',
        prose: 'The server answers with a new ServerHello, its Certificate and a ServerKeyExchange: so far the same as the first time.',
        question: 'What comes next?',
        choices: {
          certificateRequest: 'A CertificateRequest: now the server asks for the client’s certificate',
          serverHelloDone: 'ServerHelloDone, as in the first handshake',
        },
        after: 'This is what the whole renegotiation was for: a CertificateRequest (RFC 5246 §7.4.4). The client answers with its Certificate and a CertificateVerify, a signature over the new handshake made with the certificate’s key; then both sides switch to new keys and exchange Finished messages.',
      },
      response: {
        title: 'The answer, at last',
        prose: 'The renegotiated handshake is complete, and the client is authenticated. The server still holds the request the client sent before the HelloRequest.',
        question: 'What does GET /secure/ get now?',
        choices: {
          ok: '200 OK',
          forbidden: '403 Forbidden (IIS: 403.7, client certificate required)',
          reset: 'A TCP reset',
        },
        after: 'IIS answers the waiting request under the new keys: 200, because a certificate came. Without one the same renegotiation succeeds and the answer is 403.7. Same server, same request: one client library gets “Connection reset by peer”, the other gets the page.',
      },
      fix: {
        title: 'The fix',
        prose: 'Neither client is wrong: refusing to renegotiate is legal, and so is renegotiating. What breaks is a server that asks for the certificate late, and then treats a legal refusal as fatal.',
        after: 'Fix it on the server by asking for the client certificate in the initial handshake: on IIS that is the SSL binding’s clientcertnegotiation=enable flag (netsh http add sslcert … clientcertnegotiation=enable); the demo target iis-fixed.test shows the result. Or move to TLS 1.3, where the certificate is requested in the handshake or with post-handshake authentication. The renegotiation doctor checks any server for this and writes the netsh commands for you.',
      },
    },
  },
} as const;

/** The English catalog, whole. */
export const en = { ...pagesEn, ...enCore, cli: cliEn, engine: engineSaid, traceFile: traceFileSaid, fields: fieldsEn, lessons: lessonsEn } as const;
