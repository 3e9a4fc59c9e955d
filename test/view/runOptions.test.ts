import { describe, it } from 'node:test';
import { tEn } from '../helpers/i18n';
import { en } from '../../lib/i18n/messages/en';
import assert from 'node:assert/strict';
import { buildClientOptions, parseTarget } from '../../lib/run/run';
import { personalityNames } from '../../lib/tls/client/personalities';
import { checkTarget, CIPHER_SUITES, DEFAULT_FORM, describeForm, formUrl, GROUPS, isKnownSuite, MAX_BODY_BYTES, relayUrl, toRunRequest } from '../../lib/view/runOptions';

describe('run form', () => {
  it('accepts https URLs with host, port and path, and adds https:// to a bare host', () => {
    assert.deepEqual(checkTarget('https://example.com:8443/a?b=1'), { ok: true, url: 'https://example.com:8443/a?b=1', host: 'example.com', port: 8443 });
    assert.deepEqual(checkTarget('  iis.test/secure '), { ok: true, url: 'https://iis.test/secure', host: 'iis.test', port: 443 });
  });

  it('explains what is wrong with input it cannot trace', () => {
    const message = (input: string) => {
      const result = checkTarget(input);
      assert.equal(result.ok, false);
      return (result as { message: string }).message;
    };
    assert.match(message(''), /Type an https URL/);
    assert.match(message('http://example.com/'), /Only https URLs.*http\)/);
    assert.match(message('https://exa mple.com'), /is not a URL/);
    assert.match(message('https://user:pw@example.com/'), /passwords/);
  });

  it('sends engine defaults as undefined and the user’s choices as given', () => {
    assert.deepEqual(toRunRequest(DEFAULT_FORM, 'https://tls13.test/'), {
      url: 'https://tls13.test/',
      versions: ['TLSv1.3', 'TLSv1.2'],
      cipherSuites: undefined,
      groups: undefined,
      signatureSchemes: undefined,
      personality: 'rustls',
      insecure: false,
      postHandshakeAuth: false,
      clientCertificate: false,
      method: 'GET',
      body: undefined,
      tls12Off: undefined,
    });
    const request = toRunRequest(
      { ...DEFAULT_FORM, versions: ['TLSv1.2'], groups: ['X25519MLKEM768'], personality: 'openssl', clientCertificate: true, insecure: true },
      'https://iis.test/secure',
    );
    assert.deepEqual([request.versions, request.groups, request.personality, request.clientCertificate, request.insecure], [['TLSv1.2'], ['X25519MLKEM768'], 'openssl', true, true]);
  });

  it('switches off exactly the TLS 1.2 extensions the form unchecked, leaving the rest to the engine', () => {
    const request = toRunRequest({ ...DEFAULT_FORM, tls12Off: ['session_ticket', 'extended_master_secret'] }, 'https://legacy-tls12.test/');
    assert.deepEqual(request.tls12Off, ['session_ticket', 'extended_master_secret']);
    const options = buildClientOptions(request, parseTarget(request.url));
    assert.deepEqual([options.extendedMasterSecret, options.renegotiationInfo, options.encryptThenMac, options.sessionTicket], [false, true, true, false]);
    assert.throws(() => buildClientOptions({ url: request.url, tls12Off: ['heartbeat' as never] }, parseTarget(request.url)), /unknown TLS 1.2 extension "heartbeat"/);
    assert.equal(describeForm({ ...DEFAULT_FORM, tls12Off: ['renegotiation_info'] }, tEn), 'as rustls · TLS 1.2 without renegotiation_info');
  });

  it('sends a POST body of the chosen size, within the limit', () => {
    const post = toRunRequest({ ...DEFAULT_FORM, method: 'POST', bodyBytes: 49153 }, 'https://iis-renegotiation.test/secure/upload');
    assert.equal(post.method, 'POST');
    assert.equal(post.body!.length, 49153);
    assert.equal(post.body![0], 0x61);
    assert.equal(toRunRequest({ ...DEFAULT_FORM, method: 'POST', bodyBytes: 10 ** 9 }, 'https://x.test/').body!.length, MAX_BODY_BYTES);
    assert.equal(toRunRequest({ ...DEFAULT_FORM, method: 'POST', bodyBytes: -5 }, 'https://x.test/').body!.length, 0);
  });

  it('offers the hybrid group, both versions’ suites and the six personalities', () => {
    assert.ok(GROUPS.includes('X25519MLKEM768'));
    assert.ok(CIPHER_SUITES[0].names.includes('TLS_AES_128_GCM_SHA256'));
    assert.ok(CIPHER_SUITES[1].names.includes('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'));
    assert.ok(CIPHER_SUITES.every((g) => g.names.every(isKnownSuite)));
    assert.deepEqual(personalityNames, ['rustls', 'openssl', 'schannel', 'boringssl', 'boringssl-ignore', 'go']);
    // The chooser's line for each personality is in the catalogs, keyed by the engine's list.
    assert.deepEqual(Object.keys(en.options.personalities).sort(), [...personalityNames].sort());
    assert.ok(!isKnownSuite('TLS_EMPTY_RENEGOTIATION_INFO_SCSV'), 'the signalling value is not a suite to choose');
  });

  it('summarises the folded options', () => {
    assert.equal(describeForm(DEFAULT_FORM, tEn), 'as rustls');
    assert.equal(
      describeForm({ ...DEFAULT_FORM, versions: ['TLSv1.2'], personality: 'openssl', clientCertificate: true }, tEn),
      'TLSv1.2 only · as openssl · demo client certificate',
    );
  });
});

describe('a URL from a query string, to prefill a form', () => {
  it('takes an https URL (or a bare host) and nothing else', () => {
    assert.equal(formUrl('https://iis-renegotiation.test/secure/'), 'https://iis-renegotiation.test/secure/');
    assert.equal(formUrl('example.com/a b'), 'https://example.com/a%20b');
    for (const bad of [undefined, '', 'http://example.com/', 'ftp://x/', 'https://user:pw@example.com/', 'not a url at all', ['https://a.test/', 'https://b.test/'], `https://example.com/${'a'.repeat(2100)}`]) {
      assert.equal(formUrl(bad), undefined, String(bad).slice(0, 40));
    }
  });
});

describe('relay URL', () => {
  it('uses the configured URL, else the page host on the relay port (8090 by default)', () => {
    assert.equal(relayUrl(undefined, { protocol: 'http:', hostname: 'localhost' }, 18090), 'ws://localhost:18090/relay');
    assert.equal(relayUrl('wss://relay.example/relay', { protocol: 'https:', hostname: 'x' }), 'wss://relay.example/relay');
    assert.equal(relayUrl(undefined, { protocol: 'http:', hostname: '127.0.0.1' }), 'ws://127.0.0.1:8090/relay');
    assert.equal(relayUrl('', { protocol: 'https:', hostname: 'play.example' }), 'wss://play.example:8090/relay');
    assert.equal(relayUrl(undefined, { protocol: 'http:', hostname: '::1' }), 'ws://[::1]:8090/relay');
    assert.equal(relayUrl(undefined, { protocol: 'http:', hostname: '[::1]' }), 'ws://[::1]:8090/relay');
  });
});
