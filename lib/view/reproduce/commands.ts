import { personalities, isPersonalityName, type HelloRequestReaction } from '../../tls/client/personalities';
import { parseHttpsUrl } from '../../run/target';
import type { Field, RunOptions, Step, Trace } from '../../trace/schema';
import { shellLine, shellQuote } from './shell';

/**
 * "Reproduce it yourself": the same experiment with the tools everyone has — `openssl s_client` and
 * `curl` — as a pure function of the run. The options come from the trace's RunOptions; the HTTP
 * request is the one the run sent (its step's bytes), so the server sees the same request line and
 * headers. Where a tool has no switch for an option, a note says so instead of a flag that lies.
 */

/** Where the commands dial and which local files they name; all optional. */
export interface CommandPlace {
  /**
   * The address to dial, `host:port`, when it is not the URL's (a demo target's loopback port). By
   * default the run's own `connect` (the CLI records it), else the URL's host and port.
   */
  connect?: string;
  /** PEM file with the CA to trust (the demo root CA for the demo targets). */
  caFile?: string;
  /** PEM client certificate and key, when the run used one. */
  clientCertFile?: string;
  clientKeyFile?: string;
  /** A resumed run: where s_client keeps the session between its two connections (default tlspg-session.pem). */
  sessionFile?: string;
  /** A run with 0-RTT: the file s_client sends as early data, the HTTP request (default tlspg-request.txt). */
  requestFile?: string;
}

export interface ShellCommand {
  /**
   * The whole pipeline for a POSIX shell, quoted: paste it into a terminal. For a resumed run, one
   * line per step (write the request file, the first connection, the one that resumes).
   */
  line: string;
  /** The program and its arguments, as an exec call takes them (no shell); for a resumed run, the resuming connection's. */
  argv: string[];
  /** What the pipeline feeds the program's standard input (the HTTP request for s_client), if anything. */
  input?: Uint8Array;
}

/** What the commands cannot express, or what the reader has to know to run them (worded in the view). */
export type ReproduceNote =
  /** A demo target: start the demo targets and dial the port they print; trust the demo CA. */
  | { note: 'demo-target'; host: string }
  /** Lists this run left empty: each tool offers its own defaults, which differ from this client's. */
  | { note: 'default-lists' }
  /** The personality refuses renegotiation with a fatal alert; OpenSSL's refusal is a warning. */
  | { note: 'refuse-fatal' }
  /** The personality ignores a HelloRequest; OpenSSL has no switch for that. */
  | { note: 'ignore' }
  /** curl (with OpenSSL) always renegotiates: it reproduces only the renegotiating clients. */
  | { note: 'curl-renegotiates' }
  /** An option one of the tools has no switch for. */
  | { note: 'no-switch'; tool: 'openssl' | 'curl'; option: string }
  /** A group that OpenSSL only knows from version 3.5 on. */
  | { note: 'needs-openssl-3.5'; group: string }
  /** The server did not negotiate RFC 5746: OpenSSL 3 refuses such servers unless told otherwise. */
  | { note: 'legacy-server' }
  /** A tamper experiment changed a field of the client's flight: the tools send it unchanged. */
  | { note: 'tampered'; target: string }
  /** The request body is not repeated in the commands (binary, or too long for a command line). */
  | { note: 'body-omitted'; bytes: number }
  /** A resumed run: s_client in two steps, the session kept in a file between them. */
  | { note: 'resume-openssl'; sessionFile: string }
  /** A resumed run: curl resumes when it fetches the URL twice in one command (one session cache). */
  | { note: 'resume-curl' }
  /** 0-RTT: s_client sends the request file as early data, and does not send it again if the server rejects it. */
  | { note: 'early-data-openssl'; requestFile: string }
  /** 0-RTT: this curl has no switch for early data; it sends the request after the handshake. */
  | { note: 'early-data-curl' }
  /** psk_ke alone: OpenSSL (-allow_no_dhe_kex) offers psk_ke together with psk_dhe_ke; the server picks. */
  | { note: 'psk-ke-openssl' };

export interface Reproduction {
  openssl: ShellCommand;
  curl: ShellCommand;
  notes: ReproduceNote[];
}

/** OpenSSL's names for the TLS 1.2 suites the engine offers (`openssl ciphers -stdname` lists both). */
export const OPENSSL_TLS12_SUITES: Readonly<Record<string, string>> = {
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 'ECDHE-ECDSA-AES128-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384: 'ECDHE-ECDSA-AES256-SHA384',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'ECDHE-RSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384: 'ECDHE-RSA-AES256-SHA384',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA256: 'AES128-SHA256',
};

/** OpenSSL's names for the groups (`-groups`); curl passes its `--curves` list to OpenSSL unchanged. */
export const OPENSSL_GROUPS: Readonly<Record<string, string>> = {
  x25519: 'X25519',
  secp256r1: 'P-256',
  secp384r1: 'P-384',
  X25519MLKEM768: 'X25519MLKEM768',
};

/**
 * OpenSSL's names for signature schemes (`-sigalgs`) where they differ from the IANA ones; the others
 * OpenSSL (1.1.1 and later) takes as IANA names them. The SHA-1 ECDSA scheme has no IANA-style name there.
 */
export const OPENSSL_SIGALGS: Readonly<Record<string, string>> = {
  ecdsa_sha1: 'ECDSA+SHA1',
};

/** The HTTP request the run sent (or would have sent): its head's lines and its body. */
interface HttpRequest {
  lines: string[];
  body: Uint8Array;
}

const encoder = new TextEncoder();

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The request from the run's HTTP request step: the header lines as its annotation names them, the body as sent. */
function sentRequest(steps: readonly Step[]): HttpRequest | undefined {
  const step = steps.find((s) => s.kind === 'http' && s.data.message === 'request');
  const field = step?.bytes?.field;
  if (!step || step.kind !== 'http' || step.data.message !== 'request' || !field?.children || !step.bytes) return undefined;
  const bytes = fromHex(step.bytes.hex);
  const text = (f: Field) => new TextDecoder().decode(bytes.subarray(f.offset, f.offset + f.length)).replace(/\r\n$/, '');
  const lines: string[] = [];
  let body = new Uint8Array(0);
  for (const child of field.children) {
    if (child.name === 'request-line' || child.name.startsWith('header ')) lines.push(text(child));
    else if (child.name === 'body') body = bytes.slice(child.offset, child.offset + child.length);
  }
  return lines.length > 0 ? { lines, body } : undefined;
}

/** The engine's request for a run that never got to send one (lib/tls/http/http1.ts encodeRequest). */
function defaultRequest(options: RunOptions, host: string, port: number, path: string): HttpRequest {
  const hostHeader = port === 443 ? host : `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const lines = [`${options.method} ${path} HTTP/1.1`, `Host: ${hostHeader}`, 'User-Agent: tls-playground', 'Accept: */*', 'Connection: close'];
  if (options.method === 'POST' || options.method === 'PUT') lines.push('Content-Length: 0');
  return { lines, body: new Uint8Array(0) };
}

/** How a shell writes the body: n copies of one printable byte, short printable text, or not at all. */
type BodyWriter = { words: string[][]; omitted?: number };

function bodyWriter(body: Uint8Array): BodyWriter {
  if (body.length === 0) return { words: [] };
  const printable = body.every((b) => b >= 0x20 && b < 0x7f);
  if (printable && body.every((b) => b === body[0])) {
    return { words: [['head', '-c', String(body.length), '/dev/zero'], ['tr', '\\0', String.fromCharCode(body[0])]] };
  }
  // One argument to printf: Linux caps a single argument at 128 KiB; stay far below.
  if (printable && body.length <= 4096) return { words: [['printf', '%s', new TextDecoder().decode(body)]] };
  return { words: [], omitted: body.length };
}

/** A pipeline `a | b | c` of quoted commands. */
function pipeline(commands: string[][]): string {
  return commands.map(shellLine).join(' | ');
}

function renegotiationReaction(personality: string): HelloRequestReaction | undefined {
  return isPersonalityName(personality) ? personalities[personality].onHelloRequest : undefined;
}

/** The run's options, negotiated facts and request, as openssl s_client and curl command lines. */
export function reproduceCommands(trace: Pick<Trace, 'options' | 'steps'>, place: CommandPlace = {}): Reproduction {
  const { options, steps } = trace;
  const target = parseHttpsUrl(options.url);
  const host = target.ok ? target.host : options.url;
  const port = target.ok ? target.port : 443;
  const path = target.ok ? target.path : '/';
  const bracketed = host.includes(':') ? `[${host}]` : host;
  const connect = place.connect ?? options.connect ?? `${bracketed}:${port}`;
  const isIp = /^[\d.]+$/.test(host) || host.includes(':');
  const notes: ReproduceNote[] = [];
  if (host.toLowerCase().endsWith('.test')) notes.push({ note: 'demo-target', host });
  if (options.tamper) notes.push({ note: 'tampered', target: options.tamper.target });
  if (options.cipherSuites.length === 0 || options.groups.length === 0 || options.signatureSchemes.length === 0) notes.push({ note: 'default-lists' });

  const only13 = options.versions.length === 1 && options.versions[0] === 'TLSv1.3';
  const only12 = options.versions.length === 1 && options.versions[0] === 'TLSv1.2';
  const suites13 = options.cipherSuites.filter((s) => !OPENSSL_TLS12_SUITES[s]);
  const suites12 = options.cipherSuites.filter((s) => OPENSSL_TLS12_SUITES[s]).map((s) => OPENSSL_TLS12_SUITES[s]);
  const groups = options.groups.map((g) => OPENSSL_GROUPS[g] ?? g);
  for (const g of options.groups) if (g === 'X25519MLKEM768') notes.push({ note: 'needs-openssl-3.5', group: g });
  const off = options.tls12Off ?? [];
  const reaction = only13 ? undefined : renegotiationReaction(options.personality);
  const legacyServer = steps.some((s) => s.kind === 'negotiated' && s.data.version === 'TLSv1.2' && !s.data.secureRenegotiation);

  // openssl s_client: every choice as a flag, the request on standard input.
  const s: string[] = ['openssl', 's_client', '-connect', connect];
  s.push(...(isIp ? ['-noservername'] : ['-servername', host]));
  if (only13) s.push('-tls1_3');
  else if (only12) s.push('-tls1_2');
  else s.push('-min_protocol', 'TLSv1.2');
  // Suites chosen for TLS 1.2 only: an empty TLS 1.3 list, or OpenSSL adds its own. (The other way
  // round OpenSSL refuses an empty TLS 1.2 list, so it keeps its TLS 1.2 defaults.)
  if (suites13.length || (suites12.length && !only12)) s.push('-ciphersuites', suites13.join(':'));
  if (suites12.length) s.push('-cipher', suites12.join(':'));
  if (groups.length) s.push('-groups', groups.join(':'));
  if (options.signatureSchemes.length) s.push('-sigalgs', options.signatureSchemes.map((n) => OPENSSL_SIGALGS[n] ?? n).join(':'));
  if (options.alpn.length) s.push('-alpn', options.alpn.join(','));
  if (place.caFile) s.push('-CAfile', place.caFile);
  // s_client only reports a failed verification and carries on, unless told to stop (our client stops).
  if (!options.insecure) s.push('-verify_return_error', isIp ? '-verify_ip' : '-verify_hostname', host);
  if (options.clientCertificate) s.push('-cert', place.clientCertFile ?? 'client.crt', '-key', place.clientKeyFile ?? 'client.key');
  if (options.postHandshakeAuth) s.push('-enable_pha');
  if (off.includes('session_ticket')) s.push('-no_ticket');
  if (off.includes('encrypt_then_mac')) s.push('-no_etm');
  if (off.includes('extended_master_secret')) notes.push({ note: 'no-switch', tool: 'openssl', option: 'extended_master_secret' });
  if (off.includes('renegotiation_info')) notes.push({ note: 'no-switch', tool: 'openssl', option: 'renegotiation_info' });
  // RFC 5746: OpenSSL 3 refuses a server without secure renegotiation unless allowed to connect to it.
  if (legacyServer) {
    s.push('-legacy_server_connect');
    notes.push({ note: 'legacy-server' });
  }
  // The IIS story: OpenSSL renegotiates by default (RFC 5746 secure renegotiation only); refusing
  // clients (rustls, Go, BoringSSL) answer a HelloRequest with no_renegotiation (RFC 5246 §7.4.1.1).
  if (reaction && reaction !== 'renegotiate' && reaction !== 'ignore') s.push('-no_renegotiation');
  if (reaction === 'refuse-fatal') notes.push({ note: 'refuse-fatal' });
  if (reaction === 'ignore') notes.push({ note: 'ignore' });

  const request = sentRequest(steps) ?? defaultRequest(options, host, port, path);
  const body = bodyWriter(request.body);
  if (body.omitted !== undefined) notes.push({ note: 'body-omitted', bytes: body.omitted });
  const head = ['printf', '%s\\r\\n', ...request.lines, ''];
  const writeRequest = body.words.length ? `{ ${shellLine(head)}; ${pipeline(body.words)}; }` : shellLine(head);
  const headBytes = encoder.encode(request.lines.map((l) => `${l}\r\n`).join('') + '\r\n');
  const input = body.omitted !== undefined ? headBytes : concat(headBytes, request.body);
  // Keep reading after the request is sent: the answer (or the reset) comes after standard input ends.
  const openssl: ShellCommand = options.resume ? resumedOpenssl(s, options, place, writeRequest, input, notes) : { line: `${writeRequest} | ${shellLine([...s, '-ign_eof'])}`, argv: [...s, '-ign_eof'], input };

  // curl (built with OpenSSL, as Debian's and most Linux distributions' is).
  const c: string[] = ['curl', '-sS', '-v'];
  if (only13) c.push('--tlsv1.3', '--tls-max', '1.3');
  else if (only12) c.push('--tlsv1.2', '--tls-max', '1.2');
  else c.push('--tlsv1.2');
  if (suites13.length) c.push('--tls13-ciphers', suites13.join(':'));
  if (suites12.length) c.push('--ciphers', suites12.join(':'));
  if (groups.length) c.push('--curves', groups.join(':'));
  if (options.signatureSchemes.length) notes.push({ note: 'no-switch', tool: 'curl', option: 'signature_algorithms' });
  if (options.alpn.length === 0) c.push('--no-alpn');
  else if (options.alpn.length === 1 && options.alpn[0] === 'http/1.1') c.push('--http1.1');
  else notes.push({ note: 'no-switch', tool: 'curl', option: `ALPN ${options.alpn.join(', ')}` });
  if (place.caFile) c.push('--cacert', place.caFile);
  if (options.insecure) c.push('--insecure');
  if (options.clientCertificate) c.push('--cert', place.clientCertFile ?? 'client.crt', '--key', place.clientKeyFile ?? 'client.key');
  if (options.postHandshakeAuth) notes.push({ note: 'no-switch', tool: 'curl', option: 'post_handshake_auth' });
  if (off.includes('session_ticket')) notes.push({ note: 'no-switch', tool: 'curl', option: 'session_ticket' });
  if (off.includes('encrypt_then_mac')) notes.push({ note: 'no-switch', tool: 'curl', option: 'encrypt_then_mac' });
  if (reaction && reaction !== 'renegotiate') notes.push({ note: 'curl-renegotiates' });
  const urlConnect = `${bracketed}:${port}`;
  if (connect !== urlConnect) c.push('--connect-to', `${bracketed}:${port}:${connect}`);
  // The same request head: curl writes Host, Accept */* and Content-Length itself.
  for (const line of request.lines.slice(1)) {
    const [name, ...rest] = line.split(':');
    const value = rest.join(':').trim();
    const lower = name.toLowerCase();
    if (lower === 'host' || lower === 'content-length' || (lower === 'accept' && value === '*/*')) continue;
    if (lower === 'user-agent') c.push('-A', value);
    else c.push('-H', `${name}: ${value}`);
  }
  const method = request.lines[0].split(' ')[0];
  const feeds: string[][] = [];
  if (method === 'POST' || request.body.length > 0) {
    // --data-binary sends the bytes untouched; curl would add a form Content-Type the run did not send.
    c.push('-H', 'Content-Type:');
    if (body.words.length === 1 && body.words[0][0] === 'printf') c.push('--data-binary', body.words[0][2]);
    else if (body.words.length) {
      c.push('--data-binary', '@-');
      feeds.push(...body.words);
    } else c.push('--data-binary', '');
    if (method !== 'POST') c.push('-X', method);
  } else if (method !== 'GET') c.push('-X', method);
  c.push(options.url);
  // RFC 5246 §7.3, RFC 8446 §2.2: curl keeps the session of its first transfer for the second to the same host.
  if (options.resume) {
    c.push(options.url);
    notes.push({ note: 'resume-curl' });
    if (options.earlyData) notes.push({ note: 'early-data-curl' });
    if (options.pskModes?.length && !options.pskModes.includes('psk_dhe_ke')) notes.push({ note: 'no-switch', tool: 'curl', option: 'psk_ke' });
  }
  const curl: ShellCommand = {
    line: feeds.length ? `${pipeline(feeds)} | ${shellLine(c)}` : shellLine(c),
    argv: c,
    input: feeds.length ? request.body : undefined,
  };
  return { openssl, curl, notes };
}

/**
 * A resumed run as s_client in two steps: the first connection writes its session (TLS 1.3: the last
 * NewSessionTicket; TLS 1.2: the session id or ticket) to a file with -sess_out, the second offers it
 * with -sess_in. With 0-RTT the request goes in a file that the second connection sends as early data
 * (RFC 8446 §4.2.10) before the handshake completes; its standard input is then empty.
 */
function resumedOpenssl(s: string[], options: RunOptions, place: CommandPlace, writeRequest: string, input: Uint8Array, notes: ReproduceNote[]): ShellCommand {
  const sessionFile = place.sessionFile ?? 'tlspg-session.pem';
  const requestFile = place.requestFile ?? 'tlspg-request.txt';
  notes.push({ note: 'resume-openssl', sessionFile });
  const first = [...s, '-sess_out', sessionFile, '-ign_eof'];
  const second = [...s];
  // RFC 8446 §4.2.9: psk_ke is offered only when allowed; OpenSSL then offers it with psk_dhe_ke.
  if (options.pskModes?.includes('psk_ke')) {
    second.push('-allow_no_dhe_kex');
    if (!options.pskModes.includes('psk_dhe_ke')) notes.push({ note: 'psk-ke-openssl' });
  }
  second.push('-sess_in', sessionFile);
  if (!options.earlyData) {
    second.push('-ign_eof');
    return { line: [`${writeRequest} | ${shellLine(first)}`, `${writeRequest} | ${shellLine(second)}`].join('\n'), argv: second, input };
  }
  notes.push({ note: 'early-data-openssl', requestFile });
  second.push('-early_data', requestFile, '-ign_eof');
  const lines = [`${writeRequest} > ${shellQuote(requestFile)}`, `${shellLine(first)} < ${shellQuote(requestFile)}`, `${shellLine(second)} < /dev/null`];
  return { line: lines.join('\n'), argv: second };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}


/**
 * The files the page's commands name: for a demo target, the demo CA and client certificate where a
 * clone of the repository keeps them (`npm run demo` writes them to data/demo/pki, the default demo
 * data directory of server/demo/registry.ts); for any other host, the tools' own trust store and
 * placeholder names for the reader's certificate.
 */
export function pageCommandPlace(url: string): CommandPlace {
  const target = parseHttpsUrl(url);
  if (!target.ok || !/\.test$/i.test(target.host)) return {};
  return { caFile: 'data/demo/pki/demo-root-ca.crt', clientCertFile: 'data/demo/pki/demo-client.crt', clientKeyFile: 'data/demo/pki/demo-client.key' };
}
