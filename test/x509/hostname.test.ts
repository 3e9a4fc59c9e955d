import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GeneralName } from '../../lib/tls/x509/extensions';
import { checkHostname, dnsNameMismatch } from '../../lib/tls/x509/hostname';
import { formatIp, parseIpLiteral } from '../../lib/tls/x509/ip';
import { publicSuffixList } from '../../lib/tls/x509/publicSuffix';
import type { Name } from '../../lib/tls/x509/name';

function subjectCN(cn: string): Name {
  return { der: new Uint8Array(0), rdns: [[{ oid: '2.5.4.3', short: 'CN', value: cn }]], display: `CN=${cn}`, key: `2.5.4.3=${cn}` };
}

const ip = (s: string): GeneralName => ({ type: 'iPAddress', bytes: parseIpLiteral(s)! });
const dns = (value: string): GeneralName => ({ type: 'dNSName', value });

/** A certificate with these subjectAltName entries (none: no extension at all) and subject CN. */
function cert(san: GeneralName[] | undefined, cn = 'ignored.example') {
  return { subject: subjectCN(cn), extensions: san ? { subjectAltName: san } : {} };
}

describe('dNSName matching (RFC 6125 §6.4)', () => {
  const table: [presented: string, host: string, matches: boolean][] = [
    ['example.com', 'example.com', true],
    ['example.com', 'EXAMPLE.COM', true],
    ['Example.COM', 'example.com', true],
    ['example.com', 'example.com.', true],
    ['example.com.', 'example.com', true],
    ['example.com', 'www.example.com', false],
    ['www.example.com', 'example.com', false],
    ['example.com', 'example.co', false],
    ['*.example.com', 'www.example.com', true],
    ['*.example.com', 'WWW.Example.Com', true],
    ['*.example.com', 'xn--bcher-kva.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', '.example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', 'www.example.org', false],
    ['*.com', 'example.com', false],
    // Public Suffix List, ICANN section: no wildcard directly over a suffix anyone can register under.
    ['*.co.uk', 'evil.co.uk', false],
    ['*.example.co.uk', 'www.example.co.uk', true],
    ['*.test', 'evil.test', false],
    ['*.foo.test', 'a.foo.test', true],
    // Private entries (github.io) are registrable domains, as in Chrome: a wildcard over one is fine.
    ['*.github.io', 'user.github.io', true],
    ['*', 'localhost', false],
    ['f*o.example.com', 'foo.example.com', false],
    ['*o.example.com', 'foo.example.com', false],
    ['foo*.example.com', 'foobar.example.com', false],
    ['www.*.example.com', 'www.a.example.com', false],
    ['*.*.example.com', 'a.b.example.com', false],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example', true],
    ['xn--bcher-kva.example', 'XN--BCHER-KVA.example', true],
    ['xn--*.example', 'xn--bcher-kva.example', false],
  ];
  for (const [presented, host, matches] of table) {
    test(`${presented} ${matches ? 'matches' : 'does not match'} ${host}`, async () => {
      assert.equal(dnsNameMismatch(presented, host, await publicSuffixList()) === undefined, matches);
      assert.equal((await checkHostname(cert([dns(presented)]), host)).ok, matches);
    });
  }

  test('a near miss says why', async () => {
    assert.match((await checkHostname(cert([dns('*.example.com')]), 'a.b.example.com')).detail, /stands for exactly one label/);
    assert.match((await checkHostname(cert([dns('*.com')]), 'example.com')).detail, /wildcard over a public suffix \(\*\.com: com is on the Public Suffix List\)/);
    assert.match((await checkHostname(cert([dns('f*o.example.com')]), 'foo.example.com')).detail, /partial or misplaced wildcards/);
    assert.equal(
      (await checkHostname(cert([dns('wrong-host.test')]), 'localhost')).detail,
      'localhost does not match any name the certificate is valid for (DNS:wrong-host.test)',
    );
  });

  test('a Unicode host name is not converted: it must arrive as A-labels', async () => {
    const r = await checkHostname(cert([dns('xn--bcher-kva.example')]), 'bücher.example');
    assert.equal(r.ok, false);
    assert.match(r.detail, /not in ASCII \(A-label\) form/);
  });
});

describe('iPAddress matching (RFC 6125 §3.1.1, RFC 5280 §4.2.1.6)', () => {
  const table: [san: GeneralName[], host: string, matches: boolean][] = [
    [[ip('127.0.0.1')], '127.0.0.1', true],
    [[ip('127.0.0.1')], '127.0.0.2', false],
    [[ip('192.0.2.1'), dns('example.com')], '192.0.2.1', true],
    [[ip('::1')], '::1', true],
    [[ip('::1')], '[::1]', true],
    [[ip('::1')], '0:0:0:0:0:0:0:1', true],
    [[ip('2001:db8::1')], '2001:DB8:0:0::1', true],
    [[ip('2001:db8::1')], '2001:db8::2', false],
    // An IPv4 address and its IPv4-mapped IPv6 form are different identities.
    [[ip('127.0.0.1')], '::ffff:127.0.0.1', false],
    // IP literals are never matched against DNS names or wildcards.
    [[dns('127.0.0.1')], '127.0.0.1', false],
    [[dns('*.0.0.1')], '127.0.0.1', false],
  ];
  for (const [san, host, matches] of table) {
    test(`subjectAltName ${san.map((n) => (n.type === 'iPAddress' ? `IP:${formatIp(n.bytes)}` : `DNS:${(n as { value: string }).value}`)).join(',')} ${matches ? 'matches' : 'does not match'} ${host}`, async () => {
      assert.equal((await checkHostname(cert(san), host)).ok, matches);
    });
  }

  test('the subject CN is never used for an IP address', async () => {
    const r = await checkHostname(cert(undefined, '127.0.0.1'), '127.0.0.1');
    assert.equal(r.ok, false);
    assert.match(r.detail, /no subjectAltName to list IP addresses in/);
  });

  test('IP literals parse and print as RFC 4291 / RFC 5952 text', () => {
    assert.equal(formatIp(parseIpLiteral('2001:0db8:0000:0000:0000:ff00:0042:8329')!), '2001:db8::ff00:42:8329');
    assert.equal(formatIp(parseIpLiteral('::ffff:192.0.2.128')!), '::ffff:c000:280');
    assert.equal(formatIp(parseIpLiteral('1:0:0:2:0:0:0:3')!), '1:0:0:2::3');
    assert.equal(parseIpLiteral('1.2.3'), undefined);
    assert.equal(parseIpLiteral('01.2.3.4'), undefined, 'leading zeros are not a dotted quad');
    assert.equal(parseIpLiteral('256.0.0.1'), undefined);
    assert.equal(parseIpLiteral('1::2::3'), undefined);
    assert.equal(parseIpLiteral('example.com'), undefined);
  });
});

describe('no subject CN fallback (RFC 6125 §6.4.4, as browsers and rustls apply it)', () => {
  test('a certificate without subjectAltName names no host, even when its CN is the host', async () => {
    const r = await checkHostname(cert(undefined, 'legacy.example'), 'legacy.example');
    assert.equal(r.ok, false);
    assert.match(r.detail, /no subjectAltName, so it names no host: its subject CN \(legacy\.example\) is not used as a name/);
  });

  test('the CN is ignored when a subjectAltName is present', async () => {
    const r = await checkHostname(cert([dns('other.example')], 'legacy.example'), 'legacy.example');
    assert.equal(r.ok, false);
    assert.match(r.detail, /\(DNS:other\.example\)/);
  });

  test('a subjectAltName with only IP addresses does not cover any DNS name', async () => {
    const r = await checkHostname(cert([ip('192.0.2.1')], 'legacy.example'), 'legacy.example');
    assert.equal(r.ok, false);
    assert.match(r.detail, /lists no DNS names/);
  });
});
