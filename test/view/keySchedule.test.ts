import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ancestry, buildKeySchedule } from '../../lib/view/keySchedule';
import type { Step } from '../../lib/trace/schema';
import { tls13OkTrace } from './fixtures/traces';

function keyStep(seq: number, label: string, inputs: string[], value = 'ab'.repeat(32)): Step {
  return { seq, timeMs: seq, direction: 'local', layer: 'key', kind: 'key', data: { label, value, inputs, algorithm: 'HKDF' } };
}

describe('key-schedule graph', () => {
  it('links each secret to the inputs that produced it, with sources for underived inputs', () => {
    const graph = buildKeySchedule(tls13OkTrace().steps);
    const hs = graph.byId.get('handshake_secret#0')!;
    assert.deepEqual(hs.inputIds, ['early_secret#0', 'input:ECDHE shared secret']);
    assert.equal(graph.byId.get('input:ECDHE shared secret')!.kind, 'input');
    assert.deepEqual(graph.byId.get('server_handshake_key#0')!.inputIds, ['server_handshake_traffic_secret#0']);
    assert.ok(graph.edges.some((e) => e.from === 'master_secret#0' && e.to === 'client_application_traffic_secret_0#0'));
    assert.deepEqual(graph.byId.get('handshake_secret#0')!.outputIds.sort(), [
      'client_handshake_traffic_secret#0',
      'master_secret#0',
      'server_handshake_traffic_secret#0',
    ]);
  });

  it('keeps values and algorithms for copying', () => {
    const graph = buildKeySchedule(tls13OkTrace().steps);
    const key = graph.byId.get('server_handshake_key#0')!;
    assert.match(key.value!, /^[0-9a-f]{32}$/);
    assert.match(key.algorithm!, /HKDF-Expand-Label/);
    assert.equal(typeof key.seq, 'number');
  });

  it('lays out columns by depth: a secret sits right of everything it was derived from', () => {
    const graph = buildKeySchedule(tls13OkTrace().steps);
    for (const edge of graph.edges) {
      assert.ok(graph.byId.get(edge.from)!.column < graph.byId.get(edge.to)!.column, `${edge.from} → ${edge.to}`);
    }
    assert.deepEqual(graph.columns[0].sort(), ['input:ECDHE shared secret', 'input:PSK (zeros)', 'input:transcript hash (ClientHello…ServerHello)', 'input:transcript hash (ClientHello…server Finished)'].sort());
    assert.equal(graph.byId.get('early_secret#0')!.column, 1);
    assert.equal(graph.byId.get('server_handshake_iv#0')!.column, 4);
  });

  it('gives a re-derived label its own node, and later uses point to the newest one', () => {
    const graph = buildKeySchedule([
      keyStep(1, 'master_secret', ['pre_master_secret']),
      keyStep(2, 'key_block', ['master_secret']),
      keyStep(3, 'master_secret', ['pre_master_secret (renegotiation)']),
      keyStep(4, 'key_block', ['master_secret']),
    ]);
    assert.deepEqual(graph.byId.get('key_block#0')!.inputIds, ['master_secret#0']);
    assert.deepEqual(graph.byId.get('key_block#1')!.inputIds, ['master_secret#1']);
    assert.equal(graph.nodes.filter((n) => n.label === 'master_secret').length, 2);
  });

  it('lists everything upstream of a secret', () => {
    const graph = buildKeySchedule(tls13OkTrace().steps);
    const up = ancestry(graph, 'server_handshake_key#0');
    assert.deepEqual([...up].sort(), [
      'early_secret#0',
      'handshake_secret#0',
      'input:ECDHE shared secret',
      'input:PSK (zeros)',
      'input:transcript hash (ClientHello…ServerHello)',
      'server_handshake_traffic_secret#0',
    ]);
  });

  it('ignores non-key steps and reports key steps without a label', () => {
    const graph = buildKeySchedule([
      { seq: 0, timeMs: 0, direction: 'local', layer: 'tcp', kind: 'transport', data: { event: 'connected', remoteAddress: '127.0.0.1', remotePort: 443, connectMs: 1 } },
      { seq: 1, timeMs: 0, direction: 'local', layer: 'key', kind: 'key', data: { label: '', value: '00', inputs: [], algorithm: '' } },
      keyStep(2, 'early_secret', []),
    ]);
    assert.deepEqual(graph.skipped, [1]);
    assert.deepEqual(graph.nodes.map((n) => n.id), ['early_secret#0']);
    assert.equal(graph.nodes[0].column, 0);
  });
});
