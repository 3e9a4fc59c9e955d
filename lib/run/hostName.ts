/**
 * Whether a URL's host (as the URL parser left it: lower case, IDNs in punycode, IPv6 in brackets)
 * can name a server at all. Browsers' URL parsers are lenient where the WHATWG standard is not:
 * Chromium keeps "asdf qwer!!" as the host "asdf%20qwer!!", which no DNS name can be. Such a host is
 * refused where the URL is read, with a sentence, instead of being sent to the relay to fail there.
 *
 * A host name is dot-separated labels of letters, digits, hyphens (RFC 1123 §2.1) and, as in real
 * DNS names the browsers accept, underscores; each 1–63 characters, 253 in all (RFC 1035 §2.3.4); a
 * final dot is allowed. IPv4 dotted quads and bracketed IPv6 literals are hosts too.
 */
export function hostNameProblem(hostname: string): string | undefined {
  const flaw = hostNameFlaw(hostname);
  return flaw && hostFlawWords(flaw);
}

/** What is wrong with a host, as data: each reader words it (hostFlawWords in English, lib/view in any language). */
export type HostFlaw =
  | { flaw: 'ipv6'; host: string }
  | { flaw: 'noHost' }
  | { flaw: 'tooLong'; length: number }
  | { flaw: 'badCharacter'; host: string; character: string }
  | { flaw: 'emptyLabel'; host: string }
  | { flaw: 'longLabel'; host: string };

export function hostNameFlaw(hostname: string): HostFlaw | undefined {
  if (hostname.startsWith('[') && hostname.endsWith(']')) return /^\[[0-9a-f:.]+\]$/i.test(hostname) ? undefined : { flaw: 'ipv6', host: hostname };
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  if (name === '') return { flaw: 'noHost' };
  if (name.length > 253) return { flaw: 'tooLong', length: name.length };
  const bad = [...name].find((ch) => !/[a-z0-9._-]/i.test(ch));
  if (bad !== undefined) {
    const shown = decodeURIComponentSafe(hostname);
    return { flaw: 'badCharacter', host: shown, character: bad === '%' ? (shown.match(/[^a-z0-9._-]/i)?.[0] ?? bad) : bad };
  }
  const label = name.split('.').find((l) => l.length === 0 || l.length > 63);
  if (label !== undefined) return label.length === 0 ? { flaw: 'emptyLabel', host: hostname } : { flaw: 'longLabel', host: hostname };
  return undefined;
}

/** A host's flaw as an English clause, for the CLI and logs. */
export function hostFlawWords(f: HostFlaw): string {
  switch (f.flaw) {
    case 'ipv6':
      return `"${f.host}" is not an IPv6 address`;
    case 'noHost':
      return 'the URL has no host name';
    case 'tooLong':
      return `the host name is ${f.length} characters long; at most 253 are possible`;
    case 'badCharacter':
      return `"${f.host}" cannot be a host name (it contains "${f.character}")`;
    case 'emptyLabel':
      return `"${f.host}" has an empty label (two dots in a row)`;
    case 'longLabel':
      return `a label of "${f.host}" is longer than 63 characters`;
  }
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
