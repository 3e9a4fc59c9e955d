/**
 * The CLI's --tamper SPEC: the transcript shows the change and the server's reaction, --json keeps
 * the tamper in the trace's options, and a bad SPEC is refused before anything is dialled.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { sharedTestPki } from '../helpers/pki';
import { startOpensslServer, type OpensslServer } from '../helpers/tlsServers';
import type { Trace } from '../../lib/trace/schema';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { timeout: 60000, env: { ...process.env, DEMO_DATA_DIR: '/nonexistent-demo-dir', LANG: 'C', LC_ALL: '' } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let server: OpensslServer;
let ca: string;

before(async () => {
  const pki = await sharedTestPki();
  ca = pki.root.certPath;
  const leaf = pki.leaves.p256;
  server = await startOpensslServer(['-tls1_3', '-www', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath]);
});

after(async () => {
  await server?.close();
});

describe('tls-playground --tamper', () => {
  it('flips a bit of the client Finished: the transcript shows the change, then the server’s decrypt_error (exit 1)', async () => {
    const r = await cli([`https://localhost:${server.port}/`, '--connect', `127.0.0.1:${server.port}`, '--ca', ca, '--tamper', 'finished.verify_data:flip=0', '--no-color']);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.split('\n');
    const tampered = lines.findIndex((l) => l.includes('Tampered: bit 0 of finished.verify_data flipped'));
    const alert = lines.findIndex((l) => l.includes('← Alert: decrypt_error (fatal)'));
    assert.ok(tampered >= 0 && alert > tampered, r.stdout);
    assert.match(r.stdout, /the server sent a fatal decrypt_error alert/);
    assert.match(r.stdout, /A tamper experiment: this is the server’s answer/);
  });

  it('--json keeps the tamper in the options and the change as a step', async () => {
    const r = await cli([`https://localhost:${server.port}/`, '--connect', `127.0.0.1:${server.port}`, '--ca', ca, '--json', '--tamper=client_hello.extensions.supported_versions:drop']);
    assert.equal(r.code, 1, r.stderr);
    const trace = JSON.parse(r.stdout) as Trace;
    assert.deepEqual(trace.options.tamper, { target: 'client_hello.extensions.supported_versions', op: 'drop' });
    const step = trace.steps.find((s) => s.kind === 'tamper');
    assert.ok(step && step.kind === 'tamper' && step.data.message === 'client_hello' && step.data.sent === '');
    assert.equal(trace.outcomeCause.cause === 'alert' && trace.outcomeCause.alert, 'protocol_version');
  });

  it('refuses a bad SPEC with one sentence and exit 2, before dialling', async () => {
    for (const [spec, message] of [
      ['finished.verify_data', /--tamper: "finished.verify_data" has no operation/],
      ['client_hello.cipher_suites:set=13x1', /--tamper: .*set takes hex bytes/],
      ['server_hello.random:flip=1', /--tamper: the target "server_hello.random" must start with the client message to change/],
    ] as const) {
      const r = await cli(['https://127.0.0.1:9/', '--tamper', spec]);
      assert.equal(r.code, 2, spec);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    const twice = await cli(['https://127.0.0.1:9/', '--tamper', 'finished.verify_data:flip=0', '--tamper', 'finished.verify_data:flip=1']);
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /--tamper is given once/);
    const diagnose = await cli(['diagnose', 'https://127.0.0.1:9/', '--tamper', 'finished.verify_data:flip=0']);
    assert.equal(diagnose.code, 2);
    assert.match(diagnose.stderr, /diagnose runs its own probes/);
  });

  it('says why a SPEC is refused in Chinese with --lang zh-CN (or LANG=zh_CN), naming the SPEC', async () => {
    for (const args of [
      ['https://127.0.0.1:9/', '--lang', 'zh-CN', '--tamper', 'finished.verify_data:flip=x'],
      // --lang after the SPEC it is about: the language is read on its own.
      ['https://127.0.0.1:9/', '--tamper', 'finished.verify_data:flip=x', '--lang=zh-CN'],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr, '错误：--tamper：“finished.verify_data:flip=x”：flip 需要一个位序号（flip=N；0 是第一个字节的最高位）\n');
    }
    const english = await cli(['https://127.0.0.1:9/', '--tamper', 'finished.verify_data:flip=x']);
    assert.equal(english.stderr, 'error: --tamper: "finished.verify_data:flip=x": flip needs a bit number (flip=N, bit 0 is the first byte’s most significant bit)\n');
  });
});
