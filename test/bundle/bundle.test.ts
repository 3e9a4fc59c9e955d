/**
 * Saved diagnoses and comparisons as data: a diagnosis of a real server (the IIS-like demo target on
 * loopback) bundled, written as JSON with compact traces, read back and judged again gives the same
 * diagnosis; its evidence archive is a ZIP that Python's zipfile reads, with the report, every run's
 * trace, pcapng and key log; its share card is a PNG.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { comparisonBundle, comparisonOf, diagnosisBundle, diagnosisOf, parseBundleJson, runLabel, validateBundle } from '../../lib/bundle/bundle';
import { diagnose, type Diagnosis } from '../../lib/doctor/diagnose';
import { bundleReport, bundleToJson, bundleToZip } from '../../lib/export/bundle';
import { crc32 } from '../../lib/export/zip';
import { bundleDescription, bundleTitle } from '../../lib/share/describeBundle';
import { renderBundlePreviewPng } from '../../lib/share/previewImage';
import { zlibDeflate } from '../../server/share/png';
import { compactTrace } from '../../lib/trace/compact';
import { TraceFormatError } from '../../lib/trace/validate';
import { startDemoTargets, type RunningDemo } from '../../server/demo/start';
import { nodeRunDeps } from '../../server/runtime/nodeRun';
import { iisRustlsTrace, tls13OkTrace } from '../view/fixtures/traces';

let dir: string;
let demo: RunningDemo;
let diagnosis: Diagnosis;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bundle-'));
  demo = await startDemoTargets({ dataDir: dir, log: () => undefined });
  diagnosis = await diagnose({ url: 'https://iis-renegotiation.test/secure/' }, (req) => nodeRunDeps(req, { demoDataDir: dir }), { probeTimeoutMs: 2500 });
});

after(async () => {
  await demo?.close();
  await rm(dir, { recursive: true, force: true });
});

/** What an upload carries: the bundle with each trace in its compact form. */
function uploaded(bundle: ReturnType<typeof diagnosisBundle>): string {
  return JSON.stringify({ ...bundle, runs: bundle.runs.map((r) => ({ role: r.role, trace: compactTrace(r.trace) })) });
}

describe('a saved diagnosis', () => {
  it('is judged again from its runs alone: the same verdict, fixes and probes as the live diagnosis', () => {
    assert.equal(diagnosis.severity, 'problem');
    const bundle = parseBundleJson(uploaded(diagnosisBundle(diagnosis.url, diagnosis.probes)));
    assert.deepEqual(bundle.runs.map((r) => r.role), diagnosis.probes.map((p) => p.role));
    // Compared as JSON: the saved traces carry no undefined-valued keys.
    const asJson = (d: Diagnosis) => JSON.parse(JSON.stringify(d)) as unknown;
    assert.deepEqual(asJson(diagnosisOf(bundle)), asJson(diagnosis));
  });

  it('names itself by what was found, and the card and report say who fails', () => {
    const bundle = diagnosisBundle(diagnosis.url, diagnosis.probes);
    assert.equal(bundleTitle(bundle), 'Renegotiation diagnosis of iis-renegotiation.test/secure/: some clients fail');
    assert.equal(bundleDescription(bundle), diagnosis.verdict);
    const report = bundleReport(bundle, 'https://example.test/d/x');
    assert.match(report, /^TLS Playground diagnosis of https:\/\/iis-renegotiation\.test\/secure\/: PROBLEM\n/);
    assert.match(report, /clientcertnegotiation=enable/);
    assert.match(report, /TLS 1\.2 as rustls: connection reset by peer/);
    assert.match(report, /Open it step by step: https:\/\/example\.test\/d\/x/);
    const png = Buffer.from(renderBundlePreviewPng(bundle, zlibDeflate));
    assert.equal(png.toString('latin1', 1, 4), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1200, 630]);
  });

  it('downloads as a ZIP that Python reads: report, bundle.json, and each run as JSON, pcapng and key log', async () => {
    const bundle = diagnosisBundle(diagnosis.url, diagnosis.probes);
    const path = join(dir, 'evidence.zip');
    await writeFile(path, bundleToZip(bundle));
    const listing = JSON.parse(
      execFileSync('python3', [
        '-c',
        'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps({i.filename: [i.file_size, i.CRC] for i in z.infolist()}))',
        path,
      ]).toString(),
    ) as Record<string, [number, number]>;
    const names = Object.keys(listing);
    const folder = 'tls-diagnosis-iis-renegotiation.test';
    assert.deepEqual(names.slice(0, 2), [`${folder}/README.txt`, `${folder}/bundle.json`]);
    const rustls = diagnosis.probes.findIndex((p) => p.role === 'tls12:rustls') + 1;
    assert.ok(names.includes(`${folder}/${rustls}-tls12-rustls.pcapng`), names.join('\n'));
    assert.ok(names.includes(`${folder}/${rustls}-tls12-rustls.keylog.txt`), names.join('\n'));
    assert.equal(names.filter((n) => n.endsWith('.pcapng')).length, diagnosis.probes.length);
    const json = execFileSync('python3', ['-c', 'import sys,zipfile\nsys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())', path, `${folder}/bundle.json`], { maxBuffer: 256 * 1024 * 1024 }).toString();
    assert.equal(diagnosisOf(parseBundleJson(json)).verdict, diagnosis.verdict, 'bundle.json opens again as the same diagnosis');
    assert.equal(json, bundleToJson(bundle));
  });

  it('crc32 is the ZIP checksum (the standard check value of "123456789")', () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  });
});

describe('a saved comparison', () => {
  it('holds runs a and b, labelled by client, aligned again when opened', () => {
    const bundle = parseBundleJson(JSON.stringify(comparisonBundle('https://iis-renegotiation.test/secure/', iisRustlsTrace(), tls13OkTrace())));
    const { labelA, labelB, comparison } = comparisonOf(bundle);
    assert.deepEqual([labelA, labelB], [`A: ${iisRustlsTrace().personality}`, `B: ${tls13OkTrace().personality}`]);
    assert.deepEqual(bundle.runs.map((r) => runLabel(bundle, r)), [labelA, labelB]);
    assert.ok(comparison.differences > 0);
    assert.match(bundleTitle(bundle), / vs .* on iis-renegotiation\.test\/secure\/$/);
    assert.match(bundleReport(bundle), /aligned steps differ/);
  });

  it('refuses what is not a bundle in one sentence', () => {
    const good = comparisonBundle('https://a.test/', iisRustlsTrace(), tls13OkTrace());
    const refuses = (value: unknown, message: RegExp) => assert.throws(() => validateBundle(value), (e: unknown) => e instanceof TraceFormatError && message.test(e.message));
    refuses({ ...good, schemaVersion: 99 }, /schema version 99; this code reads versions up to 1/);
    refuses({ ...good, url: '' }, /"url" must be a string/);
    refuses({ ...good, runs: [good.runs[0], { role: 'c', trace: good.runs[1].trace }] }, /runs\[1\]\.role must be "a" or "b"/);
    refuses({ ...good, runs: [good.runs[0], { role: 'b', trace: { schema: 'x' } }] }, /^runs\[1\]\.trace: This is not a TLS Playground trace/);
    assert.throws(() => parseBundleJson('nope'), /not valid JSON/);
  });
});
