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

export type Admission = { ok: true; release: () => void } | { ok: false; code: 'RATE' | 'LIMIT'; reason: string; message: string };

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class ClientLimiter {
  private readonly active = new Map<string, number>();
  private readonly buckets = new Map<string, Bucket>();
  private total = 0;

  constructor(
    private readonly limits: { maxSessionsPerClient: number; newSessionsPerMinute: number; maxSessions: number },
    private readonly now: () => number = () => Date.now(),
  ) {}

  get activeTotal(): number {
    return this.total;
  }

  /** Admits a new session for this client, or says which limit stops it. */
  admit(address: string): Admission {
    const key = limitKey(address);
    const now = this.now();
    const rate = this.limits.newSessionsPerMinute;
    const bucket = this.buckets.get(key) ?? { tokens: rate, updatedMs: now };
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.updatedMs) * rate) / 60_000);
    bucket.updatedMs = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      return { ok: false, code: 'RATE', reason: 'client-rate', message: `more than ${rate} new sessions per minute from ${key}; try again shortly` };
    }
    bucket.tokens -= 1;
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
    };
  }

  /** Forgets buckets that have refilled, so the map does not grow with every address ever seen. */
  prune(): void {
    const now = this.now();
    const rate = this.limits.newSessionsPerMinute;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.updatedMs) * rate) / 60_000 >= rate) this.buckets.delete(key);
    }
  }

  get trackedClients(): number {
    return this.buckets.size;
  }
}
