/**
 * The layering rules of ARCHITECTURE.md, checked over the source files themselves: every `import`
 * and `export … from` (type-only ones too: a type cycle is still two modules that must be read
 * together) is resolved to a file, and the graph must keep its shape.
 *
 * - lib/tls has no import cycles (each module can be read after the ones it imports);
 * - nothing in lib/ or components/ imports from app/ (app/ is the top layer);
 * - lib/ is isomorphic: no `node:` module, except the TCP transport that exists to wrap node:net;
 * - what the engine loads on demand (the Public Suffix List, the generated root store) is imported
 *   with import() only, so the browser's engine chunk stays within its size budget.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out.sort();
}

/** Every module specifier a file names in a static import, re-export or dynamic import(). */
function specifiers(source: string): string[] {
  // Comments can mention imports in prose; strip them before matching.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const found: string[] = [];
  for (const m of code.matchAll(/\b(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\sfrom\s+)?['"]([^'"]+)['"]/g)) found.push(m[1]);
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]);
  return found;
}

/** The repository file a relative or `@/` specifier names, or undefined for a package or built-in. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  let base: string;
  if (specifier.startsWith('@/')) base = specifier.slice(2);
  else if (specifier.startsWith('.')) base = join(dirname(from), specifier);
  else return undefined;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    const full = join(root, candidate);
    if (existsSync(full) && statSync(full).isFile()) return relative(root, full);
  }
  throw new Error(`${from}: cannot resolve import '${specifier}'`);
}

interface Edge { from: string; to: string; specifier: string }

function edgesOf(dirs: string[]): Edge[] {
  const edges: Edge[] = [];
  for (const file of dirs.flatMap(sourceFiles)) {
    for (const specifier of specifiers(readFileSync(join(root, file), 'utf8'))) {
      const to = resolveSpecifier(file, specifier) ?? specifier;
      edges.push({ from: file, to, specifier });
    }
  }
  return edges;
}

/** Strongly connected components of more than one file (or a file importing itself), by Tarjan. */
function cycles(edges: Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (next.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('import graph', () => {
  it('finds the imports it checks (the parser is not silently blind)', () => {
    const edges = edgesOf(['lib']);
    assert.ok(edges.some((e) => e.from === 'lib/tls/client/client.ts' && e.to === 'lib/tls/errors.ts'));
    assert.ok(edges.some((e) => e.from === 'lib/transport/tcp.ts' && e.to === 'node:net'));
    assert.deepEqual(cycles([{ from: 'a', to: 'b', specifier: '' }, { from: 'b', to: 'a', specifier: '' }]), [['a', 'b']]);
  });

  it('has no import cycles inside lib/tls', () => {
    const inside = edgesOf(['lib/tls']).filter((e) => e.to.startsWith('lib/tls/'));
    assert.deepEqual(cycles(inside), []);
  });

  it('never imports from app/ into lib/ or components/', () => {
    const upward = edgesOf(['lib', 'components']).filter((e) => e.to.startsWith('app/'));
    assert.deepEqual(upward.map((e) => `${e.from} → ${e.to}`), []);
  });

  it('keeps lib/ free of node: modules except the TCP transport', () => {
    const isNode = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]);
    const node = edgesOf(['lib']).filter((e) => isNode(e.specifier) && e.from !== 'lib/transport/tcp.ts');
    assert.deepEqual(node.map((e) => `${e.from} → ${e.specifier}`), []);
  });

  it('imports the Public Suffix List and the root store only on demand (import()), from one module each', () => {
    const code = (file: string) => readFileSync(join(root, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
    const lazy: Record<string, string> = { tldts: 'lib/tls/x509/publicSuffix.ts', './roots.generated': 'lib/tls/x509/roots.ts' };
    const seen = new Set<string>();
    for (const edge of edgesOf(['lib', 'components', 'app'])) {
      const target = edge.specifier === 'tldts' || edge.specifier.startsWith('tldts/') ? 'tldts' : /roots\.generated$/.test(edge.specifier) ? './roots.generated' : undefined;
      if (!target) continue;
      seen.add(target);
      assert.equal(edge.from, lazy[target], `${edge.from} imports ${edge.specifier}`);
      const source = code(edge.from);
      assert.ok(source.includes(`import('${edge.specifier}')`), `${edge.from} imports ${edge.specifier} with import()`);
      assert.doesNotMatch(source, new RegExp(`\\b(?:import|export)\\s[^;(]*?from\\s+['"]${edge.specifier.replace(/[.]/g, '\\.')}['"]`), `${edge.from}: no static import of ${edge.specifier}`);
    }
    assert.deepEqual([...seen].sort(), Object.keys(lazy).sort(), 'both on-demand imports were found');
  });
});
