/**
 * Which cached answers the app's fast path may send gzipped: those whose request's Accept-Encoding
 * takes gzip (RFC 9110 §12.5.3), with its quality values.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { acceptsGzip } from '../../server/app/contentCoding';

describe('Accept-Encoding and gzip', () => {
  it('takes gzip when it is listed, with any quality above 0, or as x-gzip', () => {
    assert.equal(acceptsGzip('gzip, deflate, br, zstd'), true);
    assert.equal(acceptsGzip('br;q=1.0, gzip;q=0.8'), true);
    assert.equal(acceptsGzip('x-gzip'), true);
    assert.equal(acceptsGzip('GZIP'), true);
  });

  it('takes gzip under "*" unless gzip itself is refused', () => {
    assert.equal(acceptsGzip('*'), true);
    assert.equal(acceptsGzip('gzip;q=0, *'), false);
    assert.equal(acceptsGzip('*;q=0'), false);
  });

  it('sends the bytes as they are without Accept-Encoding, for identity, or when gzip is refused', () => {
    assert.equal(acceptsGzip(undefined), false);
    assert.equal(acceptsGzip(''), false);
    assert.equal(acceptsGzip('identity'), false);
    assert.equal(acceptsGzip('br, deflate'), false);
    assert.equal(acceptsGzip('gzip;q=0'), false);
    assert.equal(acceptsGzip('gzip;q=0.000'), false);
  });
});
