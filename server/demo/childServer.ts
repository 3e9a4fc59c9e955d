/**
 * A demo target served by another program (Python's ssl, nginx, openssl s_server): started as a
 * child process on loopback, its port read from what it prints (or chosen beforehand), and stopped
 * with it. Each of these stacks can do something Node's TLS server cannot (post-handshake
 * authentication, accepting or declining 0-RTT early data), and each is the real thing.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import type { Readable, Writable } from 'node:stream';

export interface ChildServer {
  port: number;
  close(): Promise<void>;
}

export interface ChildServerSpec {
  /** The target's name, for messages. */
  name: string;
  command: string;
  args: string[];
  /** The port, from the child's output so far; undefined until it has said. A number: known beforehand. */
  port: number | ((output: string) => number | undefined);
  /**
   * How the child is asked to stop: 'stdin', it exits when its stdin closes (tls13_pha.py does);
   * 'watch', it does not look at stdin (nginx, s_server), so it runs under a shell that stops it when
   * stdin closes. Either way the child ends when close() ends the pipe, and also when this process
   * dies, however it dies: no orphan keeps a port.
   */
  stop: 'stdin' | 'watch';
  log: (line: string) => void;
  /** How long the child may take to listen. Default 10 s. */
  startTimeoutMs?: number;
}

/** A free loopback port for a program that cannot listen on port 0 (nginx). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on host:port yet (a connection opened and closed at once). */
function accepting(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect({ host, port });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/**
 * sh runs the program with stdin from /dev/null and waits for it; a background watcher reads the
 * real stdin (kept as fd 3: without job control a background list's own stdin is /dev/null) and, at
 * its end, stops the program (SIGTERM). sh exits when the program does.
 */
const STOP_AT_STDIN_END = 'exec 3<&0; "$@" </dev/null 3<&- & pid=$!; (cat <&3 >/dev/null; kill "$pid" 2>/dev/null) & wait "$pid"';

export async function startChildServer(spec: ChildServerSpec, host: string): Promise<ChildServer> {
  const [command, args] = spec.stop === 'watch' ? ['sh', ['-c', STOP_AT_STDIN_END, 'sh', spec.command, ...spec.args]] : [spec.command, spec.args];
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  // A write or close after the child died must not crash the server process.
  child.stdin.on('error', () => undefined);
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const boundPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${spec.command} (${spec.name}) did not start listening within ${spec.startTimeoutMs ?? 10_000} ms; output: ${output.slice(-2000)}`)), spec.startTimeoutMs ?? 10_000);
    const done = (port: number) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve(port);
    };
    const onOutput = (d: Buffer) => {
      output = (output + d.toString('utf8')).slice(-8000);
      if (typeof spec.port === 'function') {
        const port = spec.port(output);
        if (port !== undefined) done(port);
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    // A port chosen beforehand: wait until the child listens on it.
    const fixed = spec.port;
    const poll =
      typeof fixed === 'number'
        ? setInterval(() => {
            void accepting(host, fixed).then((yes) => yes && done(fixed));
          }, 50)
        : undefined;
    child.once('error', (err) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`cannot start ${spec.command} for ${spec.name}: ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`${spec.command} (${spec.name}) exited (${code ?? signal}): ${output.slice(-2000)}`));
    });
  }).catch((err: unknown) => {
    child.stdin.end();
    child.kill('SIGKILL');
    throw err;
  });
  child.once('exit', (code, signal) => spec.log(`${spec.name}: ${spec.command} exited (${code ?? signal})`));
  return {
    port: boundPort,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
