import { said, type Diagnostic } from '../diagnostics';
import { refusal, TlsAlertError } from '../errors';
import { contentTypes, protocolVersions } from '../registry/protocol';
import { concat, fromUtf8 } from '../wire/bytes';
import type { Field } from '../wire/field';
import { sizeValue } from '../wire/field';
import type { RecordProtection } from './protection';

/** RFC 8446 §5.1: a plaintext fragment is at most 2^14 bytes. */
export const MAX_FRAGMENT = 16384;
/** RFC 5246 §6.2.3: a TLS 1.2 protected fragment may be up to 2^14 + 2048 bytes. */
const MAX_WIRE_FRAGMENT = 16384 + 2048;
/** How many buffered records past the current one openAhead() starts on. */
const OPEN_AHEAD_RECORDS = 8;

export interface WireRecord {
  /** The record exactly as on the wire (header + fragment). */
  wire: Uint8Array;
  /** Content type from the header. */
  outerType: number;
  version: number;
  fragment: Uint8Array;
}

/** A record read from the peer, after removing protection. */
export interface IncomingRecord extends WireRecord {
  type: number;
  content: Uint8Array;
  protectedBy?: string;
  fragmentFields: Field[];
  plaintext?: { bytes: Uint8Array; field: Field };
}

/** An encoded outgoing record. */
export interface OutgoingRecord extends WireRecord {
  type: number;
  content: Uint8Array;
  protectedBy?: string;
  fragmentFields: Field[];
  plaintext?: { bytes: Uint8Array; field: Field };
}

/**
 * The record layer (RFC 8446 §5, RFC 5246 §6.2): frames the byte stream into records, checks their
 * headers and sizes, and applies the current read/write protection.
 */
export class RecordLayer {
  private inbox: Uint8Array = new Uint8Array(0);
  read?: RecordProtection;
  write?: RecordProtection;
  /** legacy_record_version for outgoing records: 0x0301 for the first ClientHello (RFC 8446 §5.1). */
  outgoingVersion = 0x0301;

  feed(bytes: Uint8Array): void {
    this.inbox = this.inbox.length ? concat(this.inbox, bytes) : bytes;
  }

  get buffered(): number {
    return this.inbox.length;
  }

  /** Bytes received but not yet a complete record (shown when the connection ends mid-record). */
  takeRemainder(): Uint8Array {
    const rest = this.inbox;
    this.inbox = new Uint8Array(0);
    return rest;
  }

  /** Checks the header as soon as 5 bytes are here, so garbage fails fast instead of waiting. */
  private checkHeader(): void {
    const b = this.inbox;
    const type = b[0];
    if (contentTypes.name(type) === undefined) {
      throw new TlsAlertError('unexpected_message', notTlsMessage(b));
    }
    if (b.length >= 3 && (b[1] !== 3 || b[2] > 4)) {
      const version = `0x${b[1].toString(16).padStart(2, '0')}${b[2].toString(16).padStart(2, '0')}`;
      throw new TlsAlertError('decode_error', said('record.badVersion', { version, why: notTlsMessage(b) }));
    }
    if (b.length >= 5) {
      const length = (b[3] << 8) | b[4];
      if (length > MAX_WIRE_FRAGMENT) throw new TlsAlertError('record_overflow', said('record.tooLong', { length, max: MAX_WIRE_FRAGMENT }));
    }
  }

  /** The next complete record, unprotected, or null when more bytes are needed. */
  async next(): Promise<IncomingRecord | null> {
    if (this.inbox.length === 0) return null;
    this.checkHeader();
    if (this.inbox.length < 5) return null;
    const length = (this.inbox[3] << 8) | this.inbox[4];
    if (this.inbox.length < 5 + length) return null;
    const wire = this.inbox.slice(0, 5 + length);
    this.inbox = this.inbox.slice(5 + length);
    const outerType = wire[0];
    const version = (wire[1] << 8) | wire[2];
    const fragment = wire.subarray(5);
    const base = { wire, outerType, version, fragment };

    const protection = this.read;
    // RFC 8446 §5: a change_cipher_spec record may arrive unprotected during a TLS 1.3 handshake.
    const passClear = !protection || (protection.hidesContentType && outerType === 20);
    if (passClear) {
      if (length === 0 && outerType !== 23) throw emptyRecord(outerType, 'RFC 8446 §5.1, RFC 5246 §6.2.1');
      if (length > MAX_FRAGMENT) throw new TlsAlertError('record_overflow', said('record.plaintextTooLong', { length }));
      return { ...base, type: outerType, content: fragment.slice(), fragmentFields: [] };
    }
    if (protection.hidesContentType && outerType !== 23) {
      throw new TlsAlertError('unexpected_message', said('record.unprotected', { type: contentTypes.name(outerType) ?? String(outerType) }));
    }
    this.openAhead(protection);
    const opened = await protection.open(wire.subarray(0, 5), fragment);
    // Padding does not make an empty handshake or alert record acceptable (RFC 8446 §5.4).
    if (opened.content.length === 0 && opened.type !== 23) throw emptyRecord(opened.type, protection.hidesContentType ? 'RFC 8446 §5.4' : 'RFC 5246 §6.2.1');
    return {
      ...base,
      type: opened.type,
      content: opened.content,
      protectedBy: protection.description,
      fragmentFields: opened.fragmentFields,
      plaintext: { bytes: opened.plaintext, field: opened.plaintextField },
    };
  }

  /**
   * Lets the protection start on the protected records that are already complete in the inbox
   * (a server's flight usually arrives in one read): their decryptions then run together.
   */
  private openAhead(protection: RecordProtection): void {
    if (!protection.openAhead || !protection.hidesContentType) return;
    const b = this.inbox;
    let at = 0;
    for (let distance = 1; distance <= OPEN_AHEAD_RECORDS && at + 5 <= b.length; distance++) {
      const length = (b[at + 3] << 8) | b[at + 4];
      if (b[at] !== 23 || at + 5 + length > b.length) return;
      protection.openAhead(distance, b.subarray(at, at + 5), b.subarray(at + 5, at + 5 + length));
      at += 5 + length;
    }
  }

  /** Encodes one record; `content` must be at most 2^14 bytes (callers fragment). */
  async encode(type: number, content: Uint8Array): Promise<OutgoingRecord> {
    if (content.length > MAX_FRAGMENT) throw new Error('fragment too large');
    const version = this.outgoingVersion;
    if (!this.write) {
      const wire = concat(new Uint8Array([type, version >> 8, version & 0xff, content.length >> 8, content.length & 0xff]), content);
      return { wire, outerType: type, version, fragment: wire.subarray(5), type, content, fragmentFields: [] };
    }
    const sealed = await this.write.seal(type, content);
    const len = sealed.fragment.length;
    const wire = concat(new Uint8Array([sealed.outerType, version >> 8, version & 0xff, len >> 8, len & 0xff]), sealed.fragment);
    return {
      wire,
      outerType: sealed.outerType,
      version,
      fragment: wire.subarray(5),
      type,
      content,
      protectedBy: this.write.description,
      fragmentFields: sealed.fragmentFields,
      plaintext: { bytes: sealed.plaintext, field: sealed.plaintextField },
    };
  }
}

/** A handshake, alert or change_cipher_spec record with no content: no message is ever empty. */
function emptyRecord(type: number, rule: string): TlsAlertError {
  const contentType = contentTypes.name(type) ?? `type ${type}`;
  return refusal('unexpected_message', said('record.empty', { contentType }), { check: 'empty-record', rule, facts: { contentType } });
}

/**
 * The header fields of a record, for its annotation, named as the record's version names them:
 * TLS 1.3 calls them type (opaque_type once encrypted: always application_data on the wire, the
 * real type is inside) and legacy_record_version (RFC 8446 §5.1, §5.2); TLS 1.2 calls them type and
 * version, the negotiated version (RFC 5246 §6.2.1).
 */
export function recordHeaderFields(record: WireRecord, recordVersion: 'TLSv1.3' | 'TLSv1.2', encrypted: boolean): Field[] {
  const type = { offset: 0, length: 1, value: contentTypes.describe(record.outerType) };
  const length = { name: 'length', offset: 3, length: 2, ...sizeValue(record.fragment.length) };
  if (recordVersion === 'TLSv1.3') {
    return [
      encrypted
        ? { ...type, name: 'opaque_type', rfc: 'RFC 8446 §5.2' }
        : { ...type, name: 'type', rfc: 'RFC 8446 §5.1' },
      { name: 'legacy_record_version', offset: 1, length: 2, value: protocolVersions.describe(record.version), rfc: encrypted ? 'RFC 8446 §5.2' : 'RFC 8446 §5.1' },
      { ...length, rfc: encrypted ? 'RFC 8446 §5.2' : 'RFC 8446 §5.1' },
    ];
  }
  const section = encrypted ? 'RFC 5246 §6.2.3' : 'RFC 5246 §6.2.1';
  return [
    { ...type, name: 'type', rfc: section },
    { name: 'version', offset: 1, length: 2, value: protocolVersions.describe(record.version), rfc: section },
    { ...length, rfc: section },
  ];
}

/** A clear diagnostic for bytes that are not TLS at all (a plain-HTTP server, an SSH banner…). */
export function notTlsMessage(bytes: Uint8Array): Diagnostic {
  const head = fromUtf8(bytes.subarray(0, 64));
  const printable = /^[\x20-\x7e\r\n\t]+$/.test(head);
  if (printable && /^HTTP\/\d/.test(head)) return said('record.plainHttp', { line: head.split(/\r?\n/)[0] });
  if (printable && head.length >= 3) return said('record.text', { line: head.split(/\r?\n/)[0].slice(0, 40) });
  return said('record.notRecord', { byte: `0x${bytes[0].toString(16).padStart(2, '0')}` });
}
