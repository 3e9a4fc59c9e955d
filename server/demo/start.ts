/**
 * Starts every demo target of the catalog on loopback and writes the runtime registry
 * (`<dataDir>/targets.json`). Node's tls (OpenSSL) serves most targets; three are other programs
 * (server/demo/childServer.ts), because Node cannot do what they show: tls13-pha runs on Python's ssl
 * module (server/demo/tls13_pha.py; Node has no post-handshake-auth API), tls13-0rtt on nginx and
 * tls13-no-0rtt on openssl s_server (Node's TLS server cannot take or decline 0-RTT early data).
 */
import { constants as cryptoConstants, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import https from 'node:https';
import type net from 'node:net';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Issued } from '../pki';
import { type DemoTarget, demoTargets } from './catalog';
import { type DemoPki, loadOrCreateDemoPki } from './certificates';
import { type DemoNotStarted, type DemoRegistryFile, demoRegistryPath } from './registry';
import { freePort, startChildServer } from './childServer';
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
  /**
   * The programs the child-process targets run, by their usual name (python3, nginx, openssl): a
   * path or a name looked up on PATH. Default: TLSPG_PYTHON, TLSPG_NGINX, TLSPG_OPENSSL, or the name.
   */
  programs?: Partial<Record<'python3' | 'nginx' | 'openssl', string>>;
}

export interface RunningDemoTarget {
  name: string;
  host: string;
  port: number;
}

export interface RunningDemo {
  targets: RunningDemoTarget[];
  /** Catalog targets served by another program that could not be started here, and why. */
  notStarted: NotStartedDemoTarget[];
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

/** The targets served by a child process (Python's ssl, nginx, openssl s_server), started only where that program is installed. */
export const CHILD_PROCESS_TARGETS = ['tls13-pha', 'tls13-0rtt', 'tls13-no-0rtt'];

export interface NotStartedDemoTarget extends DemoNotStarted {
  name: string;
}

/** The program a child-process target runs (overridable, as for a program installed elsewhere). */
function programOf(name: string, programs: StartDemoOptions['programs'] = {}): string {
  if (name === 'tls13-pha') return programs.python3 ?? process.env.TLSPG_PYTHON ?? 'python3';
  if (name === 'tls13-0rtt') return programs.nginx ?? process.env.TLSPG_NGINX ?? 'nginx';
  return programs.openssl ?? process.env.TLSPG_OPENSSL ?? 'openssl';
}

/** A program this target needs is not on this machine: the target is not started, and says so. */
export class MissingProgramError extends Error {
  override name = 'MissingProgramError';
  constructor(readonly program: string) {
    super(`${program} is not installed (not found on PATH)`);
  }
}

/**
 * Whether `command` can be run: an executable file at that path, or one in a PATH directory, as
 * execvp would find it. Checked before starting, because nginx and s_server run under sh, which
 * reports a missing program only as exit status 127.
 */
export function findProgram(command: string, path = process.env.PATH ?? ''): string | undefined {
  const runnable = (file: string) => {
    try {
      accessSync(file, fsConstants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes('/')) return runnable(command) ? command : undefined;
  return path
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, command))
    .find(runnable);
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

async function startTlsPha(target: DemoTarget, pki: DemoPki, host: string, port: number, log: (l: string) => void, programs: StartDemoOptions['programs']): Promise<Started> {
  const identity = pki.servers[target.name];
  const dir = join(pki.dir, target.name);
  await mkdir(dir, { recursive: true });
  const chainPath = join(dir, 'chain.pem');
  await writeFile(chainPath, identity.certChainPem);
  const script = fileURLToPath(new URL('./tls13_pha.py', import.meta.url));
  const python = programOf(target.name, programs);
  const args = [script, '--cert', chainPath, '--key', identity.leaf.keyPath, '--ca', pki.root.certPath, '--host', host, '--port', String(port), '--name', target.name];
  // The script prints {"port": N} on its first line once it listens; closing its stdin asks it to exit.
  const firstLinePort = (out: string) => {
    if (!out.includes('\n')) return undefined;
    const line = out.split('\n')[0];
    try {
      return (JSON.parse(line) as { port: number }).port;
    } catch {
      throw new Error(`${target.name}: unexpected output ${JSON.stringify(line)}`);
    }
  };
  return startChildServer({ name: target.name, command: python, args, port: firstLinePort, stop: 'stdin', log }, host);
}

/** Early data the tls13-0rtt tickets allow (RFC 8446 §4.6.1 max_early_data_size), and what tls13-no-0rtt's say. */
export const DEMO_MAX_EARLY_DATA = 16384;

/**
 * tls13-0rtt: nginx with ssl_early_data on (OpenSSL underneath), in the foreground, as one process
 * whose every file lives in the data directory. $ssl_early_data is "1" while a request that came as
 * early data is answered before the handshake completed.
 */
async function startEarlyDataNginx(target: DemoTarget, pki: DemoPki, host: string, port: number, log: (l: string) => void, programs: StartDemoOptions['programs']): Promise<Started> {
  const identity = pki.servers[target.name];
  const dir = join(pki.dir, target.name);
  await mkdir(dir, { recursive: true });
  const chainPath = join(dir, 'chain.pem');
  await writeFile(chainPath, identity.certChainPem);
  const listenPort = port || (await freePort(host));
  const text = (words: string) => JSON.stringify(words);
  const conf = [
    'daemon off;',
    'master_process off;',
    `pid ${join(dir, 'nginx.pid')};`,
    'error_log stderr warn;',
    'events { worker_connections 256; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, t)};`),
    '  map $ssl_early_data $arrived { "1" "as 0-RTT early data, before the handshake completed"; default "after the handshake"; }',
    '  server {',
    `    listen ${host}:${listenPort} ssl;`,
    `    ssl_certificate ${chainPath};`,
    `    ssl_certificate_key ${identity.leaf.keyPath};`,
    '    ssl_protocols TLSv1.3;',
    '    ssl_early_data on;',
    '    default_type text/plain;',
    // RFC 8470 §5.2: a request that is not safe to replay is refused while it is early data.
    `    location = /transfer { if ($ssl_early_data) { return 425 ${text(`${target.host}: 425 Too Early: a transfer is not safe to replay, send it again after the handshake (RFC 8470)
`)}; } return 200 ${text(`${target.host}: transfer done, the request arrived after the handshake
`)}; }`,
    `    location / { return 200 "${target.host}: request received $arrived\\n"; }`,
    '  }',
    '}',
    '',
  ].join('\n');
  const confPath = join(dir, 'nginx.conf');
  await writeFile(confPath, conf);
  const nginx = programOf(target.name, programs);
  return startChildServer({ name: target.name, command: nginx, args: ['-p', dir, '-c', confPath, '-e', 'stderr'], port: listenPort, stop: 'watch', log }, host);
}

/**
 * tls13-no-0rtt: openssl s_server -www with -max_early_data but not -early_data: its tickets allow
 * early data, yet it never calls SSL_read_early_data, so OpenSSL resumes and declines the data.
 */
async function startNoEarlyDataSServer(target: DemoTarget, pki: DemoPki, host: string, port: number, log: (l: string) => void, programs: StartDemoOptions['programs']): Promise<Started> {
  const identity = pki.servers[target.name];
  const openssl = programOf(target.name, programs);
  const args = ['s_server', '-accept', `${host}:${port}`, '-tls1_3', '-www', '-max_early_data', String(DEMO_MAX_EARLY_DATA)];
  args.push('-cert', identity.leaf.certPath, '-key', identity.leaf.keyPath, '-cert_chain', pki.intermediate.certPath);
  // s_server prints "ACCEPT host:port" once it listens.
  const acceptPort = (out: string) => {
    const m = /ACCEPT [^\n]*:(\d+)\s/.exec(out);
    return m ? Number(m[1]) : undefined;
  };
  return startChildServer({ name: target.name, command: openssl, args, port: acceptPort, stop: 'watch', log }, host);
}

/**
 * tls13-no-resume: Node's TLS server with a new ticket key for every connection, set when the TCP
 * connection arrives (before its ClientHello is read): a ticket from an earlier connection cannot
 * be decrypted, so the offer is refused and a full handshake follows.
 */
async function startNoResumption(target: DemoTarget, pki: DemoPki, host: string, port: number): Promise<Started> {
  const server = https.createServer({ ALPNProtocols: ['http/1.1'], ...targetOptions(target.name, pki), minVersion: 'TLSv1.3' }, plainSite(target));
  server.on('connection', () => server.setTicketKeys(randomBytes(48)));
  const close = closer(server);
  return { port: await listen(server, host, port), close };
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
      return startTlsPha(target, pki, host, port, log, opts.programs);
    case 'tls13-0rtt':
      return startEarlyDataNginx(target, pki, host, port, log, opts.programs);
    case 'tls13-no-0rtt':
      return startNoEarlyDataSServer(target, pki, host, port, log, opts.programs);
    case 'tls13-no-resume':
      return startNoResumption(target, pki, host, port);
    case 'legacy-tls12':
      return startHttps({ ...base, maxVersion: 'TLSv1.2', ciphers: LEGACY_CIPHERS, honorCipherOrder: true }, plainSite(target), host, port);
    case 'wildcard':
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
  const notStarted: NotStartedDemoTarget[] = [];
  try {
    for (const [i, target] of demoTargets.entries()) {
      const port = opts.basePort !== undefined ? opts.basePort + i : 0;
      const program = programOf(target.name, opts.programs);
      try {
        if (CHILD_PROCESS_TARGETS.includes(target.name) && !findProgram(program)) throw new MissingProgramError(program);
        started.push({ target, s: await startTarget(target, pki, host, port, opts) });
      } catch (err) {
        // Targets served by another program are optional: without python3, nginx or openssl the
        // others still run, and the registry says why this one does not (the page and the relay tell it).
        if (!CHILD_PROCESS_TARGETS.includes(target.name)) throw err;
        notStarted.push({ name: target.name, program: program.split('/').pop() ?? program, missing: err instanceof MissingProgramError, message: (err as Error).message.split('\n')[0].slice(0, 300) });
        opts.log?.(`${target.name} not started: ${(err as Error).message}`);
      }
    }
  } catch (err) {
    await Promise.all(started.map(({ s }) => s.close()));
    throw err;
  }

  const targets = started.map(({ target, s }) => ({ name: target.name, host, port: s.port }));
  const registry: DemoRegistryFile = {
    ...Object.fromEntries(targets.map((t) => [t.name, { host: t.host, port: t.port }])),
    ...Object.fromEntries(notStarted.map(({ name, ...why }) => [name, { notStarted: why }])),
  };
  const registryPath = demoRegistryPath(opts.dataDir);
  const registryText = `${JSON.stringify(registry, null, 2)}\n`;
  await writeFile(`${registryPath}.tmp`, registryText);
  await rename(`${registryPath}.tmp`, registryPath);

  return {
    targets,
    notStarted,
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
