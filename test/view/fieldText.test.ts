import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Field } from '../../lib/trace/schema';
import { buildHexModel } from '../../lib/view/hex';
import { fieldMeaning } from '../../lib/view/fieldText';
import { iisRustlsTrace } from './fixtures/traces';

const FIXTURES = join(import.meta.dirname, '../fixtures/traces');

/** Every field of a tree with the fields around it, outermost first. */
function* fieldsOf(field: Field, ancestors: Field[] = []): Generator<[Field, Field[]]> {
  yield [field, ancestors];
  for (const child of field.children ?? []) yield* fieldsOf(child, [...ancestors, field]);
}

describe('field words', () => {
  it('say what the codec of version 1 said, for every field of the recorded runs', () => {
    let compared = 0;
    for (const name of ['v1-iis-rustls-reset.json', 'v1-legacy-tls12.json']) {
      const trace = JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as { steps: { bytes?: { field?: Field }; plaintext?: { field?: Field } }[] };
      for (const step of trace.steps) {
        for (const bytes of [step.bytes, step.plaintext]) {
          if (!bytes?.field) continue;
          for (const [field, ancestors] of fieldsOf(bytes.field)) {
            if (field.meaning === undefined) continue;
            // Without the stored line, the words come from the field's name, value and place alone.
            const { meaning: stored, ...bare } = field;
            const words = fieldMeaning(bare, ancestors);
            if (words === undefined) continue;
            assert.equal(words, stored, `${ancestors.map((a) => a.name).join(' › ')} › ${field.name}`);
            compared++;
          }
        }
      }
    }
    assert.ok(compared > 50, `${compared} fields compared`);
  });

  it('are what the hex view shows: a handshake message, its extensions, a key-exchange group', () => {
    const hello = iisRustlsTrace().steps.find((s) => s.kind === 'handshake' && s.data.message === 'client_hello')!;
    const model = buildHexModel(hello.bytes!);
    assert.equal(model.fields[0].meaning, 'the client offers versions, cipher suites, key shares and extensions');
    assert.equal(model.fields.find((f) => f.name === 'renegotiation_info')?.meaning, 'secure renegotiation: binds a renegotiation to the previous handshake, RFC 5746');
    assert.equal(fieldMeaning({ name: 'group', offset: 0, length: 2, value: '0x001d (x25519)' }, []), 'ECDH over Curve25519, RFC 8446 §4.2.7');
    assert.equal(fieldMeaning({ name: 'description', offset: 1, length: 1, value: '0x64 (no_renegotiation)' }, [{ name: 'Alert', offset: 0, length: 2 }]), 'the sender refuses to renegotiate (RFC 5246 §7.2.2)');
  });
});
