/**
 * `tls-playground/node`: runs on Node over plain TCP, as the CLI does — the TCP transport, the
 * Mozilla root store, CA and client-certificate PEM files, and the demo targets by their
 * `https://<name>.test/` alias while they run (they live in the repository; DEMO_DATA_DIR says where).
 */
import { runTls, type RunRequest } from '../lib/run/run';
import type { Trace } from '../lib/trace/schema';
import { nodeRunDeps, type NodeRunSetup } from '../server/runtime/nodeRun';

export { nodeRunDeps, loadClientCertificate, pemCertificates, resolveDemoTarget, type NodeRunSetup } from '../server/runtime/nodeRun';
export { createTcpTransport, type TcpTransportOptions } from '../lib/transport/tcp';
export { runTls, type RunRequest, type RunDeps } from '../lib/run/run';
export type { Trace, Step } from '../lib/trace/schema';

/**
 * One traced run from Node: `await runOverTcp({ url: 'https://example.com/' })`. `onStep` sees
 * each step as it happens; the resolved trace is the whole record.
 */
export async function runOverTcp(request: RunRequest, setup: NodeRunSetup & { onStep?: (step: Trace['steps'][number]) => void } = {}): Promise<Trace> {
  const { req, deps } = await nodeRunDeps(request, setup);
  return runTls(req, { ...deps, onStep: setup.onStep });
}
