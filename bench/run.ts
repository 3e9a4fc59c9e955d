/**
 * `npm run bench`: every benchmark of the project, one section after another, into
 * bench/results.json plus a table on stdout. Not a test: the targets are ratios against a peer
 * measured in the same run (or sizes), reported as met / missed, never asserted.
 *
 *   npx tsx bench/run.ts [--quick | --full] [--only handshake,bundle,crypto,relay,page,share] [--skip page]
 *                        [--iterations N] [--relay-iterations N] [--page-runs N] [--share-seconds N] [--out FILE] [--merge]
 *
 * The relay load runs at the full size (1000 sessions × 30 s, under a minute on the
 * reference machine; the whole run takes about 70 s); --quick runs it reduced (500 × 15 s) and
 * --full says the default explicitly. A section that fails records its error and the others
 * still run. --merge keeps the sections not run from the existing results file (each keeps the
 * time it was measured at in `measuredAt`), so one section can be measured again on its own.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { BENCH_DIR } from './peers';
import { SkipSection } from './skip';
import { round } from './stats';

const SECTIONS = ['handshake', 'bundle', 'crypto', 'relay', 'page', 'share'] as const;
type SectionName = (typeof SECTIONS)[number];

type SectionOutcome = ({ status: 'ok'; durationMs: number; result: unknown } | { status: 'error'; durationMs: number; error: string } | { status: 'skipped'; reason: string }) & {
  /** When the section ran (with --merge, sections kept from an earlier run keep theirs). */
  measuredAt?: string;
  /** The machine's 1/5/15-minute load averages when the section started. */
  loadAverage?: number[];
};

interface Args {
  full: boolean;
  sections: SectionName[];
  iterations: number;
  relayIterations: number;
  pageRuns: number;
  shareSeconds: number;
  out: string;
  merge: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { full: true, sections: [...SECTIONS], iterations: 150, relayIterations: 300, pageRuns: 10, shareSeconds: 8, out: join(BENCH_DIR, 'results.json'), merge: false };
  const list = (v: string | undefined, flag: string): SectionName[] => {
    const names = (v ?? '').split(',').filter(Boolean);
    const bad = names.filter((n) => !SECTIONS.includes(n as SectionName));
    if (!names.length || bad.length) throw new Error(`${flag} takes a comma-separated list of: ${SECTIONS.join(', ')}`);
    return names as SectionName[];
  };
  const count = (v: string | undefined, flag: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} takes a whole number ≥ ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--full') args.full = true;
    else if (a === '--quick') args.full = false;
    else if (a === '--only') args.sections = list(argv[++i], a);
    else if (a === '--skip') {
      const skip = list(argv[++i], a);
      args.sections = args.sections.filter((s) => !skip.includes(s));
    } else if (a === '--iterations') args.iterations = count(argv[++i], a, 50);
    else if (a === '--relay-iterations') args.relayIterations = count(argv[++i], a, 200);
    else if (a === '--page-runs') args.pageRuns = count(argv[++i], a, 1);
    else if (a === '--share-seconds') args.shareSeconds = count(argv[++i], a, 1);
    else if (a === '--out' && argv[i + 1]) args.out = argv[++i];
    else if (a === '--merge') args.merge = true;
    else throw new Error(`unknown option ${a}`);
  }
  return args;
}

/** Each section imports its module when it runs, so one broken module fails only its own section. */
async function runSection(name: SectionName, args: Args): Promise<unknown> {
  switch (name) {
    case 'handshake': {
      const { benchHandshake } = await import('./handshake');
      const result = await benchHandshake({ iterations: args.iterations, warmup: 10 });
      if (result.verdict.engineWithin1_5xNode) return result;
      // Missed: say where the engine's time goes (V8 sampling profile of 100 more runs).
      const { profileEngine } = await import('./profile');
      try {
        return { ...result, profile: await profileEngine(100, 'webcrypto') };
      } catch (e) {
        return { ...result, profile: { error: errorText(e) } };
      }
    }
    case 'bundle': {
      const { measureBundleSize } = await import('../scripts/bundle-size');
      return measureBundleSize();
    }
    case 'crypto': {
      const { benchCrypto } = await import('./crypto');
      return benchCrypto();
    }
    case 'relay': {
      const { benchRelay } = await import('./relaySection');
      return benchRelay({ iterations: args.relayIterations, warmup: 20, full: args.full });
    }
    case 'page': {
      const { benchPage } = await import('./page');
      return benchPage({ runs: args.pageRuns, target: 'tls13' });
    }
    case 'share': {
      const { benchShare } = await import('./share');
      return benchShare({ concurrency: 32, seconds: args.shareSeconds });
    }
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 6).join('\n') : String(e);
}

/** The sections of an earlier results file (--merge), each stamped with that run's time if it has none. */
async function previousSections(path: string): Promise<Partial<Record<SectionName, SectionOutcome>>> {
  try {
    const previous = JSON.parse(await readFile(path, 'utf8')) as { generatedAt?: string; sections?: Partial<Record<SectionName, SectionOutcome>> };
    const out: Partial<Record<SectionName, SectionOutcome>> = {};
    for (const [name, section] of Object.entries(previous.sections ?? {})) out[name as SectionName] = { measuredAt: previous.generatedAt, ...section };
    return out;
  } catch {
    return {};
  }
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const started = performance.now();
  const loadBefore = loadavg().map((l) => round(l, 2));
  const sections: Partial<Record<SectionName, SectionOutcome>> = {};
  const earlier = args.merge ? await previousSections(args.out) : {};
  for (const name of SECTIONS) {
    if (!args.sections.includes(name)) {
      sections[name] = earlier[name] ?? { status: 'skipped', reason: 'not selected (--only / --skip)' };
      continue;
    }
    process.stderr.write(`bench: ${name}…\n`);
    const t0 = performance.now();
    const stamp = { measuredAt: new Date().toISOString(), loadAverage: loadavg().map((l) => round(l, 2)) };
    try {
      const result = await runSection(name, args);
      sections[name] = { status: 'ok', durationMs: Math.round(performance.now() - t0), result, ...stamp };
    } catch (e) {
      sections[name] =
        e instanceof SkipSection ? { status: 'skipped', reason: e.message, ...stamp } : { status: 'error', durationMs: Math.round(performance.now() - t0), error: errorText(e), ...stamp };
    }
    process.stderr.write(`bench: ${name} ${sections[name]!.status} (${Math.round((performance.now() - t0) / 1000)} s)\n`);
  }
  const results = {
    generatedAt: new Date().toISOString(),
    command: `npx tsx bench/run.ts ${process.argv.slice(2).join(' ')}`.trim(),
    mode: args.full ? 'full' : 'quick',
    ...(args.merge ? { merged: `sections not in this run are kept from ${relative(process.cwd(), args.out)} (see each one's measuredAt)` } : {}),
    machine: {
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      totalMemGB: round(totalmem() / 2 ** 30, 1),
      // The machine is shared: the 1/5/15-minute load averages say how quiet it was.
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadavg().map((l) => round(l, 2)),
    },
    durationMs: Math.round(performance.now() - started),
    sections,
  };
  await writeFile(args.out, JSON.stringify(results, null, 2) + '\n');
  const { formatReport } = await import('./report');
  process.stdout.write(formatReport(results) + '\n');
}

await main();
