/**
 * Starts every demo target of the catalog on loopback and writes the runtime registry
 * (`<dataDir>/targets.json`). Node's tls (OpenSSL) serves all targets but tls13-pha, which runs on
 * Python's ssl module (server/demo/tls13_pha.py) because Node has no post-handshake-auth API.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { constants as cryptoConstants } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import https from 'node:https';
import type net from 'node:net';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Issued } from '../pki';
import { type DemoTarget, demoTargets } from './catalog';
import { type DemoPki, loadOrCreateDemoPki } from './certificates';
import { type DemoRegistry, demoRegistryPath } from './registry';
import { createResetFront } from './resetFront';
import { iisSite, plainSite } from './site';

export interface StartDemoOptions {
  /** Where keys, certificates and targets.json live (created if missing). */
  dataDir: string;
  /** Bind address; loopback only. Default 127.0.0.1. */
  host?: string;
  /** Target i of the catalog listens on basePort + i; default: ephemeral ports. */
  basePort?: number;
  /** How long iis-renegotiation waits for the client to renegotiate before closing. Default 20 s. */
  renegotiationTimeoutMs?: number;
  /** One line per notable event (resets, child process trouble). */
  log?: (line: string) => void;
}

export interface RunningDemoTarget {
  name: string;
  host: string;
  port: number;
}

export interface RunningDemo {
  targets: RunningDemoTarget[];
  /** The demo root CA: trust it to verify the demo targets' certificates. */
  ca: Issued;
  /** The demo client certificate the IIS-like targets and tls13-pha accept. */
  clientCert: Issued;
  pki: DemoPki;
  close(): Promise<void>;
}

interface Started {
  port: number;
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** IIS's TLS 1.2 suites for an RSA certificate: ECDHE with AES-GCM, AES-256 first. */
const IIS_CIPHERS = 'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256';
/** Static RSA key transport with CBC and HMAC, SHA-256 MACs first (RFC 5246 appendix A.5). */
const LEGACY_CIPHERS = 'AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA';

function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** Closes a server and every connection it still holds (keep-alive clients would delay close()). */
function closer(server: net.Server): () => Promise<void> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
}

async function startHttps(options: https.ServerOptions, handler: Parameters<typeof https.createServer>[1], host: string, port: number): Promise<Started> {
  const server = https.createServer({ ALPNProtocols: ['http/1.1'], ...options }, handler);
  const close = closer(server);
  return { port: await listen(server, host, port), close };
}

function targetOptions(name: string, pki: DemoPki): https.ServerOptions {
  const identity = pki.servers[name];
  if (!identity) throw new Error(`no server certificate for demo target ${name}`);
  return { key: identity.key, cert: identity.certChainPem };
}

async function startTlsPha(target: DemoTarget, pki: DemoPki, host: string, port: number, log: (l: string) => void): Promise<Started> {
  const identity = pki.servers[target.name];
  const dir = join(pki.dir, 'tls13-pha');
  await mkdir(dir, { recursive: true });
  const chainPath = join(dir, 'chain.pem');
  await writeFile(chainPath, identity.certChainPem);
  const script = fileURLToPath(new URL('./tls13_pha.py', import.meta.url));
  const python = process.env.TLSPG_PYTHON ?? 'python3';
  const args = [script, '--cert', chainPath, '--key', identity.leaf.keyPath, '--ca', pki.root.certPath, '--host', host, '--port', String(port), '--name', target.name];
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const boundPort = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${python} ${target.name}: no port announced within 10 s; stderr: ${stderr}`)), 10_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(timer);
        try {
          resolve((JSON.parse(line) as { port: number }).port);
        } catch {
          reject(new Error(`${target.name}: unexpected output ${JSON.stringify(line)}`));
        }
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${python} for ${target.name}: ${err.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${target.name} exited with code ${code}: ${stderr}`));
    });
  }).catch((err: unknown) => {
    child.kill();
    throw err;
  });
  child.once('exit', (code, signal) => log(`${target.name}: python server exited (${code ?? signal})`));
  return {
    port: boundPort,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // Closing stdin asks the script to exit; a signal makes sure it does.
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGTERM'), 1000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function startTarget(target: DemoTarget, pki: DemoPki, host: string, port: number, opts: StartDemoOptions): Promise<Started> {
  const log = opts.log ?? (() => {});
  const base = targetOptions(target.name, pki);
  switch (target.name) {
    case 'iis-renegotiation': {
      // The TLS server listens on an internal port; clients reach it through the TCP front that
      // resets the connection when a HelloRequest is answered by an alert.
      const inner = await startHttps(
        {
          ...base,
          ca: pki.root.certPem,
          maxVersion: 'TLSv1.2',
          ciphers: IIS_CIPHERS,
          honorCipherOrder: true,
          // A renegotiation that asks for a certificate must be a full handshake (RENEGOTIATION.md).
          secureOptions: cryptoConstants.SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION,
        },
        iisSite(target, { certificateRequest: 'renegotiate', renegotiationTimeoutMs: opts.renegotiationTimeoutMs ?? 20_000 }),
        host,
        0,
      );
      const front = createResetFront({
        inner: { host, port: inner.port },
        onReset: (c) => log(`${target.name}: ${c.address}:${c.port} answered the HelloRequest with an alert; connection reset`),
      });
      const closeFront = closer(front);
      const frontPort = await listen(front, host, port);
      return {
        port: frontPort,
        close: async () => {
          await closeFront();
          await inner.close();
        },
      };
    }
    case 'iis-fixed':
      return startHttps(
        { ...base, ca: pki.root.certPem, maxVersion: 'TLSv1.2', ciphers: IIS_CIPHERS, honorCipherOrder: true, requestCert: true, rejectUnauthorized: false },
        iisSite(target, { certificateRequest: 'initial', renegotiationTimeoutMs: 0 }),
        host,
        port,
      );
    case 'tls13':
      return startHttps({ ...base, minVersion: 'TLSv1.3' }, plainSite(target), host, port);
    case 'tls13-pha':
      return startTlsPha(target, pki, host, port, log);
    case 'legacy-tls12':
      return startHttps({ ...base, maxVersion: 'TLSv1.2', ciphers: LEGACY_CIPHERS, honorCipherOrder: true }, plainSite(target), host, port);
    case 'expired':
    case 'wrong-host':
    case 'self-signed':
    case 'untrusted-root':
    case 'incomplete-chain':
      return startHttps(base, plainSite(target), host, port);
    default:
      throw new Error(`demo target ${target.name} has no server`);
  }
}

export async function startDemoTargets(opts: StartDemoOptions): Promise<RunningDemo> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.test(host)) throw new Error(`demo targets bind to loopback only, not ${host}`);
  await mkdir(opts.dataDir, { recursive: true });
  const pki = await loadOrCreateDemoPki(opts.dataDir);

  const started: { target: DemoTarget; s: Started }[] = [];
  try {
    for (const [i, target] of demoTargets.entries()) {
      const port = opts.basePort !== undefined ? opts.basePort + i : 0;
      try {
        started.push({ target, s: await startTarget(target, pki, host, port, opts) });
      } catch (err) {
        // The Python-backed target is optional: without python3 the other targets still run.
        if (target.name !== 'tls13-pha') throw err;
        opts.log?.(`${target.name} not started: ${(err as Error).message}`);
      }
    }
  } catch (err) {
    await Promise.all(started.map(({ s }) => s.close()));
    throw err;
  }

  const targets = started.map(({ target, s }) => ({ name: target.name, host, port: s.port }));
  const registry: DemoRegistry = Object.fromEntries(targets.map((t) => [t.name, { host: t.host, port: t.port }]));
  const registryPath = demoRegistryPath(opts.dataDir);
  const registryText = `${JSON.stringify(registry, null, 2)}\n`;
  await writeFile(`${registryPath}.tmp`, registryText);
  await rename(`${registryPath}.tmp`, registryPath);

  return {
    targets,
    ca: pki.root,
    clientCert: pki.client,
    pki,
    close: async () => {
      await Promise.all(started.map(({ s }) => s.close()));
      // Stale ports must not be resolved; leave the file alone if another instance rewrote it.
      const current = await readFile(registryPath, 'utf8').catch(() => undefined);
      if (current === registryText) await unlink(registryPath).catch(() => {});
    },
  };
}
