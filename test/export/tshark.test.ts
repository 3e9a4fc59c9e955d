/**
 * The pcapng export, read by Wireshark's own dissectors (tshark): real TLS runs on loopback (Node's
 * tls client and server, and the IIS renegotiation demo target) are captured as traces, exported,
 * and must open decrypted — with no key log file, only the Decryption Secrets Block inside the
 * capture — showing the handshake messages, the alerts, the HTTP request and response and the
 * TCP FIN/RST where the run saw them, with valid checksums and no TCP analysis warnings. The same
 * holds for runs of our own engine (lib/run) against the demo targets, the IIS story included.
 */
import assert from 'node:assert/strict';
import { constants as cryptoConstants } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import { traceToPcapng } from '../../lib/export/pcapng';
import { nodeRunDeps } from '../../server/runtime/nodeRun';
import { type RunRequest, runTls } from '../../lib/run/run';
import type { Trace } from '../../lib/trace/schema';
import { type RunningDemo, startDemoTargets } from '../../server/demo/start';
import type { TestPki } from '../../server/pki';
import { type Capture, captureTls } from '../helpers/capture';
import { sharedTestPki } from '../helpers/pki';
import { ensureTshark, tsharkFields, tsharkFollowTls } from './tshark';
import { outcomeSentence } from '../../lib/view/stepText';

const HANDSHAKE = { hello_request: 0, client_hello: 1, server_hello: 2, new_session_ticket: 4, encrypted_extensions: 8, certificate: 11, server_key_exchange: 12, certificate_request: 13, server_hello_done: 14, certificate_verify: 15, client_key_exchange: 16, finished: 20 };
const ALERT = { close_notify: 0, no_renegotiation: 100, certificate_required: 116 };

const FIELDS = [
  'tcp.srcport',
  'tcp.flags.syn',
  'tcp.flags.fin',
  'tcp.flags.reset',
  'tls.handshake.type',
  'tls.alert_message.level',
  'tls.alert_message.desc',
  'http.request.method',
  'http.request.uri',
  'http.response.code',
  'http.content_length',
];

let dir: string;
let pki: TestPki;
let demo: RunningDemo;
let fileCount = 0;

/** Writes the trace's pcapng export to a file and returns its path. */
async function exportCapture(trace: Trace): Promise<string> {
  const file = join(dir, `run-${++fileCount}.pcapng`);
  await writeFile(file, traceToPcapng(trace));
  return file;
}

interface Packets {
  rows: Record<string, string[]>[];
  /** Packets the server sent. */
  fromServer: Record<string, string[]>[];
  fromClient: Record<string, string[]>[];
  handshakeTypes: number[];
}

async function read(file: string, serverPort: number): Promise<Packets> {
  const rows = await tsharkFields(file, FIELDS, undefined, serverPort);
  const fromServer = rows.filter((r) => Number(r['tcp.srcport'][0]) === serverPort);
  const fromClient = rows.filter((r) => Number(r['tcp.srcport'][0]) !== serverPort);
  return { rows, fromServer, fromClient, handshakeTypes: rows.flatMap((r) => r['tls.handshake.type'].map(Number)) };
}

const values = (rows: Record<string, string[]>[], field: string) => rows.flatMap((r) => r[field]);
const flagged = (rows: Record<string, string[]>[], field: string) => rows.filter((r) => r[field][0] === 'True' || r[field][0] === '1').length;

/** Every capture must be clean TCP: good checksums, nothing Wireshark's TCP analysis complains about. */
async function assertCleanTcp(file: string, serverPort: number): Promise<void> {
  const bad = await tsharkFields(file, ['frame.number', '_ws.expert.message'], 'tcp.checksum.status != 1 || ip.checksum.status == 2 || tcp.analysis.flags || _ws.malformed', serverPort);
  assert.deepEqual(bad, [], 'no bad checksums, malformed packets or TCP analysis warnings');
}

/** A TLS server answering one HTTP/1.1 request with `body`, then closing (close_notify, FIN). */
async function httpServer(options: tls.TlsOptions, body: string, host = '127.0.0.1'): Promise<{ port: number; close: () => Promise<void> }> {
  const server = tls.createServer({ ALPNProtocols: ['http/1.1'], ...options }, (socket) => {
    let request = '';
    socket.on('data', (chunk: Buffer) => {
      request += chunk.toString('latin1');
      if (request.includes('\r\n\r\n')) socket.end(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    });
    socket.on('error', () => {});
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const request = (host: string, path: string) => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: capture-test\r\nConnection: close\r\n\r\n`;

before(async () => {
  await ensureTshark();
  dir = await mkdtemp(join(tmpdir(), 'tlspg-pcapng-'));
  pki = await sharedTestPki();
  demo = await startDemoTargets({ dataDir: join(dir, 'demo'), renegotiationTimeoutMs: 5000 });
});

after(async () => {
  await demo?.close();
  if (dir && !process.env.TLSPG_KEEP_CAPTURES) await rm(dir, { recursive: true, force: true });
});

describe('pcapng export read by tshark, decrypted by the embedded key log alone', () => {
  // Larger than one TLS record (16 KiB) and than many TCP segments: reassembly across both.
  const body = 'TLS Playground capture test. '.repeat(700);

  async function runHttp(version: 'TLSv1.3' | 'TLSv1.2'): Promise<{ capture: Capture; port: number }> {
    const server = await httpServer({ key: pki.leaves.rsa2048.keyPem, cert: pki.leaves.rsa2048.certPem + pki.intermediate.certPem }, body);
    try {
      const capture = await captureTls({
        server: { host: '127.0.0.1', port: server.port },
        url: `https://localhost:${server.port}/hello`,
        request: request('localhost', '/hello'),
        client: { servername: 'localhost', ca: pki.root.certPem, ALPNProtocols: ['http/1.1'], minVersion: version, maxVersion: version },
      });
      assert.equal(capture.protocol, version);
      assert.equal(capture.clientError, undefined);
      return { capture, port: server.port };
    } finally {
      await server.close();
    }
  }

  test('TLS 1.3: every handshake message, the HTTP exchange and both close_notify alerts, decrypted; server FIN', async () => {
    const { capture, port } = await runHttp('TLSv1.3');
    const file = await exportCapture(capture.trace);
    const p = await read(file, port);

    assert.deepEqual(p.handshakeTypes, [
      HANDSHAKE.client_hello,
      HANDSHAKE.server_hello,
      HANDSHAKE.encrypted_extensions,
      HANDSHAKE.certificate,
      HANDSHAKE.certificate_verify,
      HANDSHAKE.finished,
      HANDSHAKE.finished,
      HANDSHAKE.new_session_ticket,
      HANDSHAKE.new_session_ticket,
    ]);
    assert.deepEqual(values(p.fromClient, 'http.request.method'), ['GET']);
    assert.deepEqual(values(p.fromClient, 'http.request.uri'), ['/hello']);
    assert.deepEqual(values(p.fromServer, 'http.response.code'), ['200']);
    assert.deepEqual(values(p.fromServer, 'http.content_length'), [String(body.length)]);
    assert.deepEqual(values(p.fromServer, 'tls.alert_message.desc').map(Number), [ALERT.close_notify]);
    assert.deepEqual(values(p.fromClient, 'tls.alert_message.desc').map(Number), [ALERT.close_notify]);

    assert.equal(flagged(p.rows, 'tcp.flags.syn'), 2, 'SYN and SYN-ACK');
    assert.equal(flagged(p.fromServer, 'tcp.flags.fin'), 1);
    assert.equal(flagged(p.fromClient, 'tcp.flags.fin'), 1);
    assert.equal(flagged(p.rows, 'tcp.flags.reset'), 0);
    await assertCleanTcp(file, port);

    // The decrypted streams are exactly what the two applications wrote; the trace's http steps
    // (which carry plaintext, not wire bytes) added nothing.
    const streams = await tsharkFollowTls(file, port);
    assert.equal(streams.clientToServer.toString('latin1'), request('localhost', '/hello'));
    assert.equal(streams.serverToClient.toString('latin1'), capture.received);
  });

  test('TLS 1.2 (ECDHE, AES-GCM): handshake including both Finished, HTTP 200, close_notify, FIN', async () => {
    const { capture, port } = await runHttp('TLSv1.2');
    const file = await exportCapture(capture.trace);
    const p = await read(file, port);

    assert.deepEqual(p.handshakeTypes, [
      HANDSHAKE.client_hello,
      HANDSHAKE.server_hello,
      HANDSHAKE.certificate,
      HANDSHAKE.server_key_exchange,
      HANDSHAKE.server_hello_done,
      HANDSHAKE.client_key_exchange,
      HANDSHAKE.finished,
      HANDSHAKE.new_session_ticket,
      HANDSHAKE.finished,
    ]);
    assert.deepEqual(values(p.fromClient, 'http.request.uri'), ['/hello']);
    assert.deepEqual(values(p.fromServer, 'http.response.code'), ['200']);
    assert.deepEqual(values(p.fromServer, 'tls.alert_message.desc').map(Number), [ALERT.close_notify]);
    assert.equal(flagged(p.fromServer, 'tcp.flags.fin'), 1);
    assert.equal(flagged(p.rows, 'tcp.flags.reset'), 0);
    await assertCleanTcp(file, port);

    const streams = await tsharkFollowTls(file, port);
    assert.equal(streams.serverToClient.toString('latin1'), capture.received);
  });

  test('over IPv6 (::1): IPv6 packets, decrypted just the same', async () => {
    const server = await httpServer({ key: pki.leaves.p256.keyPem, cert: pki.leaves.p256.certPem + pki.intermediate.certPem }, body, '::1');
    let capture: Capture;
    try {
      capture = await captureTls({
        server: { host: '::1', port: server.port },
        url: `https://localhost:${server.port}/hello`,
        request: request('localhost', '/hello'),
        client: { servername: 'localhost', ca: pki.root.certPem, ALPNProtocols: ['http/1.1'] },
      });
    } finally {
      await server.close();
    }
    const file = await exportCapture(capture.trace);
    const addresses = await tsharkFields(file, ['ipv6.src', 'ipv6.dst', 'ip.src']);
    assert.ok(addresses.length > 10);
    assert.ok(addresses.every((r) => r['ipv6.src'][0] === '::1' && r['ipv6.dst'][0] === '::1' && r['ip.src'].length === 0));
    const p = await read(file, server.port);
    assert.deepEqual(values(p.fromServer, 'http.response.code'), ['200']);
    await assertCleanTcp(file, server.port);
    const streams = await tsharkFollowTls(file, server.port);
    assert.equal(streams.serverToClient.toString('latin1'), capture.received);
  });

  test('without the key log the same capture stays encrypted: the Decryption Secrets Block is what decrypts it', async () => {
    const { capture, port } = await runHttp('TLSv1.3');
    const file = await exportCapture({ ...capture.trace, keyLog: [] });
    const p = await read(file, port);
    assert.deepEqual(p.handshakeTypes, [HANDSHAKE.client_hello, HANDSHAKE.server_hello], 'only the plaintext hellos');
    assert.deepEqual(values(p.rows, 'http.request.method'), []);
    assert.deepEqual(values(p.rows, 'http.response.code'), []);
    await assertCleanTcp(file, port);
  });

  test('TLS 1.3, client certificate required but not sent: the server\'s encrypted fatal certificate_required alert, decrypted', async () => {
    const server = await httpServer(
      { key: pki.leaves.p256.keyPem, cert: pki.leaves.p256.certPem + pki.intermediate.certPem, requestCert: true, rejectUnauthorized: true, ca: pki.root.certPem },
      'never sent',
    );
    let capture: Capture;
    try {
      capture = await captureTls({
        server: { host: '127.0.0.1', port: server.port },
        url: `https://localhost:${server.port}/`,
        request: request('localhost', '/'),
        client: { servername: 'localhost', ca: pki.root.certPem, minVersion: 'TLSv1.3' },
      });
    } finally {
      await server.close();
    }
    const file = await exportCapture(capture.trace);
    const p = await read(file, server.port);
    assert.ok(p.handshakeTypes.includes(HANDSHAKE.certificate_request), 'the encrypted CertificateRequest is visible');
    assert.deepEqual(values(p.fromServer, 'tls.alert_message.level').map(Number), [2], 'fatal');
    assert.deepEqual(values(p.fromServer, 'tls.alert_message.desc').map(Number), [ALERT.certificate_required]);
    assert.deepEqual(values(p.rows, 'http.response.code'), []);
    await assertCleanTcp(file, server.port);
  });

  test('IIS renegotiation: HelloRequest after the request, warning no_renegotiation from the client, then the server\'s RST', async () => {
    const target = demo.targets.find((t) => t.name === 'iis-renegotiation');
    assert.ok(target);
    const host = 'iis-renegotiation.test';
    const capture = await captureTls({
      server: { host: target.host, port: target.port },
      url: `https://${host}/secure/`,
      request: request(host, '/secure/'),
      // OpenSSL refuses the renegotiation as rustls does: a warning no_renegotiation alert (RFC 5246 §7.2.2).
      client: { servername: host, ca: demo.ca.certPem, maxVersion: 'TLSv1.2', secureOptions: cryptoConstants.SSL_OP_NO_RENEGOTIATION },
    });
    assert.equal(capture.clientError?.code, 'ECONNRESET');
    assert.equal(capture.trace.outcome, 'reset');

    const file = await exportCapture(capture.trace);
    const p = await read(file, target.port);
    assert.equal(p.handshakeTypes.at(-1), HANDSHAKE.hello_request, 'the encrypted HelloRequest, last handshake message');
    assert.deepEqual(values(p.fromClient, 'http.request.uri'), ['/secure/']);
    assert.deepEqual(values(p.fromClient, 'tls.alert_message.level').map(Number), [1], 'warning');
    assert.deepEqual(values(p.fromClient, 'tls.alert_message.desc').map(Number), [ALERT.no_renegotiation]);
    assert.deepEqual(values(p.rows, 'http.response.code'), [], 'no response: the connection was reset');

    const last = p.rows.at(-1)!;
    assert.equal(Number(last['tcp.srcport'][0]), target.port, 'the last packet comes from the server');
    assert.equal(flagged([last], 'tcp.flags.reset'), 1, 'and it is a reset');
    assert.equal(flagged(p.rows, 'tcp.flags.reset'), 1);
    assert.equal(flagged(p.rows, 'tcp.flags.fin'), 0, 'no FIN: the connection never closed normally');
    const helloRequestRow = p.rows.findIndex((r) => r['tls.handshake.type'].includes(String(HANDSHAKE.hello_request)));
    const alertRow = p.rows.findIndex((r) => r['tls.alert_message.desc'].length > 0);
    assert.ok(helloRequestRow < alertRow, 'the alert answers the HelloRequest');
    await assertCleanTcp(file, target.port);
  });
});

describe('pcapng export of runs by our own engine (lib/run) against the demo targets', () => {
  async function engineRun(request: RunRequest): Promise<{ trace: Trace; port: number }> {
    const { req, deps } = await nodeRunDeps(request, { demoDataDir: join(dir, 'demo'), timeoutMs: 10_000 });
    const trace = await runTls(req, deps);
    const port = Number(req.connect?.split(':').at(-1));
    return { trace, port };
  }

  /** The capture's TCP payload, per direction, is exactly the run's record steps' bytes. */
  async function assertPayloadIsTheRecords(file: string, trace: Trace, port: number): Promise<void> {
    const rows = await tsharkFields(file, ['tcp.srcport', 'tcp.payload']);
    for (const [direction, fromServer] of [['client->server', true], ['server->client', false]] as const) {
      const expected = trace.steps.filter((s) => s.layer === 'record' && s.direction === direction && s.bytes).map((s) => s.bytes!.hex).join('');
      const sent = rows.filter((r) => (Number(r['tcp.srcport'][0]) === port) !== fromServer).map((r) => r['tcp.payload'].join('')).join('');
      assert.equal(sent, expected, direction);
    }
  }

  test('IIS renegotiation (rustls personality): HelloRequest, warning no_renegotiation, then RST — decrypted', async () => {
    const { trace, port } = await engineRun({ url: 'https://iis-renegotiation.test/secure/', personality: 'rustls', versions: ['TLSv1.2'] });
    assert.equal(trace.outcome, 'reset', outcomeSentence(trace.outcomeCause));
    const file = await exportCapture(trace);
    const p = await read(file, port);
    assert.equal(p.handshakeTypes.at(-1), HANDSHAKE.hello_request);
    assert.deepEqual(values(p.fromClient, 'http.request.uri'), ['/secure/']);
    assert.deepEqual(values(p.fromClient, 'tls.alert_message.level').map(Number), [1]);
    assert.deepEqual(values(p.fromClient, 'tls.alert_message.desc').map(Number), [ALERT.no_renegotiation]);
    assert.deepEqual(values(p.rows, 'http.response.code'), []);
    const last = p.rows.at(-1)!;
    assert.equal(Number(last['tcp.srcport'][0]), port);
    assert.equal(flagged([last], 'tcp.flags.reset'), 1, 'the capture ends with the server\'s RST');
    await assertCleanTcp(file, port);
    await assertPayloadIsTheRecords(file, trace, port);
  });

  test('TLS 1.3 to the tls13 target: every handshake message and the HTTP 200, decrypted', async () => {
    const { trace, port } = await engineRun({ url: 'https://tls13.test/' });
    assert.equal(trace.outcome, 'ok', outcomeSentence(trace.outcomeCause));
    const file = await exportCapture(trace);
    const p = await read(file, port);
    for (const type of [HANDSHAKE.client_hello, HANDSHAKE.server_hello, HANDSHAKE.encrypted_extensions, HANDSHAKE.certificate, HANDSHAKE.certificate_verify, HANDSHAKE.finished]) {
      assert.ok(p.handshakeTypes.includes(type), `handshake type ${type}`);
    }
    assert.equal(p.handshakeTypes.filter((t) => t === HANDSHAKE.finished).length, 2);
    assert.deepEqual(values(p.fromClient, 'http.request.method'), ['GET']);
    assert.deepEqual(values(p.fromServer, 'http.response.code'), ['200']);
    await assertCleanTcp(file, port);
    await assertPayloadIsTheRecords(file, trace, port);
  });

  test('TLS 1.2 with static RSA key exchange (legacy-tls12): the master secret decrypts CBC records too', async () => {
    const { trace, port } = await engineRun({ url: 'https://legacy-tls12.test/' });
    assert.equal(trace.outcome, 'ok', outcomeSentence(trace.outcomeCause));
    const file = await exportCapture(trace);
    const p = await read(file, port);
    assert.equal(p.handshakeTypes.filter((t) => t === HANDSHAKE.finished).length, 2, 'both encrypted Finished messages');
    assert.deepEqual(values(p.fromServer, 'http.response.code'), ['200']);
    await assertCleanTcp(file, port);
    await assertPayloadIsTheRecords(file, trace, port);
  });
});
