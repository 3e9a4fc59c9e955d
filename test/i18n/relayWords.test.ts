/**
 * The relay says why it refused or ended a session with a stable word (`reason`: port, ip-literal,
 * address-private, client-rate…) and an English sentence with the numbers that matter. A reader of
 * English gets that sentence; any other language words the stable word from its catalog. Every word
 * the relay or the browser's transport can send has words in every catalog, so a new refusal cannot
 * reach a Chinese page as an English sentence.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ipaddr from 'ipaddr.js';
import { en } from '../../lib/i18n/messages/en';
import { zhCN } from '../../lib/i18n/messages/zh-CN';
import { translator } from '../../lib/i18n/translator';
import { stepExplanation, stepTitle, transportReason } from '../../lib/view/stepText';
import { adviceFor } from '../../lib/view/advice';
import { relayRefusalTrace } from '../view/fixtures/traces';
import { REFUSED_RANGES, TargetPolicy } from '../../server/relay/policy';

const ROOT = resolve(import.meta.dirname, '../..');
const english = translator('en', en);
const chinese = translator('zh-CN', zhCN);

/** The reason words written in the relay's sources and in the browser's relay transport. */
function reasonWords(): Set<string> {
  const files = [...readdirSync(join(ROOT, 'server/relay')).filter((f) => f.endsWith('.ts')).map((f) => join(ROOT, 'server/relay', f)), join(ROOT, 'lib/transport/relay.ts')];
  const words = new Set<string>();
  const patterns = [
    /reason: '([a-z0-9-]+)'/g,
    /refuse\('[A-Z]+', '([a-z0-9-]+)'/g,
    /limit\('([a-z0-9-]+)'/g,
    /protocolError\('([a-z0-9-]+)'/g,
    /sendError\([^,]+, '([a-z0-9-]+)'/g,
    /word \?\? '([a-z0-9-]+)'/g,
  ];
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    for (const pattern of patterns) for (const m of source.matchAll(pattern)) words.add(m[1]);
  }
  return words;
}

/**
 * One address in each range the relay refuses, from ipaddr.js's own table (the first block of the
 * range that the relay refuses by that range's name), and IPv6 unicast outside 2000::/3.
 */
function addressesByRange(): Map<string, string> {
  const policy = new TargetPolicy({ allowedPorts: [443], allowIpLiterals: true, allow: [], deny: [], demoTargets: {}, ownAddresses: [], dnsTimeoutMs: 1000, resolve: async () => [] });
  const tables = [ipaddr.IPv4, ipaddr.IPv6].map((kind) => (kind.prototype as unknown as { SpecialRanges: Record<string, [ipaddr.IPv4 | ipaddr.IPv6, number] | [ipaddr.IPv4 | ipaddr.IPv6, number][]> }).SpecialRanges);
  const found = new Map<string, string>([['notGlobal', '4000::1']]);
  for (const table of tables) {
    for (const [range, blocks] of Object.entries(table)) {
      const list = (Array.isArray(blocks[0]) ? blocks : [blocks]) as [ipaddr.IPv4 | ipaddr.IPv6, number][];
      const address = list.map(([network]) => network).find((network) => policy.checkAddress(network)?.reason === `address-${range}`);
      if (address && !found.has(range)) found.set(range, address.toString());
    }
  }
  return found;
}

describe('relay refusals in the reader’s language', () => {
  it('finds the relay’s reason words (the test reads what it claims to cover)', () => {
    const words = reasonWords();
    for (const word of ['port', 'ip-literal', 'client-rate', 'idle-timeout', 'not-client-hello', 'relay-unreachable']) assert.ok(words.has(word), word);
    assert.ok(REFUSED_RANGES.includes('private') && REFUSED_RANGES.includes('notGlobal') && REFUSED_RANGES.length > 15);
  });

  it('names, as the ranges it refuses, every range it refuses an address for: no refusal reason goes unlisted', () => {
    assert.deepEqual([...addressesByRange().keys()].sort(), [...REFUSED_RANGES].sort());
  });

  it('says a refused range in its own sentences with the catalog’s English words for it', () => {
    const policy = new TargetPolicy({ allowedPorts: [443], allowIpLiterals: true, allow: [], deny: [], demoTargets: {}, ownAddresses: [], dnsTimeoutMs: 1000, resolve: async () => [] });
    const words = en.steps.transport.range as Record<string, string>;
    for (const [range, address] of addressesByRange()) {
      const refusal = policy.checkAddress(ipaddr.parse(address));
      assert.equal(refusal?.message, `${address}, ${words[range]}`, range);
    }
  });

  it('words every reason the relay sends, and every address range it refuses, in every language', () => {
    // ECONNRESET's "reset" becomes a reset step of its own (lib/transport/relay.ts), never an error.
    // English words a reason too when the relay sent no sentence of its own.
    const said = (reason: string, t: typeof english) => transportReason({ message: t === english ? '' : 'RELAY SAID', reason }, t);
    const unsaid = (reason: string) => [english, chinese].flatMap((t, i) => (['', 'RELAY SAID'].includes(said(reason, t)) ? [`${reason} (${i ? 'zh-CN' : 'en'})`] : []));
    const missing = [...reasonWords()].filter((word) => word !== 'reset').flatMap(unsaid);
    const ranges = REFUSED_RANGES.flatMap((range) => unsaid(`address-${range}`));
    assert.deepEqual([...missing, ...ranges], []);
  });

  it('says a refusal in Chinese from its word, in English as the relay said it, and quotes the relay only for a word it does not know', () => {
    const step = { direction: 'local', layer: 'tcp', kind: 'transport', data: { event: 'error', code: 'POLICY', reason: 'port', message: 'port 8443 is not allowed (allowed: 443)' } } as const;
    assert.equal(stepTitle(step, english), 'Relay refused: port 8443 is not allowed (allowed: 443)');
    assert.equal(stepTitle(step, chinese), '中继拒绝：中继不连接这个端口');
    assert.match(stepExplanation(step, chinese) ?? '', /^中继只把这个浏览器的字节转发到允许端口上的公共 TLS 服务器，它在连接之前就拒绝了这个目标：中继不连接这个端口。$/);
    const unknown = { ...step, data: { ...step.data, reason: 'something-new' } };
    assert.equal(stepTitle(unknown, chinese), '中继拒绝：port 8443 is not allowed (allowed: 443)');
    const older = relayRefusalTrace(); // recorded before reasons were kept: the relay's own words
    assert.match(adviceFor(older, english)!.explanation, /private addresses are not reachable through the relay/);
    const privateAddress = { ...step, data: { ...step.data, reason: 'address-private', message: 'x resolves to 10.0.0.5' } };
    assert.equal(stepTitle(privateAddress, chinese), '中继拒绝：这个名字指向私有地址（RFC 1918），不是公网地址');
  });
});
