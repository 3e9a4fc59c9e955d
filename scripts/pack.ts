/**
 * `npm run pack`: the installable package `tls-playground` — the CLI (`bin`) and the engine as a
 * library (`tls-playground/engine`, `/trace`, `/node`) — compiled from the same sources the
 * repository runs with tsx, into `<out>/package/`, then `npm pack` there: `<out>/tls-playground-<version>.tgz`.
 *
 *   npx tsx scripts/pack.ts [--out DIR]     (default DIR: build)
 *
 * JavaScript: esbuild bundles each entry point to ESM for Node 20, code split so the entries share
 * chunks; the root store stays its own chunk, loaded on the first run that needs it. The npm
 * packages the code imports (@noble/*) are bundled in: the package has no dependencies, so it
 * installs from its tarball alone (offline: `npm install -g ./tls-playground-<version>.tgz`; a declared
 * dependency would make npm fetch its full registry metadata, which `npm ci` never caches, and `npx`
 * would resolve a dependency tree on every first run). Which packages
 * get bundled is read from what the entry points import, not from a list: each must be a runtime
 * `dependency` of the root package.json (never only a devDependency) and plain JavaScript (no native
 * addon), or one of theirs; their licences go into THIRD_PARTY_LICENSES.md.
 * Types: tsc emits declarations for the library entry points, with relative imports ending in `.js`
 * so they resolve under `moduleResolution: node16/nodenext` as well as `bundler`.
 */
import { build, type Metafile } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The package's entry points: the CLI, and the three library subpaths of `exports`. */
export const ENTRY_POINTS = {
  cli: 'cli/main.ts',
  engine: 'pkg/engine.ts',
  trace: 'pkg/trace.ts',
  node: 'pkg/node.ts',
} as const;
const LIBRARY_ENTRIES = ['engine', 'trace', 'node'] as const;

interface Manifest {
  name: string;
  version: string;
  license?: string;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  gypfile?: boolean;
}

export interface BundledPackage {
  name: string;
  version: string;
  license: string;
  /** The package's directory in node_modules (for its licence text). */
  dir: string;
}

/** Appended to the package's README while the root package.json names no licence. */
export const NO_LICENCE_YET =
  '\n## Licence\n\nNone declared yet: the owners of TLS Playground have not chosen a licence for this package ' +
  '(its package.json has no `license` field). The code bundled from other packages keeps its own licences (THIRD_PARTY_LICENSES.md).\n';

export class PackError extends Error {
  override name = 'PackError';
}

/** `…/node_modules/@scope/name/file.js` → `{ name: '@scope/name', dir: '…/node_modules/@scope/name' }`. */
export function packageOfPath(path: string): { name: string; dir: string } | undefined {
  const parts = path.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const scoped = parts[at + 1].startsWith('@');
  const name = scoped ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1];
  return { name, dir: parts.slice(0, at + (scoped ? 3 : 2)).join('/') };
}

/**
 * The npm packages the build pulled in, from esbuild's metafile, checked against the root manifest:
 * each must be a runtime dependency and must not be a native addon (it could not be bundled).
 * `readManifest` reads a package directory's package.json (injected for tests).
 */
export function bundledPackages(metafile: Metafile, root: Manifest, readManifest: (dir: string) => Manifest): BundledPackage[] {
  const runtime = runtimeClosure(root, readManifest);
  const found = new Map<string, BundledPackage>();
  for (const input of Object.keys(metafile.inputs)) {
    const pkg = packageOfPath(input);
    if (!pkg || found.has(pkg.name)) continue;
    if (!runtime.has(pkg.name)) {
      const where = root.devDependencies?.[pkg.name] ? 'only in devDependencies' : 'not at all';
      throw new PackError(`${input} is imported by the package's code, but the root package.json lists ${pkg.name} ${where}: move it to dependencies, or keep it out of cli/, pkg/ and what they import`);
    }
    const manifest = readManifest(pkg.dir);
    if (manifest.gypfile || existsSync(join(pkg.dir, 'binding.gyp'))) {
      throw new PackError(`${pkg.name} is a native addon and cannot be bundled; the CLI and the library must not import it (${input})`);
    }
    found.set(pkg.name, { name: pkg.name, version: manifest.version, license: manifest.license ?? 'UNKNOWN', dir: pkg.dir });
  }
  // Anything esbuild left external must be a Node built-in: the package declares no dependencies.
  for (const [file, output] of Object.entries(metafile.outputs)) {
    for (const imp of output.imports) {
      if (imp.external && !imp.path.startsWith('node:') && !builtinModules.includes(imp.path)) {
        throw new PackError(`${file} imports ${imp.path}, which is neither bundled nor a Node built-in`);
      }
    }
  }
  return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The root's runtime dependencies and theirs, by name (what a production install would hold). */
function runtimeClosure(root: Manifest, readManifest: (dir: string) => Manifest): Set<string> {
  const names = new Set<string>();
  const queue = Object.keys(root.dependencies ?? {});
  while (queue.length) {
    const name = queue.shift()!;
    if (names.has(name)) continue;
    names.add(name);
    let manifest: Manifest;
    try {
      manifest = readManifest(`node_modules/${name}`);
    } catch {
      continue; // an optional dependency not installed on this platform
    }
    queue.push(...Object.keys(manifest.dependencies ?? {}));
  }
  return names;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** The licence notices the bundled packages ask to be kept with copies of them. */
function thirdPartyLicenses(packages: BundledPackage[]): string {
  const sections = packages.map((p) => {
    const file = readdirSync(p.dir).find((f) => /^(licen[sc]e|copying)(\.|$)/i.test(f));
    const text = file ? readFileSync(join(p.dir, file), 'utf8').trim() : `(no licence file; package.json says ${p.license})`;
    return `## ${p.name} ${p.version} (${p.license})\n\n\`\`\`\n${text}\n\`\`\`\n`;
  });
  return `# Third-party code bundled into this package\n\nThe files in dist/ include the following packages.\n\n${sections.join('\n')}`;
}

/** Declarations say `from '../lib/run/run'`; Node's ESM resolution wants the file: `'../lib/run/run.js'`. */
async function addJsExtensions(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      await addJsExtensions(path);
      continue;
    }
    if (!name.endsWith('.d.ts')) continue;
    const text = await readFile(path, 'utf8');
    const fixed = text.replace(/(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\2/g, (whole, lead: string, quote: string, spec: string) => {
      if (/\.js$/.test(spec)) return whole;
      const target = resolve(dirname(path), spec);
      if (existsSync(`${target}.d.ts`)) return `${lead}${quote}${spec}.js${quote}`;
      if (existsSync(join(target, 'index.d.ts'))) return `${lead}${quote}${spec}/index.js${quote}`;
      throw new PackError(`${relative(ROOT, path)}: cannot resolve ${spec}`);
    });
    const bare = [...fixed.matchAll(/\bfrom\s+['"]([^'".][^'"]*)['"]/g)].map((m) => m[1]).filter((s) => !s.startsWith('node:') && !builtinModules.includes(s));
    if (bare.length) throw new PackError(`${relative(ROOT, path)} refers to ${bare.join(', ')}: the package's types may only refer to its own files and Node's`);
    if (fixed !== text) await writeFile(path, fixed);
  }
}

export interface PackResult {
  /** The staged package directory (what the tarball contains). */
  packageDir: string;
  tarball: string;
  version: string;
  bundled: BundledPackage[];
  /** The root package.json's licence, which the package carries; undefined while none is chosen. */
  license: string | undefined;
}

export async function pack(outDir: string): Promise<PackResult> {
  const root = readJson<Manifest>(join(ROOT, 'package.json'));
  const engineVersion = /ENGINE_VERSION = '([^']+)'/.exec(readFileSync(join(ROOT, 'lib/run/version.ts'), 'utf8'))?.[1];
  if (engineVersion !== root.version) throw new PackError(`package.json says ${root.version} but lib/run/version.ts ENGINE_VERSION says ${engineVersion}: traces name the engine version, keep them equal`);
  if (!existsSync(join(ROOT, 'lib/tls/x509/roots.generated.ts'))) throw new PackError('the root store has not been generated: run npm run gen:roots');

  const out = resolve(outDir);
  const packageDir = join(out, 'package');
  await rm(packageDir, { recursive: true, force: true });
  await mkdir(join(packageDir, 'bin'), { recursive: true });

  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRY_POINTS,
    outdir: join(packageDir, 'dist'),
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    metafile: true,
    legalComments: 'eof',
    logLevel: 'warning',
  });
  const bundled = bundledPackages(result.metafile, root, (dir) => readJson<Manifest>(join(ROOT, dir, 'package.json')));

  const configPath = join(out, 'tsconfig.declarations.json');
  await writeFile(
    configPath,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: { noEmit: false, declaration: true, emitDeclarationOnly: true, incremental: false, rootDir: ROOT, typeRoots: [join(ROOT, 'node_modules/@types')], outDir: join(packageDir, 'types'), plugins: [] },
      files: LIBRARY_ENTRIES.map((e) => join(ROOT, ENTRY_POINTS[e])),
      include: [],
    }),
  );
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', configPath], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer };
    throw new PackError(`tsc could not emit the declarations:\n${err.stdout?.toString() ?? ''}${err.stderr?.toString() ?? ''}`);
  }
  await rm(configPath);
  await addJsExtensions(join(packageDir, 'types'));

  // A two-line bin: the CLI module runs on import, and npm makes this file executable on install.
  const bin = join(packageDir, 'bin', 'tls-playground.js');
  await writeFile(bin, "#!/usr/bin/env node\nimport '../dist/cli.js';\n");
  await chmod(bin, 0o755);

  const exportsMap: Record<string, unknown> = {};
  for (const e of LIBRARY_ENTRIES) exportsMap[`./${e}`] = { types: `./types/pkg/${e}.d.ts`, default: `./dist/${e}.js` };
  exportsMap['./package.json'] = './package.json';
  const manifest = {
    name: 'tls-playground',
    version: root.version,
    description: 'A real TLS handshake, step by step: a TLS 1.3/1.2 client in TypeScript that records every byte, with a renegotiation doctor. CLI and library.',
    keywords: ['tls', 'ssl', 'handshake', 'renegotiation', 'rustls', 'iis', 'x509', 'debugging', 'cli'],
    type: 'module',
    bin: { 'tls-playground': 'bin/tls-playground.js' },
    exports: exportsMap,
    files: ['bin', 'dist', 'types', 'README.md', 'THIRD_PARTY_LICENSES.md'],
    engines: root.engines,
    ...(root.license ? { license: root.license } : {}),
    // No "dependencies": everything the code imports is in dist/ (see THIRD_PARTY_LICENSES.md).
  };
  await writeFile(join(packageDir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  // The licence is the owners' to choose; until root package.json names one, the package says so
  // plainly rather than let an absent field be read as any particular licence.
  await writeFile(join(packageDir, 'README.md'), (await readFile(join(ROOT, 'pkg', 'README.md'), 'utf8')) + (root.license ? '' : NO_LICENCE_YET));
  await writeFile(join(packageDir, 'THIRD_PARTY_LICENSES.md'), thirdPartyLicenses(bundled));

  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] }).toString()) as { filename: string }[];
  return { packageDir, tarball: join(out, basename(packed[0].filename)), version: root.version, bundled, license: root.license };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  const outDir = i > 0 ? process.argv[i + 1] : join(ROOT, 'build');
  pack(outDir)
    .then((r) => {
      process.stderr.write(`bundled: ${r.bundled.map((p) => `${p.name}@${p.version}`).join(', ') || 'nothing'}\n`);
      if (!r.license) process.stderr.write('note: package.json names no licence, so the package declares none (its README says so); choose one before publishing\n');
      process.stdout.write(`${r.tarball}\n`);
    })
    .catch((e: unknown) => {
      process.stderr.write(`pack: ${(e as Error).message}\n`);
      process.exit(1);
    });
}
