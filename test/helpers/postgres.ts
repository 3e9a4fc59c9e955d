/**
 * A real, throwaway PostgreSQL server for tests: Debian's postgresql binaries, a fresh cluster in a
 * temporary directory, listening on a free loopback port (and a unix socket inside that directory),
 * trust authentication, fsync off. Stopped and deleted by stop().
 *
 * Needs Debian's `postgresql` package (/usr/lib/postgresql/<version>/bin); when it is missing and
 * the tests run as root, it is installed with apt-get. initdb refuses to run as root, so as root
 * the cluster belongs to the `postgres` system user the package creates.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresServer {
  /** The server's own database: for administration (CREATE DATABASE). */
  adminUrl: string;
  port: number;
  /** Creates an empty database and returns its DATABASE_URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const DEBIAN_ROOT = '/usr/lib/postgresql';
const READY_TIMEOUT_MS = 30_000;

/** The newest installed version's bin directory, or undefined. */
function findBinDir(): string | undefined {
  if (!existsSync(DEBIAN_ROOT)) return undefined;
  const versions = readdirSync(DEBIAN_ROOT)
    .filter((v) => existsSync(join(DEBIAN_ROOT, v, 'bin', 'initdb')) && existsSync(join(DEBIAN_ROOT, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(DEBIAN_ROOT, versions[0], 'bin') : undefined;
}

function installPostgres(): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args: string[]) => execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], { env, stdio: 'ignore', timeout: 900_000 });
  try {
    apt(['install', '-y', 'postgresql']);
  } catch {
    apt(['update']);
    apt(['install', '-y', 'postgresql']);
  }
}

function binDir(): string {
  let dir = findBinDir();
  if (!dir && process.getuid?.() === 0) {
    installPostgres();
    dir = findBinDir();
  }
  if (!dir) throw new Error(`PostgreSQL server binaries not found under ${DEBIAN_ROOT}: apt-get install -y postgresql`);
  return dir;
}

/** As root: the uid/gid of the `postgres` user (initdb and postgres refuse to run as root). */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root, but there is no postgres user to own the test cluster (it comes with the postgresql package)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function run(command: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { ...user, env: { ...process.env, LC_ALL: 'C.UTF-8' }, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} failed: ${stderr || stdout || err.message}`));
      else resolve();
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`postgres exited during startup:\n${log()}`);
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
    }
    if (Date.now() - started > READY_TIMEOUT_MS) throw new Error(`postgres did not accept connections within ${READY_TIMEOUT_MS} ms:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts a fresh PostgreSQL server on 127.0.0.1; call stop() when done. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = binDir();
  const user = serverUser();
  const dir = await mkdtemp(join(tmpdir(), 'tlspg-postgres-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  let child: ChildProcess | undefined;
  const stopChild = () => child?.kill('SIGKILL');
  try {
    await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], user);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      let output = '';
      child = spawn(
        join(bin, 'postgres'),
        // fsync and friends off: a test cluster need not survive a power cut.
        ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=100'],
        { ...user, env: { ...process.env, LC_ALL: 'C.UTF-8' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
      // A test process that dies must not leave the server behind.
      process.once('exit', stopChild);
      const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
      try {
        await waitUntilReady(adminUrl, child, () => output);
      } catch (err) {
        child.kill('SIGKILL');
        process.off('exit', stopChild);
        // Another process may have taken the port between freePort() and postgres binding it.
        if (attempt < 3 && /could not bind|Address already in use/i.test(output)) continue;
        throw err;
      }
      const server = child;
      return {
        adminUrl,
        port,
        async createDatabase(name: string): Promise<string> {
          const admin = new pg.Client({ connectionString: adminUrl });
          await admin.connect();
          try {
            await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
          } finally {
            await admin.end();
          }
          return `postgresql://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`;
        },
        async stop(): Promise<void> {
          if (server.exitCode === null && server.signalCode === null) {
            const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
            server.kill('SIGINT'); // fast shutdown: disconnect clients, stop cleanly
            const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
            await exited;
            clearTimeout(timer);
          }
          process.off('exit', stopChild);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
  } catch (err) {
    stopChild();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
