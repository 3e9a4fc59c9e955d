/** Structured logs: one JSON object per line. Records describe sessions, never their bytes. */
import type { Logger, LogRecord } from './config';

export const jsonLineLogger: Logger = (record: LogRecord) => {
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), ...record }) + '\n');
};

export const silentLogger: Logger = () => {};
