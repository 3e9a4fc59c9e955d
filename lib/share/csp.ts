/**
 * The Content-Security-Policy of every page, built in one place (CSP Level 3, W3C). Inline scripts
 * are allowed only by a per-request nonce (pages rendered for one request, §6.7.2.3 "nonce-source")
 * or by the SHA-256 of their text (pages rendered once and served many times from a cache, where a
 * nonce would be reused and so worthless: "hash-source"). There is no 'unsafe-inline' for scripts.
 * connect-src names the relay, not every ws:/wss: origin: the page talks to its own origin and to
 * the relay it was configured with, nothing else.
 *
 * Pure and isomorphic: used by the proxy (per request) and by whoever caches rendered HTML.
 */
import { sha256 } from '@noble/hashes/sha2.js';

export interface CspOptions {
  /** A fresh, unguessable value for this response alone (see newNonce()). */
  nonce?: string;
  /** hash-sources of the inline scripts the HTML carries, as scriptHash() makes them ("sha256-…"). */
  scriptHashes?: string[];
  /** Origins the page may connect to besides its own, e.g. the relay (relayConnectSources()). */
  connectSrc: string[];
  /** Who may frame the page: only this origin, any site (embeds), or nobody. */
  frameAncestors: 'self' | 'any' | 'none';
  /** Next.js in development rebuilds error stacks with eval(); never in production. */
  dev?: boolean;
  /**
   * Whether the page loads this site's own scripts, styles and fonts (/_next/static). Default true.
   * A self-contained page (the light embed) says false: then nothing but its hashed inline scripts,
   * inline styles and images from this origin may load, and no connection may be opened.
   */
  ownAssets?: boolean;
}

const NONCE = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;
const HASH = /^sha(?:256|384|512)-[A-Za-z0-9+/]+={0,2}$/;
// A connect-src entry is a scheme-source ("wss:") or an origin; nothing that could end the directive.
const SOURCE = /^(?:[a-z][a-z0-9+.-]*:(?:\/\/(?:\*\.)?[a-z0-9.-]+|\/\/\[[0-9a-f:.]+\])?(?::\d{1,5}|:\*)?)$/i;

export function contentSecurityPolicy(options: CspOptions): string {
  const own = options.ownAssets ?? true;
  const scripts = own ? ["'self'"] : [];
  if (options.nonce !== undefined) {
    if (!NONCE.test(options.nonce)) throw new Error('CSP nonce must be base64 of at least 12 random bytes');
    scripts.push(`'nonce-${options.nonce}'`);
  }
  for (const hash of options.scriptHashes ?? []) {
    if (!HASH.test(hash)) throw new Error(`not a CSP hash-source: ${hash}`);
    if (!scripts.includes(`'${hash}'`)) scripts.push(`'${hash}'`);
  }
  if (options.dev) scripts.push("'unsafe-eval'");
  const connect = own ? ["'self'"] : [];
  for (const source of options.connectSrc) {
    if (!SOURCE.test(source)) throw new Error(`not a CSP source for connect-src: ${source}`);
    if (!connect.includes(source)) connect.push(source);
  }
  const ancestors = { self: "'self'", any: '*', none: "'none'" }[options.frameAncestors];
  return [
    own ? "default-src 'self'" : "default-src 'none'",
    `script-src ${scripts.length > 0 ? scripts.join(' ') : "'none'"}`,
    // Inline style attributes (React's style={…}) cannot carry a nonce; styles cannot run code.
    `style-src ${own ? "'self' " : ''}'unsafe-inline'`,
    `img-src 'self' ${own ? 'blob: ' : ''}data:`,
    ...(own ? ["font-src 'self'"] : []),
    ...(connect.length > 0 ? [`connect-src ${connect.join(' ')}`] : []),
    "object-src 'none'",
    own ? "base-uri 'self'" : "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
}

/** 16 random bytes, base64: a nonce an attacker cannot guess (CSP3 §7.2: at least 128 bits). */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** The hash-source of an inline script: SHA-256 of its exact text (UTF-8), base64 (CSP3 §8.4). */
export function scriptHash(scriptText: string): string {
  const digest = sha256(new TextEncoder().encode(scriptText));
  let binary = '';
  for (const b of digest) binary += String.fromCharCode(b);
  return `sha256-${btoa(binary)}`;
}

/**
 * The relay's origin(s) for connect-src. A configured relay URL (RELAY_PUBLIC_URL) gives exactly
 * its origin; otherwise the page connects to its own host on the relay port (lib/view/runOptions
 * relayUrl()), with ws: or wss: following the page's scheme.
 */
export function relayConnectSources(relay: { relayUrl?: string; relayPort: number; pageOrigin: string }): string[] {
  if (relay.relayUrl) {
    try {
      const url = new URL(relay.relayUrl);
      const scheme = { 'ws:': 'ws:', 'wss:': 'wss:', 'http:': 'ws:', 'https:': 'wss:' }[url.protocol];
      if (scheme) return [`${scheme}//${url.host}`];
    } catch {
      // Unparsable: the page will say so when it tries; allow nothing extra.
    }
    return [];
  }
  const page = new URL(relay.pageOrigin);
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:';
  return [`${scheme}//${page.hostname.includes(':') && !page.hostname.startsWith('[') ? `[${page.hostname}]` : page.hostname}:${relay.relayPort}`];
}
