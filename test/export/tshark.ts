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
 * the secrets embedded in the capture (the Decryption Secrets Block).
 */
export function tshark(file: string, args: string[]): Promise<string> {
  const base = ['-r', file, '-n', '-o', 'tls.keylog_file:', '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];
  return new Promise((resolve, reject) => {
    execFile(TSHARK, [...base, ...args], { maxBuffer: 64 << 20, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`tshark ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

/** One row per packet: the named fields, each a list of values (tshark -T fields, all occurrences). */
export async function tsharkFields(file: string, fields: string[], filter?: string): Promise<Record<string, string[]>[]> {
  const args = ['-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,', ...fields.flatMap((f) => ['-e', f])];
  if (filter) args.push('-Y', filter);
  const out = await tshark(file, args);
  return out
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const values = line.split('\t');
      return Object.fromEntries(fields.map((f, i) => [f, values[i] ? values[i].split(',') : []]));
    });
}
