/**
 * TLS 1.2 interop with real servers on loopback: `openssl s_server -tls1_2` and a Node https server
 * (OpenSSL inside Node), for every TLS 1.2 suite of lib/tls/registry/crypto.ts with the key type
 * it needs (ECDHE_ECDSA with P-256 and P-384, ECDHE_RSA and static RSA with RSA-2048); extended
 * master secret, renegotiation_info and encrypt_then_mac on and off; client certificates accepted
 * and required; the TLS 1.3 downgrade sentinel (RFC 8446 §4.1.3).
 */
import assert from 'node:assert/strict';
import type { NegotiatedData, StepContent } from '../../lib/trace/schema';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { createWebCrypto, nobleCrypto } from '../../lib/tls/crypto';
import { cipherSuiteInfo, tls12Suites, type CipherSuiteName } from '../../lib/tls/registry/crypto';
import type { Trace } from '../../lib/trace/schema';
import type { KeyType, TestPki } from '../../server/pki';
import { sharedTestPki } from '../helpers/pki';
import {
  describeEngineRun,
  describeTrace,
  runAgainst,
  runEngine,
  startNodeHttpsServer,
  startOpensslServer,
  startScriptedServer,
  titles,
  type OpensslServer,
  type RunningServer,
} from '../helpers/tlsServers';
import { CONTENT, EXTENSION, extension, readClientHello, record, serverHello, u16 } from './wire';
import { outcomeSentence, stepExplanation, stepTitle } from '../../lib/view/stepText';

let pki: TestPki;
let caFiles: string[];

before(async () => {
  pki = await sharedTestPki();
  caFiles = [pki.root.certPath];
});

/** Which certificates can serve a suite: ECDSA suites need an EC key, the others RSA. */
function keyTypesFor(suite: CipherSuiteName): KeyType[] {
  return cipherSuiteInfo(suite).keyExchange === 'ECDHE_ECDSA' ? ['p256', 'p384'] : ['rsa2048'];
}

const SERVER_KEY_TYPES: KeyType[] = ['rsa2048', 'p256', 'p384'];

/**
 * The ServerKeyExchange scheme expected for a key type with the client's default preferences. In
 * TLS 1.2 an ECDSA scheme names only the hash (RFC 8422 §5.1.3 / RFC 5246 §7.4.1.4.1), so OpenSSL
 * signs with SHA-256, the client's first choice, even with a P-384 key.
 */
const EXPECTED_SCHEME: Partial<Record<KeyType, string>> = {
  rsa2048: 'rsa_pss_rsae_sha256',
  p256: 'ecdsa_secp256r1_sha256',
  p384: 'ecdsa_secp256r1_sha256',
};

/** The negotiated-parameters verdict step the engine emits after the ServerHello. */
function negotiated(steps: StepContent[]): NegotiatedData {
  const step = steps.find((s) => s.kind === 'negotiated');
  assert.ok(step?.kind === 'negotiated', 'no TLS 1.2 parameters step');
  return step.data;
}

function assertTls12Success(trace: Trace, suite: CipherSuiteName, keyType: KeyType): void {
  const why = describeTrace(trace);
  const info = cipherSuiteInfo(suite);
  assert.equal(trace.outcome, 'ok', why);
  assert.equal(trace.version, 'TLSv1.2', why);
  assert.equal(trace.cipherSuite, suite, why);
  assert.equal(trace.http?.status, 200, why);
  assert.equal(trace.certificate?.verdict, 'trusted', why);
  assert.deepEqual(trace.alerts.filter((a) => a.description !== 'close_notify'), [], why);
  if (info.keyExchange === 'RSA') {
    // Static RSA: no ServerKeyExchange, no group, no server signature.
    assert.equal(trace.group, undefined, why);
    assert.equal(trace.signatureScheme, undefined, why);
    assert.ok(!titles(trace).includes('ServerKeyExchange'), why);
  } else {
    assert.equal(trace.group, 'x25519', why);
    assert.equal(trace.signatureScheme, EXPECTED_SCHEME[keyType], why);
    assert.ok(titles(trace).includes(`ServerKeyExchange signature verified (${EXPECTED_SCHEME[keyType]})`), why);
  }
  const data = negotiated(trace.steps);
  assert.equal(data.secureRenegotiation, true, why);
  assert.equal(data.extendedMasterSecret, true, why);
  // OpenSSL agrees to encrypt_then_mac (RFC 7366) whenever the suite is CBC.
  assert.equal(data.encryptThenMac, info.cipher.endsWith('CBC'), why);
  assert.equal(trace.keyLog.length, 1, why);
  assert.match(trace.keyLog[0], /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
  const t = titles(trace);
  const order = ['ClientHello', 'ServerHello', 'Certificate', 'ServerHelloDone', 'ClientKeyExchange', 'ChangeCipherSpec', 'Finished', 'Server Finished verified', 'Handshake complete'];
  let at = -1;
  for (const title of order) {
    const next = t.indexOf(title, at + 1);
    assert.ok(next > at, `${title} out of order\n${why}`);
    at = next;
  }
}

describe('TLS 1.2 against openssl s_server', () => {
  const servers: Partial<Record<KeyType, OpensslServer>> = {};
  before(async () => {
    for (const keyType of SERVER_KEY_TYPES) {
      const leaf = pki.leaves[keyType];
      // @SECLEVEL=0 keeps OpenSSL 3 from refusing the SHA-1 CBC suites and static RSA.
      servers[keyType] = await startOpensslServer(
        ['-tls1_2', '-www', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath, '-cipher', 'ALL:@SECLEVEL=0'],
        { keyLog: true },
      );
    }
  });
  after(async () => {
    for (const s of Object.values(servers)) await s?.close();
  });

  for (const suite of tls12Suites) {
    for (const keyType of keyTypesFor(suite)) {
      test(`${suite} with a ${keyType} certificate`, async () => {
        const server = servers[keyType]!;
        const trace = await runAgainst(server.port, { versions: ['TLSv1.2'], cipherSuites: [suite], setup: { caFiles } });
        assertTls12Success(trace, suite, keyType);
        assert.match(trace.http?.bodyPreview ?? '', /s_server/);
        // The master secret OpenSSL logged for this client random is the one the client derived.
        const [, clientRandom] = trace.keyLog[0].split(' ');
        const serverLine = (await server.keyLog()).split('\n').find((l) => l.startsWith(`CLIENT_RANDOM ${clientRandom}`));
        assert.equal(serverLine, trace.keyLog[0]);
      });
    }
  }

  // With an RSA certificate: for ECDSA certificates supported_groups also lists the curves the
  // client accepts in certificates (RFC 8422 §5.1.1), so a single-group list would exclude P-256 keys.
  test('both crypto backends (noble and WebCrypto) complete ECDHE-GCM, ECDHE-ChaCha20, static RSA and CBC handshakes', async () => {
    for (const crypto of [nobleCrypto, createWebCrypto(globalThis.crypto.subtle)]) {
      for (const [suite, keyType] of [
        ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'rsa2048'],
        ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'p384'],
        ['TLS_RSA_WITH_AES_128_CBC_SHA256', 'rsa2048'],
        ['TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', 'p256'],
      ] as const) {
        const trace = await runAgainst(servers[keyType]!.port, { versions: ['TLSv1.2'], cipherSuites: [suite], setup: { caFiles, crypto } });
        assert.equal(trace.engine.crypto, crypto.name);
        assertTls12Success(trace, suite, keyType);
      }
    }
  });

  test('ECDHE over each group: x25519, secp256r1, secp384r1', async () => {
    for (const group of ['x25519', 'secp256r1', 'secp384r1']) {
      const trace = await runAgainst(servers.rsa2048!.port, { versions: ['TLSv1.2'], groups: [group], cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'], setup: { caFiles } });
      assert.equal(trace.outcome, 'ok', describeTrace(trace));
      assert.equal(trace.group, group);
    }
  });

  describe('extensions turned off on the client', () => {
    test('without extended_master_secret the handshake still completes, on the RFC 5246 master secret', async () => {
      const run = await runEngine(servers.rsa2048!.port, { versions: ['TLSv1.2'], cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'], extendedMasterSecret: false }, { setup: { caFiles } });
      const why = describeEngineRun(run);
      assert.equal(run.status, 200, why);
      assert.equal(run.summary.extendedMasterSecret, false, why);
      assert.equal(negotiated(run.steps).extendedMasterSecret, false);
      const master = (await servers.rsa2048!.keyLog()).split('\n').find((l) => l === run.keyLog[0]);
      assert.ok(master, 'OpenSSL logged the same master secret');
      // The master secret derivation has no session_hash input.
      const derivation = run.steps.find((s) => s.layer === 'key' && stepTitle(s) === 'master_secret');
      assert.ok(derivation, why);
      assert.doesNotMatch(JSON.stringify(derivation.data), /extended master secret/);
    });

    test('with extended_master_secret the master secret is derived from the session hash (RFC 7627 §4)', async () => {
      const run = await runEngine(servers.rsa2048!.port, { versions: ['TLSv1.2'], cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'] }, { setup: { caFiles } });
      assert.equal(run.status, 200, describeEngineRun(run));
      assert.equal(run.summary.extendedMasterSecret, true);
      const derivation = run.steps.find((s) => s.layer === 'key' && stepTitle(s) === 'master_secret');
      assert.match(JSON.stringify(derivation?.data), /extended master secret/);
    });

    test('without renegotiation_info (and no SCSV) the server does not signal RFC 5746; the handshake completes', async () => {
      const run = await runEngine(servers.rsa2048!.port, { versions: ['TLSv1.2'], cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'], renegotiationInfo: false }, { setup: { caFiles } });
      const why = describeEngineRun(run);
      assert.equal(run.status, 200, why);
      assert.equal(run.summary.secureRenegotiation, false, why);
    });

    for (const suite of ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', 'TLS_RSA_WITH_AES_128_CBC_SHA256'] as const) {
      test(`${suite}: MAC-then-encrypt when encrypt_then_mac is not offered, encrypt-then-MAC when it is`, async () => {
        for (const encryptThenMac of [false, true]) {
          const run = await runEngine(servers.rsa2048!.port, { versions: ['TLSv1.2'], cipherSuites: [suite], encryptThenMac }, { setup: { caFiles } });
          const why = describeEngineRun(run);
          assert.equal(run.status, 200, why);
          assert.equal(run.summary.encryptThenMac, encryptThenMac, why);
        }
      });
    }

    test('without session_ticket no NewSessionTicket arrives', async () => {
      const run = await runEngine(servers.rsa2048!.port, { versions: ['TLSv1.2'], cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'], sessionTicket: false }, { setup: { caFiles } });
      assert.equal(run.status, 200, describeEngineRun(run));
      assert.ok(!run.steps.some((s) => stepTitle(s) === 'NewSessionTicket'));
      const withTicket = await runEngine(servers.rsa2048!.port, { versions: ['TLSv1.2'], cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'] }, { setup: { caFiles } });
      assert.ok(withTicket.steps.some((s) => stepTitle(s) === 'NewSessionTicket'), describeEngineRun(withTicket));
    });
  });

  test('the server’s close_notify is answered with the client’s own (RFC 5246 §7.2.1)', async () => {
    const trace = await runAgainst(servers.rsa2048!.port, { versions: ['TLSv1.2'], setup: { caFiles } });
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    assert.deepEqual(trace.alerts, [
      { from: 'server', level: 'warning', description: 'close_notify' },
      { from: 'client', level: 'warning', description: 'close_notify' },
    ]);
  });

  test('a TLS 1.3-capable OpenSSL restricted with -tls1_2 answers TLS 1.2 without the downgrade sentinel', async () => {
    const trace = await runAgainst(servers.rsa2048!.port, { setup: { caFiles } });
    const why = describeTrace(trace);
    assert.equal(trace.outcome, 'ok', why);
    assert.equal(trace.version, 'TLSv1.2');
    assert.ok(titles(trace).includes('No downgrade sentinel: TLS 1.2 is the server\u2019s real choice'), why);
  });
});

describe('client certificates (TLS 1.2, openssl s_server)', () => {
  const servers: { optional?: OpensslServer; required?: OpensslServer } = {};
  before(async () => {
    const leaf = pki.leaves.rsa2048;
    const base = ['-tls1_2', '-www', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath, '-CAfile', pki.root.certPath];
    servers.optional = await startOpensslServer([...base, '-verify', '1']);
    servers.required = await startOpensslServer([...base, '-Verify', '1']);
  });
  after(async () => {
    await servers.optional?.close();
    await servers.required?.close();
  });

  const withCert = () => ({ caFiles, clientCertFile: pki.client.certPath, clientKeyFile: pki.client.keyPath });

  test('a requested certificate is sent with a CertificateVerify, and the server accepts it', async () => {
    for (const server of [servers.optional!, servers.required!]) {
      const trace = await runAgainst(server.port, { versions: ['TLSv1.2'], setup: withCert() });
      const why = describeTrace(trace);
      assert.equal(trace.outcome, 'ok', why);
      assert.equal(trace.http?.status, 200);
      const t = titles(trace);
      assert.ok(t.indexOf('CertificateRequest') > t.indexOf('ServerKeyExchange'), why);
      // Client flight: Certificate, ClientKeyExchange, CertificateVerify, ChangeCipherSpec, Finished.
      const clientFlight = trace.steps.filter((s) => s.direction === 'client->server' && s.layer === 'handshake').map((s) => stepTitle(s));
      assert.deepEqual(clientFlight, ['ClientHello', 'Certificate', 'ClientKeyExchange', 'CertificateVerify', 'Finished'], why);
      const certificateStep = trace.steps.find((s) => s.direction === 'client->server' && stepTitle(s) === 'Certificate')!;
      assert.ok(certificateStep.bytes!.hex.includes(Buffer.from(pki.client.certDer).toString('hex')), 'the client certificate is in the Certificate message');
    }
  });

  test('without a certificate the client sends an empty Certificate: optional → 200, required → fatal handshake_failure from the server', async () => {
    const optional = await runAgainst(servers.optional!.port, { versions: ['TLSv1.2'], setup: { caFiles } });
    assert.equal(optional.outcome, 'ok', describeTrace(optional));
    const emptyCertificate = optional.steps.find((s) => s.direction === 'client->server' && stepTitle(s) === 'Certificate');
    assert.equal(emptyCertificate?.bytes?.hex, '0b000003000000');
    assert.ok(!titles(optional).includes('CertificateVerify'));

    const required = await runAgainst(servers.required!.port, { versions: ['TLSv1.2'], setup: { caFiles } });
    const why = describeTrace(required);
    assert.equal(required.outcome, 'alert', why);
    assert.deepEqual(required.alerts, [{ from: 'server', level: 'fatal', description: 'handshake_failure' }], why);
    // The refusal is explained by what came before it: the certificate the client did not send.
    assert.equal(outcomeSentence(required.outcomeCause), 'the server sent a fatal handshake_failure alert after the client sent no certificate: the server requires a client certificate', why);
    const alertStep = required.steps.find((s) => s.kind === 'alert' && s.data.description === 'handshake_failure');
    assert.ok(alertStep?.kind === 'alert' && alertStep.data.afterEmptyClientCertificate, why);
    assert.match((alertStep && stepExplanation(alertStep)) ?? '', /answered the server’s CertificateRequest with no certificate: this server requires a client certificate/, why);
  });
});

describe('TLS 1.2 against a Node tls server', () => {
  const servers: Partial<Record<KeyType, RunningServer>> = {};
  before(async () => {
    for (const keyType of SERVER_KEY_TYPES) {
      const leaf = pki.leaves[keyType];
      servers[keyType] = await startNodeHttpsServer({
        key: await readFile(leaf.keyPath),
        cert: (await readFile(leaf.certPath, 'utf8')) + (await readFile(pki.intermediate.certPath, 'utf8')),
        maxVersion: 'TLSv1.2',
        ciphers: 'ALL:@SECLEVEL=0',
      });
    }
  });
  after(async () => {
    for (const s of Object.values(servers)) await s?.close();
  });

  for (const keyType of SERVER_KEY_TYPES) {
    test(`every suite a ${keyType} certificate can serve`, async () => {
      for (const suite of tls12Suites.filter((s) => keyTypesFor(s).includes(keyType))) {
        const trace = await runAgainst(servers[keyType]!.port, { versions: ['TLSv1.2'], cipherSuites: [suite], setup: { caFiles } });
        assertTls12Success(trace, suite, keyType);
        assert.equal(trace.http?.bodyPreview, 'hello from node tls');
      }
    });
  }

  test('client certificate required by Node: accepted with one, refused without', async () => {
    const leaf = pki.leaves.p256;
    const server = await startNodeHttpsServer(
      {
        key: await readFile(leaf.keyPath),
        cert: (await readFile(leaf.certPath, 'utf8')) + (await readFile(pki.intermediate.certPath, 'utf8')),
        maxVersion: 'TLSv1.2',
        ca: await readFile(pki.root.certPath),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
        res.end(`client ${peer.subject?.CN}`);
      },
    );
    try {
      const ok = await runAgainst(server.port, { versions: ['TLSv1.2'], setup: { caFiles, clientCertFile: pki.client.certPath, clientKeyFile: pki.client.keyPath } });
      assert.equal(ok.outcome, 'ok', describeTrace(ok));
      assert.equal(ok.http?.bodyPreview, 'client Test Client');
      const refused = await runAgainst(server.port, { versions: ['TLSv1.2'], setup: { caFiles } });
      assert.equal(refused.outcome, 'alert', describeTrace(refused));
      assert.equal(refused.alerts.at(-1)?.from, 'server');
    } finally {
      await server.close();
    }
  });
});

describe('downgrade protection (RFC 8446 §4.1.3)', () => {
  for (const [name, sentinel] of [
    ['TLS 1.2', '444f574e47524401'],
    ['TLS 1.1', '444f574e47524400'],
  ] as const) {
    test(`a ServerHello for TLS 1.2 whose random ends in the ${name} sentinel is refused with illegal_parameter when 1.3 was offered`, async () => {
      const random = Buffer.concat([Buffer.alloc(24, 0x11), Buffer.from(sentinel, 'hex')]);
      const server = await startScriptedServer(async (socket) => {
        await readClientHello(socket);
        socket.end(record(CONTENT.handshake, serverHello({ random, cipherSuite: 0xc02f, extensions: [extension(EXTENSION.renegotiation_info, Buffer.from([0]))] })));
      });
      try {
        const trace = await runAgainst(server.port, { timeoutMs: 3000 });
        const why = describeTrace(trace);
        assert.equal(trace.outcome, 'alert', why);
        assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: 'illegal_parameter' }], why);
        assert.match(outcomeSentence(trace.outcomeCause), /downgrade/);

        // Offering only TLS 1.2, the same random is just a random.
        const pinned = await runAgainst(server.port, { versions: ['TLSv1.2'], timeoutMs: 3000 });
        assert.equal(pinned.outcome, 'closed', describeTrace(pinned));
        assert.deepEqual(pinned.alerts, []);
        assert.equal(pinned.version, 'TLSv1.2');
      } finally {
        await server.close();
      }
    });
  }

  // RFC 8446 §4.2.1: supported_versions in a ServerHello may only select TLS 1.3 or later.
  test('a ServerHello whose supported_versions selects TLS 1.2 is refused with illegal_parameter', async () => {
    const server = await startScriptedServer(async (socket) => {
      await readClientHello(socket);
      socket.end(record(CONTENT.handshake, serverHello({ cipherSuite: 0xc02f, extensions: [extension(EXTENSION.supported_versions, u16(0x0303))] })));
    });
    try {
      const trace = await runAgainst(server.port, { timeoutMs: 3000 });
      assert.equal(trace.outcome, 'alert', describeTrace(trace));
      assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: 'illegal_parameter' }]);
    } finally {
      await server.close();
    }
  });
});
