/**
 * `npm test` (after typecheck and lint): every test file under test/, with Node's test runner.
 * Protocol, relay, storage and export tests first (two at a time: this machine has two cores), then
 * the package and production-install tests, then the browser end-to-end tests one file at a time. Prints one closing line for the whole run.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
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
/**
 * Files that pack, install and start whole programs (npm pack, npm ci, tsc, the app server) spend
 * minutes of a shared two-core machine by design: they run in a phase of their own, two at a time,
 * with the browser tests' bound instead of four minutes.
 */
const INSTALLS = [join('test', 'cli', 'package.test.ts'), join('test', 'deploy', 'productionInstall.test.ts')];
const installs = all.filter((f) => INSTALLS.includes(f));
const rest = all.filter((f) => !e2e.includes(f) && !installs.includes(f));
mkdirSync('test-results', { recursive: true });

/**
 * Per test (and per file): four minutes, more for a long fuzzing run (FUZZ_ROUNDS=5000 replays
 * thousands of mutated handshakes per test), whose rounds are the bound that matters.
 */
const TEST_TIMEOUT_MS = Math.max(240_000, Number(process.env.FUZZ_ROUNDS ?? 0) * 1_000);
/**
 * A browser test file as a whole (its stack, its runs, axe-core on every page in light and dark) gets
 * longer on this shared two-core machine: still bounded, so a stuck page cannot hang CI.
 */
const E2E_TIMEOUT_MS = Math.max(TEST_TIMEOUT_MS, 600_000);

let passed = 0;
let failed = 0;
let skipped = 0;

/** Runs one phase, echoing the spec reporter live and reading its closing counts. */
function phase(name: string, files: string[], concurrency: number, timeoutMs = TEST_TIMEOUT_MS): Promise<void> {
  if (!files.length) return Promise.resolve();
  process.stdout.write(`\n== ${name}: ${files.length} files ==\n`);
  const child = spawn(
    process.execPath,
    // A per-test timeout and a forced exit: one stuck test or leaked handle cannot hang CI.
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${timeoutMs}`, '--test-force-exit', '--test-reporter=spec', ...files],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    process.stdout.write(chunk);
  });
  return new Promise((resolve) => {
    child.on('close', (code) => {
      writeFileSync(join('test-results', `${name}.log`), output);
      const count = (label: string) => [...output.matchAll(new RegExp(`^ℹ ${label} (\\d+)$`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
      const p = count('pass');
      const f = count('fail') + count('cancelled');
      passed += p;
      failed += f;
      skipped += count('skipped') + count('todo');
      // The runner itself failed (a crash, a file that does not load) without counting a failure.
      if (code !== 0 && f === 0) failed += 1;
      if (p + f === 0) failed += 1;
      resolve();
    });
  });
}

// The production build is made once, here, before any file that serves it starts: built inside a
// test file's setup it would count against that file's timeout (and other files would wait on its lock).
if (all.some((f) => /e2e\/harness|from '\.\/harness'/.test(readFileSync(f, 'utf8')))) {
  const { ensureBuild } = await import('../test/e2e/harness');
  await ensureBuild();
}

await phase('unit-and-integration', rest, 2);
await phase('installs', installs, 2, E2E_TIMEOUT_MS);
await phase('e2e', e2e, 1, E2E_TIMEOUT_MS);
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exitCode = failed ? 1 : 0;
