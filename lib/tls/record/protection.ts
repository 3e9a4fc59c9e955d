import type { AeadName, CryptoProvider } from '../crypto/provider';
import { said, type DiagnosticValue } from '../diagnostics';
import { TlsAlertError } from '../errors';
import { contentTypes } from '../registry/protocol';
import { concat, equalBytes } from '../wire/bytes';
import type { Field } from '../wire/field';
import { sizeValue } from '../wire/field';

/** A record's content type, its payload, and how the payload looked before/after protection. */
export interface SealedRecord {
  /** Content type written in the record header (application_data for TLS 1.3 protected records). */
  outerType: number;
  /** The protected fragment as it goes on the wire. */
  fragment: Uint8Array;
  /** Annotation of the fragment (explicit nonce, ciphertext, tag, MAC…), offsets relative to the fragment. */
  fragmentFields: Field[];
  /** The plaintext that was protected (TLSInnerPlaintext in TLS 1.3) and its annotation. */
  plaintext: Uint8Array;
  plaintextField: Field;
}

export interface OpenedRecord {
  /** The real content type (from TLSInnerPlaintext in TLS 1.3). */
  type: number;
  content: Uint8Array;
  fragmentFields: Field[];
  plaintext: Uint8Array;
  plaintextField: Field;
}

/** The current read or write protection of one direction of the record layer. */
export interface RecordProtection {
  readonly description: string;
  /** TLS 1.3 hides the real content type inside the encryption (outer type is always application_data). */
  readonly hidesContentType: boolean;
  /** Records protected so far (the implicit sequence number, RFC 8446 §5.3). */
  readonly sequence: bigint;
  seal(type: number, content: Uint8Array): Promise<SealedRecord>;
  /** `header` is the 5-byte record header (additional data). Throws bad_record_mac on failure. */
  open(header: Uint8Array, fragment: Uint8Array): Promise<OpenedRecord>;
  /**
   * Optional: starts decrypting a record already received that will be opened `distance` records
   * after the next one, so a flight's records decrypt together rather than one after another.
   * open() uses the result only for exactly these bytes at that sequence number.
   */
  openAhead?(distance: number, header: Uint8Array, fragment: Uint8Array): void;
}

export function nonceFor(iv: Uint8Array, sequence: bigint): Uint8Array {
  const nonce = iv.slice();
  let seq = sequence;
  for (let i = nonce.length - 1; i >= nonce.length - 8; i--) {
    nonce[i] ^= Number(seq & 0xffn);
    seq >>= 8n;
  }
  return nonce;
}

const TAG_LENGTH = 16;

/**
 * The keys a record was opened under, as a clause the failure nests ("record 3 did not authenticate
 * under the server handshake traffic keys"). The client names its read keys in a few fixed ways;
 * any other name is passed through as it is.
 */
export function keysSaid(description: string): DiagnosticValue {
  const m = /^server (handshake traffic|application traffic|write) keys(?: #(\d+))?( \(renegotiated\))?$/.exec(description);
  if (!m) return description;
  if (m[1] === 'handshake traffic') return said('record.serverHandshakeKeys');
  if (m[1] === 'application traffic') return m[2] ? said('record.serverUpdatedKeys', { n: Number(m[2]) }) : said('record.serverApplicationKeys');
  return m[3] ? said('record.serverRenegotiatedKeys') : said('record.serverWriteKeys');
}

/** RFC 8446 §5.5 and RFC 5246 §6.1: a sequence number never wraps; the connection ends first. */
export function sequenceWraps(): TlsAlertError {
  return new TlsAlertError('internal_error', said('record.sequenceWraps'));
}

/** RFC 8446 §5.4 and RFC 5246 §6.2.3: at most 2^14 bytes of plaintext after decryption. */
export function plaintextOverflow(length: number): TlsAlertError {
  return new TlsAlertError('record_overflow', said('record.plaintextTooLong', { length }));
}
// RFC 8446 §5.5: at most 2^24.5 full-size records under one AES-GCM key; we refuse to wrap the counter.
const MAX_SEQUENCE = (1n << 64n) - 1n;

/** RFC 8446 §5.2: AEAD with per-record nonce = iv XOR sequence, and TLSInnerPlaintext with the real type. */
export class Tls13Protection implements RecordProtection {
  sequence = 0n;
  readonly hidesContentType = true;
  /** Decryptions started by openAhead(), by sequence number. */
  private readonly ahead = new Map<bigint, { header: Uint8Array; fragment: Uint8Array; plaintext: Promise<Uint8Array | null> }>();

  constructor(
    private readonly crypto: CryptoProvider,
    private readonly aead: AeadName,
    private readonly key: Uint8Array,
    private readonly iv: Uint8Array,
    readonly description: string,
  ) {}

  private nextNonce(): Uint8Array {
    if (this.sequence >= MAX_SEQUENCE) throw sequenceWraps();
    const nonce = nonceFor(this.iv, this.sequence);
    this.sequence++;
    return nonce;
  }

  async seal(type: number, content: Uint8Array): Promise<SealedRecord> {
    const plaintext = concat(content, new Uint8Array([type]));
    const length = plaintext.length + TAG_LENGTH;
    const header = new Uint8Array([23, 3, 3, length >> 8, length & 0xff]);
    const fragment = await this.crypto.seal(this.aead, this.key, this.nextNonce(), header, plaintext);
    return {
      outerType: 23,
      fragment,
      fragmentFields: this.fragmentFields(fragment.length),
      plaintext,
      plaintextField: innerPlaintextField(plaintext, content.length, type, 0),
    };
  }

  async open(header: Uint8Array, fragment: Uint8Array): Promise<OpenedRecord> {
    if (fragment.length < TAG_LENGTH + 1) throw new TlsAlertError('bad_record_mac', said('record.noRoomForTag'));
    // RFC 8446 §5.2: the ciphertext may not exceed 2^14 + 256 bytes.
    if (fragment.length > 16384 + 256) throw new TlsAlertError('record_overflow', said('record.protectedTooLong', { length: fragment.length }));
    const seq = this.sequence;
    const early = this.ahead.get(seq);
    this.ahead.delete(seq);
    const nonce = this.nextNonce();
    const plaintext =
      early && equalBytes(early.header, header) && equalBytes(early.fragment, fragment)
        ? await early.plaintext
        : await this.crypto.open(this.aead, this.key, nonce, header, fragment);
    if (!plaintext) {
      throw new TlsAlertError('bad_record_mac', said('record.notAuthentic', { seq: Number(seq), keys: keysSaid(this.description) }));
    }
    // RFC 8446 §5.4: strip zero padding; the last non-zero byte is the real content type.
    let end = plaintext.length;
    while (end > 0 && plaintext[end - 1] === 0) end--;
    if (end === 0) throw new TlsAlertError('unexpected_message', said('record.allPadding'));
    const type = plaintext[end - 1];
    const content = plaintext.slice(0, end - 1);
    if (content.length > 16384) throw plaintextOverflow(content.length);
    return {
      type,
      content,
      fragmentFields: this.fragmentFields(fragment.length),
      plaintext,
      plaintextField: innerPlaintextField(plaintext, content.length, type, plaintext.length - end),
    };
  }

  openAhead(distance: number, header: Uint8Array, fragment: Uint8Array): void {
    // Records open() would refuse before decrypting are left to it.
    if (fragment.length < TAG_LENGTH + 1 || fragment.length > 16384 + 256) return;
    const seq = this.sequence + BigInt(distance);
    if (seq >= MAX_SEQUENCE || this.ahead.has(seq)) return;
    const plaintext = this.crypto.open(this.aead, this.key, nonceFor(this.iv, seq), header, fragment);
    // Awaited by open(), or dropped with this object when the keys change first.
    plaintext.catch(() => undefined);
    this.ahead.set(seq, { header, fragment, plaintext });
  }

  private fragmentFields(length: number): Field[] {
    return [
      { name: 'encrypted_record', offset: 0, length: length - TAG_LENGTH, ...sizeValue(length - TAG_LENGTH), rfc: 'RFC 8446 §5.2' },
      { name: 'authentication_tag', offset: length - TAG_LENGTH, length: TAG_LENGTH, ...sizeValue(TAG_LENGTH), rfc: 'RFC 8446 §5.2' },
    ];
  }
}

function innerPlaintextField(plaintext: Uint8Array, contentLength: number, type: number, padding: number): Field {
  const children: Field[] = [
    { name: 'content', offset: 0, length: contentLength, ...sizeValue(contentLength) },
    { name: 'type', offset: contentLength, length: 1, value: contentTypes.describe(type), rfc: 'RFC 8446 §5.2' },
  ];
  if (padding) children.push({ name: 'zeros', offset: contentLength + 1, length: padding, ...sizeValue(padding), rfc: 'RFC 8446 §5.4' });
  return { name: 'TLSInnerPlaintext', offset: 0, length: plaintext.length, rfc: 'RFC 8446 §5.2', children };
}
