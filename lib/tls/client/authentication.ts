/**
 * Authentication in both protocol versions: the server's certificates (checked by the injected
 * verifier, reported as one step), the signatures its key makes, and the scheme the client signs with.
 */
import type { SignatureSchemeName } from '../crypto/provider';
import { said } from '../diagnostics';
import { CertificateRejection, refusal, TlsAlertError } from '../errors';
import { signatureSchemes } from '../registry/crypto';
import type { Common, ServerCertificateCheck } from './connection';
import type { CertificateVerdict } from './options';
import { parseCertificate } from '../x509/parse';

/** Starts the injected verifier on the server's certificates (leaf first); conclude it with concludeCertificateCheck. */
export function startCertificateCheck(c: Common, certificates: Uint8Array[], leafKeyUsage: 'digitalSignature' | 'keyEncipherment' = 'digitalSignature'): ServerCertificateCheck {
  const verdict = c.deps.verifyCertificates(certificates, c.options.serverName, new Date(c.deps.now()), leafKeyUsage);
  verdict.catch(() => undefined); // awaited by concludeCertificateCheck
  let leafSpki: Uint8Array | undefined;
  try {
    leafSpki = parseCertificate(certificates[0]).spki;
  } catch {
    // The verifier reports why the leaf does not parse.
  }
  return { verdict, leafSpki };
}

/**
 * Waits for the verdict, reports every check as a step, and aborts with the check's alert unless
 * the user chose to continue anyway. Returns the leaf's SPKI. Reports once, however often called.
 */
export async function concludeCertificateCheck(c: Common, check: ServerCertificateCheck): Promise<Uint8Array> {
  check.concluded ??= reportVerdict(c, await check.verdict);
  if ('error' in check.concluded) throw check.concluded.error;
  return check.concluded.leafSpki;
}

function reportVerdict(c: Common, verdict: CertificateVerdict): { leafSpki: Uint8Array } | { error: TlsAlertError } {
  const insecure = Boolean(verdict.alert) && c.options.insecure;
  c.summary.certificate = { ...verdict.summary, insecure: insecure || undefined };
  c.emit({
    direction: 'local',
    layer: 'certificate',
    kind: 'check',
    rfc: 'RFC 5280 §6',
    data: {
      check: 'certificate',
      ok: !verdict.alert,
      ...(verdict.alert ? { alert: verdict.alert, message: verdict.message ?? verdict.alert } : {}),
      insecure,
      serverName: c.options.serverName,
      summary: c.summary.certificate,
    },
  });
  if (verdict.alert && !c.options.insecure) {
    return { error: new CertificateRejection(verdict.alert, verdict.message ?? said('client.certificateRejected', { alert: verdict.alert }), verdict.finding) };
  }
  return { leafSpki: verdict.leafSpki };
}

/** Checks the server's certificates and reports the verdict before returning the leaf's SPKI. */
export function acceptServerCertificate(c: Common, certificates: Uint8Array[], leafKeyUsage: 'digitalSignature' | 'keyEncipherment' = 'digitalSignature'): Promise<Uint8Array> {
  return concludeCertificateCheck(c, startCertificateCheck(c, certificates, leafKeyUsage));
}

/** Reports a certificate verdict still pending: called when the engine has no more records to process. */
export async function settleCertificateCheck(c: Common): Promise<void> {
  const check = c.pendingCertificateCheck;
  if (check && !check.concluded) await concludeCertificateCheck(c, check);
}

/** Verifies a handshake signature (CertificateVerify, ServerKeyExchange) with the leaf's key. */
export async function verifyServerSignature(
  c: Common,
  scheme: SignatureSchemeName,
  spki: Uint8Array,
  content: Uint8Array,
  signature: Uint8Array,
  what: string,
  /** The same verification already started (with the same key and inputs). */
  started?: Promise<boolean>,
): Promise<void> {
  let ok = false;
  let reason = '';
  try {
    ok = await (started ?? c.deps.crypto.verify(scheme, spki, content, signature));
  } catch (e) {
    // The crypto layer names a key it cannot use with its own alert (bad_certificate when the key
    // does not parse, illegal_parameter when it is of another type than the scheme): not a bad
    // signature. Reached with --insecure, after a rejected certificate.
    if (e instanceof TlsAlertError) {
      const why = e.diagnostic ?? e.message.replace(/\.$/, '');
      throw refusal(e.alert, said('client.leafKeyUnusable', { message: what, scheme, why }), {
        check: 'leaf-key',
        rule: 'RFC 8446 §4.4.2.2, RFC 5246 §7.4.2',
        facts: { scheme, message: what },
      });
    }
    reason = e instanceof Error ? e.message : String(e);
  }
  if (!ok) {
    // A library's own words, when it failed rather than answered no, are quoted after the sentence.
    throw new TlsAlertError('decrypt_error', reason ? said('client.badSignatureWhy', { message: what, scheme, why: reason }) : said('client.badSignature', { message: what, scheme }));
  }
  c.emit({
    direction: 'local',
    layer: 'verdict',
    kind: 'check',
    data: { check: 'signature', ok: true, message: what, scheme },
  });
}

/** The first of our schemes that the server accepts. */
export function chooseClientScheme(ours: SignatureSchemeName[], theirs: number[]): SignatureSchemeName | undefined {
  return ours.find((s) => theirs.includes(signatureSchemes.code(s)));
}
