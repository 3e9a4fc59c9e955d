import { createHash } from 'node:crypto';

/**
 * The Content-Security-Policy of a page served from the render cache. A per-request nonce cannot
 * work for HTML made once and served many times, so its inline scripts are allowed by their SHA-256
 * hashes (CSP Level 3 §8.2 hash-source), computed when the page is rendered and kept with it.
 *
 * Built in this one function so that the project-wide policy module can take its place with one
 * call: the directives match next.config.js's policy for the other pages, with the hashes in place
 * of 'unsafe-inline' for scripts.
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
  const own = selfScripts ? "'self' " : '';
  return [
    selfScripts ? "default-src 'self'" : "default-src 'none'",
    `script-src ${own}${scriptHashes.join(' ')}`.trim().replace(/^script-src$/, "script-src 'none'"),
    `style-src ${own}'unsafe-inline'`,
    `img-src 'self' data:${selfScripts ? ' blob:' : ''}`,
    ...(selfScripts ? ["font-src 'self'", "connect-src 'self'"] : []),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}
