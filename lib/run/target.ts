import { hostFlawWords, hostNameFlaw, type HostFlaw } from './hostName';

/**
 * The one reading of a target URL, for the form (lib/view/runOptions checkTarget), the engine
 * (lib/run/run parseTarget) and the browser shell (isDemoHost). It says what is wrong as a code;
 * each caller words it for its reader.
 */

/** Why input is not a target. */
export type TargetProblem = 'empty' | 'malformed' | 'notUrl' | 'notHttps' | 'noHost' | 'badHost' | 'credentials';

export type HttpsTarget =
  | {
      ok: true;
      /** The URL as the WHATWG parser normalizes it (https://host[:port]/path?query). */
      url: string;
      /** The host name; an IPv6 literal without its brackets. */
      host: string;
      port: number;
      /** Path and query, as the HTTP request line carries them. */
      path: string;
    }
  | {
      ok: false;
      problem: TargetProblem;
      /** The input, trimmed. */
      text: string;
      /** notHttps: the scheme it has instead. */
      scheme?: string;
      /** malformed, badHost: what gives it away, as an English clause ("it contains a space"), for the CLI. */
      reason?: string;
      /** malformed, badHost: the same as data, for readers in any language (lib/view/runOptions). */
      flaw?: TargetFlaw;
    };

/** What makes the input malformed, or its host impossible, as data. */
export type TargetFlaw = { flaw: 'space' } | { flaw: 'controlCharacter' } | { flaw: 'schemeWithoutSlashes'; scheme: string } | { flaw: 'slashesWithoutScheme' } | HostFlaw;

/** A flaw of the input as an English clause. */
export function targetFlawWords(f: TargetFlaw): string {
  switch (f.flaw) {
    case 'space':
      return 'it contains a space';
    case 'controlCharacter':
      return 'it contains a control character';
    case 'schemeWithoutSlashes':
      return `its scheme "${f.scheme}:" is not followed by //`;
    case 'slashesWithoutScheme':
      return 'it has "//" without a scheme before it (a misspelled https://?)';
    default:
      return hostFlawWords(f);
  }
}

/**
 * Why `text` cannot be a URL at all, before anything is resolved or dialled. A missing scheme is
 * fine ("example.com" means https://example.com/), but not a mangled one: "htps//host" would
 * otherwise become the host "htps" and end in a DNS failure that hides the typo.
 */
function malformation(text: string, encodeSpaces: boolean): TargetFlaw | undefined {
  if (!encodeSpaces && /\s/.test(text)) return { flaw: 'space' };
  if ([...text].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) return { flaw: 'controlCharacter' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return undefined;
  if (/^[a-z][a-z0-9+.-]*:(?!\d)/i.test(text)) return { flaw: 'schemeWithoutSlashes', scheme: text.split(':')[0] };
  if (text.includes('//')) return { flaw: 'slashesWithoutScheme' };
  return undefined;
}

/**
 * Reads an https URL. A bare host ("example.com/path") gets https:// in front, since that is what
 * people paste; user names and passwords are refused (nothing here could send them safely).
 * `encodeSpaces` (the form, which shows the URL it will run): a space the URL parser can
 * percent-encode (in the path or query) is accepted; otherwise any space makes the URL malformed.
 */
export function parseHttpsUrl(input: string, { encodeSpaces = false }: { encodeSpaces?: boolean } = {}): HttpsTarget {
  const text = input.trim();
  if (text === '') return { ok: false, problem: 'empty', text };
  const malformed = malformation(text, encodeSpaces);
  if (malformed) return { ok: false, problem: 'malformed', text, reason: targetFlawWords(malformed), flaw: malformed };
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return { ok: false, problem: 'notUrl', text };
  }
  if (url.protocol !== 'https:') return { ok: false, problem: 'notHttps', text, scheme: url.protocol.replace(':', '') };
  if (!url.hostname) return { ok: false, problem: 'noHost', text };
  // Chromium's parser keeps hosts no DNS name can be ("asdf%20qwer!!"): refuse them here, not at the relay.
  const hostFlaw = hostNameFlaw(url.hostname);
  if (hostFlaw) return { ok: false, problem: 'badHost', text, reason: hostFlawWords(hostFlaw), flaw: hostFlaw };
  if (url.username || url.password) return { ok: false, problem: 'credentials', text };
  return { ok: true, url: url.toString(), host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : 443, path: (url.pathname || '/') + url.search };
}

/** The demo targets' names end in .test (RFC 6761 §6.2 keeps it out of the real DNS): only they may trust the demo CA. */
export function isDemoHost(url: string): boolean {
  const target = parseHttpsUrl(url);
  return target.ok && target.host.toLowerCase().endsWith('.test');
}
