/**
 * Trust anchors: the Mozilla root store (generated at build time by scripts/gen-roots.ts from
 * Node's tls.rootCertificates) and CAs the user adds. Certificates are kept as DER or base64 and
 * decoded only when a lookup needs them; the subject index is built on the first lookup.
 */
import { type Certificate, parseCertificate, readSubject } from './parse';

export type AnchorSource = 'root-store' | 'user-ca';

export interface TrustAnchor {
  certificate: Certificate;
  source: AnchorSource;
}

interface Entry {
  encoded: Uint8Array | string;
  source: AnchorSource;
  certificate?: Certificate;
}

function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function der(entry: Entry): Uint8Array {
  return typeof entry.encoded === 'string' ? base64ToBytes(entry.encoded) : entry.encoded;
}

export class RootStore {
  private readonly entries: Entry[] = [];
  /** Subject name key → entries; undefined until the first lookup. */
  private bySubject?: Map<string, Entry[]>;

  /** `certificates` are DER bytes or base64 DER strings; they are decoded on first use. */
  constructor(certificates: Iterable<Uint8Array | string> = [], source: AnchorSource = 'root-store') {
    for (const encoded of certificates) this.entries.push({ encoded, source });
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * Adds a trust anchor (a user CA by default). It is decoded now, so a malformed certificate is
   * reported to whoever supplied it (TlsAlertError bad_certificate with the reason).
   */
  add(certificateDer: Uint8Array, source: AnchorSource = 'user-ca'): Certificate {
    const certificate = parseCertificate(certificateDer);
    const entry: Entry = { encoded: certificateDer, source, certificate };
    this.entries.push(entry);
    this.bySubject?.set(certificate.subject.key, [...(this.bySubject.get(certificate.subject.key) ?? []), entry]);
    return certificate;
  }

  private index(): Map<string, Entry[]> {
    if (!this.bySubject) {
      const map = new Map<string, Entry[]>();
      for (const entry of this.entries) {
        let key: string;
        try {
          key = entry.certificate?.subject.key ?? readSubject(der(entry)).key;
        } catch {
          continue; // an undecodable anchor can never be an issuer
        }
        map.set(key, [...(map.get(key) ?? []), entry]);
      }
      this.bySubject = map;
    }
    return this.bySubject;
  }

  private anchors(entries: Entry[]): TrustAnchor[] {
    const out: TrustAnchor[] = [];
    for (const entry of entries) {
      try {
        entry.certificate ??= parseCertificate(der(entry));
        out.push({ certificate: entry.certificate, source: entry.source });
      } catch {
        // Skipped, as in index().
      }
    }
    return out;
  }

  /** Anchors whose subject is `cert`'s issuer name: the candidates to have signed it. */
  findIssuers(cert: Certificate): TrustAnchor[] {
    return this.anchors(this.index().get(cert.issuer.key) ?? []);
  }

  /** The anchor that is `cert` itself (same subject and public key), when `cert` is trusted directly. */
  find(cert: Certificate): TrustAnchor | undefined {
    const spki = cert.spki;
    return this.anchors(this.index().get(cert.subject.key) ?? []).find(
      (a) => a.certificate.spki.length === spki.length && a.certificate.spki.every((b, i) => b === spki[i]),
    );
  }
}

/**
 * The Mozilla root store as shipped with Node. The generated module is imported on demand so the
 * engine's bundle does not carry ~200 KB of certificates unless the caller asks for them.
 */
export async function mozillaRoots(): Promise<RootStore> {
  let roots: readonly string[];
  try {
    roots = (await import('./roots.generated')).MOZILLA_ROOTS;
  } catch (err) {
    throw new Error(`the Mozilla root store has not been generated (run npm run gen:roots): ${(err as Error).message}`);
  }
  return new RootStore(roots, 'root-store');
}
