/**
 * The CLI in Chinese: --lang zh-CN (or LANG/LC_ALL starting with zh) prints the transcript's summary,
 * the advice and the doctor in Simplified Chinese, against the real IIS-like demo target on
 * loopback; --json stays the same data in every language.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoTargets, type RunningDemo } from '../../server/demo/start';
import { cliLocale } from '../../cli/args';

let demo: RunningDemo;
let dir: string;

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const base = { ...process.env, DEMO_DATA_DIR: join(dir, 'demo'), NO_COLOR: '1', LANG: 'C.UTF-8', LC_ALL: undefined };
    execFile(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { timeout: 120_000, env: { ...base, ...env } as NodeJS.ProcessEnv }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const IIS = 'https://iis-renegotiation.test/secure/';
const HAN = /\p{Script=Han}/u;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tlspg-cli-lang-'));
  demo = await startDemoTargets({ dataDir: join(dir, 'demo'), renegotiationTimeoutMs: 5000, log: () => undefined });
});

after(async () => {
  await demo?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the CLI in Chinese', () => {
  it('chooses its language from --lang, then LC_ALL, then LANG', () => {
    assert.equal(cliLocale('zh-CN', { LANG: 'en_US.UTF-8' }), 'zh-CN');
    assert.equal(cliLocale(undefined, { LANG: 'zh_CN.UTF-8' }), 'zh-CN');
    assert.equal(cliLocale(undefined, { LC_ALL: 'en_GB.UTF-8', LANG: 'zh_CN.UTF-8' }), 'en');
    assert.equal(cliLocale(undefined, { LANG: 'C.UTF-8' }), 'en');
    assert.equal(cliLocale('en', { LC_ALL: 'zh_TW.UTF-8' }), 'en');
  });

  it('prints the rustls run against the IIS target with a Chinese summary and advice', async () => {
    const r = await cli([IIS, '--as', 'rustls', '--lang', 'zh-CN']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^结果：连接被重置（/m);
    assert.match(r.stdout, /^原因：服务器要求重协商，而这个客户端不肯。$/m);
    assert.match(r.stdout, /rustls 用一条警告级告警 no_renegotiation 拒绝了，这是 RFC 5246 §7\.4\.1\.1 允许的。/);
    assert.match(r.stdout, /“Connection reset by peer”（连接被对方重置）/);
    assert.equal(r.stdout.match(/^修复（(服务器|客户端)）：/gm)?.length, 3);
    assert.match(r.stdout, /^修复（服务器）：在最初的握手中请求客户端证书.*clientcertnegotiation=enable/m);
    assert.match(r.stdout, /^更多：npx tls-playground diagnose https:\/\/iis-renegotiation\.test\/secure\/ /m);
    assert.doesNotMatch(r.stdout, /^(why|fix|outcome|more):/m, 'no English label left');
  });

  it('speaks Chinese when LANG says so, and English otherwise', async () => {
    const zh = await cli([IIS, '--as', 'rustls'], { LANG: 'zh_CN.UTF-8' });
    assert.match(zh.stdout, /^原因：/m);
    const en = await cli([IIS, '--as', 'rustls']);
    assert.match(en.stdout, /^why: The server asked to renegotiate, and this client would not\.$/m);
    assert.doesNotMatch(en.stdout, HAN);
  });

  it('keeps --json the same data in every language', async () => {
    const [zh, en] = await Promise.all([cli([IIS, '--as', 'rustls', '--json', '--lang', 'zh-CN']), cli([IIS, '--as', 'rustls', '--json'])]);
    const a = JSON.parse(zh.stdout);
    const b = JSON.parse(en.stdout);
    assert.doesNotMatch(zh.stdout, HAN);
    assert.deepEqual(Object.keys(a), Object.keys(b));
    assert.equal(a.outcome, 'reset');
    assert.deepEqual(a.alerts, b.alerts);
    assert.deepEqual(
      a.steps.map((s: { layer: string; direction: string }) => `${s.layer} ${s.direction}`),
      b.steps.map((s: { layer: string; direction: string }) => `${s.layer} ${s.direction}`),
    );
  });

  it('prints the doctor in Chinese with the netsh commands unchanged', async () => {
    const [zh, en] = await Promise.all([cli(['diagnose', IIS, '--lang', 'zh-CN']), cli(['diagnose', IIS])]);
    assert.equal(zh.code, 0, zh.stderr);
    assert.match(zh.stdout, /^有问题: https:\/\/iis-renegotiation\.test\/secure\/$/m);
    assert.match(zh.stdout, /这台服务器通过 TLS 1\.2 重协商请求客户端证书：收到 \/secure\/ 的请求后，它发送了 HelloRequest。/);
    assert.match(zh.stdout, /rustls：Connection reset by peer（连接被对方重置）/);
    assert.match(zh.stdout, /^TLS 1\.2 下各客户端的结果：$/m);
    assert.match(zh.stdout, /^ {2}1\. \[服务器\] 在最初的握手中请求客户端证书/m);
    assert.match(zh.stderr, /^探测：TLS 1\.2，按 rustls 的方式：reset$/m);
    const commands = (text: string) => text.split('\n').filter((l) => /^\s+netsh /.test(l)).map((l) => l.trim());
    assert.equal(commands(zh.stdout).length, 4);
    assert.deepEqual(commands(zh.stdout), commands(en.stdout));
    assert.match(en.stdout, /^PROBLEM: /m);
    assert.doesNotMatch(en.stdout, HAN);
  });

  it('says in Chinese why a request cannot run: a bad URL, an unknown name, a bad --connect (exit 2, before dialling)', async () => {
    const cases: [args: string[], chinese: RegExp, english: RegExp][] = [
      [['htps//example.com/'], /^错误：.*“htps\/\/example\.com\/”/, /^error: "htps\/\/example\.com\/" is a malformed URL/],
      [['ftp://example.com/'], /^错误：.*ftp/, /^error: only https:\/\/ URLs can be run \(got ftp:\/\/\)/],
      [['https://127.0.0.1:9/', '--suite', 'TLS_FOO'], /^错误：未知的密码套件 "TLS_FOO"；可用的有：TLS_AES_128_GCM_SHA256, /, /^error: unknown cipher suite "TLS_FOO"; valid: TLS_AES_128_GCM_SHA256, /],
      [['https://127.0.0.1:9/', '--as', 'netscape'], /^错误：未知的客户端行为模型“netscape”；可用的有：.*rustls/, /^error: unknown client personality "netscape"; valid: /],
      [['https://127.0.0.1:9/', '--connect', 'a:b:c'], /^错误：--connect “a:b:c”的格式必须是 HOST 或 HOST:PORT\n$/, /^error: --connect "a:b:c" must be HOST or HOST:PORT\n$/],
      [['https://127.0.0.1:9/', '--ca', '/nonexistent/ca.pem'], /^错误：无法读取CA 文件：\/nonexistent\/ca\.pem（ENOENT）\n$/, /^error: cannot read CA file \/nonexistent\/ca\.pem: ENOENT\n$/],
      [['https://tls13.test:8443/'], /^错误：tls13\.test 是演示目标，只在 443 端口应答（https:\/\/tls13\.test\/），而不是 8443\n$/, /^error: tls13\.test is a demo target; it answers on port 443 only \(https:\/\/tls13\.test\/\), not 8443\n$/],
    ];
    for (const [args, chinese, english] of cases) {
      const zh = await cli([...args, '--lang', 'zh-CN']);
      assert.equal(zh.code, 2, zh.stderr);
      assert.match(zh.stderr, chinese);
      assert.match(zh.stderr, HAN);
      assert.doesNotMatch(zh.stderr, /malformed|unknown|must be|valid:|cannot read|answers on/, 'no English sentence');
      const en = await cli(args);
      assert.equal(en.code, 2, en.stderr);
      assert.match(en.stderr, english);
    }
  });
});
