import type { Step } from '../trace/schema';
import type { MessageKey, Translate } from '../i18n/translator';

/**
 * The key-schedule panel's model: which inputs produce which secret (RFC 8446 §7.1, RFC 5246 §8.1),
 * built from the trace's key steps (layer 'key', data {label, value, inputs, algorithm}).
 * Inputs that no key step derived (the ECDHE shared secret, a transcript hash, the PSK) become
 * source nodes. A label derived again later (renegotiation, KeyUpdate) gets a node of its own; a
 * derivation's inputs point to the latest earlier node with that label.
 */
export interface KeyNode {
  /** `label#n`: n-th derivation of this label (0-based), or `input:label` for a source. */
  id: string;
  label: string;
  /** Hex value when known. */
  value?: string;
  algorithm?: string;
  /** The key step that derived it (undefined for sources). */
  seq?: number;
  kind: 'derived' | 'input';
  /** Column in a left-to-right layout: 0 for sources, 1 + the deepest input otherwise. */
  column: number;
  inputIds: string[];
  outputIds: string[];
}

export interface KeyEdge {
  from: string;
  to: string;
}

export interface KeyScheduleGraph {
  nodes: KeyNode[];
  edges: KeyEdge[];
  byId: Map<string, KeyNode>;
  /** Node ids per column, each in trace order. */
  columns: string[][];
  /** Key steps whose data did not have the expected shape (reported, not drawn). */
  skipped: number[];
}

interface KeyStepData {
  label: string;
  value?: string;
  inputs: string[];
  algorithm?: string;
}

function keyData(step: Step): KeyStepData | undefined {
  if (step.kind !== 'key' || step.data.label === '') return undefined;
  const data = step.data;
  return { label: data.label, value: data.value || undefined, inputs: data.inputs, algorithm: data.algorithm || undefined };
}

export function isKeyStep(step: Step): boolean {
  return step.kind === 'key';
}

export function buildKeySchedule(steps: readonly Step[]): KeyScheduleGraph {
  const nodes: KeyNode[] = [];
  const edges: KeyEdge[] = [];
  const byId = new Map<string, KeyNode>();
  const latest = new Map<string, string>();
  const occurrences = new Map<string, number>();
  const skipped: number[] = [];

  const add = (node: KeyNode) => {
    nodes.push(node);
    byId.set(node.id, node);
  };

  for (const step of steps) {
    if (!isKeyStep(step)) continue;
    const data = keyData(step);
    if (!data) {
      skipped.push(step.seq);
      continue;
    }
    const inputIds = data.inputs.map((label) => {
      const known = latest.get(label);
      if (known) return known;
      const id = `input:${label}`;
      if (!byId.has(id)) add({ id, label, kind: 'input', column: 0, inputIds: [], outputIds: [] });
      return id;
    });
    const n = occurrences.get(data.label) ?? 0;
    occurrences.set(data.label, n + 1);
    const id = `${data.label}#${n}`;
    const column = 1 + Math.max(-1, ...inputIds.map((i) => byId.get(i)!.column));
    const node: KeyNode = {
      id,
      label: data.label,
      value: data.value,
      algorithm: data.algorithm,
      seq: step.seq,
      kind: 'derived',
      column: inputIds.length === 0 ? 0 : column,
      inputIds: [...new Set(inputIds)],
      outputIds: [],
    };
    add(node);
    for (const from of node.inputIds) {
      edges.push({ from, to: id });
      byId.get(from)!.outputIds.push(id);
    }
    latest.set(data.label, id);
  }

  const columns: string[][] = [];
  for (const node of nodes) (columns[node.column] ??= []).push(node.id);
  for (let i = 0; i < columns.length; i++) columns[i] ??= [];
  return { nodes, edges, byId, columns, skipped };
}

/** Everything upstream of a node (its inputs, their inputs, …): what to light up on selection. */
export function ancestry(graph: KeyScheduleGraph, id: string): Set<string> {
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length) {
    const current = stack.pop()!;
    for (const input of graph.byId.get(current)?.inputIds ?? []) {
      if (!seen.has(input)) {
        seen.add(input);
        stack.push(input);
      }
    }
  }
  return seen;
}

/**
 * The engine names keys by the RFCs' own labels (master_secret, c hs traffic…), which stay as they
 * are in every language; a few sources and derivations it describes in words instead, worded here.
 */
const SOURCE_WORDS: Record<string, MessageKey> = {
  '(EC)DHE shared secret': 'keys.source.sharedSecret',
  '0 (no PSK)': 'keys.source.noPsk',
};
const ALGORITHM_WORDS: Record<string, MessageKey> = {
  'key exchange': 'keys.algorithm.keyExchange',
  'from the hello messages': 'keys.algorithm.helloRandoms',
  'slice of the key block': 'keys.algorithm.keyBlockSlice',
  'kept from the earlier connection (RFC 5246 §7.3)': 'keys.algorithm.keptSession',
  'Derive-Secret(master_secret, "res master", ClientHello..client Finished) of the earlier connection': 'keys.algorithm.earlierResumptionSecret',
};
/** The binder's transcript hash (RFC 8446 §4.2.11.2), which names its hash function: "SHA256(ClientHello up to the binders)". */
const TRUNCATED_HELLO = /^(SHA\d+)\(ClientHello up to the binders\)$/;

/** A key's name as the panel shows it. */
export function keyLabel(label: string, t: Translate): string {
  const key = SOURCE_WORDS[label];
  return key ? t(key) : label;
}

/** How a key was computed, as the panel shows it: a formula stays a formula. */
export function keyAlgorithm(algorithm: string, t: Translate): string {
  const key = ALGORITHM_WORDS[algorithm];
  if (key) return t(key);
  const truncated = TRUNCATED_HELLO.exec(algorithm);
  return truncated ? t('keys.algorithm.truncatedHello', { hash: truncated[1] }) : algorithm;
}
