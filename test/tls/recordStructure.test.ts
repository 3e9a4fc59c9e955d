/**
 * Each record is annotated with its own version's structure: a TLS 1.2 record is RFC 5246's
 * TLSPlaintext / TLSCiphertext with `type` and `version` (§6.2.1, §6.2.3), never TLS 1.3's
 * legacy_record_version or RFC 8446 §5.2; a TLS 1.3 encrypted record is TLSCiphertext with
 * opaque_type (RFC 8446 §5.2). Real handshakes with `openssl s_server` on loopback.
 */
import assert from 'node:assert/strict';
import { stepTitle } from '../../lib/view/stepText';
import { after, before, describe, test } from 'node:test';
import type { Step } from '../../lib/trace/schema';
import type { Field } from '../../lib/tls/wire/field';
import type { TestPki } from '../../server/pki';
import { sharedTestPki } from '../helpers/pki';
import { describeTrace, runAgainst, startOpensslServer, type OpensslServer } from '../helpers/tlsServers';

let pki: TestPki;
const servers: OpensslServer[] = [];

before(async () => {
  pki = await sharedTestPki();
});

after(async () => {
  for (const s of servers) await s.close();
});

async function server(version: '-tls1_2' | '-tls1_3'): Promise<OpensslServer> {
  const leaf = pki.leaves.p256;
  const s = await startOpensslServer([version, '-www', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath]);
  servers.push(s);
  return s;
}

function names(field: Field | undefined): string[] {
  return (field?.children ?? []).map((c) => c.name);
}

/** Every field name and RFC reference in the annotation tree. */
function everything(field: Field | undefined): string[] {
  if (!field) return [];
  return [field.name, field.rfc ?? '', ...(field.children ?? []).flatMap(everything)];
}

/** The record steps (the ones carrying a record's content type; a ChangeCipherSpec step is a message). */
const records = (steps: Step[]) => steps.filter((s): s is Extract<Step, { kind: 'record' }> => s.kind === 'record');

describe('record annotations follow the negotiated version', () => {
  test('TLS 1.2 (AES-GCM): TLSPlaintext then TLSCiphertext with type and version, RFC 5246 §6.2', async () => {
    const s = await server('-tls1_2');
    const trace = await runAgainst(s.port, { versions: ['TLSv1.2'], setup: { caFiles: [pki.root.certPath] } });
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    assert.match(trace.cipherSuite ?? '', /GCM/);
    const encrypted = records(trace.steps).filter((r) => r.data.protectedBy);
    const clear = records(trace.steps).filter((r) => !r.data.protectedBy);
    assert.ok(encrypted.length >= 3 && clear.length >= 3);
    for (const r of clear) {
      assert.equal(r.bytes?.field?.name, 'TLSPlaintext', stepTitle(r));
      assert.equal(r.rfc, 'RFC 5246 §6.2.1', stepTitle(r));
      assert.deepEqual(names(r.bytes?.field), ['type', 'version', 'length', 'fragment'], stepTitle(r));
    }
    for (const r of encrypted) {
      assert.equal(r.bytes?.field?.name, 'TLSCiphertext', stepTitle(r));
      assert.equal(r.rfc, 'RFC 5246 §6.2.3', stepTitle(r));
      assert.deepEqual(names(r.bytes?.field), ['type', 'version', 'length', 'fragment'], stepTitle(r));
    }
    const said = records(trace.steps).flatMap((r) => everything(r.bytes?.field));
    assert.ok(!said.some((x) => /legacy_record_version|opaque_type|RFC 8446 §5\.[12]|\(TLSCiphertext\)/.test(x)), said.filter((x) => /8446|legacy|opaque/.test(x)).join(', '));
  });

  test('TLS 1.3: TLSPlaintext, then TLSCiphertext with opaque_type and legacy_record_version, RFC 8446 §5.1 and §5.2', async () => {
    const s = await server('-tls1_3');
    const trace = await runAgainst(s.port, { versions: ['TLSv1.3'], setup: { caFiles: [pki.root.certPath] } });
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    const encrypted = records(trace.steps).filter((r) => r.data.protectedBy);
    const first = records(trace.steps)[0];
    assert.equal(first.bytes?.field?.name, 'TLSPlaintext');
    assert.equal(first.rfc, 'RFC 8446 §5.1');
    assert.deepEqual(names(first.bytes?.field), ['type', 'legacy_record_version', 'length', 'fragment']);
    assert.ok(encrypted.length >= 2);
    for (const r of encrypted) {
      assert.equal(r.bytes?.field?.name, 'TLSCiphertext', stepTitle(r));
      assert.equal(r.rfc, 'RFC 8446 §5.2', stepTitle(r));
      assert.deepEqual(names(r.bytes?.field), ['opaque_type', 'legacy_record_version', 'length', 'fragment'], stepTitle(r));
    }
  });
});
