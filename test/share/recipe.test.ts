import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Step } from '../../lib/trace/schema';
import { decodeRecipe, encodeRecipe, formFromRunOptions, formFromTrace, recipeHref, requestBodyBytes } from '../../lib/share/recipe';
import { DEFAULT_FORM, type RunForm } from '../../lib/view/runOptions';
import { toHex, utf8 } from '../../lib/tls/wire/bytes';
import { iisRustlsTrace, tls13OkTrace } from '../view/fixtures/traces';

describe('recipe links', () => {
  it('write only the URL when every option is the default', () => {
    assert.equal(encodeRecipe({ ...DEFAULT_FORM, url: 'https://example.com/' }), 'url=https://example.com/');
  });

  it('keep the playground’s existing ?url=&as= form and read it back', () => {
    const query = encodeRecipe({ ...DEFAULT_FORM, url: 'https://iis-renegotiation.test/secure/', personality: 'openssl' });
    assert.equal(query, 'url=https://iis-renegotiation.test/secure/&as=openssl');
    const recipe = decodeRecipe(`?${query}`);
    assert.equal(recipe?.form.url, 'https://iis-renegotiation.test/secure/');
    assert.equal(recipe?.form.personality, 'openssl');
    assert.equal(recipe?.run, false);
  });

  it('carry every option through an encode/decode round trip', () => {
    const form: RunForm = {
      url: 'https://tls12.test:8443/a/b?x=1&y=2,3',
      versions: ['TLSv1.2'],
      cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
      groups: ['X25519MLKEM768', 'x25519'],
      signatureSchemes: ['rsa_pss_rsae_sha256', 'ecdsa_secp256r1_sha256'],
      personality: 'schannel',
      clientCertificate: true,
      postHandshakeAuth: true,
      insecure: true,
      method: 'POST',
      bodyBytes: 49153,
      tls12Off: ['extended_master_secret', 'encrypt_then_mac'],
      tamper: 'client_hello.extensions:reorder=key_share,server_name',
      resume: true,
      earlyData: true,
    };
    const query = encodeRecipe(form, { run: true });
    assert.match(query, /(^|&)versions=TLSv1\.2(&|$)/);
    assert.match(query, /(^|&)suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256(&|$)/);
    assert.match(query, /(^|&)cert=demo&pha=1&insecure=1&method=POST&body=49153&tls12off=extended_master_secret,encrypt_then_mac&tamper=client_hello.extensions:reorder=key_share,server_name&resume=0rtt&run=1$/);
    const recipe = decodeRecipe(query);
    assert.deepEqual(recipe, { form, run: true, ignored: [] });
  });

  it('carry a resumed run (resume=1) and one with 0-RTT early data (resume=0rtt); anything else is reported', () => {
    assert.equal(encodeRecipe({ ...DEFAULT_FORM, url: 'https://tls13.test/', resume: true }), 'url=https://tls13.test/&resume=1');
    assert.deepEqual(decodeRecipe('url=https://tls13.test/&resume=1')?.form, { ...DEFAULT_FORM, url: 'https://tls13.test/', resume: true });
    assert.deepEqual(decodeRecipe('url=https://tls13.test/&resume=0rtt')?.form, { ...DEFAULT_FORM, url: 'https://tls13.test/', resume: true, earlyData: true });
    const odd = decodeRecipe('url=https://tls13.test/&resume=twice');
    assert.equal(odd?.form.resume, false);
    assert.match(odd?.ignored.join(' ') ?? '', /resume=twice/);
  });

  it('survive being pasted as a full URL (URL parsing keeps the options)', () => {
    const form: RunForm = { ...DEFAULT_FORM, url: 'https://tls13.test/?q=a b&c=d', groups: ['secp256r1'] };
    const href = new URL(recipeHref('/embed', form, { run: true }), 'http://127.0.0.1:3000');
    assert.equal(href.pathname, '/embed');
    assert.deepEqual(decodeRecipe(href.searchParams)?.form, form);
  });

  it('open with what they understand and say what they ignored', () => {
    const recipe = decodeRecipe('url=https://tls13.test/&as=nss&versions=TLSv1.4,TLSv1.3&groups=x25519,ffdhe9999&pha=maybe&cert=mine&method=PUT&body=-1&tls12off=session_ticket,heartbeat');
    assert.ok(recipe);
    assert.equal(recipe.form.personality, DEFAULT_FORM.personality);
    assert.deepEqual(recipe.form.versions, ['TLSv1.3']);
    assert.deepEqual(recipe.form.groups, ['x25519']);
    assert.equal(recipe.form.postHandshakeAuth, false);
    assert.equal(recipe.form.clientCertificate, false);
    assert.equal(recipe.form.method, 'GET');
    assert.equal(recipe.form.bodyBytes, DEFAULT_FORM.bodyBytes);
    assert.deepEqual(recipe.ignored, [
      'Unknown personality “nss” ignored.',
      'Unknown TLS version “TLSv1.4” ignored.',
      'Unknown group “ffdhe9999” ignored.',
      '“cert=mine” ignored (the only client certificate is cert=demo).',
      '“pha=maybe” ignored (use pha=1).',
      'Method “PUT” ignored (GET or POST).',
      '“body=-1” ignored (a number of bytes up to 1048576).',
      'Unknown TLS 1.2 extension “heartbeat” ignored.',
    ]);
    assert.deepEqual(recipe.form.tls12Off, ['session_ticket']);
  });

  it('keep both versions when a link asks for none (an empty list cannot run)', () => {
    assert.deepEqual(decodeRecipe('url=https://x.test/&versions=')?.form.versions, ['TLSv1.3', 'TLSv1.2']);
  });

  it('are absent from a plain visit, and run=1 without a URL starts nothing', () => {
    assert.equal(decodeRecipe(''), undefined);
    assert.equal(decodeRecipe('?foo=bar'), undefined);
    const personalityOnly = decodeRecipe('?as=go&run=1');
    assert.equal(personalityOnly?.form.url, '');
    assert.equal(personalityOnly?.form.personality, 'go');
    assert.equal(personalityOnly?.run, false);
  });
});

describe('re-running a recorded trace', () => {
  it('uses the options the trace recorded', () => {
    const trace = iisRustlsTrace();
    const form = formFromTrace(trace);
    assert.equal(form.url, trace.options.url);
    assert.equal(form.personality, trace.options.personality);
    assert.deepEqual(form.versions, trace.options.versions);
    assert.equal(form.clientCertificate, trace.options.clientCertificate);
  });

  it('drops names this version does not know and falls back for an unknown personality', () => {
    const form = formFromRunOptions({ url: 'https://x.test/', versions: [], groups: ['x25519', 'made_up'], personality: 'future-tls', method: 'post' } as never);
    assert.deepEqual(form.versions, ['TLSv1.3', 'TLSv1.2']);
    assert.deepEqual(form.groups, ['x25519']);
    assert.equal(form.personality, 'rustls');
    assert.equal(form.method, 'POST');
  });

  it('switches off the TLS 1.2 extensions the trace recorded as off, and only known ones', () => {
    const trace = tls13OkTrace();
    assert.deepEqual(formFromTrace(trace).tls12Off, [], 'a trace without tls12Off offered them all');
    trace.options = { ...trace.options, tls12Off: ['renegotiation_info', 'made_up' as never] };
    assert.deepEqual(formFromTrace(trace).tls12Off, ['renegotiation_info']);
  });

  it('takes the personality from the trace when its options do not name one (older traces)', () => {
    const trace = { ...tls13OkTrace(), personality: 'go' };
    trace.options = { ...trace.options, personality: undefined as unknown as string };
    assert.equal(formFromTrace(trace).personality, 'go');
  });

  it('takes a POST’s body size from the Content-Length the request carried', () => {
    const trace = tls13OkTrace();
    trace.options.method = 'POST';
    const request = 'POST /upload HTTP/1.1\r\nHost: tls13.test\r\nContent-Type: application/octet-stream\r\nContent-Length: 49153\r\n\r\naaaa';
    const at = trace.steps.findIndex((s) => s.layer === 'http' && s.direction === 'client->server');
    assert.ok(at > 0, 'the fixture has an HTTP request step');
    trace.steps[at] = { ...trace.steps[at], kind: 'http', data: { message: 'request', method: 'POST', path: '/upload' }, bytes: { hex: toHex(utf8(request)) } } as Step;
    assert.equal(requestBodyBytes(trace), 49153);
    const form = formFromTrace(trace);
    assert.equal(form.method, 'POST');
    assert.equal(form.bodyBytes, 49153);
  });
});
