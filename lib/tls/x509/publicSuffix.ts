/**
 * The Public Suffix List's ICANN section, for one question: is this name a public suffix (com,
 * co.uk, test), under which anyone may register a domain? Only a wildcard certificate name asks it
 * (RFC 6125 §6.4.3 leaves the rule to the client; CA/B BR §3.2.2.6 and browsers refuse a wildcard
 * directly over a public suffix), so the list — most of what tldts weighs, more than the rest of the
 * engine's browser bundle put together — is imported on first need, not with the engine. Later
 * checks reuse the loaded list.
 */

/** True when `name` (lower case, no trailing dot) is itself a public suffix of the ICANN section. */
export type IsPublicSuffix = (name: string) => boolean;

let loaded: Promise<IsPublicSuffix> | undefined;

/** The list, loaded once; a failed load (a chunk the browser could not fetch) is tried again next time. */
export function publicSuffixList(): Promise<IsPublicSuffix> {
  loaded ??= import('tldts').then(
    ({ getPublicSuffix }) =>
      // Private entries (github.io, …) are registrable domains here, as in Chrome.
      (name: string) => getPublicSuffix(name, { allowPrivateDomains: false }) === name,
    (err: unknown) => {
      loaded = undefined;
      throw err;
    },
  );
  return loaded;
}
