import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { crc32, encodePng, PNG_SIGNATURE } from '../../lib/share/png';
import { zlibDeflate } from '../../server/share/png';
import { drawPreview, PREVIEW_HEIGHT, PREVIEW_WIDTH, renderPreviewPng } from '../../lib/share/previewImage';
import { glyph, hasGlyph } from '../../lib/share/bitmapFont';
import { iisRustlsTrace, relayRefusalTrace, tls13OkTrace } from '../view/fixtures/traces';

interface Chunk {
  type: string;
  data: Buffer;
  crc: number;
}

/** Splits a PNG into its chunks, independently of the encoder (PNG spec §5.3). */
function chunks(png: Uint8Array): Chunk[] {
  const buf = Buffer.from(png);
  const out: Chunk[] = [];
  for (let at = 8; at < buf.length; ) {
    const length = buf.readUInt32BE(at);
    out.push({ type: buf.toString('latin1', at + 4, at + 8), data: buf.subarray(at + 8, at + 8 + length), crc: buf.readUInt32BE(at + 8 + length) });
    at += 12 + length;
  }
  return out;
}

describe('PNG encoder', () => {
  it('computes the CRC-32 of the PNG spec (check value of "123456789" is 0xcbf43926)', () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
    // The IEND chunk of every PNG ends in ae 42 60 82.
    assert.equal(crc32(new TextEncoder().encode('IEND')), 0xae426082);
  });

  it('writes the signature, IHDR with the size and colour type, IDAT and IEND, each with a valid CRC', () => {
    const pixels = new Uint8Array(3 * 2 * 3);
    pixels.set([255, 0, 0, 0, 255, 0, 0, 0, 255], 0); // first row: red, green, blue
    pixels.set([10, 20, 30, 40, 50, 60, 70, 80, 90], 9);
    const png = encodePng({ width: 3, height: 2, pixels }, zlibDeflate);
    assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const list = chunks(png);
    assert.deepEqual(list.map((c) => c.type), ['IHDR', 'IDAT', 'IEND']);
    for (const c of list) assert.equal(c.crc, crc32(Buffer.from(c.type, 'latin1'), c.data), `${c.type} CRC`);
    const ihdr = list[0].data;
    assert.equal(ihdr.length, 13);
    assert.equal(ihdr.readUInt32BE(0), 3);
    assert.equal(ihdr.readUInt32BE(4), 2);
    assert.deepEqual([...ihdr.subarray(8)], [8, 2, 0, 0, 0], 'bit depth 8, truecolour, deflate, filter method 0, no interlace');
    // Each scanline: filter type 0, then the row's RGB bytes as given.
    assert.deepEqual([...inflateSync(list[1].data)], [0, ...pixels.subarray(0, 9), 0, ...pixels.subarray(9)]);
    assert.equal(list[2].data.length, 0);
  });

  it('refuses pixel buffers that do not match the size', () => {
    assert.throws(() => encodePng({ width: 2, height: 2, pixels: new Uint8Array(11) }, zlibDeflate), /needs 12 bytes/);
    assert.throws(() => encodePng({ width: 0, height: 2, pixels: new Uint8Array(0) }, zlibDeflate), /positive integer size/);
  });
});

describe('share card preview', () => {
  it('is a 1200×630 PNG, the size card consumers expect', () => {
    const png = renderPreviewPng(iisRustlsTrace(), zlibDeflate);
    const ihdr = chunks(png)[0].data;
    assert.deepEqual([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4)], [PREVIEW_WIDTH, PREVIEW_HEIGHT]);
    const raw = inflateSync(chunks(png)[1].data);
    assert.equal(raw.length, (PREVIEW_WIDTH * 3 + 1) * PREVIEW_HEIGHT);
  });

  it('marks the outcome in its colour: green for a completed handshake, red for a reset', () => {
    const edge = (trace: ReturnType<typeof tls13OkTrace>) => [...drawPreview(trace).pixels.subarray(0, 3)];
    const [okRed, okGreen] = edge(tls13OkTrace());
    const [resetRed, resetGreen] = edge(iisRustlsTrace());
    assert.ok(okGreen > okRed, 'a completed handshake is green');
    assert.ok(resetRed > resetGreen, 'a reset is red');
  });

  it('draws different pictures for different runs, and draws runs without any negotiation', () => {
    const a = drawPreview(tls13OkTrace()).pixels;
    const b = drawPreview(iisRustlsTrace()).pixels;
    assert.notDeepEqual(a, b);
    assert.doesNotThrow(() => renderPreviewPng(relayRefusalTrace(), zlibDeflate));
  });

  it('has a glyph for every character of suite names, hosts and status lines', () => {
    for (const ch of 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 iis-renegotiation.test:8443/secure/ HTTP 200 OK (warning) ·') assert.ok(hasGlyph(ch), JSON.stringify(ch));
    assert.deepEqual(glyph('a'), glyph('A'), 'lower case is drawn as capitals');
    assert.deepEqual(glyph('é'), glyph('?'));
  });
});
