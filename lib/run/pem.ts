/** The DER bodies of every `-----BEGIN <label>-----` block in a PEM text (RFC 7468 §2). */
export function pemBlocks(pem: string, label: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const pattern = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`, 'g');
  for (const match of pem.matchAll(pattern)) {
    const binary = atob(match[1].replace(/\s+/g, ''));
    const der = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) der[i] = binary.charCodeAt(i);
    out.push(der);
  }
  return out;
}
