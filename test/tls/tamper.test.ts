/**
 * Tamper experiments against real servers (`openssl s_server` on loopback): the client changes one
 * field of its flight, the change is a step of its own, the transcript hashes what was sent, and the
 * trace ends with the server's own reaction — decrypt_error for a flipped Finished, a TLS 1.2
 * handshake or protocol_version for a ClientHello without supported_versions, as the server decides.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { StepOf, Trace } from '../../lib/trace/schema';
import { isHandshakeMessage, isKind } from '../../lib/trace/steps';
import { sharedTestPki } from '../helpers/pki';
import { describeTrace, runAgainst, startOpensslServer, type OpensslServer } from '../helpers/tlsServers';
import { parseClientHello, splitRecords } from './wire';
import type { TestPki } from '../../server/pki';
import { adviceFor } from '../../lib/view/advice';
import { translator } from '../../lib/i18n/translator';
import { en } from '../../lib/i18n/messages/en';

let pki: TestPki;
let tls13: OpensslServer;
let tls12and13: OpensslServer;
let tls12: OpensslServer;

before(async () => {
  pki = await sharedTestPki();
  const leaf = pki.leaves.p256;
  const common = ['-www', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath];
  [tls13, tls12and13, tls12] = await Promise.all([startOpensslServer(['-tls1_3', ...common]), startOpensslServer(common), startOpensslServer(['-tls1_2', ...common])]);
});

after(async () => {
  await Promise.all([tls13?.close(), tls12and13?.close(), tls12?.close()]);
});

function run(server: OpensslServer, spec: Parameters<typeof runAgainst>[1] = {}): Promise<Trace> {
  return runAgainst(server.port, { ...spec, setup: { caFiles: [pki.root.certPath] } });
}

function tamperStep(trace: Trace): StepOf<'tamper'> {
  const steps = trace.steps.filter((s) => isKind(s, 'tamper'));
  assert.equal(steps.length, 1, `one tamper step\n${describeTrace(trace)}`);
  return steps[0] as StepOf<'tamper'>;
}

/** The server's fatal alert the run ended with. */
function serverAlert(trace: Trace): string | undefined {
  return trace.outcomeCause.cause === 'alert' && trace.outcomeCause.by === 'server' ? trace.outcomeCause.alert : undefined;
}

/** The ClientHello as it went out on the wire (the first client record's body). */
function sentClientHello(trace: Trace) {
  const first = trace.steps.find((s) => s.kind === 'record' && s.direction === 'client->server')!;
  return parseClientHello(splitRecords(Buffer.from(first.bytes!.hex, 'hex'))[0].body);
}

describe('tamper experiments against openssl s_server', () => {
  test('TLS 1.3: one flipped bit of the client Finished ends in the server’s decrypt_error', async () => {
    const trace = await run(tls13, { tamper: { target: 'finished.verify_data', op: 'flip', bit: 0 } });
    const why = describeTrace(trace);
    assert.equal(trace.outcome, 'alert', why);
    assert.equal(serverAlert(trace), 'decrypt_error', why);
    assert.deepEqual(trace.options.tamper, { target: 'finished.verify_data', op: 'flip', bit: 0 });
    const step = tamperStep(trace);
    assert.equal(step.data.message, 'finished');
    assert.equal(step.data.original.length, 64, 'SHA-256 verify_data');
    assert.equal(parseInt(step.data.original.slice(0, 2), 16) ^ parseInt(step.data.sent.slice(0, 2), 16), 0x80);
    assert.equal(step.data.original.slice(2), step.data.sent.slice(2));
    // The Finished step right after it carries the changed verify_data, as sent.
    const index = trace.steps.indexOf(step);
    const finished = trace.steps[index + 1];
    assert.ok(isHandshakeMessage(finished, 'finished', 'client'), why);
    assert.equal(finished.bytes!.hex, `14000020${step.data.sent}`);
    // The server's alert comes after the change, and is shown as the server's.
    const alert = trace.steps.findIndex((s) => isKind(s, 'alert') && s.data.from === 'server' && s.data.description === 'decrypt_error');
    assert.ok(alert > index, why);
  });

  test('TLS 1.2: a flipped client Finished is refused with decrypt_error too', async () => {
    const trace = await run(tls12, { tamper: { target: 'finished.verify_data', op: 'flip', bit: 95 } });
    assert.equal(serverAlert(trace), 'decrypt_error', describeTrace(trace));
    assert.equal(tamperStep(trace).data.original.length, 24, 'TLS 1.2 verify_data is 12 bytes');
  });

  test('without supported_versions, a server that also speaks TLS 1.2 chooses it, and the handshake completes', async () => {
    const trace = await run(tls12and13, { tamper: { target: 'client_hello.extensions.supported_versions', op: 'drop' } });
    const why = describeTrace(trace);
    assert.equal(trace.outcome, 'ok', why);
    assert.equal(trace.version, 'TLSv1.2', why);
    assert.equal(trace.http?.status, 200, why);
    const hello = sentClientHello(trace);
    assert.ok(!hello.extensions.has(43), 'the ClientHello went out without supported_versions');
    assert.ok(hello.extensions.has(51), 'and with everything else (key_share still there)');
    assert.equal(tamperStep(trace).data.original, '002b00050403040303');
    // The ClientHello offered TLS 1.2 only, so the server's downgrade sentinel is what RFC 8446 §4.1.3 expects: no refusal.
    assert.ok(!trace.steps.some((s) => s.kind === 'check' && s.data.check === 'downgrade-sentinel'), why);
  });

  test('without supported_versions, a TLS 1.3-only server refuses with protocol_version', async () => {
    const trace = await run(tls13, { tamper: { target: 'client_hello.extensions.supported_versions', op: 'drop' } });
    const why = describeTrace(trace);
    assert.equal(trace.outcome, 'alert', why);
    assert.equal(serverAlert(trace), 'protocol_version', why);
    // The summary does not send anyone to fix the server's versions: the refusal is the experiment's result.
    const advice = adviceFor(trace, translator('en', en));
    assert.equal(advice?.kind, 'tamper');
    assert.match(advice!.explanation, /This run changed client_hello\.extensions\.supported_versions before sending it\./);
    assert.deepEqual(advice!.fixes.map((f) => f.who), ['you']);
  });

  test('the transcript hashes the ClientHello as sent: reordered extensions and a narrowed suite list still complete', async () => {
    const reordered = await run(tls13, { tamper: { target: 'client_hello.extensions', op: 'reorder', order: ['key_share', 'supported_versions'] } });
    assert.equal(reordered.outcome, 'ok', describeTrace(reordered));
    assert.deepEqual([...sentClientHello(reordered).extensions.keys()].slice(0, 2), [51, 43]);
    const narrowed = await run(tls13, { tamper: { target: 'client_hello.cipher_suites', op: 'set', value: '1302' } });
    assert.equal(narrowed.outcome, 'ok', describeTrace(narrowed));
    assert.equal(narrowed.cipherSuite, 'TLS_AES_256_GCM_SHA384');
    assert.deepEqual(sentClientHello(narrowed).cipherSuites, [0x1302]);
  });

  test('a record header: the encrypted Finished sent as type handshake is refused with unexpected_message', async () => {
    const trace = await run(tls13, { tamper: { target: 'finished.record.opaque_type', op: 'set', value: '16' } });
    const why = describeTrace(trace);
    assert.equal(serverAlert(trace), 'unexpected_message', why);
    const step = tamperStep(trace);
    assert.deepEqual([step.data.original, step.data.sent], ['17', '16']);
    const record = trace.steps[trace.steps.indexOf(step) + 1];
    assert.ok(record.kind === 'record' && record.direction === 'client->server' && record.bytes!.hex.startsWith('160303'), why);
  });

  test('a field the flight does not have ends the run before anything is sent', async () => {
    const trace = await run(tls13, { tamper: { target: 'client_hello.extensions.early_data', op: 'drop' } });
    const why = describeTrace(trace);
    assert.equal(trace.outcome, 'error', why);
    assert.equal(trace.outcomeCause.cause, 'client-error', why);
    assert.match(trace.outcomeCause.cause === 'client-error' ? trace.outcomeCause.message : '', /tamper: the ClientHello has no field early_data under extensions/);
    assert.ok(!trace.steps.some((s) => s.direction === 'client->server' && s.kind === 'record'), why);
  });

  test('a request with a malformed tamper is refused as input', async () => {
    const trace = await run(tls13, { tamper: { target: 'server_hello.random', op: 'drop' } });
    assert.equal(trace.outcomeCause.cause, 'input');
    assert.match(trace.outcomeCause.cause === 'input' ? trace.outcomeCause.message : '', /^tamper: the target "server_hello.random" must start with the client message/);
  });
});
