/**
 * A minimal TLS 1.2 server written for the tests, on node:crypto: one suite
 * (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 over x25519, RFC 5289 / RFC 8422), extended master secret,
 * and a script for what happens after the handshake. Real OpenSSL servers cannot be made to
 * misbehave in a renegotiation (echo the wrong renegotiation_info, switch certificates, or lack
 * RFC 5746 altogether); this one can. It handles the messages this client sends, one per record.
 */
import { createHash, createHmac, createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, randomBytes, sign, constants, type KeyObject } from 'node:crypto';
import type { Socket } from 'node:net';
import { CONTENT, EXTENSION, HANDSHAKE, extension, handshake, parseClientHello, record, serverHello, u16, u8, vec16, vec24, vec8, type ClientHelloView } from './wire';

const SUITE = 0xc02f;
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

/** RFC 5246 §5: P_SHA256. */
export function prf(secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  const labelSeed = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const out: Buffer[] = [];
  let a = labelSeed;
  let total = 0;
  while (total < length) {
    a = createHmac('sha256', secret).update(a).digest();
    const block = createHmac('sha256', secret).update(Buffer.concat([a, labelSeed])).digest();
    out.push(block);
    total += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

interface Direction {
  key: Buffer;
  salt: Buffer;
  seq: bigint;
}

/** Deliberate faults in the server's side of the handshake. */
export interface HandshakeFaults {
  /** Flip a bit in the ServerKeyExchange signature. */
  corruptSignature?: boolean;
  /** The named group written in ServerKeyExchange (the share stays x25519). */
  group?: number;
  /** The signature scheme written in ServerKeyExchange (the signature stays RSA-PSS). */
  scheme?: number;
  /** Flip a bit in the server's Finished verify_data. */
  corruptFinished?: boolean;
  /** Extra ServerHello extensions. */
  extensions?: Buffer[];
  /** The ServerHello's session id (RFC 5246 §7.4.1.3): a non-empty one lets the client keep the session. */
  sessionId?: Buffer;
}

export interface Tls12Identity {
  keyPem: string;
  /** Leaf first. */
  chainDer: Uint8Array[];
}

/** One server-side connection, driven by the test's script. */
export class Tls12ServerConnection {
  private inbox = Buffer.alloc(0);
  private waiting?: () => void;
  private closed = false;
  private read?: Direction;
  private write?: Direction;
  private transcript: Buffer[] = [];
  clientRandom: Buffer = Buffer.alloc(0);
  serverRandom: Buffer = Buffer.alloc(0);
  clientVerifyData: Buffer = Buffer.alloc(0);
  serverVerifyData: Buffer = Buffer.alloc(0);
  clientHello?: ClientHelloView;

  constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.inbox = Buffer.concat([this.inbox, d]);
      this.waiting?.();
    });
    const end = () => {
      this.closed = true;
      this.waiting?.();
    };
    socket.on('end', end);
    socket.on('close', end);
  }

  /** The next record, decrypted once keys are in place. */
  async readRecord(): Promise<{ type: number; body: Buffer }> {
    for (;;) {
      if (this.inbox.length >= 5 && this.inbox.length >= 5 + this.inbox.readUInt16BE(3)) {
        const length = this.inbox.readUInt16BE(3);
        const type = this.inbox[0];
        const fragment = this.inbox.subarray(5, 5 + length);
        this.inbox = this.inbox.subarray(5 + length);
        if (type === CONTENT.change_cipher_spec || !this.read) return { type, body: Buffer.from(fragment) };
        return { type, body: this.open(this.read, type, fragment) };
      }
      if (this.closed) throw new Error('the client closed the connection');
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  /** The next handshake message (this client sends one per record). */
  async readHandshake(expected: number): Promise<Buffer> {
    const r = await this.readRecord();
    if (r.type !== CONTENT.handshake || r.body[0] !== expected) throw new Error(`expected handshake ${expected}, got record ${r.type} ${r.body.toString('hex').slice(0, 16)}`);
    return r.body;
  }

  writeRecord(type: number, body: Buffer): void {
    this.socket.write(record(type, this.write ? this.seal(this.write, type, body) : body));
  }

  /** Sends handshake messages; `transcript: false` keeps them out of the handshake hash (HelloRequest). */
  sendHandshake(messages: Buffer[], transcript = true): void {
    for (const m of messages) {
      if (transcript) this.transcript.push(m);
      this.writeRecord(CONTENT.handshake, m);
    }
  }

  private seal(d: Direction, type: number, plaintext: Buffer): Buffer {
    const explicit = Buffer.alloc(8);
    explicit.writeBigUInt64BE(d.seq);
    const cipher = createCipheriv('aes-128-gcm', d.key, Buffer.concat([d.salt, explicit]));
    cipher.setAAD(additionalData(d.seq++, type, plaintext.length));
    return Buffer.concat([explicit, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  }

  private open(d: Direction, type: number, fragment: Buffer): Buffer {
    const ciphertext = fragment.subarray(8, fragment.length - 16);
    const decipher = createDecipheriv('aes-128-gcm', d.key, Buffer.concat([d.salt, fragment.subarray(0, 8)]));
    decipher.setAAD(additionalData(d.seq++, type, ciphertext.length));
    decipher.setAuthTag(fragment.subarray(fragment.length - 16));
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  }

  /**
   * The server's side of a full handshake (RFC 5246 §7.3) after `clientHelloMessage`: ServerHello
   * (with the given renegotiation_info, or none), Certificate, ServerKeyExchange, ServerHelloDone;
   * then the client's flight, ChangeCipherSpec and Finished.
   */
  async handshake(identity: Tls12Identity, clientHelloMessage: Buffer, renegotiationInfo: Buffer | undefined, faults: HandshakeFaults = {}): Promise<void> {
    this.transcript = [clientHelloMessage];
    this.clientHello = parseClientHello(clientHelloMessage);
    this.clientRandom = this.clientHello.random;
    this.serverRandom = randomBytes(32);
    const extensions = [extension(EXTENSION.extended_master_secret, Buffer.alloc(0)), ...(faults.extensions ?? [])];
    if (renegotiationInfo) extensions.unshift(extension(EXTENSION.renegotiation_info, vec8(renegotiationInfo)));
    const { publicKey, privateKey } = generateKeyPairSync('x25519');
    const share = publicKey.export({ type: 'spki', format: 'der' }).subarray(X25519_SPKI_PREFIX.length);
    const params = Buffer.concat([u8(3), u16(faults.group ?? 0x001d), vec8(share)]);
    const signature = sign('sha256', Buffer.concat([this.clientRandom, this.serverRandom, params]), {
      key: createPrivateKey(identity.keyPem),
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
    this.sendHandshake([
      serverHello({ random: this.serverRandom, sessionId: faults.sessionId, cipherSuite: SUITE, extensions }),
      handshake(HANDSHAKE.certificate, vec24(...identity.chainDer.map((der) => vec24(Buffer.from(der))))),
      handshake(HANDSHAKE.server_key_exchange, Buffer.concat([params, u16(faults.scheme ?? 0x0804), vec16(faults.corruptSignature ? flipLastBit(signature) : signature)])),
      handshake(HANDSHAKE.server_hello_done, Buffer.alloc(0)),
    ]);

    const clientKeyExchange = await this.readHandshake(HANDSHAKE.client_key_exchange);
    this.transcript.push(clientKeyExchange);
    const clientShare = clientKeyExchange.subarray(5, 5 + clientKeyExchange[4]);
    const preMaster = diffieHellman({ privateKey, publicKey: x25519PublicKey(clientShare) });
    // RFC 7627 §4: the session hash covers the handshake up to and including ClientKeyExchange.
    const master = prf(preMaster, 'extended master secret', this.hash(), 48);
    const block = prf(master, 'key expansion', Buffer.concat([this.serverRandom, this.clientRandom]), 40);
    const clientDirection: Direction = { key: block.subarray(0, 16), salt: block.subarray(32, 36), seq: 0n };
    const serverDirection: Direction = { key: block.subarray(16, 32), salt: block.subarray(36, 40), seq: 0n };

    const ccs = await this.readRecord();
    if (ccs.type !== CONTENT.change_cipher_spec) throw new Error(`expected ChangeCipherSpec, got record ${ccs.type}`);
    this.read = clientDirection;
    const clientFinished = await this.readHandshake(HANDSHAKE.finished);
    const expected = prf(master, 'client finished', this.hash(), 12);
    if (!expected.equals(clientFinished.subarray(4))) throw new Error('client Finished does not verify');
    this.clientVerifyData = expected;
    this.transcript.push(clientFinished);
    this.writeRecord(CONTENT.change_cipher_spec, Buffer.from([1]));
    this.write = serverDirection;
    this.serverVerifyData = prf(master, 'server finished', this.hash(), 12);
    this.sendHandshake([handshake(HANDSHAKE.finished, faults.corruptFinished ? flipLastBit(this.serverVerifyData) : this.serverVerifyData)]);
  }

  private hash(): Buffer {
    return createHash('sha256').update(Buffer.concat(this.transcript)).digest();
  }

  /** The first ClientHello, in the clear. */
  async readClientHello(): Promise<Buffer> {
    return this.readHandshake(HANDSHAKE.client_hello);
  }

  /** RFC 5246 §7.4.1.1: HelloRequest, not part of any transcript. */
  sendHelloRequest(): void {
    this.sendHandshake([handshake(HANDSHAKE.hello_request, Buffer.alloc(0))], false);
  }

  /** Reads the HTTP request (application data) the client sends after the handshake. */
  async readApplicationData(): Promise<Buffer> {
    const r = await this.readRecord();
    if (r.type !== CONTENT.application_data) throw new Error(`expected application data, got record ${r.type}`);
    return r.body;
  }
}

function flipLastBit(b: Buffer): Buffer {
  const out = Buffer.from(b);
  out[out.length - 1] ^= 1;
  return out;
}

function additionalData(seq: bigint, type: number, length: number): Buffer {
  const ad = Buffer.alloc(13);
  ad.writeBigUInt64BE(seq);
  ad[8] = type;
  ad.writeUInt16BE(0x0303, 9);
  ad.writeUInt16BE(length, 11);
  return ad;
}

function x25519PublicKey(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}
