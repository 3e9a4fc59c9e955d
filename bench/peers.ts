/**
 * What the benchmarks talk to: a fresh ECDSA P-256 PKI made at bench time in bench/tmp/ (never
 * committed), and `openssl s_server` on loopback serving its status page (-www) over TLS 1.3.
 */
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { issue, type Issued } from '../server/pki';

export const BENCH_DIR = import.meta.dirname;
export const BENCH_TMP = join(BENCH_DIR, 'tmp');

export interface BenchPki {
  ca: Issued;
  /** P-256 leaf for localhost, bench.test and 127.0.0.1, signed by `ca` (ecdsa_secp256r1_sha256). */
  leaf: Issued;
}

/**
 * A root CA and a server certificate, both ECDSA P-256. A separate CA (instead of a self-signed
 * leaf) because subtls only verifies chains that end at a trusted root other than the leaf.
 */
export async function makeBenchPki(dir = join(BENCH_TMP, 'pki')): Promise<BenchPki> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const ca = await issue({ name: 'bench-ca', subjectCN: 'TLS Playground bench CA', keyType: 'p256', isCA: true }, dir);
  const leaf = await issue(
    { name: 'bench-server', subjectCN: 'localhost', keyType: 'p256', issuer: ca, dnsNames: ['localhost', 'bench.test'], ipAddresses: ['127.0.0.1'] },
    dir,
  );
  return { ca, leaf };
}

/**
 * Collects a child's stdout and stderr until `pattern` matches them (its match is returned), the
 * child exits, fails to start, or `timeoutMs` passes (both rejected with what it printed). The
 * listeners are removed again either way; `seen` gets the text so far.
 */
export function waitForOutput(
  child: ChildProcess,
  pattern: RegExp,
  what: string,
  timeoutMs: number,
  seen: (text: string) => void = () => {},
): Promise<RegExpExecArray> {
  let output = '';
  return new Promise<RegExpExecArray>((resolve, reject) => {
    const done = (settle: () => void) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('error', onError);
      child.off('exit', onExit);
      settle();
    };
    const onData = (d: Buffer) => {
      output += d.toString();
      seen(output);
      const m = pattern.exec(output);
      if (m) done(() => resolve(m));
    };
    const onError = (e: Error) => done(() => reject(new Error(`cannot run ${what}: ${e.message}`)));
    const onExit = (code: number | null) => done(() => reject(new Error(`${what} exited with code ${code}:\n${output}`)));
    const timer = setTimeout(() => done(() => reject(new Error(`${what} did not start within ${timeoutMs / 1000} s:\n${output}`))), timeoutMs);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', onError);
    child.once('exit', onExit);
  });
}

export interface OpensslServer {
  port: number;
  /** Everything s_server printed, for error messages. */
  output(): string;
  close(): Promise<void>;
}

/**
 * `openssl s_server -www` on 127.0.0.1 (an ephemeral port it reports as "ACCEPT host:port").
 * It serves one connection at a time, which is what an interleaved, sequential benchmark wants.
 */
export async function startOpensslServer(pki: BenchPki, extraArgs: string[] = []): Promise<OpensslServer> {
  const args = ['s_server', '-accept', '127.0.0.1:0', '-cert', pki.leaf.certPath, '-key', pki.leaf.keyPath, '-www', '-tls1_3', ...extraArgs];
  const child: ChildProcessWithoutNullStreams = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const port = Number((await waitForOutput(child, /ACCEPT\s+\S*:(\d+)/, 'openssl s_server', 5000, (text) => (output = text)))[1]);
  // Keep draining its output (it logs per connection) so the pipe never fills and blocks it.
  child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  return {
    port,
    output: () => output,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
