/**
 * RFC 8448 §3 (Simple 1-RTT Handshake) and §5 (HelloRetryRequest), reproduced with the RFC's own keys, randoms and messages:
 * the ClientHello encoder, every key-schedule value, the Finished MACs and the record protection
 * must give the RFC's bytes exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientExtensions } from '../../lib/tls/handshake/extensions';
import { encodeClientHello, readMessage, readServerHello } from '../../lib/tls/handshake/messages';
import { Transcript } from '../../lib/tls/hash';
import { Tls13KeySchedule, type Derivation } from '../../lib/tls/keyschedule/tls13';
import { nonceFor, Tls13Protection } from '../../lib/tls/record/protection';
import { nobleCrypto } from '../../lib/tls/crypto';
import { fromHex, toHex } from '../../lib/tls/wire/bytes';
import type { Writer } from '../../lib/tls/wire/writer';
import { gcm } from '@noble/ciphers/aes.js';

const CLIENT_HELLO = fromHex(`
01 00 00 c0 03 03 cb 34 ec b1 e7 81 63 ba 1c 38 c6 da cb 19 6a 6d ff a2 1a 8d 99 12 ec 18 a2 ef 62 83
02 4d ec e7 00 00 06 13 01 13 03 13 02 01 00 00 91 00 00 00 0b 00 09 00 00 06 73 65 72 76 65 72 ff 01
00 01 00 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 23 00 00 00 33 00
26 00 24 00 1d 00 20 99 38 1d e5 60 e4 bd 43 d2 3d 8e 43 5a 7d ba fe b3 c0 6e 51 c1 3c ae 4d 54 13 69
1e 52 9a af 2c 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03 02 03 08 04 08 05 08 06 04 01
05 01 06 01 02 01 04 02 05 02 06 02 02 02 00 2d 00 02 01 01 00 1c 00 02 40 01`);
const SERVER_HELLO = fromHex(`
02 00 00 56 03 03 a6 af 06 a4 12 18 60 dc 5e 6e 60 24 9c d3 4c 95 93 0c 8a c5 cb 14 34 da c1 55 77 2e
d3 e2 69 28 00 13 01 00 00 2e 00 33 00 24 00 1d 00 20 c9 82 88 76 11 20 95 fe 66 76 2b db f7 c6 72 e1
56 d6 cc 25 3b 83 3d f1 dd 69 b1 b0 4e 75 1f 0f 00 2b 00 02 03 04`);
const ENCRYPTED_EXTENSIONS = fromHex(`
08 00 00 24 00 22 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 1c 00 02
40 01 00 00 00 00`);
const CERTIFICATE = fromHex(`
0b 00 01 b9 00 00 01 b5 00 01 b0 30 82 01 ac 30 82 01 15 a0 03 02 01 02 02 01 02 30 0d 06 09 2a 86 48
86 f7 0d 01 01 0b 05 00 30 0e 31 0c 30 0a 06 03 55 04 03 13 03 72 73 61 30 1e 17 0d 31 36 30 37 33 30
30 31 32 33 35 39 5a 17 0d 32 36 30 37 33 30 30 31 32 33 35 39 5a 30 0e 31 0c 30 0a 06 03 55 04 03 13
03 72 73 61 30 81 9f 30 0d 06 09 2a 86 48 86 f7 0d 01 01 01 05 00 03 81 8d 00 30 81 89 02 81 81 00 b4
bb 49 8f 82 79 30 3d 98 08 36 39 9b 36 c6 98 8c 0c 68 de 55 e1 bd b8 26 d3 90 1a 24 61 ea fd 2d e4 9a
91 d0 15 ab bc 9a 95 13 7a ce 6c 1a f1 9e aa 6a f9 8c 7c ed 43 12 09 98 e1 87 a8 0e e0 cc b0 52 4b 1b
01 8c 3e 0b 63 26 4d 44 9a 6d 38 e2 2a 5f da 43 08 46 74 80 30 53 0e f0 46 1c 8c a9 d9 ef bf ae 8e a6
d1 d0 3e 2b d1 93 ef f0 ab 9a 80 02 c4 74 28 a6 d3 5a 8d 88 d7 9f 7f 1e 3f 02 03 01 00 01 a3 1a 30 18
30 09 06 03 55 1d 13 04 02 30 00 30 0b 06 03 55 1d 0f 04 04 03 02 05 a0 30 0d 06 09 2a 86 48 86 f7 0d
01 01 0b 05 00 03 81 81 00 85 aa d2 a0 e5 b9 27 6b 90 8c 65 f7 3a 72 67 17 06 18 a5 4c 5f 8a 7b 33 7d
2d f7 a5 94 36 54 17 f2 ea e8 f8 a5 8c 8f 81 72 f9 31 9c f3 6b 7f d6 c5 5b 80 f2 1a 03 01 51 56 72 60
96 fd 33 5e 5e 67 f2 db f1 02 70 2e 60 8c ca e6 be c1 fc 63 a4 2a 99 be 5c 3e b7 10 7c 3c 54 e9 b9 eb
2b d5 20 3b 1c 3b 84 e0 a8 b2 f7 59 40 9b a3 ea c9 d9 1d 40 2d cc 0c c8 f8 96 12 29 ac 91 87 b4 2b 4d
e1 00 00`);
const CERTIFICATE_VERIFY = fromHex(`
0f 00 00 84 08 04 00 80 5a 74 7c 5d 88 fa 9b d2 e5 5a b0 85 a6 10 15 b7 21 1f 82 4c d4 84 14 5a b3 ff
52 f1 fd a8 47 7b 0b 7a bc 90 db 78 e2 d3 3a 5c 14 1a 07 86 53 fa 6b ef 78 0c 5e a2 48 ee aa a7 85 c4
f3 94 ca b6 d3 0b be 8d 48 59 ee 51 1f 60 29 57 b1 54 11 ac 02 76 71 45 9e 46 44 5c 9e a5 8c 18 1e 81
8e 95 b8 c3 fb 0b f3 27 84 09 d3 be 15 2a 3d a5 04 3e 06 3d da 65 cd f5 ae a2 0d 53 df ac d4 2f 74 f3`);
const SERVER_FINISHED = fromHex('14 00 00 20 9b 9b 14 1d 90 63 37 fb d2 cb dc e7 1d f4 de da 4a b4 2c 30 95 72 cb 7f ff ee 54 54 b7 8f 07 18');
const CLIENT_FINISHED = fromHex('14 00 00 20 a8 ec 43 6d 67 76 34 ae 52 5a c1 fc eb e1 1a 03 9e c1 76 94 fa c6 e9 85 27 b6 42 f2 ed d5 ce 61');
const CLIENT_FINISHED_RECORD = fromHex(`
17 03 03 00 35 75 ec 4d c2 38 cc e6 0b 29 80 44 a7 1e 21 9c 56 cc 77 b0 51 7f e9 b9 3c 7a 4b fc 44 d8
7f 38 f8 03 38 ac 98 fc 46 de b3 84 bd 1c ae ac ab 68 67 d7 26 c4 05 46`);

const SHARED_SECRET = fromHex('8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d');

test('the ClientHello encoder reproduces RFC 8448 §3 byte for byte', () => {
  const x = clientExtensions;
  const hello = encodeClientHello({
    random: fromHex('cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7'),
    legacySessionId: new Uint8Array(0),
    cipherSuites: ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_256_GCM_SHA384'],
    extensions: [
      x.serverName('server'),
      x.renegotiationInfo(new Uint8Array(0)),
      x.supportedGroups([0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104]),
      x.sessionTicket(),
      x.keyShare([{ group: 0x001d, publicKey: fromHex('99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c') }]),
      x.supportedVersions([0x0304]),
      x.signatureAlgorithms([0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202]),
      x.pskKeyExchangeModes(),
      x.recordSizeLimit(0x4001),
    ],
  });
  assert.equal(toHex(hello.bytes), toHex(CLIENT_HELLO));
  // The annotation covers the message exactly and names the fields the RFC names.
  assert.equal(hello.field.length, CLIENT_HELLO.length);
  const names = hello.field.children!.map((f) => f.name);
  assert.deepEqual(names, ['msg_type', 'length', 'legacy_version', 'random', 'legacy_session_id', 'cipher_suites', 'legacy_compression_methods', 'extensions']);
});

test('the TLS 1.3 key schedule derives every RFC 8448 §3 value', () => {
  const derived = new Map<string, string>();
  const schedule = new Tls13KeySchedule('sha256', (d: Derivation) => derived.set(d.label, toHex(d.value)));
  const transcript = new Transcript();
  transcript.add(CLIENT_HELLO);
  transcript.add(SERVER_HELLO);
  const hs = schedule.deriveHandshakeSecrets(SHARED_SECRET, transcript.hash('sha256'));
  assert.equal(derived.get('early_secret'), '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a');
  assert.equal(derived.get('derived (early)'), '6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba');
  assert.equal(derived.get('handshake_secret'), '1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac');
  assert.equal(derived.get('transcript_hash(ClientHello..ServerHello)'), '860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8');
  assert.equal(toHex(hs.client), 'b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21');
  assert.equal(toHex(hs.server), 'b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38');

  const serverKeys = schedule.trafficKeys('server_handshake_traffic_secret', hs.server, 16);
  assert.equal(toHex(serverKeys.key), '3fce516009c21727d0f2e4e86ee403bc');
  assert.equal(toHex(serverKeys.iv), '5d313eb2671276ee13000b30');
  const clientKeys = schedule.trafficKeys('client_handshake_traffic_secret', hs.client, 16);
  assert.equal(toHex(clientKeys.key), 'dbfaa693d1762c5b666af5d950258d01');
  assert.equal(toHex(clientKeys.iv), '5bd3c71b836e0b76bb73265f');

  for (const m of [ENCRYPTED_EXTENSIONS, CERTIFICATE, CERTIFICATE_VERIFY]) transcript.add(m);
  const serverVerify = schedule.finished('server_handshake_traffic_secret', hs.server, transcript.hash('sha256'));
  assert.equal(derived.get('server_handshake_traffic_secret finished_key'), '008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8');
  assert.equal(toHex(serverVerify), toHex(SERVER_FINISHED.subarray(4)));

  transcript.add(SERVER_FINISHED);
  const app = schedule.deriveApplicationSecrets(transcript.hash('sha256'));
  assert.equal(derived.get('master_secret'), '18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919');
  assert.equal(toHex(app.client), '9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5');
  assert.equal(toHex(app.server), 'a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643');
  const serverApp = schedule.trafficKeys('server_application_traffic_secret_0', app.server, 16);
  assert.equal(toHex(serverApp.key), '9f02283b6c9c07efc26bb9f2ac92e356');
  assert.equal(toHex(serverApp.iv), 'cf782b88dd83549aadf1e984');
  const clientApp = schedule.trafficKeys('client_application_traffic_secret_0', app.client, 16);
  assert.equal(toHex(clientApp.key), '17422dda596ed5d9acd890e3c63f5051');
  assert.equal(toHex(clientApp.iv), '5b78923dee08579033e523d9');

  // The client Finished is computed over the transcript up to the server Finished.
  const clientVerify = schedule.finished('client_handshake_traffic_secret', hs.client, transcript.hash('sha256'));
  assert.equal(derived.get('client_handshake_traffic_secret finished_key'), 'b80ad01015fb2f0bd65ff7d4da5d6bf83f84821d1f87fdc7d3c75b5a7b42d9c4');
  assert.equal(toHex(clientVerify), toHex(CLIENT_FINISHED.subarray(4)));

  // Every value is reported with the inputs it was computed from, so the schedule can be drawn.
  const labels = [...derived.keys()];
  for (const l of ['early_secret', 'handshake_secret', 'master_secret', 'client_application_traffic_secret_0', 'exporter_master_secret']) assert.ok(labels.includes(l), l);
});

test('the client Finished record is protected exactly as in RFC 8448 §3', () => {
  const key = fromHex('dbfaa693d1762c5b666af5d950258d01');
  const iv = fromHex('5bd3c71b836e0b76bb73265f');
  const header = CLIENT_FINISHED_RECORD.subarray(0, 5);
  const inner = new Uint8Array([...CLIENT_FINISHED, 22]);
  const sealed = gcm(key, nonceFor(iv, 0n), header).encrypt(inner);
  assert.equal(toHex(sealed), toHex(CLIENT_FINISHED_RECORD.subarray(5)));
});

// RFC 8448 §5: the client offers x25519, the server wants secp256r1 and sends a HelloRetryRequest
// with a cookie; the rest of the handshake runs over the transcript that starts with message_hash.
const HRR_CLIENT_HELLO_1 = fromHex(`
01 00 00 b0 03 03 b0 b1 c5 a5 aa 37 c5 91 9f 2e d1 d5 c6 ff f7 fc b7 84 97 16 94 5a 2b 8c ee 92 58 a3
46 67 7b 6f 00 00 06 13 01 13 03 13 02 01 00 00 81 00 00 00 0b 00 09 00 00 06 73 65 72 76 65 72 ff 01
00 01 00 00 0a 00 08 00 06 00 1d 00 17 00 18 00 33 00 26 00 24 00 1d 00 20 e8 e8 e3 f3 b9 3a 25 ed 97
a1 4a 7d ca cb 8a 27 2c 62 88 e5 85 c6 48 4d 05 26 2f ca d0 62 ad 1f 00 2b 00 03 02 03 04 00 0d 00 20
00 1e 04 03 05 03 06 03 02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 01 04 02 05 02 06 02 02 02 00 2d
00 02 01 01 00 1c 00 02 40 01`);
const HRR_HELLO_RETRY_REQUEST = fromHex(`
02 00 00 ac 03 03 cf 21 ad 74 e5 9a 61 11 be 1d 8c 02 1e 65 b8 91 c2 a2 11 16 7a bb 8c 5e 07 9e 09 e2
c8 a8 33 9c 00 13 01 00 00 84 00 33 00 02 00 17 00 2c 00 74 00 72 71 dc d0 4b b8 8b c3 18 91 19 39 8a
00 00 00 00 ee fa fc 76 c1 46 b8 23 b0 96 f8 aa ca d3 65 dd 00 30 95 3f 4e df 62 56 36 e5 f2 1b b2 e2
3f cc 65 4b 1b 5b 40 31 8d 10 d1 37 ab cb b8 75 74 e3 6e 8a 1f 02 5f 7d fa 5d 6e 50 78 1b 5e da 4a a1
5b 0c 8b e7 78 25 7d 16 aa 30 30 e9 e7 84 1d d9 e4 c0 34 22 67 e8 ca 0c af 57 1f b2 b7 cf f0 f9 34 b0
00 2b 00 02 03 04`);
const HRR_CLIENT_HELLO_2 = fromHex(`
01 00 01 fc 03 03 b0 b1 c5 a5 aa 37 c5 91 9f 2e d1 d5 c6 ff f7 fc b7 84 97 16 94 5a 2b 8c ee 92 58 a3
46 67 7b 6f 00 00 06 13 01 13 03 13 02 01 00 01 cd 00 00 00 0b 00 09 00 00 06 73 65 72 76 65 72 ff 01
00 01 00 00 0a 00 08 00 06 00 1d 00 17 00 18 00 33 00 47 00 45 00 17 00 41 04 a6 da 73 92 ec 59 1e 17
ab fd 53 59 64 b9 98 94 d1 3b ef b2 21 b3 de f2 eb e3 83 0e ac 8f 01 51 81 26 77 c4 d6 d2 23 7e 85 cf
01 d6 91 0c fb 83 95 4e 76 ba 73 52 83 05 34 15 98 97 e8 06 57 80 00 2b 00 03 02 03 04 00 0d 00 20 00
1e 04 03 05 03 06 03 02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 01 04 02 05 02 06 02 02 02 00 2c 00
74 00 72 71 dc d0 4b b8 8b c3 18 91 19 39 8a 00 00 00 00 ee fa fc 76 c1 46 b8 23 b0 96 f8 aa ca d3 65
dd 00 30 95 3f 4e df 62 56 36 e5 f2 1b b2 e2 3f cc 65 4b 1b 5b 40 31 8d 10 d1 37 ab cb b8 75 74 e3 6e
8a 1f 02 5f 7d fa 5d 6e 50 78 1b 5e da 4a a1 5b 0c 8b e7 78 25 7d 16 aa 30 30 e9 e7 84 1d d9 e4 c0 34
22 67 e8 ca 0c af 57 1f b2 b7 cf f0 f9 34 b0 00 2d 00 02 01 01 00 1c 00 02 40 01 00 15 00 af
${'00 '.repeat(0xaf)}`);
const HRR_SERVER_HELLO = fromHex(`
02 00 00 77 03 03 bb 34 1d 84 7f d7 89 c4 7c 38 71 72 dc 0c 9b f1 47 fc ca cb 50 43 d8 6c a4 c5 98 d3
ff 57 1b 98 00 13 01 00 00 4f 00 33 00 45 00 17 00 41 04 58 3e 05 4b 7a 66 67 2a e0 20 ad 9d 26 86 fc
c8 5b 5a d4 1a 13 4a 0f 03 ee 72 b8 93 05 2b d8 5b 4c 8d e6 77 6f 5b 04 ac 07 d8 35 40 ea b3 e3 d9 c5
47 bc 65 28 c4 31 7d 29 46 86 09 3a 6c ad 7d 00 2b 00 02 03 04`);
const HRR_ENCRYPTED_EXTENSIONS = fromHex('08 00 00 18 00 16 00 0a 00 08 00 06 00 17 00 18 00 1d 00 1c 00 02 40 01 00 00 00 00');
const HRR_CERTIFICATE_VERIFY = fromHex(`
0f 00 00 84 08 04 00 80 33 ab 13 d4 46 27 07 23 1b 5d ca e6 c8 19 0b 63 d1 da bc 74 f2 8c 39 53 70 da
0b 07 e5 b8 30 66 d0 24 6a 31 ac d9 5d f4 75 bf d7 99 a4 a7 0d 33 ad 93 d3 a3 17 a9 b2 c0 d2 37 a5 68
5b 21 9e 77 41 12 e3 91 a2 47 60 7d 1a ef f1 bb d0 a3 9f 38 2e e1 a5 fe 88 ae 99 ec 59 22 8e 64 97 e4
5d 48 ce 27 5a 6d 5e f4 0d 16 9f b6 f9 d3 3b 05 2e d3 dc dd 6b 5a 48 ba af ff bc b2 90 12 84 15 bd 38`);
const HRR_SERVER_FINISHED = fromHex('14 00 00 20 88 63 e6 bf b0 42 0a 92 7f a2 7f 34 33 6a 70 ae 42 6e 96 8e 3e b8 84 94 5b 96 85 6d ba 39 76 d1');
const HRR_CLIENT_FINISHED = fromHex('14 00 00 20 23 f5 2f db 07 09 a5 5b d7 f7 9b 99 1f 25 48 40 87 bc fd 4d 43 80 b1 23 26 a5 2a 28 b2 e3 68 e1');
const HRR_SHARED_SECRET = fromHex('c1 42 ce 13 ca 11 b5 c2 23 36 52 e6 3a d3 d9 78 44 f1 62 1f bf b9 de 69 d5 47 dc 8f ed ea be b4');
/** The server's first protected record: EncryptedExtensions, Certificate, CertificateVerify, Finished. */
const HRR_SERVER_PARAMETERS_RECORD = fromHex(`
17 03 03 02 96 99 be e2 0b af 5b 7f c7 27 bf ab 62 23 92 8a 38 1e 6d 0c f9 c4 da 65 3f 9d 2a 7b 23 f7
de 11 cc e8 42 d5 cf 75 63 17 63 45 0f fb 8b 0c c1 d2 38 e6 58 af 7a 12 ad c8 62 43 11 4a b1 4a 1d a2
fa e4 26 21 ce 48 3f b6 24 2e ab fa ad 52 56 6b 02 b3 1d 2e dd ed ef eb 80 e6 6a 99 00 d5 f9 73 b4 0c
4f df 74 71 9e cf 1b 68 d7 f9 c3 b6 ce b9 03 ca 13 dd 1b b8 f8 18 7a e3 34 17 e1 d1 52 52 2c 58 22 a1
a0 3a d5 2c 83 8c 55 95 3d 61 02 22 87 4c ce 8e 17 90 b2 29 a2 aa 0b 53 c8 d3 77 ee 72 01 82 95 1d c6
18 1d c5 d9 0b d1 f0 10 5e d1 e8 4a a5 f7 59 57 c6 66 18 97 07 9e 5e a5 00 74 49 e3 19 7b dc 7c 9b ee
ed dd ea fd d8 44 af a5 c3 15 ec fe 65 e5 76 af e9 09 81 28 80 62 0e c7 04 8b 42 d7 f5 c7 8d 76 f2 99
d6 d8 25 34 bd d8 f5 12 fe bc 0e d3 81 4a ca 47 0c d8 00 0d 3e 1c b9 96 2b 05 2f bb 95 0d f6 83 a5 2c
2b a7 7e d3 71 3b 12 29 37 a6 e5 17 09 64 e2 ab 79 69 dc d9 80 b3 db 9b 45 8d a7 60 31 24 d6 dc 00 5e
4d 6e 04 b4 d0 c4 ba f3 27 5d b8 27 db ba 0a 6d b0 96 72 17 1f c0 57 b3 85 1d 7e 02 68 41 e2 97 8f bd
23 46 bb ef dd 03 76 bb 11 08 fe 9a cc 92 18 9f 56 50 aa 5e 85 d8 e8 c7 b6 7a c5 10 db a0 03 d3 d7 e1
63 50 bb 66 d4 50 13 ef d4 4c 9b 60 7c 0d 31 8c 4c 7d 1a 1f 5c bc 57 e2 06 11 80 4e 37 87 d7 b4 a4 b5
f0 8e d8 fd 70 bd ae ad e0 22 60 b1 2a b8 42 ef 69 0b 4a 3e e7 91 1e 84 1b 37 4e cd 5e bb bc 2a 54 d0
47 b6 00 33 6d d7 d0 c8 8b 4b c1 0e 58 ee 6c b6 56 de 72 47 fa 20 d8 e9 1d eb 84 62 86 08 cf 80 61 5b
62 e9 6c 14 91 c7 ac 37 55 eb 69 01 40 5d 34 74 fe 1a c7 9d 10 6a 0c ee 56 c2 57 7f c8 84 80 f9 6c b6
b8 c6 81 b7 b6 8b 53 c1 46 09 39 08 f3 50 88 81 75 bd fb 0b 1e 31 ad 61 e3 0b a0 ad fe 6d 22 3a a0 3c
07 83 b5 00 1a 57 58 7c 32 8a 9a fc fc fb 97 8d 1c d4 32 8f 7d 9d 60 53 0e 63 0b ef d9 6c 0c 81 6e e2
0b 01 00 76 8a e2 a6 df 51 fc 68 f1 72 74 0a 79 af 11 39 8e e3 be 12 52 49 1f a9 c6 93 47 9e 87 7f 94
ab 7c 5f 8c ad 48 02 03 e6 ab 7b 87 dd 71 e8 a0 72 91 13 df 17 f5 ee e8 6c e1 08 d1 d7 20 07 ec 1c d1
3c 85 a6 c1 49 62 1e 77 b7 d7 8d 80 5a 30 f0 be 03 0c 31 5e 54`);

/** RFC 8448 §5's client signature_algorithms (including schemes this client never offers). */
const RFC8448_SCHEMES = [0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202];
const HRR_CLIENT_RANDOM = fromHex('b0b1c5a5aa37c5919f2ed1d5c6fff7fcb7849716945a2b8cee9258a346677b6f');

test('RFC 8448 §5: the HelloRetryRequest is recognised, asks for secp256r1, and carries the cookie', () => {
  const { type, value: hrr, field } = readMessage(HRR_HELLO_RETRY_REQUEST, (r) => readServerHello(r));
  assert.equal(type, 'server_hello');
  assert.equal(hrr.isHelloRetryRequest, true);
  assert.equal(hrr.cipherSuite, 0x1301);
  assert.equal(hrr.extensions.selectedGroup, 0x0017);
  assert.equal(hrr.extensions.supportedVersion, 'TLSv1.3');
  assert.equal(hrr.extensions.cookie?.length, 0x72);
  assert.equal(field.length, HRR_HELLO_RETRY_REQUEST.length);
});

test('RFC 8448 §5: both ClientHellos are reproduced byte for byte, the second echoing the cookie', () => {
  const x = clientExtensions;
  const common = (keyShare: { group: number; publicKey: Uint8Array }, cookie?: Uint8Array) => [
    x.serverName('server'),
    x.renegotiationInfo(new Uint8Array(0)),
    x.supportedGroups([0x001d, 0x0017, 0x0018]),
    x.keyShare([keyShare]),
    x.supportedVersions([0x0304]),
    x.signatureAlgorithms(RFC8448_SCHEMES),
    ...(cookie ? [x.cookie(cookie)] : []),
    x.pskKeyExchangeModes(),
    x.recordSizeLimit(0x4001),
  ];
  const suites = ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_256_GCM_SHA384'] as const;
  const first = encodeClientHello({
    random: HRR_CLIENT_RANDOM,
    legacySessionId: new Uint8Array(0),
    cipherSuites: [...suites],
    extensions: common({ group: 0x001d, publicKey: fromHex('e8e8e3f3b93a25ed97a14a7dcacb8a272c6288e585c6484d05262fcad062ad1f') }),
  });
  assert.equal(toHex(first.bytes), toHex(HRR_CLIENT_HELLO_1));

  const cookie = readMessage(HRR_HELLO_RETRY_REQUEST, (r) => readServerHello(r)).value.extensions.cookie!;
  // RFC 8448's client pads its second ClientHello to 512 bytes (RFC 7685); this client does not pad, so the padding extension is added here.
  const padding = { type: 0x0015, body: (w: Writer) => w.bytes('padding', new Uint8Array(0xaf)) };
  const second = encodeClientHello({
    random: HRR_CLIENT_RANDOM,
    legacySessionId: new Uint8Array(0),
    cipherSuites: [...suites],
    extensions: [
      ...common(
        {
          group: 0x0017,
          publicKey: fromHex(
            '04a6da7392ec591e17abfd535964b99894d13befb221b3def2ebe3830eac8f0151812677c4d6d2237e85cf01d6910cfb83954e76ba7352830534159897e8065780',
          ),
        },
        cookie,
      ),
      padding,
    ],
  });
  assert.equal(toHex(second.bytes), toHex(HRR_CLIENT_HELLO_2));
});

test('RFC 8448 §5: the transcript replaces ClientHello1 by message_hash, and every derived key and Finished matches', () => {
  const derived = new Map<string, string>();
  const schedule = new Tls13KeySchedule('sha256', (d: Derivation) => derived.set(d.label, toHex(d.value)));
  const transcript = new Transcript();
  transcript.add(HRR_CLIENT_HELLO_1);
  // RFC 8446 §4.4.1: message_hash = 0xfe 00 00 Hash.length ‖ Hash(ClientHello1).
  transcript.replaceWithMessageHash('sha256');
  for (const m of [HRR_HELLO_RETRY_REQUEST, HRR_CLIENT_HELLO_2, HRR_SERVER_HELLO]) transcript.add(m);
  const hs = schedule.deriveHandshakeSecrets(HRR_SHARED_SECRET, transcript.hash('sha256'));
  const serverKeys = schedule.trafficKeys('server_handshake_traffic_secret', hs.server, 16);
  assert.equal(toHex(serverKeys.key), '4646bfac1712c426cd78d8a24a8a6f6b');
  assert.equal(toHex(serverKeys.iv), 'c7d395c08d62f297d13768ea');
  const clientKeys = schedule.trafficKeys('client_handshake_traffic_secret', hs.client, 16);
  assert.equal(toHex(clientKeys.key), '2f1f918663d590e7421149a29d94b0b6');
  assert.equal(toHex(clientKeys.iv), '414d5485235e1a688793bd74');

  for (const m of [HRR_ENCRYPTED_EXTENSIONS, CERTIFICATE, HRR_CERTIFICATE_VERIFY]) transcript.add(m);
  assert.equal(toHex(schedule.finished('server_handshake_traffic_secret', hs.server, transcript.hash('sha256'))), toHex(HRR_SERVER_FINISHED.subarray(4)));
  assert.equal(derived.get('server_handshake_traffic_secret finished_key'), 'e7f8bb3ea4b6c30c4710b3d09c3313658117e70b097e850368e2510ca5631f74');
  transcript.add(HRR_SERVER_FINISHED);

  const app = schedule.deriveApplicationSecrets(transcript.hash('sha256'));
  const serverApp = schedule.trafficKeys('server_application_traffic_secret_0', app.server, 16);
  assert.equal(toHex(serverApp.key), 'f27a5d97bd25550c4823b0f3e5d29388');
  assert.equal(toHex(serverApp.iv), '0dd631f7b71cbbc797c35fe7');
  const clientApp = schedule.trafficKeys('client_application_traffic_secret_0', app.client, 16);
  assert.equal(toHex(clientApp.key), 'a7eb2a0525eb4331d58fcbf9f7ca2e9c');
  assert.equal(toHex(clientApp.iv), '86e8be227c1bd2b3e39cb444');

  assert.equal(toHex(schedule.finished('client_handshake_traffic_secret', hs.client, transcript.hash('sha256'))), toHex(HRR_CLIENT_FINISHED.subarray(4)));
  assert.equal(derived.get('client_handshake_traffic_secret finished_key'), '81be4131fbb9b6f4471450846f74fd1e68c5224ba7c2a8677f5c53ad226fdc13');
});

test('RFC 8448 §5: the server\u2019s protected handshake record opens to EncryptedExtensions … Finished', async () => {
  const protection = new Tls13Protection(nobleCrypto, 'AES-128-GCM', fromHex('4646bfac1712c426cd78d8a24a8a6f6b'), fromHex('c7d395c08d62f297d13768ea'), 'server handshake traffic keys');
  const opened = await protection.open(HRR_SERVER_PARAMETERS_RECORD.subarray(0, 5), HRR_SERVER_PARAMETERS_RECORD.subarray(5));
  assert.equal(opened.type, 22);
  assert.equal(toHex(opened.content), toHex(new Uint8Array([...HRR_ENCRYPTED_EXTENSIONS, ...CERTIFICATE, ...HRR_CERTIFICATE_VERIFY, ...HRR_SERVER_FINISHED])));
});
