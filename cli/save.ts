import { gzipSync } from 'node:zlib';
import { diagnosisBundle } from '../lib/bundle/bundle';
import type { Diagnosis } from '../lib/doctor/diagnose';
import { compactTrace } from '../lib/trace/compact';

/**
 * diagnose --save APP_URL: the diagnosis (every probe's run, by its role) uploaded to a TLS
 * Playground app as a bundle (POST /api/bundles, gzip, as the page sends it). Resolves with the
 * link of the saved diagnosis (APP_URL/d/{id}); rejects with the app's own one-sentence reason.
 */
export async function saveDiagnosis(app: string, diagnosis: Diagnosis): Promise<{ url: string; runs: string[] }> {
  const bundle = diagnosisBundle(diagnosis.url, diagnosis.probes);
  const json = JSON.stringify({ ...bundle, runs: bundle.runs.map((run) => ({ role: run.role, trace: compactTrace(run.trace) })) });
  let response: Response;
  try {
    response = await fetch(new URL('/api/bundles', app), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: gzipSync(json),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new Error(`could not reach ${app} to save the diagnosis (${error instanceof Error ? (error.cause as Error | undefined)?.message ?? error.message : String(error)})`);
  }
  let body: { url?: string; runs?: { url: string }[]; error?: string } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // Not JSON: not a TLS Playground app, or a proxy's error page; said below.
  }
  if (!response.ok || !body.url) throw new Error(`${app} did not save the diagnosis: ${body.error ?? `HTTP ${response.status}, is it a TLS Playground app?`}`);
  return { url: body.url, runs: (body.runs ?? []).map((r) => r.url) };
}
