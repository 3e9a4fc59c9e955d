import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { describe, it } from 'node:test';
import { checkClientHello } from '../../server/relay/clientHello';
import { CLIENT_HELLO_RECORD, clientHelloRecord } from './helpers';

/** The first record a real client sends: Node's TLS (OpenSSL) towards a loopback listener. */
async function nodeClientHello(options: { maxVersion?: 'TLSv1.2' | 'TLSv1.3' } = {}): Promise<Buffer> {
  let chunks = Buffer.alloc(0);
  const server = createServer((socket) => socket.on('data', (d) => (chunks = Buffer.concat([chunks, d]))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const client = tlsConnect({ host: '127.0.0.1', port, servername: 'hello.test', ...options });
  client.on('error', () => {});
  for (let i = 0; i < 100 && (chunks.length < 5 || chunks.length < 5 + chunks.readUInt16BE(3)); i++) await new Promise((r) => setTimeout(r, 20));
  client.destroy();
  await new Promise((r) => server.close(r));
  return chunks.subarray(0, 5 + chunks.readUInt16BE(3));
}

describe('relay: the first client bytes must be one whole, well-formed ClientHello record', () => {
  it('accepts the ClientHellos real clients send (TLS 1.3 and 1.2), once the whole record is in', async () => {
    for (const hello of [await nodeClientHello(), await nodeClientHello({ maxVersion: 'TLSv1.2' }), CLIENT_HELLO_RECORD]) {
      assert.deepEqual(checkClientHello(hello), { kind: 'ok', length: hello.length });
      assert.deepEqual(checkClientHello(hello.subarray(0, hello.length - 1)), { kind: 'need-more', length: hello.length });
      assert.deepEqual(checkClientHello(hello.subarray(0, 3)), { kind: 'need-more' });
    }
  });

  it('refuses a record header that is followed by something else (16 03 01 00 40 01, then GET / HTTP/1.1)', () => {
    const forged = Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x00, 0x40, 0x01]), Buffer.from('GET / HTTP/1.1\r\nHost: internal\r\n\r\n'.padEnd(64, 'x'))]);
    const verdict = checkClientHello(forged);
    assert.equal(verdict.kind, 'refused');
    assert.deepEqual(checkClientHello(forged.subarray(0, 20)), { kind: 'need-more', length: 69 });
  });

  it('refuses each malformed field of the ClientHello (RFC 8446 §4.1.2)', () => {
    const good = Buffer.from(CLIENT_HELLO_RECORD);
    const variant = (at: number, value: number) => { const b = Buffer.from(good); b[at] = value; return b; };
    const cases: [string, Buffer, RegExp][] = [
      ['not a handshake record', variant(0, 23), /not 22/],
      ['a record version 4.x', variant(1, 4), /not 3\.x/],
      ['a ServerHello', variant(5, 2), /not client_hello/],
      ['a handshake length that does not fill the record', variant(8, good[8] - 1), /says it is/],
      ['legacy_version 2.0', variant(9, 2), /legacy_version/],
      ['a 33-byte session id', variant(43, 33), /ends inside|session id/],
      ['an odd-length cipher suite list', variant(45, 3), /cipher_suites|ends inside/],
      ['no compression methods', variant(48, 0), /compression|extensions|follow/],
      ['extensions that overrun their vector', clientHelloRecord([0x00, 0x2b, 0x00, 0x09, 0x02, 0x03, 0x04]), /extension runs past/],
      ['a truncated extension header', clientHelloRecord([0x00, 0x2b, 0x00]), /extension header/],
      ['a record length over 2^14', Buffer.from([0x16, 0x03, 0x01, 0x40, 0x01, 0x01]), /record length/],
    ];
    for (const [what, bytes, message] of cases) {
      const verdict = checkClientHello(bytes);
      assert.equal(verdict.kind, 'refused', what);
      assert.match((verdict as { message: string }).message, message, what);
    }
  });

  it('accepts a ClientHello without extensions (RFC 5246 §7.4.1.2) and nothing after them', () => {
    const bare = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x2d, 0x01, 0x00, 0x00, 0x29, 0x03, 0x01, ...new Array(32).fill(1), 0x00, 0x00, 0x02, 0x00, 0x2f, 0x01, 0x00]);
    assert.deepEqual(checkClientHello(bare), { kind: 'ok', length: bare.length });
  });
});
