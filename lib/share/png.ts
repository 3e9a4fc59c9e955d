/**
 * A minimal PNG encoder (RFC 2083 / PNG spec, 2nd edition): 8-bit truecolour, no interlace, filter
 * type 0 on every scanline, one IDAT. Enough for the share-card preview; written here because the
 * project allows no WebAssembly (so no image library that ships one) and needs no more than this.
 * The compression is injected (server/share/png.ts gives Node's zlib), so lib/ stays isomorphic.
 */

/** Compresses bytes into a zlib stream (RFC 1950 wrapping RFC 1951 deflate), as PNG's IDAT holds (§10). */
export type Deflate = (data: Uint8Array) => Uint8Array;

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** PNG spec §5.5: CRC-32 with the ISO 3309 / ITU-T V.42 polynomial (reflected 0xedb88320). */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(...parts: Uint8Array[]): number {
  let c = 0xffffffff;
  for (const part of parts) for (let i = 0; i < part.length; i++) c = CRC_TABLE[(c ^ part[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** PNG spec §5.3: length, type, data, and the CRC over type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  const typeBytes = new TextEncoder().encode(type);
  view.setUint32(0, data.length);
  out.set(typeBytes, 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(typeBytes, data));
  return out;
}

/** An RGB image, 3 bytes per pixel, rows top to bottom (with `alpha`, RGBA: 4 bytes per pixel). */
export interface RgbImage {
  width: number;
  height: number;
  pixels: Uint8Array;
  alpha?: boolean;
}

export function encodePng({ width, height, pixels, alpha = false }: RgbImage, deflate: Deflate): Uint8Array {
  const channels = alpha ? 4 : 3;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`a PNG needs a positive integer size, not ${width}×${height}`);
  if (pixels.length !== width * height * channels) throw new RangeError(`${width}×${height} ${alpha ? 'RGBA' : 'RGB'} needs ${width * height * channels} bytes of pixels, got ${pixels.length}`);

  // §11.2.2 IHDR: width, height, bit depth 8, colour type 2 (truecolour) or 6 (truecolour with
  // alpha), compression 0, filter 0, interlace 0.
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, alpha ? 6 : 2, 0, 0, 0], 8);

  // §7.3: every scanline starts with its filter type byte; 0 (None) keeps this simple, and the flat
  // colours of a card compress well without prediction.
  const stride = width * channels;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const idat = deflate(raw);

  const parts = [PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
