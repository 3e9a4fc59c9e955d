import { join } from 'node:path';

/** Where the demo PKI lives inside a demo data directory (kept free of the PKI generator's imports). */
export function demoPkiDir(dataDir: string): string {
  return join(dataDir, 'pki');
}
