/**
 * A scripted TLS 1.3 server for the tests, on node:crypto: TLS_AES_128_GCM_SHA256 over x25519, an
 * ECDSA P-256 certificate (RFC 8446 §4, §7). It does the real key exchange and encryption, so a
 * test can send a flight the engine decrypts — and decide byte by byte how it is framed: which
 * messages share a record, which record is protected with which keys, what the
 * EncryptedExtensions carry. Stock servers cannot be made to do any of that wrongly; this one can.
 * Independent of lib/tls on purpose (a check of the engine built from the engine proves nothing).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, sign } from 'node:crypto';
import type { Socket } from 'node:net';
import { CONTENT, EXTENSION, HANDSHAKE, extension, handshake, keyShareGroups, parseClientHello, record, serverHello, u16, u8, vec16, vec24, vec8, type ClientHelloView } from './wire';

const TLS_AES_128_GCM_SHA256 = 0x1301;
const X25519 = 0x001d;
const ECDSA_SECP256R1_SHA256 = 0x0403;
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();
const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

/** RFC 5869 HKDF-Expand with SHA-256. */
function expand(prk: Buffer, info: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  let t = Buffer.alloc(0);
  for (let i = 1; Buffer.concat(out).length < length; i++) {
    t = hmac(prk, Buffer.concat([t, info, u8(i)]));
    out.push(t);
  }
  return Buffer.concat(out).subarray(0, length);
}

/** RFC 8446 §7.1: HKDF-Expand-Label. */
export function expandLabel(secret: Buffer, label: string, context: Buffer, length: number): Buffer {
  return expand(secret, Buffer.concat([u16(length), vec8(Buffer.from(`tls13 ${label}`, 'latin1')), vec8(context)]), length);
}

interface Keys {
  secret: Buffer;
  key: Buffer;
  iv: Buffer;
  seq: bigint;
}

function trafficKeys(secret: Buffer): Keys {
  return { secret, key: expandLabel(secret, 'key', Buffer.alloc(0), 16), iv: expandLabel(secret, 'iv', Buffer.alloc(0), 12), seq: 0n };
}

function nonce(k: Keys): Buffer {
  const n = Buffer.from(k.iv);
  const seq = Buffer.alloc(8);
  seq.writeBigUInt64BE(k.seq++);
  for (let i = 0; i < 8; i++) n[4 + i] ^= seq[i];
  return n;
}

export interface Tls13Identity {
  /** PKCS#8 PEM of a P-256 key. */
  keyPem: string;
  /** Leaf first. */
  chainDer: Uint8Array[];
}

/** The server's first flight, message by message, each already in the transcript. */
export interface Tls13Flight {
  serverHello: Buffer;
  encryptedExtensions: Buffer;
  certificateRequest?: Buffer;
  certificate: Buffer;
  certificateVerify: Buffer;
  finished: Buffer;
}

export interface FlightSpec {
  /** Extra ServerHello extensions (after supported_versions and key_share). */
  serverHelloExtensions?: Buffer[];
  /** The EncryptedExtensions' extension list (default: none). */
  encryptedExtensions?: Buffer[];
  /** The scheme written in the CertificateVerify (the signature itself is always ECDSA P-256). */
  certificateVerifyScheme?: number;
  /** Sends a CertificateRequest with this certificate_request_context. */
  certificateRequestContext?: Buffer;
}

/** One server-side TLS 1.3 connection, driven by the test's script. */
export class Tls13ServerConnection {
  private inbox = Buffer.alloc(0);
  private waiting?: () => void;
  private closed = false;
  private transcript: Buffer[] = [];
  private handshakeSecret = Buffer.alloc(0);
  private serverHandshake?: Keys;
  private clientHandshake?: Keys;
  private serverApplication?: Keys;
  private clientApplication?: Keys;
  /** The keys records are sent with; undefined sends plaintext. */
  private write?: Keys;
  clientHello?: ClientHelloView;
  clientHelloMessage: Buffer = Buffer.alloc(0);

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

  private async readRaw(): Promise<{ type: number; header: Buffer; fragment: Buffer }> {
    for (;;) {
      if (this.inbox.length >= 5 && this.inbox.length >= 5 + this.inbox.readUInt16BE(3)) {
        const length = this.inbox.readUInt16BE(3);
        const header = this.inbox.subarray(0, 5);
        const fragment = this.inbox.subarray(5, 5 + length);
        this.inbox = this.inbox.subarray(5 + length);
        return { type: header[0], header, fragment };
      }
      if (this.closed) throw new Error('the client closed the connection');
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  /** The next record that is not a compatibility ChangeCipherSpec, opened with `keys` when given. */
  private async readRecord(keys?: Keys): Promise<{ type: number; body: Buffer }> {
    for (;;) {
      const r = await this.readRaw();
      if (r.type === CONTENT.change_cipher_spec) continue;
      if (!keys) return { type: r.type, body: Buffer.from(r.fragment) };
      const decipher = createDecipheriv('aes-128-gcm', keys.key, nonce(keys));
      decipher.setAAD(r.header);
      decipher.setAuthTag(r.fragment.subarray(r.fragment.length - 16));
      const inner = Buffer.concat([decipher.update(r.fragment.subarray(0, r.fragment.length - 16)), decipher.final()]);
      let end = inner.length;
      while (end > 0 && inner[end - 1] === 0) end--;
      return { type: inner[end - 1], body: inner.subarray(0, end - 1) };
    }
  }

  /** Reads the ClientHello (one plaintext record). */
  async readClientHello(): Promise<ClientHelloView> {
    const r = await this.readRecord();
    if (r.type !== CONTENT.handshake || r.body[0] !== HANDSHAKE.client_hello) throw new Error(`expected a ClientHello, got record ${r.type}`);
    this.clientHelloMessage = r.body;
    this.clientHello = parseClientHello(r.body);
    this.transcript = [r.body];
    return this.clientHello;
  }

  private hash(): Buffer {
    return sha256(Buffer.concat(this.transcript));
  }

  /**
   * Builds the whole first flight (RFC 8446 §4.1.3–§4.4.4), deriving the keys as it goes; nothing
   * is sent. The test frames the messages itself (sendPlain / sendProtected).
   */
  flight(identity: Tls13Identity, spec: FlightSpec = {}): Tls13Flight {
    const hello = this.clientHello;
    if (!hello) throw new Error('no ClientHello yet');
    const shares = hello.extensions.get(EXTENSION.key_share);
    if (!shares || !keyShareGroups(shares).includes(X25519)) throw new Error('the ClientHello has no x25519 key share (run the client with groups: [x25519])');
    const clientShare = x25519Share(shares);
    const { publicKey, privateKey } = generateKeyPairSync('x25519');
    const share = publicKey.export({ type: 'spki', format: 'der' }).subarray(X25519_SPKI_PREFIX.length);
    const shared = diffieHellman({ privateKey, publicKey: createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, clientShare]), format: 'der', type: 'spki' }) });

    const serverHelloMessage = serverHello({
      random: Buffer.alloc(32, 0x33),
      sessionId: hello.sessionId,
      cipherSuite: TLS_AES_128_GCM_SHA256,
      extensions: [extension(EXTENSION.supported_versions, u16(0x0304)), extension(EXTENSION.key_share, Buffer.concat([u16(X25519), vec16(share)])), ...(spec.serverHelloExtensions ?? [])],
    });
    this.transcript.push(serverHelloMessage);

    // RFC 8446 §7.1: early secret (no PSK) → handshake secret → traffic secrets.
    const zeros = Buffer.alloc(32);
    const early = hmac(zeros, zeros);
    const derived = expandLabel(early, 'derived', sha256(Buffer.alloc(0)), 32);
    this.handshakeSecret = hmac(derived, shared);
    this.clientHandshake = trafficKeys(expandLabel(this.handshakeSecret, 'c hs traffic', this.hash(), 32));
    this.serverHandshake = trafficKeys(expandLabel(this.handshakeSecret, 's hs traffic', this.hash(), 32));

    const add = (m: Buffer) => {
      this.transcript.push(m);
      return m;
    };
    const encryptedExtensions = add(handshake(HANDSHAKE.encrypted_extensions, vec16(...(spec.encryptedExtensions ?? []))));
    const certificateRequest =
      spec.certificateRequestContext !== undefined
        ? add(handshake(HANDSHAKE.certificate_request, Buffer.concat([vec8(spec.certificateRequestContext), vec16(extension(EXTENSION.signature_algorithms, vec16(u16(ECDSA_SECP256R1_SHA256))))])))
        : undefined;
    const certificate = add(handshake(HANDSHAKE.certificate, Buffer.concat([vec8(), vec24(...identity.chainDer.map((der) => Buffer.concat([vec24(Buffer.from(der)), vec16()])))])));
    // RFC 8446 §4.4.3: 64 spaces, the context string, a zero byte, the transcript hash.
    const signed = Buffer.concat([Buffer.alloc(64, 0x20), Buffer.from('TLS 1.3, server CertificateVerify', 'latin1'), u8(0), this.hash()]);
    const signature = sign('sha256', signed, createPrivateKey(identity.keyPem));
    const certificateVerify = add(handshake(HANDSHAKE.certificate_verify, Buffer.concat([u16(spec.certificateVerifyScheme ?? ECDSA_SECP256R1_SHA256), vec16(signature)])));
    const finishedKey = expandLabel(this.serverHandshake.secret, 'finished', Buffer.alloc(0), 32);
    const finished = add(handshake(HANDSHAKE.finished, hmac(finishedKey, this.hash())));

    const derived2 = expandLabel(this.handshakeSecret, 'derived', sha256(Buffer.alloc(0)), 32);
    const master = hmac(derived2, zeros);
    this.clientApplication = trafficKeys(expandLabel(master, 'c ap traffic', this.hash(), 32));
    this.serverApplication = trafficKeys(expandLabel(master, 's ap traffic', this.hash(), 32));
    return { serverHello: serverHelloMessage, encryptedExtensions, certificateRequest, certificate, certificateVerify, finished };
  }

  /** One plaintext record, whatever keys are in place. */
  sendPlain(type: number, body: Buffer): void {
    this.socket.write(record(type, body));
  }

  /** Chooses the keys of the records sent from now on (RFC 8446 §5.2). */
  protect(with_: 'handshake' | 'application'): void {
    this.write = with_ === 'handshake' ? this.serverHandshake : this.serverApplication;
    if (!this.write) throw new Error('no keys yet: build the flight first');
  }

  /** One protected record: `content` of real type `type`, then `padding` zero bytes (RFC 8446 §5.4). */
  sendProtected(type: number, content: Buffer, padding = 0): void {
    const keys = this.write;
    if (!keys) throw new Error('call protect() first');
    const inner = Buffer.concat([content, u8(type), Buffer.alloc(padding)]);
    const header = Buffer.from([CONTENT.application_data, 3, 3, 0, 0]);
    header.writeUInt16BE(inner.length + 16, 3);
    const cipher = createCipheriv('aes-128-gcm', keys.key, nonce(keys));
    cipher.setAAD(header);
    this.socket.write(Buffer.concat([header, cipher.update(inner), cipher.final(), cipher.getAuthTag()]));
  }

  /** The usual framing: ServerHello in the clear, a compatibility CCS, the rest in one protected record. */
  sendFlight(f: Tls13Flight): void {
    this.sendPlain(CONTENT.handshake, f.serverHello);
    this.sendPlain(CONTENT.change_cipher_spec, Buffer.from([1]));
    this.protect('handshake');
    this.sendProtected(CONTENT.handshake, Buffer.concat([f.encryptedExtensions, ...(f.certificateRequest ? [f.certificateRequest] : []), f.certificate, f.certificateVerify, f.finished]));
  }

  /** Reads the client's Finished (after its compatibility CCS), checks it, and switches to the application keys. */
  async readClientFinished(): Promise<void> {
    const r = await this.readRecord(this.clientHandshake);
    if (r.type !== CONTENT.handshake || r.body[0] !== HANDSHAKE.finished) throw new Error(`expected the client Finished, got record ${r.type} ${r.body.subarray(0, 8).toString('hex')}`);
    const finishedKey = expandLabel(this.clientHandshake!.secret, 'finished', Buffer.alloc(0), 32);
    if (!hmac(finishedKey, this.hash()).equals(r.body.subarray(4))) throw new Error('the client Finished does not verify');
    this.transcript.push(r.body);
    this.protect('application');
  }

  /** The next application data record from the client. */
  async readApplicationData(): Promise<Buffer> {
    const r = await this.readRecord(this.clientApplication);
    if (r.type !== CONTENT.application_data) throw new Error(`expected application data, got record ${r.type}`);
    return r.body;
  }

  /** A KeyUpdate message (RFC 8446 §4.6.3). Records sent after `rekey()` use the next server keys. */
  keyUpdate(requestUpdate = false): Buffer {
    return handshake(24, u8(requestUpdate ? 1 : 0));
  }

  /** Moves the server's write keys to the next generation (after sending a KeyUpdate). */
  rekey(): void {
    const next = expandLabel(this.serverApplication!.secret, 'traffic upd', Buffer.alloc(0), 32);
    this.serverApplication = trafficKeys(next);
    this.write = this.serverApplication;
  }

  /** A NewSessionTicket (RFC 8446 §4.6.1) with a dummy ticket. */
  newSessionTicket(): Buffer {
    return handshake(HANDSHAKE.new_session_ticket, Buffer.concat([Buffer.from([0, 0, 0x0e, 0x10]), Buffer.from([1, 2, 3, 4]), vec8(u8(0)), vec16(Buffer.alloc(16, 7)), vec16()]));
  }

  /** An HTTP/1.1 response in one protected record. */
  respond(body: string): void {
    this.sendProtected(CONTENT.application_data, Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`, 'latin1'));
  }
}

/** The x25519 key_exchange from a ClientHello key_share extension. */
function x25519Share(data: Buffer): Buffer {
  let off = 2;
  while (off < data.length) {
    const group = data.readUInt16BE(off);
    const length = data.readUInt16BE(off + 2);
    if (group === X25519) return data.subarray(off + 4, off + 4 + length);
    off += 4 + length;
  }
  throw new Error('no x25519 share');
}
