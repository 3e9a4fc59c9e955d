import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildDiagram, classifyTcp, rowLabel } from '../../lib/view/diagram';
import type { Step, TransportData } from '../../lib/trace/schema';
import { translator } from '../../lib/i18n/translator';
import { zhCN } from '../../lib/i18n/messages/zh-CN';
import { iisRustlsTrace, relayRefusalTrace, tls13OkTrace } from './fixtures/traces';

function tcpStep(data: TransportData, direction: Step['direction'] = 'local'): Step {
  return { seq: 0, timeMs: 0, direction, layer: 'tcp', kind: 'transport', data };
}

describe('diagram rows', () => {
  it('has one row per step, in order, with the time since the previous step', () => {
    const trace = tls13OkTrace();
    const { rows, totalMs } = buildDiagram(trace.steps);
    assert.equal(rows.length, trace.steps.length);
    assert.deepEqual(rows.map((r) => r.seq), trace.steps.map((s) => s.seq));
    assert.equal(rows[0].deltaMs, 0);
    for (let i = 1; i < rows.length; i++) {
      assert.ok(Math.abs(rows[i].deltaMs - (trace.steps[i].timeMs - trace.steps[i - 1].timeMs)) < 1e-9);
    }
    assert.equal(totalMs, trace.steps[trace.steps.length - 1].timeMs);
  });

  it('never changes a row once drawn: the rows of a prefix are a prefix of the rows', () => {
    const steps = iisRustlsTrace().steps;
    const full = buildDiagram(steps).rows;
    for (let n = 0; n <= steps.length; n++) {
      assert.deepEqual(buildDiagram(steps.slice(0, n)).rows, full.slice(0, n), `prefix of ${n} steps`);
    }
  });

  it('groups handshake messages under the record that carried them, plaintext or decrypted', () => {
    const { rows } = buildDiagram(iisRustlsTrace().steps);
    const serverFlight = rows.filter((r) => ['ServerHello', 'Certificate', 'ServerKeyExchange', 'ServerHelloDone'].includes(r.title));
    assert.equal(serverFlight.length, 4);
    const record = rows.find((r) => r.seq === serverFlight[0].parentSeq)!;
    assert.equal(record.layer, 'record');
    assert.equal(record.direction, 'server->client');
    assert.ok(serverFlight.every((r) => r.parentSeq === record.seq), 'one record carried the whole flight');

    const helloRequest = rows.find((r) => r.title === 'HelloRequest')!;
    const carrier = rows.find((r) => r.seq === helloRequest.parentSeq)!;
    assert.equal(carrier.title, 'Record: handshake (encrypted), 4 bytes');
    assert.equal(carrier.encrypted, true, 'the HelloRequest came inside a protected record');
    assert.equal(rows.find((r) => r.title === 'ClientHello')!.parentSeq, 1);
  });

  it('ties a sent message to the record reported after it, without touching the message row', () => {
    const message: Step = { seq: 0, timeMs: 1, direction: 'client->server', layer: 'alert', kind: 'alert', data: { from: 'client', level: 'warning', description: 'no_renegotiation', fatal: false }, bytes: { hex: '0164' } };
    const record: Step = { seq: 1, timeMs: 1, direction: 'client->server', layer: 'record', kind: 'record', data: { contentType: 'alert', outerContentType: 23, protectedBy: 'keys', encrypted: true, contentLength: 2 }, bytes: { hex: '1703030002' + 'e1f2' }, plaintext: { hex: '0164' } };
    const unrelated: Step = { seq: 2, timeMs: 2, direction: 'client->server', layer: 'record', kind: 'record', data: { contentType: 'application_data', outerContentType: 23, protectedBy: null, encrypted: false, contentLength: 2 }, bytes: { hex: '17030300020000' } };
    const before = buildDiagram([message]).rows[0];
    const { rows } = buildDiagram([message, record, unrelated]);
    assert.deepEqual(rows[0], before);
    assert.equal(rows[0].compact, false);
    assert.deepEqual(rows[1].carries, [0]);
    assert.equal(rows[1].compact, true);
    assert.equal(rows[1].encrypted, true);
    assert.equal(rows[2].carries, undefined, 'a message is carried once');
  });

  it('matches carried bytes only at byte boundaries', () => {
    const record: Step = { seq: 0, timeMs: 0, direction: 'server->client', layer: 'record', kind: 'record', data: { contentType: 'handshake', outerContentType: 22, protectedBy: null, encrypted: false, contentLength: 3 }, bytes: { hex: '0abc0d' } };
    const message: Step = { seq: 1, timeMs: 0, direction: 'server->client', layer: 'handshake', kind: 'handshake', data: { message: 'finished', from: 'server' }, bytes: { hex: 'bc0d' } };
    const shifted: Step = { seq: 2, timeMs: 0, direction: 'server->client', layer: 'handshake', kind: 'handshake', data: { message: 'finished', from: 'server' }, bytes: { hex: 'abc0' } };
    const { rows } = buildDiagram([record, message, shifted]);
    assert.equal(rows[1].parentSeq, 0);
    assert.equal(rows[2].parentSeq, undefined);
  });

  it('draws the IIS failure: HelloRequest, a warning no_renegotiation from the client, then a reset by the server', () => {
    const { rows } = buildDiagram(iisRustlsTrace().steps);
    const tail = rows.slice(-6).filter((r) => r.layer !== 'record' && r.kind !== 'note');
    assert.deepEqual(
      tail.map((r) => [r.title, r.kind, r.side]),
      [
        ['HelloRequest', 'message', 'server'],
        ['Alert: no_renegotiation (warning)', 'message', 'client'],
        ['Connection reset by peer (RST)', 'tcp', 'server'],
      ],
    );
    assert.equal(tail[1].alertLevel, 'warning');
    assert.equal(tail[1].tone, 'warning');
    assert.equal(tail[2].tcp, 'reset');
    assert.equal(tail[2].tone, 'bad');
  });

  it('shows key derivations and certificate checks as notes on the client side, not arrows', () => {
    const { rows, counts } = buildDiagram(tls13OkTrace().steps);
    const notes = rows.filter((r) => r.kind === 'note');
    assert.ok(notes.length >= 9);
    assert.ok(notes.every((r) => r.side === 'client' && (r.layer === 'key' || r.layer === 'certificate')));
    assert.equal(rows.find((r) => r.layer === 'certificate')!.tone, 'good');
    assert.equal(counts.notes, notes.length);
  });

  it('names resumption and 0-RTT notes as such, marked by what the server did with them', () => {
    const note = (seq: number, step: Pick<Step, 'kind' | 'data'>): Step => ({ seq, timeMs: seq, direction: 'local', layer: 'handshake', ...step }) as Step;
    const steps: Step[] = [
      note(1, { kind: 'resumption', data: { event: 'offered', version: 'TLSv1.3', modes: ['psk_dhe_ke'], ticketAgeMs: 12, obfuscatedTicketAge: 5, ticketLifetimeSeconds: 7200, cipherSuite: 'TLS_AES_128_GCM_SHA256', earlyData: true, identityLength: 192, binder: 'ab'.repeat(32) } }),
      note(2, { kind: 'early-data', data: { event: 'sent', length: 40, maxEarlyDataSize: 16384 } }),
      note(3, { kind: 'resumption', data: { event: 'accepted', version: 'TLSv1.3', mode: 'psk_dhe_ke', selectedIdentity: 0 } }),
      note(4, { kind: 'early-data', data: { event: 'rejected', reason: 'server' } }),
      note(5, { kind: 'resumption', data: { event: 'refused', version: 'TLSv1.2', mode: 'session-id' } }),
    ];
    const rows = buildDiagram(steps).rows;
    assert.deepEqual(rows.map((r) => [r.topic, r.tone, r.glyph]), [
      ['resumption', 'neutral', 'note'],
      ['early-data', 'neutral', 'note'],
      ['resumption', 'good', 'check'],
      ['early-data', 'warning', 'warning'],
      ['resumption', 'warning', 'warning'],
    ]);
    assert.match(rowLabel(rows[2]), /^Session resumption: Server resumed the session \(psk_dhe_ke, selected_identity 0\), at /);
    assert.match(rowLabel(rows[3]), /^0-RTT early data: 0-RTT early data rejected, at /);
    assert.match(rowLabel(rows[4]), /^Session resumption: Server did not resume: full handshake, at /);
    // The same row read in Chinese names its topic in Chinese.
    assert.match(rowLabel(rows[2], translator('zh-CN', zhCN)), /^会话恢复：.*，于 /);
  });

  it('counts wire bytes once per record, not again for the messages inside', () => {
    const trace = tls13OkTrace();
    const { counts } = buildDiagram(trace.steps);
    const recordBytes = (dir: string) =>
      trace.steps.filter((s) => s.layer === 'record' && s.direction === dir).reduce((n, s) => n + s.bytes!.hex.length / 2, 0);
    assert.equal(counts.bytesSent, recordBytes('client->server'));
    assert.equal(counts.bytesReceived, recordBytes('server->client'));
  });

  it('marks a relay refusal as a TCP mark of its own', () => {
    const { rows } = buildDiagram(relayRefusalTrace().steps);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].kind, 'tcp');
    assert.equal(rows[0].tcp, 'relay-refusal');
    assert.equal(rows[0].tone, 'bad');
  });
});

describe('TCP mark classification', () => {
  it('uses the transport event name and error code', () => {
    assert.equal(classifyTcp(tcpStep({ event: 'connected', remoteAddress: '127.0.0.1', remotePort: 443, connectMs: 1 })), 'connect');
    assert.equal(classifyTcp(tcpStep({ event: 'fin' }, 'server->client')), 'fin');
    assert.equal(classifyTcp(tcpStep({ event: 'reset' }, 'server->client')), 'reset');
    assert.equal(classifyTcp(tcpStep({ event: 'close' }, 'client->server')), 'closed');
    assert.equal(classifyTcp(tcpStep({ event: 'timeout', timeoutMs: 10000, waiting: 'response' })), 'timeout');
    assert.equal(classifyTcp(tcpStep({ event: 'error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' })), 'refused');
    assert.equal(classifyTcp(tcpStep({ event: 'error', code: 'ETIMEDOUT', message: 'connect ETIMEDOUT' })), 'timeout');
    assert.equal(classifyTcp(tcpStep({ event: 'error', code: 'ECONNRESET', message: 'read ECONNRESET' })), 'reset');
    assert.equal(classifyTcp(tcpStep({ event: 'error', code: 'RATE', message: 'too many runs' })), 'relay-refusal');
    assert.equal(classifyTcp(tcpStep({ event: 'error', code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND' })), 'unreachable');
  });
});

describe('the marks beside notes', () => {
  it('gives the rustls refusal a warning mark, never the success check (a recorded IIS run)', async () => {
    const { readFile } = await import('node:fs/promises');
    const { parseTraceJson } = await import('../../lib/export/json');
    const trace = parseTraceJson(await readFile(new URL('../fixtures/traces/v1-iis-rustls-reset.json', import.meta.url), 'utf8'));
    const { rows } = buildDiagram(trace.steps);
    const refusal = rows.find((r) => trace.steps.find((s) => s.seq === r.seq && s.kind === 'personality' && s.data.reaction === 'refuse-warning'));
    assert.ok(refusal, 'the refusal is a row');
    assert.equal(refusal.tone, 'warning');
    assert.equal(refusal.glyph, 'warning');
    // Checks show a check only when they passed; notes that judge nothing show a plain mark.
    for (const row of rows) {
      if (row.glyph === 'check') assert.equal(row.tone, 'good', row.title);
      if (row.layer === 'key') assert.equal(row.glyph, 'key', row.title);
    }
    assert.ok(rows.some((r) => r.kind === 'note' && r.glyph === 'note'));
  });
});
