import { cache } from 'react';
import { isHelloRequest } from '@/lib/trace/steps';
import { getBundle } from '@/app/api/results/resultStore';
import type { StoredBundle } from '@/server/store';
import type { SharedBundleKind } from '@/lib/share/embed';

/**
 * One database read per request, shared by a bundle's page and its metadata. A bundle asked for
 * under the other kind's path (/c/{id} of a diagnosis) is not found, so each link says what it is.
 */
export const savedBundle = cache(async (kind: SharedBundleKind, id: string): Promise<StoredBundle | null> => {
  const bundle = await getBundle(id);
  return bundle && bundle.kind === kind ? bundle : null;
});

/**
 * The run a bundle page shows step by step: the one `?run=` names, else the most telling — the
 * first probe that failed after a HelloRequest, else the first that failed, else the first.
 */
export function selectedRun(bundle: StoredBundle, requested: string | string[] | undefined): number {
  const role = Array.isArray(requested) ? requested[0] : requested;
  const named = bundle.runs.findIndex((r) => r.role === role);
  if (named >= 0) return named;
  const failed = (r: StoredBundle['runs'][number]) => r.trace.outcome !== 'ok';
  const afterHelloRequest = bundle.runs.findIndex((r) => failed(r) && r.trace.steps.some(isHelloRequest));
  if (afterHelloRequest >= 0) return afterHelloRequest;
  return Math.max(0, bundle.runs.findIndex(failed));
}
