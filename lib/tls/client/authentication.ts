import type { SignatureSchemeName } from '../crypto/provider';
import { TlsAlertError } from '../errors';
import { encodeMessage, type EncodedMessage } from '../handshake/messages';
import { signatureSchemes } from '../registry/crypto';
import type { Common } from './connection';

/**
 * Checks the server's certificates through the injected verifier, reports every check as a step, and
 * aborts with the check's alert unless the user chose to continue anyway. Returns the leaf's SPKI.
 */
export async function acceptServerCertificate(c: Common, certificates: Uint8Array[], leafKeyUsage: 'digitalSignature' | 'keyEncipherment' = 'digitalSignature'): Promise<Uint8Array> {
  const verdict = await c.deps.verifyCertificates(certificates, c.options.serverName, new Date(c.deps.now()), leafKeyUsage);
  const failed = verdict.summary.checks.filter((k) => !k.ok);
  const insecure = Boolean(verdict.alert) && c.options.insecure;
  c.summary.certificate = { ...verdict.summary, insecure: insecure || undefined };
  c.emit({
    direction: 'local',
    layer: 'certificate',
    title: verdict.alert ? `Certificate rejected: ${verdict.message ?? verdict.alert}` : 'Certificate chain trusted',
    explanation: verdict.alert
      ? `${failed.map((k) => k.detail).join(' ')}${insecure ? ' You chose to continue anyway: from here on the connection is NOT authenticated.' : ''}`
      : `The chain leads from the server\u2019s certificate to a trusted root, every signature verifies, every certificate is in its validity period and the name matches ${c.options.serverName}.`,
    rfc: 'RFC 5280 §6',
    data: { summary: c.summary.certificate },
  });
  if (verdict.alert && !c.options.insecure) {
    throw new TlsAlertError(verdict.alert, verdict.message ?? `the server certificate was rejected (${verdict.alert})`);
  }
  return verdict.leafSpki;
}

/** Verifies a handshake signature (CertificateVerify, ServerKeyExchange) with the leaf's key. */
export async function verifyServerSignature(c: Common, scheme: SignatureSchemeName, spki: Uint8Array, content: Uint8Array, signature: Uint8Array, what: string): Promise<void> {
  let ok = false;
  let reason = '';
  try {
    ok = await c.deps.crypto.verify(scheme, spki, content, signature);
  } catch (e) {
    reason = `: ${e instanceof Error ? e.message : e}`;
  }
  if (!ok) throw new TlsAlertError('decrypt_error', `the server\u2019s ${what} signature (${scheme}) does not verify with its certificate key${reason}`);
  c.emit({
    direction: 'local',
    layer: 'verdict',
    title: `${what} signature verified (${scheme})`,
    explanation: `The ${what} signature verifies with the public key of the server\u2019s certificate: the server holds the matching private key.`,
    data: { scheme },
  });
}

/** The first of our schemes that the server accepts. */
export function chooseClientScheme(ours: SignatureSchemeName[], theirs: number[]): SignatureSchemeName | undefined {
  return ours.find((s) => theirs.includes(signatureSchemes.code(s)));
}

/** The client's Certificate message (RFC 8446 §4.4.2 / RFC 5246 §7.4.6); empty when it has none. */
export function clientCertificateMessage(chain: Uint8Array[], context: Uint8Array, tls13: boolean): EncodedMessage {
  return encodeMessage('certificate', (w) => {
    if (tls13) w.opaque('certificate_request_context', 1, context);
    w.vector('certificate_list', 3, () => {
      chain.forEach((der, i) =>
        w.struct(`CertificateEntry ${i}`, () => {
          w.opaque('cert_data', 3, der, { value: `${der.length} bytes` });
          if (tls13) w.vector('extensions', 2, () => {});
        }),
      );
    }, chain.length ? {} : { meaning: 'empty: the client has no certificate to offer' });
  });
}
