/**
 * Server identity check (RFC 6125 §6, as profiled for the web by the CA/Browser Forum): is the
 * certificate valid for the host the user asked for?
 */
import { type Extensions, generalNameText } from './extensions';
import { formatIp, parseIpLiteral } from './ip';
import { type Name, commonNames } from './name';
import { type IsPublicSuffix, publicSuffixList } from './publicSuffix';
import type { CheckFinding, WildcardRefusal } from '../events';

export interface HostnameResult {
  ok: boolean;
  /** One sentence saying what matched, or why nothing did. */
  detail: string;
  /** The same, as data (lib/trace/schema.ts CheckFinding). */
  finding: CheckFinding;
}

/** Lower-case ASCII, one trailing dot removed (an absolute name is the same name). */
function normalize(name: string): string {
  const lower = name.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * Why a presented DNS identifier does not match `host`, or undefined when it does. Both are
 * compared as A-labels (RFC 6125 §6.4.2: no Unicode conversion is needed when both are ASCII).
 */
export function dnsNameMismatch(presented: string, host: string, isPublicSuffix: IsPublicSuffix): string | undefined {
  const why = nameMismatch(presented, host, isPublicSuffix);
  return why === undefined || why === 'different name' ? why : wildcardRefusalWords(why);
}

/** The same as dnsNameMismatch, as data: a refused wildcard says which rule refused it. */
function nameMismatch(presented: string, host: string, isPublicSuffix: IsPublicSuffix): WildcardRefusal | 'different name' | undefined {
  const pattern = normalize(presented);
  const target = normalize(host);
  if (!pattern.includes('*')) return pattern === target ? undefined : 'different name';
  const labels = pattern.split('.');
  // RFC 6125 §6.4.3 and CA/B BR §7.1.4.2.2: the wildcard is the whole left-most label, nowhere else.
  if (labels[0] !== '*' || labels.slice(1).some((l) => l.includes('*'))) return { wildcard: 'misplaced', name: presented };
  // A wildcard directly over a public suffix (*.com, *.co.uk) would cover every domain registered
  // under it. The Public Suffix List's ICANN section decides, as in Chrome (private entries such
  // as github.io are registrable domains there, so *.github.io stays valid).
  const base = labels.slice(1).join('.');
  if (labels.length < 2) return { wildcard: 'lone', name: presented };
  if (isPublicSuffix(base)) return { wildcard: 'public-suffix', name: presented, suffix: base };
  const hostLabels = target.split('.');
  if (hostLabels.length !== labels.length) {
    return hostLabels.length > labels.length ? { wildcard: 'one-label', name: presented, host } : 'different name';
  }
  if (hostLabels[0] === '' || hostLabels.slice(1).join('.') !== labels.slice(1).join('.')) return 'different name';
  return undefined;
}

/** Stands in for the list when no name has a wildcard: dnsNameMismatch never asks it then. */
const noWildcardHere: IsPublicSuffix = () => {
  throw new Error('the Public Suffix List was consulted for a name without a wildcard');
};

/** A refused wildcard as an English clause. */
export function wildcardRefusalWords(w: WildcardRefusal): string {
  switch (w.wildcard) {
    case 'misplaced':
      return `partial or misplaced wildcards like ${w.name} are not honoured`;
    case 'lone':
      return `a lone wildcard (${w.name}) is not honoured`;
    case 'public-suffix':
      return `a wildcard over a public suffix (${w.name}: ${w.suffix} is on the Public Suffix List) is not honoured`;
    case 'one-label':
      return `the wildcard in ${w.name} stands for exactly one label, and ${w.host} has more`;
  }
}

/**
 * Checks `hostname` against the certificate: IP literals against iPAddress entries, DNS names
 * against dNSName entries. The subject CN is never used: RFC 6125 §6.4.4 allowed it only without a
 * subjectAltName, and browsers (since 2017) and rustls have dropped even that.
 */
export async function checkHostname(cert: { subject: Name; extensions: Extensions }, hostname: string): Promise<HostnameResult> {
  const host = normalize(hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname);
  const san = cert.extensions.subjectAltName;
  const sanText = san ? san.map(generalNameText).join(', ') || '(empty)' : undefined;
  const ip = parseIpLiteral(host);

  if (ip) {
    const shown = formatIp(ip);
    // RFC 6125 §3.1.1 / RFC 5280 §4.2.1.6: an IP address is matched octet for octet, never against a DNS name or CN.
    const hit = san?.find((n) => n.type === 'iPAddress' && n.bytes.length === ip.length && n.bytes.every((b, i) => b === ip[i]));
    if (hit) return { ok: true, detail: `${shown} matches the subjectAltName IP address ${shown}`, finding: { is: 'ip-matches', host: shown } };
    if (!san) return { ok: false, detail: `${shown} is an IP address, and the certificate has no subjectAltName to list IP addresses in (its CN is not used for IP addresses)`, finding: { is: 'ip-without-san', host: shown } };
    return { ok: false, detail: `${shown} is not among the certificate's subjectAltName entries (${sanText}); an IP address must appear as an iPAddress entry`, finding: { is: 'ip-not-listed', host: shown, names: sanText ?? '' } };
  }

  if (/[^\x21-\x7e]/.test(host)) {
    return { ok: false, detail: `${hostname} is not in ASCII (A-label) form; certificates list internationalized names as xn-- labels`, finding: { is: 'host-not-ascii', host: hostname } };
  }
  if (host === '' || !host.split('.').every((l) => LABEL.test(l))) {
    return { ok: false, detail: `${JSON.stringify(hostname)} is not a valid DNS host name`, finding: { is: 'host-invalid', host: hostname } };
  }

  if (san) {
    const dnsNames = san.flatMap((n) => (n.type === 'dNSName' ? [n.value] : []));
    // Only a wildcard consults the Public Suffix List, so only a certificate with one loads it.
    const isPublicSuffix = dnsNames.some((n) => n.includes('*')) ? await publicSuffixList() : noWildcardHere;
    const reasons: WildcardRefusal[] = [];
    for (const name of dnsNames) {
      const why = nameMismatch(name, host, isPublicSuffix);
      if (!why) {
        const wildcard = name.includes('*');
        return {
          ok: true,
          detail: wildcard ? `${host} matches the subjectAltName wildcard ${name}` : `${host} matches the subjectAltName DNS name ${name}`,
          finding: { is: 'host-matches', host, name, wildcard },
        };
      }
      if (why !== 'different name') reasons.push(why);
    }
    const names = sanText ?? '';
    if (dnsNames.length === 0) return { ok: false, detail: `the certificate's subjectAltName (${sanText}) lists no DNS names, so it is not valid for ${host}`, finding: { is: 'no-dns-names', host, names } };
    const hint = reasons.length ? `: ${wildcardRefusalWords(reasons[0])}` : '';
    return {
      ok: false,
      detail: `${host} does not match any name the certificate is valid for (${sanText})${hint}`,
      finding: { is: 'host-mismatch', host, names, ...(reasons.length ? { why: reasons[0] } : {}) },
    };
  }

  const cns = commonNames(cert.subject);
  const cn = cns.length ? `its subject CN (${cns.join(', ')}) is not used as a name` : 'its subject has no CN either';
  return {
    ok: false,
    detail: `the certificate has no subjectAltName, so it names no host: ${cn} (RFC 6125 §6.4.4; browsers and rustls have no CN fallback)`,
    finding: { is: 'no-san', commonNames: cns },
  };
}
