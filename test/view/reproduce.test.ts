/**
 * "Reproduce it yourself", as pure functions: the openssl s_client and curl command lines a run's
 * options become, quoted so a POSIX shell reads back exactly the words meant, with OpenSSL's own names
 * for every suite, group and signature scheme the engine offers (checked against the openssl binary).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { parseArgs } from '../../cli/args';
import { groups, signatureSchemes, tls12Suites } from '../../lib/tls/registry/crypto';
import type { RunOptions, Step } from '../../lib/trace/schema';
import { OPENSSL_GROUPS, OPENSSL_SIGALGS, OPENSSL_TLS12_SUITES, reproduceCommands } from '../../lib/view/reproduce/commands';
import { describeNote } from '../../lib/view/reproduce/notes';
import { shellLine, shellQuote } from '../../lib/view/reproduce/shell';
import { runOptions } from '../helpers/runOptions';
import { tEn, tZh } from '../helpers/i18n';

/** What `sh` makes of a line: the words it passes to a program (printed NUL-separated by printf). */
function wordsAfterShell(line: string): string[] {
  const out = execFileSync('sh', ['-c', `printf '%s\\0' ${line}`]).toString();
  return out.split('\0').slice(0, -1);
}

const trace = (options: Partial<RunOptions> & { url: string }, steps: Step[] = []) => ({ options: runOptions(options), steps });

describe('shell quoting', () => {
  it('leaves plain words bare and gives every other word back to the shell unchanged', () => {
    assert.equal(shellQuote('-servername'), '-servername');
    assert.equal(shellQuote('127.0.0.1:8443'), '127.0.0.1:8443');
    const nasty = ["it's", 'a b', '$HOME', '`id`', '"x"', 'back\\slash', '*', '', 'semi;colon', 'new\nline', 'GET /?q=1&r=2 HTTP/1.1', "'", "''"];
    assert.deepEqual(wordsAfterShell(shellLine(nasty)), nasty);
  });
});

describe('openssl s_client and curl from a run’s options', () => {
  it('a TLS 1.3-only run with chosen suite, group and scheme names each with the tool’s flag', () => {
    const { openssl, curl } = reproduceCommands(
      trace({ url: 'https://example.com/', versions: ['TLSv1.3'], cipherSuites: ['TLS_AES_128_GCM_SHA256'], groups: ['x25519', 'secp256r1'], signatureSchemes: ['ecdsa_secp256r1_sha256', 'rsa_pss_rsae_sha256'], alpn: ['http/1.1'] }),
    );
    assert.deepEqual(openssl.argv, [
      'openssl', 's_client', '-connect', 'example.com:443', '-servername', 'example.com', '-tls1_3',
      '-ciphersuites', 'TLS_AES_128_GCM_SHA256', '-groups', 'X25519:P-256', '-sigalgs', 'ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256',
      '-alpn', 'http/1.1', '-verify_return_error', '-verify_hostname', 'example.com', '-ign_eof',
    ]);
    assert.deepEqual(curl.argv, ['curl', '-sS', '-v', '--tlsv1.3', '--tls-max', '1.3', '--tls13-ciphers', 'TLS_AES_128_GCM_SHA256', '--curves', 'X25519:P-256', '--http1.1', '-A', 'tls-playground', '-H', 'Connection: close', 'https://example.com/']);
  });

  it('the request goes to s_client on standard input, exactly as the engine would send it', () => {
    const { openssl } = reproduceCommands(trace({ url: 'https://example.com:8443/a%20b?x=1' }));
    const expected = 'GET /a%20b?x=1 HTTP/1.1\r\nHost: example.com:8443\r\nUser-Agent: tls-playground\r\nAccept: */*\r\nConnection: close\r\n\r\n';
    assert.equal(new TextDecoder().decode(openssl.input), expected);
    assert.ok(openssl.line.endsWith(`| ${shellLine(openssl.argv)}`));
    // The shell's printf writes those very bytes: a "%" in the path is data, not a format.
    const written = execFileSync('sh', ['-c', openssl.line.slice(0, openssl.line.lastIndexOf(' | openssl'))]).toString();
    assert.equal(written, expected);
  });

  it('a POST body of repeated bytes is piped in, to s_client and to curl, without a form Content-Type', () => {
    const body = 'a'.repeat(50000);
    const request = `POST /secure/upload HTTP/1.1\r\nHost: iis.example\r\nUser-Agent: tls-playground\r\nAccept: */*\r\nConnection: close\r\nContent-Length: 50000\r\n\r\n`;
    const bytes = new TextEncoder().encode(request + body);
    const headLength = request.length;
    const lines = request.split('\r\n').slice(0, 6);
    let offset = 0;
    const children = lines.map((line, i) => {
      const field = { name: i === 0 ? 'request-line' : `header ${line.split(':')[0]}`, offset, length: line.length + 2 };
      offset += line.length + 2;
      return field;
    });
    children.push({ name: 'end of headers', offset, length: 2 }, { name: 'body', offset: headLength, length: body.length });
    const step = {
      seq: 1, timeMs: 0, kind: 'http', direction: 'client->server', layer: 'http', data: { message: 'request', method: 'POST', path: '/secure/upload' },
      bytes: { hex: Buffer.from(bytes).toString('hex'), field: { name: 'HTTP request', offset: 0, length: bytes.length, children } },
    } as Step;
    const { openssl, curl } = reproduceCommands(trace({ url: 'https://iis.example/secure/upload', method: 'POST', versions: ['TLSv1.2'] }, [step]));
    const written = execFileSync('sh', ['-c', openssl.line.slice(0, openssl.line.lastIndexOf(' | openssl'))], { maxBuffer: 1 << 20 }).toString();
    assert.equal(written, request + body);
    assert.deepEqual(openssl.input, bytes);
    assert.match(curl.line, /^head -c 50000 \/dev\/zero \| tr '\\0' a \| curl /);
    assert.ok(curl.argv.includes('--data-binary') && curl.argv.includes('@-'));
    assert.ok(curl.argv.includes('Content-Type:'));
  });

  it('the IIS story: a refusing personality gets -no_renegotiation, a renegotiating one does not', () => {
    const iis = { url: 'https://iis-renegotiation.test/secure/', versions: ['TLSv1.3', 'TLSv1.2'] as RunOptions['versions'] };
    const rustls = reproduceCommands(trace({ ...iis, personality: 'rustls' }));
    const openssl = reproduceCommands(trace({ ...iis, personality: 'openssl', clientCertificate: true }), { clientCertFile: 'demo-client.crt', clientKeyFile: 'demo-client.key' });
    assert.ok(rustls.openssl.argv.includes('-no_renegotiation'));
    assert.ok(!openssl.openssl.argv.includes('-no_renegotiation'));
    assert.deepEqual(openssl.openssl.argv.slice(openssl.openssl.argv.indexOf('-cert'), openssl.openssl.argv.indexOf('-cert') + 4), ['-cert', 'demo-client.crt', '-key', 'demo-client.key']);
    assert.ok(rustls.notes.some((n) => n.note === 'curl-renegotiates'), 'curl cannot refuse: said, not hidden');
    assert.ok(!openssl.notes.some((n) => n.note === 'curl-renegotiates'));
    const boring = reproduceCommands(trace({ ...iis, personality: 'boringssl' }));
    assert.ok(boring.notes.some((n) => n.note === 'refuse-fatal'));
    const ignore = reproduceCommands(trace({ ...iis, personality: 'boringssl-ignore' }));
    assert.ok(!ignore.openssl.argv.includes('-no_renegotiation') && ignore.notes.some((n) => n.note === 'ignore'));
    // TLS 1.3 has no renegotiation: nothing to refuse.
    assert.ok(!reproduceCommands(trace({ ...iis, versions: ['TLSv1.3'], personality: 'rustls' })).openssl.argv.includes('-no_renegotiation'));
  });

  it('a demo target dials where it is told, keeping SNI and the certificate check on the name', () => {
    const { openssl, curl, notes } = reproduceCommands(trace({ url: 'https://tls13.test/' }), { connect: '127.0.0.1:40207', caFile: '/d/demo-root-ca.crt' });
    const at = (flag: string) => openssl.argv[openssl.argv.indexOf(flag) + 1];
    assert.equal(at('-connect'), '127.0.0.1:40207');
    assert.equal(at('-servername'), 'tls13.test');
    assert.equal(at('-verify_hostname'), 'tls13.test');
    assert.equal(at('-CAfile'), '/d/demo-root-ca.crt');
    assert.equal(curl.argv[curl.argv.indexOf('--connect-to') + 1], 'tls13.test:443:127.0.0.1:40207');
    assert.equal(curl.argv.at(-1), 'https://tls13.test/');
    assert.deepEqual(notes[0], { note: 'demo-target', host: 'tls13.test' });
    // Without an address the command names the host itself: the place to substitute is -connect.
    assert.equal(reproduceCommands(trace({ url: 'https://tls13.test/' })).openssl.argv[3], 'tls13.test:443');
  });

  it('an IP address gets no SNI (RFC 6066 §3) and is checked as an address; insecure runs do not stop on a bad certificate', () => {
    const { openssl, curl } = reproduceCommands(trace({ url: 'https://[::1]:8443/', insecure: true }));
    assert.equal(openssl.argv[3], '[::1]:8443');
    assert.ok(openssl.argv.includes('-noservername'));
    assert.ok(!openssl.argv.includes('-verify_return_error'));
    assert.ok(curl.argv.includes('--insecure'));
    const checked = reproduceCommands(trace({ url: 'https://192.0.2.1/' })).openssl.argv;
    assert.equal(checked[checked.indexOf('-verify_ip') + 1], '192.0.2.1');
  });

  it('TLS 1.2 extensions switched off: the switches OpenSSL has, and a note for the ones it lacks', () => {
    const { openssl, notes } = reproduceCommands(trace({ url: 'https://example.com/', versions: ['TLSv1.2'], tls12Off: ['session_ticket', 'encrypt_then_mac', 'extended_master_secret'] }));
    assert.ok(openssl.argv.includes('-tls1_2') && openssl.argv.includes('-no_ticket') && openssl.argv.includes('-no_etm'));
    assert.ok(notes.some((n) => n.note === 'no-switch' && n.tool === 'openssl' && n.option === 'extended_master_secret'));
  });

  it('every note reads in both languages', () => {
    const { notes } = reproduceCommands(
      trace({ url: 'https://tls13.test/', personality: 'rustls', versions: ['TLSv1.2'], signatureSchemes: ['ed25519'], tamper: { target: 'client_hello.extensions.supported_versions', op: 'drop' } }),
    );
    assert.ok(notes.some((n) => n.note === 'tampered' && n.target === 'client_hello.extensions.supported_versions'));
    assert.ok(notes.length >= 4);
    for (const note of notes) {
      assert.ok(describeNote(note, tEn).length > 20);
      assert.match(describeNote(note, tZh), /[\u4e00-\u9fff]/);
    }
  });
});

describe('OpenSSL’s names for what the engine offers', () => {
  it('every TLS 1.2 suite maps to the name `openssl ciphers -stdname` gives it', () => {
    const listed = new Map(
      execFileSync('openssl', ['ciphers', '-stdname', 'ALL:@SECLEVEL=0'])
        .toString()
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .filter((w) => w.length >= 3)
        .map((w) => [w[0], w[2]]),
    );
    for (const suite of tls12Suites) assert.equal(OPENSSL_TLS12_SUITES[suite], listed.get(suite), suite);
  });

  it('openssl s_client accepts every group (but post-quantum ones, before 3.5) and every signature scheme', () => {
    // A refused loopback connection: the options are parsed (and rejected) before anything is dialled.
    const accepts = (flag: string, value: string) => !/SSL_CONF_cmd/.test(spawnSync('openssl', ['s_client', flag, value, '-connect', '127.0.0.1:1'], { input: '', encoding: 'utf8', timeout: 10000 }).stderr);
    const version = execFileSync('openssl', ['version']).toString();
    const hasMlKem = !/^OpenSSL [0-2]\.|^OpenSSL 3\.[0-4]\./.test(version);
    for (const group of groups.names()) {
      if (group === 'X25519MLKEM768' && !hasMlKem) continue;
      assert.ok(accepts('-groups', OPENSSL_GROUPS[group]), group);
    }
    for (const scheme of signatureSchemes.names()) assert.ok(accepts('-sigalgs', OPENSSL_SIGALGS[scheme] ?? scheme), scheme);
  });
});

describe('the CLI’s --reproduce', () => {
  it('takes an optional directory: after the URL, or with =', () => {
    assert.deepEqual([parseArgs(['https://a.test/', '--reproduce'], false)].map((a) => [a.reproduce, a.reproduceDir, a.url]), [[true, undefined, 'https://a.test/']]);
    assert.deepEqual([parseArgs(['https://a.test/', '--reproduce', 'out'], false)].map((a) => [a.reproduce, a.reproduceDir, a.url]), [[true, 'out', 'https://a.test/']]);
    assert.deepEqual([parseArgs(['--reproduce', 'a.test'], false)].map((a) => [a.reproduce, a.reproduceDir, a.url]), [[true, undefined, 'a.test']]);
    assert.deepEqual([parseArgs(['--reproduce=out', 'a.test', '--json'], false)].map((a) => [a.reproduce, a.reproduceDir, a.url]), [[true, 'out', 'a.test']]);
    assert.deepEqual([parseArgs(['--reproduce', 'https://a.test/', '--tls', '1.3'], false)].map((a) => [a.reproduceDir, a.url]), [[undefined, 'https://a.test/']]);
    assert.throws(() => parseArgs(['diagnose', 'https://a.test/', '--reproduce'], false), /--reproduce goes with a single run/);
  });
});
