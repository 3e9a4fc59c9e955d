import type { Field, Step, Trace } from '../../trace/schema';
import { messageTitle } from '../../tls/handshake/messages';
import { fieldWords } from './explain';

/**
 * How many annotated fields of some runs have an explanation (issue: "teach every byte"). Counted
 * twice: every field as it occurs in the traces, and every distinct field — a message and the path
 * of field names inside it, with list indices dropped — so a long certificate chain or many records
 * do not hide a field that is never explained.
 */
export interface CoverageCount {
  total: number;
  explained: number;
}

export interface FieldCoverage {
  occurrences: CoverageCount;
  distinct: CoverageCount;
  /** Per message (ClientHello, a TLS 1.3 record, an X.509 certificate…): distinct fields. */
  byMessage: Map<string, CoverageCount>;
  /** Distinct fields without words: "ServerHello › extensions › foo". */
  missing: string[];
}

function* walk(field: Field, ancestors: Field[] = []): Generator<[Field, Field[]]> {
  yield [field, ancestors];
  for (const child of field.children ?? []) yield* walk(child, [...ancestors, field]);
}

/** Where a field is counted: the innermost handshake message, alert, HTTP message or certificate around it. */
const ROOTS: Record<string, string> = { content: 'TLS 1.2 record, decrypted', application_data: 'application data' };

function unitOf(step: Step, chain: readonly Field[]): string {
  const root = chain[0]?.name ?? step.kind;
  let unit = ROOTS[root] ?? root;
  for (let i = 0; i < chain.length; i++) {
    const f = chain[i];
    if (f.name === 'tbsCertificate' && i > 0) return 'X.509 certificate';
    if (TITLES.has(f.name) || f.name === 'Alert') unit = f.name;
  }
  return unit;
}

const TITLES = new Set(
  ['hello_request', 'client_hello', 'server_hello', 'new_session_ticket', 'encrypted_extensions', 'certificate', 'server_key_exchange', 'certificate_request', 'server_hello_done', 'certificate_verify', 'client_key_exchange', 'finished', 'key_update'].map((m) =>
    messageTitle(m as Parameters<typeof messageTitle>[0]),
  ),
);

function pathOf(chain: readonly Field[]): string {
  return chain.map((f) => f.name.replace(/ \d+$/, '')).join(' › ');
}

export function fieldCoverage(traces: readonly Trace[]): FieldCoverage {
  const occurrences: CoverageCount = { total: 0, explained: 0 };
  const distinct = new Map<string, { unit: string; explained: boolean }>();
  for (const trace of traces) {
    for (const step of trace.steps) {
      for (const bytes of [step.bytes, step.plaintext]) {
        if (!bytes?.field) continue;
        for (const [field, ancestors] of walk(bytes.field)) {
          const explained = fieldWords(field, ancestors, { step, trace, hex: bytes.hex }) !== undefined;
          occurrences.total++;
          if (explained) occurrences.explained++;
          const chain = [...ancestors, field];
          const unit = unitOf(step, chain);
          const key = `${unit}\u0000${pathOf(chain)}`;
          const seen = distinct.get(key);
          // A field counts as explained when every occurrence of it is.
          distinct.set(key, { unit, explained: (seen?.explained ?? true) && explained });
        }
      }
    }
  }
  const byMessage = new Map<string, CoverageCount>();
  const missing: string[] = [];
  let explainedDistinct = 0;
  for (const [key, { unit, explained }] of [...distinct].sort(([a], [b]) => a.localeCompare(b))) {
    const count = byMessage.get(unit) ?? { total: 0, explained: 0 };
    count.total++;
    if (explained) {
      count.explained++;
      explainedDistinct++;
    } else {
      missing.push(key.split('\u0000')[1]);
    }
    byMessage.set(unit, count);
  }
  return { occurrences, distinct: { total: distinct.size, explained: explainedDistinct }, byMessage, missing };
}

export function percent(c: CoverageCount): string {
  return c.total ? `${((100 * c.explained) / c.total).toFixed(1)} %` : '–';
}
