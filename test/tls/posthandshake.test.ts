/**
 * TLS 1.3 post-handshake messages from a real server: `openssl s_server -tls1_3` (without -www, so
 * the test types its commands: k/K = KeyUpdate without/with update_requested, c = post-handshake
 * CertificateRequest) and then the HTTP response. RFC 8446 §4.6.2 (post-handshake authentication)
 * and §4.6.3 (KeyUpdate).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Trace } from '../../lib/trace/schema';
import type { TestPki } from '../../server/pki';
import { sharedTestPki } from '../helpers/pki';
import { describeTrace, runAgainst, startOpensslServer, titles, type OpensslServer, type RunOptions } from '../helpers/tlsServers';
import { outcomeSentence, stepTitle } from '../../lib/view/stepText';

let pki: TestPki;
let caFiles: string[];

before(async () => {
  pki = await sharedTestPki();
  caFiles = [pki.root.certPath];
});

const HTTP_OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

/**
 * One connection: once s_server has printed the request, types `commands` one by one, each after
 * the client has reacted to the previous one (`reacted` names the step that shows it), then the
 * HTTP response.
 */
async function drive(server: OpensslServer, commands: { command: string; reacted: (title: string, direction: string) => boolean }[], options: RunOptions = {}): Promise<{ trace: Trace; serverOutput: string }> {
  const from = server.output().length;
  let next = 0;
  // A reaction counts only once its command was typed (the initial handshake has a Finished too).
  let armed = false;
  const typeNext = () => {
    armed = next < commands.length;
    if (armed) server.write(`${commands[next].command}\n`);
    else server.write(HTTP_OK);
  };
  const running = runAgainst(server.port, {
    versions: ['TLSv1.3'],
    ...options,
    setup: { caFiles, ...options.setup },
    onStep: (step) => {
      if (armed && commands[next].reacted(stepTitle(step), step.direction)) {
        next++;
        typeNext();
      }
    },
  });
  await server.waitFor(/GET \/ HTTP\/1\.1/, 5000, from);
  typeNext();
  const trace = await running;
  // s_server has read whatever the client sent last (its close_notify) once it prints DONE.
  await server.waitFor(/DONE/, 3000, from).catch(() => undefined);
  return { trace, serverOutput: server.output().slice(from) };
}

const received = (name: string) => (title: string, direction: string) => title === name && direction === 'server->client';
const sent = (name: string) => (title: string, direction: string) => title === name && direction === 'client->server';

describe('KeyUpdate (RFC 8446 §4.6.3)', () => {
  let server: OpensslServer;
  before(async () => {
    const leaf = pki.leaves.p256;
    server = await startOpensslServer(['-tls1_3', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath]);
  });
  after(() => server.close());

  test('k: the client switches its read keys and sends nothing back', async () => {
    const { trace, serverOutput } = await drive(server, [{ command: 'k', reacted: received('KeyUpdate') }]);
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    assert.equal(trace.http?.status, 200);
    assert.ok(!trace.steps.some((s) => s.direction === 'client->server' && stepTitle(s) === 'KeyUpdate'), describeTrace(trace));
    const keys = titles(trace).filter((t) => /application_traffic_secret_1/.test(t));
    assert.ok(keys.some((t) => t.startsWith('server_application_traffic_secret_1')), describeTrace(trace));
    assert.ok(!keys.some((t) => t.startsWith('client_application_traffic_secret_1')));
    assert.doesNotMatch(serverOutput, /bad record mac|error:/i);
  });

  test('K twice: the client answers each update_requested with its own KeyUpdate and s_server reads it under the new keys', async () => {
    const { trace, serverOutput } = await drive(server, [
      { command: 'K', reacted: sent('KeyUpdate') },
      { command: 'K', reacted: sent('KeyUpdate') },
    ]);
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    assert.equal(trace.http?.bodyPreview, 'ok');
    const updates = trace.steps.filter((s) => stepTitle(s) === 'KeyUpdate').map((s) => `${s.direction} ${s.bytes?.hex}`);
    // update_requested (1) from the server, update_not_requested (0) back (RFC 8446 §4.6.3).
    assert.deepEqual(updates, ['server->client 1800000101', 'client->server 1800000100', 'server->client 1800000101', 'client->server 1800000100']);
    const t = titles(trace);
    for (const secret of ['server_application_traffic_secret_2', 'client_application_traffic_secret_2']) assert.ok(t.includes(secret), `${secret}\n${describeTrace(trace)}`);
    // The client's close_notify went out under generation-2 keys; s_server decrypted it.
    assert.match(serverOutput, /DONE/);
    assert.doesNotMatch(serverOutput, /bad record mac|error:/i);
  });
});

describe('post-handshake client authentication (RFC 8446 §4.6.2)', () => {
  let optional: OpensslServer;
  let required: OpensslServer;
  before(async () => {
    const leaf = pki.leaves.rsa2048;
    const base = ['-tls1_3', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath, '-CAfile', pki.root.certPath, '-verify_return_error'];
    optional = await startOpensslServer(base);
    required = await startOpensslServer([...base, '-Verify', '1']);
  });
  after(async () => {
    await optional.close();
    await required.close();
  });

  const withCert = () => ({ caFiles, clientCertFile: pki.client.certPath, clientKeyFile: pki.client.keyPath });

  test('c, with post_handshake_auth offered and a certificate: Certificate, CertificateVerify, Finished; s_server verifies the client', async () => {
    const { trace, serverOutput } = await drive(optional, [{ command: 'c', reacted: sent('Finished') }], { postHandshakeAuth: true, setup: withCert() });
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    const after = trace.steps.slice(trace.steps.findIndex((s) => stepTitle(s) === 'CertificateRequest'));
    assert.deepEqual(
      after.filter((s) => s.layer === 'handshake' && s.direction === 'client->server').map((s) => stepTitle(s)),
      ['Certificate', 'CertificateVerify', 'Finished'],
    );
    assert.match(serverOutput, /CN = Test Client\s+verify return:1/);
    assert.equal(trace.http?.status, 200);
  });

  test('c, with post_handshake_auth and no certificate: an empty Certificate and Finished, and the connection goes on', async () => {
    const { trace } = await drive(optional, [{ command: 'c', reacted: sent('Finished') }], { postHandshakeAuth: true });
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    const after = trace.steps.slice(trace.steps.findIndex((s) => stepTitle(s) === 'CertificateRequest'));
    assert.deepEqual(
      after.filter((s) => s.layer === 'handshake' && s.direction === 'client->server').map((s) => stepTitle(s)),
      ['Certificate', 'Finished'],
    );
    const empty = after.find((s) => s.direction === 'client->server' && stepTitle(s) === 'Certificate')!;
    const request = after[0];
    // Certificate = msg_type 11, length, the CertificateRequest's context echoed (RFC 8446 §4.4.2), an empty list.
    const context = Buffer.from(request.bytes!.hex, 'hex').subarray(5, 5 + Buffer.from(request.bytes!.hex, 'hex')[4]);
    assert.ok(context.length > 0);
    assert.equal(empty.bytes!.hex, Buffer.concat([Buffer.from([11, 0, 0, context.length + 4, context.length]), context, Buffer.from([0, 0, 0])]).toString('hex'));
  });

  test('c without post_handshake_auth in the ClientHello: OpenSSL refuses to ask, and the response comes without a CertificateRequest', async () => {
    const from = optional.output().length;
    const running = runAgainst(optional.port, { versions: ['TLSv1.3'], postHandshakeAuth: false, setup: withCert() });
    await optional.waitFor(/GET \/ HTTP\/1\.1/, 5000, from);
    optional.write('c\n');
    await optional.waitFor(/SSL_verify_client_post_handshake:extension not received/, 5000, from);
    optional.write(HTTP_OK);
    const trace = await running;
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    assert.ok(!titles(trace).includes('CertificateRequest'));
    assert.equal(trace.http?.bodyPreview, 'ok');
  });
});

describe('client authentication inside the TLS 1.3 handshake (s_server -Verify 1)', () => {
  let server: OpensslServer;
  before(async () => {
    const leaf = pki.leaves.ed25519;
    server = await startOpensslServer(['-tls1_3', '-www', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath, '-CAfile', pki.root.certPath, '-Verify', '1', '-verify_return_error']);
  });
  after(() => server.close());

  test('with a certificate: CertificateRequest before the server Certificate; Certificate, CertificateVerify, Finished from the client → 200', async () => {
    const trace = await runAgainst(server.port, { versions: ['TLSv1.3'], setup: { caFiles, clientCertFile: pki.client.certPath, clientKeyFile: pki.client.keyPath } });
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    const handshake = trace.steps.filter((s) => s.layer === 'handshake').map((s) => `${s.direction === 'client->server' ? '→' : '←'} ${stepTitle(s)}`);
    assert.deepEqual(handshake.slice(0, 10), [
      '→ ClientHello',
      '← ServerHello',
      '← EncryptedExtensions',
      '← CertificateRequest',
      '← Certificate',
      '← CertificateVerify',
      '← Finished',
      '→ Certificate',
      '→ CertificateVerify',
      '→ Finished',
    ]);
    assert.equal(trace.signatureScheme, 'ed25519');
  });

  test('without a certificate: an empty Certificate, and the server ends with certificate_required', async () => {
    const trace = await runAgainst(server.port, { versions: ['TLSv1.3'], setup: { caFiles } });
    assert.equal(trace.outcome, 'alert', describeTrace(trace));
    assert.deepEqual(trace.alerts, [{ from: 'server', level: 'fatal', description: 'certificate_required' }]);
    assert.equal(outcomeSentence(trace.outcomeCause), 'the server sent a fatal certificate_required alert after the client sent no certificate: the server requires a client certificate');
  });
});
