/**
 * The engine as a browser loads it: lib/run (driver), lib/tls/crypto (WebCrypto and noble
 * backends), lib/tls/x509 (parser, chain checks, RootStore) and the relay transport, bundled by
 * esbuild for the browser (ESM, minified) and gzipped. The Mozilla root store
 * (roots.generated.ts) is imported on demand by mozillaRoots(), and the Public Suffix List (tldts)
 * by publicSuffixList() on the first wildcard certificate name, so each is measured on its own.
 *
 *   npx tsx scripts/bundle-size.ts [--json]
 *
 * Every export of every entry module is kept (namespace re-exports), so nothing is shaken away
 * that an application might use: an upper bound for what the page's engine chunk weighs.
 */
import { build, type Metafile, type Plugin } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';

const ROOT = resolve(import.meta.dirname, '..');
const ROOTS_GENERATED = join(ROOT, 'lib/tls/x509/roots.generated.ts');

/** The engine's browser-facing modules, as the page's engine chunk (components/run/engine.ts) uses them. */
export const ENGINE_ENTRY_MODULES = {
  run: './lib/run/run',
  crypto: './lib/tls/crypto/index',
  x509Chain: './lib/tls/x509/chain',
  x509Parse: './lib/tls/x509/parse',
  x509Roots: './lib/tls/x509/roots',
  relayTransport: './lib/transport/relay',
} as const;

export interface SizeOf {
  minifiedBytes: number;
  gzipBytes: number;
  brotliBytes: number;
  gzipKB: number;
}

export interface BundleSizeResult {
  tool: string;
  settings: string;
  engine: SizeOf;
  rootStore: SizeOf & { certificates: number };
  /** tldts, imported by lib/tls/x509/publicSuffix.ts when a certificate names a wildcard. */
  publicSuffixList: SizeOf;
  /** Minified bytes by where they come from (top entries), from esbuild's metafile. */
  engineByPackage: Record<string, number>;
  targetGzipKB: number;
  withinTarget: boolean;
}

function sizeOf(code: Uint8Array): SizeOf {
  const gzipBytes = gzipSync(code, { level: 9 }).length;
  return { minifiedBytes: code.length, gzipBytes, brotliBytes: brotliCompressSync(code).length, gzipKB: Math.round((gzipBytes / 1024) * 10) / 10 };
}

/**
 * Leaves what the engine imports dynamically (the generated root store, the Public Suffix List) out
 * of the engine bundle, as the app's bundler makes each its own chunk.
 */
const lazyChunksExternal: Plugin = {
  name: 'lazy-chunks-external',
  setup(b) {
    b.onResolve({ filter: /roots\.generated$|^tldts$/ }, (args) => ({ path: args.path, external: true }));
  },
};

async function bundle(contents: string, plugins: Plugin[] = []): Promise<{ code: Uint8Array; metafile: Metafile }> {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts', sourcefile: 'engine-entry.ts' },
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    metafile: true,
    logLevel: 'silent',
    plugins,
  });
  return { code: result.outputFiles[0].contents, metafile: result.metafile };
}

/** Groups output bytes by npm package (`@noble/curves`) or, for our own code, by lib/ folder. */
function byPackage(metafile: Metafile): Record<string, number> {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = m ? m[1] : input.startsWith('lib/') ? input.split('/').slice(0, input.startsWith('lib/tls/') ? 3 : 2).join('/') : input;
      totals.set(key, (totals.get(key) ?? 0) + bytesInOutput);
    }
  }
  return Object.fromEntries([...totals].sort((a, b) => b[1] - a[1]).slice(0, 15));
}

export async function measureBundleSize(): Promise<BundleSizeResult> {
  if (!existsSync(ROOTS_GENERATED)) {
    // Generated at install/build time and not committed; make it the way `npm run gen:roots` does.
    execFileSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'scripts/gen-roots.ts')], { cwd: ROOT, stdio: 'ignore' });
  }
  const entry = Object.entries(ENGINE_ENTRY_MODULES)
    .map(([name, path]) => `export * as ${name} from '${path}';`)
    .join('\n');
  const engine = await bundle(entry, [lazyChunksExternal]);
  const roots = await bundle(`export * from './lib/tls/x509/roots.generated';`);
  const publicSuffixes = await bundle(`export { getPublicSuffix } from 'tldts';`);
  const { MOZILLA_ROOTS } = (await import('../lib/tls/x509/roots.generated')) as { MOZILLA_ROOTS: readonly string[] };
  const engineSize = sizeOf(engine.code);
  const targetGzipKB = 100;
  return {
    tool: 'esbuild',
    settings: 'platform browser, format esm, target es2022, minify, bundle; gzip level 9 (node:zlib)',
    engine: engineSize,
    rootStore: { ...sizeOf(roots.code), certificates: MOZILLA_ROOTS.length },
    publicSuffixList: sizeOf(publicSuffixes.code),
    engineByPackage: byPackage(engine.metafile),
    targetGzipKB,
    withinTarget: engineSize.gzipKB <= targetGzipKB,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const result = await measureBundleSize();
  if (process.argv.includes('--json')) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } else {
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    process.stdout.write(
      `engine (without root store and Public Suffix List): ${kb(result.engine.minifiedBytes)} minified, ${kb(result.engine.gzipBytes)} gzip, ${kb(result.engine.brotliBytes)} brotli ` +
        `(target ≤ ${result.targetGzipKB} KB gzip: ${result.withinTarget ? 'met' : 'MISSED'})\n` +
        `root store (${result.rootStore.certificates} certificates): ${kb(result.rootStore.minifiedBytes)} minified, ${kb(result.rootStore.gzipBytes)} gzip\n` +
        `Public Suffix List (tldts, on the first wildcard name): ${kb(result.publicSuffixList.minifiedBytes)} minified, ${kb(result.publicSuffixList.gzipBytes)} gzip\n` +
        `largest parts (minified):\n` +
        Object.entries(result.engineByPackage)
          .map(([k, v]) => `  ${kb(v).padStart(9)}  ${k}`)
          .join('\n') +
        '\n',
    );
  }
}
