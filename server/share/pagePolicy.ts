import { createHash } from 'node:crypto';
import { contentSecurityPolicy } from '../../lib/share/csp';

/**
 * The Content-Security-Policy of a page served from the render cache. A per-request nonce cannot
 * work for HTML made once and served many times, so its inline scripts are allowed by their SHA-256
 * hashes (CSP Level 3 §8.2 hash-source), computed when the page is rendered and kept with it.
 *
 * The policy itself comes from the project's one builder (lib/share/csp.ts), the same that gives the
 * other pages their nonce policy (proxy.ts): the hashes take the nonce's place.
 */

/** The hash-sources ('sha256-…') of the inline <script> elements of an HTML document. */
export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const [, attributes, text] = match;
    if (/\bsrc\s*=/i.test(attributes) || text === '') continue;
    hashes.add(`'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`);
  }
  return [...hashes];
}

export interface CachedPagePolicy {
  scriptHashes: readonly string[];
  /** Who may frame the page: "'self'" for /r pages, "*" for embeds. */
  frameAncestors: string;
  /** Whether the page loads the app's own scripts and styles (/_next/static); the light embed does not. */
  selfScripts: boolean;
}

export function cachedPagePolicy({ scriptHashes, frameAncestors, selfScripts }: CachedPagePolicy): string {
  return contentSecurityPolicy({
    // Stored as CSP source expressions ('sha256-…'); the builder takes the bare hash-source.
    scriptHashes: scriptHashes.map((h) => h.replace(/^'|'$/g, '')),
    connectSrc: [],
    frameAncestors: frameAncestors === '*' ? 'any' : frameAncestors === "'none'" ? 'none' : 'self',
    ownAssets: selfScripts,
  });
}
