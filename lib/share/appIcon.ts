import { encodePng, type Deflate } from './png';

/**
 * The app's icon as pixels: a sky-700 rounded square with a white "T" (the same drawing as
 * app/icon.svg, on its 32-unit grid), for the formats that need a bitmap — favicon.ico, the Apple
 * touch icon and the web manifest's icons. Each pixel is sampled 4×4 times, so edges are smooth at
 * any size. scripts/gen-icons.ts writes the files; test/share/appIcon.test.ts checks them.
 */

const BACKGROUND = [0x03, 0x69, 0xa1] as const;
const FOREGROUND = [0xff, 0xff, 0xff] as const;
const SAMPLES = 4;

/** Inside the rounded square of side 32 and corner radius 6 (`rounded` false: the full square). */
function inSquare(x: number, y: number, rounded: boolean): boolean {
  if (x < 0 || y < 0 || x > 32 || y > 32) return false;
  if (!rounded) return true;
  const r = 6;
  const cx = Math.min(Math.max(x, r), 32 - r);
  const cy = Math.min(Math.max(y, r), 32 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** The T of app/icon.svg: M9 11h14v3h-5.5v10h-3V14H9z. */
function inLetter(x: number, y: number): boolean {
  return (x >= 9 && x <= 23 && y >= 11 && y <= 14) || (x >= 14.5 && x <= 17.5 && y >= 14 && y <= 24);
}

/**
 * RGBA pixels of the icon at `size`×`size`. `rounded` false fills the whole square (Apple rounds
 * touch icons itself and shows transparency as black).
 */
export function iconPixels(size: number, { rounded = true }: { rounded?: boolean } = {}): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let cover = 0;
      let letter = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = ((px + (sx + 0.5) / SAMPLES) / size) * 32;
          const y = ((py + (sy + 0.5) / SAMPLES) / size) * 32;
          if (!inSquare(x, y, rounded)) continue;
          cover++;
          if (inLetter(x, y)) letter++;
        }
      }
      const at = (py * size + px) * 4;
      const t = cover ? letter / cover : 0;
      for (let c = 0; c < 3; c++) out[at + c] = Math.round(BACKGROUND[c] * (1 - t) + FOREGROUND[c] * t);
      out[at + 3] = Math.round((cover / (SAMPLES * SAMPLES)) * 255);
    }
  }
  return out;
}

export function iconPng(size: number, deflate: Deflate, options?: { rounded?: boolean }): Uint8Array {
  return encodePng({ width: size, height: size, pixels: iconPixels(size, options), alpha: true }, deflate);
}

/**
 * A .ico file holding PNG images (the ICO format has allowed PNG entries since Windows Vista, and
 * every current browser reads them): ICONDIR (6 bytes), one 16-byte ICONDIRENTRY per image, then
 * the images.
 */
export function icoFile(sizes: readonly number[], deflate: Deflate): Uint8Array {
  const images = sizes.map((size) => ({ size, png: iconPng(size, deflate) }));
  const header = 6 + 16 * images.length;
  const out = new Uint8Array(header + images.reduce((n, i) => n + i.png.length, 0));
  const view = new DataView(out.buffer);
  view.setUint16(0, 0, true); // reserved
  view.setUint16(2, 1, true); // type 1: icon
  view.setUint16(4, images.length, true);
  let offset = header;
  images.forEach(({ size, png }, i) => {
    const entry = 6 + 16 * i;
    out[entry] = size >= 256 ? 0 : size; // 0 means 256
    out[entry + 1] = size >= 256 ? 0 : size;
    out[entry + 2] = 0; // no palette
    out[entry + 3] = 0;
    view.setUint16(entry + 4, 1, true); // colour planes
    view.setUint16(entry + 6, 32, true); // bits per pixel
    view.setUint32(entry + 8, png.length, true);
    view.setUint32(entry + 12, offset, true);
    out.set(png, offset);
    offset += png.length;
  });
  return out;
}
