import type { Trace } from '../trace/schema';

/** File name for a download of this run: host and start time, safe on every file system. */
export function traceFileName(trace: Pick<Trace, 'options' | 'startedAt'>, extension: 'json' | 'pcapng' | 'keylog.txt'): string {
  let host = 'trace';
  try {
    host = new URL(trace.options.url).hostname || host;
  } catch {
    // Keep the generic name.
  }
  const when = trace.startedAt.replace(/[:.]/g, '-').replace(/Z$/, '');
  return `tls-${host.replace(/[^a-z0-9.-]/gi, '_')}-${when}.${extension}`;
}
