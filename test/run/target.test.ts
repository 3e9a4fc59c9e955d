import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTarget } from '../../lib/run/run';
import { isDemoHost, parseHttpsUrl } from '../../lib/run/target';
import { checkTarget } from '../../lib/view/runOptions';

describe('one reading of a target URL', () => {
  it('adds https:// to a bare host and keeps port, path and query', () => {
    assert.deepEqual(parseHttpsUrl('  iis.test:8443/secure?x=1 '), { ok: true, url: 'https://iis.test:8443/secure?x=1', host: 'iis.test', port: 8443, path: '/secure?x=1' });
  });

  it('gives an IPv6 literal without brackets as the host, and with them in the URL', () => {
    const target = parseHttpsUrl('https://[::1]:4433/');
    assert.ok(target.ok);
    assert.equal(target.host, '::1');
    assert.equal(target.url, 'https://[::1]:4433/');
  });

  it('names what is wrong, and the form and the engine each word it', () => {
    const problems = ['', 'https://exa mple.com', 'http://example.com/', 'https://user:pw@example.com/'].map((input) => {
      const target = parseHttpsUrl(input);
      return target.ok ? 'ok' : target.problem;
    });
    assert.deepEqual(problems, ['empty', 'malformed', 'notHttps', 'credentials']);
    assert.deepEqual(parseHttpsUrl('htps//nonsense'), { ok: false, problem: 'malformed', text: 'htps//nonsense', reason: 'it has "//" without a scheme before it (a misspelled https://?)', flaw: { flaw: 'slashesWithoutScheme' } });
    assert.deepEqual(checkTarget('htps//nonsense'), { ok: false, message: '“htps//nonsense” is not a URL. Try something like https://example.com/.' });
    assert.throws(() => parseTarget(' https:/example.com '), /^RunInputError: "https:\/example.com" is a malformed URL: its scheme "https:" is not followed by \/\//);
    assert.equal(parseHttpsUrl('example.com/a b', { encodeSpaces: true }).ok, true, 'the form lets the parser encode a space in the path');
    assert.deepEqual(checkTarget('http://example.com/'), { ok: false, message: 'Only https URLs can be traced (this one is http).' });
    assert.throws(() => parseTarget('http://example.com/'), /only https:\/\/ URLs can be run \(got http:\/\/\)/);
    assert.deepEqual(parseTarget('https://[::1]:4433/a', '127.0.0.1'), { host: '::1', port: 4433, path: '/a', connectHost: '127.0.0.1', connectPort: 4433 });
  });

  it('trusts the demo CA only for .test hosts', () => {
    assert.equal(isDemoHost('https://iis-renegotiation.test/secure/'), true);
    assert.equal(isDemoHost('TLS13.TEST'), true);
    assert.equal(isDemoHost('https://example.com/'), false);
    assert.equal(isDemoHost('https://test/'), false);
    assert.equal(isDemoHost('https://exa mple.test/'), false);
  });
});
