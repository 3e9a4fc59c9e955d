import type { CryptoProvider } from '../crypto/provider';
import { said } from '../diagnostics';
import { TlsAlertError } from '../errors';
import { digest, hmacOf, hashLength, type MacHash } from '../hash';
import type { CipherSuiteInfo } from '../registry/crypto';
import { concat, equalBytes, uintBytes } from '../wire/bytes';
import type { Field } from '../wire/field';
import { sizeValue } from '../wire/field';
import { keysSaid, nonceFor, plaintextOverflow, sequenceWraps, type OpenedRecord, type RecordProtection, type SealedRecord } from './protection';

const TAG = 16;
const BLOCK = 16;

/** RFC 5246 §6.2.3.3: seq_num ‖ type ‖ version ‖ length, the data every TLS 1.2 MAC/AEAD covers. */
function additionalData(seq: bigint, type: number, length: number): Uint8Array {
  const s = new Uint8Array(8);
  let v = seq;
  for (let i = 7; i >= 0; i--) {
    s[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return concat(s, new Uint8Array([type, 3, 3]), uintBytes(length, 2));
}

function plainField(content: Uint8Array): Field {
  return { name: 'content', offset: 0, length: content.length, ...sizeValue(content.length) };
}

abstract class Tls12Base implements RecordProtection {
  sequence = 0n;
  readonly hidesContentType = false;
  constructor(readonly description: string) {}
  protected next(): bigint {
    if (this.sequence >= (1n << 64n) - 1n) throw sequenceWraps();
    return this.sequence++;
  }
  abstract seal(type: number, content: Uint8Array): Promise<SealedRecord>;
  abstract open(header: Uint8Array, fragment: Uint8Array): Promise<OpenedRecord>;
}

/** AES-GCM (RFC 5288: 4-byte implicit salt ‖ 8-byte explicit nonce) and ChaCha20-Poly1305 (RFC 7905: iv XOR seq). */
export class Tls12AeadProtection extends Tls12Base {
  private readonly explicitNonce: boolean;

  constructor(
    private readonly crypto: CryptoProvider,
    private readonly info: CipherSuiteInfo,
    private readonly key: Uint8Array,
    private readonly iv: Uint8Array,
    description: string,
  ) {
    super(description);
    this.explicitNonce = info.cipher !== 'CHACHA20-POLY1305';
  }

  private get aead() {
    return this.info.cipher as 'AES-128-GCM' | 'AES-256-GCM' | 'CHACHA20-POLY1305';
  }

  async seal(type: number, content: Uint8Array): Promise<SealedRecord> {
    const seq = this.next();
    const aad = additionalData(seq, type, content.length);
    // The explicit part of the GCM nonce is the sequence number: unique per key, as RFC 5288 §3 requires.
    const explicit = this.explicitNonce ? uintBytes(Number(seq), 8) : new Uint8Array(0);
    const nonce = this.explicitNonce ? concat(this.iv, explicit) : nonceFor(this.iv, seq);
    const sealed = await this.crypto.seal(this.aead, this.key, nonce, aad, content);
    const fragment = concat(explicit, sealed);
    return { outerType: type, fragment, fragmentFields: this.fields(fragment.length), plaintext: content, plaintextField: plainField(content) };
  }

  async open(header: Uint8Array, fragment: Uint8Array): Promise<OpenedRecord> {
    const type = header[0];
    const explicitLength = this.explicitNonce ? 8 : 0;
    if (fragment.length < explicitLength + TAG) throw new TlsAlertError('bad_record_mac', said('record.noRoomForNonce'));
    const seq = this.next();
    const nonce = this.explicitNonce ? concat(this.iv, fragment.subarray(0, 8)) : nonceFor(this.iv, seq);
    const ciphertext = fragment.subarray(explicitLength);
    const aad = additionalData(seq, type, ciphertext.length - TAG);
    const content = await this.crypto.open(this.aead, this.key, nonce, aad, ciphertext);
    if (!content) throw new TlsAlertError('bad_record_mac', said('record.notAuthentic', { seq: Number(seq), keys: keysSaid(this.description) }));
    if (content.length > 16384) throw plaintextOverflow(content.length);
    return { type, content, fragmentFields: this.fields(fragment.length), plaintext: content, plaintextField: plainField(content) };
  }

  private fields(length: number): Field[] {
    const out: Field[] = [];
    let off = 0;
    if (this.explicitNonce) {
      out.push({ name: 'nonce_explicit', offset: 0, length: 8, rfc: 'RFC 5288 §3' });
      off = 8;
    }
    out.push({ name: 'encrypted content', offset: off, length: length - off - TAG, ...sizeValue(length - off - TAG), rfc: 'RFC 5246 §6.2.3.3' });
    out.push({ name: 'authentication_tag', offset: length - TAG, length: TAG, ...sizeValue(TAG), rfc: 'RFC 5288 §3' });
    return out;
  }
}

/**
 * AES-CBC with HMAC (RFC 5246 §6.2.3.2), MAC-then-encrypt, or encrypt-then-MAC when negotiated
 * (RFC 7366). Decryption checks padding and MAC with the same amount of work whatever fails, and
 * reports every failure as bad_record_mac (no padding oracle).
 */
export class Tls12CbcProtection extends Tls12Base {
  private readonly macLength: number;

  constructor(
    private readonly crypto: CryptoProvider,
    private readonly mac: MacHash,
    private readonly macKey: Uint8Array,
    private readonly key: Uint8Array,
    private readonly random: (n: number) => Uint8Array,
    private readonly encryptThenMac: boolean,
    description: string,
  ) {
    super(description);
    this.macLength = hashLength(mac);
  }

  async seal(type: number, content: Uint8Array): Promise<SealedRecord> {
    const seq = this.next();
    const iv = this.random(BLOCK);
    if (this.encryptThenMac) {
      const padded = pad(content);
      const ciphertext = await this.crypto.cbcEncrypt(this.key, iv, padded);
      const body = concat(iv, ciphertext);
      const tag = hmacOf(this.mac, this.macKey, concat(additionalData(seq, type, body.length), body));
      const fragment = concat(body, tag);
      return { outerType: type, fragment, fragmentFields: this.fields(fragment.length), plaintext: content, plaintextField: plainField(content) };
    }
    const tag = hmacOf(this.mac, this.macKey, concat(additionalData(seq, type, content.length), content));
    const ciphertext = await this.crypto.cbcEncrypt(this.key, iv, pad(concat(content, tag)));
    const fragment = concat(iv, ciphertext);
    return { outerType: type, fragment, fragmentFields: this.fields(fragment.length), plaintext: content, plaintextField: plainField(content) };
  }

  async open(header: Uint8Array, fragment: Uint8Array): Promise<OpenedRecord> {
    const type = header[0];
    const seq = this.next();
    const bad = () => new TlsAlertError('bad_record_mac', said('record.badMac', { seq: Number(seq), keys: keysSaid(this.description) }));
    if (this.encryptThenMac) {
      if (fragment.length < 2 * BLOCK + this.macLength || (fragment.length - this.macLength) % BLOCK !== 0) throw bad();
      const body = fragment.subarray(0, fragment.length - this.macLength);
      const tag = fragment.subarray(fragment.length - this.macLength);
      const expected = hmacOf(this.mac, this.macKey, concat(additionalData(seq, type, body.length), body));
      if (!equalBytes(tag, expected)) throw bad();
      const plain = await this.crypto.cbcDecrypt(this.key, body.subarray(0, BLOCK), body.subarray(BLOCK));
      const { content, ok } = unpad(plain);
      if (!ok) throw bad();
      return { type, content, fragmentFields: this.fields(fragment.length), plaintext: content, plaintextField: plainField(content) };
    }
    if (fragment.length < BLOCK + Math.ceil((this.macLength + 1) / BLOCK) * BLOCK || fragment.length % BLOCK !== 0) throw bad();
    const plain = await this.crypto.cbcDecrypt(this.key, fragment.subarray(0, BLOCK), fragment.subarray(BLOCK));
    const { content: withMac, ok: padOk } = unpad(plain);
    // With bad padding, still compute a MAC over a plausible length so timing does not reveal which check failed.
    const macStart = padOk ? withMac.length - this.macLength : plain.length - this.macLength;
    const content = plain.subarray(0, Math.max(0, macStart));
    const tag = plain.subarray(Math.max(0, macStart), Math.max(0, macStart) + this.macLength);
    const expected = hmacOf(this.mac, this.macKey, concat(additionalData(seq, type, content.length), content));
    // Lucky Thirteen (AlFardan & Paterson, 2013): with good padding the MAC covers fewer bytes than
    // with bad padding, so it takes fewer hash compressions, and the time tells the padding. Run
    // the compressions the shorter MAC saved on dummy bytes, so both cases hash as many blocks.
    // (JavaScript gives no constant-time guarantee; this removes the systematic difference.)
    padDigest(this.mac, dummyCompressions(this.mac, plain.length - this.macLength, content.length), plain);
    const macOk = equalBytes(tag, expected);
    if (!(padOk && macOk && macStart >= 0)) throw bad();
    if (content.length > 16384) throw plaintextOverflow(content.length);
    return { type, content: content.slice(), fragmentFields: this.fields(fragment.length), plaintext: content.slice(), plaintextField: plainField(content) };
  }

  private fields(length: number): Field[] {
    const out: Field[] = [{ name: 'IV', offset: 0, length: BLOCK, rfc: 'RFC 5246 §6.2.3.2' }];
    if (this.encryptThenMac) {
      out.push({ name: 'encrypted content + padding', offset: BLOCK, length: length - BLOCK - this.macLength, ...sizeValue(length - BLOCK - this.macLength), rfc: 'RFC 7366 §3' });
      out.push({ name: 'MAC', offset: length - this.macLength, length: this.macLength, value: `HMAC-${this.mac.toUpperCase()}`, rfc: 'RFC 7366 §3' });
    } else {
      out.push({ name: 'encrypted content + MAC + padding', offset: BLOCK, length: length - BLOCK, ...sizeValue(length - BLOCK), rfc: 'RFC 5246 §6.2.3.2' });
    }
    return out;
  }
}

const hashBlock = (mac: MacHash) => (mac === 'sha384' ? 128 : 64);
/** The bytes a hash appends to its input before the last compression: 0x80 and the bit length. */
const hashTrailer = (mac: MacHash) => (mac === 'sha384' ? 17 : 9);

/** Hash compressions of the inner HMAC over `length` record bytes: the key block, 13 bytes of additional data, the record, the trailer. */
export function macCompressions(mac: MacHash, length: number): number {
  return 1 + Math.ceil((13 + Math.max(0, length) + hashTrailer(mac)) / hashBlock(mac));
}

/** The compressions a MAC over `macced` bytes saves against one over the longest plausible `longest`. */
export function dummyCompressions(mac: MacHash, longest: number, macced: number): number {
  return macCompressions(mac, longest) - macCompressions(mac, macced);
}

/** Hashes `count` blocks of `filler` (plus the one block every digest takes), for equal work. */
function padDigest(mac: MacHash, count: number, filler: Uint8Array): void {
  const bytes = Math.max(0, count) * hashBlock(mac) + hashBlock(mac) - hashTrailer(mac);
  digest(mac, bytes <= filler.length ? filler.subarray(0, bytes) : new Uint8Array(bytes));
}

/** Pads to the block size: padding_length + 1 bytes, each holding padding_length. */
function pad(data: Uint8Array): Uint8Array {
  const padLength = BLOCK - ((data.length + 1) % BLOCK);
  const out = new Uint8Array(data.length + padLength + 1);
  out.set(data);
  out.fill(padLength, data.length);
  return out;
}

/** Checks every padding byte, touching the same bytes whether or not it is valid. */
function unpad(data: Uint8Array): { content: Uint8Array; ok: boolean } {
  if (data.length === 0) return { content: data, ok: false };
  const padLength = data[data.length - 1];
  let diff = padLength + 1 > data.length ? 1 : 0;
  for (let i = 0; i < 256 && i < data.length; i++) {
    const inPadding = i <= padLength;
    diff |= inPadding ? data[data.length - 1 - i] ^ padLength : 0;
  }
  const ok = diff === 0;
  return { content: ok ? data.subarray(0, data.length - padLength - 1) : data, ok };
}
