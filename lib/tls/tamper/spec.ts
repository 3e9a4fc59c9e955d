/**
 * The tamper SPEC: one field of the client's flight and what to do to it, written as
 * `TARGET:OP[=ARGUMENT]` (the CLI's --tamper, recipe links' `tamper=`, the page's Tamper control).
 *
 *   finished.verify_data:flip=0                         invert bit 0 of the client Finished's verify_data
 *   client_hello.extensions.supported_versions:drop     send the ClientHello without supported_versions
 *   client_hello.cipher_suites:set=1301                 offer only TLS_AES_128_GCM_SHA256
 *   client_hello.extensions:reorder=key_share,server_name
 *   client_hello.record.legacy_record_version:set=0300
 *
 * TARGET starts with the client's handshake message (client_hello, certificate, certificate_verify,
 * client_key_exchange, finished: the first one the client sends), then the names of the annotated
 * fields down to the one to change, as the hex view shows them; names in between may be left out
 * (`client_hello.extensions.server_name.HostName`), and `name[i]` picks the i-th field of that name
 * (`client_hello.cipher_suites.cipher_suite[1]`). `MESSAGE.record.FIELD` is a header field of the
 * record that carries the message: type (opaque_type), legacy_record_version (version), length.
 *
 * OP: `set=HEX` (a vector's content; its length prefixes are recomputed) · `flip=N` (bit 0 is the
 * most significant bit of the value's first byte) · `drop` (the field and its bytes go) ·
 * `reorder=A,B,…` (a vector's elements, named or by index, go first in that order; `reorder=reverse`).
 */
import type { Tamper } from '../../trace/schema';
import { TamperSpecError, tamperSaid } from './said';

export type { Tamper };
export { TamperSpecError };

/** The client's handshake messages a tamper may change (RFC 8446 §4, RFC 5246 §7.4). */
export const TAMPER_MESSAGES = ['client_hello', 'certificate', 'certificate_verify', 'client_key_exchange', 'finished'] as const;
export type TamperMessage = (typeof TAMPER_MESSAGES)[number];

/**
 * The record header's fields (RFC 8446 §5.1/§5.2, RFC 5246 §6.2.1): each name either version calls
 * it by, with its offset and width in the 5-byte header.
 */
export const RECORD_HEADER_FIELDS: Record<string, { offset: number; width: number }> = {
  type: { offset: 0, width: 1 },
  opaque_type: { offset: 0, width: 1 },
  legacy_record_version: { offset: 1, width: 2 },
  version: { offset: 1, width: 2 },
  length: { offset: 3, width: 2 },
};

const SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[\d{1,3}\])?$/;
const MAX_SPEC = 2048;

/** The parts of a target: its message, the field names below it, and whether it is a record header field. */
export interface TamperPath {
  message: TamperMessage;
  /** Field names below the message (for a record field: the header field's name). */
  fields: { name: string; index?: number }[];
  record: boolean;
}

/** Reads a target; throws TamperSpecError with what is wrong. */
export function parseTamperTarget(target: string): TamperPath {
  const parts = target.split('.');
  const message = parts[0] as TamperMessage;
  if (!TAMPER_MESSAGES.includes(message)) {
    throw new TamperSpecError(tamperSaid('notClientMessage', { target, messages: TAMPER_MESSAGES.join(', ') }));
  }
  if (parts[1] === 'record') {
    const field = parts[2];
    if (parts.length !== 3 || !(field in RECORD_HEADER_FIELDS)) {
      const why = tamperSaid('recordFieldNames', { fields: Object.keys(RECORD_HEADER_FIELDS).join(', '), example: `${message}.record.legacy_record_version` });
      throw new TamperSpecError(tamperSaid('inSpec', { spec: target, why }));
    }
    return { message, fields: [{ name: field }], record: true };
  }
  const fields = parts.slice(1).map((part) => {
    if (!SEGMENT.test(part)) throw new TamperSpecError(tamperSaid('inSpec', { spec: target, why: tamperSaid('notFieldName', { part }) }));
    const m = /^(.*)\[(\d+)\]$/.exec(part);
    return m ? { name: m[1], index: Number(m[2]) } : { name: part };
  });
  return { message, fields, record: false };
}

function hexValue(raw: string, spec: string): string {
  const hex = raw.replace(/[\s:]/g, '').replace(/^0x/i, '').toLowerCase();
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) throw new TamperSpecError(tamperSaid('inSpec', { spec, why: tamperSaid('setNotHex', { raw }) }));
  if (hex.length > 2 * 16384) throw new TamperSpecError(tamperSaid('inSpec', { spec, why: tamperSaid('setTooLong', { max: 16384 }) }));
  return hex;
}

/** Reads a SPEC (`TARGET:OP[=ARGUMENT]`). Throws TamperSpecError with one clear sentence. */
export function parseTamperSpec(spec: string): Tamper {
  const text = spec.trim();
  if (text === '') throw new TamperSpecError(tamperSaid('empty'));
  if (text.length > MAX_SPEC) throw new TamperSpecError(tamperSaid('tooLong', { max: MAX_SPEC }));
  const colon = text.indexOf(':');
  if (colon < 0) throw new TamperSpecError(tamperSaid('noOperation', { spec: text, example: `${text}:flip=0` }));
  /** What is wrong with this SPEC, named by it. */
  const wrong = (why: ReturnType<typeof tamperSaid>) => new TamperSpecError(tamperSaid('inSpec', { spec: text, why }));
  const target = text.slice(0, colon).trim();
  const opText = text.slice(colon + 1).trim();
  const path = parseTamperTarget(target);
  const eq = opText.indexOf('=');
  const op = eq < 0 ? opText : opText.slice(0, eq);
  const arg = eq < 0 ? undefined : opText.slice(eq + 1);
  const tamper = ((): Tamper => {
    switch (op) {
      case 'set':
        if (arg === undefined) throw wrong(tamperSaid('setNoValue'));
        return { target, op, value: hexValue(arg, text) };
      case 'flip': {
        if (arg === undefined || !/^\d{1,6}$/.test(arg)) throw wrong(tamperSaid('flipNoBit'));
        return { target, op, bit: Number(arg) };
      }
      case 'drop':
        if (arg !== undefined) throw wrong(tamperSaid('dropValue'));
        if (path.fields.length === 0) throw wrong(tamperSaid('dropWholeMessage'));
        return { target, op };
      case 'reorder': {
        const order = (arg ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
        if (!order.length) throw wrong(tamperSaid('reorderNothing'));
        const bad = order.find((s) => !/^(?:[A-Za-z_][A-Za-z0-9_]*|\d{1,3})$/.test(s));
        if (bad !== undefined) throw wrong(tamperSaid('reorderNotName', { item: bad }));
        return { target, op, order };
      }
      default:
        throw wrong(tamperSaid('unknownOperation', { op }));
    }
  })();
  if (path.record) {
    const { width } = RECORD_HEADER_FIELDS[path.fields[0].name];
    const field = path.fields[0].name;
    if (tamper.op === 'drop' || tamper.op === 'reorder') throw wrong(tamperSaid(tamper.op === 'drop' ? 'recordNotDropped' : 'recordNotReordered'));
    if (tamper.op === 'set' && tamper.value.length !== 2 * width) throw wrong(tamperSaid('recordSetWidth', { field, width, digits: 2 * width }));
    if (tamper.op === 'flip' && tamper.bit >= 8 * width) throw wrong(tamperSaid('recordFlipWidth', { field, bits: 8 * width, last: 8 * width - 1 }));
  }
  return tamper;
}

/** The SPEC for a tamper (parseTamperSpec(formatTamperSpec(t)) equals t). */
export function formatTamperSpec(t: Tamper): string {
  switch (t.op) {
    case 'set':
      return `${t.target}:set=${t.value}`;
    case 'flip':
      return `${t.target}:flip=${t.bit}`;
    case 'drop':
      return `${t.target}:drop`;
    case 'reorder':
      return `${t.target}:reorder=${t.order.join(',')}`;
  }
}

/**
 * A tamper from untrusted data (a saved trace's options, a recipe link), or undefined when it is not
 * one: it goes through the SPEC parser, so whatever loads was written by this code's rules.
 */
export function readTamper(value: unknown): Tamper | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.target !== 'string') return undefined;
  const spec =
    v.op === 'set' && typeof v.value === 'string' ? `${v.target}:set=${v.value}`
    : v.op === 'flip' && typeof v.bit === 'number' ? `${v.target}:flip=${v.bit}`
    : v.op === 'drop' ? `${v.target}:drop`
    : v.op === 'reorder' && Array.isArray(v.order) && v.order.every((s) => typeof s === 'string') ? `${v.target}:reorder=${v.order.join(',')}`
    : undefined;
  if (spec === undefined) return undefined;
  try {
    return parseTamperSpec(spec);
  } catch {
    return undefined;
  }
}
