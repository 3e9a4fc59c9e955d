/**
 * What the browser tests expect of a run, shared by the chromium, Firefox and WebKit files: the
 * result read from the page, and the step sequences of the two runs every browser must get right.
 */
import assert from 'node:assert/strict';

export interface RunResult {
  outcome: string | null;
  summary: string;
  /** The diagram rows' accessible labels, records left out (they repeat their messages). */
  steps: string[];
}

/** A run as read from the page: its summary card and its diagram rows' labels. */
export function runResult(outcome: string | null, summary: string, rowLabels: string[]): RunResult {
  return { outcome, summary, steps: rowLabels.filter((l) => !l.startsWith('Record:')) };
}

/** Asserts that steps matching `patterns` appear in this order (other steps may come between). */
export function assertInOrder(steps: string[], patterns: RegExp[]): void {
  let at = 0;
  for (const pattern of patterns) {
    const found = steps.findIndex((s, i) => i >= at && pattern.test(s));
    assert.ok(found >= 0, `expected a step matching ${pattern} after step ${at}; steps:\n${steps.join('\n')}`);
    at = found + 1;
  }
}

function describe(run: RunResult): string {
  return `summary:\n${run.summary}\nsteps:\n${run.steps.join('\n')}`;
}

/** The headline story as rustls: HelloRequest after the request, warning no_renegotiation, reset. */
export function assertIisRustlsReset(run: RunResult): void {
  assert.equal(run.outcome, 'reset', describe(run));
  assertInOrder(run.steps, [
    /^TCP connected/,
    /^ClientHello, \d+ B, client to server/,
    /^ServerHello, \d+ B, server to client/,
    /^Finished, \d+ B, server to client/,
    /^HTTP request: GET \/secure\//,
    /^HelloRequest, \d+ B, server to client/,
    /^Alert: no_renegotiation \(warning\), \d+ B, client to server/,
    /^RST \(connection reset\)/,
  ]);
  assert.ok(!run.steps.some((s) => /^HTTP response/.test(s)), `no HTTP response after the reset; ${describe(run)}`);
  assert.match(run.summary, /Client sent warning alert no_renegotiation/);
}

/** A complete TLS 1.3 handshake and a 200. */
export function assertTls13Ok(run: RunResult): void {
  assert.equal(run.outcome, 'ok', describe(run));
  assert.match(run.summary, /TLSv1\.3/);
  assertInOrder(run.steps, [
    /^ClientHello/,
    /^ServerHello/,
    /^EncryptedExtensions/,
    /^Certificate, \d+ B, server to client/,
    /^CertificateVerify, \d+ B, server to client/,
    /^Finished, \d+ B, server to client/,
    /^Finished, \d+ B, client to server/,
    /^HTTP response: 200/,
  ]);
}
