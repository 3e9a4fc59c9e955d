/**
 * The engine as the page uses it: runTls over the relay transport, with WebCrypto (noble where it is
 * missing), the Mozilla root store, and the demo CA for the demo targets. Loaded with import() on
 * the first Run, so none of this weighs on the first page load.
 */
import { diagnose, type Diagnosis, type ProbeResult } from '@/lib/doctor/diagnose';
import { annotateCertificate, createCertificateVerifier, schemesForCertificate } from '@/lib/run/certificates';
import { runTls, type RunDeps } from '@/lib/run/run';
import type { ClientCertificate } from '@/lib/tls/client/options';
import { defaultCrypto } from '@/lib/tls/crypto';
import { digest, hkdfExpandLabel, hkdfExtract } from '@/lib/tls/hash';
import { mozillaRoots, RootStore } from '@/lib/tls/x509/roots';
import type { Step, Trace } from '@/lib/trace/schema';
import { createRelayTransport, type RelayTransport } from '@/lib/transport/relay';
import type { RunRequest } from '@/lib/run/run';
import { relayUrl } from '@/lib/view/runOptions';
import { pemBlocks } from '@/lib/run/pem';
import type { RunConfig } from '@/lib/run/runConfig';
import { isDemoHost } from '@/lib/run/target';
import { pageConfig } from './pageConfig';
import { RunStartError } from './startError';
import { inEnglish, said, type Diagnostic } from '@/lib/tls/diagnostics';

let roots: Promise<RootStore> | undefined;
/** One relay transport per relay URL for the page's life, so a WebSocket warmed after one run serves the next. */
const transports = new Map<string, RelayTransport>();

/** Whether this page is in the foreground: only then does it keep a WebSocket open ahead. */
const visible = () => typeof document === 'undefined' || document.visibilityState !== 'hidden';

// A page sent to the background gives its spare WebSocket back: the relay counts it against this
// client's concurrency (RELAY_MAX_PER_IP), which other tabs and other people behind the same
// address share. The next run opens its own, or the user's next intent warms one again.
if (typeof document !== 'undefined') {
  document.addEventListener('visibilitychange', () => {
    if (!visible()) for (const transport of transports.values()) transport.release();
  });
}

/** This page's relay transport, for the relay the configuration names. */
function relayTransport(config: RunConfig): RelayTransport {
  const url = relayUrl(config.relayUrl, window.location, config.relayPort);
  let transport = transports.get(url);
  if (!transport) {
    transport = createRelayTransport({ url });
    transports.set(url, transport);
  }
  return transport;
}

function startError(diagnostic: Diagnostic): RunStartError {
  return new RunStartError(diagnostic, inEnglish(diagnostic));
}

function demoClientCertificate(config: RunConfig): ClientCertificate {
  if (!config.demo) throw startError(config.demoUnavailable ? said('start.demoCertificateUnavailable', { why: config.demoUnavailable }) : said('start.demoCertificateUnknown'));
  const chainDer = pemBlocks(config.demo.clientCertPem, 'CERTIFICATE');
  const [keyPkcs8Der] = pemBlocks(config.demo.clientKeyPem, 'PRIVATE KEY');
  if (chainDer.length === 0 || !keyPkcs8Der) throw startError(said('start.demoCertificateFormat'));
  return { chainDer, keyPkcs8Der, schemes: schemesForCertificate(chainDer[0]) };
}

export interface StartRunOptions {
  onStep?: (step: Step, trace: Trace) => void;
  signal?: AbortSignal;
}

/**
 * The root store (a chunk of its own), loading: only the certificate check waits for it, and
 * reports it if it failed to load (the next run tries again).
 */
function rootStore(): Promise<RootStore> {
  if (roots) return roots;
  const loading = mozillaRoots();
  loading.catch(() => {
    if (roots === loading) roots = undefined;
  });
  return (roots = loading);
}

/**
 * Readies what a first run would otherwise wait for: the configuration, the root store and a relay
 * WebSocket opened ahead (preconnect). The page calls it when the user shows the intent to run.
 */
export async function prepareEngine(): Promise<void> {
  try {
    const transport = relayTransport(await pageConfig());
    if (visible()) await transport.warm();
  } finally {
    // Only then: a demo card's run never needs the Mozilla store, and its ~200 KB chunk would share
    // the line with the configuration and the WebSocket a click right after the page appears waits for.
    void rootStore();
  }
}

/**
 * Loads what every run needs and costs nothing to hold — the root store and the configuration — and
 * warms the crypto up, without opening a relay connection (that waits for the user's intent,
 * prepareEngine): the page calls it once it has loaded and is idle, so a first click on a demo card
 * waits for none of them.
 */
export function loadAhead(): void {
  void rootStore();
  pageConfig().catch(() => undefined);
  void warmUp();
}

let warmed: Promise<void> | undefined;

/**
 * Runs once, while the page is idle, the JavaScript a first handshake would otherwise run cold: the
 * ML-KEM-768 key generation of the default first key share (draft-ietf-tls-ecdhe-mlkem §3; noble's
 * first call builds its tables and is several times slower than the next), AES-GCM and
 * ChaCha20-Poly1305 on a short record (noble below the SubtleCrypto threshold), and HKDF with both
 * TLS 1.3 hashes (RFC 8446 §7.1). One piece per task, so a click that comes meanwhile waits for one
 * piece at most. Nothing it makes is kept: the keys are thrown away.
 */
function warmUp(): Promise<void> {
  warmed ??= (async () => {
    const crypto = defaultCrypto();
    const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));
    const random = (n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n));
    const zeros = (n: number) => new Uint8Array(n);
    try {
      await crypto.generateKeyShare('X25519MLKEM768', random);
      await nextTask();
      for (const [aead, keyLength] of [['AES-128-GCM', 16], ['AES-256-GCM', 32], ['CHACHA20-POLY1305', 32]] as const) {
        const sealed = await crypto.seal(aead, zeros(keyLength), zeros(12), zeros(5), zeros(32));
        await crypto.open(aead, zeros(keyLength), zeros(12), zeros(5), sealed);
        await nextTask();
      }
      for (const hash of ['sha256', 'sha384'] as const) {
        const secret = hkdfExtract(hash, zeros(0), zeros(32));
        hkdfExpandLabel(hash, secret, 'derived', digest(hash, zeros(0)), 32);
        await nextTask();
      }
    } catch {
      // Only a head start: the run itself reports what fails.
    }
  })();
  return warmed;
}

/**
 * The demo targets' trust: their CA alone. No public CA issues for a .test name (RFC 6761 §6.2), so
 * the Mozilla store could anchor nothing there, and a first run on a demo card — right after the page
 * appears — need not wait for its ~150 KB chunk.
 */
const NO_PUBLIC_ROOTS = new RootStore([]);

/** Everything runTls needs in this browser for `request`. */
async function browserDeps(request: RunRequest, { onStep, signal }: StartRunOptions): Promise<RunDeps> {
  const config = await pageConfig();
  // The demo CA is trusted only for the demo targets (*.test), never for real sites.
  const demo = isDemoHost(request.url) && Boolean(config.demo);
  const userCAs = demo ? pemBlocks(config.demo!.rootCaPem, 'CERTIFICATE') : [];
  const store = demo ? NO_PUBLIC_ROOTS : rootStore();
  const clientCertificate = request.clientCertificate ? demoClientCertificate(config) : undefined;
  const crypto = defaultCrypto();
  const transport = relayTransport(config);
  return {
    transport: {
      name: transport.name,
      // Each connection takes the warmed WebSocket (if any) and warms the next one behind it, so
      // the compare page's and the doctor's runs after the first skip the WebSocket handshake.
      open(target, onEvent) {
        const connection = transport.open(target, onEvent);
        if (visible()) void transport.warm();
        return connection;
      },
    },
    crypto,
    verifyCertificates: createCertificateVerifier({ roots: store, userCAs, crypto }),
    annotateCertificate,
    clientCertificate,
    onStep,
    signal,
  };
}

/** Runs one request in this browser; resolves with the trace (runTls itself never rejects). */
export async function startRun(request: RunRequest, options: StartRunOptions = {}): Promise<Trace> {
  return runTls(request, await browserDeps(request, options));
}

/** The renegotiation doctor, probing from this browser through the relay. */
export async function startDiagnosis(request: RunRequest, onProbe: (probe: ProbeResult) => void): Promise<Diagnosis> {
  return diagnose(request, async (req) => ({ req, deps: await browserDeps(req, {}) }), { onProbe });
}
