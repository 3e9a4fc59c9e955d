/**
 * The engine as the page uses it: runTls over the relay transport, with WebCrypto (noble where it is
 * missing), the Mozilla root store, and the demo CA for the demo targets. Loaded with import() on
 * the first Run, so none of this weighs on the first page load.
 */
import { runTls, type RunRequest as EngineRequest } from '@/lib/run/run';
import type { ClientCertificate, CertificateVerdict } from '@/lib/tls/client/options';
import { defaultCrypto, parsePkcs8, type CryptoProvider, type SignatureSchemeName } from '@/lib/tls/crypto';
import { verifyServerCertificates } from '@/lib/tls/x509/chain';
import { parseCertificate } from '@/lib/tls/x509/parse';
import { mozillaRoots, type RootStore } from '@/lib/tls/x509/roots';
import type { Step, Trace } from '@/lib/trace/schema';
import { createRelayTransport } from '@/lib/transport/relay';
import { relayUrl, type RunRequest } from '@/lib/view/runOptions';
import type { RunConfig } from '../api/run-config/route';
import { pemBlocks } from './pem';

let roots: Promise<RootStore> | undefined;

async function fetchRunConfig(): Promise<RunConfig> {
  let response: Response;
  try {
    response = await fetch('/api/run-config', { cache: 'no-store' });
  } catch {
    throw new Error('this page’s server did not answer (is it still running?)');
  }
  if (!response.ok) throw new Error(`this page’s server answered ${response.status} when asked where the relay is`);
  return (await response.json()) as RunConfig;
}

/** The demo CA is trusted only for the demo targets (*.test), never for real sites. */
function isDemoHost(url: string): boolean {
  try {
    return new URL(url).hostname.toLowerCase().endsWith('.test');
  } catch {
    return false;
  }
}

/** The schemes a client key can sign with, best first (RFC 8446 §4.2.3 names). */
function schemesFor(keyPkcs8Der: Uint8Array): SignatureSchemeName[] {
  const key = parsePkcs8(keyPkcs8Der);
  switch (key.algorithm) {
    case 'ec':
      return key.curve === 'P-384' ? ['ecdsa_secp384r1_sha384'] : key.curve === 'P-521' ? ['ecdsa_secp521r1_sha512'] : ['ecdsa_secp256r1_sha256'];
    case 'ed25519':
      return ['ed25519'];
    case 'rsa-pss':
      return ['rsa_pss_pss_sha256'];
    case 'rsa':
      return ['rsa_pss_rsae_sha256', 'rsa_pkcs1_sha256'];
  }
}

function demoClientCertificate(config: RunConfig): ClientCertificate {
  if (!config.demo) throw new Error(`the demo client certificate is not available: ${config.demoUnavailable ?? 'unknown reason'}`);
  const chainDer = pemBlocks(config.demo.clientCertPem, 'CERTIFICATE');
  const [keyPkcs8Der] = pemBlocks(config.demo.clientKeyPem, 'PRIVATE KEY');
  if (chainDer.length === 0 || !keyPkcs8Der) throw new Error('the demo client certificate on the server is not in PEM (CERTIFICATE + PRIVATE KEY)');
  return { chainDer, keyPkcs8Der, schemes: schemesFor(keyPkcs8Der) };
}

function certificateVerifier(crypto: CryptoProvider, store: RootStore, userCAs: Uint8Array[]) {
  return async (certificates: Uint8Array[], hostname: string, now: Date): Promise<CertificateVerdict> => {
    const result = await verifyServerCertificates({ certificates, hostname, now, roots: store, userCAs, crypto });
    const failed = result.summary.checks.find((c) => !c.ok);
    return { summary: result.summary, alert: result.alert, message: failed?.detail, leafSpki: result.leaf.spki };
  };
}

function annotateCertificate(der: Uint8Array) {
  try {
    return parseCertificate(der).field;
  } catch {
    // The chain check reports an undecodable certificate; here the bytes just stay unannotated.
    return undefined;
  }
}

export interface StartRunOptions {
  onStep: (step: Step, trace: Trace) => void;
  signal: AbortSignal;
}

/** Runs one request in this browser; resolves with the trace (runTls itself never rejects). */
export async function startRun(request: RunRequest, { onStep, signal }: StartRunOptions): Promise<Trace> {
  const config = await fetchRunConfig();
  const demo = isDemoHost(request.url);
  const userCAs = demo && config.demo ? pemBlocks(config.demo.rootCaPem, 'CERTIFICATE') : [];
  const clientCertificate = request.clientCertificate ? demoClientCertificate(config) : undefined;
  roots ??= mozillaRoots();
  const store = await roots;
  const crypto = defaultCrypto();
  const transport = createRelayTransport({ url: relayUrl(config.relayUrl, window.location, config.relayPort) });
  return runTls(request as EngineRequest, {
    transport,
    crypto,
    verifyCertificates: certificateVerifier(crypto, store, userCAs),
    annotateCertificate,
    clientCertificate,
    onStep,
    signal,
  });
}
