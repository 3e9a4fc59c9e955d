import { StoreError, type StoredBundle } from '@/server/store';
import { getBundle } from '../../results/resultStore';

/**
 * The saved bundle for a download route, or the error response to send instead (404 JSON for an
 * unknown id, 503 when the store is unavailable).
 */
export async function bundleOrResponse(id: string): Promise<StoredBundle | Response> {
  try {
    const bundle = await getBundle(id);
    if (bundle) return bundle;
    return Response.json({ error: `There is no saved diagnosis or comparison ${JSON.stringify(id)}.`, code: 'NOT_FOUND' }, { status: 404, headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    const message = error instanceof StoreError ? error.message : 'Saved results are unavailable on this server right now.';
    if (!(error instanceof StoreError)) console.error('reading a bundle failed:', error);
    return Response.json({ error: message, code: 'UNAVAILABLE' }, { status: 503, headers: { 'Cache-Control': 'no-store' } });
  }
}

/** A saved bundle never changes: its downloads may be cached for good. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
