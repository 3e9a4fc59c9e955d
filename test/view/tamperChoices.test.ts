/**
 * The Tamper control's extension choices come from the engine's own option-to-extension mapping
 * (lib/tls/client/helloExtensions.ts): they are the extensions the engine really sends, including
 * pre_shared_key and early_data in a resumed run's second ClientHello.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { isHandshakeMessage } from '../../lib/trace/steps';
import { DEFAULT_FORM, type RunForm } from '../../lib/view/runOptions';
import { tamperChoices } from '../../lib/view/tamperChoices';
import type { TestPki } from '../../server/pki';
import { sharedTestPki } from '../helpers/pki';
import { describeTrace, runAgainst, startOpensslServer } from '../helpers/tlsServers';

let pki: TestPki;

before(async () => {
  pki = await sharedTestPki();
});

const extensionChoices = (form: RunForm) => tamperChoices(form).flatMap((c) => (c.group === 'extensions' ? [c.target.replace('client_hello.extensions.', '')] : []));

describe('tamper choices', () => {
  test('a run of one connection offers no pre_shared_key or early_data to change', () => {
    const names = extensionChoices({ ...DEFAULT_FORM, url: 'https://tls13.test/' });
    assert.ok(names.includes('key_share') && names.includes('psk_key_exchange_modes'), names.join(', '));
    assert.ok(!names.includes('pre_shared_key') && !names.includes('early_data'), names.join(', '));
  });

  test('a resumed run adds pre_shared_key, last (RFC 8446 §4.2.11); with 0-RTT early_data too; TLS 1.2 only adds neither', () => {
    const resumed = extensionChoices({ ...DEFAULT_FORM, url: 'https://tls13.test/', resume: true });
    assert.equal(resumed.at(-1), 'pre_shared_key');
    assert.ok(!resumed.includes('early_data'));
    const early = extensionChoices({ ...DEFAULT_FORM, url: 'https://tls13.test/', resume: true, earlyData: true });
    assert.deepEqual(early.slice(-2), ['early_data', 'pre_shared_key']);
    const tls12 = extensionChoices({ ...DEFAULT_FORM, url: 'https://tls13.test/', versions: ['TLSv1.2'], resume: true, earlyData: true });
    assert.ok(!tls12.includes('pre_shared_key') && !tls12.includes('early_data'), tls12.join(', '));
  });

  test('they are the extensions the engine sends in a resumed 0-RTT run’s second ClientHello (openssl s_server -early_data)', async () => {
    const leaf = pki.leaves.p256;
    const server = await startOpensslServer(['-tls1_3', '-early_data', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath]);
    const answer = setInterval(() => {
      if (/GET \/ HTTP\/1\.1/.test(server.output())) server.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    }, 50);
    try {
      const trace = await runAgainst(server.port, { resume: true, earlyData: true, setup: { caFiles: [pki.root.certPath] } });
      const hello = trace.steps.find((s) => isHandshakeMessage(s, 'client_hello', 'client'));
      assert.ok(hello?.bytes?.field, describeTrace(trace));
      const sent = (hello.bytes.field.children!.find((f) => f.name === 'extensions')?.children ?? []).filter((f) => f.name !== 'length').map((f) => f.name);
      assert.ok(sent.includes('early_data') && sent.at(-1) === 'pre_shared_key', sent.join(', '));
      assert.deepEqual(extensionChoices({ ...DEFAULT_FORM, url: `https://localhost:${server.port}/`, resume: true, earlyData: true }), sent);
    } finally {
      clearInterval(answer);
      await server.close();
    }
  });
});
