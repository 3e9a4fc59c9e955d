/**
 * Every client personality against the built-in demo targets (server/demo, started here in a
 * temporary data directory): what each one does when the IIS-like server asks to renegotiate, and
 * that the unprotected path, the fixed site and the TLS 1.3 post-handshake-auth site behave the same
 * for all of them. The expected step sequence after the HTTP request is spelled out exactly.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { nodeRunDeps } from '../../server/runtime/nodeRun';
import { runTls, type RunRequest } from '../../lib/run/run';
import { personalityNames, type PersonalityName } from '../../lib/tls/client/personalities';
import type { Trace } from '../../lib/trace/schema';
import { startDemoTargets, type RunningDemo } from '../../server/demo/start';
import { tZh } from '../helpers/i18n';
import { describeTrace, titles } from '../helpers/tlsServers';
import { outcomeSentence, stepTitle } from '../../lib/view/stepText';

let dataDir: string;
let demo: RunningDemo;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tlspg-personalities-'));
  demo = await startDemoTargets({ dataDir, renegotiationTimeoutMs: 5000, log: () => undefined });
});

after(async () => {
  await demo?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function run(url: string, personality: PersonalityName, options: { clientCertificate?: boolean; timeoutMs?: number } & Partial<RunRequest> = {}): Promise<Trace> {
  const { clientCertificate, timeoutMs = 8000, ...rest } = options;
  const { req, deps } = await nodeRunDeps({ url, personality, ...rest }, { demoDataDir: dataDir, timeoutMs, clientCertFile: clientCertificate ? 'demo' : undefined });
  return runTls(req, deps);
}

/**
 * The steps from the HTTP request on, without the wire-record steps (each message already has its
 * own step), key derivations, application-data chunks, session tickets and the close_notify alerts
 * (whether the client's or the server's comes first is a race of the two sides' timing).
 */
function tail(trace: Trace): string[] {
  const from = trace.steps.findIndex((s) => stepTitle(s).startsWith('HTTP request'));
  assert.ok(from >= 0, describeTrace(trace));
  return trace.steps
    .slice(from)
    .filter((s) => !(s.layer === 'record' && s.bytes) && s.layer !== 'key' && s.layer !== 'application')
    .filter((s) => stepTitle(s) !== 'NewSessionTicket' && !stepTitle(s).startsWith('Alert: close_notify'))
    .map((s) => `${arrow(s.direction)} ${stepTitle(s)}`);
}

/** The client tears down TCP itself at the end of every run the server did not end first. */
const CLIENT_CLOSE = '→ Client closed the connection';

function arrow(direction: string): string {
  return direction === 'client->server' ? '→' : direction === 'server->client' ? '←' : '·';
}

function problemAlerts(trace: Trace) {
  return trace.alerts.filter((a) => a.description !== 'close_notify');
}

/** The renegotiation handshake as the IIS-like target runs it (ECDHE-RSA, CertificateRequest, no resumption). */
function renegotiation(title: string, withCertificate: boolean): string[] {
  return [
    '← HelloRequest',
    `· ${title} on HelloRequest: renegotiate`,
    '· Renegotiation: new ClientHello under the current keys',
    '→ ClientHello',
    '← ServerHello',
    '· renegotiation_info verified',
    '· TLS 1.2 with TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    '← Certificate',
    '· Certificate chain trusted',
    '← ServerKeyExchange',
    '· ServerKeyExchange signature verified (rsa_pss_rsae_sha256)',
    '← CertificateRequest',
    '← ServerHelloDone',
    '→ Certificate',
    ...(withCertificate ? ['→ ClientKeyExchange', '→ CertificateVerify'] : ['· No client certificate configured', '→ ClientKeyExchange']),
    '→ ChangeCipherSpec',
    '→ Finished',
    '· Server switched to the new keys (ChangeCipherSpec)',
    '← Finished',
    '· Server Finished verified',
    '· Renegotiation complete',
  ];
}

describe('iis-renegotiation, protected path /secure/ (HelloRequest after the request)', () => {
  const url = 'https://iis-renegotiation.test/secure/';

  test('rustls: warning no_renegotiation, then the server resets the connection → outcome reset', async () => {
    const trace = await run(url, 'rustls');
    assert.equal(trace.outcome, 'reset', describeTrace(trace));
    assert.deepEqual(tail(trace), [
      '→ HTTP request: GET /secure/',
      '← HelloRequest',
      '· rustls on HelloRequest: refuse (warning no_renegotiation)',
      '→ Alert: no_renegotiation (warning)',
      '← Connection reset by peer (RST)',
      '· Outcome: reset: connection reset by peer after the HTTP request, before any response',
    ]);
    assert.deepEqual(trace.alerts, [{ from: 'client', level: 'warning', description: 'no_renegotiation' }]);
    assert.equal(trace.http, undefined);
    assert.equal(trace.personality, 'rustls');
  });

  test('go: warning no_renegotiation, then the client gives up → outcome error "tls: no renegotiation"', async () => {
    const trace = await run(url, 'go');
    assert.equal(trace.outcome, 'error', describeTrace(trace));
    assert.match(outcomeSentence(trace.outcomeCause), /^tls: no renegotiation/);
    assert.deepEqual(tail(trace), [
      '→ HTTP request: GET /secure/',
      '← HelloRequest',
      '· Go crypto/tls on HelloRequest: refuse (warning), then fail',
      '→ Alert: no_renegotiation (warning)',
      '→ Client closed the connection',
      `· Outcome: error: ${outcomeSentence(trace.outcomeCause)}`,
    ]);
    assert.deepEqual(trace.alerts, [{ from: 'client', level: 'warning', description: 'no_renegotiation' }]);
  });

  test('boringssl: fatal no_renegotiation → outcome alert', async () => {
    const trace = await run(url, 'boringssl');
    assert.equal(trace.outcome, 'alert', describeTrace(trace));
    assert.deepEqual(tail(trace), [
      '→ HTTP request: GET /secure/',
      '← HelloRequest',
      '· BoringSSL on HelloRequest: refuse (fatal no_renegotiation)',
      '→ Alert: no_renegotiation (fatal)',
      '→ Client closed the connection',
      '· Outcome: alert: the client aborted: BoringSSL refuses renegotiation with a fatal alert',
    ]);
    assert.deepEqual(trace.alerts, [{ from: 'client', level: 'fatal', description: 'no_renegotiation' }]);
    // The refusal is data (a code and the personality's name): a Chinese reader gets it in Chinese.
    assert.deepEqual(trace.outcomeCause.cause === 'alert' && trace.outcomeCause.diagnostic, { code: 'tls12.refusesRenegotiation', params: { client: 'BoringSSL' } });
    const outcome = trace.steps.at(-1)!;
    for (const zh of [outcomeSentence(trace.outcomeCause, tZh), stepTitle(outcome, tZh)]) {
      assert.match(zh, /\p{Script=Han}/u, zh);
      assert.ok(zh.includes('BoringSSL') && zh.includes('重协商'), zh);
      assert.doesNotMatch(zh, /refuses|renegotiation with/, zh);
    }
  });

  test('boringssl-ignore: nothing is sent, the request hangs → outcome timeout', async () => {
    const trace = await run(url, 'boringssl-ignore', { timeoutMs: 1500 });
    assert.equal(trace.outcome, 'timeout', describeTrace(trace));
    assert.deepEqual(tail(trace), [
      '→ HTTP request: GET /secure/',
      '← HelloRequest',
      '· BoringSSL (ignore) on HelloRequest: ignore it',
      '· Timed out after 1500 ms waiting for the HTTP response',
      '→ Client closed the connection',
      '· Outcome: timeout: timed out after 1500 ms waiting for the HTTP response',
    ]);
    assert.deepEqual(trace.alerts, []);
  });

  for (const [personality, title] of [
    ['openssl', 'OpenSSL'],
    ['schannel', 'SChannel'],
  ] as const) {
    test(`${personality}: renegotiates; an empty Certificate gets 403, the demo client certificate 200`, async () => {
      const without = await run(url, personality);
      assert.equal(without.outcome, 'ok', describeTrace(without));
      assert.deepEqual(tail(without), ['→ HTTP request: GET /secure/', ...renegotiation(title, false), '← HTTP response: 403 Forbidden', CLIENT_CLOSE, '· Outcome: ok: HTTP 403 Forbidden']);
      assert.deepEqual(problemAlerts(without), []);
      assert.equal(without.http?.status, 403);
      const emptyCertificate = without.steps.filter((s) => s.direction === 'client->server' && stepTitle(s) === 'Certificate').at(-1);
      assert.equal(emptyCertificate?.bytes?.hex, '0b000003000000');

      const withCert = await run(url, personality, { clientCertificate: true });
      assert.equal(withCert.outcome, 'ok', describeTrace(withCert));
      assert.deepEqual(tail(withCert), ['→ HTTP request: GET /secure/', ...renegotiation(title, true), '← HTTP response: 200 OK', CLIENT_CLOSE, '· Outcome: ok: HTTP 200 OK']);
      assert.equal(withCert.http?.status, 200);
      // The initial handshake had no CertificateRequest: the certificate went only into the renegotiation.
      const requests = withCert.steps.filter((s) => stepTitle(s) === 'CertificateRequest');
      assert.equal(requests.length, 1);
      assert.ok(withCert.steps.indexOf(requests[0]) > withCert.steps.findIndex((s) => stepTitle(s) === 'HTTP request: GET /secure/'));
    });
  }
});

describe('every personality on the paths that need no renegotiation', () => {
  for (const personality of personalityNames) {
    test(`${personality}: iis-renegotiation / answers 200 without a HelloRequest`, async () => {
      const trace = await run('https://iis-renegotiation.test/', personality);
      assert.equal(trace.outcome, 'ok', describeTrace(trace));
      assert.deepEqual(tail(trace), ['→ HTTP request: GET /', '← HTTP response: 200 OK', CLIENT_CLOSE, '· Outcome: ok: HTTP 200 OK']);
      assert.equal(trace.version, 'TLSv1.2');
      assert.deepEqual(problemAlerts(trace), []);
    });

    test(`${personality}: iis-fixed /secure/ asks in the initial handshake: 403 with an empty Certificate, 200 with the demo certificate`, async () => {
      for (const [clientCertificate, status, reason] of [
        [false, 403, 'Forbidden'],
        [true, 200, 'OK'],
      ] as const) {
        const trace = await run('https://iis-fixed.test/secure/', personality, { clientCertificate });
        assert.equal(trace.outcome, 'ok', describeTrace(trace));
        assert.deepEqual(tail(trace), ['→ HTTP request: GET /secure/', `← HTTP response: ${status} ${reason}`, CLIENT_CLOSE, `· Outcome: ok: HTTP ${status} ${reason}`]);
        const handshake = trace.steps.filter((s) => s.layer === 'handshake').map((s) => `${arrow(s.direction)} ${stepTitle(s)}`);
        assert.deepEqual(handshake, [
          '→ ClientHello',
          '← ServerHello',
          '← Certificate',
          '← ServerKeyExchange',
          '← CertificateRequest',
          '← ServerHelloDone',
          '→ Certificate',
          '→ ClientKeyExchange',
          ...(clientCertificate ? ['→ CertificateVerify'] : []),
          '→ Finished',
          ...(titles(trace).includes('NewSessionTicket') ? ['← NewSessionTicket'] : []),
          '← Finished',
        ]);
      }
    });

    test(`${personality}: tls13-pha /secure/ without post_handshake_auth gets 403 and no CertificateRequest`, async () => {
      const trace = await run('https://tls13-pha.test/secure/', personality, { clientCertificate: true });
      assert.equal(trace.outcome, 'ok', describeTrace(trace));
      assert.equal(trace.version, 'TLSv1.3');
      assert.deepEqual(tail(trace), ['→ HTTP request: GET /secure/', '← HTTP response: 403 Forbidden', CLIENT_CLOSE, '· Outcome: ok: HTTP 403 Forbidden']);
      assert.ok(!titles(trace).includes('CertificateRequest'));
    });
  }
});

describe('tls13-pha /secure/ with post_handshake_auth offered (RFC 8446 §4.6.2)', () => {
  test('the post-handshake CertificateRequest is answered: Certificate + CertificateVerify + Finished → 200; empty Certificate + Finished → 403', async () => {
    for (const [clientCertificate, answer, status, reason] of [
      [true, ['→ Certificate', '→ CertificateVerify', '→ Finished'], 200, 'OK'],
      [false, ['→ Certificate', '· No client certificate configured', '→ Finished'], 403, 'Forbidden'],
    ] as const) {
      const trace = await run('https://tls13-pha.test/secure/', 'openssl', { clientCertificate, postHandshakeAuth: true });
      assert.equal(trace.outcome, 'ok', describeTrace(trace));
      assert.deepEqual(tail(trace), ['→ HTTP request: GET /secure/', '← CertificateRequest', ...answer, `← HTTP response: ${status} ${reason}`, CLIENT_CLOSE, `· Outcome: ok: HTTP ${status} ${reason}`]);
      assert.deepEqual(problemAlerts(trace), []);
    }
  });
});

describe('iis-renegotiation /secure/upload: the request body is buffered during the renegotiation (uploadReadAheadSize 48 KB)', () => {
  for (const [size, status, renegotiates] of [
    [49152, 200, true],
    [49153, 413, false],
  ] as const) {
    test(`POST of ${size} bytes with the openssl personality → ${status}${renegotiates ? ' after the renegotiation' : ', without asking for a certificate'}`, async () => {
      const trace = await run('https://iis-renegotiation.test/secure/upload', 'openssl', { clientCertificate: true, method: 'POST', body: new Uint8Array(size).fill(0x61) });
      assert.equal(trace.outcome, 'ok', describeTrace(trace));
      assert.equal(trace.http?.status, status);
      assert.equal(titles(trace).includes('Renegotiation complete'), renegotiates);
      // The body crossed the wire in full-size records (at most 2^14 bytes each) before any HelloRequest.
      const sent = trace.steps.filter((s) => s.direction === 'client->server' && s.layer === 'record' && s.kind === 'record' && s.data.contentType === 'application_data');
      const length = (s: (typeof sent)[number]) => (s.kind === 'record' ? s.data.contentLength : 0);
      assert.ok(sent.every((s) => length(s) <= 16384));
      assert.ok(sent.reduce((n, s) => n + length(s), 0) > size);
    });
  }
});
