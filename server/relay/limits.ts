/**
 * Per-client limits: who the client is (behind trusted proxies), how many sessions it holds, and
 * how fast it opens new ones.
 */
import ipaddr from 'ipaddr.js';
import { matchesCidr, normalizeAddress, type Cidr } from './policy';

/**
 * The client's address. X-Forwarded-For is believed only when the TCP peer is a trusted proxy;
 * then the rightmost entry that is not itself a trusted proxy is the client (entries to its left
 * were written by the client and may be forged).
 */
export function clientAddress(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedProxies: Cidr[]): string {
  const peer = canonical(remoteAddress) ?? 'unknown';
  const cidrs = trustedProxies;
  const isTrusted = (text: string) => ipaddr.isValid(text) && matchesCidr(normalizeAddress(ipaddr.parse(text)), cidrs);
  if (cidrs.length === 0 || !isTrusted(peer) || forwardedFor === undefined) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = canonical(hops[i]);
    if (hop === undefined) return peer; // garbage in the chain: fall back to what we can see
    if (!isTrusted(hop)) return hop;
  }
  return peer;
}

function canonical(address: string | undefined): string | undefined {
  if (!address || !ipaddr.isValid(address) || address.includes('%')) return undefined;
  return normalizeAddress(ipaddr.parse(address)).toString();
}

/**
 * The key limits are counted under. An IPv6 host usually holds a whole /64 (RFC 4291 §2.5.4,
 * RFC 7421), so counting single addresses would let one client look like 2^64 clients.
 */
export function limitKey(address: string): string {
  if (!ipaddr.IPv6.isValid(address)) return address;
  const p = ipaddr.IPv6.parse(address).parts;
  return `${p.slice(0, 4).map((x) => x.toString(16)).join(':')}::/64`;
}

/**
 * Which per-minute allowance a new session is counted against. The rate limit is there so the relay
 * cannot be used to open connections to the outside world quickly; a session to a built-in demo
 * target (a `<name>.test` alias, dialed on loopback to our own demo servers) opens none, so it has
 * an allowance of its own, more generous (a lesson page alone starts five runs per load).
 */
export type Allowance = 'outside' | 'demo';

export type RateRefusal = { code: 'RATE'; reason: 'client-rate'; message: string };

export type Admission =
  | {
      ok: true;
      release: () => void;
      /**
       * The session, opened without a target and counted against the outside world's allowance,
       * named a demo target: its token goes back to that allowance and one is taken from the demo
       * targets' instead, or the refusal when that one is spent.
       */
      countAsDemo: () => RateRefusal | undefined;
    }
  | { ok: false; code: 'RATE' | 'LIMIT'; reason: string; message: string };

export interface ClientLimits {
  maxSessionsPerClient: number;
  /** New sessions per minute to the outside world (and sessions opened before naming a target). */
  newSessionsPerMinute: number;
  /** New sessions per minute to the built-in demo targets. */
  demoSessionsPerMinute: number;
  maxSessions: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** One token bucket per client key: `rate` tokens a minute, a burst of `rate`. */
class RateBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rate: number,
    private readonly now: () => number,
  ) {}

  /** Takes a token for this key; false when none is left. */
  take(key: string): boolean {
    const bucket = this.refilled(key);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Gives back a token taken for a session that turned out not to belong here. */
  giveBack(key: string): void {
    const bucket = this.refilled(key);
    bucket.tokens = Math.min(this.rate, bucket.tokens + 1);
  }

  private refilled(key: string): Bucket {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.rate, updatedMs: now };
    bucket.tokens = Math.min(this.rate, bucket.tokens + ((now - bucket.updatedMs) * this.rate) / 60_000);
    bucket.updatedMs = now;
    this.buckets.set(key, bucket);
    return bucket;
  }

  /** Forgets buckets that have refilled, so the map does not grow with every address ever seen. */
  prune(): void {
    const now = this.now();
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.updatedMs) * this.rate) / 60_000 >= this.rate) this.buckets.delete(key);
    }
  }

  keys(): Iterable<string> {
    return this.buckets.keys();
  }
}

export class ClientLimiter {
  private readonly active = new Map<string, number>();
  private readonly rates: Record<Allowance, RateBuckets>;
  private total = 0;

  constructor(
    private readonly limits: ClientLimits,
    now: () => number = () => Date.now(),
  ) {
    this.rates = { outside: new RateBuckets(limits.newSessionsPerMinute, now), demo: new RateBuckets(limits.demoSessionsPerMinute, now) };
  }

  get activeTotal(): number {
    return this.total;
  }

  /**
   * Admits a new session for this client, or says which limit stops it. `allowance` is the one its
   * target is counted against; a session that names no target yet counts as the outside world's.
   */
  admit(address: string, allowance: Allowance = 'outside'): Admission {
    const key = limitKey(address);
    if (!this.rates[allowance].take(key)) return { ok: false, ...this.rateRefusal(key, allowance) };
    const held = this.active.get(key) ?? 0;
    if (held >= this.limits.maxSessionsPerClient) {
      return {
        ok: false,
        code: 'LIMIT',
        reason: 'client-concurrency',
        message: `${key} already has ${held} open sessions (limit ${this.limits.maxSessionsPerClient})`,
      };
    }
    if (this.total >= this.limits.maxSessions) {
      return { ok: false, code: 'LIMIT', reason: 'global-concurrency', message: `the relay is at its limit of ${this.limits.maxSessions} sessions; try again later` };
    }
    this.active.set(key, held + 1);
    this.total += 1;
    let released = false;
    let counted = allowance;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.total -= 1;
        const n = (this.active.get(key) ?? 1) - 1;
        if (n <= 0) this.active.delete(key);
        else this.active.set(key, n);
      },
      countAsDemo: () => {
        if (counted === 'demo') return undefined;
        if (!this.rates.demo.take(key)) return this.rateRefusal(key, 'demo');
        this.rates[counted].giveBack(key);
        counted = 'demo';
        return undefined;
      },
    };
  }

  private rateRefusal(key: string, allowance: Allowance): RateRefusal {
    const message =
      allowance === 'demo'
        ? `more than ${this.limits.demoSessionsPerMinute} new sessions per minute to the demo targets from ${key}; try again shortly`
        : `more than ${this.limits.newSessionsPerMinute} new sessions per minute from ${key}; try again shortly`;
    return { code: 'RATE', reason: 'client-rate', message };
  }

  /** Forgets buckets that have refilled, so the maps do not grow with every address ever seen. */
  prune(): void {
    this.rates.outside.prune();
    this.rates.demo.prune();
  }

  get trackedClients(): number {
    return new Set([...this.rates.outside.keys(), ...this.rates.demo.keys()]).size;
  }
}
