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
  if (hostname.startsWith('[') && hostname.endsWith(']')) return /^\[[0-9a-f:.]+\]$/i.test(hostname) ? undefined : `"${hostname}" is not an IPv6 address`;
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  if (name === '') return 'the URL has no host name';
  if (name.length > 253) return `the host name is ${name.length} characters long; at most 253 are possible`;
  const bad = [...name].find((ch) => !/[a-z0-9._-]/i.test(ch));
  if (bad !== undefined) return `"${decodeURIComponentSafe(hostname)}" cannot be a host name (it contains "${bad === '%' ? decodeURIComponentSafe(hostname).match(/[^a-z0-9._-]/i)?.[0] ?? bad : bad}")`;
  const label = name.split('.').find((l) => l.length === 0 || l.length > 63);
  if (label !== undefined) return label.length === 0 ? `"${hostname}" has an empty label (two dots in a row)` : `a label of "${hostname}" is longer than 63 characters`;
  return undefined;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
