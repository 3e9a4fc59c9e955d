/** What the pack script lets into the package: runtime dependencies only, bundled, never native addons. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Metafile } from 'esbuild';
import { bundledPackages, packageOfPath, PackError } from '../../scripts/pack';

const root = { name: 'tls-playground', version: '1.0.0', dependencies: { '@noble/curves': '2.4', ws: '8.23' }, devDependencies: { tsx: '^4', '@noble/hashes': '2.4' } };
const manifests: Record<string, { name: string; version: string; license?: string; gypfile?: boolean; dependencies?: Record<string, string> }> = {
  'node_modules/@noble/curves': { name: '@noble/curves', version: '2.4.0', license: 'MIT', dependencies: { '@noble/hashes': '2.4.0' } },
  'node_modules/@noble/hashes': { name: '@noble/hashes', version: '2.4.0', license: 'MIT' },
  'node_modules/ws': { name: 'ws', version: '8.23.0', license: 'MIT', gypfile: true },
  'node_modules/tsx': { name: 'tsx', version: '4.0.0', license: 'MIT' },
};

function metafile(inputs: string[], externals: string[] = []): Metafile {
  return {
    inputs: Object.fromEntries(inputs.map((p) => [p, { bytes: 1, imports: [] }])),
    outputs: { 'dist/cli.js': { bytes: 1, inputs: {}, imports: externals.map((path) => ({ path, kind: 'import-statement' as const, external: true })), exports: [], entryPoint: 'cli/main.ts' } },
  };
}

describe('the package contents check', () => {
  it('names the npm package of a bundled file, scoped or not, nested or not', () => {
    assert.deepEqual(packageOfPath('node_modules/@noble/curves/nist.js'), { name: '@noble/curves', dir: 'node_modules/@noble/curves' });
    assert.deepEqual(packageOfPath('node_modules/a/node_modules/b/lib/x.js'), { name: 'b', dir: 'node_modules/a/node_modules/b' });
    assert.equal(packageOfPath('lib/run/run.ts'), undefined);
  });

  it('lists each runtime dependency the code imports once, with version and licence', () => {
    const found = bundledPackages(metafile(['lib/run/run.ts', 'node_modules/@noble/curves/nist.js', 'node_modules/@noble/curves/abstract/weierstrass.js'], ['node:net', 'fs']), root, (d) => manifests[d] as never);
    assert.deepEqual(found.map(({ name, version, license }) => ({ name, version, license })), [{ name: '@noble/curves', version: '2.4.0', license: 'MIT' }]);
  });

  it('accepts what a runtime dependency depends on, even when it is also a devDependency', () => {
    const found = bundledPackages(metafile(['node_modules/@noble/curves/nist.js', 'node_modules/@noble/hashes/sha2.js']), root, (d) => manifests[d] as never);
    assert.deepEqual(found.map((p) => p.name), ['@noble/curves', '@noble/hashes']);
  });

  it('refuses a devDependency imported by the package code, naming the file', () => {
    assert.throws(() => bundledPackages(metafile(['node_modules/tsx/dist/loader.js']), root, (d) => manifests[d] as never), (e: Error) => e instanceof PackError && /tsx\/dist\/loader\.js .* lists tsx only in devDependencies/.test(e.message));
  });

  it('refuses a native addon', () => {
    assert.throws(() => bundledPackages(metafile(['node_modules/ws/index.js']), root, (d) => manifests[d] as never), /ws is a native addon/);
  });

  it('refuses an external import that is not a Node built-in', () => {
    assert.throws(() => bundledPackages(metafile([], ['left-pad']), root, (d) => manifests[d] as never), /imports left-pad, which is neither bundled nor a Node built-in/);
  });
});
