/**
 * WebSocket framing fuzz: clients that complete a real upgrade and then send frames no browser
 * would (reserved bits, unknown opcodes, unmasked frames, oversized or fragmented control frames,
 * continuations without a start, 64-bit lengths far past the limit, truncated headers, raw bytes),
 * several at a time. The relay must stay up, close every malformed session with the right code (an
 * incomplete frame is waited for), forward none of those bytes to a server, end every such session,
 * and keep carrying a witness session's bytes both ways throughout. The seed is fixed: FUZZ_SEED and
 * FUZZ_ROUNDS explore further, FUZZ_VERBOSE=1 prints what the relay did with each kind of input.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { RELAY_SUBPROTOCOL } from '../../lib/transport/relayProtocol';
import { CLIENT_HELLO_RECORD, startWitnessedRelay, waitFor, Witness, type TestRelay } from './helpers';
import { seeded } from '../helpers/seeded';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 250);
const MAX_FRAME = 4096;
/** How long a fuzzing client waits for the relay's verdict before hanging up itself. */
const SETTLE_MS = 300;

interface FrameSpec {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Buffer;
  /** The length the header announces, when it differs from the payload sent (a lie). */
  announced?: number;
  /** Force a length encoding (7-bit, 16-bit or 64-bit), even a non-minimal one. */
  encoding?: 7 | 16 | 64;
}

/** Encodes a client frame (RFC 6455 §5.2) exactly as specified, however wrong that is. */
function frame(spec: FrameSpec, random: () => number): Buffer {
  const length = spec.announced ?? spec.payload.length;
  const encoding = spec.encoding ?? (length < 126 ? 7 : length < 65536 ? 16 : 64);
  const head: number[] = [(spec.fin ? 0x80 : 0) | ((spec.rsv & 7) << 4) | (spec.opcode & 0x0f)];
  const maskBit = spec.masked ? 0x80 : 0;
  if (encoding === 7) head.push(maskBit | Math.min(length, 125));
  else if (encoding === 16) head.push(maskBit | 126, (length >> 8) & 0xff, length & 0xff);
  else {
    head.push(maskBit | 127);
    const big = BigInt(length);
    for (let i = 7; i >= 0; i--) head.push(Number((big >> BigInt(i * 8)) & 0xffn));
  }
  const mask = Buffer.from([0, 0, 0, 0].map(() => Math.floor(random() * 256)));
  const body = Buffer.from(spec.payload);
  if (spec.masked) for (let i = 0; i < body.length; i++) body[i] ^= mask[i & 3];
  return Buffer.concat([Buffer.from(head), spec.masked ? mask : Buffer.alloc(0), body]);
}

/** One malformed (or, now and then, well-formed) client input, and what it is for the messages. */
function fuzzInput(random: () => number): { bytes: Buffer; what: string } {
  const pick = (n: number) => Math.floor(random() * n);
  const bytesOf = (n: number) => Buffer.from(Array.from({ length: n }, () => pick(256)));
  const hello = () => Buffer.concat([CLIENT_HELLO_RECORD, bytesOf(pick(60))]);
  const good = (): FrameSpec => ({ fin: true, rsv: 0, opcode: 2, masked: true, payload: hello() });
  const kinds: [string, () => FrameSpec[] | Buffer][] = [
    ['reserved bits set', () => [{ ...good(), rsv: 1 + pick(7) }]],
    ['an unknown opcode', () => [{ ...good(), opcode: [3, 4, 5, 6, 7, 11, 12, 13, 14, 15][pick(10)] }]],
    ['an unmasked client frame', () => [{ ...good(), masked: false }]],
    ['a control frame over 125 bytes', () => [{ fin: true, rsv: 0, opcode: [8, 9, 10][pick(3)], masked: true, payload: bytesOf(126 + pick(200)), encoding: 16 }]],
    ['a fragmented control frame', () => [{ fin: false, rsv: 0, opcode: 9, masked: true, payload: bytesOf(pick(10)) }]],
    ['a continuation without a start', () => [{ ...good(), opcode: 0 }]],
    ['a new data frame inside a fragmented message', () => [{ ...good(), fin: false }, good()]],
    ['a 64-bit length past the frame limit', () => [{ ...good(), announced: MAX_FRAME + 1 + pick(2 ** 30), encoding: 64 }]],
    ['a 64-bit length with the top bit set', () => [{ ...good(), announced: 2 ** 53 - 1, encoding: 64 }]],
    ['a frame bigger than the limit', () => [{ ...good(), payload: Buffer.concat([hello(), bytesOf(MAX_FRAME + 1)]) }]],
    ['a header cut short', () => frame(good(), random).subarray(0, 1 + pick(5))],
    ['a payload shorter than announced', () => frame({ ...good(), announced: 200, encoding: 16 }, random)],
    ['a close frame with a 1-byte body', () => [{ fin: true, rsv: 0, opcode: 8, masked: true, payload: bytesOf(1) }]],
    ['a close frame with an invalid code', () => [{ fin: true, rsv: 0, opcode: 8, masked: true, payload: Buffer.from([0x03, pick(0xe8)]) }]],
    ['a text frame of invalid UTF-8', () => [{ fin: true, rsv: 0, opcode: 1, masked: true, payload: Buffer.from([0xc3, 0x28, 0xff]) }]],
    ['random bytes', () => bytesOf(1 + pick(300))],
    ['a ping then reserved bits', () => [{ fin: true, rsv: 0, opcode: 9, masked: true, payload: bytesOf(4) }, { ...good(), rsv: 4 }]],
  ];
  const [what, make] = kinds[pick(kinds.length)];
  const made = make();
  return { bytes: Buffer.isBuffer(made) ? made : Buffer.concat(made.map((f) => frame(f, random))), what };
}

/** What the relay did with one fuzzing client. */
interface Verdict {
  upgraded: boolean;
  /** The close code of the relay's close frame, if it sent one. */
  closeCode?: number;
  /** The relay closed the TCP connection (rather than the client giving up). */
  closedByRelay: boolean;
}

/** A raw client: a real upgrade request, then `input` as is. */
function fuzzSession(port: number, input: Buffer): Promise<Verdict> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    let upgraded = false;
    let closedByRelay = false;
    // The upgrade gets a loaded machine's time; the settle window starts once the input is sent.
    let giveUp = setTimeout(() => socket.destroy(), 10_000);
    socket.on('connect', () =>
      socket.write(
        [
          'GET /relay?host=echo.test&port=443 HTTP/1.1',
          `Host: 127.0.0.1:${port}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Version: 13',
          `Sec-WebSocket-Protocol: ${RELAY_SUBPROTOCOL}`,
          '',
          '',
        ].join('\r\n'),
      ),
    );
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!upgraded) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        upgraded = received.subarray(0, 12).toString() === 'HTTP/1.1 101';
        received = received.subarray(end + 4);
        if (upgraded) {
          socket.write(input);
          clearTimeout(giveUp);
          giveUp = setTimeout(() => socket.destroy(), SETTLE_MS);
        }
      }
    });
    socket.on('end', () => {
      closedByRelay = true;
      socket.end();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ upgraded, closeCode: closeCodeIn(received), closedByRelay });
    });
  });
}

/** The code of the first close frame among the relay's (unmasked) frames, if any. */
function closeCodeIn(bytes: Buffer): number | undefined {
  let off = 0;
  while (off + 2 <= bytes.length) {
    const opcode = bytes[off] & 0x0f;
    let length = bytes[off + 1] & 0x7f;
    let header = 2;
    if (length === 126) {
      length = bytes.readUInt16BE(off + 2);
      header = 4;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(off + 2));
      header = 10;
    }
    if (opcode === 8) return length >= 2 && off + header + 2 <= bytes.length ? bytes.readUInt16BE(off + header) : 1005;
    off += header + length;
  }
  return undefined;
}

describe('relay: WebSocket framing fuzz', () => {
  let stage: Awaited<ReturnType<typeof startWitnessedRelay>>;
  let relay: TestRelay;
  let witness: Witness;
  /** Bytes the echo server received (the witness's included; see the test that reads them). */
  const serverSaw: Buffer[] = [];

  before(async () => {
    stage = await startWitnessedRelay({ maxFrameBytes: MAX_FRAME, maxSessionsPerClient: 200, newSessionsPerMinute: 1_000_000, demoSessionsPerMinute: 1_000_000 }, {}, (d) => serverSaw.push(d));
    ({ relay, witness } = stage);
  });

  after(() => stage.close());

  test(`${ROUNDS} malformed clients, four at a time: each is closed, none reaches the server with a bad frame, the witness carries on`, async () => {
    const random = seeded(SEED);
    const seen = new Map<string, Set<string>>();
    for (let round = 0; round < ROUNDS; round += 4) {
      const inputs = Array.from({ length: Math.min(4, ROUNDS - round) }, () => fuzzInput(random));
      const verdicts = await Promise.all(inputs.map((input) => fuzzSession(relay.relay.port, input.bytes)));
      verdicts.forEach((v, i) => {
        const what = `round ${round + i}: ${inputs[i].what} (${inputs[i].bytes.subarray(0, 24).toString('hex')}…)`;
        assert.ok(v.upgraded, `${what}: the upgrade itself failed`);
        const outcomes = seen.get(inputs[i].what) ?? seen.set(inputs[i].what, new Set()).get(inputs[i].what)!;
        outcomes.add(v.closeCode !== undefined ? `close ${v.closeCode}` : v.closedByRelay ? 'dropped' : 'still open');
      });
      await witness.assertAlive();
    }
    // Every fuzzing session has ended on the relay's side; only the witness is left.
    await waitFor(() => relay.relay.activeSessions() === 1, 3000, 'only the witness left');
    // Malformed framing is refused by the WebSocket layer: 1002 (protocol error), 1007 (bad UTF-8)
    // or 1009 (too big). A frame that is merely incomplete is waited for (the idle timeout ends it).
    const expected: Record<string, string> = {
      'a text frame of invalid UTF-8': 'close 1007',
      'a 64-bit length past the frame limit': 'close 1009',
      'a 64-bit length with the top bit set': 'close 1009',
      'a frame bigger than the limit': 'close 1009',
      'a header cut short': 'still open',
      'a payload shorter than announced': 'still open',
      'random bytes': '',
    };
    for (const [kind, outcomes] of seen) {
      const want = expected[kind] ?? 'close 1002';
      if (want) assert.deepEqual([...outcomes], [want], `${kind}: ${[...outcomes].join(', ')}`);
    }
    if (process.env.FUZZ_VERBOSE) console.log(JSON.stringify(Object.fromEntries([...seen].map(([k, v]) => [k, [...v]])), null, 1));
    assert.ok(seen.size >= 12, `only ${seen.size} kinds of input came up`);
  });

  test('the server saw only ClientHello-shaped bytes: nothing from a refused frame was forwarded', () => {
    // The witness sends CLIENT_HELLO_RECORD and its "still-here-N;" tokens; fuzzing sessions can only
    // get bytes through in well-formed binary frames that start like a ClientHello.
    for (const chunk of serverSaw) {
      const text = chunk.toString('latin1');
      if (/^(still-here-\d+;)+$/.test(text)) continue;
      assert.equal(chunk[0], 0x16, `a chunk that does not start with a handshake record: ${chunk.subarray(0, 16).toString('hex')}`);
    }
  });

  test('after the fuzzing, a new session still works end to end', async () => {
    const fresh = new Witness(relay);
    await fresh.open();
    await fresh.assertAlive();
    fresh.close();
  });
});
