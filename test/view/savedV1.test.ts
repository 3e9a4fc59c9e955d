import { describe, it } from 'node:test';
import { tEn } from '../helpers/i18n';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTraceJson } from '../../lib/export/json';
import { keyLogText } from '../../lib/export/keylog';
import { traceToPcapng } from '../../lib/export/pcapng';
import { runDescription, runTitle } from '../../lib/share/describe';
import { drawPreview } from '../../lib/share/previewImage';
import type { Trace } from '../../lib/trace/schema';
import { adviceFor } from '../../lib/view/advice';
import { buildCertificatePanel } from '../../lib/view/certificate';
import { compareRuns } from '../../lib/view/compare';
import { buildDiagram } from '../../lib/view/diagram';
import { buildKeySchedule } from '../../lib/view/keySchedule';
import { keyMoments } from '../../lib/view/story';
import { buildSummary, explainingStep } from '../../lib/view/summary';

/**
 * Saved version 1 runs render as they did before traces carried typed steps. The expected views
 * (test/fixtures/rendered-by-v1-views.json) were recorded by the views of main just before schema
 * version 2 (commit 06d83a9, which read titles) from the same two fixtures; today's views read the
 * migrated steps' data. One change since is deliberate: the advice's comparison link runs the
 * comparison at once, with the demo client certificate on a demo target (&cert=demo&run=1).
 */
const FIXTURES = join(import.meta.dirname, '../fixtures');
const expected = JSON.parse(readFileSync(join(FIXTURES, 'rendered-by-v1-views.json'), 'utf8')) as Record<string, Record<string, unknown>>;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** As the recording stored it: through JSON, so absent values are absent. */
const asStored = (value: unknown) => JSON.parse(JSON.stringify(value ?? null)) as unknown;

function load(name: string): Trace {
  return parseTraceJson(readFileSync(join(FIXTURES, 'traces', name), 'utf8'));
}

describe('a saved version 1 run renders as it did', () => {
  for (const name of ['v1-iis-rustls-reset.json', 'v1-legacy-tls12.json']) {
    const before = expected[name];
    const trace = load(name);
    it(`${name}: the same outcome, summary and advice`, () => {
      assert.deepEqual(asStored(buildSummary(trace, tEn)), before.summary);
      assert.deepEqual(asStored(adviceFor(trace, tEn)), before.advice);
      assert.equal(explainingStep(trace), before.explainingStep);
      assert.equal(runTitle(trace, tEn), before.title);
      assert.equal(runDescription(trace, tEn), before.description);
    });
    it(`${name}: the same diagram, story, certificate panel and key schedule`, () => {
      assert.deepEqual(asStored(buildDiagram(trace.steps)), before.diagram);
      assert.deepEqual(asStored(keyMoments(trace)), before.moments);
      assert.deepEqual(asStored(buildCertificatePanel(trace)), before.certificate);
      assert.deepEqual(asStored(buildKeySchedule(trace.steps)), before.keySchedule);
    });
    it(`${name}: the same preview image, capture file and key log`, () => {
      // The card's pixels (the PNG around them depends only on the compressor).
      assert.equal(sha256(drawPreview(trace).pixels), before.previewPixelsSha256);
      assert.equal(sha256(traceToPcapng(trace)), before.pcapngSha256);
      assert.equal(keyLogText(trace), before.keyLog);
    });
  }

  it('the same comparison of the two', () => {
    const c = compareRuns(load('v1-iis-rustls-reset.json'), load('v1-legacy-tls12.json'));
    assert.deepEqual(
      { firstDifference: c.firstDifference ?? null, differences: c.differences, outcomes: c.outcomes, rows: c.rows.map((r) => [r.a?.seq ?? null, r.b?.seq ?? null, r.same]) },
      expected.comparison,
    );
  });
});
