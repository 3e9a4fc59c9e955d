import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostNameProblem } from '../../lib/run/hostName';
import { checkTarget } from '../../lib/view/runOptions';

describe('host names', () => {
  it('accepts what names a server: DNS names, a final dot, underscores, IPv4 and bracketed IPv6', () => {
    for (const host of ['example.com', 'iis-renegotiation.test', 'example.com.', '_dmarc.example.com', 'xn--bcher-kva.example', '192.0.2.1', '[2001:db8::1]', 'localhost']) {
      assert.equal(hostNameProblem(host), undefined, host);
    }
  });

  it('refuses what a lenient URL parser keeps as a host: spaces and punctuation (as Chromium leaves them)', () => {
    assert.equal(hostNameProblem('asdf%20qwer!!'), '"asdf qwer!!" cannot be a host name (it contains " ")');
    assert.match(hostNameProblem('exa!mple.com') ?? '', /cannot be a host name \(it contains "!"\)/);
    assert.match(hostNameProblem('a..b') ?? '', /empty label/);
    assert.match(hostNameProblem(`${'a'.repeat(64)}.com`) ?? '', /longer than 63/);
    assert.match(hostNameProblem('[zz::1]') ?? '', /not an IPv6 address/);
  });

  it('the page refuses a garbage URL before anything runs', () => {
    const typed = checkTarget('asdf qwer!!');
    assert.equal(typed.ok, false);
    assert.match(typed.ok ? '' : typed.message, /not a URL|cannot be a host name/);
  });
});
