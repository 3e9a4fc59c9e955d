import type { Step, Trace } from '../trace/schema';

/**
 * Side-by-side comparison of two runs (e.g. rustls vs OpenSSL against the same server): their
 * steps aligned by a longest common subsequence over what each step *is* (its kind and the data
 * that names it, without sizes, times, ports and addresses), so the first place the runs part
 * ways stands out.
 * Key derivations and record envelopes are left out: they repeat the messages and would drown
 * the difference.
 */
export interface AlignedRow {
  a?: Step;
  b?: Step;
  /** Both sides did the same kind of step here. */
  same: boolean;
}

export interface Comparison {
  rows: AlignedRow[];
  /** Index in rows of the first difference, if any. */
  firstDifference?: number;
  differences: number;
  outcomes: { a: Trace['outcome']; b: Trace['outcome']; same: boolean };
}

/** The data that names a step: what two runs must share for their steps to line up. */
function identity(step: Step): unknown[] {
  switch (step.kind) {
    case 'transport':
      return step.data.event === 'error' ? ['error', step.data.code] : [step.data.event];
    case 'record':
      return [step.data.contentType, step.data.encrypted];
    case 'handshake':
      return [step.data.message, step.data.malformed === true];
    case 'alert':
      return [step.data.description, step.data.level];
    case 'check':
      return step.data.check === 'signature' ? [step.data.check, step.data.ok, step.data.message, step.data.scheme] : [step.data.check, step.data.ok];
    case 'negotiated':
      return [step.data.cipherSuite];
    case 'handshake-complete':
      return [step.data.renegotiation];
    case 'personality':
      return [step.data.personality, step.data.reaction];
    case 'http':
      return step.data.message === 'request' ? [step.data.message, step.data.method, step.data.path] : step.data.message === 'response' ? [step.data.message, step.data.reason] : [step.data.message];
    case 'error':
      return [step.data.source, step.data.alert];
    case 'outcome':
      return [step.data.outcome, step.data.cause.cause];
    case 'key':
      return [step.data.label];
    case 'hello-retry':
      return [step.data.group, step.data.cookie];
    case 'change-cipher-spec':
      return [step.data.from, step.data.compatibility];
    case 'no-client-certificate':
      return [step.data.configured];
    case 'legacy':
      return [step.data.title];
    default:
      return [];
  }
}

/** What a step is, independent of sizes, times, ports and addresses: the key the alignment matches. */
export function stepKind(step: Step): string {
  return `${step.layer}|${step.direction}|${step.kind}|${JSON.stringify(identity(step))}`;
}

export function comparableSteps(trace: Trace): Step[] {
  return trace.steps.filter((s) => s.layer !== 'key' && s.layer !== 'record');
}

export function compareRuns(a: Trace, b: Trace): Comparison {
  const left = comparableSteps(a);
  const right = comparableSteps(b);
  const ka = left.map(stepKind);
  const kb = right.map(stepKind);
  const n = left.length;
  const m = right.length;
  // lcs[i][j] = length of the LCS of ka[i..] and kb[j..].
  const lcs: Uint16Array[] = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = ka[i] === kb[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const rows: AlignedRow[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && ka[i] === kb[j]) {
      rows.push({ a: left[i++], b: right[j++], same: true });
    } else if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
      rows.push({ a: left[i++], same: false });
    } else {
      rows.push({ b: right[j++], same: false });
    }
  }
  const firstDifference = rows.findIndex((r) => !r.same);
  return {
    rows,
    firstDifference: firstDifference >= 0 ? firstDifference : undefined,
    differences: rows.filter((r) => !r.same).length,
    outcomes: { a: a.outcome, b: b.outcome, same: a.outcome === b.outcome },
  };
}
