/**
 * Mutation fuzzing of everything a server sends. A real handshake + HTTP exchange with a Node TLS
 * server (TLS 1.3; TLS 1.3 after a HelloRetryRequest; TLS 1.3 with ALPN; TLS 1.2 with AES-GCM;
 * TLS 1.2 with CBC; TLS 1.2 offering no optional extension) is recorded once, with the client's randomness and clock injected, so it can be replayed byte for
 * byte into a fresh engine. Then hundreds of seeded mutations of the server's bytes are replayed:
 * - nothing escapes the engine as an exception, and every replay settles (no hang);
 * - every annotation stays inside its step's bytes, whatever the bytes were;
 * - a failure always names its alert, and the client's own failures send it as fatal;
 * - any change to a byte outside the record headers ends the connection with the client's alert
 *   (in a protected record: bad_record_mac): no mutated stream is ever accepted.
 * Structural mutations also join neighbouring records (messages sharing a record across a key
 * change). The seed is fixed, so a failure reproduces; FUZZ_SEED and FUZZ_ROUNDS explore further.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { createCertificateVerifier } from '../../lib/run/certificates';
import { buildClientOptions, parseTarget, type RunRequest } from '../../lib/run/run';
import { TlsClient } from '../../lib/tls/client/client';
import type { ClientOptions } from '../../lib/tls/client/options';
import { createWebCrypto } from '../../lib/tls/crypto/webcrypto';
import type { StepContent } from '../../lib/tls/events';
import { concat } from '../../lib/tls/wire/bytes';
import type { Field } from '../../lib/tls/wire/field';
import { RootStore } from '../../lib/tls/x509/roots';
import type { TestPki } from '../../server/pki/testPki';
import { sharedTestPki } from '../helpers/pki';
import { LOOPBACK, startNodeHttpsServer, type RunningServer } from '../helpers/tlsServers';
import { seeded } from '../helpers/seeded';
import { stepTitle } from '../../lib/view/stepText';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 250);
const REPLAY_LIMIT_MS = 10_000;

/** The client's randomness: the same bytes in the same order on every run, so replays match the recording. */
function replayableRandom(): (n: number) => Uint8Array {
  const next = seeded(42);
  return (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
}

interface Scenario {
  name: string;
  request: Omit<RunRequest, 'url'>;
  keyType: 'p256' | 'rsa2048';
  version: 'TLSv1.3' | 'TLSv1.2';
  /** Extra server settings (e.g. its only group, to force a HelloRetryRequest; its ALPN protocols). */
  server?: { ecdhCurve?: string; ALPNProtocols?: string[] };
  /** A step title the recording must contain, proving the scenario happened. */
  shows?: string;
}

const SCENARIOS: Scenario[] = [
  { name: 'TLS 1.3, AES-128-GCM, ECDSA', request: { versions: ['TLSv1.3'], cipherSuites: ['TLS_AES_128_GCM_SHA256'], groups: ['x25519'] }, keyType: 'p256', version: 'TLSv1.3' },
  {
    name: 'TLS 1.3 after a HelloRetryRequest (the server wants secp384r1)',
    request: { versions: ['TLSv1.3'], cipherSuites: ['TLS_AES_256_GCM_SHA384'], groups: ['x25519', 'secp384r1'] },
    keyType: 'p256',
    version: 'TLSv1.3',
    server: { ecdhCurve: 'P-384' },
    shows: 'HelloRetryRequest: retry with secp384r1',
  },
  {
    name: 'TLS 1.2, ECDHE-ECDSA AES-128-GCM',
    request: { versions: ['TLSv1.2'], cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'], groups: ['secp256r1'] },
    keyType: 'p256',
    version: 'TLSv1.2',
  },
  {
    name: 'TLS 1.2, ECDHE-RSA AES-128-CBC-SHA',
    request: { versions: ['TLSv1.2'], cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'], groups: ['x25519'] },
    keyType: 'rsa2048',
    version: 'TLSv1.2',
  },
  // Seeds for the strictness rules (docs/strictness.md): an ALPN answer in EncryptedExtensions
  // (one protocol, RFC 7301 §3.1; extension placement, RFC 8446 §4.2), and a TLS 1.2 ClientHello
  // that offers none of the optional extensions, so any that a mutation makes appear in the
  // ServerHello is unsolicited (RFC 5246 §7.4.1.4); its CBC records are MAC-then-encrypt.
  {
    name: 'TLS 1.3 with ALPN answered in EncryptedExtensions',
    request: { versions: ['TLSv1.3'], cipherSuites: ['TLS_CHACHA20_POLY1305_SHA256'], groups: ['x25519'], alpn: ['h2', 'http/1.1'] },
    keyType: 'p256',
    version: 'TLSv1.3',
    server: { ALPNProtocols: ['http/1.1'] },
  },
  {
    name: 'TLS 1.2 offering no optional extension (no EMS, renegotiation_info, encrypt_then_mac or ticket), CBC MAC-then-encrypt',
    request: {
      versions: ['TLSv1.2'],
      cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384'],
      groups: ['secp256r1'],
      tls12Off: ['extended_master_secret', 'renegotiation_info', 'encrypt_then_mac', 'session_ticket'],
    },
    keyType: 'p256',
    version: 'TLSv1.2',
  },
];

const crypto = createWebCrypto(globalThis.crypto.subtle, { replayableKeyShares: true });
const REQUEST = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');

interface Outcome {
  state: TlsClient['state'];
  failure: TlsClient['failure'];
  peerClosed: boolean;
  handshakeDone: boolean;
  steps: StepContent[];
  /** The application data the client accepted. */
  received: number;
}

function makeClient(options: ClientOptions, verify: ReturnType<typeof createCertificateVerifier>, now: number, send: (b: Uint8Array) => void) {
  const steps: StepContent[] = [];
  let received = 0;
  const client = new TlsClient(
    options,
    { crypto, random: replayableRandom(), now: () => now, verifyCertificates: verify },
    { send, step: (s) => steps.push(s), applicationData: (b) => (received += b.length), keyLog: () => {} },
  );
  let requested = false;
  /** After every engine call: send the request once, as lib/run does. */
  const after = async () => {
    if (client.state === 'connected' && !requested) {
      requested = true;
      await client.send(REQUEST);
    }
  };
  // A replay may carry the server's Finished and its response in one piece: the handshake can
  // complete and the connection close within one call.
  const handshakeDone = () => steps.some((s) => stepTitle(s) === 'Handshake complete');
  const outcome = (): Outcome => ({ state: client.state, failure: client.failure, peerClosed: client.peerClosed, handshakeDone: handshakeDone(), steps, received });
  return { client, after, outcome };
}

/** One live run over loopback, keeping the server's bytes exactly as they arrived. */
async function record(port: number, options: ClientOptions, verify: ReturnType<typeof createCertificateVerifier>, now: number): Promise<{ chunks: Uint8Array[]; outcome: Outcome }> {
  const chunks: Uint8Array[] = [];
  const socket = netConnect({ host: LOOPBACK, port, allowHalfOpen: true });
  const { client, after, outcome } = makeClient(options, verify, now, (b) => socket.write(b));
  let chain: Promise<void> = Promise.resolve();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the recording did not finish within 10 s')), 10_000);
    const done = () => {
      clearTimeout(timer);
      chain.then(() => resolve(), reject);
    };
    socket.on('connect', () => (chain = chain.then(() => client.start()).then(after)));
    socket.on('data', (d: Buffer) => {
      chunks.push(new Uint8Array(d));
      chain = chain.then(() => client.receive(new Uint8Array(d))).then(after);
    });
    socket.on('end', done);
    socket.on('error', done);
    socket.on('close', done);
  });
  socket.destroy();
  return { chunks, outcome: outcome() };
}

/** Feeds server bytes into a fresh engine, chunk by chunk, as the socket delivered them. */
async function replay(chunks: Uint8Array[], options: ClientOptions, verify: ReturnType<typeof createCertificateVerifier>, now: number): Promise<Outcome> {
  const { client, after, outcome } = makeClient(options, verify, now, () => {});
  const work = (async () => {
    await client.start();
    await after();
    for (const chunk of chunks) {
      await client.receive(chunk);
      await after();
    }
    return outcome();
  })();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`a replay did not settle within ${REPLAY_LIMIT_MS} ms`)), REPLAY_LIMIT_MS)));
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every field lies inside its parent, and the top one inside the step's bytes. */
function checkField(field: Field, start: number, end: number, path: string): void {
  const where = `${path}/${field.name}`;
  assert.ok(Number.isInteger(field.offset) && Number.isInteger(field.length) && field.length >= 0, `${where}: offset ${field.offset}, length ${field.length}`);
  assert.ok(field.offset >= start && field.offset + field.length <= end, `${where}: [${field.offset}, ${field.offset + field.length}) outside [${start}, ${end})`);
  for (const child of field.children ?? []) checkField(child, field.offset, field.offset + field.length, where);
}

function checkSteps(steps: StepContent[]): void {
  for (const step of steps) {
    for (const part of [step.bytes, step.plaintext]) {
      if (!part) continue;
      assert.match(part.hex, /^([0-9a-f]{2})*$/, `${stepTitle(step)}: hex`);
      if (part.field) checkField(part.field, 0, part.hex.length / 2, stepTitle(step));
    }
  }
}

/** The byte ranges of the record headers in the server's stream (a mutation there may be harmless). */
function headerBytes(stream: Uint8Array): Set<number> {
  const out = new Set<number>();
  for (let off = 0; off + 5 <= stream.length; off += 5 + ((stream[off + 3] << 8) | stream[off + 4])) {
    for (let i = 0; i < 5; i++) out.add(off + i);
  }
  return out;
}

/** Cuts `stream` at the recording's chunk boundaries (clamped to its new length). */
function rechunk(stream: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let off = 0;
  for (const size of sizes) {
    if (off >= stream.length) break;
    out.push(stream.slice(off, off + size));
    off += size;
  }
  if (off < stream.length) out.push(stream.slice(off));
  return out;
}

function describeOutcome(o: Outcome): string {
  return `state ${o.state}${o.failure ? ` (${o.failure.by} ${o.failure.alert}: ${o.failure.message})` : ''}, steps: ${o.steps.map((s) => stepTitle(s)).join(' | ')}`;
}

/** What holds for every replay, whatever was done to the bytes. */
function checkInvariants(o: Outcome, what: string): void {
  checkSteps(o.steps);
  if (o.state === 'failed') {
    assert.ok(o.failure, `${what}: failed without a failure`);
    assert.ok(o.failure.by === 'server' || o.failure.alert, `${what}: the client failed without an alert: ${describeOutcome(o)}`);
    if (o.failure.by === 'client') {
      assert.ok(
        o.steps.some((s) => s.direction === 'client->server' && s.layer === 'alert' && /\(fatal\)$/.test(stepTitle(s))),
        `${what}: the client failed but sent no fatal alert: ${describeOutcome(o)}`,
      );
    }
  }
}

let pki: TestPki;
let verify: ReturnType<typeof createCertificateVerifier>;
const servers: RunningServer[] = [];

before(async () => {
  pki = await sharedTestPki();
  verify = createCertificateVerifier({ roots: new RootStore([pki.root.certDer], 'user-ca'), crypto });
});

after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

for (const [index, scenario] of SCENARIOS.entries()) {
  describe(`fuzz: ${scenario.name}`, () => {
    let options: ClientOptions;
    let chunks: Uint8Array[];
    let stream: Uint8Array;
    let headers: Set<number>;
    const now = Date.now();

    before(async () => {
      const leaf = pki.leaves[scenario.keyType];
      const server = await startNodeHttpsServer(
        {
          key: await readFile(leaf.keyPath),
          cert: (await readFile(leaf.certPath, 'utf8')) + (await readFile(pki.intermediate.certPath, 'utf8')),
          minVersion: scenario.version,
          maxVersion: scenario.version,
          ...scenario.server,
        },
        (_req, res) => {
          res.setHeader('Connection', 'close');
          res.end('fuzzing target: a short, fixed body\n');
        },
      );
      servers.push(server);
      const url = `https://localhost:${server.port}/`;
      options = buildClientOptions({ url, ...scenario.request }, parseTarget(url));
      const recorded = await record(server.port, options, verify, now);
      assert.ok(recorded.outcome.handshakeDone && recorded.outcome.received > 0, `the recording did not complete: ${describeOutcome(recorded.outcome)}`);
      if (scenario.shows) assert.ok(recorded.outcome.steps.some((st) => stepTitle(st) === scenario.shows), `the recording has no "${scenario.shows}": ${describeOutcome(recorded.outcome)}`);
      chunks = recorded.chunks;
      stream = concat(...chunks);
      headers = headerBytes(stream);
    });

    test('control: replaying the recording gives the recorded run', async () => {
      const again = await replay(chunks, options, verify, now);
      checkInvariants(again, 'control');
      assert.ok(again.handshakeDone, describeOutcome(again));
      assert.ok(again.received > 0, describeOutcome(again));
      assert.notEqual(again.state, 'failed', describeOutcome(again));
      assert.equal(again.steps.filter((s) => s.direction === 'server->client').length > 5, true);
    });

    test(`${ROUNDS} single-byte changes outside record headers each end in the client's alert`, async () => {
      const random = seeded(SEED + index);
      const sizes = chunks.map((c) => c.length);
      const alerts = new Map<string, number>();
      for (let round = 0; round < ROUNDS; round++) {
        let offset: number;
        do offset = Math.floor(random() * stream.length);
        while (headers.has(offset));
        const mutated = stream.slice();
        mutated[offset] ^= 1 << Math.floor(random() * 8);
        const what = `round ${round}: bit flip at byte ${offset} of ${stream.length}`;
        const o = await replay(rechunk(mutated, sizes), options, verify, now);
        checkInvariants(o, what);
        assert.equal(o.state, 'failed', `${what}: the mutated stream was accepted: ${describeOutcome(o)}`);
        assert.equal(o.failure?.by, 'client', `${what}: ${describeOutcome(o)}`);
        alerts.set(String(o.failure?.alert), (alerts.get(String(o.failure?.alert)) ?? 0) + 1);
        if (o.handshakeDone) {
          // Past the handshake everything is protected: only the record's integrity check can object.
          assert.equal(o.failure?.alert, 'bad_record_mac', `${what}: ${describeOutcome(o)}`);
        }
      }
      // A flip in protected bytes is the common case; it must show up as bad_record_mac.
      assert.ok((alerts.get('bad_record_mac') ?? 0) > 0, `alerts seen: ${JSON.stringify(Object.fromEntries(alerts))}`);
    });

    test(`${ROUNDS} structural mutations (headers, lengths, cuts, insertions, deletions, splits) never escape or hang`, async () => {
      const random = seeded(SEED * 31 + index);
      const pick = (n: number) => Math.floor(random() * n);
      for (let round = 0; round < ROUNDS; round++) {
        let mutated: Uint8Array;
        let what: string;
        const kind = pick(8);
        const at = pick(stream.length);
        switch (kind) {
          case 0: {
            // A record header byte: type, version or length.
            const headerOffsets = [...headers];
            const h = headerOffsets[pick(headerOffsets.length)];
            mutated = stream.slice();
            mutated[h] = pick(256);
            what = `header byte ${h} set to ${mutated[h]}`;
            break;
          }
          case 1: {
            // A length field anywhere: two bytes nudged by a small amount.
            mutated = stream.slice();
            const delta = [1, -1, 2, -3, 0x100, -0x100][pick(6)];
            const v = (((mutated[at] << 8) | mutated[at + 1]) + delta) & 0xffff;
            mutated[at] = v >> 8;
            if (at + 1 < mutated.length) mutated[at + 1] = v & 0xff;
            what = `16-bit value at ${at} changed by ${delta}`;
            break;
          }
          case 2:
            mutated = stream.slice(0, at);
            what = `cut after ${at} bytes`;
            break;
          case 3: {
            const extra = Uint8Array.from({ length: 1 + pick(40) }, () => pick(256));
            mutated = concat(stream.subarray(0, at), extra, stream.subarray(at));
            what = `${extra.length} random bytes inserted at ${at}`;
            break;
          }
          case 4: {
            const n = 1 + pick(64);
            mutated = concat(stream.subarray(0, at), stream.subarray(at + n));
            what = `${n} bytes deleted at ${at}`;
            break;
          }
          case 5: {
            const n = 1 + pick(200);
            mutated = concat(stream.subarray(0, at + n), stream.subarray(at, at + n), stream.subarray(at + n));
            what = `${n} bytes at ${at} repeated`;
            break;
          }
          case 6: {
            // Two neighbouring records of the same outer type joined into one: messages now share
            // a record, possibly across a key change (RFC 8446 §5.1).
            const starts = [...headers].filter((h, i, all) => i === 0 || h !== all[i - 1] + 1);
            const i = pick(Math.max(1, starts.length - 1));
            const a = starts[i];
            const b = starts[i + 1];
            if (b === undefined || stream[a] !== stream[b]) {
              mutated = stream.slice();
              what = 'no neighbouring records of one type to join';
              break;
            }
            const joined = ((stream[a + 3] << 8) | stream[a + 4]) + ((stream[b + 3] << 8) | stream[b + 4]);
            mutated = concat(stream.subarray(0, a + 3), new Uint8Array([joined >> 8, joined & 0xff]), stream.subarray(a + 5, b), stream.subarray(b + 5));
            what = `records at ${a} and ${b} joined into one`;
            break;
          }
          default: {
            // The original bytes in random pieces: the result must not depend on how TCP cut them.
            const pieces: number[] = [];
            for (let left = stream.length; left > 0; ) {
              const n = Math.min(left, 1 + pick(300));
              pieces.push(n);
              left -= n;
            }
            const o = await replay(rechunk(stream, pieces), options, verify, now);
            checkInvariants(o, `round ${round}: split into ${pieces.length} pieces`);
            assert.notEqual(o.state, 'failed', `round ${round}: the original bytes, split differently, failed: ${describeOutcome(o)}`);
            assert.ok(o.handshakeDone && o.received > 0, describeOutcome(o));
            continue;
          }
        }
        const o = await replay(rechunk(mutated, chunks.map((c) => c.length)), options, verify, now);
        checkInvariants(o, `round ${round}: ${what}`);
      }
    });
  });
}
