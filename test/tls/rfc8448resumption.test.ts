/**
 * RFC 8448 §4 (Resumed 0-RTT Handshake), reproduced with the RFC's own keys, randoms and messages:
 * the ticket of §3 becomes a PSK, the ClientHello that offers it is encoded byte for byte with its
 * binder, and every secret of the resumed schedule (early traffic, handshake, application) and
 * both Finished MACs come out as the RFC prints them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientExtensions, readExtensions, type PskOffer } from '../../lib/tls/handshake/extensions';
import { encodeEndOfEarlyData, readMessage, readNewSessionTicket, readServerHello } from '../../lib/tls/handshake/messages';
import { Transcript } from '../../lib/tls/hash';
import { Tls13KeySchedule, type Derivation } from '../../lib/tls/keyschedule/tls13';
import { encodeHelloWithPsk, pskAnswer, type OfferedPsk } from '../../lib/tls/client/resumption';
import type { Tls13Session } from '../../lib/tls/client/session';
import { fromHex, toHex } from '../../lib/tls/wire/bytes';
import type { Writer } from '../../lib/tls/wire/writer';

/** §3: the server's NewSessionTicket after the first handshake. */
const NEW_SESSION_TICKET = fromHex(`
04 00 00 c9 00 00 00 1e fa d6 aa c5 02 00 00 00 b2 2c 03 5d 82 93 59 ee 5f f7 af 4e c9 00 00 00 00 26
2a 64 94 dc 48 6d 2c 8a 34 cb 33 fa 90 bf 1b 00 70 ad 3c 49 88 83 c9 36 7c 09 a2 be 78 5a bc 55 cd 22
60 97 a3 a9 82 11 72 83 f8 2a 03 a1 43 ef d3 ff 5d d3 6d 64 e8 61 be 7f d6 1d 28 27 db 27 9c ce 14 50
77 d4 54 a3 66 4d 4e 6d a4 d2 9e e0 37 25 a6 a4 da fc d0 fc 67 d2 ae a7 05 29 51 3e 3d a2 67 7f a5 90
6c 5b 3f 7d 8f 92 f2 28 bd a4 0d da 72 14 70 f9 fb f2 97 b5 ae a6 17 64 6f ac 5c 03 27 2e 97 07 27 c6
21 a7 91 41 ef 5f 7d e6 50 5e 5b fb c3 88 e9 33 43 69 40 93 93 4a e4 d3 57 00 08 00 2a 00 04 00 00 04
00`);
/** §3: resumption_master_secret of the first connection. */
const RESUMPTION_MASTER_SECRET = fromHex('7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c');

/** §4: the ClientHello up to its binders (the "truncated" ClientHello the binder is computed over). */
const CLIENT_HELLO_PREFIX = fromHex(`
01 00 01 fc 03 03 1b c3 ce b6 bb e3 9c ff 93 83 55 b5 a5 0a db 6d b2 1b 7a 6a f6 49 d7 b4 bc 41 9d 78
76 48 7d 95 00 00 06 13 01 13 03 13 02 01 00 01 cd 00 00 00 0b 00 09 00 00 06 73 65 72 76 65 72 ff 01
00 01 00 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 33 00 26 00 24 00
1d 00 20 e4 ff b6 8a c0 5f 8d 96 c9 9d a2 66 98 34 6c 6b e1 64 82 ba dd da fe 05 1a 66 b4 f1 8d 66 8f
0b 00 2a 00 00 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03 02 03 08 04 08 05 08 06 04 01
05 01 06 01 02 01 04 02 05 02 06 02 02 02 00 2d 00 02 01 01 00 1c 00 02 40 01 00 15 00 57 ${'00 '.repeat(0x57)}
00 29 00 dd 00 b8 00 b2 2c 03 5d 82 93 59 ee 5f f7 af 4e c9 00 00 00 00 26 2a 64 94 dc 48 6d 2c 8a 34
cb 33 fa 90 bf 1b 00 70 ad 3c 49 88 83 c9 36 7c 09 a2 be 78 5a bc 55 cd 22 60 97 a3 a9 82 11 72 83 f8
2a 03 a1 43 ef d3 ff 5d d3 6d 64 e8 61 be 7f d6 1d 28 27 db 27 9c ce 14 50 77 d4 54 a3 66 4d 4e 6d a4
d2 9e e0 37 25 a6 a4 da fc d0 fc 67 d2 ae a7 05 29 51 3e 3d a2 67 7f a5 90 6c 5b 3f 7d 8f 92 f2 28 bd
a4 0d da 72 14 70 f9 fb f2 97 b5 ae a6 17 64 6f ac 5c 03 27 2e 97 07 27 c6 21 a7 91 41 ef 5f 7d e6 50
5e 5b fb c3 88 e9 33 43 69 40 93 93 4a e4 d3 57 fa d6 aa cb`);
const BINDERS = fromHex('00 21 20 3a dd 4f b2 d8 fd f8 22 a0 ca 3c f7 67 8e f5 e8 8d ae 99 01 41 c5 92 4d 57 bb 6f a3 1b 9e 5f 9d');
const SERVER_HELLO = fromHex(`
02 00 00 5c 03 03 3c cf d2 de c8 90 22 27 63 47 2a e8 13 67 77 c9 d7 35 87 77 bb 66 e9 1e a5 12 24 95
f5 59 ea 2d 00 13 01 00 00 34 00 29 00 02 00 00 00 33 00 24 00 1d 00 20 12 17 61 ee 42 c3 33 e1 b9 e7
7b 60 dd 57 c2 05 3c d9 45 12 ab 47 f1 15 e8 6e ff 50 94 2c ea 31 00 2b 00 02 03 04`);
const ENCRYPTED_EXTENSIONS = fromHex(`
08 00 00 28 00 26 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 1c 00 02
40 01 00 00 00 00 00 2a 00 00`);
const SERVER_FINISHED = fromHex('14 00 00 20 48 d3 e0 e1 b3 d9 07 c6 ac ff 14 5e 16 09 03 88 c7 7b 05 c0 50 b6 34 ab 1a 88 bb d0 dd 1a 34 b2');
const END_OF_EARLY_DATA = fromHex('05 00 00 00');
const CLIENT_FINISHED = fromHex('14 00 00 20 72 30 a9 c9 52 c2 5c d6 13 8f c5 e6 62 83 08 c4 1c 53 35 dd 81 b9 f9 6b ce a5 0f d3 2b da 41 6d');
const SHARED_SECRET = fromHex('f4 41 94 75 6f f9 ec 9d 25 18 06 35 d6 6e a6 82 4c 6a b3 bf 17 99 77 be 37 f7 23 57 0e 7c cb 2e');

const RFC8448_SCHEMES = [0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202];

/** The ticket of §3 as this client keeps it, received `ageMs` before the second ClientHello. */
function session(now: number, ageMs: number): Tls13Session {
  const nst = readMessage(NEW_SESSION_TICKET, (r) => readNewSessionTicket(r, true)).value;
  return {
    version: 'TLSv1.3',
    serverName: 'server',
    cipherSuite: 'TLS_AES_128_GCM_SHA256',
    ticket: nst.ticket,
    ticketNonce: nst.nonce,
    ticketAgeAdd: nst.ageAdd,
    lifetimeSeconds: nst.lifetimeSeconds,
    maxEarlyDataSize: nst.maxEarlyDataSize,
    receivedAtMs: now - ageMs,
    resumptionMasterSecret: RESUMPTION_MASTER_SECRET,
  };
}

/** The §4 ClientHello's extensions, in the RFC's order, with pre_shared_key last (RFC 8446 §4.2.11). */
function extensions(psk: PskOffer) {
  const x = clientExtensions;
  // The RFC's client pads its ClientHello to 512 bytes (RFC 7685); this client does not pad, so the test adds it.
  const padding = { type: 0x0015, body: (w: Writer) => w.bytes('padding', new Uint8Array(0x57)) };
  return [
    x.serverName('server'),
    x.renegotiationInfo(new Uint8Array(0)),
    x.supportedGroups([0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104]),
    x.keyShare([{ group: 0x001d, publicKey: fromHex('e4ffb68ac05f8d96c99da26698346c6be16482badddafe051a66b4f18d668f0b') }]),
    x.earlyData(),
    x.supportedVersions([0x0304]),
    x.signatureAlgorithms(RFC8448_SCHEMES),
    x.pskKeyExchangeModes(['psk_dhe_ke']),
    x.recordSizeLimit(0x4001),
    padding,
    x.preSharedKey([psk]),
  ];
}

test('RFC 8448 §3: the NewSessionTicket gives lifetime, age_add, nonce, ticket and the early data limit', () => {
  const nst = readMessage(NEW_SESSION_TICKET, (r) => readNewSessionTicket(r, true)).value;
  assert.equal(nst.lifetimeSeconds, 30);
  assert.equal(nst.ageAdd, 0xfad6aac5);
  assert.equal(toHex(nst.nonce), '0000');
  assert.equal(nst.ticket.length, 0xb2);
  assert.equal(nst.maxEarlyDataSize, 0x400);
});

test('RFC 8448 §4: the ticket becomes a PSK, the ClientHello offering it is reproduced byte for byte, binder included', () => {
  const derived = new Map<string, string>();
  const schedule = new Tls13KeySchedule('sha256', (d: Derivation) => derived.set(d.label, toHex(d.value)), { resumptionMasterSecret: RESUMPTION_MASTER_SECRET, ticketNonce: fromHex('0000') });
  // RFC 8446 §4.6.1: PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length).
  assert.equal(derived.get('PSK'), '4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3');
  assert.equal(derived.get('early_secret'), '9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c');

  const now = 1_700_000_000_000;
  // The RFC's obfuscated_ticket_age, fad6aacb, is ticket_age_add fad6aac5 plus an age of 6 ms.
  const psk: OfferedPsk = { session: session(now, 6), hash: 'sha256', schedule, modes: ['psk_dhe_ke'], earlyData: true };
  const params = { random: fromHex('1bc3ceb6bbe39cff938355b5a50adb6db21b7a6af649d7b4bc419d7876487d95'), legacySessionId: new Uint8Array(0), cipherSuites: ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_256_GCM_SHA384'] as ('TLS_AES_128_GCM_SHA256' | 'TLS_CHACHA20_POLY1305_SHA256' | 'TLS_AES_256_GCM_SHA384')[] };
  const { message, offer, ticketAgeMs } = encodeHelloWithPsk(now, params, extensions, psk, new Transcript());
  assert.equal(ticketAgeMs, 6);
  assert.equal(offer.obfuscatedTicketAge, 0xfad6aacb);
  assert.equal(derived.get('transcript_hash(truncated ClientHello)'), '63224b2e4573f2d3454ca84b9d009a04f6be9e05711a8396473aefa01e924a14');
  assert.equal(derived.get('binder_key'), '69fe131a3bbad5d63c64eebcc30e395b9d8107726a13d074e389dbc8a4e47256');
  assert.equal(derived.get('binder_key finished_key'), '5588673e72cb59c87d220caffe94f2dea9a3b1609f7d50e90a48227db9ed7eaa');
  assert.equal(derived.get('binder'), '3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d');
  assert.equal(toHex(message.bytes), toHex(new Uint8Array([...CLIENT_HELLO_PREFIX, ...BINDERS])));
  assert.equal(message.field.length, message.bytes.length);
  // The key steps draw the chain the panel shows: resumption secret → PSK → early secret → binder key → binder.
  const order = [...derived.keys()];
  for (const [a, b] of [['resumption_master_secret', 'PSK'], ['PSK', 'early_secret'], ['early_secret', 'binder_key'], ['binder_key', 'binder']]) assert.ok(order.indexOf(a) < order.indexOf(b), `${a} before ${b}`);
});

test('RFC 8448 §4: early traffic keys, the resumed handshake and application secrets, EndOfEarlyData and both Finished', () => {
  const derived = new Map<string, string>();
  const schedule = new Tls13KeySchedule('sha256', (d: Derivation) => derived.set(d.label, toHex(d.value)), { resumptionMasterSecret: RESUMPTION_MASTER_SECRET, ticketNonce: fromHex('0000') });
  const transcript = new Transcript();
  transcript.add(new Uint8Array([...CLIENT_HELLO_PREFIX, ...BINDERS]));
  const early = schedule.deriveEarlyTrafficSecret(transcript.hash('sha256'));
  assert.equal(toHex(early), '3fbbe6a60deb66c30a32795aba0eff7eaa10105586e7be5c09678d63b6caab62');
  const earlyKeys = schedule.trafficKeys('client_early_traffic_secret', early, 16);
  assert.equal(toHex(earlyKeys.key), '920205a5b7bf2115e6fc5c2942834f54');
  assert.equal(toHex(earlyKeys.iv), '6d475f0993c8e564610db2b9');

  // The ServerHello takes identity 0 with a key share: psk_dhe_ke.
  const sh = readMessage(SERVER_HELLO, (r) => readServerHello(r)).value;
  assert.equal(sh.extensions.preSharedKey, 0);
  const psk: OfferedPsk = { session: session(0, 0), hash: 'sha256', schedule, modes: ['psk_dhe_ke'], earlyData: true };
  assert.deepEqual(pskAnswer(psk, sh, 'TLS_AES_128_GCM_SHA256'), { accepted: true, mode: 'psk_dhe_ke' });

  transcript.add(SERVER_HELLO);
  const hs = schedule.deriveHandshakeSecrets(SHARED_SECRET, transcript.hash('sha256'));
  assert.equal(derived.get('derived (early)'), '5f1790bbd82c5e7d376ed2e1e52f8e6038c9346db61b43be9a52f77ef3998e80');
  assert.equal(derived.get('handshake_secret'), '005cb112fd8eb4ccc623bb88a07c64b3ede1605363fc7d0df8c7ce4ff0fb4ae6');
  assert.equal(toHex(hs.client), '2faac08f851d35fea3604fcb4de82dc62c9b164a70974d0462e27f1ab278700f');
  assert.equal(toHex(hs.server), 'fe927ae271312e8bf0275b581c54eef020450dc4ecffaa05a1a35d27518e7803');
  const serverKeys = schedule.trafficKeys('server_handshake_traffic_secret', hs.server, 16);
  assert.equal(toHex(serverKeys.key), '27c6bdc0a3dcea39a47326d79bc9e4ee');
  assert.equal(toHex(serverKeys.iv), '9569ecdd4d0536705e9ef725');

  // The EncryptedExtensions carry early_data: the server takes the 0-RTT data.
  const ee = readMessage(ENCRYPTED_EXTENSIONS, (r) => readExtensions(r, 'encrypted_extensions')).value;
  assert.equal(ee.earlyData, true);
  transcript.add(ENCRYPTED_EXTENSIONS);
  // No Certificate, no CertificateVerify: the PSK authenticates the server.
  assert.equal(toHex(schedule.finished('server_handshake_traffic_secret', hs.server, transcript.hash('sha256'))), toHex(SERVER_FINISHED.subarray(4)));
  transcript.add(SERVER_FINISHED);

  const app = schedule.deriveApplicationSecrets(transcript.hash('sha256'));
  assert.equal(derived.get('master_secret'), 'e2d32d4ed66dd37897a0e80c84107503ce58bf8aad4cb55a5002d77ecb890ece');
  assert.equal(toHex(app.client), '2abbf2b8e381d23dbebe1dd2a7d16a8bf484cb4950d23fb7fb7fa8547062d9a1');
  assert.equal(toHex(app.server), 'cc21f1bf8feb7dd5fa505bd9c4b468a9984d554a993dc49e6d285598fb672691');
  assert.equal(toHex(app.exporter), '3fd93d4ffddc98e64b14dd107aedf8ee4add23f4510f58a4592d0b201bee56b4');

  const eoed = encodeEndOfEarlyData();
  assert.equal(toHex(eoed.bytes), toHex(END_OF_EARLY_DATA));
  transcript.add(eoed.bytes);
  const clientKeys = schedule.trafficKeys('client_handshake_traffic_secret', hs.client, 16);
  assert.equal(toHex(clientKeys.key), 'b1530806f4adfeac83f1413032bbfa82');
  assert.equal(toHex(clientKeys.iv), 'eb50c16be7654abf99dd06d9');
  assert.equal(toHex(schedule.finished('client_handshake_traffic_secret', hs.client, transcript.hash('sha256'))), toHex(CLIENT_FINISHED.subarray(4)));
});

test('RFC 8446 §4.2.11: a selected_identity the client did not offer, or a suite of another hash, is refused with illegal_parameter', () => {
  const schedule = new Tls13KeySchedule('sha256', () => undefined, { resumptionMasterSecret: RESUMPTION_MASTER_SECRET, ticketNonce: fromHex('0000') });
  const psk: OfferedPsk = { session: session(0, 0), hash: 'sha256', schedule, modes: ['psk_dhe_ke'], earlyData: false };
  const wrongIdentity = new Uint8Array(SERVER_HELLO);
  // pre_shared_key's selected_identity is the two bytes after "00 29 00 02".
  const at = toHex(SERVER_HELLO).indexOf('002900020000') / 2 + 4;
  wrongIdentity[at + 1] = 1;
  const sh1 = readMessage(wrongIdentity, (r) => readServerHello(r)).value;
  assert.throws(() => pskAnswer(psk, sh1, 'TLS_AES_128_GCM_SHA256'), (e: { alert?: string }) => e.alert === 'illegal_parameter');
  const sh = readMessage(SERVER_HELLO, (r) => readServerHello(r)).value;
  assert.throws(() => pskAnswer(psk, sh, 'TLS_AES_256_GCM_SHA384'), (e: { alert?: string }) => e.alert === 'illegal_parameter');
  // psk_ke was not offered, so a ServerHello without key_share cannot resume in it.
  const withoutShare = { ...sh, extensions: { ...sh.extensions, keyShare: undefined } };
  assert.throws(() => pskAnswer(psk, withoutShare, 'TLS_AES_128_GCM_SHA256'), (e: { alert?: string }) => e.alert === 'missing_extension');
});
