/**
 * Name constraints (RFC 5280 §4.2.1.10): a CA may confine the names of every certificate below it
 * to permitted subtrees and away from excluded ones. Checked here for DNS names, IP addresses and
 * directory names, the forms a TLS server certificate carries.
 */
import { type GeneralName, type GeneralSubtree, generalNameText } from './extensions';
import { type Name, commonNames } from './name';
import type { Certificate } from './parse';

/** RFC 5280 §4.2.1.10: a DNS name is within a subtree if it equals it or adds labels on the left. */
function dnsWithin(name: string, base: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  const b = base.toLowerCase().replace(/\.$/, '');
  if (b === '') return true;
  // A leading dot (".example.com", seen in practice) means "only below", not the name itself.
  if (b.startsWith('.')) return n.endsWith(b);
  return n === b || n.endsWith(`.${b}`);
}

/** iPAddress constraints are address ‖ mask, 8 octets for IPv4 and 32 for IPv6. */
function ipWithin(address: Uint8Array, constraint: Uint8Array): boolean {
  if (constraint.length !== address.length * 2) return false;
  for (let i = 0; i < address.length; i++) {
    const mask = constraint[address.length + i];
    if ((address[i] & mask) !== (constraint[i] & mask)) return false;
  }
  return true;
}

/** A directory name is within a subtree when the subtree's RDNs are its leading RDNs. */
function dnWithin(name: Name, base: Name): boolean {
  const key = (rdn: Name['rdns'][number]) => rdn.map((a) => `${a.oid}=${a.value.trim().replace(/\s+/g, ' ').toLowerCase()}`).sort().join('+');
  if (base.rdns.length > name.rdns.length) return false;
  return base.rdns.every((rdn, i) => key(rdn) === key(name.rdns[i]));
}

function within(name: GeneralName, subtree: GeneralSubtree): boolean | undefined {
  const base = subtree.base;
  if (name.type !== base.type) return undefined;
  if (name.type === 'dNSName' && base.type === 'dNSName') return dnsWithin(name.value, base.value);
  if (name.type === 'iPAddress' && base.type === 'iPAddress') return ipWithin(name.bytes, base.bytes);
  if (name.type === 'directoryName' && base.type === 'directoryName') return dnWithin(name.name, base.name);
  return undefined;
}

/**
 * The names of `cert` that constraints apply to: its subjectAltName DNS and IP entries, its subject
 * DN, and (for a leaf without subjectAltName) a CN that would be used as its host name.
 */
function constrainedNames(cert: Certificate, isLeaf: boolean): GeneralName[] {
  const names: GeneralName[] = (cert.extensions.subjectAltName ?? []).filter((n) => n.type === 'dNSName' || n.type === 'iPAddress' || n.type === 'directoryName');
  if (cert.subject.rdns.length > 0) names.push({ type: 'directoryName', name: cert.subject });
  if (isLeaf && !cert.extensions.subjectAltName) {
    for (const cn of commonNames(cert.subject)) if (/^[A-Za-z0-9*_.-]+$/.test(cn) && cn.includes('.')) names.push({ type: 'dNSName', value: cn });
  }
  return names;
}

/** The first name of `cert` that violates `ca`'s name constraints, with the reason, or undefined. */
export function nameConstraintViolation(ca: Certificate, cert: Certificate, isLeaf: boolean): string | undefined {
  const breach = nameConstraintBreach(ca, cert, isLeaf);
  if (!breach) return undefined;
  return breach.excluded !== undefined
    ? `${breach.name} lies in the excluded subtree ${breach.excluded}`
    : `${breach.name} is outside the permitted subtrees (${breach.permitted.join(', ')})`;
}

/** The same, as data: the name, and the excluded subtree it lies in or the permitted ones it is outside of. */
export function nameConstraintBreach(ca: Certificate, cert: Certificate, isLeaf: boolean): { name: string; excluded: string } | { name: string; excluded?: undefined; permitted: string[] } | undefined {
  const nc = ca.extensions.nameConstraints;
  if (!nc) return undefined;
  for (const name of constrainedNames(cert, isLeaf)) {
    const text = generalNameText(name);
    const excludedBy = nc.excluded.find((s) => within(name, s) === true);
    if (excludedBy) return { name: text, excluded: generalNameText(excludedBy.base) };
    const sameType = nc.permitted.filter((s) => s.base.type === name.type);
    if (sameType.length > 0 && !sameType.some((s) => within(name, s) === true)) {
      return { name: text, permitted: sameType.map((s) => generalNameText(s.base)) };
    }
  }
  return undefined;
}
