/**
 * lib/run/run.ts builds the ClientHello while TCP connects and hands its bytes to the transport at
 * once (which sends them the moment the connection is up), while the trace still tells the story
 * in wire order: Connecting, TCP connected, then the ClientHello. A connection that never comes
 * up leaves no ClientHello in the trace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTls, type RunDeps } from '../../lib/run/run';
import { nobleCrypto } from '../../lib/tls/crypto';
import type { CryptoProvider } from '../../lib/tls/crypto/provider';
import type { Step } from '../../lib/trace/schema';
import type { Transport, TransportEvent } from '../../lib/transport/types';
import { outcomeSentence, stepTitle } from '../../lib/view/stepText';

/** A transport the test drives: it records what the run does and emits what the test says. */
function scriptedTransport() {
  const log: string[] = [];
  let onEvent: ((e: TransportEvent) => void) | undefined;
  let wrote: () => void = () => {};
  const firstWrite = new Promise<void>((resolve) => (wrote = resolve));
  const transport: Transport = {
    name: 'scripted',
    open(_target, handler) {
      onEvent = handler;
      log.push('open');
      return {
        write: (bytes) => {
          log.push(`write ${bytes.length} bytes, content type ${bytes[0]}`);
          wrote();
        },
        shutdown: () => log.push('shutdown'),
        close: () => log.push('close'),
      };
    },
  };
  return { transport, log, firstWrite, emit: (e: TransportEvent) => onEvent!(e) };
}

function deps(transport: Transport, crypto: CryptoProvider = nobleCrypto, timeoutMs = 5000): RunDeps {
  return { transport, crypto, verifyCertificates: () => Promise.reject(new Error('not reached')), timeoutMs };
}

const connected: TransportEvent = { type: 'connected', remoteAddress: '127.0.0.1', remotePort: 443, connectMs: 1 };
const titles = (steps: Step[]) => steps.map((s) => stepTitle(s).replace(/ in [\d.]+ ms$/, '').replace(/, \d+ bytes$/, ''));

test('the ClientHello reaches the transport before TCP connects; the trace shows it after "TCP connected"', async () => {
  const t = scriptedTransport();
  const run = runTls({ url: 'https://example.test/' }, deps(t.transport));
  await t.firstWrite;
  assert.equal(t.log.length, 2);
  assert.equal(t.log[0], 'open');
  assert.match(t.log[1], /^write \d+ bytes, content type 22$/);
  t.emit(connected);
  t.emit({ type: 'fin' });
  t.emit({ type: 'closed', bytesSent: 0, bytesReceived: 0 });
  const trace = await run;
  assert.deepEqual(titles(trace.steps).slice(0, 4), ['Connecting to example.test:443', 'TCP connected to 127.0.0.1:443', 'ClientHello', 'Record: handshake']);
  const times = trace.steps.map((s) => s.timeMs);
  assert.deepEqual(times, [...times].sort((a, b) => a - b), 'step times never go backwards');
  assert.equal(trace.outcome, 'closed');
  assert.match(outcomeSentence(trace.outcomeCause) ?? '', /during the handshake/);
});

test('a refused connection leaves no ClientHello in the trace', async () => {
  const t = scriptedTransport();
  const run = runTls({ url: 'https://example.test/' }, deps(t.transport));
  await t.firstWrite;
  t.emit({ type: 'error', code: 'ECONNREFUSED', message: 'connect to 127.0.0.1 port 443 failed: ECONNREFUSED' });
  t.emit({ type: 'closed', bytesSent: 0, bytesReceived: 0 });
  const trace = await run;
  assert.equal(trace.outcome, 'error');
  assert.deepEqual(titles(trace.steps), ['Connecting to example.test:443', 'Connection refused (nothing listens on that port)', 'Outcome: error: Connection refused (nothing listens on that port)']);
});

test('when TCP connects before the key share is ready, the ClientHello follows as soon as it is', async () => {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const slow: CryptoProvider = { ...nobleCrypto, generateKeyShare: async (group, random) => (await gate, nobleCrypto.generateKeyShare(group, random)) };
  const t = scriptedTransport();
  const run = runTls({ url: 'https://example.test/' }, deps(t.transport, slow));
  t.emit(connected);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(t.log, ['open'], 'nothing to send before the key share exists');
  release();
  await t.firstWrite;
  t.emit({ type: 'reset' });
  t.emit({ type: 'closed', bytesSent: 0, bytesReceived: 0 });
  const trace = await run;
  assert.deepEqual(titles(trace.steps).slice(0, 4), ['Connecting to example.test:443', 'TCP connected to 127.0.0.1:443', 'ClientHello', 'Record: handshake']);
  assert.equal(trace.outcome, 'reset');
});

test('a transport that reports "connected" from inside open() still gets the ClientHello, in order', async () => {
  const written: number[] = [];
  let finish: (e: TransportEvent) => void = () => {};
  const eager: Transport = {
    name: 'eager',
    open(_target, onEvent) {
      onEvent(connected);
      finish = onEvent;
      return { write: (bytes) => written.push(bytes[0]), shutdown: () => {}, close: () => {} };
    },
  };
  const run = runTls({ url: 'https://example.test/' }, deps(eager));
  for (let i = 0; i < 100 && written.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(written, [22], 'the ClientHello record was written');
  finish({ type: 'reset' });
  finish({ type: 'closed', bytesSent: 0, bytesReceived: 0 });
  const trace = await run;
  assert.deepEqual(titles(trace.steps).slice(0, 4), ['Connecting to example.test:443', 'TCP connected to 127.0.0.1:443', 'ClientHello', 'Record: handshake']);
});

test('a run that times out while connecting says it waited for the connection, not the handshake', async () => {
  const t = scriptedTransport();
  const trace = await runTls({ url: 'https://example.test/' }, deps(t.transport, nobleCrypto, 100));
  assert.equal(trace.outcome, 'timeout');
  assert.match(outcomeSentence(trace.outcomeCause) ?? '', /waiting for the connection/);
  assert.ok(!trace.steps.some((s) => stepTitle(s) === 'ClientHello'));
  assert.ok(t.log.includes('close'));
});
