/**
 * A command line that cannot run is answered in the reader's language: every usage mistake of
 * cli/args.ts and the demo targets that were never started are said in Chinese with --lang zh-CN
 * (wherever --lang stands, even after the mistake) or LANG=zh_CN.UTF-8, naming the values given,
 * and in the same English as before otherwise.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

let dir: string;

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const base = { ...process.env, DEMO_DATA_DIR: join(dir, 'never-started'), NO_COLOR: '1', LANG: 'C.UTF-8', LC_ALL: undefined };
    execFile(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { timeout: 120_000, env: { ...base, ...env } as NodeJS.ProcessEnv }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const HAN = /\p{Script=Han}/u;
/** Words of the English sentences that must not be left in the Chinese ones. */
const ENGLISH = /\b(takes|needs|goes|go with|missing|expected|unknown|choose|given once|not running|the demo targets|e\.g\.)\b/;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tlspg-cli-usage-'));
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

// [command line, its Chinese answer, its English answer (exact)]
const cases: [args: string[], chinese: string, english: string][] = [
  [['--tls', '1.4', 'https://a.example/'], '错误：--tls 只接受 1.2 或 1.3，而不是“1.4”', 'error: --tls takes 1.2 or 1.3, not "1.4"'],
  [[], '错误：缺少 URL（例如 https://example.com/）', 'error: missing URL (e.g. https://example.com/)'],
  [['https://a.example/', 'https://b.example/'], '错误：只能给出一个 URL，但给出了 2 个：https://a.example/ https://b.example/', 'error: expected one URL, got 2: https://a.example/ https://b.example/'],
  [['https://a.example/', '--frobnicate'], '错误：未知选项 --frobnicate（参见 --help）', 'error: unknown option --frobnicate (see --help)'],
  [['https://a.example/', '--suite'], '错误：--suite 需要一个值', 'error: --suite needs a value'],
  [['https://a.example/', '--json=yes'], '错误：--json 不接受值', 'error: --json takes no value'],
  [['https://a.example/', '--reproduce='], '错误：--reproduce= 后面需要一个目录', 'error: --reproduce= needs a directory'],
  [['https://a.example/', '--timeout', 'soon'], '错误：--timeout 的值是毫秒数，而不是“soon”', 'error: --timeout takes milliseconds, not "soon"'],
  [['diagnose', 'https://a.example/', '--save', 'nowhere'], '错误：--save 需要 TLS Playground 应用的地址（例如 http://127.0.0.1:3000），而不是“nowhere”', 'error: --save takes the address of a TLS Playground app (e.g. http://127.0.0.1:3000), not "nowhere"'],
  [['diagnose', 'https://a.example/', '--save', 'ftp://a.example/'], '错误：--save 需要 http(s) 地址，而不是“ftp://a.example/”', 'error: --save takes an http(s) address, not "ftp://a.example/"'],
  [['https://a.example/', '--save', 'http://127.0.0.1:3000'], '错误：--save 需要与 diagnose 一起使用（它把诊断保存到 TLS Playground 应用上）', 'error: --save goes with diagnose (it saves the diagnosis on a TLS Playground app)'],
  [['https://a.example/', '--tamper', 'finished.verify_data:flip=0', '--tamper', 'finished.verify_data:flip=1'], '错误：--tamper 只能给出一次（每次运行只改动一处）', 'error: --tamper is given once (one change per run)'],
  [['diagnose', 'https://a.example/', '--tamper', 'finished.verify_data:flip=0'], '错误：--tamper 只改动单次运行；diagnose 运行自己的探测，不接受它', 'error: --tamper changes one run; diagnose runs its own probes and takes none'],
  [['diagnose', 'https://a.example/', '--reproduce'], '错误：--reproduce 用于单次运行，不能与 diagnose 一起使用', 'error: --reproduce goes with a single run, not diagnose'],
  [['diagnose', 'https://a.example/', '--fields'], '错误：--fields 用于单次运行，不能与 diagnose 一起使用', 'error: --fields goes with a run, not with diagnose'],
  [['https://a.example/', '--fields', '--json'], '错误：--fields 和 --json 是两种不同的输出：只能选一种', 'error: --fields and --json are two different outputs: choose one'],
  [['https://a.example/', '--early-data'], '错误：--early-data 和 --psk-mode 需要与 --resume 一起使用（它们针对第二个连接）', 'error: --early-data and --psk-mode go with --resume (they are about the second connection)'],
  [['https://a.example/', '--client-cert', 'c.pem'], '错误：--client-cert 和 --client-key 必须一起使用', 'error: --client-cert and --client-key go together'],
  [['demo', 'lists'], '错误：用法：demo list', 'error: usage: demo list'],
];

describe('usage mistakes in the reader’s language', () => {
  it('says each mistake in Chinese with --lang zh-CN after it, naming the values given, and in the same English without', async () => {
    for (const [args, chinese, english] of cases) {
      const [zh, en] = await Promise.all([cli([...args, '--lang', 'zh-CN']), cli(args)]);
      assert.equal(zh.code, 2, zh.stderr);
      assert.equal(zh.stderr, chinese + '\n');
      assert.match(zh.stderr, HAN);
      assert.doesNotMatch(zh.stderr, ENGLISH, 'no English sentence');
      assert.equal(en.code, 2, en.stderr);
      assert.equal(en.stderr, english + '\n');
    }
  });

  it('takes the language from LANG when --lang is not given, and --lang before the mistake as well', async () => {
    const [posix, first] = await Promise.all([cli(['--tls', '1.1', 'https://a.example/'], { LANG: 'zh_CN.UTF-8' }), cli(['--lang', 'zh-CN', '--tls', 'SSLv3', 'https://a.example/'])]);
    assert.equal(posix.stderr, '错误：--tls 只接受 1.2 或 1.3，而不是“1.1”\n');
    assert.equal(first.stderr, '错误：--tls 只接受 1.2 或 1.3，而不是“SSLv3”\n');
  });

  it('a --lang it does not know is said in the language of LANG, with the choices in it', async () => {
    const [zh, en] = await Promise.all([cli(['https://a.example/', '--lang', 'fr'], { LANG: 'zh_CN.UTF-8' }), cli(['https://a.example/', '--lang', 'fr'])]);
    assert.equal(zh.stderr, '错误：--lang 只接受 en或zh-CN，而不是“fr”\n');
    assert.equal(en.stderr, 'error: --lang takes en or zh-CN, not "fr"\n');
  });

  it('a demo alias while the demo targets were never started says where to start them, in Chinese too', async () => {
    const where = join(dir, 'never-started');
    const [zh, en] = await Promise.all([cli(['https://tls13.test/', '--lang', 'zh-CN']), cli(['https://tls13.test/'])]);
    assert.equal(zh.code, 2, zh.stderr);
    assert.equal(zh.stderr, `错误：tls13.test 是演示目标，但演示目标没有在 ${where} 中运行。演示目标在 TLS Playground 仓库的克隆中运行：先在那里用 npm start 启动它们，再在那个目录中运行本命令，或者设置 DEMO_DATA_DIR=<clone>/data/demo（<clone> 是克隆所在的目录）。\n`);
    assert.doesNotMatch(zh.stderr, ENGLISH);
    assert.equal(en.code, 2, en.stderr);
    assert.equal(en.stderr, `error: tls13.test is a demo target, but the demo targets are not running in ${where}. The demo targets run from a clone of the TLS Playground repository: start them there with npm start, then run this from that directory or set DEMO_DATA_DIR=<clone>/data/demo\n`);
  });

  it('demo list says where each target listens or why it is not running, in Chinese too', async () => {
    const registry = join(dir, 'registry');
    await mkdir(registry, { recursive: true });
    // A registry as the demo targets leave it: one listening, one whose program is missing (nothing is dialled).
    await writeFile(join(registry, 'targets.json'), JSON.stringify({ tls13: { host: '127.0.0.1', port: 4433 }, 'tls13-0rtt': { notStarted: { program: 'nginx', missing: true, message: 'spawn nginx ENOENT' } } }));
    const env = { DEMO_DATA_DIR: registry };
    const [zh, en] = await Promise.all([cli(['demo', 'list', '--lang', 'zh-CN'], env), cli(['demo', 'list'], env)]);
    assert.equal(zh.code, 0, zh.stderr);
    assert.match(zh.stdout, /^https:\/\/tls13\.test\/ {2}一台普通的 TLS 1\.3 服务器.*\n {4}运行于 127\.0\.0\.1:4433\n/m);
    assert.match(zh.stdout, /^https:\/\/tls13-0rtt\.test\/ {2}.*\n {4}未运行：它需要 nginx，但 nginx 没有安装\n/m);
    assert.match(zh.stdout, /^https:\/\/iis-renegotiation\.test\/ {2}.*\n {4}未运行\n/m);
    assert.doesNotMatch(zh.stdout, /\b(running|needs|installed|only)\b/);
    assert.match(en.stdout, /^https:\/\/tls13\.test\/ {2}A plain TLS 1\.3 server .*\n {4}running on 127\.0\.0\.1:4433\n/m);
    assert.match(en.stdout, /^https:\/\/tls13-0rtt\.test\/ {2}.*\n {4}not running: it needs nginx, which is not installed\n/m);
    const [never, neverZh] = await Promise.all([cli(['demo', 'list']), cli(['demo', 'list'], { LANG: 'zh_CN.UTF-8' })]);
    assert.match(never.stdout, /\nThe demo targets run from a clone of the TLS Playground repository: start them there with npm start, then run this from that directory or set DEMO_DATA_DIR=<clone>\/data\/demo\.\n$/);
    assert.match(neverZh.stdout, /\n演示目标在 TLS Playground 仓库的克隆中运行：先在那里用 npm start 启动它们.*DEMO_DATA_DIR=<clone>\/data\/demo（<clone> 是克隆所在的目录）。\n$/);
  });
});

describe('diagnose --save in the reader’s language', () => {
  let app: Server;
  let origin: string;
  /** A stand-in app on loopback: while `saving`, POST /api/bundles answers a link; otherwise a proxy's HTML page. */
  let saving = false;
  before(async () => {
    app = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/api/bundles' && saving) {
          res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ url: `${origin}/d/AAAAAAAAAAAAAAAAAAAAAA`, runs: [] }));
        } else res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => app.close(() => resolve())));

  it('says where the diagnosis was saved, or why not, in Chinese with --lang zh-CN and in the same English without', async () => {
    // The probes dial a closed loopback port: refused at once, a diagnosis all the same.
    const probe = ['diagnose', 'https://127.0.0.1:9/', '--timeout', '3000', '--save'];
    const [zhUnreachable, enUnreachable] = await Promise.all([cli([...probe, 'http://127.0.0.1:9', '--lang', 'zh-CN']), cli([...probe, 'http://127.0.0.1:9'])]);
    assert.equal(zhUnreachable.code, 1);
    assert.match(zhUnreachable.stderr, /^错误：无法连接 http:\/\/127\.0\.0\.1:9，诊断没有保存（“.+”）$/m);
    assert.match(enUnreachable.stderr, /^error: could not reach http:\/\/127\.0\.0\.1:9 to save the diagnosis \(.+\)$/m);
    const [zhNotAnApp, enNotAnApp] = await Promise.all([cli([...probe, origin, '--lang', 'zh-CN']), cli([...probe, origin])]);
    assert.equal(zhNotAnApp.code, 1);
    assert.match(zhNotAnApp.stderr, new RegExp(`^错误：${origin.replace(/\./g, '\\.')} 没有保存诊断：HTTP 404，它是 TLS Playground 应用吗？$`, 'm'));
    assert.match(enNotAnApp.stderr, new RegExp(`^error: ${origin.replace(/\./g, '\\.')} did not save the diagnosis: HTTP 404, is it a TLS Playground app\\?$`, 'm'));
    saving = true;
    const [zhSaved, enSaved] = await Promise.all([cli([...probe, origin, '--lang', 'zh-CN']), cli([...probe, origin])]);
    assert.equal(zhSaved.code, 0, zhSaved.stderr);
    assert.match(zhSaved.stdout, new RegExp(`^已保存：${origin.replace(/\./g, '\\.')}/d/A{22}\\n {2}（结论、修复方法和每个探测的每一步；把这个链接发给别人）$`, 'm'));
    assert.match(enSaved.stdout, new RegExp(`^Saved: ${origin.replace(/\./g, '\\.')}/d/A{22}\\n {2}\\(the verdict, the fixes and every probe step by step; send this link\\)$`, 'm'));
  });
});
