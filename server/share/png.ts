import { deflateSync } from 'node:zlib';
import type { Deflate } from '../../lib/share/png';

/** The PNG encoder's compression on the server: Node's zlib at its best ratio (the card is made once per saved run). */
export const zlibDeflate: Deflate = (data) => new Uint8Array(deflateSync(data, { level: 9 }));
