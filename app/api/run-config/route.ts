import { readFile } from 'node:fs/promises';
import { connection } from 'next/server';
import { relayLocation } from '@/lib/share/relayLocation';
import { DEFAULT_DEMO_DATA_DIR, demoCredentialPaths } from '@/server/demo/registry';
import type { RunConfig } from '@/lib/run/runConfig';

/**
 * GET /api/run-config: what a run in the browser needs from this server (RunConfig in
 * lib/run/runConfig.ts), read at request time so one build serves any deployment. Where the relay
 * is comes from lib/share/relayLocation.ts (also the pages' CSP connect-src).
 */

export async function GET() {
  await connection();
  const config: RunConfig = { ...relayLocation(process.env) };
  const paths = demoCredentialPaths(process.env.TLSPG_DEMO_DIR ?? process.env.DEMO_DATA_DIR ?? DEFAULT_DEMO_DATA_DIR);
  try {
    const [rootCaPem, clientCertPem, clientKeyPem] = await Promise.all([
      readFile(paths.caCert, 'utf8'),
      readFile(paths.clientCert, 'utf8'),
      readFile(paths.clientKey, 'utf8'),
    ]);
    config.demo = { rootCaPem, clientCertPem, clientKeyPem };
  } catch (error) {
    config.demoUnavailable =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'The demo targets have not been started on this server, so there is no demo CA or demo client certificate.'
        : 'The demo credentials could not be read on the server.';
  }
  return Response.json(config, { headers: { 'Cache-Control': 'no-store' } });
}
