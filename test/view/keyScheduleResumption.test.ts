/**
 * The key schedule script of a resumed run, run with `node` on real runs against `openssl s_server` on
 * loopback: it recomputes the first connection, carries its resumption_master_secret into the second
 * (ticket_nonce → PSK → early secret → binder, checked against the binder the ClientHello sent →
 * 0-RTT secret → handshake and master secrets) for TLS 1.3, and its master secret into the abbreviated
 * handshake for TLS 1.2, and checks every value against the page, against our key log and against the
 * key log OpenSSL itself wrote for the same connections. A value that does not follow fails it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { keyLogText } from '../../lib/export/keylog';
import type { RunOptions, Trace } from '../../lib/trace/schema';
import { keyScheduleInputs, keyScheduleScript, scriptFileName, type ScriptInputs } from '../../lib/view/reproduce/keyScheduleScript';
import type { TestPki } from '../../server/pki';
import { sharedTestPki } from '../helpers/pki';
import { describeTrace, runAgainst, answerRequests, startOpensslServer } from '../helpers/tlsServers';

let pki: TestPki;
let workDir: string;

before(async () => {
  pki = await sharedTestPki();
  workDir = await mkdtemp(join(tmpdir(), 'tlspg-keys-resume-'));
});

after(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** A resumed run against a fresh `openssl s_server` with `args`; the trace and the key log OpenSSL wrote. */
async function resumedRun(args: string[], options: Partial<RunOptions>): Promise<{ trace: Trace; serverKeyLog: string }> {
  const leaf = pki.leaves.p256;
  const www = args.includes('-www');
  const server = await startOpensslServer(['-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath, ...args], { keyLog: true });
  const stop = www ? () => undefined : answerRequests(server);
  try {
    const trace = await runAgainst(server.port, { ...options, resume: true, setup: { caFiles: [pki.root.certPath] } });
    assert.equal(trace.outcome, 'ok', describeTrace(trace));
    assert.equal(trace.firstConnection?.outcome, 'ok');
    return { trace, serverKeyLog: await server.keyLog() };
  } finally {
    stop();
    await server.close();
  }
}

/** Saves the script and our key log as the page and the CLI do, runs it with node (optionally on another key log). */
async function runScript(trace: Trace, name: string, options: { edit?: (inputs: ScriptInputs) => void; keyLog?: string } = {}) {
  const dir = join(workDir, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir);
  const keyLogFile = `${name}.keylog.txt`;
  await writeFile(join(dir, keyLogFile), keyLogText(trace));
  const inputs = keyScheduleInputs(trace, keyLogFile);
  assert.ok(inputs);
  options.edit?.(inputs);
  const script = join(dir, scriptFileName(keyLogFile));
  await writeFile(script, keyScheduleScript(inputs));
  const args = [script];
  if (options.keyLog !== undefined) {
    await writeFile(join(dir, 'openssl.keylog.txt'), options.keyLog);
    args.push(join(dir, 'openssl.keylog.txt'));
  }
  return new Promise<{ code: number; output: string }>((resolve) => {
    execFile(process.execPath, args, { timeout: 20000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr }));
  });
}

/** Every derived value of both connections printed as matching the page; the script's verdict "ALL MATCH". */
function assertAllMatch(trace: Trace, output: string, code: number) {
  assert.equal(code, 0, output);
  for (const connection of [trace.firstConnection!, trace]) {
    const derived = connection.steps.filter((s) => s.kind === 'key' && s.data.inputs.length > 0);
    // An abbreviated TLS 1.2 handshake derives the fewest: its key block and four keys.
    assert.ok(derived.length >= 5);
    for (const step of derived) {
      if (step.kind !== 'key') continue;
      assert.ok(output.includes(`    ${step.data.value}  [page: match`), `${step.data.label} = ${step.data.value} recomputed and matched\n${output}`);
    }
  }
  assert.doesNotMatch(output, /DIFFERS|NOT RECOMPUTED|FAILED/);
  assert.match(output, /^ALL MATCH: /m);
}

const keyValue = (trace: Trace, label: string) => trace.steps.flatMap((s) => (s.kind === 'key' && s.data.label === label ? [s.data.value] : []));

describe('TLS 1.3 resumption: the script carries the first connection’s secret into the second', () => {
  test('psk_dhe_ke: resumption_master_secret → PSK → early secret → binder (as sent) → handshake and master secrets; OpenSSL’s key log agrees', async () => {
    const { trace, serverKeyLog } = await resumedRun(['-tls1_3'], {});
    assert.deepEqual(trace.resumption, { offered: true, accepted: true, mode: 'psk_dhe_ke' });
    const { code, output } = await runScript(trace, 'psk-dhe-ke');
    assertAllMatch(trace, output, code);
    assert.match(output, /^Handshake 2 \(connection 2, resumes handshake 1's session\): TLS_AES_/m);
    const [resumptionMaster] = keyValue(trace.firstConnection!, 'resumption_master_secret');
    // Derived in connection 1, then used (and matched) in connection 2.
    assert.equal(output.split(`    ${resumptionMaster}  [page: match]`).length - 1, 2);
    assert.match(output, /PSK {2}= HKDF-Expand-Label\(resumption_master_secret, "resumption", ticket_nonce, Hash\.length\)/);
    assert.match(output, /early_secret {2}= HKDF-Extract\(0, PSK\)\n {4}[0-9a-f]{64} {2}\[page: match\]/);
    assert.match(output, new RegExp(`binder {2}= .*\\n {4}${keyValue(trace, 'binder')[0]} {2}\\[page: match\\] \\[sent in the ClientHello: match\\]`));
    assert.match(output, /, 10 match the key log, 1 match the bytes sent\.$/m);
    // The same script against the key log OpenSSL wrote: the server derived the same secrets.
    const withOpenssl = await runScript(trace, 'psk-dhe-ke-openssl', { keyLog: serverKeyLog });
    assert.equal(withOpenssl.code, 0, withOpenssl.output);
    assert.match(withOpenssl.output, /, 10 match the key log, /);
  });

  test('psk_ke (s_server -allow_no_dhe_kex): no (EC)DHE, the handshake secret from the PSK and zeros', async () => {
    const { trace } = await resumedRun(['-tls1_3', '-allow_no_dhe_kex'], { pskModes: ['psk_ke'] });
    assert.deepEqual(trace.resumption, { offered: true, accepted: true, mode: 'psk_ke' });
    const { code, output } = await runScript(trace, 'psk-ke');
    assertAllMatch(trace, output, code);
    assert.match(output, /psk_ke: no \(EC\)DHE shared secret, the IKM is 32 zero bytes/);
    assert.match(output, /handshake_secret {2}= HKDF-Extract\(derived, 0\)/);
  });

  test('psk_ke refused (s_server without -allow_no_dhe_kex): the binder still checks, then a full handshake from no PSK', async () => {
    const { trace } = await resumedRun(['-tls1_3'], { pskModes: ['psk_ke'] });
    assert.equal(trace.resumption?.accepted, false);
    const { code, output } = await runScript(trace, 'psk-refused');
    assertAllMatch(trace, output, code);
    assert.match(output, /resumes handshake 1's session, refused by the server\)/);
    assert.equal(keyValue(trace, 'early_secret').length, 2);
    for (const early of keyValue(trace, 'early_secret')) assert.ok(output.includes(`    ${early}  [page: match]`));
  });

  test('0-RTT accepted (s_server -early_data): client_early_traffic_secret over the whole ClientHello, as OpenSSL logged it', async () => {
    const { trace, serverKeyLog } = await resumedRun(['-tls1_3', '-early_data'], { earlyData: true });
    assert.equal(trace.resumption?.earlyData, 'accepted');
    const { code, output } = await runScript(trace, 'early-data');
    assertAllMatch(trace, output, code);
    assert.match(output, /client_early_traffic_secret {2}= Derive-Secret\(early_secret, "c e traffic", ClientHello\)\n {4}[0-9a-f]{64} {2}\[page: match\] \[key log CLIENT_EARLY_TRAFFIC_SECRET: match\]/);
    assert.match(output, /client_early_traffic_secret key {2}= /);
    const withOpenssl = await runScript(trace, 'early-data-openssl', { keyLog: serverKeyLog });
    assert.equal(withOpenssl.code, 0, withOpenssl.output);
    assert.match(withOpenssl.output, /\[key log CLIENT_EARLY_TRAFFIC_SECRET: match\]/);
  });

  test('0-RTT after a HelloRetryRequest: two binders, the second over message_hash(ClientHello1) + HRR + ClientHello2', async () => {
    const { trace } = await resumedRun(['-tls1_3', '-early_data', '-no_anti_replay', '-groups', 'secp384r1'], { earlyData: true });
    assert.equal(trace.resumption?.earlyData, 'rejected');
    const { code, output } = await runScript(trace, 'hello-retry');
    assertAllMatch(trace, output, code);
    const binders = keyValue(trace, 'binder');
    assert.equal(binders.length, 2);
    assert.notEqual(binders[0], binders[1]);
    assert.match(output, /Hash\(message_hash\(ClientHello1\) \+ HelloRetryRequest \+ ClientHello up to its binders\) \(ClientHello 2\)/);
    assert.match(output, /, 2 match the bytes sent\.$/m);
  });
});

describe('TLS 1.2 abbreviated handshakes: the master secret comes from the first connection, the key block from the new randoms', () => {
  const cases: [string, Partial<RunOptions>][] = [
    ['session ticket (RFC 5077)', {}],
    ['session id (RFC 5246 §7.3)', { tls12Off: ['session_ticket'] }],
  ];
  for (const [name, options] of cases) {
    test(name, async () => {
      const { trace, serverKeyLog } = await resumedRun(['-tls1_2', '-www'], { versions: ['TLSv1.2'], ...options });
      assert.equal(trace.resumption?.accepted, true);
      const { code, output } = await runScript(trace, name.split(' ')[1]);
      assertAllMatch(trace, output, code);
      assert.match(output, /^Handshake 2 \(connection 2, resumes handshake 1's session\)/m);
      assert.match(output, /master_secret {2}= handshake 1's, recomputed above \(the session resumed\)\n {4}[0-9a-f]{96} {2}\[page: match\] \[key log CLIENT_RANDOM: match\]/);
      // Two key blocks from one master secret: the randoms differ.
      assert.equal(new Set([...keyValue(trace.firstConnection!, 'key_block'), ...keyValue(trace, 'key_block')]).size, 2);
      const withOpenssl = await runScript(trace, `${name.split(' ')[1]}-openssl`, { keyLog: serverKeyLog });
      assert.equal(withOpenssl.code, 0, withOpenssl.output);
      assert.match(withOpenssl.output, /, 2 match the key log\.$/m);
    });
  }
});

describe('a value that does not follow fails the script, loudly', () => {
  test('TLS 1.3: a wrong ticket_nonce makes the PSK, the early secret and the binder differ from the page and from the ClientHello', async () => {
    const { trace } = await resumedRun(['-tls1_3'], {});
    const { code, output } = await runScript(trace, 'wrong-nonce', {
      edit: (inputs) => {
        const psk = inputs.handshakes[1].psk!;
        psk.ticketNonce = psk.ticketNonce.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
      },
    });
    assert.equal(code, 1);
    for (const label of ['ticket_nonce', 'PSK', 'early_secret', 'binder_key', 'binder']) assert.match(output, new RegExp(`\\n  ${label} {2}= .*\\n {4}[0-9a-f]+ {2}\\[page: DIFFERS, the page shows [0-9a-f]+`), label);
    assert.match(output, /\[sent in the ClientHello: DIFFERS, it has [0-9a-f]{64}\]/);
    assert.match(output, /^MISMATCH: .* differ\.$/m);
  });

  test('TLS 1.2: a wrong pre-master secret in the first connection carries into the resumed one', async () => {
    const { trace } = await resumedRun(['-tls1_2', '-www'], { versions: ['TLSv1.2'] });
    const { code, output } = await runScript(trace, 'wrong-pre-master', {
      edit: (inputs) => {
        const entry = inputs.handshakes[0].shown.find(([label]) => label === 'pre_master_secret')!;
        entry[1] = entry[1].replace(/^./, (c) => (c === '0' ? '1' : '0'));
      },
    });
    assert.equal(code, 1);
    const second = output.slice(output.indexOf('Handshake 2'));
    assert.match(second, /master_secret {2}= .*\n {4}[0-9a-f]{96} {2}\[page: DIFFERS, the page shows [0-9a-f]{96}\] \[key log CLIENT_RANDOM: DIFFERS/);
    assert.match(output, /^MISMATCH: /m);
  });
});
