/**
 * `npm test` (after typecheck and lint): every test file under test/, with Node's test runner.
 * Protocol, relay, storage and export tests first (two at a time: this machine has two cores), then
 * the browser end-to-end tests one file at a time. Prints one closing line for the whole run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...testFiles(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out.sort();
}

const only = process.argv.slice(2);
const all = testFiles('test').filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
const e2e = all.filter((f) => f.startsWith(join('test', 'e2e')));
const rest = all.filter((f) => !e2e.includes(f));
mkdirSync('test-results', { recursive: true });

let passed = 0;
let failed = 0;
let skipped = 0;
function phase(name: string, files: string[], concurrency: number): void {
  if (!files.length) return;
  process.stdout.write(`\n== ${name}: ${files.length} files ==\n`);
  const tap = join('test-results', `${name}.tap`);
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=240000', '--test-force-exit', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
    { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR } },
  );
  const text = readFileSync(tap, 'utf8');
  const count = (label: string) => [...text.matchAll(new RegExp(`^# ${label} (\\d+)$`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
  const p = count('pass');
  const f = count('fail') + count('cancelled');
  passed += p;
  failed += f;
  skipped += count('skipped') + count('todo');
  if (r.status !== 0 && f === 0) failed += 1; // the runner itself failed (crash, bad file)
}

phase('unit-and-integration', rest, 2);
phase('e2e', e2e, 1);
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exitCode = failed ? 1 : 0;
