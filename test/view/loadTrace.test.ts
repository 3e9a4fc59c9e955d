import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadTrace, traceFileName } from '../../lib/view/loadTrace';
import { iisRustlsTrace } from './fixtures/traces';

describe('opening a saved trace', () => {
  it('reads back a trace saved as JSON', () => {
    const trace = iisRustlsTrace();
    const loaded = loadTrace(JSON.stringify(trace));
    assert.equal(loaded.ok, true);
    assert.deepEqual((loaded as { trace: unknown }).trace, JSON.parse(JSON.stringify(trace)));
  });

  it('says what is wrong with anything else', () => {
    const message = (text: string) => {
      const result = loadTrace(text);
      assert.equal(result.ok, false);
      return (result as { message: string }).message;
    };
    assert.match(message('not json'), /not JSON/);
    assert.match(message('[]'), /not a trace/);
    assert.match(message('{"schema":"other"}'), /not a TLS Playground trace/);
    const trace = iisRustlsTrace();
    assert.match(message(JSON.stringify({ ...trace, schemaVersion: 99 })), /schema version 99/);
    assert.match(message(JSON.stringify({ ...trace, steps: [{ seq: 0 }] })), /Step 1 of this trace is malformed/);
    const badHex = { ...trace, steps: [{ ...trace.steps[1], bytes: { hex: 'xyz' } }] };
    assert.match(message(JSON.stringify(badHex)), /Step 1 has malformed bytes/);
  });

  it('names saved files after the host and the start time', () => {
    assert.equal(traceFileName(iisRustlsTrace()), 'tls-iis.test-2026-11-29T07-00-00-000.json');
  });
});
