/**
 * Certificates in the handshake, against openssl s_server and Node tls: the key usage the TLS 1.2
 * key exchange needs from the server's key (RFC 5246 §7.4.2, RFC 5280 §4.2.1.3), client
 * certificates of every key type in TLS 1.2 and 1.3 (Certificate + CertificateVerify, verified by
 * OpenSSL), and ALPN.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadOrIssue, type Issued, type KeyType, type TestPki } from '../../server/pki';
import { sharedTestPki } from '../helpers/pki';
import { describeTrace, runAgainst, startNodeHttpsServer, startOpensslServer, titles, type OpensslServer } from '../helpers/tlsServers';
import { stepTitle } from '../../lib/view/stepText';

let pki: TestPki;
let caFiles: string[];

before(async () => {
  pki = await sharedTestPki();
  caFiles = [pki.root.certPath];
});

const LOCALHOST = { subjectCN: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] };

describe('the server key\u2019s keyUsage must allow what the TLS 1.2 key exchange does with it', () => {
  let signOnly: Issued;
  let encipherOnly: Issued;
  before(async () => {
    // Kept next to the shared test PKI and reused while their spec is unchanged.
    [signOnly, encipherOnly] = await Promise.all([
      loadOrIssue({ name: 'tls-test-rsa-sign-only', keyType: 'rsa2048', issuer: pki.intermediate, keyUsage: ['digitalSignature'], ...LOCALHOST }, pki.dir),
      loadOrIssue({ name: 'tls-test-rsa-encipher-only', keyType: 'rsa2048', issuer: pki.intermediate, keyUsage: ['keyEncipherment'], ...LOCALHOST }, pki.dir),
    ]);
  });

  async function run(cert: Issued, suite: string) {
    const server = await startOpensslServer(['-tls1_2', '-www', '-cert', cert.certPath, '-key', cert.keyPath, '-cert_chain', pki.intermediate.certPath, '-cipher', 'ALL:@SECLEVEL=0']);
    try {
      return await runAgainst(server.port, { versions: ['TLSv1.2'], cipherSuites: [suite], setup: { caFiles } });
    } finally {
      await server.close();
    }
  }

  test('static RSA with a digitalSignature-only key → the client refuses the certificate (keyEncipherment missing)', async () => {
    const trace = await run(signOnly, 'TLS_RSA_WITH_AES_128_GCM_SHA256');
    const why = describeTrace(trace);
    assert.equal(trace.outcome, 'alert', why);
    // RFC 5246 §7.2.2: unsupported_certificate, the alert for a certificate of an unusable type.
    assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: 'unsupported_certificate' }], why);
    assert.equal(trace.certificate?.verdict, 'untrusted');
    const keyUsage = trace.certificate?.checks.find((c) => c.check === 'keyUsage' && c.certificate === 0);
    assert.equal(keyUsage?.ok, false, why);
    assert.match(keyUsage?.detail ?? '', /keyEncipherment/);
    // ECDHE_RSA signs with the same key: that is what digitalSignature allows.
    const ecdhe = await run(signOnly, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    assert.equal(ecdhe.outcome, 'ok', describeTrace(ecdhe));
  });

  test('ECDHE_RSA with a keyEncipherment-only key → refused (the ServerKeyExchange signature needs digitalSignature); static RSA works', async () => {
    const trace = await run(encipherOnly, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    const why = describeTrace(trace);
    assert.equal(trace.outcome, 'alert', why);
    assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: 'unsupported_certificate' }], why);
    const keyUsage = trace.certificate?.checks.find((c) => c.check === 'keyUsage' && c.certificate === 0);
    assert.equal(keyUsage?.ok, false, why);
    assert.match(keyUsage?.detail ?? '', /digitalSignature/);
    const rsa = await run(encipherOnly, 'TLS_RSA_WITH_AES_128_GCM_SHA256');
    assert.equal(rsa.outcome, 'ok', describeTrace(rsa));
  });
});

describe('client certificates of every key type, TLS 1.2 and 1.3 (s_server -Verify 1 -verify_return_error)', () => {
  const clients: Partial<Record<KeyType, Issued>> = {};
  let server: OpensslServer;
  before(async () => {
    for (const keyType of ['rsa2048', 'p384', 'ed25519'] as const) {
      clients[keyType] = await loadOrIssue({ name: `tls-test-client-${keyType}`, subjectCN: `Test Client ${keyType}`, keyType, issuer: pki.root, extendedKeyUsage: ['clientAuth'] }, pki.dir);
    }
    clients.p256 = pki.client;
    const leaf = pki.leaves.p256;
    server = await startOpensslServer(['-www', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath, '-CAfile', pki.root.certPath, '-Verify', '1', '-verify_return_error']);
  });
  after(() => server.close());

  const EXPECTED: Record<KeyType, { 'TLSv1.3': string; 'TLSv1.2': string }> = {
    rsa2048: { 'TLSv1.3': 'rsa_pss_rsae_sha256', 'TLSv1.2': 'rsa_pss_rsae_sha256' },
    p256: { 'TLSv1.3': 'ecdsa_secp256r1_sha256', 'TLSv1.2': 'ecdsa_secp256r1_sha256' },
    p384: { 'TLSv1.3': 'ecdsa_secp384r1_sha384', 'TLSv1.2': 'ecdsa_secp384r1_sha384' },
    ed25519: { 'TLSv1.3': 'ed25519', 'TLSv1.2': 'ed25519' },
  };

  for (const keyType of ['rsa2048', 'p256', 'p384', 'ed25519'] as const) {
    for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
      test(`${keyType} client certificate over ${version}: Certificate + CertificateVerify (${EXPECTED[keyType][version]}), accepted`, async () => {
        const client = clients[keyType]!;
        const from = server.output().length;
        const trace = await runAgainst(server.port, { versions: [version], setup: { caFiles, clientCertFile: client.certPath, clientKeyFile: client.keyPath } });
        const why = describeTrace(trace);
        assert.equal(trace.outcome, 'ok', why);
        assert.equal(trace.version, version);
        const verify = trace.steps.find((s) => s.direction === 'client->server' && stepTitle(s) === 'CertificateVerify');
        assert.ok(verify, why);
        const scheme = Buffer.from(verify.bytes!.hex, 'hex').readUInt16BE(4);
        const codes: Record<string, number> = { rsa_pss_rsae_sha256: 0x0804, ecdsa_secp256r1_sha256: 0x0403, ecdsa_secp384r1_sha384: 0x0503, ed25519: 0x0807 };
        assert.equal(scheme, codes[EXPECTED[keyType][version]], why);
        // s_server -www lists the client certificate it verified in its page.
        await server.waitFor(/verify return:1/, 2000, from);
        assert.match(trace.http?.bodyPreview ?? '', /s_server/);
      });
    }
  }
});

describe('ALPN (RFC 7301)', () => {
  test('http/1.1 is negotiated in TLS 1.3 and 1.2; a server that speaks only h2 ends the handshake with no_application_protocol', async () => {
    const leaf = pki.leaves.p256;
    const cert = pki.leaves.p256.certPem + pki.intermediate.certPem;
    const both = await startNodeHttpsServer({ key: leaf.keyPem, cert, ALPNProtocols: ['h2', 'http/1.1'] });
    const h2only = await startNodeHttpsServer({ key: leaf.keyPem, cert, ALPNProtocols: ['h2'] });
    try {
      for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
        const ok = await runAgainst(both.port, { versions: [version], setup: { caFiles } });
        assert.equal(ok.outcome, 'ok', describeTrace(ok));
        assert.equal(ok.alpn, 'http/1.1');
        const refused = await runAgainst(h2only.port, { versions: [version], setup: { caFiles } });
        assert.equal(refused.outcome, 'alert', describeTrace(refused));
        assert.deepEqual(refused.alerts, [{ from: 'server', level: 'fatal', description: 'no_application_protocol' }]);
        assert.ok(!titles(refused).includes('Handshake complete'));
      }
    } finally {
      await both.close();
      await h2only.close();
    }
  });
});
