/**
 * Runs tshark (Wireshark's command-line reader) on an exported capture. tshark comes from Debian's
 * `tshark` package; when it is missing and we are root, the test setup installs it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const TSHARK = '/usr/bin/tshark';

let installed: Promise<void> | undefined;

/** Makes sure tshark is installed (apt-get as root), or fails with what to install. */
export function ensureTshark(): Promise<void> {
  installed ??= (async () => {
    if (existsSync(TSHARK)) return;
    if (process.getuid?.() !== 0) throw new Error('tshark is not installed: apt-get install -y tshark');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const apt = (args: string[]) => execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], { env, stdio: 'ignore', timeout: 600_000 });
    try {
      apt(['install', '-y', 'tshark']);
    } catch {
      apt(['update']);
      apt(['install', '-y', 'tshark']);
    }
    if (!existsSync(TSHARK)) throw new Error('installing tshark did not provide /usr/bin/tshark');
  })();
  return installed;
}

/**
 * Runs tshark with checksum validation on and no key log file: what it decrypts, it decrypts with
 * the secrets embedded in the capture (the Decryption Secrets Block). `tlsPort`: the server's port,
 * decoded as TLS whatever it is. The tests' servers listen on ephemeral ports, and now and then one
 * is a port Wireshark gives to another protocol, whose dissector then claims the stream.
 */
export function tshark(file: string, args: string[], tlsPort?: number): Promise<string> {
  const base = ['-r', file, '-n', '-o', 'tls.keylog_file:', '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];
  if (tlsPort !== undefined) base.push('-d', `tcp.port==${tlsPort},tls`);
  return new Promise((resolve, reject) => {
    execFile(TSHARK, [...base, ...args], { maxBuffer: 64 << 20, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`tshark ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

/** One row per packet: the named fields, each a list of values (tshark -T fields, all occurrences). */
export async function tsharkFields(file: string, fields: string[], filter?: string, tlsPort?: number): Promise<Record<string, string[]>[]> {
  const args = ['-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,', ...fields.flatMap((f) => ['-e', f])];
  if (filter) args.push('-Y', filter);
  const out = await tshark(file, args, tlsPort);
  return out
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const values = line.split('\t');
      return Object.fromEntries(fields.map((f, i) => [f, values[i] ? values[i].split(',') : []]));
    });
}

/**
 * The decrypted application data of the capture's first TLS stream, per direction, as tshark
 * reassembles it (`-z follow,tls,raw`): what each side's application wrote. tshark prints one
 * side's data flush left and the other's indented by a tab; "Node 0" names the flush-left side.
 */
export async function tsharkFollowTls(file: string, serverPort: number): Promise<{ clientToServer: Buffer; serverToClient: Buffer }> {
  const out = await tshark(file, ['-q', '-z', 'follow,tls,raw,0'], serverPort);
  const lines = out.split('\n');
  const node0 = lines.findIndex((line) => line.startsWith('Node 0:'));
  const port = node0 === -1 ? NaN : Number(/:(\d+)\s*$/.exec(lines[node0])?.[1]);
  if (Number.isNaN(port)) throw new Error(`unexpected tshark follow output:\n${out}`);
  let flushLeft = '';
  let indented = '';
  for (const line of lines.slice(node0 + 2)) {
    if (line.startsWith('====')) break;
    if (line.startsWith('\t')) indented += line.trim();
    else flushLeft += line.trim();
  }
  const [server, client] = port === serverPort ? [flushLeft, indented] : [indented, flushLeft];
  return { clientToServer: Buffer.from(client, 'hex'), serverToClient: Buffer.from(server, 'hex') };
}
