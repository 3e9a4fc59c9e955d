import type { Field, Step, Trace } from '../../trace/schema';

/**
 * What a field's explanation may say about the run around it: the step the bytes belong to, and
 * facts of the run as data (what the client offered, what was chosen). Read from the trace's
 * annotation trees and typed step data, never from words.
 */
export interface FieldContext {
  step?: Step;
  trace?: Trace;
  /** The bytes the field tree lies over (hex), to read a DER tag where the tree names no type. */
  hex?: string;
}

export interface RunFacts {
  /** The client's first ClientHello offered these, in its order (IANA names). */
  offeredSuites: string[];
  offeredGroups: string[];
  keyShareGroups: string[];
  offeredVersions: string[];
  offeredAlpn: string[];
  offeredSchemes: string[];
  host?: string;
}

/** The registry name inside a described value: "0x001d (x25519)" → x25519; a plain value as it is. */
export function describedName(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return /\(([^()]+)\)$/.exec(value)?.[1] ?? value;
}

function* walk(field: Field, ancestors: Field[] = []): Generator<[Field, Field[]]> {
  yield [field, ancestors];
  for (const child of field.children ?? []) yield* walk(child, [...ancestors, field]);
}

const cache = new WeakMap<Trace, RunFacts>();

/** The facts of a run (computed once per trace). */
export function runFacts(trace: Trace | undefined): RunFacts {
  const empty: RunFacts = { offeredSuites: [], offeredGroups: [], keyShareGroups: [], offeredVersions: [], offeredAlpn: [], offeredSchemes: [] };
  if (!trace) return empty;
  const known = cache.get(trace);
  if (known) return known;
  const facts = empty;
  const hello = trace.steps.find((s) => s.kind === 'handshake' && s.data.message === 'client_hello' && s.data.from === 'client');
  const root = hello?.bytes?.field;
  if (root) {
    for (const [field, ancestors] of walk(root)) {
      const parent = ancestors[ancestors.length - 1]?.name;
      const name = describedName(field.value);
      if (!name) continue;
      if (field.name === 'cipher_suite' && parent === 'cipher_suites') facts.offeredSuites.push(name);
      else if (field.name === 'named_group' && parent === 'named_group_list') facts.offeredGroups.push(name);
      else if (field.name === 'group' && parent === 'KeyShareEntry') facts.keyShareGroups.push(name);
      else if (field.name === 'version' && parent === 'versions') facts.offeredVersions.push(name);
      else if (field.name === 'protocol_name' && parent === 'protocol_name_list') facts.offeredAlpn.push(field.value ?? name);
      else if (field.name === 'signature_scheme' && ancestors.some((a) => a.name === 'signature_algorithms')) facts.offeredSchemes.push(name);
      else if (field.name === 'HostName') facts.host = field.value;
    }
  }
  cache.set(trace, facts);
  return facts;
}
