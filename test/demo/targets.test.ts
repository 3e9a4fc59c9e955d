import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { constants as cryptoConstants } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { LARGE_BODY_BYTES, LARGE_BODY_PATH, UPLOAD_READ_AHEAD_BYTES, demoTargets, findDemoTarget } from '../../server/demo/catalog';
import { runTls } from '../../lib/run/run';
import { nodeRunDeps } from '../../server/runtime/nodeRun';
import { readDemoRegistry, resolveDemoHost, demoCredentialPaths } from '../../server/demo/registry';
import { type RunningDemo, startDemoTargets } from '../../server/demo/start';
import { issue } from '../../server/pki';
import { outcomeSentence, stepTitle } from '../../lib/view/stepText';

let dataDir: string;
let demo: RunningDemo;
const resets: string[] = [];

function portOf(name: string): number {
  const t = demo.targets.find((x) => x.name === name);
  if (!t) throw new Error(`no running target ${name}`);
  return t.port;
}

interface Reply {
  status: number;
  body: string;
  protocol: string | null;
  cipher: string;
}

interface RequestOptions {
  path?: string;
  method?: string;
  body?: Buffer;
  cert?: string;
  key?: string;
  secureOptions?: number;
  agent?: https.Agent;
}

/** One HTTPS request with Node's client (OpenSSL: renegotiates when asked), trusting the demo CA. */
function request(name: string, opts: RequestOptions = {}): Promise<Reply> {
  const servername = `${name}.test`;
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: portOf(name),
        servername,
        headers: { host: servername, ...(opts.body ? { 'content-length': opts.body.length } : {}) },
        path: opts.path ?? '/',
        method: opts.method ?? 'GET',
        ca: demo.ca.certPem,
        cert: opts.cert,
        key: opts.key,
        secureOptions: opts.secureOptions,
        agent: opts.agent ?? false,
      },
      (res) => {
        // Captured now: a keep-alive agent takes the socket back before 'end'.
        const socket = res.socket as tls.TLSSocket;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            protocol: socket.getProtocol?.() ?? null,
            cipher: socket.getCipher?.()?.name ?? '',
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const withDemoClientCert = () => ({ cert: demo.clientCert.certPem, key: demo.clientCert.keyPem });

interface ProcessResult {
  code: number | null;
  output: string;
}

/** Runs a command with stdin text; resolves with its exit code and stdout+stderr. */
function run(cmd: string, args: string[], stdin = '', timeoutMs = 15_000): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? null) : 0;
      resolve({ code: typeof code === 'number' ? code : null, output: `${stdout}${stderr}` });
    });
    child.stdin?.end(stdin);
  });
}

/** openssl s_client against a target: sends one HTTP request; -trace decodes every (decrypted) message. */
function sClient(name: string, extra: string[], path = '/'): Promise<ProcessResult> {
  const httpRequest = `GET ${path} HTTP/1.1\r\nHost: ${name}.test\r\nConnection: close\r\n\r\n`;
  const args = ['s_client', '-connect', `127.0.0.1:${portOf(name)}`, '-servername', `${name}.test`, '-CAfile', demo.ca.certPath, '-ign_eof', ...extra];
  return run('openssl', args, httpRequest);
}

/** A bare TLS connection with Node's client; resolves with the verification error code, or null. */
function verifyWithNode(name: string, opts: { ca?: string | string[]; checkHostAs?: string } = {}): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = tls.connect(
      {
        host: '127.0.0.1',
        port: portOf(name),
        servername: `${name}.test`,
        ca: opts.ca ?? demo.ca.certPem,
        ...(opts.checkHostAs ? { checkServerIdentity: (_host: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(opts.checkHostAs as string, cert) } : {}),
      },
      () => {
        socket.end();
        resolve(null);
      },
    );
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tlspg-demo-test-'));
  demo = await startDemoTargets({ dataDir, renegotiationTimeoutMs: 5000, log: (line) => resets.push(line) });
});

after(async () => {
  await demo?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('demo targets: startup and registry', () => {
  test('every catalog target runs on its own loopback port', () => {
    assert.deepEqual(
      demo.targets.map((t) => t.name),
      demoTargets.map((t) => t.name),
    );
    for (const t of demo.targets) {
      assert.equal(t.host, '127.0.0.1');
      assert.ok(t.port > 0);
    }
    assert.equal(new Set(demo.targets.map((t) => t.port)).size, demo.targets.length);
  });

  test('targets.json maps each name to its port, and <name>.test resolves through it', async () => {
    const registry = await readDemoRegistry(dataDir);
    assert.ok(registry);
    for (const t of demo.targets) assert.deepEqual(registry[t.name], { host: '127.0.0.1', port: t.port });
    assert.deepEqual(await resolveDemoHost(dataDir, 'IIS-Renegotiation.test.'), { host: '127.0.0.1', port: portOf('iis-renegotiation') });
    assert.equal(await resolveDemoHost(dataDir, 'example.test'), undefined);
  });

  test('the catalog is consistent: hosts are <name>.test (or one label under it) and every target has paths', () => {
    for (const t of demoTargets) {
      assert.match(t.host, new RegExp(`^([a-z0-9-]+\\.)?${t.name}\\.test$`));
      assert.ok(t.paths.length > 0 && t.description.length > 0 && t.scenario.length > 100);
      assert.equal(findDemoTarget(t.host), t);
    }
  });

  test('the demo credentials are PEM files in the data directory', async () => {
    const paths = demoCredentialPaths(dataDir);
    assert.equal(await readFile(paths.caCert, 'utf8'), demo.ca.certPem);
    assert.equal(await readFile(paths.clientCert, 'utf8'), demo.clientCert.certPem);
    assert.equal(await readFile(paths.clientKey, 'utf8'), demo.clientCert.keyPem);
  });
});

describe('iis-renegotiation', () => {
  test('/ answers 200 over TLS 1.2 ECDHE-RSA AES-GCM, without a HelloRequest', async () => {
    const reply = await request('iis-renegotiation');
    assert.equal(reply.status, 200);
    assert.equal(reply.protocol, 'TLSv1.2');
    assert.equal(reply.cipher, 'ECDHE-RSA-AES256-GCM-SHA384');
    const trace = await sClient('iis-renegotiation', ['-trace']);
    assert.match(trace.output, /HTTP\/1\.1 200 OK/);
    assert.doesNotMatch(trace.output, /HelloRequest, Length=0/);
    assert.doesNotMatch(trace.output, /CertificateRequest, Length/, 'no CertificateRequest in the initial handshake');
  });

  test('/secure/ with the demo client certificate: renegotiation, then 200 naming the client', async () => {
    const reply = await request('iis-renegotiation', { path: '/secure/', ...withDemoClientCert() });
    assert.equal(reply.status, 200);
    assert.match(reply.body, /hello Demo Client/);
    assert.match(reply.body, /issuer: .*CN=TLS Playground Demo Root CA/);
  });

  test('/secure/ without a client certificate: the client renegotiates with an empty Certificate, 403.7', async () => {
    const reply = await request('iis-renegotiation', { path: '/secure/' });
    assert.equal(reply.status, 403);
    assert.match(reply.body, /^403\.7 Forbidden: client certificate required/);
  });

  test('on the wire: HelloRequest after the request, then a full handshake with a CertificateRequest naming the demo CA', async () => {
    const trace = await sClient('iis-renegotiation', ['-trace', '-cert', demo.clientCert.certPath, '-key', demo.clientCert.keyPath], '/secure/');
    const out = trace.output;
    assert.match(out, /HTTP\/1\.1 200 OK/);
    const helloRequestAt = out.indexOf('HelloRequest, Length=0');
    assert.ok(helloRequestAt > 0, 'a HelloRequest was received');
    const before = out.slice(0, helloRequestAt);
    const after = out.slice(helloRequestAt);
    assert.doesNotMatch(before, /CertificateRequest, Length/, 'nothing was asked in the initial handshake');
    assert.match(after, /^Sent Record\nHeader:\n(?: {2}.*\n){3}\s+ClientHello, Length/m, 'the client answered with a new ClientHello');
    assert.match(after, /CertificateRequest, Length/, 'the renegotiated handshake carries a CertificateRequest');
    assert.match(after, /DistinguishedName \(len=\d+\): O = TLS Playground \(test only\), CN = TLS Playground Demo Root CA/);
    assert.match(after, /^Sent Record\nHeader:\n(?: {2}.*\n){3}\s+Certificate, Length/m, 'the client sent its certificate');
  });

  test('a client that refuses renegotiation (warning no_renegotiation) gets its TCP connection reset', async () => {
    const before = resets.length;
    await assert.rejects(
      request('iis-renegotiation', { path: '/secure/', ...withDemoClientCert(), secureOptions: cryptoConstants.SSL_OP_NO_RENEGOTIATION }),
      (err: NodeJS.ErrnoException) => err.code === 'ECONNRESET',
    );
    assert.equal(resets.length, before + 1);
    assert.match(resets[before], /answered the HelloRequest with an alert; connection reset/);
  });

  test('openssl s_client -no_renegotiation: HelloRequest in, warning no_renegotiation out, then ECONNRESET', async () => {
    const trace = await sClient('iis-renegotiation', ['-trace', '-no_renegotiation'], '/secure/');
    const out = trace.output;
    const helloRequestAt = out.indexOf('HelloRequest, Length=0');
    assert.ok(helloRequestAt > 0);
    assert.match(out.slice(helloRequestAt), /Level=warning\(1\), description=no renegotiation\(100\)/);
    assert.equal(trace.code, 104, 's_client exits with errno 104, ECONNRESET');
    assert.doesNotMatch(out, /HTTP\/1\.1/);
  });

  test('a keep-alive connection can renegotiate on its second request', async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await request('iis-renegotiation', { agent, ...withDemoClientCert() });
      const second = await request('iis-renegotiation', { agent, path: '/secure/page', ...withDemoClientCert() });
      const third = await request('iis-renegotiation', { agent, path: '/secure/again', ...withDemoClientCert() });
      assert.deepEqual([first.status, second.status, third.status], [200, 200, 200]);
    } finally {
      agent.destroy();
    }
  });

  test(`a POST body up to ${UPLOAD_READ_AHEAD_BYTES} bytes is buffered during renegotiation; one byte more gets 413`, async () => {
    const fits = await request('iis-renegotiation', {
      method: 'POST',
      path: '/secure/upload',
      body: Buffer.alloc(UPLOAD_READ_AHEAD_BYTES, 0x61),
      ...withDemoClientCert(),
    });
    assert.equal(fits.status, 200);
    assert.match(fits.body, new RegExp(`POST /secure/upload \\(${UPLOAD_READ_AHEAD_BYTES} body bytes\\)`));
    const tooLarge = await request('iis-renegotiation', {
      method: 'POST',
      path: '/secure/upload',
      body: Buffer.alloc(UPLOAD_READ_AHEAD_BYTES + 1, 0x61),
      ...withDemoClientCert(),
    });
    assert.equal(tooLarge.status, 413);
    const unprotected = await request('iis-renegotiation', { method: 'POST', path: '/upload', body: Buffer.alloc(UPLOAD_READ_AHEAD_BYTES * 2, 0x61) });
    assert.equal(unprotected.status, 200, 'the limit only applies while renegotiating');
  });

  test('a client certificate from an unknown CA is answered 403.16', async () => {
    const stranger = await issue(
      { name: 'stranger-client', subjectCN: 'Stranger', keyType: 'p256', extendedKeyUsage: ['clientAuth'] },
      join(dataDir, 'strangers'),
    );
    const reply = await request('iis-renegotiation', { path: '/secure/', cert: stranger.certPem, key: stranger.keyPem });
    assert.equal(reply.status, 403);
    assert.match(reply.body, /^403\.16 Forbidden/);
  });
});

describe('iis-fixed', () => {
  test('the CertificateRequest is in the initial handshake; no HelloRequest follows', async () => {
    const trace = await sClient('iis-fixed', ['-trace', '-cert', demo.clientCert.certPath, '-key', demo.clientCert.keyPath], '/secure/');
    assert.match(trace.output, /HTTP\/1\.1 200 OK/);
    assert.match(trace.output, /CertificateRequest, Length/);
    assert.doesNotMatch(trace.output, /HelloRequest, Length/);
  });

  test('a client that never renegotiates succeeds: 200 with the demo certificate, 403.7 without', async () => {
    const noReneg = cryptoConstants.SSL_OP_NO_RENEGOTIATION;
    const withCert = await request('iis-fixed', { path: '/secure/', ...withDemoClientCert(), secureOptions: noReneg });
    assert.equal(withCert.status, 200);
    assert.match(withCert.body, /hello Demo Client/);
    const without = await request('iis-fixed', { path: '/secure/', secureOptions: noReneg });
    assert.equal(without.status, 403);
    assert.match(without.body, /^403\.7 Forbidden/);
    const open = await request('iis-fixed', { secureOptions: noReneg });
    assert.equal(open.status, 200);
    assert.equal(open.protocol, 'TLSv1.2');
  });
});

describe('tls13', () => {
  test('negotiates TLS 1.3 and answers 200', async () => {
    const reply = await request('tls13');
    assert.equal(reply.status, 200);
    assert.equal(reply.protocol, 'TLSv1.3');
  });

  test(`${LARGE_BODY_PATH} answers ${LARGE_BODY_BYTES} bytes, which the engine receives in several records of at most 2^14 bytes`, async () => {
    const { req, deps } = await nodeRunDeps({ url: `https://tls13.test${LARGE_BODY_PATH}`, connect: `127.0.0.1:${portOf('tls13')}` }, { caFiles: [demo.ca.certPath] });
    const trace = await runTls(req, deps);
    assert.equal(trace.outcome, 'ok', outcomeSentence(trace.outcomeCause));
    assert.equal(trace.http?.bodyBytes, LARGE_BODY_BYTES);
    const sizes = trace.steps.filter((s) => /^Application data, \d+ bytes$/.test(stepTitle(s)) && s.direction === 'server->client').map((s) => Number(/(\d+) bytes/.exec(stepTitle(s))![1]));
    assert.ok(sizes.length >= 4, `application data arrived in ${sizes.length} records: ${sizes.join(', ')}`);
    assert.ok(sizes.every((n) => n <= 2 ** 14), sizes.join(', '));
    assert.match(trace.http?.bodyPreview ?? '', /^line 0001: part of a 65536 byte body/);
  });

  test('a TLS 1.2-only client is refused with a protocol_version alert', async () => {
    const trace = await sClient('tls13', ['-tls1_2']);
    assert.match(trace.output, /alert protocol version|tlsv1 alert protocol version/i);
  });
});

describe('tls13-pha (Python ssl child process)', () => {
  const phaClient = fileURLToPath(new URL('./pha_client.py', import.meta.url));
  async function pha(path: string, flags: string[]): Promise<{ status?: number; body?: string; version?: string; error?: string }> {
    const result = await run('python3', [phaClient, String(portOf('tls13-pha')), path, '--ca', demo.ca.certPath, ...flags]);
    return JSON.parse(result.output.trim().split('\n').pop() ?? '{}');
  }
  const cert = () => ['--cert', demo.clientCert.certPath, '--key', demo.clientCert.keyPath];

  test('a client offering post_handshake_auth with the demo certificate gets 200 on /secure/', async () => {
    const reply = await pha('/secure/', ['--pha', ...cert()]);
    assert.equal(reply.version, 'TLSv1.3');
    assert.equal(reply.status, 200, JSON.stringify(reply));
    assert.match(reply.body ?? '', /hello Demo Client/);
  });

  test('a client offering post_handshake_auth but without a certificate gets 403.7', async () => {
    const reply = await pha('/secure/', ['--pha']);
    assert.equal(reply.status, 403, JSON.stringify(reply));
    assert.match(reply.body ?? '', /^403\.7 Forbidden/);
  });

  test('a client that did not offer post_handshake_auth gets 403 without being asked', async () => {
    const reply = await pha('/secure/', cert());
    assert.equal(reply.status, 403, JSON.stringify(reply));
    assert.match(reply.body ?? '', /did not offer\s+post-handshake authentication/);
  });

  test("Node's client, which never offers post_handshake_auth, gets 403 on /secure/", async () => {
    const reply = await request('tls13-pha', { path: '/secure/', ...withDemoClientCert() });
    assert.equal(reply.protocol, 'TLSv1.3');
    assert.equal(reply.status, 403);
    assert.match(reply.body, /did not offer\s+post-handshake authentication/);
  });

  test('/ answers 200 without any certificate question', async () => {
    const reply = await pha('/', []);
    assert.equal(reply.status, 200, JSON.stringify(reply));
  });

  test('on the wire (openssl s_client -enable_pha): a CertificateRequest arrives after the request', async () => {
    const trace = await sClient('tls13-pha', ['-msg', '-enable_pha', '-cert', demo.clientCert.certPath, '-key', demo.clientCert.keyPath], '/secure/');
    const out = trace.output;
    assert.match(out, /HTTP\/1\.1 200 OK/);
    const finishedAt = out.indexOf('Finished');
    const requestAt = out.indexOf('CertificateRequest');
    assert.ok(finishedAt > 0 && requestAt > finishedAt, 'the CertificateRequest comes after the handshake');
    assert.match(out.slice(requestAt), />>> .*Certificate\n[\s\S]*>>> .*CertificateVerify[\s\S]*>>> .*Finished/);
  });
});

describe('legacy-tls12', () => {
  test('openssl s_client -tls1_2 -cipher AES128-SHA negotiates static RSA with AES-CBC', async () => {
    const trace = await sClient('legacy-tls12', ['-tls1_2', '-cipher', 'AES128-SHA']);
    assert.match(trace.output, /Cipher is AES128-SHA\b/);
    assert.match(trace.output, /Protocol\s*: TLSv1\.2/);
    assert.match(trace.output, /HTTP\/1\.1 200 OK/);
    assert.doesNotMatch(trace.output, /Server Temp Key/, 'no ephemeral key exchange');
  });

  test('with its default offer, Node gets the server-preferred AES128-SHA256 (RSA key transport)', async () => {
    const reply = await request('legacy-tls12');
    assert.equal(reply.status, 200);
    assert.equal(reply.protocol, 'TLSv1.2');
    assert.equal(reply.cipher, 'AES128-SHA256');
  });

  test('a client offering only ECDHE suites finds no common cipher suite', async () => {
    const trace = await sClient('legacy-tls12', ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-GCM-SHA256']);
    assert.match(trace.output, /handshake failure/i);
  });
});

describe('wildcard', () => {
  test('the certificate names only *.wildcard.test: Node accepts it for www.wildcard.test, not for wildcard.test or a.b.wildcard.test', async () => {
    assert.equal(findDemoTarget('wildcard')?.host, 'www.wildcard.test');
    assert.equal(await verifyWithNode('wildcard', { checkHostAs: 'www.wildcard.test' }), null);
    assert.equal(await verifyWithNode('wildcard', { checkHostAs: 'wildcard.test' }), 'ERR_TLS_CERT_ALTNAME_INVALID');
    assert.equal(await verifyWithNode('wildcard', { checkHostAs: 'a.b.wildcard.test' }), 'ERR_TLS_CERT_ALTNAME_INVALID');
  });

  test('the engine, reaching https://www.wildcard.test/ by its alias, matches the wildcard and gets 200', async () => {
    const { req, deps } = await nodeRunDeps({ url: 'https://www.wildcard.test/' }, { demoDataDir: dataDir });
    assert.equal(req.connect, `127.0.0.1:${portOf('wildcard')}`);
    const trace = await runTls(req, deps);
    assert.equal(trace.outcome, 'ok', outcomeSentence(trace.outcomeCause));
    assert.equal(trace.certificate?.verdict, 'trusted');
    const hostname = trace.certificate?.checks.find((c) => c.check === 'hostname');
    assert.equal(hostname?.ok, true);
    assert.equal(hostname?.detail, 'www.wildcard.test matches the subjectAltName wildcard *.wildcard.test');
    assert.deepEqual(trace.certificate?.chain[0].names, ['*.wildcard.test']);
  });

  test('the engine refuses the alias itself: the wildcard does not cover wildcard.test (certificate_unknown)', async () => {
    const { req, deps } = await nodeRunDeps({ url: 'https://wildcard.test/' }, { demoDataDir: dataDir });
    const trace = await runTls(req, deps);
    assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: 'certificate_unknown' }], outcomeSentence(trace.outcomeCause));
    assert.equal(trace.certificate?.checks.find((c) => c.check === 'hostname')?.ok, false);
  });
});

describe('certificate failures (Node verification, trusting the demo CA)', () => {
  test('expired: CERT_HAS_EXPIRED', async () => {
    assert.equal(await verifyWithNode('expired'), 'CERT_HAS_EXPIRED');
  });

  test('wrong-host: ERR_TLS_CERT_ALTNAME_INVALID; the chain itself is fine for other-host.test', async () => {
    assert.equal(await verifyWithNode('wrong-host'), 'ERR_TLS_CERT_ALTNAME_INVALID');
    assert.equal(await verifyWithNode('wrong-host', { checkHostAs: 'other-host.test' }), null);
  });

  test('self-signed: DEPTH_ZERO_SELF_SIGNED_CERT; passes only when that very certificate is trusted', async () => {
    assert.equal(await verifyWithNode('self-signed'), 'DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.equal(await verifyWithNode('self-signed', { ca: demo.pki.servers['self-signed'].leaf.certPem }), null);
  });

  test('untrusted-root: SELF_SIGNED_CERT_IN_CHAIN; passes when the unknown root is trusted', async () => {
    assert.equal(await verifyWithNode('untrusted-root'), 'SELF_SIGNED_CERT_IN_CHAIN');
    assert.equal(await verifyWithNode('untrusted-root', { ca: demo.pki.unknownRoot.certPem }), null);
  });

  test('incomplete-chain: UNABLE_TO_VERIFY_LEAF_SIGNATURE; passes when the client already has the intermediate', async () => {
    assert.equal(await verifyWithNode('incomplete-chain'), 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.equal(await verifyWithNode('incomplete-chain', { ca: [demo.ca.certPem, demo.pki.intermediate.certPem] }), null);
  });

  test('the well-configured targets verify against the demo CA', async () => {
    for (const name of ['iis-renegotiation', 'iis-fixed', 'tls13', 'legacy-tls12']) {
      assert.equal(await verifyWithNode(name), null, name);
    }
  });
});
