/**
 * "Reproduce it yourself" for a resumed run: the generated openssl s_client steps (-sess_out, then
 * -sess_in, and -early_data for 0-RTT) and the curl command (the URL twice, one session cache), run
 * through `sh` against the same `openssl s_server` on loopback the run resumed with, resume too.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunOptions, Trace } from '../../lib/trace/schema';
import { reproduceCommands, type CommandPlace } from '../../lib/view/reproduce/commands';
import { describeNote } from '../../lib/view/reproduce/notes';
import type { TestPki } from '../../server/pki';
import { tEn, tZh } from '../helpers/i18n';
import { sharedTestPki } from '../helpers/pki';
import { runOptions } from '../helpers/runOptions';
import { describeTrace, runAgainst, startOpensslServer, type OpensslServer } from '../helpers/tlsServers';

let pki: TestPki;
let workDir: string;

before(async () => {
  pki = await sharedTestPki();
  workDir = await mkdtemp(join(tmpdir(), 'tlspg-reproduce-resume-'));
});

after(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/**
 * s_server without -www (needed for -early_data) prints each request; each is answered on its stdin.
 * Our client closes after the answer; s_client (-ign_eof) waits for the server to close, which s_server
 * does when told "q" on its stdin — told only once `closing()` says s_client is the client.
 */
function answerRequests(server: OpensslServer, closing: () => boolean): () => void {
  let answered = 0;
  const timer = setInterval(() => {
    const seen = server.output().match(/GET \/ HTTP\/1\.1/g)?.length ?? 0;
    for (; answered < seen; answered++) {
      server.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
      // A separate read for s_server: its commands are the first byte of what it reads.
      if (closing()) setTimeout(() => server.write('q\n'), 200);
    }
  }, 20);
  return () => clearInterval(timer);
}

/** A POSIX shell running the lines as a reader pastes them: exit code and everything printed. */
function sh(line: string, cwd: string, timeoutMs = 20000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', line], { cwd, timeout: timeoutMs, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? null) : 0;
      resolve({ code: typeof code === 'number' ? code : null, output: `${stdout}${stderr}` });
    });
  });
}

/** A resumed run against `openssl s_server <args>`, then `check` with the server still up. */
async function withResumedRun(args: string[], options: Partial<RunOptions>, check: (trace: Trace, place: CommandPlace, server: OpensslServer) => Promise<void>) {
  const leaf = pki.leaves.p256;
  const server = await startOpensslServer(['-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath, ...args]);
  let commands = false;
  const stop = args.includes('-www') ? () => undefined : answerRequests(server, () => commands);
  try {
    const trace = await runAgainst(server.port, { ...options, resume: true, setup: { caFiles: [pki.root.certPath] } });
    commands = true;
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    assert.equal(trace.resumption?.accepted, true, describeTrace(trace));
    await check(trace, { caFile: pki.root.certPath }, server);
  } finally {
    stop();
    await server.close();
  }
}

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern.source, `${pattern.flags}g`))?.length ?? 0;

describe('openssl s_client in two steps resumes like the run', () => {
  test('TLS 1.3 psk_dhe_ke: -sess_out, then -sess_in; the second connection is “Reused”', async () => {
    await withResumedRun(['-tls1_3', '-www'], {}, async (trace, place) => {
      const { openssl, notes } = reproduceCommands(trace, place);
      const lines = openssl.line.split('\n');
      assert.equal(lines.length, 2);
      assert.match(lines[0], / -sess_out tlspg-session\.pem -ign_eof$/);
      assert.match(lines[1], / -sess_in tlspg-session\.pem -ign_eof$/);
      assert.deepEqual(openssl.argv.slice(-3), ['-sess_in', 'tlspg-session.pem', '-ign_eof']);
      assert.ok(notes.some((n) => n.note === 'resume-openssl'));
      const dir = await mkdtemp(join(workDir, 'dhe-'));
      const { output } = await sh(openssl.line, dir);
      assert.match(output, /^New, TLSv1\.3, Cipher is TLS_/m);
      assert.match(output, /^Reused, TLSv1\.3, Cipher is TLS_/m);
      assert.equal(count(output, /^HTTP\/1\.0 200 ok/m), 2);
    });
  });

  test('TLS 1.3 psk_ke: -allow_no_dhe_kex on the resuming step; OpenSSL offers psk_dhe_ke with it and s_server picks that, as the note says', async () => {
    await withResumedRun(['-tls1_3', '-www', '-allow_no_dhe_kex'], { pskModes: ['psk_ke'] }, async (trace, place) => {
      const { openssl, notes } = reproduceCommands(trace, place);
      const [first, second] = openssl.line.split('\n');
      assert.doesNotMatch(first, /-allow_no_dhe_kex/);
      assert.match(second, / -allow_no_dhe_kex -sess_in /);
      assert.ok(notes.some((n) => n.note === 'psk-ke-openssl'));
      assert.ok(notes.some((n) => n.note === 'no-switch' && n.tool === 'curl' && n.option === 'psk_ke'));
      const { output } = await sh(`${openssl.line.replace(/-ign_eof$/, '-ign_eof -trace')}`, await mkdtemp(join(workDir, 'psk-ke-')));
      assert.match(output, /^Reused, TLSv1\.3/m);
      // The ClientHello offers both modes; s_server, allowed both, picks psk_dhe_ke: the
      // resumed ServerHello carries a key_share where the run's had none. The note says so.
      const resumed = output.slice(output.lastIndexOf('ClientHello'));
      assert.match(resumed, /psk_key_exchange_modes\(45\), length=3\n\s+psk_dhe_ke \(1\)\n\s+psk_ke \(0\)/);
      assert.match(resumed.slice(resumed.indexOf('ServerHello')), /extension_type=key_share/);
      assert.match(describeNote({ note: 'psk-ke-openssl' }, tEn), /psk_dhe_ke/);
    });
  });

  test('TLS 1.3 0-RTT: the request file goes as -early_data and the server accepts it', async () => {
    await withResumedRun(['-tls1_3', '-early_data'], { earlyData: true }, async (trace, place) => {
      assert.equal(trace.resumption?.earlyData, 'accepted');
      const { openssl, notes } = reproduceCommands(trace, place);
      const lines = openssl.line.split('\n');
      assert.equal(lines.length, 3);
      assert.match(lines[0], /^printf .* > tlspg-request\.txt$/);
      assert.match(lines[1], / -sess_out tlspg-session\.pem -ign_eof < tlspg-request\.txt$/);
      assert.match(lines[2], / -sess_in tlspg-session\.pem -early_data tlspg-request\.txt -ign_eof < \/dev\/null$/);
      assert.equal(openssl.input, undefined);
      assert.ok(notes.some((n) => n.note === 'early-data-openssl' && n.requestFile === 'tlspg-request.txt'));
      assert.ok(notes.some((n) => n.note === 'early-data-curl'));
      const { output } = await sh(openssl.line, await mkdtemp(join(workDir, 'early-')));
      assert.match(output, /^Reused, TLSv1\.3/m);
      assert.match(output, /Early data was accepted/);
      assert.equal(count(output, /^HTTP\/1\.1 200 OK/m), 2);
    });
  });

  test('TLS 1.2 session ticket and session id (-no_ticket): “Reused, TLSv1.2”', async () => {
    for (const tls12Off of [[], ['session_ticket']] as RunOptions['tls12Off'][]) {
      await withResumedRun(['-tls1_2', '-www'], { versions: ['TLSv1.2'], tls12Off }, async (trace, place) => {
        const { openssl } = reproduceCommands(trace, place);
        assert.equal(openssl.argv.includes('-no_ticket'), tls12Off!.length > 0);
        const { output } = await sh(openssl.line, await mkdtemp(join(workDir, 'tls12-')));
        assert.match(output, /^New, TLSv1\.2, Cipher is /m);
        assert.match(output, /^Reused, TLSv1\.2, Cipher is /m);
        assert.equal(count(output, /^HTTP\/1\.[01] 200 ok/im), 2);
      });
    }
  });
});

describe('curl fetches the URL twice and resumes the second time', () => {
  test('TLS 1.3 and TLS 1.2: “SSL re-using session ID” for the second transfer', async () => {
    for (const [args, options] of [
      [['-tls1_3', '-www'], {}],
      [['-tls1_2', '-www'], { versions: ['TLSv1.2'] }],
    ] as [string[], Partial<RunOptions>][]) {
      await withResumedRun(args, options, async (trace, place) => {
        const { curl, notes } = reproduceCommands(trace, { ...place, connect: trace.options.connect });
        assert.deepEqual(curl.argv.slice(-2), [trace.options.url, trace.options.url]);
        assert.ok(notes.some((n) => n.note === 'resume-curl'));
        const { output } = await sh(curl.line, workDir);
        assert.equal(count(output, /SSL re-using session ID/), 1, output);
      });
    }
  });
});

describe('npm run cli -- URL --resume --early-data --reproduce DIR', () => {
  test('prints the three openssl steps and writes a script that recomputes both connections', async () => {
    const leaf = pki.leaves.p256;
    const server = await startOpensslServer(['-tls1_3', '-early_data', '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath]);
    const stop = answerRequests(server, () => false);
    const dir = join(workDir, 'cli');
    try {
      const url = `https://localhost:${server.port}/`;
      const args = ['--import', 'tsx', 'cli/main.ts', url, '--connect', `127.0.0.1:${server.port}`, '--ca', pki.root.certPath, '--resume', '--early-data', '--no-color', '--reproduce', dir];
      const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, args, { timeout: 60000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
      });
      assert.equal(result.code, 0, result.stderr + result.stdout);
      const opensslLines = result.stdout.split('\n').filter((l) => /^ {4}(printf|openssl s_client)/.test(l));
      assert.equal(opensslLines.length, 3, result.stdout);
      assert.match(opensslLines[2], /-sess_in tlspg-session\.pem -early_data tlspg-request\.txt -ign_eof < \/dev\/null$/);
      const script = /recompute the keys: node (\S+)/.exec(result.stdout)?.[1];
      assert.ok(script, result.stdout);
      const run = await sh(`${JSON.stringify(process.execPath)} ${script}`, workDir);
      assert.equal(run.code, 0, run.output);
      assert.match(run.output, /^Handshake 2 \(connection 2, resumes handshake 1's session\)/m);
      assert.match(run.output, /\[key log CLIENT_EARLY_TRAFFIC_SECRET: match\]/);
      assert.match(run.output, /^ALL MATCH: \d+ values match the page, 11 match the key log, 1 match the bytes sent\.$/m);
    } finally {
      stop();
      await server.close();
    }
  });
});

test('every resumption note reads in both languages', () => {
  const notes = reproduceCommands({ options: runOptions({ url: 'https://example.com/', resume: true, earlyData: true, pskModes: ['psk_ke'] }), steps: [] }).notes;
  const kinds = notes.map((n) => n.note);
  for (const kind of ['resume-openssl', 'resume-curl', 'early-data-openssl', 'early-data-curl', 'psk-ke-openssl']) assert.ok(kinds.includes(kind as never), kind);
  for (const note of notes) {
    assert.ok(describeNote(note, tEn).length > 20);
    assert.match(describeNote(note, tZh), /[\u4e00-\u9fff]/);
  }
});
