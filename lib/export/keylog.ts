import type { Trace } from '../trace/schema';

/**
 * The run's secrets in the NSS key log format (the SSLKEYLOGFILE format Wireshark, curl and browsers
 * share): one `LABEL <client_random hex> <secret hex>` line each, newline-terminated, in the order the
 * engine derived them. Blank lines are dropped and stray line breaks inside a line are cut, so every
 * line stays one record for the tools that read the file. A resumed run's first connection comes first:
 * its lines are keyed by its own client random, and the second connection's session came from it.
 */
export function keyLogText(trace: Pick<Trace, 'keyLog'> & { firstConnection?: Pick<Trace, 'keyLog'> }): string {
  const lines = [...(trace.firstConnection?.keyLog ?? []), ...trace.keyLog].flatMap((line) => line.split(/\r?\n/)).map((line) => line.trim()).filter((line) => line.length > 0);
  return lines.map((line) => `${line}\n`).join('');
}
