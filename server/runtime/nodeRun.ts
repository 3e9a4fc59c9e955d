/**
 * Node-side wiring for runs (CLI, tests, benchmarks): TCP transport, crypto, the Mozilla root store
 * plus user CAs, client certificates from PEM files, and the built-in demo targets by alias.
 */
import { readFile } from 'node:fs/promises';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { createTcpTransport } from '../../lib/transport/tcp';
import { defaultCrypto } from '../../lib/tls/crypto/index';
import type { CryptoProvider } from '../../lib/tls/crypto/provider';
import type { ClientCertificate } from '../../lib/tls/client/options';
import { mozillaRoots, RootStore } from '../../lib/tls/x509/roots';
import { annotateCertificate, createCertificateVerifier, schemesForCertificate } from '../../lib/run/certificates';
import { RunInputError, type RunDeps, type RunRequest } from '../../lib/run/run';
import { said, type Diagnostic } from '../../lib/tls/diagnostics';
import { readDemoStatus, DEFAULT_DEMO_DATA_DIR, demoTargetsNotRunning, notRunningDiagnostic } from '../demo/registry';
import { demoPkiDir } from '../demo/paths';

export interface NodeRunSetup {
  /** PEM files with extra trusted CAs. */
  caFiles?: string[];
  /** PEM certificate chain and key; the special value "demo" uses the demo client certificate. */
  clientCertFile?: string;
  clientKeyFile?: string;
  /** Where the demo targets keep their registry and PKI. */
  demoDataDir?: string;
  crypto?: CryptoProvider;
  timeoutMs?: number;
}

/** Splits a PEM bundle into DER certificates. */
export function pemCertificates(pem: string, what: string | Diagnostic): Uint8Array[] {
  const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  if (!blocks.length) throw new RunInputError(said('input.noPemCertificate', { file: what }));
  return blocks.map((m) => new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64')));
}

async function readText(path: string, what: Diagnostic): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new RunInputError(said('input.cannotRead', { file: what, path, code: String((e as NodeJS.ErrnoException).code ?? e) }));
  }
}

export async function loadClientCertificate(certFile: string, keyFile: string): Promise<ClientCertificate> {
  const chainDer = pemCertificates(await readText(certFile, said('input.clientCertificateFile')), certFile);
  let keyPkcs8Der: Uint8Array;
  try {
    // Any PEM private key form (PKCS#8, SEC1, PKCS#1) becomes PKCS#8 DER for the engine.
    keyPkcs8Der = new Uint8Array(createPrivateKey(await readText(keyFile, said('input.clientKeyFile'))).export({ type: 'pkcs8', format: 'der' }));
  } catch (e) {
    if (e instanceof RunInputError) throw e;
    throw new RunInputError(said('input.unusableKey', { path: keyFile, error: (e as Error).message }));
  }
  const cert = new X509Certificate(Buffer.from(chainDer[0]));
  if (!cert.checkPrivateKey(createPrivateKey({ key: Buffer.from(keyPkcs8Der), format: 'der', type: 'pkcs8' }))) {
    throw new RunInputError(said('input.keyMismatch', { key: keyFile, certificate: certFile }));
  }
  return { chainDer, keyPkcs8Der, schemes: schemesForCertificate(chainDer[0]) };
}

/** `https://<name>.test/...` → the loopback port of a running demo target, and its CA to trust. */
export async function resolveDemoTarget(url: string, dataDir: string): Promise<{ connect: string; caDer: Uint8Array[] } | undefined> {
  let host: string;
  let port: string;
  try {
    ({ hostname: host, port } = new URL(/^[a-z]+:\/\//i.test(url) ? url : `https://${url}`));
  } catch {
    return undefined;
  }
  // `<name>.test`, or a name one label under it (www.wildcard.test), as the relay reaches them.
  const m = /^(?:[a-z0-9-]+\.)?([a-z0-9-]+)\.test$/.exec(host);
  if (!m) return undefined;
  // As the relay: a demo alias is https://<name>.test/; a port would otherwise be silently ignored.
  if (port !== '' && port !== '443') throw new RunInputError(said('input.demoPort', { host, port }));
  const status = await readDemoStatus(dataDir);
  const registry = status?.running;
  const endpoint = registry?.[m[1]];
  const notStarted = status?.notStarted[m[1]];
  if (!endpoint && notStarted) throw new RunInputError(notRunningDiagnostic(host, notStarted));
  if (!endpoint) {
    throw new RunInputError(registry ? said('input.noDemoTarget', { name: m[1] }) : demoTargetsNotRunning(host, dataDir));
  }
  const caDer = pemCertificates(await readText(join(demoPkiDir(dataDir), 'demo-root-ca.crt'), said('input.demoCa')), said('input.demoCa'));
  return { connect: `${endpoint.host}:${endpoint.port}`, caDer };
}

let roots: Promise<RootStore> | undefined;

/** Everything a run needs on Node, for a given request (resolves demo aliases into `connect`). */
export async function nodeRunDeps(req: RunRequest, setup: NodeRunSetup = {}): Promise<{ req: RunRequest; deps: RunDeps }> {
  const crypto = setup.crypto ?? defaultCrypto();
  const userCAs: Uint8Array[] = [];
  for (const f of setup.caFiles ?? []) userCAs.push(...pemCertificates(await readText(f, said('input.caFile')), f));
  const dataDir = setup.demoDataDir ?? process.env.DEMO_DATA_DIR ?? DEFAULT_DEMO_DATA_DIR;
  let request = req;
  if (!req.connect) {
    const demo = await resolveDemoTarget(req.url, dataDir);
    if (demo) {
      request = { ...req, connect: demo.connect };
      userCAs.push(...demo.caDer);
    }
  }
  let clientCertificate: ClientCertificate | undefined;
  if (setup.clientCertFile === 'demo') {
    const dir = demoPkiDir(dataDir);
    clientCertificate = await loadClientCertificate(join(dir, 'demo-client.crt'), join(dir, 'demo-client.key'));
  } else if (setup.clientCertFile && setup.clientKeyFile) {
    clientCertificate = await loadClientCertificate(setup.clientCertFile, setup.clientKeyFile);
  }
  roots ??= mozillaRoots();
  const store = await roots;
  return {
    req: clientCertificate ? { ...request, clientCertificate: request.clientCertificate ?? true } : request,
    deps: {
      transport: createTcpTransport(),
      crypto,
      verifyCertificates: createCertificateVerifier({ roots: store, userCAs, crypto }),
      annotateCertificate,
      clientCertificate,
      timeoutMs: setup.timeoutMs,
    },
  };
}
