/**
 * Server-initiated TLS 1.2 renegotiation against real OpenSSL servers: `openssl s_server -tls1_2
 * -no_resumption_on_reneg` driven through its stdin commands (R: renegotiate and request a client
 * certificate; r: renegotiate without), and a Node https server calling socket.renegotiate(). The
 * personalities that refuse get OpenSSL's fatal handshake_failure; the ones that renegotiate do a
 * real secure renegotiation (RFC 5746), with and without a client certificate. Also: no
 * renegotiation with a server that did not negotiate RFC 5746, and the bound on HelloRequests.
 */
import assert from 'node:assert/strict';
import { constants as cryptoConstants } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import type { StepContent } from '../../lib/tls/events';
import type { Trace } from '../../lib/trace/schema';
import type { TestPki } from '../../server/pki';
import { sharedTestPki } from '../helpers/pki';
import { describeEngineRun, describeTrace, recordBytes, runAgainst, runEngine, startNodeHttpsServer, startOpensslServer, startRecordingProxy, startScriptedServer, titles, type OpensslServer, type RunOptions } from '../helpers/tlsServers';
import { Tls12ServerConnection } from './tls12Server';
import { CONTENT, EXTENSION, HANDSHAKE, parseClientHello } from './wire';
import { outcomeSentence, stepExplanation, stepTitle } from '../../lib/view/stepText';

let pki: TestPki;
let caFiles: string[];

before(async () => {
  pki = await sharedTestPki();
  caFiles = [pki.root.certPath];
});

const HTTP_OK = 'HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nrenegotiated!';

/** What the client's steps say about the renegotiation, without wire records and key derivations. */
function messages(steps: StepContent[], from: RegExp): string[] {
  const i = steps.findIndex((s) => from.test(stepTitle(s)));
  assert.ok(i >= 0, `no step matching ${from}`);
  return steps
    .slice(i)
    .filter((s) => !(s.layer === 'record' && s.bytes) && s.layer !== 'key' && s.layer !== 'application' && !stepTitle(s).startsWith('Alert: close_notify'))
    .map((s) => `${s.direction === 'client->server' ? '→' : s.direction === 'server->client' ? '←' : '·'} ${stepTitle(s)}`);
}

describe('openssl s_server -tls1_2 -no_resumption_on_reneg, driven by R and r', () => {
  let server: OpensslServer;
  before(async () => {
    const leaf = pki.leaves.rsa2048;
    // -verify_return_error: a client certificate that does not verify ends the handshake, so a 200 proves it was accepted.
    server = await startOpensslServer([
      '-tls1_2',
      '-no_resumption_on_reneg',
      '-cert', leaf.certPath,
      '-key', leaf.keyPath,
      '-cert_chain', pki.intermediate.certPath,
      '-CAfile', pki.root.certPath,
      '-verify_return_error',
    ]);
  });
  after(() => server.close());

  /**
   * One connection: once the request has reached s_server, types `command`; when the client reports
   * the renegotiation complete, types the HTTP response (or the next command, `again` times).
   */
  async function drive(command: 'R' | 'r', options: RunOptions & { again?: number } = {}): Promise<Trace> {
    const { again = 0, ...rest } = options;
    const before = server.output().length;
    let left = again;
    const trace = runAgainst(server.port, {
      versions: ['TLSv1.2'],
      ...rest,
      setup: { caFiles, ...rest.setup },
      onStep: (step) => {
        if (stepTitle(step) !== 'Renegotiation complete') return;
        if (left-- > 0) server.write(`${command}\n`);
        else server.write(HTTP_OK);
      },
    });
    await server.waitFor(/GET \/ HTTP\/1\.1/, 5000, before);
    server.write(`${command}\n`);
    return trace;
  }

  const withClientCertificate = () => ({ caFiles, clientCertFile: pki.client.certPath, clientKeyFile: pki.client.keyPath });

  test('rustls refuses with a warning no_renegotiation; OpenSSL answers with a fatal handshake_failure → outcome alert', async () => {
    const trace = await drive('R', { personality: 'rustls' });
    assert.equal(trace.outcome, 'alert', describeTrace(trace));
    assert.deepEqual(trace.alerts, [
      { from: 'client', level: 'warning', description: 'no_renegotiation' },
      { from: 'server', level: 'fatal', description: 'handshake_failure' },
    ]);
    assert.deepEqual(messages(trace.steps, /^HelloRequest$/), [
      '← HelloRequest',
      '· rustls on HelloRequest: refuse (warning no_renegotiation)',
      '→ Alert: no_renegotiation (warning)',
      '← Alert: handshake_failure (fatal)',
      '→ Client closed the connection',
      '· Outcome: alert: the server sent a fatal handshake_failure alert',
    ]);
  });

  test('go refuses the same way on the wire, and fails locally before the server answers', async () => {
    const trace = await drive('R', { personality: 'go' });
    assert.equal(trace.outcome, 'error', describeTrace(trace));
    assert.match(outcomeSentence(trace.outcomeCause), /^tls: no renegotiation/);
    assert.deepEqual(trace.alerts, [{ from: 'client', level: 'warning', description: 'no_renegotiation' }]);
  });

  test('openssl renegotiates on R: CertificateRequest, empty Certificate without a client certificate, then the response', async () => {
    const trace = await drive('R', { personality: 'openssl' });
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    assert.equal(trace.http?.status, 200);
    assert.equal(trace.http?.bodyPreview, 'renegotiated!');
    assert.deepEqual(messages(trace.steps, /^HelloRequest$/), [
      '← HelloRequest',
      '· OpenSSL on HelloRequest: renegotiate',
      '· Renegotiation: new ClientHello under the current keys',
      '→ ClientHello',
      '← ServerHello',
      '· renegotiation_info verified',
      '· TLS 1.2 with TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      '← Certificate',
      '· Certificate chain trusted',
      '← ServerKeyExchange',
      '· ServerKeyExchange signature verified (rsa_pss_rsae_sha256)',
      '← CertificateRequest',
      '← ServerHelloDone',
      '→ Certificate',
      '· No client certificate configured',
      '→ ClientKeyExchange',
      '→ ChangeCipherSpec',
      '→ Finished',
      '· Server switched to the new keys (ChangeCipherSpec)',
      '← Finished',
      '· Server Finished verified',
      '· Renegotiation complete',
      '← HTTP response: 200 OK',
      '→ Client closed the connection',
      '· Outcome: ok: HTTP 200 OK',
    ]);
    assert.equal(trace.steps.filter((s) => s.direction === 'client->server' && stepTitle(s) === 'Certificate').at(-1)?.bytes?.hex, '0b000003000000');
  });

  test('the renegotiation ClientHello is bound to the previous handshake and offers no resumption and no TLS 1.3 (RFC 5746 §3.5)', async () => {
    const trace = await drive('r', { personality: 'openssl', versions: ['TLSv1.3', 'TLSv1.2'] });
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    const hellos = trace.steps.filter((s) => s.direction === 'client->server' && stepTitle(s) === 'ClientHello').map((s) => parseClientHello(Buffer.from(s.bytes!.hex, 'hex')));
    assert.equal(hellos.length, 2);
    const [initial, renegotiation] = hellos;
    const clientFinished = trace.steps.find((s) => s.direction === 'client->server' && stepTitle(s) === 'Finished')!;
    const verifyData = Buffer.from(clientFinished.bytes!.hex, 'hex').subarray(4);
    assert.equal(verifyData.length, 12);
    assert.deepEqual(initial.extensions.get(EXTENSION.renegotiation_info), Buffer.from([0]));
    // renegotiation_info = opaque renegotiated_connection<0..255> holding the client's previous verify_data.
    assert.deepEqual(renegotiation.extensions.get(EXTENSION.renegotiation_info), Buffer.concat([Buffer.from([12]), verifyData]));
    assert.equal(renegotiation.sessionId.length, 0);
    assert.ok(!renegotiation.extensions.has(EXTENSION.session_ticket));
    assert.ok(renegotiation.extensions.has(EXTENSION.extended_master_secret));
    assert.ok(!renegotiation.extensions.has(EXTENSION.supported_versions), 'no TLS 1.3 in a renegotiation');
    assert.ok(!renegotiation.extensions.has(EXTENSION.key_share));
    assert.ok(!renegotiation.cipherSuites.includes(0x00ff), 'no SCSV in a renegotiation (RFC 5746 §3.5)');
    assert.ok(!renegotiation.cipherSuites.some((s) => s >> 8 === 0x13), 'no TLS 1.3 suites');
    // r: no CertificateRequest this time.
    assert.ok(!titles(trace).includes('CertificateRequest'));
  });

  test('openssl with a client certificate: Certificate + CertificateVerify in the renegotiation, accepted by s_server', async () => {
    const trace = await drive('R', { personality: 'openssl', setup: withClientCertificate() });
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    assert.equal(trace.http?.bodyPreview, 'renegotiated!');
    const sent = messages(trace.steps, /^Renegotiation: new ClientHello/).filter((t) => t.startsWith('→'));
    assert.deepEqual(sent, ['→ ClientHello', '→ Certificate', '→ ClientKeyExchange', '→ CertificateVerify', '→ ChangeCipherSpec', '→ Finished', '→ Client closed the connection']);
    const certificate = trace.steps.filter((s) => s.direction === 'client->server' && stepTitle(s) === 'Certificate').at(-1)!;
    assert.ok(certificate.bytes!.hex.includes(Buffer.from(pki.client.certDer).toString('hex')));
  });

  test('schannel renegotiates like openssl', async () => {
    const trace = await drive('R', { personality: 'schannel', setup: withClientCertificate() });
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    assert.ok(titles(trace).includes('SChannel on HelloRequest: renegotiate'));
    assert.ok(titles(trace).includes('Renegotiation complete'));
  });

  test('a client certificate the server cannot verify ends the renegotiation with the server\u2019s fatal alert', async () => {
    const untrusted = { caFiles, clientCertFile: pki.unknownCaLeaf.certPath, clientKeyFile: pki.unknownCaLeaf.keyPath };
    const trace = await drive('R', { personality: 'openssl', setup: untrusted });
    assert.equal(trace.outcome, 'alert', describeTrace(trace));
    const last = trace.alerts.at(-1);
    assert.equal(last?.from, 'server');
    assert.equal(last?.level, 'fatal');
    assert.equal(last?.description, 'unknown_ca');
  });

  test('HelloRequests are bounded: after maxRenegotiations (3) renegotiations the fourth is refused', async () => {
    const trace = await drive('r', { personality: 'openssl', again: 3 });
    const why = describeTrace(trace);
    assert.equal(trace.steps.filter((s) => stepTitle(s) === 'Renegotiation complete').length, 3, why);
    assert.equal(trace.steps.filter((s) => stepTitle(s) === 'HelloRequest').length, 4, why);
    assert.ok(titles(trace).includes('OpenSSL on HelloRequest: refuse (warning no_renegotiation)'), why);
    assert.deepEqual(trace.alerts, [
      { from: 'client', level: 'warning', description: 'no_renegotiation' },
      { from: 'server', level: 'fatal', description: 'handshake_failure' },
    ]);
    assert.equal(trace.outcome, 'alert');
  });

  test('maxRenegotiations 0: the first HelloRequest is refused even by the openssl personality', async () => {
    const before = server.output().length;
    const run = runEngine(server.port, { versions: ['TLSv1.2'], maxRenegotiations: 0 }, { personality: 'openssl', setup: { caFiles } });
    await server.waitFor(/GET \/ HTTP\/1\.1/, 5000, before);
    server.write('r\n');
    const result = await run;
    const why = describeEngineRun(result);
    assert.equal(result.summary.renegotiations, 0, why);
    assert.deepEqual(result.summary.alerts, [
      { from: 'client', level: 'warning', description: 'no_renegotiation' },
      { from: 'server', level: 'fatal', description: 'handshake_failure' },
    ]);
  });
});

describe('a server that did not negotiate secure renegotiation (RFC 5746)', () => {
  test('openssl never renegotiates with it: warning no_renegotiation instead', async () => {
    const leaf = pki.leaves.rsa2048;
    // -legacy_renegotiation lets s_server ask for a renegotiation on a connection without RFC 5746.
    const server = await startOpensslServer(['-tls1_2', '-legacy_renegotiation', '-no_resumption_on_reneg', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath]);
    try {
      // Without renegotiation_info and the SCSV in the ClientHello, the server's ServerHello carries none either.
      const run = runEngine(server.port, { versions: ['TLSv1.2'], renegotiationInfo: false }, { personality: 'openssl', setup: { caFiles } });
      await server.waitFor(/GET \/ HTTP\/1\.1/);
      server.write('r\n');
      const result = await run;
      const why = describeEngineRun(result);
      assert.equal(result.summary.secureRenegotiation, false, why);
      const verdict = result.steps.find((s) => stepTitle(s) === 'OpenSSL on HelloRequest: refuse (warning no_renegotiation)');
      assert.ok(verdict, why);
      assert.match(stepExplanation(verdict) ?? '', /RFC 5746/);
      assert.equal(result.summary.alerts[0]?.description, 'no_renegotiation');
      assert.equal(result.summary.alerts[0]?.level, 'warning');
      assert.ok(!result.steps.some((s) => stepTitle(s).startsWith('Renegotiation: new ClientHello')), why);
    } finally {
      await server.close();
    }
  });
});

describe('a Node tls server calling socket.renegotiate()', () => {
  let port: number;
  let close: () => Promise<void>;
  before(async () => {
    const leaf = pki.leaves.rsa2048;
    const server = await startNodeHttpsServer(
      {
        key: await readFile(leaf.keyPath),
        cert: (await readFile(leaf.certPath, 'utf8')) + (await readFile(pki.intermediate.certPath, 'utf8')),
        ca: await readFile(pki.root.certPath),
        maxVersion: 'TLSv1.2',
        secureOptions: cryptoConstants.SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION,
      },
      (req, res) => {
        const socket = req.socket as TLSSocket;
        socket.renegotiate({ requestCert: true, rejectUnauthorized: false }, (err) => {
          if (err) {
            socket.destroy();
            return;
          }
          const peer = socket.getPeerCertificate();
          if (peer?.subject) res.end(`hello ${peer.subject.CN}, authorized=${socket.authorized}`);
          else {
            res.statusCode = 403;
            res.end('no client certificate');
          }
        });
      },
    );
    port = server.port;
    close = server.close;
  });
  after(() => close());

  test('rustls: warning no_renegotiation, then Node\u2019s OpenSSL sends a fatal handshake_failure → outcome alert', async () => {
    const trace = await runAgainst(port, { personality: 'rustls', setup: { caFiles } });
    assert.equal(trace.outcome, 'alert', describeTrace(trace));
    assert.equal(trace.version, 'TLSv1.2');
    assert.deepEqual(trace.alerts, [
      { from: 'client', level: 'warning', description: 'no_renegotiation' },
      { from: 'server', level: 'fatal', description: 'handshake_failure' },
    ]);
  });

  test('boringssl: a fatal no_renegotiation ends it from the client side', async () => {
    const trace = await runAgainst(port, { personality: 'boringssl', setup: { caFiles } });
    assert.equal(trace.outcome, 'alert', describeTrace(trace));
    assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: 'no_renegotiation' }]);
  });

  test('openssl renegotiates: 403 without a client certificate, 200 and authorized with the test client certificate', async () => {
    const without = await runAgainst(port, { personality: 'openssl', setup: { caFiles } });
    assert.equal(without.outcome, 'ok', describeTrace(without));
    assert.equal(without.http?.status, 403);
    assert.ok(titles(without).includes('Renegotiation complete'));

    const withCert = await runAgainst(port, { personality: 'openssl', setup: { caFiles, clientCertFile: pki.client.certPath, clientKeyFile: pki.client.keyPath } });
    assert.equal(withCert.outcome, 'ok', describeTrace(withCert));
    assert.equal(withCert.http?.status, 200);
    assert.equal(withCert.http?.bodyPreview, 'hello Test Client, authorized=true');
  });

  test('through a renegotiation, every record step holds exactly the bytes a TCP proxy saw', async () => {
    const proxy = await startRecordingProxy(port);
    try {
      const trace = await runAgainst(proxy.port, { personality: 'openssl', setup: { caFiles, clientCertFile: pki.client.certPath, clientKeyFile: pki.client.keyPath } });
      assert.equal(trace.outcome, 'ok', describeTrace(trace));
      assert.ok(titles(trace).includes('Renegotiation complete'));
      await new Promise((r) => setTimeout(r, 100));
      const seen = proxy.connections[0];
      assert.equal(recordBytes(trace, 'client->server').toString('hex'), Buffer.concat(seen.clientToServer).toString('hex'));
      // The server may still be sending (its close_notify) when the client has what it needs: compare the prefix the client read.
      const received = recordBytes(trace, 'server->client').toString('hex');
      assert.ok(received.length > 0);
      assert.equal(Buffer.concat(seen.serverToClient).toString('hex').slice(0, received.length), received);
    } finally {
      await proxy.close();
    }
  });
});

describe('a scripted TLS 1.2 server that misbehaves in the renegotiation (test/tls/tls12Server.ts)', () => {
  const RESPONSE = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nscripted!', 'latin1');
  const identity = (issued: { keyPem: string; certDer: Uint8Array }) => ({ keyPem: issued.keyPem, chainDer: [issued.certDer, pki.intermediate.certDer] });

  /** Runs the openssl personality against a Tls12ServerConnection playing `script`; returns the trace and the script's error, if any. */
  async function against(script: (conn: Tls12ServerConnection) => Promise<void>, personality = 'openssl'): Promise<{ trace: Trace; scriptError?: Error }> {
    let scriptError: Error | undefined;
    const server = await startScriptedServer((socket) => {
      const conn = new Tls12ServerConnection(socket);
      script(conn).then(
        () => socket.end(),
        (e: Error) => {
          scriptError = e;
          socket.end();
        },
      );
    });
    try {
      const trace = await runAgainst(server.port, { personality, versions: ['TLSv1.2'], setup: { caFiles }, timeoutMs: 4000 });
      return { trace, scriptError };
    } finally {
      await server.close();
    }
  }

  /** The initial handshake (with RFC 5746 unless told otherwise), then the request, then a HelloRequest; resolves with the renegotiation ClientHello. */
  async function untilRenegotiation(conn: Tls12ServerConnection, secureRenegotiation = true): Promise<Buffer> {
    await conn.handshake(identity(pki.leaves.rsa2048), await conn.readClientHello(), secureRenegotiation ? Buffer.alloc(0) : undefined);
    await conn.readApplicationData();
    conn.sendHelloRequest();
    return conn.readHandshake(HANDSHAKE.client_hello);
  }

  test('control: a correct renegotiation with this server completes and the response arrives under the new keys', async () => {
    let renegotiationHello: ReturnType<typeof parseClientHello> | undefined;
    let verifyData: Buffer[] = [];
    const { trace, scriptError } = await against(async (conn) => {
      const hello = await untilRenegotiation(conn);
      renegotiationHello = parseClientHello(hello);
      verifyData = [conn.clientVerifyData, conn.serverVerifyData];
      await conn.handshake(identity(pki.leaves.rsa2048), hello, Buffer.concat(verifyData));
      conn.writeRecord(CONTENT.application_data, RESPONSE);
    });
    assert.equal(scriptError, undefined, String(scriptError));
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    assert.equal(trace.http?.bodyPreview, 'scripted!');
    assert.ok(titles(trace).includes('Renegotiation complete'));
    assert.deepEqual(renegotiationHello?.extensions.get(EXTENSION.renegotiation_info), Buffer.concat([Buffer.from([12]), verifyData[0]]));
  });

  test('a renegotiation ServerHello whose renegotiation_info is not client ‖ server verify_data → fatal handshake_failure (RFC 5746 §3.5)', async () => {
    const { trace } = await against(async (conn) => {
      const hello = await untilRenegotiation(conn);
      // Only the client's half: what a server that ignores the server's own Finished would echo.
      await conn.handshake(identity(pki.leaves.rsa2048), hello, conn.clientVerifyData);
    });
    assert.equal(trace.outcome, 'alert', describeTrace(trace));
    assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: 'handshake_failure' }]);
    assert.match(outcomeSentence(trace.outcomeCause), /renegotiation_info/);
    assert.ok(!titles(trace).includes('renegotiation_info verified'));
  });

  test('a renegotiation ServerHello without renegotiation_info → fatal handshake_failure', async () => {
    const { trace } = await against(async (conn) => {
      await conn.handshake(identity(pki.leaves.rsa2048), await untilRenegotiation(conn), undefined);
    });
    assert.equal(trace.outcome, 'alert', describeTrace(trace));
    assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: 'handshake_failure' }]);
  });

  test('a different server certificate in the renegotiation → fatal handshake_failure (triple-handshake defence)', async () => {
    const { trace } = await against(async (conn) => {
      const hello = await untilRenegotiation(conn);
      // A valid certificate for another name from the same CA: only the change itself is wrong.
      await conn.handshake(identity(pki.wrongHost), hello, Buffer.concat([conn.clientVerifyData, conn.serverVerifyData]));
    });
    assert.equal(trace.outcome, 'alert', describeTrace(trace));
    assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: 'handshake_failure' }]);
    assert.match(outcomeSentence(trace.outcomeCause), /different certificate/);
    const t = titles(trace);
    assert.ok(t.includes('renegotiation_info verified'), describeTrace(trace));
    // Rejected before any certificate check runs on the new chain.
    assert.equal(t.filter((x) => x === 'Certificate chain trusted').length, 1);
  });

  test('a HelloRequest while the renegotiation is under way is ignored (RFC 5246 §7.4.1.1)', async () => {
    const { trace, scriptError } = await against(async (conn) => {
      const hello = await untilRenegotiation(conn);
      conn.sendHelloRequest();
      await conn.handshake(identity(pki.leaves.rsa2048), hello, Buffer.concat([conn.clientVerifyData, conn.serverVerifyData]));
      conn.writeRecord(CONTENT.application_data, RESPONSE);
    });
    assert.equal(scriptError, undefined, String(scriptError));
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    assert.equal(trace.steps.filter((s) => stepTitle(s) === 'HelloRequest').length, 2);
    assert.equal(trace.steps.filter((s) => s.direction === 'client->server' && stepTitle(s) === 'ClientHello').length, 2, 'no third ClientHello');
  });

  test('a server without RFC 5746: openssl refuses with a warning, and a lenient server can still answer → ok', async () => {
    let alertRecord: { type: number; body: Buffer } | undefined;
    const { trace, scriptError } = await against(async (conn) => {
      await conn.handshake(identity(pki.leaves.rsa2048), await conn.readClientHello(), undefined);
      await conn.readApplicationData();
      conn.sendHelloRequest();
      alertRecord = await conn.readRecord();
      conn.writeRecord(CONTENT.application_data, RESPONSE);
    });
    assert.equal(scriptError, undefined, String(scriptError));
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    assert.equal(trace.http?.bodyPreview, 'scripted!');
    // The warning no_renegotiation (level 1, description 100), encrypted under the current keys.
    assert.deepEqual(alertRecord, { type: CONTENT.alert, body: Buffer.from([1, 100]) });
    const refusal = trace.steps.find((s) => s.kind === 'personality' && s.data.reaction === 'refuse-warning');
    assert.ok(refusal?.kind === 'personality' && refusal.data.override === 'insecure-renegotiation');
    assert.match(stepExplanation(refusal) ?? '', /RFC 5746/);
    assert.deepEqual(trace.alerts.filter((a) => a.description !== 'close_notify'), [{ from: 'client', level: 'warning', description: 'no_renegotiation' }]);
  });
});
