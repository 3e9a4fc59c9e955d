/**
 * Session resumption and 0-RTT against real servers on loopback: `openssl s_server -tls1_3
 * -early_data` (OpenSSL 3.0) and Node's TLS server. A run with `resume` makes two connections;
 * the second offers the ticket the first one kept, and its trace says what the server did with it.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { constants } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Trace } from '../../lib/trace/schema';
import { earlyDataOf, isHandshakeMessage, resumptionOf } from '../../lib/trace/steps';
import type { TestPki } from '../../server/pki';
import { sharedTestPki } from '../helpers/pki';
import { en } from '../../lib/i18n/messages/en';
import { zhCN } from '../../lib/i18n/messages/zh-CN';
import { translator } from '../../lib/i18n/translator';
import { explainField, fieldsOf } from '../../lib/view/fieldText';
import { keyAlgorithm } from '../../lib/view/keySchedule';
import { LOOPBACK, describeTrace, runAgainst, startNodeHttpsServer, answerRequests, startOpensslServer, type OpensslServer } from '../helpers/tlsServers';

let pki: TestPki;
let caFiles: string[];

before(async () => {
  pki = await sharedTestPki();
  caFiles = [pki.root.certPath];
});

async function opensslServer(extra: string[], version: '-tls1_3' | '-tls1_2' = '-tls1_3'): Promise<{ server: OpensslServer; stop: () => Promise<void> }> {
  const leaf = pki.leaves.p256;
  const server = await startOpensslServer([version, '-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', pki.intermediate.certPath, ...extra]);
  const stopAnswering = answerRequests(server);
  return {
    server,
    stop: async () => {
      stopAnswering();
      await server.close();
    },
  };
}

/** A TCP proxy that sends the first connection to one server and every later one to another (which never saw the session). */
async function splitProxy(firstPort: number, laterPort: number): Promise<{ port: number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const proxy = createServer((client: Socket) => {
    const upstream = connect({ host: LOOPBACK, port: connections++ === 0 ? firstPort : laterPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, LOOPBACK, resolve));
  return {
    port: (proxy.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        proxy.close(() => resolve());
      }),
  };
}

function resumptionEvents(trace: Trace) {
  return trace.steps.flatMap((s) => {
    const d = resumptionOf(s);
    return d ? [d.event] : [];
  });
}

function earlyDataEvents(trace: Trace) {
  return trace.steps.flatMap((s) => {
    const d = earlyDataOf(s);
    return d ? [d.event === 'rejected' ? `rejected:${d.reason}` : d.event] : [];
  });
}

/** Both connections succeeded; the first kept a ticket; the second resumed in `mode` with no certificate. */
function assertResumed(trace: Trace, mode: 'psk_dhe_ke' | 'psk_ke'): void {
  const why = `${describeTrace(trace.firstConnection!)}\n---\n${describeTrace(trace)}`;
  assert.equal(trace.firstConnection?.outcome, 'ok', why);
  assert.ok(resumptionEvents(trace.firstConnection!).includes('kept'), why);
  assert.equal(trace.outcome, 'ok', why);
  assert.equal(trace.http?.status, 200, why);
  assert.deepEqual(trace.resumption, { offered: true, accepted: true, mode, ...(trace.resumption?.earlyData ? { earlyData: trace.resumption.earlyData } : {}) }, why);
  assert.deepEqual(resumptionEvents(trace).slice(0, 2), ['offered', 'accepted'], why);
  // RFC 8446 §2.2: the PSK authenticates the server; no certificate is sent.
  assert.ok(!trace.steps.some((s) => isHandshakeMessage(s, 'certificate', 'server')), why);
  assert.ok(!trace.steps.some((s) => isHandshakeMessage(s, 'certificate_verify', 'server')), why);
  const labels = trace.steps.flatMap((s) => (s.kind === 'key' ? [s.data.label] : []));
  for (const label of ['resumption_master_secret', 'PSK', 'early_secret', 'binder_key', 'binder']) assert.ok(labels.includes(label), `${label} in ${labels.join(', ')}`);
  assert.equal(labels.includes('(EC)DHE shared secret'), mode === 'psk_dhe_ke', why);
  // How the PSK and the binder were derived reads in the panel's language.
  const algorithmOf = (label: string) => trace.steps.flatMap((s) => (s.kind === 'key' && s.data.label === label ? [s.data.algorithm ?? ''] : []))[0];
  const [earlier, truncated] = [algorithmOf('resumption_master_secret'), algorithmOf('transcript_hash(truncated ClientHello)')];
  assert.equal(keyAlgorithm(earlier, translator('zh-CN', zhCN)), '之前那次连接的 Derive-Secret(master_secret, "res master", ClientHello..client Finished)', why);
  assert.match(keyAlgorithm(truncated, translator('zh-CN', zhCN)), /^对 ClientHello（截至 binders 之前）计算的 SHA(?:256|384)$/, why);
  for (const algorithm of [earlier, truncated]) assert.equal(keyAlgorithm(algorithm, translator('en', en)), algorithm, why);
  // The ClientHello's last extension is pre_shared_key (RFC 8446 §4.2.11).
  const hello = trace.steps.find((s) => isHandshakeMessage(s, 'client_hello', 'client'))!;
  const extensions = hello.bytes!.field!.children!.find((f) => f.name === 'extensions')!.children!;
  assert.equal(extensions.at(-1)!.name, 'pre_shared_key');
  // Every field of it is explained, in both languages.
  const pskAncestors = [hello.bytes!.field!, hello.bytes!.field!.children!.find((f) => f.name === 'extensions')!];
  for (const [field, ancestors] of fieldsOf(extensions.at(-1)!, pskAncestors)) {
    if (field.name === 'length' || field.name === 'extension_type' || field.name === 'extension_data') continue;
    for (const t of [translator('en', en), translator('zh-CN', zhCN)]) {
      assert.ok(explainField(field, ancestors, { step: hello, trace, hex: hello.bytes!.hex }, t)?.text, `${field.name} is explained`);
    }
  }
}

describe('TLS 1.3 resumption against openssl s_server', () => {
  test('psk_dhe_ke: the second connection resumes with a fresh (EC)DHE exchange', async () => {
    const { server, stop } = await opensslServer([]);
    try {
      assertResumed(await runAgainst(server.port, { resume: true, setup: { caFiles } }), 'psk_dhe_ke');
    } finally {
      await stop();
    }
  });

  test('psk_ke: with only psk_ke offered (and -allow_no_dhe_kex), the keys come from the PSK alone', async () => {
    const { server, stop } = await opensslServer(['-allow_no_dhe_kex']);
    try {
      assertResumed(await runAgainst(server.port, { resume: true, pskModes: ['psk_ke'], setup: { caFiles } }), 'psk_ke');
    } finally {
      await stop();
    }
  });

  test('0-RTT accepted: the request goes out as early data and is answered; EndOfEarlyData ends it', async () => {
    const { server, stop } = await opensslServer(['-early_data']);
    try {
      const trace = await runAgainst(server.port, { resume: true, earlyData: true, setup: { caFiles } });
      const why = describeTrace(trace);
      assertResumed(trace, 'psk_dhe_ke');
      assert.equal(trace.resumption?.earlyData, 'accepted', why);
      assert.deepEqual(earlyDataEvents(trace), ['sent', 'accepted'], why);
      assert.ok(trace.steps.some((s) => isHandshakeMessage(s, 'end_of_early_data', 'client')), why);
      assert.ok(trace.steps.some((s) => s.kind === 'key' && s.data.label === 'client_early_traffic_secret'), why);
      // One request only, sent before the ServerHello arrived.
      const requests = trace.steps.filter((s) => s.kind === 'http' && s.data.message === 'request');
      assert.equal(requests.length, 1, why);
      const serverHelloAt = trace.steps.findIndex((s) => isHandshakeMessage(s, 'server_hello', 'server'));
      assert.ok(trace.steps.indexOf(requests[0]) < serverHelloAt, why);
      await server.waitFor(/Early data received/);
    } finally {
      await stop();
    }
  });

  test('0-RTT declined while the ticket is taken: tickets allow early data (-max_early_data) but the server never reads it; the request is sent again', async () => {
    // Without -early_data s_server does not call SSL_read_early_data, so OpenSSL resumes the
    // session and skips the 0-RTT records (RFC 8446 §4.2.10: no early_data in EncryptedExtensions).
    const { server, stop } = await opensslServer(['-max_early_data', '16384']);
    try {
      const trace = await runAgainst(server.port, { resume: true, earlyData: true, setup: { caFiles } });
      const why = describeTrace(trace);
      assertResumed(trace, 'psk_dhe_ke');
      assert.equal(trace.resumption?.earlyData, 'rejected', why);
      assert.deepEqual(earlyDataEvents(trace), ['sent', 'rejected:server'], why);
      assert.ok(!trace.steps.some((s) => isHandshakeMessage(s, 'end_of_early_data', 'client')), why);
      const requests = trace.steps.flatMap((s) => (s.kind === 'http' && s.data.message === 'request' ? [s.data] : []));
      assert.deepEqual(requests.map((r) => [Boolean(r.earlyData), Boolean(r.afterEarlyDataRejected)]), [[true, false], [false, true]], why);
      assert.ok(!/Early data received/.test(server.output()), why);
    } finally {
      await stop();
    }
  });

  test('0-RTT rejected by a HelloRetryRequest: the ticket is offered again with a new binder, the request is sent again after the handshake', async () => {
    // The server wants secp384r1; the client's first key shares are for ML-KEM and x25519. With
    // anti-replay on, OpenSSL spends a ticket on the first ClientHello and would not resume after the retry.
    const { server, stop } = await opensslServer(['-early_data', '-no_anti_replay', '-groups', 'secp384r1']);
    try {
      const trace = await runAgainst(server.port, { resume: true, earlyData: true, setup: { caFiles } });
      const why = describeTrace(trace);
      assert.equal(trace.outcome, 'ok', why);
      assert.deepEqual(earlyDataEvents(trace), ['sent', 'rejected:hello-retry'], why);
      assert.deepEqual(trace.resumption, { offered: true, accepted: true, mode: 'psk_dhe_ke', earlyData: 'rejected' }, why);
      const offers = trace.steps.flatMap((s) => (resumptionOf(s)?.event === 'offered' ? [resumptionOf(s)] : []));
      assert.equal(offers.length, 2, why);
      assert.equal(offers[1] && 'afterHelloRetry' in offers[1] && offers[1].afterHelloRetry, true, why);
      const requests = trace.steps.filter((s) => s.kind === 'http' && s.data.message === 'request');
      assert.deepEqual(requests.map((s) => s.kind === 'http' && s.data.message === 'request' && Boolean(s.data.afterEarlyDataRejected)), [false, true], why);
      assert.ok(!trace.steps.some((s) => isHandshakeMessage(s, 'end_of_early_data', 'client')), why);
    } finally {
      await stop();
    }
  });

  test('0-RTT rejected with the ticket: a server that cannot decrypt the ticket does a full handshake', async () => {
    // Two s_server processes with their own ticket keys; a proxy sends the first connection to one, the second to the other.
    const first = await opensslServer(['-early_data']);
    const second = await opensslServer(['-early_data']);
    const proxy = await splitProxy(first.server.port, second.server.port);
    try {
      const trace = await runAgainst(proxy.port, { resume: true, earlyData: true, setup: { caFiles } });
      const why = describeTrace(trace);
      assert.equal(trace.outcome, 'ok', why);
      assert.deepEqual(trace.resumption, { offered: true, accepted: false, mode: 'psk_dhe_ke', earlyData: 'rejected' }, why);
      assert.deepEqual(resumptionEvents(trace).slice(0, 2), ['offered', 'refused'], why);
      assert.deepEqual(earlyDataEvents(trace), ['sent', 'rejected:psk-refused'], why);
      // The full handshake: the certificate is back, and the schedule starts again without a PSK.
      assert.ok(trace.steps.some((s) => isHandshakeMessage(s, 'certificate', 'server')), why);
      assert.equal(trace.steps.filter((s) => s.kind === 'key' && s.data.label === 'early_secret').length, 2, why);
    } finally {
      await proxy.close();
      await first.stop();
      await second.stop();
    }
  });
});

test('a server that issues no tickets (s_server -num_tickets 0): the second connection says so and does a full handshake', async () => {
  const { server, stop } = await opensslServer(['-num_tickets', '0']);
  try {
    const trace = await runAgainst(server.port, { resume: true, setup: { caFiles } });
    const why = describeTrace(trace);
    assert.equal(trace.outcome, 'ok', why);
    assert.deepEqual(trace.resumption, { offered: false, accepted: false }, why);
    assert.deepEqual(trace.steps.map(resumptionOf).find(Boolean), { event: 'not-offered', version: 'TLSv1.3', reason: 'no-session' });
  } finally {
    await stop();
  }
});

describe('TLS 1.3 resumption against Node\u2019s TLS server', () => {
  const options = async () => ({
    key: await readFile(pki.leaves.p256.keyPath),
    cert: (await readFile(pki.leaves.p256.certPath, 'utf8')) + (await readFile(pki.intermediate.certPath, 'utf8')),
    minVersion: 'TLSv1.3' as const,
  });

  test('psk_dhe_ke', async () => {
    const server = await startNodeHttpsServer(await options());
    try {
      assertResumed(await runAgainst(server.port, { resume: true, setup: { caFiles } }), 'psk_dhe_ke');
    } finally {
      await server.close();
    }
  });

  test('psk_ke (SSL_OP_ALLOW_NO_DHE_KEX)', async () => {
    const server = await startNodeHttpsServer({ ...(await options()), secureOptions: constants.SSL_OP_ALLOW_NO_DHE_KEX });
    try {
      assertResumed(await runAgainst(server.port, { resume: true, pskModes: ['psk_ke'], setup: { caFiles } }), 'psk_ke');
    } finally {
      await server.close();
    }
  });

  test('a server that does not take its tickets back (SSL_OP_NO_TICKET, no session cache): refused, full handshake', async () => {
    const server = await startNodeHttpsServer({ ...(await options()), secureOptions: constants.SSL_OP_NO_TICKET });
    try {
      const trace = await runAgainst(server.port, { resume: true, setup: { caFiles } });
      const why = describeTrace(trace);
      assert.equal(trace.outcome, 'ok', why);
      assert.deepEqual(trace.resumption, { offered: true, accepted: false, mode: 'psk_dhe_ke' }, why);
      assert.deepEqual(resumptionEvents(trace).slice(0, 2), ['offered', 'refused'], why);
      assert.ok(trace.steps.some((s) => isHandshakeMessage(s, 'certificate', 'server')), why);
    } finally {
      await server.close();
    }
  });
});


describe('TLS 1.2 resumption against openssl s_server -tls1_2', () => {
  /** Both connections succeeded; the second was an abbreviated handshake in `mode`. */
  function assertAbbreviated(trace: Trace, mode: 'session-ticket' | 'session-id'): void {
    const why = `${describeTrace(trace.firstConnection!)}\n---\n${describeTrace(trace)}`;
    assert.equal(trace.firstConnection?.outcome, 'ok', why);
    const kept = trace.firstConnection!.steps.map(resumptionOf).filter(Boolean);
    assert.deepEqual(kept.map((d) => d && d.event === 'kept' && d.mode), [mode === 'session-ticket' ? 'ticket' : 'session-id'], why);
    assert.equal(trace.outcome, 'ok', why);
    assert.equal(trace.version, 'TLSv1.2', why);
    assert.equal(trace.http?.status, 200, why);
    assert.deepEqual(trace.resumption, { offered: true, accepted: true, mode }, why);
    assert.deepEqual(resumptionEvents(trace), ['offered', 'accepted'], why);
    // RFC 5246 §7.3: no Certificate, no key exchange; the server's Finished comes before the client's.
    for (const message of ['certificate', 'server_key_exchange', 'server_hello_done']) assert.ok(!trace.steps.some((s) => isHandshakeMessage(s, message, 'server')), `${message}\n${why}`);
    assert.ok(!trace.steps.some((s) => isHandshakeMessage(s, 'client_key_exchange', 'client')), why);
    const serverFinished = trace.steps.findIndex((s) => isHandshakeMessage(s, 'finished', 'server'));
    const clientFinished = trace.steps.findIndex((s) => isHandshakeMessage(s, 'finished', 'client'));
    assert.ok(serverFinished > 0 && serverFinished < clientFinished, why);
    // The full handshake's master secret, kept, gives the new key block.
    const master = (t: Trace) => t.steps.flatMap((s) => (s.kind === 'key' && s.data.label === 'master_secret' ? [s.data.value] : []));
    assert.deepEqual(master(trace), master(trace.firstConnection!), why);
    assert.equal(master(trace).length, 1, why);
    // Where it comes from reads in the panel's language (the engine's words are a key to the catalog).
    const keptKey = trace.steps.find((s) => s.kind === 'key' && s.data.label === 'master_secret');
    const from = keptKey?.kind === 'key' ? (keptKey.data.algorithm ?? '') : '';
    assert.equal(keyAlgorithm(from, translator('en', en)), 'kept from the earlier connection (RFC 5246 §7.3)', why);
    assert.match(keyAlgorithm(from, translator('zh-CN', zhCN)), /\p{Script=Han}.*RFC 5246 §7\.3/u, why);
    // The keys are right: a key-log line per connection, and both connections carried HTTP.
    assert.equal(trace.keyLog.length, 1, why);
  }

  test('session ticket (RFC 5077): the ticket goes back in session_ticket, the server echoes the session id', async () => {
    const { server, stop } = await opensslServer(['-www'], '-tls1_2');
    try {
      assertAbbreviated(await runAgainst(server.port, { resume: true, versions: ['TLSv1.2'], setup: { caFiles } }), 'session-ticket');
    } finally {
      await stop();
    }
  });

  test('session id (RFC 5246 §7.4.1.2): without session_ticket the server caches the session under its id', async () => {
    const { server, stop } = await opensslServer(['-www'], '-tls1_2');
    try {
      assertAbbreviated(await runAgainst(server.port, { resume: true, versions: ['TLSv1.2'], tls12Off: ['session_ticket'], setup: { caFiles } }), 'session-id');
    } finally {
      await stop();
    }
  });

  test('a server that does not know the session id: refused, and the full handshake that follows is a good one', async () => {
    const first = await opensslServer(['-www'], '-tls1_2');
    const second = await opensslServer(['-www'], '-tls1_2');
    const proxy = await splitProxy(first.server.port, second.server.port);
    try {
      const trace = await runAgainst(proxy.port, { resume: true, versions: ['TLSv1.2'], tls12Off: ['session_ticket'], setup: { caFiles } });
      const why = describeTrace(trace);
      assert.equal(trace.outcome, 'ok', why);
      assert.deepEqual(trace.resumption, { offered: true, accepted: false, mode: 'session-id' }, why);
      assert.deepEqual(resumptionEvents(trace), ['offered', 'refused'], why);
      assert.ok(trace.steps.some((s) => isHandshakeMessage(s, 'certificate', 'server')), why);
      assert.ok(trace.steps.some((s) => isHandshakeMessage(s, 'client_key_exchange', 'client')), why);
    } finally {
      await proxy.close();
      await first.stop();
      await second.stop();
    }
  });

  test('a server without cache or tickets gives nothing to resume with: not offered, full handshake', async () => {
    const { server, stop } = await opensslServer(['-www', '-no_cache', '-no_ticket'], '-tls1_2');
    try {
      const trace = await runAgainst(server.port, { resume: true, versions: ['TLSv1.2'], setup: { caFiles } });
      const why = describeTrace(trace);
      assert.equal(trace.outcome, 'ok', why);
      // With no cache and no tickets, s_server gives no session id: nothing to offer.
      assert.deepEqual(trace.resumption, { offered: false, accepted: false }, why);
      assert.ok(trace.steps.some((s) => isHandshakeMessage(s, 'certificate', 'server')), why);
    } finally {
      await stop();
    }
  });
});
