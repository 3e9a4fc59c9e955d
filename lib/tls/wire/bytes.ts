/** Small byte helpers shared by the whole engine. */

export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const HEX_DIGITS = '0123456789abcdef';
/** Each byte's two hex digits as one UTF-16 pair, laid out for this machine's byte order. */
const HEX_PAIRS = (() => {
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    const hi = HEX_DIGITS.charCodeAt(i >> 4);
    const lo = HEX_DIGITS.charCodeAt(i & 15);
    table[i] = littleEndian ? hi | (lo << 8) : (hi << 8) | lo;
  }
  return table;
})();
const asciiDecoder = new TextDecoder('latin1');

/**
 * Lowercase hex. Traces hold every byte as hex, so this is on the hot path: one table lookup per
 * byte into a buffer of ASCII digits, decoded to a string once.
 */
export function toHex(b: Uint8Array): string {
  const out = new Uint16Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = HEX_PAIRS[b[i]];
  return asciiDecoder.decode(out);
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error('invalid hex');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Constant-time comparison (for MACs and Finished values). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

export function utf8(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}

export function fromUtf8(b: Uint8Array): string {
  return utf8Decoder.decode(b);
}

/** Big-endian unsigned integer of `width` bytes. */
export function uintBytes(value: number, width: number): Uint8Array {
  const out = new Uint8Array(width);
  let v = value;
  for (let i = width - 1; i >= 0; i--) {
    out[i] = v & 0xff;
    v = Math.floor(v / 256);
  }
  return out;
}
