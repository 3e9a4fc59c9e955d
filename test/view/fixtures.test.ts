import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateTrace } from '../../lib/trace/validate';
import { iisRustlsTrace, relayRefusalTrace, tls13OkTrace } from './fixtures/traces';

describe('view-model fixtures', () => {
  it('are traces the schema validator accepts, so the views are tested on the real shape', () => {
    for (const trace of [tls13OkTrace(), iisRustlsTrace(), relayRefusalTrace()]) {
      assert.doesNotThrow(() => validateTrace(JSON.parse(JSON.stringify(trace))), trace.options.url);
    }
  });
});
