import { diagnosisOf, comparisonOf, runLabel, type Bundle } from '../bundle/bundle';
import { outcomeSentence } from '../view/stepText';
import { describeResult } from '../doctor/diagnose';
import { keyLogText } from './keylog';
import { traceToJson } from './json';
import { traceToPcapng } from './pcapng';
import { zip, type ZipEntry } from './zip';

/**
 * A saved diagnosis or comparison as files to send: one JSON document with every run's trace (it
 * re-opens here and saves again under the same id), and a ZIP with a plain-text report (the verdict
 * and the fixes, or the two outcomes), that JSON, and for each run its trace, its pcapng (Wireshark
 * opens it decrypted) and its NSS key log.
 */

type RunWithId = Bundle['runs'][number] & { traceId?: string };
/** A bundle, as uploaded or as read back from the store (its runs then name their saved results). */
export type ExportableBundle = Omit<Bundle, 'runs'> & { runs: RunWithId[] };

/** The multi-trace JSON: pretty, each run's trace in the download's key order, newline-terminated. */
export function bundleToJson(bundle: ExportableBundle): string {
  const runs = bundle.runs.map((run) => `    {\n      "role": ${JSON.stringify(run.role)},\n${run.traceId ? `      "traceId": ${JSON.stringify(run.traceId)},\n` : ''}      "trace": ${traceToJson(run.trace).trimEnd().replace(/\n/g, '\n      ')}\n    }`);
  return `{\n  "schema": ${JSON.stringify(bundle.schema)},\n  "schemaVersion": ${bundle.schemaVersion},\n  "kind": ${JSON.stringify(bundle.kind)},\n  "url": ${JSON.stringify(bundle.url)},\n  "runs": [\n${runs.join(',\n')}\n  ]\n}\n`;
}

function hostOf(url: string): string {
  try {
    return new URL(/^[a-z]+:\/\//i.test(url) ? url : `https://${url}`).hostname || 'target';
  } catch {
    return 'target';
  }
}

/** "tls-diagnosis-iis.test" — the archive's name and its one top folder. */
export function bundleFileStem(bundle: Pick<Bundle, 'kind' | 'url'>): string {
  return `tls-${bundle.kind}-${hostOf(bundle.url).replace(/[^a-z0-9.-]/gi, '_')}`;
}

/** "3-tls12-rustls": the run's place and role, safe in any file system. */
function runStem(index: number, run: RunWithId): string {
  return `${index + 1}-${run.role.replace(/[^a-z0-9-]/gi, '-')}`;
}

/** The plain-text report at the top of the archive: what was found and what each file is. */
export function bundleReport(bundle: ExportableBundle, link?: string): string {
  const lines: string[] = [];
  if (bundle.kind === 'diagnosis') {
    const d = diagnosisOf(bundle);
    lines.push(`TLS Playground diagnosis of ${bundle.url}: ${d.severity.toUpperCase()}`, '', d.verdict, '');
    if (d.fixes.length) {
      lines.push('What to change:');
      d.fixes.forEach((fix, i) => {
        lines.push(`  ${i + 1}. [${fix.who}] ${fix.title}`, `     ${fix.detail}`);
        for (const command of fix.commands ?? []) lines.push(`       ${command}`);
      });
      lines.push('');
    }
    lines.push('Probes:');
    for (const p of d.probes) lines.push(`  ${p.label}: ${describeResult(p)}`);
  } else {
    const c = comparisonOf(bundle);
    lines.push(`TLS Playground comparison of two clients against ${bundle.url}`, '');
    lines.push(`  ${c.labelA}: ${c.a.outcome} — ${outcomeSentence(c.a.outcomeCause)}`, `  ${c.labelB}: ${c.b.outcome} — ${outcomeSentence(c.b.outcomeCause)}`, '');
    lines.push(c.comparison.differences ? `${c.comparison.differences} aligned steps differ.` : 'The two runs took the same steps.');
  }
  if (link) lines.push('', `Open it step by step: ${link}`);
  lines.push('', 'Files:', '  bundle.json  every run\'s trace (opens in TLS Playground)');
  bundle.runs.forEach((run, i) => {
    const stem = runStem(i, run);
    lines.push(`  ${stem}.json, ${stem}.pcapng${run.trace.keyLog.length ? `, ${stem}.keylog.txt` : ''}  ${runLabel(bundle, run)}`);
  });
  lines.push('', 'The pcapng files carry their TLS keys (a Decryption Secrets Block): Wireshark shows them decrypted.');
  return `${lines.join('\n')}\n`;
}

/** The archive: README.txt, bundle.json, and per run its trace, pcapng and key log, under one folder. */
export function bundleToZip(bundle: ExportableBundle, link?: string): Uint8Array {
  const folder = bundleFileStem(bundle);
  const entries: ZipEntry[] = [
    { name: `${folder}/README.txt`, content: bundleReport(bundle, link) },
    { name: `${folder}/bundle.json`, content: bundleToJson(bundle) },
  ];
  bundle.runs.forEach((run, i) => {
    const stem = `${folder}/${runStem(i, run)}`;
    entries.push({ name: `${stem}.json`, content: traceToJson(run.trace) });
    entries.push({ name: `${stem}.pcapng`, content: traceToPcapng(run.trace) });
    if (run.trace.keyLog.length) entries.push({ name: `${stem}.keylog.txt`, content: keyLogText(run.trace) });
  });
  const started = new Date(bundle.runs[0].trace.startedAt);
  return zip(entries, Number.isNaN(started.getTime()) ? new Date(0) : started);
}
