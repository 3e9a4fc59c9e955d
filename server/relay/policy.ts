/**
 * Target policy: which host, address and port a client may reach through the relay. The relay
 * resolves names itself and returns only addresses it has checked; the session dials exactly
 * those, so a DNS answer cannot change between the check and the dial (no rebinding).
 *
 * Address classes come from ipaddr.js range() names (IANA special-purpose registries, RFC 6890).
 */
import ipaddr from 'ipaddr.js';
import { Resolver as DnsResolver } from 'node:dns/promises';
import type { DemoTarget, Resolver } from './config';
import { ConfigError } from './config';
import { enCore } from '../../lib/i18n/messages/enCore';

type IP = ipaddr.IPv4 | ipaddr.IPv6;
export type Cidr = [IP, number];

/** The port every demo alias is reached on: its URL is https://<name>.test/. */
export const DEMO_PORT = 443;

export type RefusalCode = 'POLICY' | 'ENOTFOUND' | 'ETIMEDOUT';

export interface Refusal {
  code: RefusalCode;
  /** Stable word for metrics and logs: port, ip-literal, address-private, reserved-name, ... */
  reason: string;
  /** A sentence for the person looking at the trace. */
  message: string;
}

export type TargetPlan =
  /** A built-in demo server, reachable only by its alias; dialed without the address policy. */
  | { kind: 'demo'; host: string; address: string; port: number }
  /** A checked destination: `addresses` are the dial forms, tried in order. */
  | { kind: 'address'; host: string; literal: boolean; addresses: string[]; port: number };

export type PlanResult = { ok: true; plan: TargetPlan } | { ok: false; refusal: Refusal };

export interface TargetPolicyOptions {
  allowedPorts: number[];
  allowIpLiterals: boolean;
  allow: string[];
  deny: string[];
  demoTargets: Record<string, DemoTarget>;
  /** Demo targets that are not running here: name → why (an English sentence). */
  unavailableDemoTargets?: Record<string, string>;
  /** The relay's own addresses (listening address, interface addresses): never dialed. */
  ownAddresses: string[];
  resolve: Resolver;
  dnsTimeoutMs: number;
}

/**
 * Words for each address range the relay refuses, in its own (English) refusal sentences: the
 * catalog's English, which a page in any language words the same refusal from (`address-<range>`).
 */
const RANGE_WORDS: Record<string, string> = enCore.steps.transport.range;

/**
 * IPv6 ranges that carry an IPv4 address (RFC 4291 §2.5.5.2, RFC 6145, RFC 3056, RFC 4380): the
 * relay judges the embedded IPv4 address, so the range itself is never the reason of a refusal.
 * (rfc6052 is: only its well-known prefix is judged by the address inside, RFC 8215's is refused.)
 */
const EMBEDDING_RANGES = new Set(['ipv4Mapped', 'rfc6145', '6to4', 'teredo']);

/**
 * Every range a refusal can name as `address-<range>`: ipaddr.js's special-purpose ranges, IPv4 and
 * IPv6, except unicast and the IPv4-embedding forms, and IPv6 unicast outside 2000::/3 (notGlobal).
 */
export const REFUSED_RANGES: readonly string[] = [
  ...new Set([...specialRanges(ipaddr.IPv4), ...specialRanges(ipaddr.IPv6).filter((range) => !EMBEDDING_RANGES.has(range)), 'notGlobal']),
];

/** The range names range() can answer besides unicast (its table is not in ipaddr.js's typings). */
function specialRanges(kind: typeof ipaddr.IPv4 | typeof ipaddr.IPv6): string[] {
  return Object.keys((kind.prototype as unknown as { SpecialRanges: Record<string, unknown> }).SpecialRanges);
}

/** RFC 4291 §2.4 / IANA: all assigned global unicast IPv6 space is inside 2000::/3. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');
/** RFC 6052 §2.1: the well-known NAT64 prefix embeds the IPv4 address in the last 32 bits. */
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

/**
 * Special-use domain names that never name a public host: RFC 6761 §6.2–6.4 (test, localhost,
 * invalid), RFC 6762 (local), RFC 7686 (onion), RFC 8375 (home.arpa), RFC 9476 (alt), and
 * ICANN's private-use TLD (internal).
 */
const RESERVED_SUFFIXES = ['localhost', 'test', 'invalid', 'local', 'onion', 'home.arpa', 'alt', 'internal'];

function parseCidrOrAddress(entry: string): Cidr | undefined {
  if (ipaddr.isValidCIDR(entry)) return ipaddr.parseCIDR(entry);
  if (ipaddr.isValid(entry) && !entry.includes('%')) {
    const ip = ipaddr.parse(entry);
    return [ip, ip.kind() === 'ipv4' ? 32 : 128];
  }
  return undefined;
}

/** Splits an allow/deny list into address rules and host name patterns. */
export function parseRuleList(name: string, entries: string[]): { cidrs: Cidr[]; hosts: string[] } {
  const cidrs: Cidr[] = [];
  const hosts: string[] = [];
  for (const entry of entries) {
    const cidr = parseCidrOrAddress(entry);
    if (cidr) cidrs.push(cidr);
    else if (/^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/i.test(entry)) hosts.push(entry.toLowerCase().replace(/\.$/, ''));
    else throw new ConfigError(`${name}: "${entry}" is neither an address, a CIDR nor a host name pattern`);
  }
  return { cidrs, hosts };
}

export function matchesCidr(ip: IP, cidrs: Cidr[]): boolean {
  return cidrs.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
}

/** `example.com` matches exactly; `*.example.com` matches any name below example.com. */
export function matchesHostPattern(host: string, patterns: string[]): boolean {
  return patterns.some((p) => (p.startsWith('*.') ? host.endsWith(p.slice(1)) : host === p));
}

/** The IPv4 form of an IPv4-mapped IPv6 address, or the address itself. */
export function normalizeAddress(ip: IP): IP {
  if (ip.kind() !== 'ipv6') return ip;
  const v6 = ip as ipaddr.IPv6;
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

function ipv4FromParts(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

export type ParsedHost =
  | { kind: 'ip'; ip: IP; text: string }
  | { kind: 'name'; name: string }
  | { kind: 'invalid'; message: string };

/**
 * Classifies the host the client asked for. Anything an IP stack would read as a number is an IP
 * literal: dotted quads, and also 127.1, 0x7f000001, 2130706433, 0177.0.0.1 (inet_aton forms),
 * which the WHATWG URL host parser canonicalizes exactly as a browser would. Such strings must
 * never reach a resolver, which might turn them into an address unchecked.
 */
export function parseHost(raw: string): ParsedHost {
  if (raw.length === 0 || raw.length > 255) return { kind: 'invalid', message: 'the host name is empty or too long' };
  let v6 = raw;
  if (raw.startsWith('[') && raw.endsWith(']')) v6 = raw.slice(1, -1);
  if (v6.includes(':')) {
    // Zone indexes (fe80::1%eth0) name a local interface: never a public host.
    if (v6.includes('%') || !ipaddr.IPv6.isValid(v6)) return { kind: 'invalid', message: `"${raw}" is not a valid IPv6 address` };
    const ip = ipaddr.IPv6.parse(v6);
    return { kind: 'ip', ip, text: ip.toString() };
  }
  if (/[^A-Za-z0-9._\-\u0080-\uffff]/.test(raw)) return { kind: 'invalid', message: `"${raw}" contains characters a host name cannot have` };
  let hostname: string;
  try {
    hostname = new URL(`http://${raw}/`).hostname;
  } catch {
    return { kind: 'invalid', message: `"${raw}" is not a valid host name` };
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(hostname)) {
    const ip = ipaddr.IPv4.parse(hostname);
    return { kind: 'ip', ip, text: ip.toString() };
  }
  const name = hostname.replace(/\.$/, '');
  if (name.length > 253 || name.length === 0) return { kind: 'invalid', message: 'the host name is too long' };
  // RFC 1123 §2.1 labels; underscores occur in real names (service records), so they pass.
  const labels = name.split('.');
  if (!labels.every((l) => /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/.test(l))) {
    return { kind: 'invalid', message: `"${raw}" is not a valid host name` };
  }
  // Belt and braces: nothing that parses as an address may be treated as a name.
  if (ipaddr.isValid(name)) return { kind: 'invalid', message: `"${raw}" looks like an address` };
  return { kind: 'name', name };
}

export class TargetPolicy {
  private readonly allowCidrs: Cidr[];
  private readonly allowHosts: string[];
  private readonly denyCidrs: Cidr[];
  private readonly denyHosts: string[];
  private readonly own: Set<string>;
  private readonly demo: Map<string, DemoTarget>;
  private readonly unavailableDemo = new Map<string, string>();

  constructor(private readonly options: TargetPolicyOptions) {
    ({ cidrs: this.allowCidrs, hosts: this.allowHosts } = parseRuleList('RELAY_ALLOW', options.allow));
    ({ cidrs: this.denyCidrs, hosts: this.denyHosts } = parseRuleList('RELAY_DENY', options.deny));
    this.own = new Set(
      options.ownAddresses.filter((a) => ipaddr.isValid(a)).map((a) => normalizeAddress(ipaddr.parse(a.replace(/%.*$/, ''))).toString()),
    );
    this.demo = new Map();
    this.setDemoTargets(options.demoTargets, options.unavailableDemoTargets);
  }

  /**
   * Replaces the demo aliases (the demo servers may start, move or stop while the relay runs), and
   * the demo targets known not to be running here, with why.
   */
  setDemoTargets(targets: Record<string, DemoTarget>, unavailable: Record<string, string> = {}): void {
    const alias = (name: string) => `${name.toLowerCase().replace(/\.test$/, '')}.test`;
    this.demo.clear();
    this.unavailableDemo.clear();
    for (const [name, target] of Object.entries(targets)) this.demo.set(alias(name), { host: target.host, port: target.port });
    for (const [name, why] of Object.entries(unavailable)) if (!this.demo.has(alias(name))) this.unavailableDemo.set(alias(name), why);
  }

  /** Decides where (if anywhere) a client's host and port lead. Resolves names. */
  async plan(hostRaw: string | null, portRaw: string | null): Promise<PlanResult> {
    if (hostRaw === null || portRaw === null) {
      return refuse('POLICY', 'bad-target', 'the relay needs ?host=NAME&port=NUMBER');
    }
    if (!/^[0-9]{1,5}$/.test(portRaw) || Number(portRaw) < 1 || Number(portRaw) > 65535) {
      return refuse('POLICY', 'bad-target', `"${portRaw}" is not a TCP port number`);
    }
    const port = Number(portRaw);
    if (!this.options.allowedPorts.includes(port)) {
      return refuse('POLICY', 'port', `port ${port} is not allowed (allowed: ${this.options.allowedPorts.join(', ')})`);
    }
    const parsed = parseHost(hostRaw);
    if (parsed.kind === 'invalid') return refuse('POLICY', 'invalid-host', parsed.message);
    if (parsed.kind === 'ip') {
      if (!this.options.allowIpLiterals) {
        return refuse('POLICY', 'ip-literal', `${hostRaw} is an IP address; the relay only connects to host names`);
      }
      const refusal = this.checkAddress(parsed.ip);
      if (refusal) return { ok: false, refusal: { ...refusal, message: `${hostRaw} is ${refusal.message}` } };
      const address = normalizeAddress(parsed.ip).toString();
      return { ok: true, plan: { kind: 'address', host: address, literal: true, addresses: [address], port } };
    }
    return this.planName(parsed.name, port);
  }

  /**
   * The demo server a name reaches: its alias `<name>.test`, or a name one label under it
   * (www.wildcard.test), as a DNS wildcard record `*.<name>.test` would answer. A wildcard
   * certificate (RFC 6125 §6.4.3) is only ever met by a name under the one it covers.
   */
  private demoServer(name: string): { host: string; port: number } | undefined {
    return this.demo.get(name) ?? (name.split('.').length > 2 ? this.demo.get(name.slice(name.indexOf('.') + 1)) : undefined);
  }

  /**
   * Whether the host a client names is a built-in demo target's alias: such a session is dialed on
   * loopback to our own demo server (or refused), never to the outside world.
   */
  isDemoAlias(hostRaw: string | null): boolean {
    if (hostRaw === null) return false;
    const parsed = parseHost(hostRaw);
    return parsed.kind === 'name' && this.demoServer(parsed.name) !== undefined;
  }

  private async planName(name: string, port: number): Promise<PlanResult> {
    const demo = this.demoServer(name);
    // A demo alias names one server as https://<name>.test/: a port in the URL would be silently
    // ignored (tls13.test:8443 reaching the port-443 demo), so any other port is refused.
    if (demo && port !== DEMO_PORT) return refuse('POLICY', 'demo-port', `${name} is a demo target; it answers on port ${DEMO_PORT} only (https://${name}/), not ${port}`);
    if (demo) return { ok: true, plan: { kind: 'demo', host: name, address: demo.host, port: demo.port } };
    // A built-in demo target whose server could not start here: say so, rather than call its
    // reserved name unreachable like any other .test name.
    const notRunning = this.unavailableDemo.get(name) ?? (name.split('.').length > 2 ? this.unavailableDemo.get(name.slice(name.indexOf('.') + 1)) : undefined);
    if (notRunning) return refuse('POLICY', 'demo-not-running', notRunning);
    if (matchesHostPattern(name, this.denyHosts)) return refuse('POLICY', 'denied-host', `${name} is on the relay's deny list`);
    if (this.allowHosts.length > 0 && !matchesHostPattern(name, this.allowHosts)) {
      return refuse('POLICY', 'not-allowed-host', `${name} is not on the relay's allow list`);
    }
    const suffix = RESERVED_SUFFIXES.find((s) => name === s || name.endsWith(`.${s}`));
    if (suffix) return refuse('POLICY', 'reserved-name', `${name} is a special-use name (.${suffix}) that never names a public host`);
    if (!name.includes('.')) return refuse('POLICY', 'single-label-name', `${name} is a single-label name; use a fully qualified name`);

    let answers: string[];
    try {
      answers = await withTimeout(this.options.resolve(name), this.options.dnsTimeoutMs);
    } catch (err) {
      if (err instanceof TimeoutError) return refuse('ETIMEDOUT', 'dns-timeout', `no DNS answer for ${name} within ${this.options.dnsTimeoutMs} ms`);
      return refuse('ENOTFOUND', 'dns', `could not resolve ${name}: ${dnsErrorWords(err)}`);
    }
    if (answers.length === 0) return refuse('ENOTFOUND', 'dns', `${name} has no addresses`);
    const addresses: string[] = [];
    for (const answer of answers) {
      if (!ipaddr.isValid(answer) || answer.includes('%')) return refuse('POLICY', 'bad-dns-answer', `${name} resolved to "${answer}", not an address`);
      const ip = ipaddr.parse(answer);
      // One refused answer refuses the name: an attacker's zone can mix public and private records.
      const refusal = this.checkAddress(ip);
      if (refusal) return { ok: false, refusal: { ...refusal, message: `${name} resolves to ${refusal.message}` } };
      const dialForm = normalizeAddress(ip).toString();
      if (!addresses.includes(dialForm)) addresses.push(dialForm);
    }
    return { ok: true, plan: { kind: 'address', host: name, literal: false, addresses, port } };
  }

  /** Returns why an address may not be dialed, or undefined when it may. */
  checkAddress(input: IP): Refusal | undefined {
    const ip = normalizeAddress(input);
    const text = ip.toString();
    const shown = input === ip ? text : `${input.toString()} (${text})`;
    if (this.own.has(text)) return { code: 'POLICY', reason: 'own-address', message: `${shown}, an address of the relay itself` };
    if (matchesCidr(ip, this.denyCidrs)) return { code: 'POLICY', reason: 'denied-address', message: `${shown}, which is on the relay's deny list` };
    if (matchesCidr(ip, this.allowCidrs)) {
      // Not even RELAY_ALLOW opens this machine itself: every loopback address (127.0.0.0/8 and
      // ::1 reach the app and the relay however they are bound, RFC 1122 §3.2.1.3, RFC 4291
      // §2.5.3) and the unspecified address (connecting to 0.0.0.0 or :: reaches any port bound
      // to the wildcard on Linux). Loopback services are offered as demo aliases instead.
      const range = ip.range();
      if (range === 'loopback' || range === 'unspecified') {
        return { code: 'POLICY', reason: 'own-address', message: `${shown}, an address of the relay's own machine` };
      }
      return undefined;
    }
    if (ip.kind() === 'ipv4') {
      const range = ip.range();
      return range === 'unicast' ? undefined : rangeRefusal(range, shown);
    }
    return this.checkIpv6(ip as ipaddr.IPv6, shown);
  }

  private checkIpv6(ip: ipaddr.IPv6, shown: string): Refusal | undefined {
    const range = ip.range();
    const p = ip.parts;
    switch (range) {
      case 'unicast':
        return ip.match(GLOBAL_UNICAST_V6) ? undefined : rangeRefusal('notGlobal', shown);
      // RFC 6145 IPv4-translated (::ffff:0:a.b.c.d): the IPv4 address is the last 32 bits.
      case 'rfc6145':
        return this.checkEmbedded(ipv4FromParts(p[6], p[7]), shown, 'IPv4-translated (RFC 6145)');
      case 'rfc6052':
        if (ip.match(NAT64_WELL_KNOWN)) return this.checkEmbedded(ipv4FromParts(p[6], p[7]), shown, 'NAT64 (RFC 6052)');
        return rangeRefusal('rfc6052', shown);
      // RFC 3056 §2: 2002:AABB:CCDD::/48 carries the IPv4 address AA.BB.CC.DD.
      case '6to4':
        return this.checkEmbedded(ipv4FromParts(p[1], p[2]), shown, '6to4 (RFC 3056)');
      // RFC 4380 §4: Teredo server IPv4 in bits 32–63, client IPv4 inverted in the last 32 bits.
      case 'teredo':
        return (
          this.checkEmbedded(ipv4FromParts(p[2], p[3]), shown, 'Teredo (RFC 4380) server') ??
          this.checkEmbedded(ipv4FromParts(~p[6] & 0xffff, ~p[7] & 0xffff), shown, 'Teredo (RFC 4380) client')
        );
      default:
        return rangeRefusal(range, shown);
    }
  }

  private checkEmbedded(v4: ipaddr.IPv4, shown: string, form: string): Refusal | undefined {
    const inner = this.checkAddress(v4);
    if (!inner) return undefined;
    return { ...inner, message: `${shown}, the ${form} form of ${inner.message}` };
  }
}

function rangeRefusal(range: string, shown: string): Refusal {
  return { code: 'POLICY', reason: `address-${range}`, message: `${shown}, ${RANGE_WORDS[range] ?? `a special-purpose address (${range})`}` };
}

function refuse(code: RefusalCode, reason: string, message: string): PlanResult {
  return { ok: false, refusal: { code, reason, message } };
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError()), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

function dnsErrorWords(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOTFOUND') return 'no such name (NXDOMAIN)';
  if (code === 'ENODATA') return 'the name has no A or AAAA records';
  if (code === 'ESERVFAIL') return 'the DNS server failed (SERVFAIL)';
  return (err as Error)?.message ?? String(err);
}

/**
 * The default resolver: A and AAAA queries through c-ares. Unlike getaddrinfo it applies no
 * search domains and reads no hosts file, so a short name cannot expand to an internal one.
 */
export function systemResolver(timeoutMs: number): Resolver {
  const resolver = new DnsResolver({ timeout: Math.max(100, Math.floor(timeoutMs / 2)), tries: 2 });
  return async (host) => {
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
    const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
    if (addresses.length > 0) return addresses;
    if (v4.status === 'rejected') throw v4.reason;
    if (v6.status === 'rejected') throw v6.reason;
    return [];
  };
}
