/** The CLI as a user runs it: one clear message and a non-zero exit for every kind of bad input. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Step } from '../../lib/trace/schema';
import { handshakeMessage, isHandshakeMessage } from '../../lib/trace/steps';
import { execFile, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { sharedTestPki } from '../helpers/pki';
import type { TestPki } from '../../server/pki/testPki';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { timeout: 60000, env: { ...process.env, DEMO_DATA_DIR: '/nonexistent-demo-dir' } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function listen(server: Server | TlsServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

let pki: TestPki;
let tlsServer: TlsServer;
let tlsPort: number;
let plainHttp: Server;
let plainPort: number;
let garbage: Server;
let garbagePort: number;

before(async () => {
  pki = await sharedTestPki();
  tlsServer = createTlsServer({ key: pki.leaves.p256.keyPem, cert: pki.leaves.p256.certPem + pki.intermediate.certPem }, (s) => {
    s.on('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
  });
  tlsPort = await listen(tlsServer);
  plainHttp = createServer((s) => s.on('error', () => {}).on('data', () => s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')));
  plainPort = await listen(plainHttp);
  // A ServerHello whose 2-byte body stops after legacy_version: the random is missing.
  garbage = createServer((s) => {
    s.on('error', () => {});
    s.end(Buffer.from([0x16, 0x03, 0x03, 0x00, 0x06, 0x02, 0x00, 0x00, 0x02, 0x03, 0x03]));
  });
  garbagePort = await listen(garbage);
});

after(() => {
  tlsServer?.close();
  plainHttp?.close();
  garbage?.close();
});

const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at .+\(.*:\d+:\d+\)/, 'no stack trace');

describe('the CLI', () => {
  it('runs a handshake and prints the trace contract with --json (exit 0)', async () => {
    const r = await cli([`https://localhost:${tlsPort}/`, '--ca', pki.root.certPath, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const t = JSON.parse(r.stdout);
    assert.equal(t.outcome, 'ok');
    assert.equal(t.version, 'TLSv1.3');
    assert.match(t.cipherSuite, /^TLS_AES_(128|256)_GCM_SHA(256|384)$/);
    assert.equal(t.group, 'x25519');
    assert.equal(t.http.status, 200);
    assert.equal(t.certificate.verdict, 'trusted');
    assert.ok(Array.isArray(t.alerts) && Array.isArray(t.steps));
    // Schema version 2: every step is a kind with typed data; the words are the viewer's, not the trace's.
    assert.equal(t.schemaVersion, 2);
    assert.equal(typeof t.outcomeCause.cause, 'string');
    assert.equal('outcomeDetail' in t, false);
    for (const step of t.steps) {
      assert.equal(typeof step.kind, 'string');
      assert.equal(typeof step.data, 'object');
      assert.equal('title' in step || 'explanation' in step, false, `step ${step.seq} carries prose`);
    }
    assert.deepEqual(
      t.steps.filter((s: Step) => s.kind === 'handshake').map((s: Step) => handshakeMessage(s)).slice(0, 2),
      ['client_hello', 'server_hello'],
    );
  });

  it('--resume --json prints the resumed connection, with resumption at the top and the first connection inside', async () => {
    const r = await cli([`https://localhost:${tlsPort}/`, '--ca', pki.root.certPath, '--json', '--resume']);
    assert.equal(r.code, 0, r.stderr);
    const t = JSON.parse(r.stdout);
    assert.equal(t.outcome, 'ok');
    assert.deepEqual(t.resumption, { offered: true, accepted: true, mode: 'psk_dhe_ke' });
    assert.equal(t.options.resume, true);
    assert.equal(t.firstConnection.outcome, 'ok');
    assert.equal(t.firstConnection.resumption, undefined);
    assert.ok(t.firstConnection.steps.some((s: Step) => s.kind === 'resumption' && s.data.event === 'kept'));
    assert.ok(!t.steps.some((s: Step) => isHandshakeMessage(s, 'certificate', 'server')));
  });

  it('--resume without --json heads each connection and sums up the resumption', async () => {
    const r = await cli([`https://localhost:${tlsPort}/`, '--ca', pki.root.certPath, '--resume', '--psk-mode', 'psk_dhe_ke', '--lang', 'en']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /connection 1: a full handshake[\s\S]*connection 2: offering to resume/);
    assert.match(r.stdout, /resumption: resumed \(psk_dhe_ke\)/);
  });

  it('--early-data and --psk-mode need --resume; an unknown PSK mode lists the valid ones (exit 2)', async () => {
    const early = await cli([`https://localhost:${tlsPort}/`, '--early-data']);
    assert.equal(early.code, 2);
    assert.match(early.stderr, /--early-data and --psk-mode go with --resume/);
    const mode = await cli([`https://localhost:${tlsPort}/`, '--resume', '--psk-mode', 'psk_nope']);
    assert.equal(mode.code, 2);
    assert.match(mode.stderr, /unknown PSK key exchange mode "psk_nope"; valid: psk_dhe_ke, psk_ke/);
    noStack(mode.stderr);
  });

  it('honours --tls, --suite, --group and --sigalg with IANA names', async () => {
    const r = await cli([`https://localhost:${tlsPort}/`, '--ca', pki.root.certPath, '--json', '--tls', '1.2', '--suite', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', '--group', 'secp256r1', '--sigalg', 'ecdsa_secp256r1_sha256']);
    const t = JSON.parse(r.stdout);
    assert.equal(t.version, 'TLSv1.2');
    assert.equal(t.cipherSuite, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256');
    assert.equal(t.group, 'secp256r1');
    assert.equal(t.signatureScheme, 'ecdsa_secp256r1_sha256');
  });

  it('--no-ems and --no-reneg-info leave those extensions out of the ClientHello', async () => {
    const r = await cli([`https://localhost:${tlsPort}/`, '--ca', pki.root.certPath, '--json', '--tls', '1.2', '--no-ems', '--no-reneg-info']);
    const t = JSON.parse(r.stdout);
    const hello = t.steps.find((s: Step) => isHandshakeMessage(s, 'client_hello', 'client'));
    const names = JSON.stringify(hello.bytes.field);
    assert.doesNotMatch(names, /extended_master_secret|renegotiation_info/);
    assert.match(names, /supported_groups/);
    assert.equal(t.outcome, 'ok');
    assert.deepEqual(t.options.tls12Off, ['extended_master_secret', 'renegotiation_info']);
  });

  it('prints a readable transcript without --json', async () => {
    const r = await cli([`https://localhost:${tlsPort}/`, '--ca', pki.root.certPath]);
    assert.match(r.stdout, /→ ClientHello/);
    assert.match(r.stdout, /← ServerHello/);
    assert.match(r.stdout, /outcome: ok/);
  });

  it('an unknown option is one message and exit 2', async () => {
    const r = await cli(['https://localhost/', '--frobnicate']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), 'error: unknown option --frobnicate (see --help)');
  });

  it('a demo alias with a port other than 443 is refused, not silently sent to the demo target', async () => {
    const r = await cli(['https://tls13.test:8443/']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'error: tls13.test is a demo target; it answers on port 443 only (https://tls13.test/), not 8443\n');
    const saved = await cli(['diagnose', 'https://tls13.test:8443/', '--save', 'http://127.0.0.1:9/']);
    assert.equal(saved.code, 2, 'nothing is probed or saved');
    const notDiagnose = await cli(['https://tls13.test/', '--save', 'http://127.0.0.1:9/']);
    assert.equal(notDiagnose.code, 2);
    assert.match(notDiagnose.stderr, /^error: --save goes with diagnose/);
  });

  it('a malformed URL is one message and exit 2', async () => {
    const r = await cli(['https://exa mple.com:99999/']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is a malformed URL/);
    noStack(r.stderr);
  });

  it('a mangled scheme (htps//nonsense url) is refused as a malformed URL before any connection, not looked up as host "htps"', async () => {
    for (const [url, why] of [
      ['htps//nonsense url', /"htps\/\/nonsense url" is a malformed URL: it contains a space/],
      ['htps//nonsense', /is a malformed URL: it has "\/\/" without a scheme before it/],
      ['https:/example.com', /is a malformed URL: its scheme "https:" is not followed by \/\//],
    ] as const) {
      const r = await cli([url, '--json']);
      assert.equal(r.code, 2, url);
      assert.match(r.stderr, why);
      assert.equal(r.stdout, '', 'nothing ran: no trace, no connection');
      assert.doesNotMatch(r.stderr, /DNS|ENOTFOUND|EAI_AGAIN|Connecting/);
      noStack(r.stderr);
    }
  });

  it('an unknown suite name lists the valid ones', async () => {
    const r = await cli(['https://localhost/', '--suite', 'TLS_FOO']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown cipher suite "TLS_FOO"; valid: TLS_AES_128_GCM_SHA256, /);
  });

  it('a refused port says so, exit 1, no stack trace', async () => {
    const s = createServer();
    const port = await listen(s);
    s.close();
    const r = await cli([`https://127.0.0.1:${port}/`]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /Connection refused/);
    assert.match(r.stdout, /outcome: error/);
    noStack(r.stdout + r.stderr);
  });

  it('a plain-HTTP server on the port is recognised', async () => {
    const r = await cli([`https://127.0.0.1:${plainPort}/`, '--json']);
    assert.equal(r.code, 1);
    const t = JSON.parse(r.stdout);
    assert.equal(t.outcome, 'alert');
    assert.match(JSON.stringify(t.steps), /plain HTTP, not TLS/);
  });

  it('garbage from the server ends in the right alert, exit 1', async () => {
    const r = await cli([`https://127.0.0.1:${garbagePort}/`, '--json']);
    assert.equal(r.code, 1);
    const t = JSON.parse(r.stdout);
    assert.equal(t.outcome, 'alert');
    assert.deepEqual(t.alerts[0], { from: 'client', level: 'fatal', description: 'decode_error' });
  });

  it('output piped into a reader that stops early (| head) ends quietly with 141, no stack trace', async () => {
    // A server that answers after 500 ms: the CLI is still writing steps when the reader leaves.
    const slow = createTlsServer({ key: pki.leaves.p256.keyPem, cert: pki.leaves.p256.certPem + pki.intermediate.certPem }, (s) => {
      s.on('error', () => {});
      s.on('data', () => setTimeout(() => s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), 500));
    });
    const slowPort = await listen(slow);
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', `https://localhost:${slowPort}/`, '--ca', pki.root.certPath, '-v'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Read the first line, then close our end, as `head -1` does.
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      assert.equal(code, 141, stderr);
      assert.doesNotMatch(stderr, /EPIPE|at .*\.ts:\d+/);
    } finally {
      slow.close();
    }
  });

  it('demo list shows every target', async () => {
    const r = await cli(['demo', 'list']);
    assert.equal(r.code, 0);
    for (const name of ['iis-renegotiation', 'iis-fixed', 'tls13', 'legacy-tls12', 'expired']) assert.match(r.stdout, new RegExp(`https://${name}\\.test/`));
  });

  it('a demo alias while the demo targets are not running is a clear error', async () => {
    const r = await cli(['https://tls13.test/']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /demo targets are not running/);
  });
});
