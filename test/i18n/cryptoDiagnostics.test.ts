/**
 * The record protection's and the crypto adapters' failures read in the reader's language: a record
 * that does not authenticate (a bit flipped in flight between a real OpenSSL server and the client),
 * a server key share that is not a point, an RSA key too small to carry a premaster secret, a
 * certificate key or a client key that cannot be used. Each is a diagnostic naming its values; the
 * Chinese step title and outcome word it from the catalog, values and nested reasons included.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { nobleCrypto } from '../../lib/tls/crypto/noble';
import { parsePkcs8 } from '../../lib/tls/crypto/pkcs8';
import { parseSpki } from '../../lib/tls/crypto/spki';
import { inEnglish } from '../../lib/tls/diagnostics';
import { TlsAlertError } from '../../lib/tls/errors';
import { keysSaid } from '../../lib/tls/record/protection';
import { zhCN } from '../../lib/i18n/messages/zh-CN';
import { translator } from '../../lib/i18n/translator';
import type { StepContent, Trace } from '../../lib/trace/schema';
import type { TestPki } from '../../server/pki';
import { diagnosticWords, outcomeSentence, stepExplanation, stepTitle } from '../../lib/view/stepText';
import { backends, hex, nodeKeys, secureRandom } from '../crypto/helpers';
import { sharedTestPki } from '../helpers/pki';
import { describeTrace, runAgainst, startOpensslServer, startScriptedServer, startTamperingProxy, type OpensslServer, type RecordTamper } from '../helpers/tlsServers';
import { CONTENT, EXTENSION, extension, readClientHello, record, serverHello, u16, vec16 } from '../tls/wire';

const chinese = translator('zh-CN', zhCN);
const HAN = /\p{Script=Han}/u;
/** Three English words in a row: a sentence left untranslated (protocol tokens come one at a time). */
const ENGLISH = /\b[a-z]{2,}\s+[a-z]{2,}\s+[a-z]{2,}\b/i;

/** The error step a failure leaves, as the client emits it (lib/tls/client/connection.ts fail()). */
function errorStep(e: TlsAlertError): StepContent {
  return { direction: 'local', layer: 'verdict', kind: 'error', data: { source: 'tls', alert: e.alert, message: e.message, diagnostic: e.diagnostic } };
}

/** The Chinese title of the failure's error step; checked to be Chinese with every value in it. */
function chineseTitle(e: unknown, alert: string, values: (string | number)[]): string {
  assert.ok(e instanceof TlsAlertError, `expected TlsAlertError, got ${String(e)}`);
  assert.equal(e.alert, alert, e.message);
  assert.ok(e.diagnostic, `${e.message}: no diagnostic`);
  const title = stepTitle(errorStep(e), chinese);
  assert.match(title, HAN);
  for (const v of values) assert.ok(title.includes(String(v)), `${title} lacks ${v}`);
  assert.doesNotMatch(title, ENGLISH, title);
  assert.doesNotMatch(title, /引擎的诊断/, `${title}: quoted English instead of the catalog's words`);
  return title;
}

async function thrown(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  assert.fail('expected a failure');
}

describe('a record that does not authenticate, from a real server, in Chinese', () => {
  let pki: TestPki;
  let tls13: OpensslServer;
  let tls12: OpensslServer;
  before(async () => {
    pki = await sharedTestPki();
    const leaf = pki.leaves.p256;
    const common = ['-www', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath];
    tls13 = await startOpensslServer(['-tls1_3', '-num_tickets', '0', ...common]);
    tls12 = await startOpensslServer(['-tls1_2', '-cipher', 'ALL:@SECLEVEL=0', ...common]);
  });
  after(async () => {
    await tls13?.close();
    await tls12?.close();
  });

  /** Flips the last bit (in the tag or the MAC) of the first record of `type` the server sends. */
  const flipFirst = (type: number): RecordTamper => {
    let done = false;
    return (r) => {
      if (done || r[0] !== type) return r;
      done = true;
      const out = Buffer.from(r);
      out[out.length - 1] ^= 0x01;
      return out;
    };
  };

  async function through(server: OpensslServer, tamper: RecordTamper, request: Parameters<typeof runAgainst>[1] = {}): Promise<Trace> {
    const proxy = await startTamperingProxy(server.port, tamper);
    try {
      return await runAgainst(proxy.port, { setup: { caFiles: [pki.root.certPath] }, timeoutMs: 3000, ...request });
    } finally {
      await proxy.close();
    }
  }

  /** The client's error step and its fatal alert's explanation, in Chinese, naming `values`. */
  function assertChineseFailure(trace: Trace, code: string, values: string[]): void {
    const why = describeTrace(trace);
    const error = trace.steps.find((s) => s.kind === 'error');
    assert.ok(error && error.kind === 'error', why);
    assert.equal(error.data.diagnostic?.code, code, why);
    const title = stepTitle(error, chinese);
    const alert = trace.steps.find((s) => s.kind === 'alert' && s.direction === 'client->server');
    const explanation = alert ? stepExplanation(alert, chinese) : undefined;
    const outcome = outcomeSentence(trace.outcomeCause, chinese);
    for (const text of [title, explanation, outcome]) {
      assert.ok(text, why);
      assert.match(text, HAN);
      for (const v of values) assert.ok(text.includes(v), `${text} lacks ${v}`);
      assert.doesNotMatch(text, /authenticate|integrity|引擎的诊断/, text);
    }
  }

  it('TLS 1.3: a flipped bit in EncryptedExtensions names the sequence number and the server handshake traffic keys', async () => {
    const trace = await through(tls13, flipFirst(23));
    assertChineseFailure(trace, 'record.notAuthentic', ['序列号为 0 的记录', '服务器握手流量密钥', '认证失败']);
    const error = trace.steps.find((s) => s.kind === 'error');
    assert.ok(error && stepTitle(error).endsWith(': record 0 did not authenticate under the server handshake traffic keys (wrong key, or the bytes were altered)'), describeTrace(trace));
  });

  it('TLS 1.2 AES-GCM: a flipped bit in the response names the server write keys', async () => {
    const trace = await through(tls12, flipFirst(23), { versions: ['TLSv1.2'], cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'] });
    assertChineseFailure(trace, 'record.notAuthentic', ['序列号为 1 的记录', '服务器写密钥']);
  });

  it('TLS 1.2 CBC: a flipped bit in the response fails the integrity check, in Chinese', async () => {
    const trace = await through(tls12, flipFirst(23), { versions: ['TLSv1.2'], cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA'] });
    assertChineseFailure(trace, 'record.badMac', ['序列号为 1 的记录', '服务器写密钥', '完整性检查']);
  });
});

describe('a server key share that is not a key, from a scripted server, in Chinese', () => {
  it('TLS 1.3: an x25519 key_share of 31 bytes ends in illegal_parameter naming the group and both lengths (RFC 8446 §4.2.8.2)', async () => {
    const server = await startScriptedServer(async (socket: Socket) => {
      try {
        const hello = await readClientHello(socket);
        const keyShare = extension(EXTENSION.key_share, Buffer.concat([u16(0x001d), vec16(Buffer.alloc(31, 9))]));
        const versions = extension(EXTENSION.supported_versions, u16(0x0304));
        socket.write(record(CONTENT.handshake, serverHello({ sessionId: hello.sessionId, cipherSuite: 0x1301, extensions: [versions, keyShare] })));
      } catch {
        // The client went away first.
      }
    });
    try {
      const trace = await runAgainst(server.port, { versions: ['TLSv1.3'], timeoutMs: 3000 });
      const why = describeTrace(trace);
      const error = trace.steps.find((s) => s.kind === 'error');
      assert.ok(error && error.kind === 'error', why);
      assert.equal(error.data.alert, 'illegal_parameter', why);
      assert.equal(error.data.diagnostic?.code, 'crypto.keyShare', why);
      assert.match(stepTitle(error), /the server’s x25519 key share is invalid: it is 31 bytes, expected 32$/);
      for (const text of [stepTitle(error, chinese), outcomeSentence(trace.outcomeCause, chinese)]) {
        assert.match(text, HAN);
        for (const v of ['x25519', '密钥共享无效', '31 字节', '32 字节']) assert.ok(text.includes(v), `${text} lacks ${v}`);
        assert.doesNotMatch(text, ENGLISH, text);
      }
    } finally {
      await server.close();
    }
  });
});

describe('the crypto adapters’ failures, in Chinese', () => {
  for (const crypto of backends) {
    it(`${crypto.name}: an x25519 key share of the wrong length names the group and both lengths`, async () => {
      const share = await crypto.generateKeyShare('x25519', secureRandom);
      const e = await thrown(() => crypto.deriveSharedSecret(share, new Uint8Array(31).fill(9)));
      assert.equal((e as Error).message, 'the server’s x25519 key share is invalid: it is 31 bytes, expected 32');
      const title = chineseTitle(e, 'illegal_parameter', ['x25519', '31', '32']);
      assert.ok(title.includes('密钥共享无效'), title);
    });

    it(`${crypto.name}: a secp256r1 key share off the curve, and an x25519 low-order point`, async () => {
      const p256 = await crypto.generateKeyShare('secp256r1', secureRandom);
      const offCurve = p256.publicKey.slice();
      offCurve[64] ^= 1;
      chineseTitle(await thrown(() => crypto.deriveSharedSecret(p256, offCurve)), 'illegal_parameter', ['secp256r1', '不是曲线上的点']);
      const x = await crypto.generateKeyShare('x25519', secureRandom);
      chineseTitle(await thrown(() => crypto.deriveSharedSecret(x, new Uint8Array(32))), 'illegal_parameter', ['x25519', '低阶点']);
    });
  }

  it('a client RSA key too small to sign with SHA-512 (RFC 8017 §9.1.1, §9.2) names its size and the hash, on both backends', async () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 512 });
    const pkcs8 = new Uint8Array(small.privateKey.export({ type: 'pkcs8', format: 'der' }));
    for (const crypto of backends) {
      for (const scheme of ['rsa_pss_rsae_sha512', 'rsa_pkcs1_sha512'] as const) {
        const e = await thrown(() => crypto.sign(scheme, pkcs8, new Uint8Array(32), secureRandom));
        assert.equal((e as Error).message, 'the 512-bit RSA key is too small to sign with sha512', `${crypto.name} ${scheme}`);
        chineseTitle(e, 'internal_error', ['512 位 RSA 密钥太小', 'sha512']);
      }
    }
  });

  it('an RSA key too small to encrypt a premaster secret (RFC 5246 §7.4.7.1) names its size', async () => {
    // A 400-bit modulus (odd, so the key parses) holds at most 50 − 11 = 39 bytes: not 48.
    const n = (1n << 399n) | 1n;
    const spki = rsaSpki(n, 65537n);
    const e = await thrown(() => nobleCrypto.rsaEncryptPkcs1(spki, new Uint8Array(48), secureRandom));
    assert.equal((e as Error).message, 'the server’s 400-bit RSA key is too small to encrypt 48 bytes');
    const title = chineseTitle(e, 'unsupported_certificate', ['400', '48']);
    assert.ok(title.includes('RSA 密钥太小'), title);
  });

  it('RSA key exchange with an EC certificate names the key it found, nested', async () => {
    const e = await thrown(() => nobleCrypto.rsaEncryptPkcs1(nodeKeys().p256.spki, new Uint8Array(48), secureRandom));
    assert.equal((e as Error).message, 'RSA key exchange needs a server certificate with an rsaEncryption key, not an ECDSA P-256 key');
    chineseTitle(e, 'unsupported_certificate', ['rsaEncryption', 'ECDSA P-256 密钥']);
  });

  it('a certificate key on an unsupported curve, and a truncated SubjectPublicKeyInfo, nest their reason', async () => {
    // SEQUENCE { SEQUENCE { id-ecPublicKey, secp256k1 }, BIT STRING { 0x04 ‖ 64 bytes } }
    const k1 = hex(`3056301006072a8648ce3d020106052b8104000a034200${'04'.padEnd(130, '11')}`);
    const e = await thrown(() => parseSpki(k1));
    assert.equal((e as Error).message, 'the certificate’s public key cannot be used: the EC key is on curve 1.3.132.0.10, not P-256, P-384 or P-521');
    const title = chineseTitle(e, 'bad_certificate', ['证书的公钥无法使用', '1.3.132.0.10', 'P-256']);
    assert.ok(title.includes('曲线'), title);

    // A DerError is a diagnostic too: its path, its byte and the DER fault (lib/tls/wire/der) nested in turn.
    const cut = await thrown(() => parseSpki(nodeKeys().p256.spki.slice(0, 40)));
    assert.ok(cut instanceof TlsAlertError && cut.alert === 'bad_certificate' && cut.diagnostic, String(cut));
    assert.match(cut.message, /^the certificate’s public key cannot be used: SubjectPublicKeyInfo\.SEQUENCE \(byte 0\): length/);
    const zh = diagnosticWords(cut.diagnostic, chinese) ?? '';
    assert.match(zh, /^证书的公钥无法使用：SubjectPublicKeyInfo\.SEQUENCE（第 0 字节）：长度 \d+ 超过/);
    assert.doesNotMatch(zh, ENGLISH, zh);
  });

  it('a signature scheme that does not fit the server’s key names both, the key nested', async () => {
    const e = await thrown(() => nobleCrypto.verify('rsa_pss_rsae_sha256', nodeKeys().p256.spki, new Uint8Array(1), new Uint8Array(64)));
    assert.equal((e as Error).message, 'rsa_pss_rsae_sha256 cannot be used with an ECDSA P-256 key');
    chineseTitle(e, 'illegal_parameter', ['rsa_pss_rsae_sha256', '不能用于 ECDSA P-256 密钥']);
  });

  it('a client private key whose RSA parts disagree says so, nested in the client-key sentence', async () => {
    const bad = nodeKeys().rsa2048.pkcs8.slice();
    bad[bad.length - 1] ^= 1; // the last byte of the CRT coefficient
    const e = await thrown(() => parsePkcs8(bad));
    const title = chineseTitle(e, 'internal_error', ['客户端私钥无法使用', 'p·q ≠ n']);
    assert.ok(title.includes('互相矛盾'), title);
  });

  it('names the keys a record was read under as data, or as they are when the name is unknown', () => {
    const words = (d: string) => {
      const keys = keysSaid(d);
      return typeof keys === 'object' ? [inEnglish(keys), diagnosticWords(keys, chinese)] : [keys, keys];
    };
    assert.deepEqual(words('server handshake traffic keys'), ['server handshake traffic keys', '服务器握手流量密钥']);
    assert.deepEqual(words('server application traffic keys'), ['server application traffic keys', '服务器应用流量密钥']);
    assert.deepEqual(words('server application traffic keys #2'), ['server application traffic keys #2', '第 2 代服务器应用流量密钥']);
    assert.deepEqual(words('server write keys'), ['server write keys', '服务器写密钥']);
    assert.deepEqual(words('server write keys (renegotiated)'), ['server write keys (renegotiated)', '服务器写密钥（重协商后）']);
    assert.deepEqual(words('test keys'), ['test keys', 'test keys']);
  });
});

/** SubjectPublicKeyInfo for an rsaEncryption key (RFC 3279 §2.3.1), built by hand. */
function rsaSpki(n: bigint, e: bigint): Uint8Array {
  const int = (v: bigint) => {
    let h = v.toString(16);
    if (h.length % 2) h = `0${h}`;
    if (parseInt(h.slice(0, 2), 16) & 0x80) h = `00${h}`;
    return tlv(0x02, hex(h));
  };
  const key = tlv(0x30, int(n), int(e));
  return tlv(0x30, tlv(0x30, hex('06092a864886f70d0101010500')), tlv(0x03, Uint8Array.of(0), key));
}

function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  const len = body.length < 0x80 ? [body.length] : body.length < 0x100 ? [0x81, body.length] : [0x82, body.length >> 8, body.length & 0xff];
  return new Uint8Array(Buffer.concat([Buffer.from([tag, ...len]), body]));
}
