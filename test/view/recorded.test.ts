/**
 * Traces recorded by earlier engine versions must keep rendering. The fixtures are real runs saved as
 * the CLI wrote them (schema version 1); every view model must build from them unchanged.
 */
import { test } from 'node:test';
import { tEn } from '../helpers/i18n';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseTraceJson } from '../../lib/export/json';
import { buildDiagram } from '../../lib/view/diagram';
import { buildSummary } from '../../lib/view/summary';
import { buildKeySchedule } from '../../lib/view/keySchedule';
import { buildHexModel } from '../../lib/view/hex';
import { buildCertificatePanel } from '../../lib/view/certificate';
import { traceToPcapng } from '../../lib/export/pcapng';
import { stepTitle } from '../../lib/view/stepText';

const dir = join(import.meta.dirname, '../fixtures/traces');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  test(`recorded trace ${file} still validates and renders`, () => {
    const trace = parseTraceJson(readFileSync(join(dir, file), 'utf8'));
    const diagram = buildDiagram(trace.steps);
    assert.ok(diagram.rows.length > 5);
    const summary = buildSummary(trace, tEn);
    assert.equal(summary.outcome, trace.outcome);
    assert.equal(summary.host, new URL(trace.options.url).host);
    assert.deepEqual(
      summary.items.filter((i) => i.label === 'Version' || i.label === 'Cipher suite' || i.label === 'Personality').map((i) => i.value),
      [trace.version ?? '—', trace.cipherSuite ?? '—', trace.personality],
    );
    assert.deepEqual(summary.alerts.map((a) => a.text), trace.alerts.filter((a) => a.description !== 'close_notify').map((a) => `${a.from === 'client' ? 'Client' : 'Server'} sent ${a.level} alert ${a.description}`));
    for (const step of trace.steps) {
      if (step.bytes) buildHexModel(step.bytes);
      if (step.plaintext) buildHexModel(step.plaintext);
    }
    assert.ok(buildKeySchedule(trace.steps).nodes.length > 3);
    if (trace.certificate) assert.ok(buildCertificatePanel(trace));
    assert.ok(traceToPcapng(trace).length > 100);
  });
}

test('the IIS fixture tells the headline story', () => {
  const trace = parseTraceJson(readFileSync(join(dir, 'v1-iis-rustls-reset.json'), 'utf8'));
  assert.equal(trace.outcome, 'reset');
  const titles = trace.steps.map((s) => stepTitle(s));
  assert.ok(titles.indexOf('HelloRequest') < titles.indexOf('Alert: no_renegotiation (warning)'));
  assert.ok(titles.indexOf('Alert: no_renegotiation (warning)') < titles.indexOf('Connection reset by peer (RST)'));
});
