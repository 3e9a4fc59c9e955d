import { gzipSync } from 'node:zlib';
import { diagnosisBundle } from '../lib/bundle/bundle';
import type { Diagnosis } from '../lib/doctor/diagnose';
import { compactTrace } from '../lib/trace/compact';
import { en } from '../lib/i18n/messages/en';
import { translator, type Translate } from '../lib/i18n/translator';

/**
 * diagnose --save APP_URL: the diagnosis (every probe's run, by its role) uploaded to a TLS
 * Playground app as a bundle (POST /api/bundles, gzip, as the page sends it). Resolves with the
 * link of the saved diagnosis (APP_URL/d/{id}); rejects with the app's own one-sentence reason.
 */
/** Why a diagnosis was not saved, as data (catalog `cli.save*`); the message is its English. */
export type SaveProblem =
  | { code: 'saveUnreachable'; params: { app: string; error: string } }
  | { code: 'saveRefused'; params: { app: string; error: string } }
  | { code: 'saveNotAnApp'; params: { app: string; status: string } };

export class SaveError extends Error {
  override name = 'SaveError';
  constructor(readonly problem: SaveProblem) {
    super(saveWords(problem, english));
  }
}

/** The problem in the reader's words. */
export function saveWords(problem: SaveProblem, t: Translate): string {
  return t(`cli.${problem.code}`, problem.params);
}

const english = translator('en', en);

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
    throw new SaveError({ code: 'saveUnreachable', params: { app, error: error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error) } });
  }
  let body: { url?: string; runs?: { url: string }[]; error?: string } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // Not JSON: not a TLS Playground app, or a proxy's error page; said below.
  }
  if (!response.ok || !body.url) {
    throw new SaveError(body.error ? { code: 'saveRefused', params: { app, error: body.error } } : { code: 'saveNotAnApp', params: { app, status: String(response.status) } });
  }
  return { url: body.url, runs: (body.runs ?? []).map((r) => r.url) };
}
