/**
 * The pcapng export, byte by byte: block layout, the Decryption Secrets Block, and the synthesized
 * TCP conversation (three-way handshake, sequence and acknowledgment numbers, segmentation at the
 * MSS, PSH, ACKs, FIN, RST, checksums, timestamps, IPv4 and IPv6).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { keyLogText } from '../../lib/export/keylog';
import {
  CLIENT_ISN,
  CLIENT_PORT,
  LINKTYPE_RAW,
  MSS_IPV4,
  MSS_IPV6,
  SERVER_ISN,
  type SynthesizedPacket,
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  internetChecksum,
  parseIpAddress,
  synthesizePackets,
  traceToPcapng,
} from '../../lib/export/pcapng';
import { TraceRecorder } from '../../lib/trace/recorder';
import type { StepContent, Trace } from '../../lib/trace/schema';
import { runOptions } from '../helpers/runOptions';

// ---------------------------------------------------------------------------------------------
// Fixtures: traces built with the real recorder and a clock the test controls.

const STARTED_AT_MS = Date.UTC(2025, 0, 2, 3, 4, 5, 678);

type TimedStep = StepContent & { atMs: number };

function traceOf(steps: TimedStep[], keyLog: string[] = []): Trace {
  let now = STARTED_AT_MS;
  const recorder = new TraceRecorder(
    runOptions({ url: 'https://example.test/' }),
    { name: 'tls-playground', version: 'test', crypto: 'noble' },
    () => now,
  );
  for (const { atMs, ...content } of steps) {
    now = STARTED_AT_MS + atMs;
    recorder.add(content);
  }
  recorder.trace.keyLog.push(...keyLog);
  return recorder.trace;
}

const connected = (atMs: number, remoteAddress = '203.0.113.10', remotePort = 443, connectMs = 12): TimedStep => ({
  atMs,
  direction: 'local',
  layer: 'tcp',
  kind: 'transport',
  data: { event: 'connected', remoteAddress, remotePort, connectMs },
});
const recordData = (length: number) => ({ contentType: 'application_data', outerContentType: 23, protectedBy: null, encrypted: false, contentLength: length - 5 });
const record = (atMs: number, direction: 'client->server' | 'server->client', length: number, fill = 0x17): TimedStep => ({
  atMs,
  direction,
  layer: 'record',
  kind: 'record',
  data: recordData(length),
  bytes: { hex: Buffer.alloc(length, fill).toString('hex') },
});
const tcpEvent = (atMs: number, event: 'fin' | 'reset' | 'close' | 'shutdown'): TimedStep => ({
  atMs,
  direction: event === 'fin' || event === 'reset' ? 'server->client' : 'client->server',
  layer: 'tcp',
  kind: 'transport',
  data: { event },
});

// ---------------------------------------------------------------------------------------------
// Decoding helpers (written against the specs, independent of the encoder).

interface DecodedPacket {
  version: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  mss?: number;
  payload: Buffer;
}

function decodePacket(data: Uint8Array): DecodedPacket {
  const b = Buffer.from(data);
  const version = b[0] >> 4;
  const headerLength = version === 4 ? (b[0] & 0x0f) * 4 : 40;
  const src = version === 4 ? [...b.subarray(12, 16)].join('.') : b.subarray(8, 24).toString('hex');
  const dst = version === 4 ? [...b.subarray(16, 20)].join('.') : b.subarray(24, 40).toString('hex');
  const tcp = b.subarray(headerLength);
  const dataOffset = (tcp[12] >> 4) * 4;
  const mss = dataOffset > 20 && tcp[20] === 2 ? tcp.readUInt16BE(22) : undefined;
  return {
    version,
    src,
    dst,
    srcPort: tcp.readUInt16BE(0),
    dstPort: tcp.readUInt16BE(2),
    seq: tcp.readUInt32BE(4),
    ack: tcp.readUInt32BE(8),
    flags: tcp[13],
    mss,
    payload: tcp.subarray(dataOffset),
  };
}

/** A packet's checksums verify: the one's complement sum over header (and pseudo-header) is all ones. */
function checksumsVerify(data: Uint8Array): boolean {
  const b = Buffer.from(data);
  if (b[0] >> 4 === 4) {
    const tcp = b.subarray(20);
    const pseudo = Buffer.concat([b.subarray(12, 20), Buffer.from([0, 6]), Buffer.from([tcp.length >> 8, tcp.length & 0xff])]);
    return internetChecksum(b.subarray(0, 20)) === 0 && internetChecksum(pseudo, tcp) === 0 && b.readUInt16BE(2) === b.length;
  }
  const tcp = b.subarray(40);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(tcp.length);
  const pseudo = Buffer.concat([b.subarray(8, 40), length, Buffer.from([0, 0, 0, 6])]);
  return internetChecksum(pseudo, tcp) === 0 && b.readUInt16BE(4) === tcp.length;
}

interface Block {
  type: number;
  body: Buffer;
}

/** Splits a little-endian pcapng file into blocks, checking each block's framing. */
function blocks(file: Uint8Array): Block[] {
  const b = Buffer.from(file);
  const out: Block[] = [];
  let offset = 0;
  while (offset < b.length) {
    const type = b.readUInt32LE(offset);
    const length = b.readUInt32LE(offset + 4);
    assert.equal(length % 4, 0, 'block lengths are multiples of 4');
    assert.equal(b.readUInt32LE(offset + length - 4), length, 'the trailing length repeats the leading one');
    out.push({ type, body: b.subarray(offset + 8, offset + length - 4) });
    offset += length;
  }
  assert.equal(offset, b.length);
  return out;
}

function options(b: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let offset = 0;
  while (offset + 4 <= b.length) {
    const code = b.readUInt16LE(offset);
    const length = b.readUInt16LE(offset + 2);
    if (code === 0) break;
    out.set(code, b.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length + ((4 - (length % 4)) % 4);
  }
  return out;
}

const flagNames = (flags: number) =>
  [
    [TCP_SYN, 'SYN'],
    [TCP_FIN, 'FIN'],
    [TCP_RST, 'RST'],
    [TCP_PSH, 'PSH'],
    [TCP_ACK, 'ACK'],
  ]
    .filter(([bit]) => flags & (bit as number))
    .map(([, name]) => name)
    .join('+');

/** seq/ack relative to each side's ISN, as Wireshark shows them. */
function relative(packets: SynthesizedPacket[]) {
  return packets.map((p) => {
    const d = decodePacket(p.data);
    const [ownIsn, peerIsn] = p.from === 'client' ? [CLIENT_ISN, SERVER_ISN] : [SERVER_ISN, CLIENT_ISN];
    return { from: p.from, flags: flagNames(d.flags), seq: (d.seq - ownIsn) >>> 0, ack: d.flags & TCP_ACK ? (d.ack - peerIsn) >>> 0 : 0, len: d.payload.length };
  });
}

// ---------------------------------------------------------------------------------------------

describe('Internet checksum (RFC 1071)', () => {
  test('RFC 1071 §3 example: words 0001 f203 f4f5 f6f7 sum to ddf2, checksum 220d', () => {
    assert.equal(internetChecksum(Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7])), 0x220d);
  });

  test('a textbook IPv4 header (192.168.0.1 → 192.168.0.199, UDP) has checksum b861', () => {
    const header = Buffer.from('450000730000400040110000c0a80001c0a800c7', 'hex');
    assert.equal(internetChecksum(header), 0xb861);
  });

  test('an odd trailing byte counts as the high byte of a final word; parts may split words', () => {
    assert.equal(internetChecksum(Uint8Array.of(0x01)), ~0x0100 & 0xffff);
    assert.equal(internetChecksum(Uint8Array.of(0x12), Uint8Array.of(0x34, 0x56)), internetChecksum(Uint8Array.of(0x12, 0x34, 0x56)));
  });
});

describe('IP addresses as sockets report them', () => {
  test('IPv4, IPv6 (compressed, embedded IPv4, zone), IPv4-mapped IPv6 is IPv4, junk is undefined', () => {
    assert.deepEqual(parseIpAddress('203.0.113.10'), { family: 4, bytes: Uint8Array.of(203, 0, 113, 10) });
    assert.equal(Buffer.from(parseIpAddress('2001:db8::1')!.bytes).toString('hex'), '20010db8000000000000000000000001');
    assert.equal(Buffer.from(parseIpAddress('::1')!.bytes).toString('hex'), '00000000000000000000000000000001');
    assert.equal(Buffer.from(parseIpAddress('fe80::1%eth0')!.bytes).toString('hex'), 'fe800000000000000000000000000001');
    assert.equal(Buffer.from(parseIpAddress('64:ff9b::192.0.2.33')!.bytes).toString('hex'), '0064ff9b0000000000000000c0000221');
    assert.deepEqual(parseIpAddress('::ffff:127.0.0.1'), { family: 4, bytes: Uint8Array.of(127, 0, 0, 1) });
    for (const bad of ['256.1.1.1', '1.2.3', 'example.test', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::']) assert.equal(parseIpAddress(bad), undefined, bad);
  });
});

describe('synthesized TCP conversation', () => {
  test('handshake, data both ways, server FIN, client FIN: sequence and acknowledgment numbers', () => {
    const trace = traceOf([
      connected(20),
      record(21, 'client->server', 100),
      record(40, 'server->client', 3000),
      record(41, 'server->client', 50),
      record(60, 'client->server', 30),
      tcpEvent(61, 'fin'),
      tcpEvent(62, 'close'),
    ]);
    assert.deepEqual(relative(synthesizePackets(trace)), [
      { from: 'client', flags: 'SYN', seq: 0, ack: 0, len: 0 },
      { from: 'server', flags: 'SYN+ACK', seq: 0, ack: 1, len: 0 },
      { from: 'client', flags: 'ACK', seq: 1, ack: 1, len: 0 },
      { from: 'client', flags: 'PSH+ACK', seq: 1, ack: 1, len: 100 },
      // 19 ms later the server answers: its data acknowledges the request (no pure ACK needed).
      { from: 'server', flags: 'ACK', seq: 1, ack: 101, len: MSS_IPV4 },
      { from: 'server', flags: 'ACK', seq: 1 + MSS_IPV4, ack: 101, len: MSS_IPV4 },
      { from: 'server', flags: 'PSH+ACK', seq: 1 + 2 * MSS_IPV4, ack: 101, len: 3000 - 2 * MSS_IPV4 },
      { from: 'server', flags: 'PSH+ACK', seq: 3001, ack: 101, len: 50 },
      { from: 'client', flags: 'PSH+ACK', seq: 101, ack: 3051, len: 30 },
      // The server's FIN follows within the delayed-ACK time and acknowledges the client's data.
      { from: 'server', flags: 'FIN+ACK', seq: 3051, ack: 131, len: 0 },
      { from: 'client', flags: 'FIN+ACK', seq: 131, ack: 3052, len: 0 },
      { from: 'server', flags: 'ACK', seq: 3052, ack: 132, len: 0 },
    ]);
  });

  test('a record is split at the MSS; the segments carry its bytes in order; PSH only on the last', () => {
    const bytes = Buffer.alloc(4000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251;
    const trace = traceOf([connected(1), { atMs: 2, direction: 'server->client', layer: 'record', kind: 'record', data: { ...recordData(4000), contentType: 'handshake' }, bytes: { hex: bytes.toString('hex') } }]);
    const data = synthesizePackets(trace).filter((p) => p.from === 'server' && decodePacket(p.data).payload.length > 0);
    assert.deepEqual(data.map((p) => decodePacket(p.data).payload.length), [1460, 1460, 1080]);
    assert.deepEqual(Buffer.concat(data.map((p) => decodePacket(p.data).payload)), bytes);
    assert.deepEqual(data.map((p) => Boolean(decodePacket(p.data).flags & TCP_PSH)), [false, false, true]);
    assert.deepEqual(data.map((p) => p.comment), ['#2 Record: handshake, 3995 bytes (segment 1/3)', '#2 Record: handshake, 3995 bytes (segment 2/3)', '#2 Record: handshake, 3995 bytes (segment 3/3)']);
  });

  test('a receiver that stays silent longer than the delayed-ACK time sends a pure ACK at once', () => {
    const trace = traceOf([connected(1), record(2, 'client->server', 10), record(900, 'server->client', 10), tcpEvent(1500, 'reset')]);
    assert.deepEqual(relative(synthesizePackets(trace)).slice(3), [
      { from: 'client', flags: 'PSH+ACK', seq: 1, ack: 1, len: 10 },
      { from: 'server', flags: 'ACK', seq: 1, ack: 11, len: 0 },
      { from: 'server', flags: 'PSH+ACK', seq: 1, ack: 11, len: 10 },
      { from: 'client', flags: 'ACK', seq: 11, ack: 11, len: 0 },
      { from: 'server', flags: 'RST+ACK', seq: 11, ack: 11, len: 0 },
    ]);
  });

  test('RST from the server: the last packet; nothing follows, not even the client\'s close', () => {
    const trace = traceOf([connected(1), record(2, 'client->server', 10), record(3, 'client->server', 26), tcpEvent(4, 'reset'), tcpEvent(5, 'close')]);
    const packets = relative(synthesizePackets(trace));
    assert.deepEqual(packets.at(-1), { from: 'server', flags: 'RST+ACK', seq: 1, ack: 37, len: 0 });
    assert.equal(packets.filter((p) => p.flags.includes('FIN')).length, 0);
  });

  test('client half-close (shutdown) then close sends one FIN; the server acknowledges it', () => {
    const trace = traceOf([connected(1), record(2, 'client->server', 10), tcpEvent(3, 'shutdown'), tcpEvent(3.5, 'close')]);
    assert.deepEqual(relative(synthesizePackets(trace)).slice(3), [
      { from: 'client', flags: 'PSH+ACK', seq: 1, ack: 1, len: 10 },
      { from: 'client', flags: 'FIN+ACK', seq: 11, ack: 1, len: 0 },
      { from: 'server', flags: 'ACK', seq: 1, ack: 12, len: 0 },
    ]);
  });

  test('only record steps are wire bytes: handshake, http and key steps with bytes add nothing', () => {
    const trace = traceOf([
      connected(1),
      record(2, 'client->server', 40),
      { atMs: 2, direction: 'client->server', layer: 'handshake', kind: 'handshake', data: { message: 'client_hello', from: 'client' }, bytes: { hex: 'aa'.repeat(35) } },
      { atMs: 3, direction: 'client->server', layer: 'http', kind: 'http', data: { message: 'request', method: 'GET', path: '/' }, bytes: { hex: 'bb'.repeat(18) } },
      { atMs: 3, direction: 'local', layer: 'key', kind: 'key', data: { label: 'secret', value: 'cc'.repeat(32), inputs: [], algorithm: 'HKDF' }, bytes: { hex: 'cc'.repeat(32) } },
    ]);
    const payloads = synthesizePackets(trace).map((p) => decodePacket(p.data).payload);
    assert.deepEqual(Buffer.concat(payloads), Buffer.alloc(40, 0x17));
  });

  test('records before any connected step still get a handshake first (an older trace)', () => {
    const trace = traceOf([record(5, 'client->server', 10)]);
    assert.deepEqual(relative(synthesizePackets(trace)).map((p) => p.flags), ['SYN', 'SYN+ACK', 'ACK', 'PSH+ACK', 'ACK']);
  });

  test('addresses and ports: the real server address and port; a documentation client address; MSS option on SYNs', () => {
    const v4 = synthesizePackets(traceOf([connected(1, '203.0.113.10', 8443), record(2, 'client->server', 1)])).map((p) => decodePacket(p.data));
    assert.deepEqual([v4[0].src, v4[0].dst, v4[0].srcPort, v4[0].dstPort, v4[0].mss], ['192.0.2.1', '203.0.113.10', CLIENT_PORT, 8443, MSS_IPV4]);
    assert.deepEqual([v4[1].src, v4[1].dst, v4[1].srcPort, v4[1].dstPort, v4[1].mss], ['203.0.113.10', '192.0.2.1', 8443, CLIENT_PORT, MSS_IPV4]);
    assert.equal(v4[2].mss, undefined);

    const loopback = decodePacket(synthesizePackets(traceOf([connected(1, '127.0.0.1', 4433)]))[0].data);
    assert.deepEqual([loopback.src, loopback.dst], ['127.0.0.1', '127.0.0.1']);

    const mapped = decodePacket(synthesizePackets(traceOf([connected(1, '::ffff:198.51.100.7')]))[0].data);
    assert.deepEqual([mapped.version, mapped.dst], [4, '198.51.100.7']);

    const v6 = synthesizePackets(traceOf([connected(1, '2001:db8:1::443'), record(2, 'server->client', 3000)])).map((p) => decodePacket(p.data));
    assert.deepEqual([v6[0].version, v6[0].src, v6[0].dst, v6[0].mss], [6, '20010db8000000000000000000000001', '20010db8000100000000000000000443', MSS_IPV6]);
    assert.deepEqual(v6.filter((p) => p.payload.length > 0).map((p) => p.payload.length), [1440, 1440, 120]);
  });

  test('every packet has valid IPv4/IPv6 length fields and IP and TCP checksums', () => {
    for (const address of ['203.0.113.10', '2001:db8::10']) {
      const trace = traceOf([connected(1, address), record(2, 'client->server', 517), record(3, 'server->client', 5001), record(4, 'client->server', 1), tcpEvent(5, 'fin'), tcpEvent(6, 'close')]);
      const packets = synthesizePackets(trace);
      assert.ok(packets.length > 10);
      for (const p of packets) assert.ok(checksumsVerify(p.data), `${address}: ${p.comment}`);
      // Flip one payload bit: the TCP checksum no longer verifies.
      const broken = Uint8Array.from(packets[3].data);
      broken[broken.length - 1] ^= 1;
      assert.equal(checksumsVerify(broken), false);
    }
  });

  test('timestamps: startedAt + timeMs in microseconds; the SYN leaves connectMs before the connection is seen', () => {
    const packets = synthesizePackets(traceOf([connected(30.5, '203.0.113.10', 443, 12.25), record(31.125, 'client->server', 1)]));
    const us = (ms: number) => Math.round((STARTED_AT_MS + ms) * 1000);
    assert.deepEqual(packets.map((p) => p.timeUs), [us(18.25), us(30.5), us(30.5), us(31.125), us(31.125)]);
  });
});

describe('pcapng file', () => {
  const keyLog = [
    'CLIENT_HANDSHAKE_TRAFFIC_SECRET 0102 aabb',
    'SERVER_HANDSHAKE_TRAFFIC_SECRET 0102 ccdd',
  ];
  const trace = traceOf([connected(1, '203.0.113.10', 443, 1), record(2, 'client->server', 300), record(3, 'server->client', 2000), tcpEvent(4, 'reset')], keyLog);
  const file = traceToPcapng(trace);
  const all = blocks(file);

  test('Section Header, Interface Description (LINKTYPE_RAW, microseconds), Decryption Secrets, then one Enhanced Packet per packet', () => {
    const packets = synthesizePackets(trace);
    assert.deepEqual(
      all.map((b) => b.type),
      [0x0a0d0d0a, 0x00000001, 0x0000000a, ...packets.map(() => 0x00000006)],
    );
    const shb = all[0].body;
    assert.equal(shb.readUInt32LE(0), 0x1a2b3c4d, 'byte-order magic');
    assert.deepEqual([shb.readUInt16LE(4), shb.readUInt16LE(6)], [1, 0], 'pcapng 1.0');
    assert.equal(shb.readBigInt64LE(8), -1n, 'section length unknown');
    assert.match(options(shb.subarray(16)).get(4)!.toString(), /^TLS Playground tls-playground test$/);

    const idb = all[1].body;
    assert.equal(idb.readUInt16LE(0), LINKTYPE_RAW);
    assert.deepEqual(options(idb.subarray(8)).get(9), Buffer.from([6]));
  });

  test('the Decryption Secrets Block holds the NSS key log (secrets type "TLSK")', () => {
    const dsb = all[2].body;
    assert.equal(dsb.readUInt32LE(0), 0x544c534b);
    assert.equal(dsb.subarray(0, 4).toString('latin1'), 'KSLT', 'TLSK, little-endian');
    const length = dsb.readUInt32LE(4);
    assert.equal(dsb.subarray(8, 8 + length).toString('utf8'), keyLogText(trace));
    assert.equal(dsb.subarray(8, 8 + length).toString('utf8'), `${keyLog.join('\n')}\n`);
  });

  test('a run without secrets has no Decryption Secrets Block', () => {
    const plain = blocks(traceToPcapng({ ...trace, keyLog: [] }));
    assert.equal(plain.filter((b) => b.type === 0x0000000a).length, 0);
  });

  test('Enhanced Packet Blocks: interface 0, 64-bit microsecond timestamps, the packet, and the step as comment', () => {
    const packets = synthesizePackets(trace);
    const epbs = all.slice(3);
    epbs.forEach((epb, i) => {
      const b = epb.body;
      assert.equal(b.readUInt32LE(0), 0);
      assert.equal(b.readUInt32LE(4) * 2 ** 32 + b.readUInt32LE(8), packets[i].timeUs);
      const captured = b.readUInt32LE(12);
      assert.equal(captured, b.readUInt32LE(16));
      assert.deepEqual(new Uint8Array(b.subarray(20, 20 + captured)), packets[i].data);
      const optionsAt = 20 + captured + ((4 - (captured % 4)) % 4);
      assert.equal(options(b.subarray(optionsAt)).get(1)?.toString('utf8'), packets[i].comment);
    });
    assert.equal(epbs.length, packets.length);
    assert.equal(packets.at(-1)!.comment, '#4 Connection reset by peer (RST)');
  });

  test('a run that never connected is a valid capture with no packets', () => {
    const never = traceOf([{ atMs: 1, direction: 'local', layer: 'tcp', kind: 'transport', data: { event: 'error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' } }]);
    assert.deepEqual(blocks(traceToPcapng(never)).map((b) => b.type), [0x0a0d0d0a, 0x00000001]);
  });

  test('the same trace gives the same file', () => {
    assert.deepEqual(traceToPcapng(structuredClone(trace)), file);
  });
});
