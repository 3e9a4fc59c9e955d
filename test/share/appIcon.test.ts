/** The app's bitmap icons: drawn from the icon's own shapes, and the committed files are the current drawing. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { icoFile, iconPixels } from '../../lib/share/appIcon';
import { zlibDeflate } from '../../server/share/png';
import { iconFiles, ROOT } from '../../scripts/gen-icons';

describe('app icons', () => {
  it('draw the white T on the sky square, with transparent rounded corners', () => {
    const size = 32;
    const px = iconPixels(size);
    const at = (x: number, y: number) => [...px.subarray((y * size + x) * 4, (y * size + x) * 4 + 4)];
    assert.deepEqual(at(16, 12), [255, 255, 255, 255], 'the bar of the T');
    assert.deepEqual(at(16, 20), [255, 255, 255, 255], 'the stem of the T');
    assert.deepEqual(at(4, 28), [0x03, 0x69, 0xa1, 255], 'the square');
    assert.equal(at(0, 0)[3], 0, 'a rounded corner is transparent');
    assert.equal(iconPixels(size, { rounded: false })[3], 255, 'the Apple icon fills its corners');
  });

  it('the favicon is an ICO of PNG images, 16, 32 and 48 pixels', () => {
    const ico = Buffer.from(icoFile([16, 32, 48], zlibDeflate));
    assert.deepEqual([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)], [0, 1, 3]);
    for (let i = 0; i < 3; i++) {
      const entry = 6 + 16 * i;
      const [size, length, offset] = [ico[entry], ico.readUInt32LE(entry + 8), ico.readUInt32LE(entry + 12)];
      const png = ico.subarray(offset, offset + length);
      assert.equal(png.toString('latin1', 1, 4), 'PNG');
      assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20), png[25]], [size, size, 6], 'RGBA of the size the directory says');
      // The image data inflates to one filter byte plus 4 bytes per pixel per row.
      const idat = png.indexOf('IDAT');
      assert.equal(inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4))).length, size * (size * 4 + 1));
    }
  });

  it('the committed files are what scripts/gen-icons.ts draws now', () => {
    for (const [path, bytes] of Object.entries(iconFiles())) assert.ok(readFileSync(join(ROOT, path)).equals(Buffer.from(bytes)), `${path} is stale: npx tsx scripts/gen-icons.ts`);
  });
});
