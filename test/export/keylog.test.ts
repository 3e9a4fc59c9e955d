/**
 * The NSS key log export: one line per secret, in the SSLKEYLOGFILE format, naming the run's
 * ClientHello random. Checked against real runs (Node's tls client through the capture proxy).
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import { keyLogText } from '../../lib/export/keylog';
import type { Trace } from '../../lib/trace/schema';
import { captureTls } from '../helpers/capture';
import { sharedTestPki } from '../helpers/pki';

let server: tls.Server;
let port: number;
let ca: string;

before(async () => {
  const pki = await sharedTestPki();
  ca = pki.root.certPem;
  server = tls.createServer({ key: pki.leaves.p256.keyPem, cert: pki.leaves.p256.certPem + pki.intermediate.certPem }, (socket) => {
    socket.on('data', () => socket.end('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n'));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function run(version: 'TLSv1.3' | 'TLSv1.2'): Promise<Trace> {
  const capture = await captureTls({
    server: { host: '127.0.0.1', port },
    url: `https://localhost:${port}/`,
    request: 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n',
    client: { servername: 'localhost', ca, minVersion: version, maxVersion: version },
  });
  assert.equal(capture.protocol, version);
  return capture.trace;
}

/** RFC 8446 §4.1.2: the 32-byte random follows the record header (5), handshake header (4) and legacy_version (2). */
function clientHelloRandom(trace: Trace): string {
  const first = trace.steps.find((s) => s.layer === 'record' && s.direction === 'client->server');
  assert.ok(first?.bytes);
  return first.bytes.hex.slice(2 * 11, 2 * 43);
}

describe('NSS key log export', () => {
  test('TLS 1.3: the five traffic secrets, each naming the ClientHello random, one newline-terminated line each', async () => {
    const trace = await run('TLSv1.3');
    const text = keyLogText(trace);
    assert.ok(text.endsWith('\n'));
    const lines = text.trimEnd().split('\n');
    assert.deepEqual(
      lines.map((l) => l.split(' ')[0]).sort(),
      ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'EXPORTER_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0'],
    );
    const random = clientHelloRandom(trace);
    // A SHA-256 or SHA-384 suite: 32- or 48-byte secrets.
    for (const line of lines) assert.match(line, new RegExp(`^[A-Z_0-9]+ ${random} (?:[0-9a-f]{64}|[0-9a-f]{96})$`));
  });

  test('TLS 1.2: one CLIENT_RANDOM line with the 48-byte master secret', async () => {
    const trace = await run('TLSv1.2');
    assert.match(keyLogText(trace), new RegExp(`^CLIENT_RANDOM ${clientHelloRandom(trace)} [0-9a-f]{96}\\n$`));
  });

  test('blank lines and stray line endings are dropped; an empty key log is an empty file', () => {
    assert.equal(keyLogText({ keyLog: ['CLIENT_RANDOM aa bb\n', '', '  ', 'X 01 02\r\nY 03 04'] }), 'CLIENT_RANDOM aa bb\nX 01 02\nY 03 04\n');
    assert.equal(keyLogText({ keyLog: [] }), '');
  });

  test('a resumed run: the first connection’s lines, then the second’s (each keyed by its own client random)', () => {
    const first = { keyLog: ['CLIENT_RANDOM 01 aa'] };
    assert.equal(keyLogText({ keyLog: ['CLIENT_RANDOM 02 aa'], firstConnection: first }), 'CLIENT_RANDOM 01 aa\nCLIENT_RANDOM 02 aa\n');
  });
});
