/**
 * Teach every byte: the runs of every demo target (real servers on loopback), and how many of their
 * annotated fields the hex view explains — at least 95 %, per message in docs/field-coverage.md,
 * which must be what scripts/field-coverage.ts generates from these runs today.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { en } from '../../lib/i18n/messages/en';
import { zhCN } from '../../lib/i18n/messages/zh-CN';
import { translator } from '../../lib/i18n/translator';
import { encodeKeyUpdate } from '../../lib/tls/handshake/messages';
import type { Trace } from '../../lib/trace/schema';
import { explainField, fieldsOf } from '../../lib/view/fieldText';
import { fieldCoverage } from '../../lib/view/fields/coverage';
import { COVERAGE_DOC, DEMO_RUNS, coverageDocument, recordDemoTraces } from '../../scripts/field-coverage';
import { demoTargets } from '../../server/demo/catalog';
import { type RunningDemo, startDemoTargets } from '../../server/demo/start';

let dir: string;
let demo: RunningDemo;
let traces: Trace[];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tlspg-field-coverage-'));
  demo = await startDemoTargets({ dataDir: dir, renegotiationTimeoutMs: 3000, log: () => undefined });
  traces = await recordDemoTraces(dir);
});

after(async () => {
  await demo?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('field explanations over every demo target', () => {
  it('records a run of every demo target, and the runs that reach renegotiation and client certificates', () => {
    assert.equal(traces.length, DEMO_RUNS.length);
    for (const t of demoTargets) assert.ok(traces.some((trace) => new URL(trace.options.url).hostname === t.host), t.host);
    const messages = new Set(traces.flatMap((t) => t.steps.flatMap((s) => (s.kind === 'handshake' ? [s.data.message] : []))));
    for (const m of ['client_hello', 'server_hello', 'hello_request', 'certificate_request', 'certificate_verify', 'new_session_ticket', 'server_key_exchange', 'client_key_exchange', 'encrypted_extensions', 'finished']) {
      assert.ok(messages.has(m), `no run reaches ${m}`);
    }
  });

  it('explains at least 95 % of the annotated fields, overall and in every message', () => {
    const c = fieldCoverage(traces);
    assert.ok(c.occurrences.total > 5000, `${c.occurrences.total} annotated fields`);
    assert.ok(c.occurrences.explained / c.occurrences.total >= 0.95, `${c.occurrences.explained} of ${c.occurrences.total} explained`);
    assert.ok(c.distinct.explained / c.distinct.total >= 0.95, `${c.distinct.explained} of ${c.distinct.total} distinct fields explained`);
    for (const [unit, n] of c.byMessage) assert.ok(n.explained / n.total >= 0.95, `${unit}: ${n.explained} of ${n.total}`);
  });

  it('counts a field no rule knows as unexplained', () => {
    const trace = traces[0];
    const step = trace.steps.find((s) => s.bytes?.field)!;
    const strange = { ...trace, steps: [{ ...step, bytes: { hex: step.bytes!.hex, field: { name: 'no_such_field', offset: 0, length: 1 } } }] };
    const c = fieldCoverage([strange]);
    assert.deepEqual(c.occurrences, { total: 1, explained: 0 });
    assert.deepEqual(c.missing, ['no_such_field']);
  });

  it('docs/field-coverage.md is what scripts/field-coverage.ts generates from these runs', async () => {
    const current = await readFile(COVERAGE_DOC, 'utf8');
    assert.equal(current, coverageDocument(fieldCoverage(traces)), 'docs/field-coverage.md is stale: run npx tsx scripts/field-coverage.ts');
  });

  it('says why the values of this run are what they are, in both languages', () => {
    const english = translator('en', en);
    const chinese = translator('zh-CN', zhCN);
    const tls13 = traces.find((t) => t.options.url === 'https://tls13.test/' && t.outcome === 'ok')!;
    const words = (name: string, t = english, trace = tls13) => {
      for (const step of trace.steps) {
        for (const bytes of [step.bytes, step.plaintext]) {
          for (const [field, ancestors] of bytes?.field ? fieldsOf(bytes.field) : []) {
            if (`${ancestors.at(-1)?.name}.${field.name}` === name) return explainField(field, ancestors, { step, trace, hex: bytes!.hex }, t)!.text;
          }
        }
      }
      throw new Error(`no field ${name}`);
    };
    // The demo's Node server has no X25519MLKEM768: it takes the second key share, and says so.
    assert.match(words('server_share.group'), /^The server picked x25519, key share 2 of the 2 the client sent: it passed over X25519MLKEM768/);
    assert.match(words('server_share.group', chinese), /^服务器选择了 x25519，即客户端发送的 2 个密钥共享中的第 2 个/);
    assert.match(words('ServerName.HostName'), /The host the client wants: tls13\.test\./);
    const expired = traces.find((t) => t.options.url === 'https://expired.test/')!;
    assert.match(words('validity.notAfter', english, expired), /It had already passed at the time of this run: the certificate had expired\./);
    const selfSigned = traces.find((t) => t.options.url === 'https://self-signed.test/')!;
    assert.match(words('tbsCertificate.issuer', english, selfSigned), /^Issuer equals subject/);
    const wrongHost = traces.find((t) => t.options.url === 'https://wrong-host.test/')!;
    assert.match(words('GeneralNames.GeneralName', english, wrongHost), /It does not match wrong-host\.test, the host of this run\./);
    // The renegotiation ClientHello (TLS 1.2 only) names its version in client_version itself.
    const renegotiation = traces.find((t) => t.options.url === 'https://iis-renegotiation.test/secure/' && t.options.personality === 'openssl')!;
    const second = renegotiation.steps.find((s) => s.kind === 'handshake' && s.data.message === 'client_hello' && s.data.renegotiation)!;
    const [version, around] = [...fieldsOf(second.bytes!.field!)].find(([f]) => f.name === 'legacy_version')!;
    assert.match(explainField(version, around, { step: second, trace: renegotiation }, english)!.text, /^client_version: the highest version this ClientHello offers, TLS 1\.2/);
    assert.match(explainField(second.bytes!.field!, [], { step: second, trace: renegotiation }, english)!.text, /^The renegotiation ClientHello/);
    const reset = traces.find((t) => t.options.url === 'https://iis-renegotiation.test/secure/' && t.options.personality === 'rustls')!;
    assert.match(words('Alert.description', english, reset), /^no_renegotiation: the sender refuses to renegotiate/);
  });

  it('explains a KeyUpdate, which no demo target sends', () => {
    const update = encodeKeyUpdate(true);
    const lines = [...fieldsOf(update.field)].map(([f, a]) => explainField(f, a, {}, translator('en', en))?.text);
    assert.match(lines[0]!, /^KeyUpdate: the client switches to the next generation of traffic keys/);
    assert.match(lines.at(-1)!, /^update_requested: the peer must update its sending keys too\./);
  });
});
