/**
 * The trace stores no field prose, and `--fields` lists every annotated field with its explanation
 * in the CLI's language — against the tls13 demo target on loopback, as a user runs it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoTargets, type RunningDemo } from '../../server/demo/start';

let demo: RunningDemo;
let dir: string;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, DEMO_DATA_DIR: join(dir, 'demo'), NO_COLOR: '1', LANG: 'C.UTF-8', LC_ALL: undefined } as NodeJS.ProcessEnv;
    execFile(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { timeout: 120_000, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => keysOf(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      keysOf(v, out);
    }
  }
  return out;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tlspg-cli-fields-'));
  demo = await startDemoTargets({ dataDir: join(dir, 'demo'), renegotiationTimeoutMs: 5000, log: () => undefined });
});

after(async () => {
  await demo?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('field words are presentation', () => {
  it('--json carries names, values and RFC references for the fields, and no meaning', async () => {
    const r = await cli(['https://tls13.test/', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const keys = keysOf(JSON.parse(r.stdout));
    assert.ok(keys.has('name') && keys.has('value') && keys.has('rfc'), 'fields are data');
    assert.equal(keys.has('meaning'), false, 'a field carries prose');
    assert.doesNotMatch(r.stdout, /"meaning"/);
  });

  it('--fields prints every annotated field as path = value — explanation', async () => {
    const r = await cli(['https://tls13.test/', '--fields']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.ok(lines.length > 300, `${lines.length} lines`);
    const explained = lines.filter((l) => / — \S/.test(l));
    assert.ok(explained.length / lines.length >= 0.95, `${explained.length} of ${lines.length} explained`);
    assert.ok(lines.includes('ClientHello.extensions.server_name.extension_data.server_name_list.ServerName.HostName = tls13.test — The host the client wants: tls13.test. A server that hosts many sites on one address picks its certificate by this name. It travels in clear text.'));
    assert.ok(lines.some((l) => /^ServerHello\.extensions\.key_share\.extension_data\.server_share\.group = 0x001d \(x25519\) — The server picked x25519/.test(l)));
    assert.ok(lines.some((l) => /^HTTP response\.status-line = 200 OK — The status line: HTTP\/1\.1 200\. Success\.$/.test(l)));
    // A field without a value leaves out " = value".
    assert.ok(lines.some((l) => /^ClientHello — ClientHello: the client’s opening offer/.test(l)));
  });

  it('--fields --lang zh-CN explains in Chinese, with the same paths, and says sizes in Chinese', async () => {
    const [en, zh] = await Promise.all([cli(['https://tls13.test/', '--fields']), cli(['https://tls13.test/', '--fields', '--lang', 'zh-CN'])]);
    assert.equal(zh.code, 0, zh.stderr);
    const head = (l: string) => l.split(' — ')[0];
    const enLines = en.stdout.trimEnd().split('\n');
    const zhLines = zh.stdout.trimEnd().split('\n');
    // The same fields: two runs differ in their random values, and in whether the server's
    // close_notify arrived before the connection closed.
    const paths = (lines: string[]) => [...new Set(lines.map((l) => head(l).split(' = ')[0]))].sort();
    assert.deepEqual(paths(zhLines), paths(enLines));
    assert.ok(zhLines.includes('ClientHello.extensions.server_name.extension_data.server_name_list.ServerName.HostName = tls13.test — 客户端要访问的主机：tls13.test。在同一地址上托管多个站点的服务器按这个名字选择证书。它以明文传输。'));
    // Sizes are data (Field.words), worded in the reader's language; protocol values stay as they are.
    assert.ok(enLines.some((l) => /^TLSPlaintext\.length = \d+ bytes — /.test(l)));
    assert.ok(zhLines.some((l) => /^TLSPlaintext\.length = \d+ 字节 — /.test(l)));
    assert.ok(!zhLines.some((l) => / = \d+ bytes — /.test(l)), 'no size left in English');
    // So are the certificate's phrases: its extensions' count, its key's point.
    assert.ok(enLines.some((l) => /\.tbsCertificate\.extensions = \d+ extensions — /.test(l)));
    assert.ok(zhLines.some((l) => /\.tbsCertificate\.extensions = \d+ 个扩展 — /.test(l)));
    assert.ok(zhLines.some((l) => /\.ecPoint = 未压缩的点（65 字节） — /.test(l)));
    const withHan = zhLines.filter((l) => /\p{Script=Han}/u.test(l.split(' — ')[1] ?? ''));
    assert.ok(withHan.length / zhLines.length >= 0.95, `${withHan.length} of ${zhLines.length} in Chinese`);
  });

  it('--fields goes with a run: not with --json, not with diagnose', async () => {
    const both = await cli(['https://tls13.test/', '--fields', '--json']);
    assert.equal(both.code, 2);
    assert.equal(both.stderr, 'error: --fields and --json are two different outputs: choose one\n');
    const doctor = await cli(['diagnose', 'https://tls13.test/', '--fields']);
    assert.equal(doctor.code, 2);
    assert.equal(doctor.stderr, 'error: --fields goes with a run, not with diagnose\n');
  });
});
