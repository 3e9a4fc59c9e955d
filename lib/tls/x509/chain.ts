/**
 * Certification path building and validation for a TLS server (RFC 5280 §6, RFC 4158 for the
 * building, RFC 6125 for the name): from the certificates the server sent, in any order and with
 * extras, to a root in the store or a CA the user supplied. Every check becomes a verdict with a
 * plain sentence; the first failure (by severity) decides the alert the client sends.
 */
import type { CryptoProvider, SignatureSchemeName } from '../crypto/provider';
import { said } from '../diagnostics';
import { TlsAlertError } from '../errors';
import type { CertificateCheck, CertificateSummary, ChainEntry, CheckFinding } from '../events';
import type { AlertDescription } from '../registry/alerts';
import { signatureSchemeFor } from './algorithms';
import { generalNameText } from './extensions';
import { checkHostname } from './hostname';
import { type Name, commonNames } from './name';
import { nameConstraintBreach, nameConstraintViolation } from './nameConstraints';
import { type Certificate, parseCertificate } from './parse';
import { checkPolicy } from './policy';
import { type AnchorSource, RootStore } from './roots';

export interface VerifyServerCertificatesOptions {
  /** The certificate_list as sent, leaf first (RFC 8446 §4.4.2). */
  certificates: Uint8Array[];
  /** The name the client asked for (SNI / URL host); an IP literal is matched as an address. */
  hostname: string;
  /** The instant validity is checked at (injected: the engine has no clock). */
  now: Date;
  roots: RootStore;
  /** Extra trust anchors (DER), e.g. from --ca. */
  userCAs?: Uint8Array[];
  crypto: CryptoProvider;
  /**
   * The keyUsage bit the leaf's key needs: digitalSignature to sign the handshake (TLS 1.3,
   * ECDHE), keyEncipherment for TLS 1.2 static RSA key exchange (RFC 5246 §7.4.2).
   */
  leafKeyUsage?: 'digitalSignature' | 'keyEncipherment';
}

export interface ChainResult {
  summary: CertificateSummary;
  /** The alert to send, when a check failed. */
  alert?: AlertDescription;
  leaf: Certificate;
  /** The path the checks ran on, leaf first (ends at the anchor when one was reached). */
  path: Certificate[];
}

type Source = ChainEntry['source'];

interface PathNode {
  cert: Certificate;
  source: Source;
  /** A trust anchor: the path is complete when it reaches one. */
  anchor: boolean;
}

interface LinkResult {
  ok: boolean;
  scheme?: SignatureSchemeName;
  detail: string;
  finding: CheckFinding;
  alert?: AlertDescription;
}

/** One check plus the alert it maps to when it fails. */
interface Verdict extends CertificateCheck {
  alert?: AlertDescription;
}

/** The order failures are reported in; the first one decides the alert. */
const SEVERITY = ['chain', 'signature', 'policy', 'criticalExtensions', 'basicConstraints', 'keyUsage', 'extendedKeyUsage', 'nameConstraints', 'validity', 'hostname'];

/** Limits that keep a hostile certificate list from making path building expensive. */
const MAX_PATH_LENGTH = 8;
const MAX_SIGNATURE_CHECKS = 48;
const MAX_COMPLETE_PATHS = 8;

const DAY_MS = 86_400_000;

function isoSeconds(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function sameKey(a: Certificate, b: Certificate): boolean {
  return a.subject.key === b.subject.key && a.spki.length === b.spki.length && a.spki.every((x, i) => x === b.spki[i]);
}

function selfIssued(c: Certificate): boolean {
  return c.subject.key === c.issuer.key;
}

/** A certificate's name for sentences: its CN when it has one, else the whole subject. */
function label(name: Name): string {
  return `"${nameOf(name)}"`;
}

/** The same name, unquoted, for a finding's data. */
function nameOf(name: Name): string {
  return commonNames(name)[0] ?? (name.display || '(empty name)');
}

function quote(c: Certificate): string {
  return label(c.subject);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Verifies child's signature with issuer's key, once per pair. */
class SignatureChecker {
  private readonly cache = new Map<string, Promise<LinkResult>>();
  count = 0;

  constructor(private readonly crypto: CryptoProvider) {}

  get exhausted(): boolean {
    return this.count >= MAX_SIGNATURE_CHECKS;
  }

  verify(child: Certificate, issuer: Certificate): Promise<LinkResult> {
    const key = `${child.sha256}/${issuer.sha256}`;
    let result = this.cache.get(key);
    if (!result) {
      this.count++;
      result = this.run(child, issuer);
      this.cache.set(key, result);
    }
    return result;
  }

  private async run(child: Certificate, issuer: Certificate): Promise<LinkResult> {
    const alg = child.signatureAlgorithm;
    const by = `by ${quote(issuer)}`;
    const issuerName = nameOf(issuer.subject);
    const resolved = signatureSchemeFor(alg, issuer.publicKey);
    if ('reason' in resolved) {
      return { ok: false, alert: 'unsupported_certificate', detail: `the signature ${by} cannot be verified: ${resolved.reason}`, finding: { is: 'signature-unsupported', by: issuerName, reason: resolved.reason } };
    }
    const scheme = resolved.scheme;
    const how = resolved.description ? `${resolved.description}, verified as ${scheme}` : scheme;
    // A scheme whose curve is not the one its name implies says both (algorithms.ts signatureSchemeFor).
    const said = { by: issuerName, scheme, ...(resolved.description ? { algorithm: alg.name, curve: issuer.publicKey.curve ?? '' } : {}) };
    // A SHA-1 signature is verified like any other; the key and algorithm policy (policy.ts) refuses it.
    let ok: boolean;
    try {
      ok = await this.crypto.verify(scheme, issuer.spki, child.tbsDer, child.signature);
    } catch (err) {
      const error = (err as Error).message;
      return { ok: false, scheme, alert: 'bad_certificate', detail: `the signature ${by} (${how}) could not be checked: ${error}`, finding: { is: 'signature-error', ...said, error } };
    }
    return ok
      ? { ok: true, scheme, detail: `signed ${by} (${how}): the signature verifies`, finding: { is: 'signature-verifies', ...said } }
      : { ok: false, scheme, alert: 'bad_certificate', detail: `the signature ${by} (${how}) does not verify: the certificate was altered or was not issued by this CA`, finding: { is: 'signature-fails', ...said } };
  }
}

/**
 * Builds the best certification path for the server's certificates and runs every check on it.
 * Throws TlsAlertError for a list that cannot be used at all (empty, or a malformed certificate).
 */
export async function verifyServerCertificates(opts: VerifyServerCertificatesOptions): Promise<ChainResult> {
  if (opts.certificates.length === 0) {
    // RFC 8446 §4.4.2.4: a server must send a certificate.
    throw new TlsAlertError('decode_error', said('x509.emptyList'));
  }
  const sent = opts.certificates.map((der, i) => {
    try {
      return parseCertificate(der);
    } catch (err) {
      if (err instanceof TlsAlertError) throw new TlsAlertError(err.alert, said('x509.sent', { index: i, why: err.diagnostic ?? err.message }));
      throw err;
    }
  });
  const userStore = new RootStore([], 'user-ca');
  (opts.userCAs ?? []).forEach((der, i) => {
    try {
      userStore.add(der, 'user-ca');
    } catch (err) {
      // The user's own input, not the server's: internal_error (RFC 8446 §6.2), in words the reader can act on.
      const why = err instanceof TlsAlertError && err.diagnostic ? err.diagnostic : err instanceof Error ? err.message : String(err);
      throw new TlsAlertError('internal_error', said('x509.userCa', { index: i + 1, why }));
    }
  });
  const stores = [userStore, opts.roots];
  const leaf = sent[0];
  const signatures = new SignatureChecker(opts.crypto);

  /** The anchor that `cert` is itself, if any store trusts it directly. */
  const trusted = (cert: Certificate): { cert: Certificate; source: AnchorSource } | undefined => {
    for (const store of stores) {
      const hit = store.find(cert);
      if (hit) return { cert: hit.certificate, source: hit.source };
    }
    return undefined;
  };

  const candidates = (cert: Certificate, path: PathNode[]): PathNode[] => {
    const out: PathNode[] = [];
    const seen = new Set<string>();
    const push = (node: PathNode) => {
      if (seen.has(node.cert.sha256) || path.some((p) => sameKey(p.cert, node.cert))) return;
      seen.add(node.cert.sha256);
      out.push(node);
    };
    for (const store of stores) for (const a of store.findIssuers(cert)) push({ cert: a.certificate, source: a.source, anchor: true });
    for (const s of sent.slice(1)) {
      if (s.subject.key !== cert.issuer.key) continue;
      const anchor = trusted(s);
      push(anchor ? { cert: anchor.cert, source: anchor.source, anchor: true } : { cert: s, source: 'server', anchor: false });
    }
    const aki = cert.extensions.authorityKeyIdentifier;
    const rank = (n: PathNode): number[] => {
      const ski = n.cert.extensions.subjectKeyIdentifier;
      const keyIdMismatch = aki && ski && !equalBytes(aki, ski) ? 1 : 0;
      const t = opts.now.getTime();
      const invalidNow = t < n.cert.notBefore.getTime() || t > n.cert.notAfter.getTime() ? 1 : 0;
      return [keyIdMismatch, n.anchor ? 0 : 1, invalidNow, -n.cert.notAfter.getTime()];
    };
    return out
      .map((n) => ({ n, r: rank(n) }))
      .sort((a, b) => {
        for (let i = 0; i < a.r.length; i++) if (a.r[i] !== b.r[i]) return a.r[i] - b.r[i];
        return 0;
      })
      .map((x) => x.n);
  };

  // Depth-first search over issuer candidates, best first; every complete path is scored by its
  // checks and the search stops at the first one that passes them all.
  const leafAnchor = trusted(leaf);
  const start: PathNode = { cert: leaf, source: 'server', anchor: leafAnchor !== undefined };
  // The search's first way up (the best candidate at every step, as extend() below takes them)
  // has all its signatures started together, so they run side by side; the search then finds
  // them in the checker's cache. In the usual chain this is the only way it takes.
  for (let path = [start]; path.length < MAX_PATH_LENGTH && !path[path.length - 1].anchor && !signatures.exhausted; ) {
    const last = path[path.length - 1];
    const next = candidates(last.cert, path)[0];
    if (!next) break;
    signatures.verify(last.cert, next.cert).catch(() => undefined);
    path = [...path, next];
  }

  let best: { path: PathNode[]; checks: Verdict[]; failures: number } | undefined;
  let longestPartial: PathNode[] = [start];
  let complete = 0;

  const consider = async (path: PathNode[], isComplete: boolean) => {
    const checks = await evaluate(path, isComplete, opts, signatures, sent, leafAnchor?.source);
    const failures = checks.filter((c) => !c.ok).length;
    if (!best || failures < best.failures || (failures === best.failures && path.length < best.path.length)) best = { path, checks, failures };
  };

  const extend = async (path: PathNode[]): Promise<boolean> => {
    const last = path[path.length - 1];
    if (last.anchor) {
      complete++;
      await consider(path, true);
      return best!.failures === 0 || complete >= MAX_COMPLETE_PATHS;
    }
    if (path.length > longestPartial.length) longestPartial = path;
    if (path.length >= MAX_PATH_LENGTH) return false;
    for (const next of candidates(last.cert, path)) {
      if (signatures.exhausted) return true;
      const link = await signatures.verify(last.cert, next.cert);
      // A link whose signature fails is explored only when nothing better completes the path.
      if (!link.ok) continue;
      if (await extend([...path, next])) return true;
    }
    return false;
  };

  await extend([start]);
  if (!best) {
    // No path with good signatures: accept bad links, so the report names the broken signature
    // rather than claiming the CA is unknown.
    const extendAny = async (path: PathNode[]): Promise<boolean> => {
      const last = path[path.length - 1];
      if (last.anchor) {
        complete++;
        await consider(path, true);
        return true;
      }
      if (path.length >= MAX_PATH_LENGTH) return false;
      for (const next of candidates(last.cert, path)) {
        if (signatures.exhausted) return true;
        await signatures.verify(last.cert, next.cert);
        if (await extendAny([...path, next])) return true;
      }
      return false;
    };
    await extendAny([start]);
  }
  if (!best) await consider(longestPartial, false);

  const chosen = best!;
  const failed = chosen.checks.filter((c) => !c.ok);
  const alert = failed[0]?.alert;
  const summary: CertificateSummary = {
    verdict: failed.length === 0 ? 'trusted' : 'untrusted',
    alert,
    chain: chosen.path.map((n, i) => ({
      subject: n.cert.subject.display,
      issuer: n.cert.issuer.display,
      notBefore: isoSeconds(n.cert.notBefore),
      notAfter: isoSeconds(n.cert.notAfter),
      serialNumber: n.cert.serialNumber,
      source: i === 0 ? 'server' : n.source,
      sha256: n.cert.sha256,
      names: hostNames(n.cert),
    })),
    checks: chosen.checks.map(({ alert: _alert, ...check }) => check),
  };
  if (!alert) delete summary.alert;
  return { summary, alert, leaf, path: chosen.path.map((n) => n.cert) };
}

/** The DNS names and IP addresses a certificate's subjectAltName lists, as people write them. */
function hostNames(cert: Certificate): string[] {
  return (cert.extensions.subjectAltName ?? []).flatMap((n) =>
    n.type === 'dNSName' ? [n.value] : n.type === 'iPAddress' && (n.bytes.length === 4 || n.bytes.length === 16) ? [generalNameText(n).slice('IP:'.length)] : [],
  );
}

/** Runs every check on `path` and returns them in severity order. */
async function evaluate(
  path: PathNode[],
  isComplete: boolean,
  opts: VerifyServerCertificatesOptions,
  signatures: SignatureChecker,
  sent: Certificate[],
  leafTrustedBy: AnchorSource | undefined,
): Promise<Verdict[]> {
  const checks: Verdict[] = [];
  const add = (check: string, certificate: number | undefined, ok: boolean, detail: string, alert: AlertDescription, finding: CheckFinding) =>
    checks.push({ check, ok, ...(certificate !== undefined ? { certificate } : {}), detail, finding, ...(ok ? {} : { alert }) });
  const now = opts.now.getTime();
  const leaf = path[0].cert;

  // Chain: did the path reach a trust anchor?
  const last = path[path.length - 1];
  const used = new Set(path.map((n) => n.cert.sha256));
  const unused = sent.filter((c) => !used.has(c.sha256) && !path.some((n) => sameKey(n.cert, c))).length;
  const extras = unused > 0 ? `; the server also sent ${unused} certificate${unused > 1 ? 's' : ''} that ${unused > 1 ? 'are' : 'is'} not part of it` : '';
  if (isComplete && path.length === 1) {
    const source = leafTrustedBy === 'user-ca' ? 'user-ca' : 'root-store';
    add('chain', undefined, true, `the server's certificate is itself trusted (${leafTrustedBy === 'user-ca' ? 'it is in your CA list' : 'it is in the root store'})${extras}`, 'unknown_ca', { is: 'anchor-leaf', source, unused });
  } else if (isComplete) {
    const where = last.source === 'user-ca' ? 'from your CA list' : 'from the root store';
    add('chain', undefined, true, `a path of ${path.length} certificates leads to the trusted root ${quote(last.cert)} (${where})${extras}`, 'unknown_ca', {
      is: 'path',
      length: path.length,
      root: nameOf(last.cert.subject),
      source: last.source === 'user-ca' ? 'user-ca' : 'root-store',
      unused,
    });
  } else if (signatures.exhausted) {
    add('chain', undefined, false, `no path to a trusted root was found within ${MAX_SIGNATURE_CHECKS} signature checks: the server sent too many candidate certificates`, 'unknown_ca', { is: 'too-many-candidates', limit: MAX_SIGNATURE_CHECKS });
  } else if (path.length === 1 && selfIssued(leaf)) {
    add('chain', undefined, false, `the certificate is self-signed and is neither in the root store nor in your CA list, so nothing vouches for it`, 'unknown_ca', { is: 'self-signed' });
  } else if (selfIssued(last.cert)) {
    add('chain', undefined, false, `no path to a trusted root: the chain ends at ${quote(last.cert)}, a self-signed root the server sent that is neither in the root store nor in your CA list`, 'unknown_ca', { is: 'untrusted-root', root: nameOf(last.cert.subject) });
  } else {
    const hint = path.length === 1 ? ' (the server is probably not sending its intermediate certificate)' : '';
    add(
      'chain',
      undefined,
      false,
      `no path to a trusted root: ${label(last.cert.issuer)}, the issuer of ${quote(last.cert)}, was not sent by the server and is not a trusted root${hint}`,
      'unknown_ca',
      { is: 'missing-issuer', issuer: nameOf(last.cert.issuer), subject: nameOf(last.cert.subject), leafOnly: path.length === 1 },
    );
  }

  for (let i = 0; i + 1 < path.length; i++) {
    const link = await signatures.verify(path[i].cert, path[i + 1].cert);
    add('signature', i, link.ok, link.detail, link.alert ?? 'bad_certificate', link.finding);
  }

  // Key sizes and algorithms (policy.ts): every key in the path, and every signature the path relies on.
  path.forEach((node, i) => {
    const relied = i + 1 < path.length;
    const verdict = checkPolicy(node.cert, relied);
    add('policy', i, verdict.ok, verdict.detail, 'bad_certificate', verdict.finding);
  });

  path.forEach((node, i) => {
    const c = node.cert;
    const isAnchor = node.anchor && i > 0;
    if (c.unknownCriticalExtensions.length > 0 && !isAnchor) {
      add(
        'criticalExtensions',
        i,
        false,
        `it has critical extension${c.unknownCriticalExtensions.length > 1 ? 's' : ''} ${c.unknownCriticalExtensions.join(', ')} that this client does not process, so it must be rejected (RFC 5280 §4.2)`,
        'unsupported_certificate',
        { is: 'critical-extensions', extensions: [...c.unknownCriticalExtensions] },
      );
    }
  });

  // RFC 5280 §4.2.1.9: a CA's key certifies other keys; a server that authenticates with one
  // breaks the separation browsers and rustls enforce (a CA:TRUE end entity is refused).
  if (leaf.extensions.basicConstraints?.cA) {
    add('basicConstraints', 0, false, 'it is a CA certificate (basicConstraints CA:TRUE), and a CA certificate may not be used as the server\u2019s own certificate (RFC 5280 §4.2.1.9)', 'bad_certificate', { is: 'ca-as-leaf' });
  }

  // basicConstraints (RFC 5280 §4.2.1.9, §6.1.4 (k)–(m)) on every certificate that issued another.
  for (let i = 1; i < path.length; i++) {
    const node = path[i];
    const bc = node.cert.extensions.basicConstraints;
    // pathLenConstraint counts the non-self-issued intermediates below this CA (the leaf excluded).
    const below = path.slice(1, i).filter((n) => !selfIssued(n.cert)).length;
    if (!bc) {
      if (node.anchor) add('basicConstraints', i, true, 'no basicConstraints extension; accepted because this is a trust anchor', 'bad_certificate', { is: 'anchor-without-constraints' });
      else add('basicConstraints', i, false, `it has no basicConstraints extension, so it is not a CA and may not issue certificates (RFC 5280 §4.2.1.9)`, 'bad_certificate', { is: 'no-basic-constraints' });
    } else if (!bc.cA) {
      add('basicConstraints', i, false, `its basicConstraints say CA:FALSE, so it may not issue certificates (RFC 5280 §4.2.1.9)`, 'bad_certificate', { is: 'not-a-ca' });
    } else if (bc.pathLenConstraint !== undefined && below > bc.pathLenConstraint) {
      add(
        'basicConstraints',
        i,
        false,
        `its pathLenConstraint of ${bc.pathLenConstraint} allows ${bc.pathLenConstraint} intermediate CA${bc.pathLenConstraint === 1 ? '' : 's'} below it, but ${below} follow${below === 1 ? 's' : ''} (RFC 5280 §4.2.1.9)`,
        'bad_certificate',
        { is: 'path-too-long', limit: bc.pathLenConstraint, below },
      );
    } else {
      const len = bc.pathLenConstraint !== undefined ? `, pathLenConstraint ${bc.pathLenConstraint} (${below} intermediate CA${below === 1 ? '' : 's'} below it)` : '';
      add('basicConstraints', i, true, `CA:TRUE${len}`, 'bad_certificate', { is: 'ca', ...(bc.pathLenConstraint !== undefined ? { limit: bc.pathLenConstraint } : {}), below });
    }
  }

  // keyUsage (RFC 5280 §4.2.1.3): issuers need keyCertSign; the leaf needs what the key exchange uses.
  path.forEach((node, i) => {
    const ku = node.cert.extensions.keyUsage;
    const need = i === 0 ? (opts.leafKeyUsage ?? 'digitalSignature') : 'keyCertSign';
    if (!ku) {
      add('keyUsage', i, true, 'no keyUsage extension: the key is not restricted', 'bad_certificate', { is: 'key-usage-unrestricted' });
    } else if (ku.includes(need)) {
      add('keyUsage', i, true, `keyUsage ${ku.join(', ')} includes ${need}`, 'bad_certificate', { is: 'key-usage', usages: [...ku], need });
    } else {
      const why = i === 0 ? `which this handshake needs (RFC 5280 §4.2.1.3)` : 'so it may not sign certificates (RFC 5280 §4.2.1.3)';
      add('keyUsage', i, false, `its keyUsage (${ku.join(', ') || 'none'}) lacks ${need}, ${why}`, i === 0 ? 'unsupported_certificate' : 'bad_certificate', {
        is: 'key-usage-lacks',
        usages: [...ku],
        need,
        leaf: i === 0,
      });
    }
  });

  // extKeyUsage (RFC 5280 §4.2.1.12) on the leaf, and on intermediates as browsers enforce it.
  path.forEach((node, i) => {
    if (i > 0 && node.anchor) return;
    const eku = node.cert.extensions.extKeyUsage;
    if (!eku) {
      if (i === 0) add('extendedKeyUsage', i, true, 'no extKeyUsage extension: any purpose is allowed', 'unsupported_certificate', { is: 'ext-key-usage-unrestricted' });
    } else if (eku.includes('serverAuth') || eku.includes('anyExtendedKeyUsage')) {
      add('extendedKeyUsage', i, true, `extKeyUsage ${eku.join(', ')} allows serverAuth`, 'unsupported_certificate', { is: 'ext-key-usage', usages: [...eku] });
    } else {
      add(
        'extendedKeyUsage',
        i,
        false,
        `its extKeyUsage (${eku.join(', ')}) does not include serverAuth: it is not meant for TLS servers (RFC 5280 §4.2.1.12)`,
        'unsupported_certificate',
        { is: 'ext-key-usage-lacks', usages: [...eku] },
      );
    }
  });

  // nameConstraints (RFC 5280 §4.2.1.10) of each CA over the certificates below it.
  for (let i = 1; i < path.length; i++) {
    if (!path[i].cert.extensions.nameConstraints) continue;
    let violation: { index: number; clause: string; breach: NonNullable<ReturnType<typeof nameConstraintBreach>> } | undefined;
    for (let j = 0; j < i && !violation; j++) {
      // RFC 5280 §6.1.3 (b): self-issued intermediates are exempt; the leaf never is.
      if (j > 0 && selfIssued(path[j].cert)) continue;
      const v = nameConstraintViolation(path[i].cert, path[j].cert, j === 0);
      if (v) violation = { index: j, clause: v, breach: nameConstraintBreach(path[i].cert, path[j].cert, j === 0)! };
    }
    if (violation) {
      const detail = `certificate #${violation.index} violates the name constraints of ${quote(path[i].cert)}: ${violation.clause}`;
      add('nameConstraints', i, false, detail, 'bad_certificate', { is: 'name-constraints-violated', index: violation.index, ca: nameOf(path[i].cert.subject), ...violation.breach });
    } else {
      add('nameConstraints', i, true, 'the names below this CA are within its name constraints', 'bad_certificate', { is: 'name-constraints-kept' });
    }
  }

  // Validity period (RFC 5280 §4.1.2.5) of every certificate, anchors included.
  path.forEach((node, i) => {
    const c = node.cert;
    if (now < c.notBefore.getTime()) {
      const days = Math.ceil((c.notBefore.getTime() - now) / DAY_MS);
      add('validity', i, false, `not valid before ${isoSeconds(c.notBefore)} (${days} day${days === 1 ? '' : 's'} after this check)`, 'certificate_expired', { is: 'not-yet-valid', from: isoSeconds(c.notBefore), days });
    } else if (now > c.notAfter.getTime()) {
      const days = Math.floor((now - c.notAfter.getTime()) / DAY_MS);
      add('validity', i, false, `expired on ${isoSeconds(c.notAfter)} (${days} day${days === 1 ? '' : 's'} before this check)`, 'certificate_expired', { is: 'expired', until: isoSeconds(c.notAfter), days });
    } else {
      const days = Math.floor((c.notAfter.getTime() - now) / DAY_MS);
      add('validity', i, true, `valid from ${day(c.notBefore)} until ${day(c.notAfter)} (${days} day${days === 1 ? '' : 's'} left)`, 'certificate_expired', { is: 'valid', from: day(c.notBefore), until: day(c.notAfter), days });
    }
  });

  const host = await checkHostname(leaf, opts.hostname);
  add('hostname', 0, host.ok, host.detail, 'certificate_unknown', host.finding);

  return checks.sort((a, b) => SEVERITY.indexOf(a.check) - SEVERITY.indexOf(b.check));
}
