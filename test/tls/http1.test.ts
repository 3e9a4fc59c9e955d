/** HTTP/1.1 over the connection: the request we write and the responses we can frame. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeRequest, HttpResponseParser } from '../../lib/tls/http/http1';

const enc = (s: string) => new TextEncoder().encode(s);

test('the request has a request line, Host, Connection: close and an annotated field per line', () => {
  const { bytes, field } = encodeRequest({ method: 'POST', path: '/upload?x=1', host: 'example.com:8443', body: enc('hello') });
  const text = new TextDecoder().decode(bytes);
  assert.match(text, /^POST \/upload\?x=1 HTTP\/1\.1\r\nHost: example\.com:8443\r\n/);
  assert.match(text, /\r\nConnection: close\r\n/);
  assert.match(text, /\r\nContent-Length: 5\r\n\r\nhello$/);
  assert.equal(field.children!.reduce((n, f) => n + f.length, 0), bytes.length);
});

test('header injection in the request is refused', () => {
  assert.throws(() => encodeRequest({ method: 'GET', path: '/a b', host: 'x' }));
  assert.throws(() => encodeRequest({ method: 'G T', path: '/', host: 'x' }));
});

test('a Content-Length response completes at exactly its length, across pieces', () => {
  const p = new HttpResponseParser('GET');
  p.feed(enc('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234'));
  assert.equal(p.complete, false);
  p.feed(enc('56789'));
  assert.equal(p.complete, true);
  const r = p.result()!;
  assert.equal(r.status, 200);
  assert.equal(r.bodyBytes, 10);
  assert.equal(r.chunked, false);
});

test('a chunked response completes at the last chunk and is de-chunked', () => {
  const p = new HttpResponseParser('GET');
  p.feed(enc('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n'));
  assert.equal(p.complete, false);
  p.feed(enc('6;ext=1\r\n world\r\n0\r\n\r\n'));
  assert.equal(p.complete, true);
  const r = p.result()!;
  assert.equal(r.chunked, true);
  assert.equal(new TextDecoder().decode(r.body), 'hello world');
});

test('a response without framing ends when the server closes', () => {
  const p = new HttpResponseParser('GET');
  p.feed(enc('HTTP/1.0 200 OK\r\nServer: x\r\n\r\nabc'));
  assert.equal(p.complete, false);
  p.end();
  assert.equal(p.complete, true);
  assert.equal(p.result()!.bodyBytes, 3);
});

test('204 and HEAD responses have no body', () => {
  const p = new HttpResponseParser('GET');
  p.feed(enc('HTTP/1.1 204 No Content\r\n\r\n'));
  assert.equal(p.complete, true);
  const h = new HttpResponseParser('HEAD');
  h.feed(enc('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n'));
  assert.equal(h.complete, true);
});

test('something that is not HTTP is an error, not a hang', () => {
  const p = new HttpResponseParser('GET');
  p.feed(enc('SSH-2.0-OpenSSH_9.2\r\n'));
  assert.match(p.error ?? '', /not an HTTP\/1\.x response/);
});
