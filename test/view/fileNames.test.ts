import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { traceFileName } from '../../lib/view/fileNames';
import { iisRustlsTrace } from './fixtures/traces';

describe('download file names', () => {
  it('names a run after its host and start time', () => {
    assert.equal(traceFileName(iisRustlsTrace(), 'json'), 'tls-iis.test-2026-11-29T07-00-00-000.json');
    assert.equal(traceFileName(iisRustlsTrace(), 'pcapng'), 'tls-iis.test-2026-11-29T07-00-00-000.pcapng');
  });

  it('keeps odd URLs from producing unsafe names', () => {
    const trace = { ...iisRustlsTrace(), options: { ...iisRustlsTrace().options, url: 'not a url' } };
    assert.equal(traceFileName(trace, 'keylog.txt'), 'tls-trace-2026-11-29T07-00-00-000.keylog.txt');
  });
});
