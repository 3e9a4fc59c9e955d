import type { Step, Trace } from '../trace/schema';
import { transportEvent } from '../trace/steps';
import { outcomeSentence, stepTitle } from '../view/stepText';
import { parseIPv4, parseIPv6 } from '../tls/x509/ip';
import { keyLogText } from './keylog';

/**
 * A pcapng capture of a run, for Wireshark and tshark: the exact bytes that crossed the wire, carried
 * in synthesized TCP/IP packets, with the run's key log embedded so the capture opens decrypted.
 *
 * The TLS bytes are real (every 'record' step's bytes, in order); the IP and TCP headers around them
 * are made up here, because the browser never sees packets: a three-way handshake where the run
 * connected, one or more segments per record (split at the MSS), ACKs the way a receiver sends them,
 * FIN and RST where the run saw them. Sequence and acknowledgment numbers, lengths and checksums are
 * correct, so Wireshark reassembles the stream and flags nothing. Timestamps come from the steps.
 *
 * Pure: no Node built-ins, runs in the browser.
 *
 * Format: pcapng (draft-ietf-opsawg-pcapng): Section Header Block, one Interface Description Block
 * (LINKTYPE_RAW: each packet starts at its IP header, version read from the first nibble), a
 * Decryption Secrets Block holding the NSS key log, then one Enhanced Packet Block per packet.
 */

const BLOCK_SECTION_HEADER = 0x0a0d0d0a;
const BLOCK_INTERFACE_DESCRIPTION = 0x00000001;
const BLOCK_ENHANCED_PACKET = 0x00000006;
const BLOCK_DECRYPTION_SECRETS = 0x0000000a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Decryption Secrets Block secrets type for an NSS key log ("TLSK"). */
const SECRETS_TYPE_TLS_KEY_LOG = 0x544c534b;
/** LINKTYPE_RAW (tcpdump.org link-layer header types). */
export const LINKTYPE_RAW = 101;

const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

/** Initial sequence numbers (RFC 9293 §3.4.1): fixed, so the same trace gives the same capture. */
export const CLIENT_ISN = 0x3c6ef372;
export const SERVER_ISN = 0xa54ff53a;
/** The client's port: a fixed port from the dynamic range (RFC 6335 §6), as the run's real one is unknown. */
export const CLIENT_PORT = 50123;
/** MSS for a 1500-byte Ethernet MTU: 1500 - 20 (IPv4) - 20 (TCP); IPv6's header is 20 bytes longer. */
export const MSS_IPV4 = 1460;
export const MSS_IPV6 = 1440;
/** A receiver acknowledges at the latest this long after data arrives (RFC 9293 §3.8.6.3: < 0.5 s). */
const DELAYED_ACK_MS = 200;
const WINDOW = 65535;
const TTL = 64;

// ---------------------------------------------------------------------------------------------
// Addresses

export interface IpAddress {
  family: 4 | 6;
  bytes: Uint8Array;
}

/**
 * Parses an IPv4 or IPv6 address as a socket reports it (a zone index such as %eth0 is dropped). An
 * IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a dual-stack socket reports for an IPv4 peer) is the
 * IPv4 address: that is what was on the wire.
 */
export function parseIpAddress(input: string): IpAddress | undefined {
  const text = input.trim().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const v4 = parseIPv4(text);
  if (v4) return { family: 4, bytes: v4 };
  const bytes = parseIPv6(text);
  if (!bytes) return undefined;
  const mapped = bytes.subarray(0, 12).every((b, i) => b === (i < 10 ? 0 : 0xff));
  if (mapped) return { family: 4, bytes: bytes.slice(12) };
  return { family: 6, bytes };
}

function isLoopback(ip: IpAddress): boolean {
  return ip.family === 4 ? ip.bytes[0] === 127 : ip.bytes.subarray(0, 15).every((b) => b === 0) && ip.bytes[15] === 1;
}

/**
 * The client's address. The run's real source address is unknown (and private): on loopback it is
 * loopback; otherwise a documentation address (RFC 5737 TEST-NET-1, RFC 3849 2001:db8::/32).
 */
function clientAddressFor(server: IpAddress): IpAddress {
  if (server.family === 4) return { family: 4, bytes: isLoopback(server) ? Uint8Array.of(127, 0, 0, 1) : Uint8Array.of(192, 0, 2, 1) };
  return parseIpAddress(isLoopback(server) ? '::1' : '2001:db8::1')!;
}

/** Where the run connected, for a trace without a 'connected' step: the URL's port, a documentation address. */
function fallbackServer(trace: Trace): { address: IpAddress; port: number } {
  let port = 443;
  let host = '';
  try {
    const url = new URL(trace.options.url);
    host = url.hostname;
    if (url.port) port = Number(url.port);
  } catch {
    // Keep the defaults.
  }
  const connect = trace.options.connect ? parseIpAddress(trace.options.connect) : undefined;
  const address = connect ?? parseIpAddress(host) ?? { family: 4 as const, bytes: Uint8Array.of(198, 51, 100, 1) };
  return { address, port };
}

// ---------------------------------------------------------------------------------------------
// IP and TCP

/** The Internet checksum (RFC 1071): one's complement of the one's complement sum of 16-bit words. */
export function internetChecksum(...parts: Uint8Array[]): number {
  let sum = 0;
  let odd: number | undefined;
  for (const part of parts) {
    for (const byte of part) {
      if (odd === undefined) {
        odd = byte;
      } else {
        sum += (odd << 8) | byte;
        odd = undefined;
      }
    }
  }
  if (odd !== undefined) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

export interface TcpSegment {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  /** MSS option to announce (SYN segments only). */
  mss?: number;
  payload: Uint8Array;
}

function put16(out: Uint8Array, offset: number, value: number): void {
  out[offset] = (value >>> 8) & 0xff;
  out[offset + 1] = value & 0xff;
}

function put32(out: Uint8Array, offset: number, value: number): void {
  put16(out, offset, value >>> 16);
  put16(out, offset + 2, value & 0xffff);
}

/** A TCP segment (RFC 9293 §3.1) with its checksum over the IPv4 or IPv6 pseudo-header. */
function encodeTcp(segment: TcpSegment, src: IpAddress, dst: IpAddress): Uint8Array {
  const headerLength = segment.mss === undefined ? 20 : 24;
  const out = new Uint8Array(headerLength + segment.payload.length);
  put16(out, 0, segment.srcPort);
  put16(out, 2, segment.dstPort);
  put32(out, 4, segment.seq >>> 0);
  put32(out, 8, segment.flags & TCP_ACK ? segment.ack >>> 0 : 0);
  out[12] = (headerLength / 4) << 4;
  out[13] = segment.flags;
  put16(out, 14, WINDOW);
  if (segment.mss !== undefined) {
    // RFC 9293 §3.7.1: Maximum Segment Size option, kind 2, length 4.
    out[20] = 2;
    out[21] = 4;
    put16(out, 22, segment.mss);
  }
  out.set(segment.payload, headerLength);
  // RFC 9293 §3.1 (IPv4 pseudo-header) and RFC 8200 §8.1 (IPv6 pseudo-header).
  const pseudo = new Uint8Array(src.family === 4 ? 12 : 40);
  if (src.family === 4) {
    pseudo.set(src.bytes, 0);
    pseudo.set(dst.bytes, 4);
    pseudo[9] = 6;
    put16(pseudo, 10, out.length);
  } else {
    pseudo.set(src.bytes, 0);
    pseudo.set(dst.bytes, 16);
    put32(pseudo, 32, out.length);
    pseudo[39] = 6;
  }
  put16(out, 16, internetChecksum(pseudo, out));
  return out;
}

/** Wraps a TCP segment in an IPv4 header (RFC 791) or an IPv6 header (RFC 8200 §3). */
function encodeIp(src: IpAddress, dst: IpAddress, identification: number, tcp: Uint8Array): Uint8Array {
  if (src.family === 4) {
    const out = new Uint8Array(20 + tcp.length);
    out[0] = 0x45; // version 4, header length 5 words
    put16(out, 2, out.length);
    put16(out, 4, identification & 0xffff);
    put16(out, 6, 0x4000); // don't fragment
    out[8] = TTL;
    out[9] = 6; // TCP
    out.set(src.bytes, 12);
    out.set(dst.bytes, 16);
    put16(out, 10, internetChecksum(out.subarray(0, 20)));
    out.set(tcp, 20);
    return out;
  }
  const out = new Uint8Array(40 + tcp.length);
  out[0] = 0x60; // version 6, traffic class 0, flow label 0
  put16(out, 4, tcp.length);
  out[6] = 6; // next header: TCP
  out[7] = TTL;
  out.set(src.bytes, 8);
  out.set(dst.bytes, 24);
  out.set(tcp, 40);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The TCP conversation

export interface SynthesizedPacket {
  /** Microseconds since the Unix epoch. */
  timeUs: number;
  from: 'client' | 'server';
  segment: TcpSegment;
  /** The IP packet (header, TCP header, payload). */
  data: Uint8Array;
  comment: string;
}

type Side = 'client' | 'server';

type WireEvent =
  | { kind: 'open'; timeMs: number; connectMs?: number; step: Step }
  | { kind: 'data'; from: Side; timeMs: number; bytes: Uint8Array; step: Step }
  | { kind: 'fin'; from: Side; timeMs: number; step: Step }
  | { kind: 'rst'; from: Side; timeMs: number; step: Step };

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >>> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The steps that put something on the wire, per the trace contract (lib/trace/schema.ts). */
function wireEvents(trace: Trace): WireEvent[] {
  const events: WireEvent[] = [];
  for (const step of trace.steps) {
    if (step.layer === 'record' && step.bytes && (step.direction === 'client->server' || step.direction === 'server->client')) {
      events.push({ kind: 'data', from: step.direction === 'client->server' ? 'client' : 'server', timeMs: step.timeMs, bytes: hexBytes(step.bytes.hex), step });
    } else if (step.kind === 'transport') {
      const d = step.data;
      if (d.event === 'connected') events.push({ kind: 'open', timeMs: step.timeMs, connectMs: d.connectMs, step });
      else if (d.event === 'fin') events.push({ kind: 'fin', from: 'server', timeMs: step.timeMs, step });
      else if (d.event === 'close' || d.event === 'shutdown') events.push({ kind: 'fin', from: 'client', timeMs: step.timeMs, step });
      else if (d.event === 'reset') events.push({ kind: 'rst', from: 'server', timeMs: step.timeMs, step });
    }
  }
  return events;
}

interface Endpoint {
  address: IpAddress;
  port: number;
  /** Sequence number of the next byte this side sends. */
  nextSeq: number;
  identification: number;
  finSent: boolean;
}

const other = (side: Side): Side => (side === 'client' ? 'server' : 'client');

/**
 * Plays the trace's wire events as a TCP conversation and returns its packets, in order. Exposed for
 * tests; traceToPcapng wraps them into a capture file.
 */
export function synthesizePackets(trace: Trace): SynthesizedPacket[] {
  const events = wireEvents(trace);
  const connectedStep = trace.steps.find((s) => transportEvent(s) === 'connected');
  const connected = connectedStep?.kind === 'transport' && connectedStep.data.event === 'connected' ? connectedStep.data : undefined;
  const fallback = fallbackServer(trace);
  const reported = typeof connected?.remoteAddress === 'string' ? parseIpAddress(connected.remoteAddress) : undefined;
  const serverAddress = reported ?? fallback.address;
  const remotePort = connected?.remotePort;
  const serverPort = typeof remotePort === 'number' && Number.isInteger(remotePort) && remotePort > 0 && remotePort < 65536 ? remotePort : fallback.port;
  const mss = serverAddress.family === 4 ? MSS_IPV4 : MSS_IPV6;
  const startedMs = Date.parse(trace.startedAt);
  const epochMs = Number.isNaN(startedMs) ? 0 : startedMs;

  const ends: Record<Side, Endpoint> = {
    client: { address: clientAddressFor(serverAddress), port: serverPort === CLIENT_PORT ? CLIENT_PORT + 1 : CLIENT_PORT, nextSeq: CLIENT_ISN, identification: 0x1000, finSent: false },
    server: { address: serverAddress, port: serverPort, nextSeq: SERVER_ISN, identification: 0x2000, finSent: false },
  };
  const packets: SynthesizedPacket[] = [];
  let lastTimeUs = 0;
  let open = false;
  let reset = false;

  const emit = (from: Side, timeMs: number, flags: number, payload: Uint8Array, comment: string, mssOption?: number): void => {
    const me = ends[from];
    const peer = ends[other(from)];
    const segment: TcpSegment = { srcPort: me.port, dstPort: peer.port, seq: me.nextSeq >>> 0, ack: peer.nextSeq >>> 0, flags, mss: mssOption, payload };
    const data = encodeIp(me.address, peer.address, me.identification++, encodeTcp(segment, me.address, peer.address));
    // Capture timestamps never go backwards, even if the steps' clock did.
    const timeUs = Math.max(lastTimeUs, Math.round((epochMs + Math.max(0, timeMs)) * 1000));
    lastTimeUs = timeUs;
    packets.push({ timeUs, from, segment, data, comment });
    me.nextSeq = (me.nextSeq + payload.length + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0)) >>> 0;
  };

  const handshake = (timeMs: number, connectMs: number | undefined, why: string): void => {
    // RFC 9293 §3.5: SYN, SYN-ACK, ACK. The SYN left connectMs before the run saw the connection.
    const synMs = connectMs !== undefined && connectMs >= 0 ? Math.max(0, timeMs - connectMs) : timeMs;
    emit('client', synMs, TCP_SYN, new Uint8Array(0), `SYN (synthesized: ${why})`, mss);
    emit('server', timeMs, TCP_SYN | TCP_ACK, new Uint8Array(0), 'SYN, ACK (synthesized)', mss);
    emit('client', timeMs, TCP_ACK, new Uint8Array(0), 'ACK (synthesized)');
    open = true;
  };

  /**
   * After `from` sent data or a FIN, the receiver acknowledges it: in its own next packet when that
   * comes within the delayed-ACK time, or when the sender's next packet does (the receiver then
   * acknowledges both at once); otherwise with a pure ACK right away.
   */
  const acknowledge = (from: Side, index: number, timeMs: number): void => {
    const receiver = other(from);
    const next = events[index + 1];
    if (next && next.kind !== 'open' && next.timeMs - timeMs <= DELAYED_ACK_MS) {
      if (next.from === receiver && (next.kind === 'data' || (next.kind === 'fin' && !ends[receiver].finSent))) return;
      if (next.from === from && (next.kind === 'data' || (next.kind === 'fin' && !ends[from].finSent))) return;
    }
    emit(receiver, timeMs, TCP_ACK, new Uint8Array(0), 'ACK (synthesized)');
  };

  events.forEach((event, index) => {
    if (reset) return;
    const title = `#${event.step.seq} ${stepTitle(event.step)}`;
    switch (event.kind) {
      case 'open':
        if (!open) handshake(event.timeMs, event.connectMs, `TCP connected, step #${event.step.seq}`);
        return;
      case 'data': {
        if (!open) handshake(event.timeMs, undefined, 'the trace has no connect step');
        const count = Math.max(1, Math.ceil(event.bytes.length / mss));
        for (let i = 0; i < count; i++) {
          const payload = event.bytes.subarray(i * mss, (i + 1) * mss);
          const last = i === count - 1;
          emit(event.from, event.timeMs, TCP_ACK | (last ? TCP_PSH : 0), payload, count === 1 ? title : `${title} (segment ${i + 1}/${count})`);
        }
        acknowledge(event.from, index, event.timeMs);
        return;
      }
      case 'fin':
        if (!open || ends[event.from].finSent) return;
        emit(event.from, event.timeMs, TCP_FIN | TCP_ACK, new Uint8Array(0), title);
        ends[event.from].finSent = true;
        acknowledge(event.from, index, event.timeMs);
        return;
      case 'rst':
        if (!open) return;
        // RFC 9293 §3.5.2: a reset carries the next sequence number; ACK set as Linux sends it.
        emit(event.from, event.timeMs, TCP_RST | TCP_ACK, new Uint8Array(0), title);
        reset = true;
        return;
    }
  });
  return packets;
}

// ---------------------------------------------------------------------------------------------
// pcapng blocks (little-endian; readers learn the byte order from the Section Header Block)

class LittleEndian {
  private chunks: Uint8Array[] = [];
  length = 0;

  u8(value: number): this {
    return this.raw(Uint8Array.of(value));
  }
  u16(value: number): this {
    return this.raw(Uint8Array.of(value & 0xff, (value >>> 8) & 0xff));
  }
  u32(value: number): this {
    return this.raw(Uint8Array.of(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff));
  }
  raw(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.length += bytes.length;
    return this;
  }
  /** Pads with zeros to a multiple of 32 bits, as every pcapng field of variable length is. */
  pad(): this {
    return this.raw(new Uint8Array((4 - (this.length % 4)) % 4));
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

type BlockOption = [code: number, value: Uint8Array];

function block(type: number, body: Uint8Array, options: BlockOption[] = []): Uint8Array {
  const content = new LittleEndian().raw(body).pad();
  if (options.length > 0) {
    for (const [code, value] of options) content.u16(code).u16(value.length).raw(value).pad();
    content.u16(OPT_ENDOFOPT).u16(0);
  }
  const total = 12 + content.length;
  return new LittleEndian().u32(type).u32(total).raw(content.bytes()).u32(total).bytes();
}

function sectionHeader(trace: Trace): Uint8Array {
  const body = new LittleEndian().u32(BYTE_ORDER_MAGIC).u16(1).u16(0).u32(0xffffffff).u32(0xffffffff); // section length unknown (-1)
  const application = `TLS Playground ${trace.engine.name} ${trace.engine.version}`.trim();
  const comment =
    `${trace.options.url} at ${trace.startedAt}: ${outcomeSentence(trace.outcomeCause)}. The TLS bytes are exactly those on the wire; ` +
    'the IP and TCP headers around them are synthesized from the run (addresses, ports, sequence numbers, timing).';
  return block(BLOCK_SECTION_HEADER, body.bytes(), [
    [OPT_COMMENT, utf8(comment)],
    [SHB_USERAPPL, utf8(application)],
  ]);
}

function interfaceDescription(): Uint8Array {
  const body = new LittleEndian().u16(LINKTYPE_RAW).u16(0).u32(0); // snaplen 0: no limit
  return block(BLOCK_INTERFACE_DESCRIPTION, body.bytes(), [
    [IF_NAME, utf8('tls-playground')],
    [IF_DESCRIPTION, utf8('TCP/IP synthesized around the TLS bytes of one run')],
    [IF_TSRESOL, Uint8Array.of(6)], // microseconds
  ]);
}

/** Decryption Secrets Block: the NSS key log, so Wireshark decrypts without a key log file. */
function decryptionSecrets(keyLog: string): Uint8Array {
  const secrets = utf8(keyLog);
  const body = new LittleEndian().u32(SECRETS_TYPE_TLS_KEY_LOG).u32(secrets.length).raw(secrets);
  return block(BLOCK_DECRYPTION_SECRETS, body.bytes());
}

function enhancedPacket(packet: SynthesizedPacket): Uint8Array {
  const high = Math.floor(packet.timeUs / 0x100000000);
  const low = packet.timeUs % 0x100000000;
  const body = new LittleEndian().u32(0).u32(high).u32(low).u32(packet.data.length).u32(packet.data.length).raw(packet.data);
  return block(BLOCK_ENHANCED_PACKET, body.bytes(), packet.comment ? [[OPT_COMMENT, utf8(packet.comment)]] : []);
}

/** The run as a pcapng file that Wireshark opens already decrypted. */
export function traceToPcapng(trace: Trace): Uint8Array {
  const out = new LittleEndian().raw(sectionHeader(trace)).raw(interfaceDescription());
  const keyLog = keyLogText(trace);
  // The secrets must come before the packets they decrypt.
  if (keyLog) out.raw(decryptionSecrets(keyLog));
  for (const packet of synthesizePackets(trace)) out.raw(enhancedPacket(packet));
  return out.bytes();
}

export const PCAPNG_MEDIA_TYPE = 'application/x-pcapng';
