/**
 * TLS 1.3 interop with real servers on loopback: `openssl s_server -tls1_3` (OpenSSL 3.0) and a
 * Node https server (Node's OpenSSL), for every suite × group, with RSA-2048, ECDSA P-256, ECDSA
 * P-384 and Ed25519 certificates issued through an intermediate CA; HelloRetryRequest forced by the
 * server's group preference; the certificate failures; "continue anyway"; key-log lines checked
 * against OpenSSL's own key log; record bytes checked against what a TCP proxy saw; both crypto
 * backends.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readFile } from 'node:fs/promises';
import { nobleCrypto, createWebCrypto } from '../../lib/tls/crypto';
import type { Trace } from '../../lib/trace/schema';
import type { Field } from '../../lib/tls/wire/field';
import { keyTypes, type KeyType, type TestPki } from '../../server/pki';
import { sharedTestPki } from '../helpers/pki';
import { waitFor } from '../helpers/wait';
import {
  describeTrace,
  recordBytes,
  runAgainst,
  startNodeHttpsServer,
  startOpensslServer,
  startRecordingProxy,
  startScriptedServer,
  titles,
  type OpensslServer,
  type RunningServer,
} from '../helpers/tlsServers';
import { CONTENT, EXTENSION, HELLO_RETRY_REQUEST_RANDOM, extension, keyShareGroups, parseClientHello, readClientHello, record, serverHello, u16, vec16 } from './wire';
import { stepTitle } from '../../lib/view/stepText';

const SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'] as const;
const GROUPS = ['x25519', 'secp256r1', 'secp384r1'] as const;

/** The CertificateVerify scheme each key type leads to with the client's default preferences. */
const EXPECTED_SCHEME: Record<KeyType, string> = {
  rsa2048: 'rsa_pss_rsae_sha256',
  p256: 'ecdsa_secp256r1_sha256',
  p384: 'ecdsa_secp384r1_sha384',
  ed25519: 'ed25519',
};

const KEY_LOG_LABELS = ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0', 'EXPORTER_SECRET'];

let pki: TestPki;
let caFiles: string[];

before(async () => {
  pki = await sharedTestPki();
  caFiles = [pki.root.certPath];
});

/** Alerts other than the close_notify exchange at the end of a good run. */
function problemAlerts(trace: Trace) {
  return trace.alerts.filter((a) => a.description !== 'close_notify');
}

/** The trace contract of a successful TLS 1.3 run. */
function assertTls13Success(trace: Trace, expected: { suite: string; group: string; scheme: string; chainLength?: number }): void {
  const why = describeTrace(trace);
  assert.equal(trace.outcome, 'ok', why);
  assert.equal(trace.version, 'TLSv1.3', why);
  assert.equal(trace.cipherSuite, expected.suite, why);
  assert.equal(trace.group, expected.group, why);
  assert.equal(trace.signatureScheme, expected.scheme, why);
  assert.deepEqual(problemAlerts(trace), [], why);
  assert.equal(trace.http?.status, 200, why);
  assert.equal(trace.certificate?.verdict, 'trusted', why);
  assert.equal(trace.certificate?.insecure, undefined);
  // leaf → intermediate (sent by the server) → root (from the configured CA file).
  assert.deepEqual(trace.certificate?.chain.map((c) => c.source), ['server', 'server', 'user-ca'].slice(0, expected.chainLength ?? 3));
  assert.deepEqual(
    trace.keyLog.map((l) => l.split(' ')[0]),
    KEY_LOG_LABELS,
  );
  for (const line of trace.keyLog) assert.match(line, /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]{64,96}$/);
  const t = titles(trace);
  assert.ok(t.includes('Handshake complete'), why);
  assert.ok(!t.some((x) => x.startsWith('HelloRetryRequest')), `no HelloRetryRequest expected\n${why}`);
  assert.ok(t.indexOf('EncryptedExtensions') > t.indexOf('ServerHello'));
  assert.ok(t.indexOf('CertificateVerify') > t.indexOf('Certificate'));
}

/** The key log lines OpenSSL wrote for the connection with this client random. */
function serverKeyLogFor(serverKeyLog: string, clientRandom: string): string[] {
  return serverKeyLog
    .split('\n')
    .filter((l) => l.split(' ')[1] === clientRandom)
    .sort();
}

describe('TLS 1.3 against openssl s_server', () => {
  for (const keyType of keyTypes) {
    describe(`${keyType} certificate issued by an intermediate`, () => {
      let server: OpensslServer;
      before(async () => {
        const leaf = pki.leaves[keyType];
        server = await startOpensslServer(
          ['-tls1_3', '-www', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath, '-groups', 'x25519:P-256:P-384'],
          { keyLog: true },
        );
      });
      after(() => server.close());

      test(`every suite × group completes, and the key log matches OpenSSL's (${keyType})`, async () => {
        for (const suite of SUITES) {
          for (const group of GROUPS) {
            const trace = await runAgainst(server.port, { versions: ['TLSv1.3'], cipherSuites: [suite], groups: [group], setup: { caFiles } });
            assertTls13Success(trace, { suite, group, scheme: EXPECTED_SCHEME[keyType] });
            assert.match(trace.http!.bodyPreview ?? '', /s_server/);
            const clientRandom = trace.keyLog[0].split(' ')[1];
            // s_server writes its key log as the handshake goes; by the time the response is complete it is on disk.
            assert.deepEqual(serverKeyLogFor(await server.keyLog(), clientRandom), [...trace.keyLog].sort(), `${suite} ${group}`);
          }
        }
      });
    });
  }

  describe('group negotiation', () => {
    let server: OpensslServer;
    before(async () => {
      const leaf = pki.leaves.p256;
      server = await startOpensslServer(['-tls1_3', '-www', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath, '-groups', 'secp384r1']);
    });
    after(() => server.close());

    test('a server that wants secp384r1 answers an x25519 share with a HelloRetryRequest, and the retry succeeds', async () => {
      const trace = await runAgainst(server.port, { versions: ['TLSv1.3'], groups: ['x25519', 'secp384r1'], setup: { caFiles } });
      const why = describeTrace(trace);
      assert.equal(trace.outcome, 'ok', why);
      assert.equal(trace.group, 'secp384r1');
      const t = titles(trace);
      const hrr = t.indexOf('HelloRetryRequest: retry with secp384r1');
      assert.ok(hrr > 0, why);
      // ClientHello, HelloRetryRequest (parsed as a ServerHello), the compatibility CCS, the second ClientHello, the real ServerHello.
      const handshakeTitles = trace.steps.filter((s) => s.layer === 'handshake' || stepTitle(s) === 'ChangeCipherSpec (compatibility)').map((s) => stepTitle(s));
      assert.deepEqual(handshakeTitles.slice(0, 6), [
        'ClientHello',
        'ServerHello',
        'HelloRetryRequest: retry with secp384r1',
        'ChangeCipherSpec (compatibility)',
        'ClientHello',
        'ServerHello',
      ]);
      assert.equal(trace.http?.status, 200);
    });

    test('a hybrid X25519MLKEM768 share offered first falls back to the x25519 share OpenSSL 3.0 knows, without a retry', async () => {
      const leaf = pki.leaves.p256;
      const x25519Server = await startOpensslServer(['-tls1_3', '-www', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath]);
      try {
        const trace = await runAgainst(x25519Server.port, { versions: ['TLSv1.3'], groups: ['X25519MLKEM768', 'x25519', 'secp256r1'], setup: { caFiles } });
        assertTls13Success(trace, { suite: 'TLS_AES_128_GCM_SHA256', group: 'x25519', scheme: 'ecdsa_secp256r1_sha256' });
        const hello = parseClientHello(Buffer.from(trace.steps.find((s) => stepTitle(s) === 'ClientHello')!.bytes!.hex, 'hex'));
        // Like current browsers: the hybrid share (0x11ec) and a classical x25519 share (0x001d) in one ClientHello.
        assert.deepEqual(keyShareGroups(hello.extensions.get(EXTENSION.key_share)!), [0x11ec, 0x001d]);
      } finally {
        await x25519Server.close();
      }
    });

    test('the hybrid offered with only secp384r1 acceptable to the server leads to a HelloRetryRequest for secp384r1', async () => {
      const trace = await runAgainst(server.port, { versions: ['TLSv1.3'], setup: { caFiles } });
      assert.equal(trace.outcome, 'ok', describeTrace(trace));
      assert.equal(trace.group, 'secp384r1');
      assert.ok(titles(trace).includes('HelloRetryRequest: retry with secp384r1'));
    });
  });

  describe('certificate failures', () => {
    const cases: { name: string; cert: () => { certPath: string; keyPath: string }; chain?: () => string; alert: string; check: string }[] = [
      { name: 'a certificate for another host', cert: () => pki.wrongHost, chain: () => pki.intermediate.certPath, alert: 'certificate_unknown', check: 'hostname' },
      { name: 'an expired certificate', cert: () => pki.expired, chain: () => pki.intermediate.certPath, alert: 'certificate_expired', check: 'validity' },
      { name: 'a certificate from an unknown CA', cert: () => pki.unknownCaLeaf, chain: () => pki.unknownRoot.certPath, alert: 'unknown_ca', check: 'chain' },
      { name: 'a leaf sent without its intermediate', cert: () => pki.leaves.p256, alert: 'unknown_ca', check: 'chain' },
      { name: 'a self-signed certificate', cert: () => pki.selfSigned, alert: 'unknown_ca', check: 'chain' },
    ];
    for (const c of cases) {
      test(`${c.name}: the client sends a fatal ${c.alert} and stops; with insecure it continues, marked insecure`, async () => {
        const cert = c.cert();
        const server = await startOpensslServer(['-tls1_3', '-www', '-cert', cert.certPath, '-key', cert.keyPath, ...(c.chain ? ['-cert_chain', c.chain()] : [])]);
        try {
          const trace = await runAgainst(server.port, { versions: ['TLSv1.3'], setup: { caFiles } });
          const why = describeTrace(trace);
          assert.equal(trace.outcome, 'alert', why);
          assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: c.alert }], why);
          assert.equal(trace.certificate?.verdict, 'untrusted');
          assert.equal(trace.certificate?.alert, c.alert);
          assert.ok(trace.certificate?.checks.some((k) => k.check === c.check && !k.ok), JSON.stringify(trace.certificate?.checks));
          assert.equal(trace.http, undefined);
          const t = titles(trace);
          assert.ok(t.some((x) => x.startsWith('Certificate rejected')), why);
          // Nothing after the alert but the end of the run.
          const alertAt = t.indexOf(`Alert: ${c.alert} (fatal)`);
          assert.ok(alertAt > 0, why);
          assert.ok(!t.includes('CertificateVerify signature verified'), why);

          const insecure = await runAgainst(server.port, { versions: ['TLSv1.3'], insecure: true, setup: { caFiles } });
          const why2 = describeTrace(insecure);
          assert.equal(insecure.outcome, 'ok', why2);
          assert.equal(insecure.certificate?.verdict, 'untrusted');
          assert.equal(insecure.certificate?.insecure, true);
          assert.equal(insecure.http?.status, 200);
          assert.deepEqual(problemAlerts(insecure), [], why2);
        } finally {
          await server.close();
        }
      });
    }
  });

  test('the server’s close_notify is answered with the client’s own (RFC 8446 §6.1)', async () => {
    const leaf = pki.leaves.p256;
    const server = await startOpensslServer(['-tls1_3', '-www', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath]);
    try {
      const trace = await runAgainst(server.port, { versions: ['TLSv1.3'], setup: { caFiles } });
      assert.equal(trace.outcome, 'ok', describeTrace(trace));
      // s_server -www answers HTTP/1.0 without Content-Length: its close_notify ends the response.
      assert.deepEqual(trace.alerts, [
        { from: 'server', level: 'warning', description: 'close_notify' },
        { from: 'client', level: 'warning', description: 'close_notify' },
      ]);
      const alerts = trace.steps.filter((s) => s.layer === 'alert').map((s) => `${s.direction} ${stepTitle(s)}`);
      assert.deepEqual(alerts, ['server->client Alert: close_notify (warning)', 'client->server Alert: close_notify (warning)']);
    } finally {
      await server.close();
    }
  });

  test('every record step holds exactly the bytes a TCP proxy saw, in both directions', async () => {
    const leaf = pki.leaves.rsa2048;
    const server = await startOpensslServer(['-tls1_3', '-www', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath]);
    const proxy = await startRecordingProxy(server.port);
    try {
      const trace = await runAgainst(proxy.port, { versions: ['TLSv1.3'], setup: { caFiles } });
      assert.equal(trace.outcome, 'ok', describeTrace(trace));
      // The proxy has seen the last bytes once it saw both sides close.
      await waitFor(() => proxy.connections[0]?.closed === true, 5000, 'the proxied connection to close');
      const seen = proxy.connections[0];
      assert.equal(recordBytes(trace, 'client->server').toString('hex'), Buffer.concat(seen.clientToServer).toString('hex'));
      assert.equal(recordBytes(trace, 'server->client').toString('hex'), Buffer.concat(seen.serverToClient).toString('hex'));
    } finally {
      await proxy.close();
      await server.close();
    }
  });

  test('both crypto backends (noble and WebCrypto) complete the same handshakes', async () => {
    const leaf = pki.leaves.rsa2048;
    const server = await startOpensslServer(['-tls1_3', '-www', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath]);
    try {
      for (const [name, crypto] of [
        ['noble', nobleCrypto],
        ['webcrypto', createWebCrypto(globalThis.crypto.subtle)],
      ] as const) {
        for (const group of GROUPS) {
          const trace = await runAgainst(server.port, { versions: ['TLSv1.3'], groups: [group], cipherSuites: ['TLS_CHACHA20_POLY1305_SHA256'], setup: { caFiles, crypto } });
          assert.equal(trace.engine.crypto, crypto.name, name);
          assertTls13Success(trace, { suite: 'TLS_CHACHA20_POLY1305_SHA256', group, scheme: 'rsa_pss_rsae_sha256' });
        }
      }
    } finally {
      await server.close();
    }
  });
});

describe('TLS 1.3 against a Node tls server', () => {
  const servers: Partial<Record<KeyType, RunningServer & { keyLog: string[] }>> = {};
  before(async () => {
    for (const keyType of keyTypes) {
      const leaf = pki.leaves[keyType];
      const s = await startNodeHttpsServer({
        key: await readFile(leaf.keyPath),
        cert: (await readFile(leaf.certPath, 'utf8')) + (await readFile(pki.intermediate.certPath, 'utf8')),
        minVersion: 'TLSv1.3',
        ecdhCurve: 'X25519:P-256:P-384',
      });
      const keyLog: string[] = [];
      s.server.on('keylog', (line: Buffer) => keyLog.push(line.toString('latin1').trim()));
      servers[keyType] = { ...s, keyLog };
    }
  });
  after(async () => {
    for (const s of Object.values(servers)) await s?.close();
  });

  for (const keyType of keyTypes) {
    test(`every suite × group completes with a ${keyType} certificate, and the key log matches Node's`, async () => {
      const server = servers[keyType]!;
      for (const suite of SUITES) {
        for (const group of GROUPS) {
          const trace = await runAgainst(server.port, { versions: ['TLSv1.3'], cipherSuites: [suite], groups: [group], setup: { caFiles } });
          assertTls13Success(trace, { suite, group, scheme: EXPECTED_SCHEME[keyType] });
          assert.equal(trace.http?.bodyPreview, 'hello from node tls');
          const clientRandom = trace.keyLog[0].split(' ')[1];
          assert.deepEqual(serverKeyLogFor(server.keyLog.join('\n'), clientRandom), [...trace.keyLog].sort(), `${suite} ${group}`);
        }
      }
    });
  }

  test('the hybrid group offered first falls back to x25519 with Node too', async () => {
    const trace = await runAgainst(servers.ed25519!.port, { versions: ['TLSv1.3'], setup: { caFiles } });
    assertTls13Success(trace, { suite: 'TLS_AES_256_GCM_SHA384', group: 'x25519', scheme: 'ed25519' });
  });
});

describe('HelloRetryRequest with a cookie (scripted server)', () => {
  // OpenSSL 3.0's s_server -stateless fails its own cookie handshake over TCP, so a scripted server
  // plays the HelloRetryRequest and checks the second ClientHello; the handshake then ends there.
  for (const selectedGroup of [undefined, 0x0017] as const) {
    test(`the second ClientHello echoes the cookie${selectedGroup ? ' and carries the requested secp256r1 share' : ' and the same key share'} (RFC 8446 §4.2.2)`, async () => {
      const cookie = Buffer.from('opaque cookie from the server: 0123456789abcdef', 'latin1');
      let second: ReturnType<typeof parseClientHello> | undefined;
      let first: ReturnType<typeof parseClientHello> | undefined;
      const server = await startScriptedServer(async (socket) => {
        const buffered = { bytes: Buffer.alloc(0) };
        const ch1 = await readClientHello(socket, buffered);
        first = ch1;
        const extensions = [extension(EXTENSION.supported_versions, u16(0x0304)), extension(EXTENSION.cookie, vec16(cookie))];
        if (selectedGroup) extensions.push(extension(EXTENSION.key_share, u16(selectedGroup)));
        socket.write(record(CONTENT.handshake, serverHello({ random: HELLO_RETRY_REQUEST_RANDOM, sessionId: ch1.sessionId, cipherSuite: 0x1301, extensions })));
        second = await readClientHello(socket, buffered);
        socket.end();
      });
      try {
        const trace = await runAgainst(server.port, { versions: ['TLSv1.3'], groups: ['x25519', 'secp256r1'], timeoutMs: 3000 });
        const why = describeTrace(trace);
        assert.equal(trace.outcome, 'closed', why);
        assert.ok(titles(trace).includes(`HelloRetryRequest: retry${selectedGroup ? ' with secp256r1' : ''} and cookie`), why);
        assert.ok(first && second, why);
        assert.deepEqual(second.extensions.get(EXTENSION.cookie), vec16(cookie));
        assert.equal(first.extensions.has(EXTENSION.cookie), false);
        assert.deepEqual(keyShareGroups(second.extensions.get(EXTENSION.key_share)!), [selectedGroup ?? 0x001d]);
        // RFC 8446 §4.1.2: the random and the session id stay the same in the second ClientHello.
        assert.deepEqual(second.random, first.random);
        assert.deepEqual(second.sessionId, first.sessionId);
      } finally {
        await server.close();
      }
    });
  }
});

describe('record layer variations from real servers', () => {
  test('s_server -max_send_frag 512: handshake messages spanning records are reassembled (TLS 1.3 and 1.2)', async () => {
    const leaf = pki.leaves.rsa2048;
    for (const version of ['-tls1_3', '-tls1_2'] as const) {
      const server = await startOpensslServer([version, '-www', '-max_send_frag', '512', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath]);
      try {
        const trace = await runAgainst(server.port, { setup: { caFiles } });
        const why = describeTrace(trace);
        assert.equal(trace.outcome, 'ok', why);
        assert.equal(trace.version, version === '-tls1_3' ? 'TLSv1.3' : 'TLSv1.2');
        const incoming = trace.steps.filter((s) => s.layer === 'record' && s.direction === 'server->client' && s.bytes);
        assert.ok(incoming.every((s) => s.kind === 'record' && s.data.contentLength <= 512), why);
        // The Certificate (about 1.3 KB) needs at least three records; its step comes after the last one.
        const certificate = trace.steps.findIndex((s) => stepTitle(s) === 'Certificate' && s.direction === 'server->client');
        const continued = (f?: Field): boolean => f?.name === 'handshake message (continued)' || Boolean(f?.children?.some(continued));
        const pieces = trace.steps.slice(0, certificate).filter((s) => s.layer === 'record' && (continued(s.bytes?.field) || continued(s.plaintext?.field)));
        assert.ok(pieces.length >= 2, `the Certificate's later records are labelled as its continuation\n${why}`);
        assert.match(trace.http?.bodyPreview ?? '', /s_server/);
      } finally {
        await server.close();
      }
    }
  });

  test('s_server -record_padding 512: TLS 1.3 records padded with zeros decode to the same messages (RFC 8446 §5.4)', async () => {
    const leaf = pki.leaves.p256;
    const server = await startOpensslServer(['-tls1_3', '-www', '-record_padding', '512', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath]);
    try {
      const trace = await runAgainst(server.port, { setup: { caFiles } });
      assertTls13Success(trace, { suite: 'TLS_AES_128_GCM_SHA256', group: 'x25519', scheme: 'ecdsa_secp256r1_sha256' });
      const protectedRecords = trace.steps.filter((s) => s.layer === 'record' && s.direction === 'server->client' && s.plaintext);
      assert.ok(protectedRecords.length >= 4);
      for (const r of protectedRecords) {
        const inner = Buffer.from(r.plaintext!.hex, 'hex');
        assert.equal(inner.length % 512, 0, `${stepTitle(r)}: inner plaintext padded to a multiple of 512`);
        assert.ok(r.plaintext!.field?.children?.some((c) => c.name === 'zeros') || inner.at(-1) !== 0);
      }
    } finally {
      await server.close();
    }
  });

  test('a 200 KB response arrives in full-size records and is counted exactly', async () => {
    const leaf = pki.leaves.p256;
    const body = Buffer.alloc(200 * 1024, 'x');
    const server = await startNodeHttpsServer({ key: await readFile(leaf.keyPath), cert: (await readFile(leaf.certPath, 'utf8')) + (await readFile(pki.intermediate.certPath, 'utf8')) }, (_req, res) => {
      res.setHeader('content-length', body.length);
      res.end(body);
    });
    try {
      for (const versions of [['TLSv1.3'], ['TLSv1.2']] as const) {
        const trace = await runAgainst(server.port, { versions: [...versions], setup: { caFiles } });
        assert.equal(trace.outcome, 'ok', describeTrace(trace));
        assert.equal(trace.http?.bodyBytes, body.length);
        const records = trace.steps.filter((s) => s.layer === 'record' && s.direction === 'server->client' && s.kind === 'record' && s.data.contentType === 'application_data');
        assert.ok(records.length >= 13, `${records.length} application data records`);
        assert.ok(records.some((s) => s.kind === 'record' && s.data.contentLength === 16384));
      }
    } finally {
      await server.close();
    }
  });
});

describe('version negotiation failures', () => {
  for (const [serverVersion, clientVersion] of [
    ['-tls1_2', 'TLSv1.3'],
    ['-tls1_3', 'TLSv1.2'],
  ] as const) {
    test(`s_server ${serverVersion} and a client that offers only ${clientVersion} → the server's fatal protocol_version`, async () => {
      const leaf = pki.leaves.p256;
      const server = await startOpensslServer([serverVersion, '-www', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath]);
      try {
        const trace = await runAgainst(server.port, { versions: [clientVersion], setup: { caFiles } });
        assert.equal(trace.outcome, 'alert', describeTrace(trace));
        assert.deepEqual(trace.alerts, [{ from: 'server', level: 'fatal', description: 'protocol_version' }]);
        assert.equal(trace.version, undefined);
      } finally {
        await server.close();
      }
    });
  }
});
