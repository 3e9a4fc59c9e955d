import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseHost, TargetPolicy, type PlanResult, type TargetPolicyOptions } from '../../server/relay/policy';
import { unusedPort } from '../transport/helpers';
import { CLIENT_HELLO_RECORD, PUBLIC_V4, PUBLIC_V6, errorEvent, rawSession, startTestRelay, type TestRelay } from './helpers';

/** A policy whose resolver is a table; nothing is ever dialed or really resolved here. */
function policyWith(dns: Record<string, string[]>, overrides: Partial<TargetPolicyOptions> = {}): { policy: TargetPolicy; lookups: string[] } {
  const lookups: string[] = [];
  const policy = new TargetPolicy({
    allowedPorts: [443, 8443],
    allowIpLiterals: false,
    allow: [],
    deny: [],
    demoTargets: {},
    ownAddresses: [],
    dnsTimeoutMs: 1000,
    resolve: async (host) => {
      lookups.push(host);
      if (!(host in dns)) throw Object.assign(new Error('NXDOMAIN'), { code: 'ENOTFOUND' });
      return dns[host];
    },
    ...overrides,
  });
  return { policy, lookups };
}

function refusalReason(result: PlanResult): string {
  assert.equal(result.ok, false, `expected a refusal, got ${JSON.stringify(result)}`);
  return (result as Extract<PlanResult, { ok: false }>).refusal.reason;
}

describe('relay policy: host names and IP literals', () => {
  test('every numeric spelling of an IPv4 address is an IP literal, canonicalized like a browser does', () => {
    for (const [raw, canonical] of [
      ['127.0.0.1', '127.0.0.1'],
      ['127.1', '127.0.0.1'],
      ['0x7f000001', '127.0.0.1'],
      ['0x7f.1', '127.0.0.1'],
      ['2130706433', '127.0.0.1'],
      ['0177.0.0.1', '127.0.0.1'],
      ['0', '0.0.0.0'],
      ['1.2.3.4.', '1.2.3.4'],
      ['169.254.169.254', '169.254.169.254'],
    ]) {
      const parsed = parseHost(raw);
      assert.equal(parsed.kind, 'ip', raw);
      assert.equal((parsed as { text: string }).text, canonical, raw);
    }
  });

  test('IPv6 literals, bracketed or not, are IP literals; zone indexes are refused', () => {
    assert.equal(parseHost('::1').kind, 'ip');
    assert.equal(parseHost('[::1]').kind, 'ip');
    assert.equal(parseHost('[::ffff:127.0.0.1]').kind, 'ip');
    assert.equal(parseHost('fe80::1%eth0').kind, 'invalid');
    assert.equal(parseHost('[fe80::1%25eth0]').kind, 'invalid');
  });

  test('names are lower-cased and IDNA-encoded; malformed names and URL tricks are invalid', () => {
    assert.deepEqual(parseHost('WWW.Example.COM.'), { kind: 'name', name: 'www.example.com' });
    assert.deepEqual(parseHost('bücher.example'), { kind: 'name', name: 'xn--bcher-kva.example' });
    for (const bad of ['', 'a..b', '1.2.3.999', 'a.b.1', 'evil.com@127.0.0.1', 'x/y', 'a b', 'host:443', '-bad.example', 'a%2e.example']) {
      assert.equal(parseHost(bad).kind, 'invalid', bad);
    }
  });

  test('IP literals are refused by default, whatever their spelling, without any DNS lookup', async () => {
    const { policy, lookups } = policyWith({});
    for (const host of ['127.0.0.1', '127.1', '0x7f000001', '2130706433', '::1', '[::1]', '::ffff:127.0.0.1', '0.0.0.0', PUBLIC_V4]) {
      assert.equal(refusalReason(await policy.plan(host, '443')), 'ip-literal', host);
    }
    assert.deepEqual(lookups, []);
  });

  test('only allowed ports pass; the port is checked before any lookup', async () => {
    const { policy, lookups } = policyWith({ 'www.example.com': [PUBLIC_V4] });
    assert.equal(refusalReason(await policy.plan('www.example.com', '22')), 'port');
    assert.equal(refusalReason(await policy.plan('www.example.com', '0')), 'bad-target');
    assert.equal(refusalReason(await policy.plan('www.example.com', '443abc')), 'bad-target');
    assert.equal(refusalReason(await policy.plan('www.example.com', null)), 'bad-target');
    assert.deepEqual(lookups, []);
    assert.deepEqual(await policy.plan('www.example.com', '8443'), {
      ok: true,
      plan: { kind: 'address', host: 'www.example.com', literal: false, addresses: [PUBLIC_V4], port: 8443 },
    });
  });

  test('special-use names (localhost, .local, .internal, .test, ...) are refused before DNS', async () => {
    const { policy, lookups } = policyWith({});
    for (const host of ['localhost', 'LOCALHOST', 'localhost.', 'foo.localhost', 'printer.local', 'db.internal', 'x.test', 'nas.home.arpa', 'a.onion', 'x.invalid']) {
      assert.equal(refusalReason(await policy.plan(host, '443')), 'reserved-name', host);
    }
    assert.equal(refusalReason(await policy.plan('intranet', '443')), 'single-label-name');
    assert.deepEqual(lookups, []);
  });
});

describe('relay policy: resolved addresses (stubbed DNS)', () => {
  const blocked: [string, string][] = [
    ['127.0.0.1', 'address-loopback'],
    ['127.255.0.9', 'address-loopback'],
    ['0.0.0.0', 'address-unspecified'],
    ['10.1.2.3', 'address-private'],
    ['172.16.5.4', 'address-private'],
    ['192.168.1.1', 'address-private'],
    ['169.254.169.254', 'address-linkLocal'],
    ['100.64.0.1', 'address-carrierGradeNat'],
    ['224.0.0.1', 'address-multicast'],
    ['255.255.255.255', 'address-broadcast'],
    ['192.0.2.10', 'address-reserved'],
    ['198.18.0.1', 'address-reserved'],
    ['203.0.113.9', 'address-reserved'],
    ['240.0.0.1', 'address-reserved'],
    ['::1', 'address-loopback'],
    ['::', 'address-unspecified'],
    ['fe80::1', 'address-linkLocal'],
    ['fc00::1', 'address-uniqueLocal'],
    ['fd12:3456::1', 'address-uniqueLocal'],
    ['fec0::1', 'address-deprecatedSiteLocal'],
    ['ff02::1', 'address-multicast'],
    ['100::1', 'address-discard'],
    ['2001:db8::1', 'address-reserved'],
    ['2001:2::1', 'address-benchmarking'],
    ['3fff::1', 'address-reserved'],
    ['4000::1', 'address-notGlobal'],
    // IPv4-mapped forms (RFC 4291 §2.5.5.2) of blocked IPv4 addresses.
    ['::ffff:127.0.0.1', 'address-loopback'],
    ['::ffff:10.0.0.1', 'address-private'],
    ['::ffff:a9fe:a9fe', 'address-linkLocal'],
    // IPv4-translated (RFC 6145).
    ['::ffff:0:a00:1', 'address-private'],
    // NAT64 well-known prefix (RFC 6052) and the local-use prefix (RFC 8215).
    ['64:ff9b::7f00:1', 'address-loopback'],
    ['64:ff9b::10.0.0.1', 'address-private'],
    ['64:ff9b::100.64.0.1', 'address-carrierGradeNat'],
    ['64:ff9b:1::5db8:d70e', 'address-rfc6052'],
    // 6to4 (RFC 3056): 2002:AABB:CCDD::.
    ['2002:7f00:1::1', 'address-loopback'],
    ['2002:c0a8:101::1', 'address-private'],
    // Teredo (RFC 4380): server 10.0.0.1; then client 127.0.0.1 stored inverted (0x80fffffe).
    ['2001:0:a00:1::1', 'address-private'],
    ['2001:0:5db8:d70e:0:0:80ff:fffe', 'address-loopback'],
  ];

  for (const [address, reason] of blocked) {
    test(`a name resolving to ${address} is refused (${reason})`, async () => {
      const { policy } = policyWith({ 'target.example': [address] });
      const result = await policy.plan('target.example', '443');
      assert.equal(refusalReason(result), reason);
      assert.match((result as Extract<PlanResult, { ok: false }>).refusal.message, /^target\.example resolves to /);
    });
  }

  test('public addresses and the translation forms of public IPv4 addresses pass', async () => {
    const { policy } = policyWith({
      'v4.example': [PUBLIC_V4],
      'v6.example': [PUBLIC_V6],
      'mapped.example': [`::ffff:${PUBLIC_V4}`],
      'nat64.example': ['64:ff9b::5db8:d70e'],
      '6to4.example': ['2002:5db8:d70e::1'],
    });
    const plan = async (host: string) => {
      const result = await policy.plan(host, '443');
      assert.equal(result.ok, true, `${host}: ${JSON.stringify(result)}`);
      return (result as { plan: { addresses: string[] } }).plan.addresses;
    };
    assert.deepEqual(await plan('v4.example'), [PUBLIC_V4]);
    assert.deepEqual(await plan('v6.example'), [PUBLIC_V6]);
    // The dial form of a mapped address is the IPv4 address that was checked.
    assert.deepEqual(await plan('mapped.example'), [PUBLIC_V4]);
    assert.deepEqual(await plan('nat64.example'), ['64:ff9b::5db8:d70e']);
    assert.deepEqual(await plan('6to4.example'), ['2002:5db8:d70e::1']);
  });

  test('one blocked answer among public ones refuses the whole name', async () => {
    const { policy } = policyWith({ 'mixed.example': [PUBLIC_V4, '10.0.0.7', PUBLIC_V6] });
    assert.equal(refusalReason(await policy.plan('mixed.example', '443')), 'address-private');
  });

  test('the relay never dials its own addresses, even public ones', async () => {
    const { policy } = policyWith({ 'me.example': [PUBLIC_V4], 'me-mapped.example': [`::ffff:${PUBLIC_V4}`] }, { ownAddresses: [PUBLIC_V4] });
    assert.equal(refusalReason(await policy.plan('me.example', '443')), 'own-address');
    assert.equal(refusalReason(await policy.plan('me-mapped.example', '443')), 'own-address');
  });

  test('RELAY_ALLOW does not open the relay’s own machine: any loopback or unspecified address, in any spelling', async () => {
    const answers = { 'lo2.example': ['127.0.0.2'], 'lo-mapped.example': ['::ffff:127.0.0.2'], 'lo6.example': ['::1'], 'any.example': ['0.0.0.0'], 'any6.example': ['::'] };
    const { policy } = policyWith(answers, { allow: ['127.0.0.0/8', '0.0.0.0/8', '::1/128', '::/128'], allowIpLiterals: true, allowedPorts: [443, 3000, 8090] });
    for (const name of Object.keys(answers)) assert.equal(refusalReason(await policy.plan(name, '443')), 'own-address', name);
    for (const [host, port] of [['127.0.0.2', '3000'], ['::ffff:127.0.0.2', '8090'], ['127.255.255.254', '443'], ['0.0.0.0', '8090']]) {
      assert.equal(refusalReason(await policy.plan(host, port)), 'own-address', `${host}:${port}`);
    }
    // What RELAY_ALLOW is for still works: a private range the operator opened.
    const { policy: office } = policyWith({ 'intranet.example': ['10.1.2.3'] }, { allow: ['10.1.0.0/16'] });
    assert.equal((await office.plan('intranet.example', '443')).ok, true);
  });

  test('a DNS answer that is not an address, an empty answer, NXDOMAIN and a slow resolver are refused', async () => {
    const { policy } = policyWith({ 'weird.example': ['not-an-ip'], 'empty.example': [] });
    assert.equal(refusalReason(await policy.plan('weird.example', '443')), 'bad-dns-answer');
    assert.equal(refusalReason(await policy.plan('empty.example', '443')), 'dns');
    const nx = await policy.plan('nx.example', '443');
    assert.equal(refusalReason(nx), 'dns');
    assert.equal((nx as Extract<PlanResult, { ok: false }>).refusal.code, 'ENOTFOUND');
    const slow = new TargetPolicy({
      ...{ allowedPorts: [443], allowIpLiterals: false, allow: [], deny: [], demoTargets: {}, ownAddresses: [] },
      dnsTimeoutMs: 30,
      resolve: () => new Promise(() => {}),
    });
    const result = await slow.plan('slow.example', '443');
    assert.equal(refusalReason(result), 'dns-timeout');
    assert.equal((result as Extract<PlanResult, { ok: false }>).refusal.code, 'ETIMEDOUT');
  });

  test('allow CIDRs exempt addresses from the range refusal; deny CIDRs and host patterns always refuse', async () => {
    const { policy } = policyWith(
      { 'lab.example': ['10.1.2.3'], 'other-lab.example': ['10.2.0.1'], 'www.example.com': [PUBLIC_V4], 'ok.example': ['1.1.1.1'] },
      { allow: ['10.1.0.0/16'], deny: ['93.184.0.0/16', '*.evil.example'] },
    );
    assert.equal((await policy.plan('lab.example', '443')).ok, true);
    assert.equal(refusalReason(await policy.plan('other-lab.example', '443')), 'address-private');
    assert.equal(refusalReason(await policy.plan('www.example.com', '443')), 'denied-address');
    assert.equal(refusalReason(await policy.plan('a.evil.example', '443')), 'denied-host');
    assert.equal((await policy.plan('ok.example', '443')).ok, true);
  });

  test('host names in the allow list switch to allow-list mode', async () => {
    const { policy, lookups } = policyWith({ 'www.example.com': [PUBLIC_V4], 'api.example.org': ['1.1.1.1'] }, { allow: ['www.example.com'] });
    assert.equal((await policy.plan('www.example.com', '443')).ok, true);
    assert.equal(refusalReason(await policy.plan('api.example.org', '443')), 'not-allowed-host');
    assert.deepEqual(lookups, ['www.example.com']);
  });

  test('with IP literals allowed, literals still go through the address policy', async () => {
    const { policy } = policyWith({}, { allowIpLiterals: true });
    for (const [host, reason] of [
      ['127.1', 'address-loopback'],
      ['0x7f000001', 'address-loopback'],
      ['2130706433', 'address-loopback'],
      ['[::ffff:127.0.0.1]', 'address-loopback'],
      ['0.0.0.0', 'address-unspecified'],
      ['64:ff9b::a9fe:a9fe', 'address-linkLocal'],
    ]) {
      assert.equal(refusalReason(await policy.plan(host, '443')), reason, host);
    }
    assert.deepEqual(await policy.plan(PUBLIC_V4, '443'), {
      ok: true,
      plan: { kind: 'address', host: PUBLIC_V4, literal: true, addresses: [PUBLIC_V4], port: 443 },
    });
  });

  test('demo targets are reachable by their alias name only', async () => {
    const { policy, lookups } = policyWith({}, { demoTargets: { renegotiation: { host: '127.0.0.1', port: 9443 } }, allowIpLiterals: true });
    assert.deepEqual(await policy.plan('renegotiation.test', '443'), {
      ok: true,
      plan: { kind: 'demo', host: 'renegotiation.test', address: '127.0.0.1', port: 9443 },
    });
    assert.equal(refusalReason(await policy.plan('127.0.0.1', '9443')), 'port');
    assert.equal(refusalReason(await policy.plan('127.0.0.1', '443')), 'address-loopback');
    assert.equal(refusalReason(await policy.plan('other.test', '443')), 'reserved-name');
    assert.deepEqual(lookups, []);
  });

  test('a name one label under a demo alias reaches the same server (a wildcard certificate needs one), deeper names do not', async () => {
    const { policy, lookups } = policyWith({}, { demoTargets: { wildcard: { host: '127.0.0.1', port: 9443 } } });
    assert.deepEqual(await policy.plan('www.wildcard.test', '443'), {
      ok: true,
      plan: { kind: 'demo', host: 'www.wildcard.test', address: '127.0.0.1', port: 9443 },
    });
    assert.equal(refusalReason(await policy.plan('www.wildcard.test', '8443')), 'demo-port');
    assert.equal(refusalReason(await policy.plan('a.b.wildcard.test', '443')), 'reserved-name');
    assert.equal(refusalReason(await policy.plan('www.other.test', '443')), 'reserved-name');
    assert.deepEqual(lookups, []);
  });

  test('the sessions counted as the demo targets’ (not the outside world’s) are those naming a demo alias, or a name one label under one', () => {
    const { policy, lookups } = policyWith({ 'tls13.example': ['93.184.215.14'] }, { demoTargets: { tls13: { host: '127.0.0.1', port: 9443 }, wildcard: { host: '127.0.0.1', port: 9444 } }, allowIpLiterals: true });
    for (const host of ['tls13.test', 'TLS13.test', 'tls13.test.', 'www.wildcard.test']) assert.equal(policy.isDemoAlias(host), true, host);
    for (const host of [null, 'tls13.example', 'tls13', 'other.test', 'a.b.wildcard.test', 'test', '127.0.0.1', '[::1]', 'localhost', 'tls13.test.example.com', '']) {
      assert.equal(policy.isDemoAlias(host), false, String(host));
    }
    policy.setDemoTargets({});
    assert.equal(policy.isDemoAlias('tls13.test'), false, 'a demo target that stopped is no longer one');
    assert.deepEqual(lookups, [], 'deciding resolves nothing');
  });

  test('a built-in demo target that is not running here is refused as that, with why, not as an unknown .test name', async () => {
    const why = 'tls13-0rtt.test is a built-in demo target that is not running on this server: it needs nginx, which is not installed';
    const { policy, lookups } = policyWith({}, { demoTargets: { tls13: { host: '127.0.0.1', port: 9443 } }, unavailableDemoTargets: { 'tls13-0rtt': why } });
    const refused = await policy.plan('tls13-0rtt.test', '443');
    assert.equal(refusalReason(refused), 'demo-not-running');
    assert.equal((refused as Extract<PlanResult, { ok: false }>).refusal.message, why);
    assert.equal(refusalReason(await policy.plan('TLS13-0RTT.test.', '443')), 'demo-not-running');
    assert.equal(refusalReason(await policy.plan('other.test', '443')), 'reserved-name', 'a .test name no demo target has');
    assert.equal(policy.isDemoAlias('tls13-0rtt.test'), false, 'it dials nothing: not counted as a demo session either');
    // Once its server runs (the registry is re-read), the alias reaches it.
    policy.setDemoTargets({ tls13: { host: '127.0.0.1', port: 9443 }, 'tls13-0rtt': { host: '127.0.0.1', port: 9444 } }, { 'tls13-0rtt': why });
    assert.equal((await policy.plan('tls13-0rtt.test', '443')).ok, true);
    policy.setDemoTargets({ tls13: { host: '127.0.0.1', port: 9443 } });
    assert.equal(refusalReason(await policy.plan('tls13-0rtt.test', '443')), 'reserved-name', 'nothing known about it any more');
    assert.deepEqual(lookups, []);
  });

  test('a demo alias is reached on port 443 only: another port is refused, not silently ignored', async () => {
    const { policy, lookups } = policyWith({}, { demoTargets: { tls13: { host: '127.0.0.1', port: 9443 } } });
    const refused = await policy.plan('tls13.test', '8443');
    assert.equal(refusalReason(refused), 'demo-port');
    assert.match((refused as Extract<PlanResult, { ok: false }>).refusal.message, /^tls13\.test is a demo target; it answers on port 443 only \(https:\/\/tls13\.test\/\), not 8443$/);
    assert.equal((await policy.plan('tls13.test', '443')).ok, true);
    assert.deepEqual(lookups, []);
  });
});

describe('relay policy through a running relay: loopback in every spelling', () => {
  let relay: TestRelay;
  before(async () => {
    relay = await startTestRelay({}, { dns: { 'loopback.example': ['127.0.0.1'], 'mapped.example': ['::ffff:127.0.0.1'] } });
  });
  after(() => relay.close());

  const forms = ['127.0.0.1', '127.1', '0x7f000001', '2130706433', '0177.0.0.1', '::1', '[::1]', '::ffff:127.0.0.1', '0.0.0.0', 'localhost', 'loopback.example', 'mapped.example'];
  for (const host of forms) {
    test(`host=${host} is refused with a POLICY error and never dialed`, async () => {
      const session = rawSession(relay.url, { host, port: 443 });
      session.ws.once('open', () => session.ws.send(CLIENT_HELLO_RECORD));
      const { code } = await session.closed;
      const error = errorEvent(session.events);
      assert.equal(error?.code, 'POLICY', JSON.stringify(session.events));
      assert.equal(code, 1008);
      assert.equal(session.events.at(-1)?.type, 'closed');
      assert.deepEqual(relay.dials, []);
    });
  }

  test("the relay's own address and port is refused even when literals, loopback and the port are allowed", async () => {
    const port = await unusedPort();
    const self = await startTestRelay({ port, allowIpLiterals: true, allow: ['127.0.0.0/8'], allowedPorts: [port] });
    try {
      const session = rawSession(self.url, { host: '127.0.0.1', port });
      await session.closed;
      assert.equal(errorEvent(session.events)?.reason, 'own-address');
      assert.deepEqual(self.dials, []);
    } finally {
      await self.close();
    }
  });

  test('names were looked up only when they were names: no numeric form ever reached the resolver', () => {
    assert.deepEqual(relay.lookups.sort(), ['loopback.example', 'mapped.example']);
  });
});
