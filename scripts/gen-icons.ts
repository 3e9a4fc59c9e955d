/**
 * Writes the app's bitmap icons from lib/share/appIcon.ts (the drawing of app/icon.svg):
 * app/favicon.ico (16, 32, 48), app/apple-icon.png (180, square: iOS rounds it) and
 * public/icon-192.png, public/icon-512.png (the web manifest's, app/manifest.ts).
 * The files are committed; run `npx tsx scripts/gen-icons.ts` after changing the drawing
 * (test/share/appIcon.test.ts fails while they differ).
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { icoFile, iconPng } from '../lib/share/appIcon';
import { zlibDeflate } from '../server/share/png';

export const ROOT = resolve(import.meta.dirname, '..');

export function iconFiles(): Record<string, Uint8Array> {
  return {
    'app/favicon.ico': icoFile([16, 32, 48], zlibDeflate),
    'app/apple-icon.png': iconPng(180, zlibDeflate, { rounded: false }),
    'public/icon-192.png': iconPng(192, zlibDeflate),
    'public/icon-512.png': iconPng(512, zlibDeflate),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  for (const [path, bytes] of Object.entries(iconFiles())) {
    writeFileSync(join(ROOT, path), bytes);
    process.stdout.write(`${path}: ${bytes.length} bytes\n`);
  }
}
