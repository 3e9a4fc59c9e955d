import type { TamperOp } from '../trace/schema';

/**
 * The run form's Tamper control, the light part (no codec: it is in the page's first load): the SPEC
 * (lib/tls/tamper/spec.ts) it writes from a field, an operation and a value, and back. The fields it
 * offers come from ./tamperChoices, loaded when the control is shown.
 */

export type TamperGroup = 'clientHello' | 'extensions' | 'finished' | 'record';

export interface TamperChoice {
  target: string;
  group: TamperGroup;
}

/** The operations a target allows: a record header field is set or flipped, never dropped or reordered. */
export function tamperOps(target: string): TamperOp[] {
  return target.split('.')[1] === 'record' ? ['set', 'flip'] : ['set', 'flip', 'drop', 'reorder'];
}

/** A SPEC's parts as typed, read loosely so that a half-typed value still shows in the control. */
export function tamperParts(spec: string): { target: string; op: string; argument: string } {
  const colon = spec.indexOf(':');
  if (colon < 0) return { target: spec.trim(), op: '', argument: '' };
  const rest = spec.slice(colon + 1);
  const eq = rest.indexOf('=');
  return { target: spec.slice(0, colon).trim(), op: (eq < 0 ? rest : rest.slice(0, eq)).trim(), argument: eq < 0 ? '' : rest.slice(eq + 1).trim() };
}

/** The SPEC for a field, an operation and its value. */
export function tamperSpec(target: string, op: string, argument: string): string {
  if (target === '') return '';
  return op === 'drop' ? `${target}:drop` : `${target}:${op}=${argument}`;
}

/** A first experiment for a field: what a teacher would most likely try with it. */
export function suggestedTamper(target: string): string {
  const field = target.split('.').slice(1).join('.');
  const suggestions: Record<string, [TamperOp, string]> = {
    legacy_version: ['set', '0302'],
    random: ['flip', '0'],
    legacy_session_id: ['set', ''],
    cipher_suites: ['set', '1301'],
    legacy_compression_methods: ['set', '0001'],
    extensions: ['reorder', 'reverse'],
    verify_data: ['flip', '0'],
    'record.type': ['set', '17'],
    'record.legacy_record_version': ['set', '0300'],
    'record.length': ['flip', '15'],
  };
  const [op, argument] = suggestions[field] ?? (field.startsWith('extensions.') ? ['drop', ''] : ['flip', '0']);
  return tamperSpec(target, op, argument);
}
