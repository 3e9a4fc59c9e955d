/**
 * A demo target served by another program (python3, nginx, openssl) is started only where that
 * program runs. When it does not, the other targets still start, and the registry says which target
 * is not running and why, so the page, the relay and the CLI can say it instead of calling its
 * name unknown. The missing programs here are stubs: a path where nothing is installed, and a
 * program that exits at once (nothing on the machine is uninstalled).
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { notRunningSentence, readDemoRegistry, readDemoStatus } from '../../server/demo/registry';
import { findProgram, type RunningDemo, startDemoTargets } from '../../server/demo/start';
import { resolveDemoTarget } from '../../server/runtime/nodeRun';

describe('finding a demo target’s program before starting it', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tlspg-programs-'));
    await mkdir(join(dir, 'bin'));
    await writeFile(join(dir, 'bin', 'fake-nginx'), '#!/bin/sh\nexit 0\n');
    await chmod(join(dir, 'bin', 'fake-nginx'), 0o755);
    await writeFile(join(dir, 'bin', 'not-executable'), 'data');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('a name is looked up on PATH, as execvp would; a path is taken as it is', () => {
    const path = ['/nonexistent', join(dir, 'bin')].join(':');
    assert.equal(findProgram('fake-nginx', path), join(dir, 'bin', 'fake-nginx'));
    assert.equal(findProgram(join(dir, 'bin', 'fake-nginx'), ''), join(dir, 'bin', 'fake-nginx'));
    assert.equal(findProgram('fake-nginx', '/nonexistent'), undefined, 'PATH without it');
    assert.equal(findProgram('not-executable', path), undefined, 'a file that cannot be run');
    assert.equal(findProgram('bin', dir), undefined, 'a directory');
    assert.equal(findProgram('/nonexistent/bin/nginx'), undefined);
  });
});

describe('demo targets on a machine without nginx, and with a python3 that does not start', () => {
  let dataDir: string;
  let demo: RunningDemo;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tlspg-demo-missing-'));
    demo = await startDemoTargets({ dataDir, programs: { nginx: '/nonexistent/bin/nginx', python3: '/bin/false' } });
  });
  after(async () => {
    await demo?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('the others start; the two are not started, each with why', () => {
    const running = demo.targets.map((t) => t.name);
    assert.ok(!running.includes('tls13-0rtt') && !running.includes('tls13-pha'));
    for (const name of ['tls13', 'tls13-no-0rtt', 'iis-renegotiation', 'expired']) assert.ok(running.includes(name), name);
    const why = Object.fromEntries(demo.notStarted.map(({ name, ...rest }) => [name, rest]));
    assert.deepEqual(Object.keys(why).sort(), ['tls13-0rtt', 'tls13-pha']);
    assert.deepEqual({ program: why['tls13-0rtt'].program, missing: why['tls13-0rtt'].missing }, { program: 'nginx', missing: true });
    assert.deepEqual({ program: why['tls13-pha'].program, missing: why['tls13-pha'].missing }, { program: 'false', missing: false }, 'found, but it exited');
    assert.match(why['tls13-pha'].message, /exited \(1\)/);
  });

  test('the registry keeps running targets’ endpoints apart from the targets not running', async () => {
    const file = JSON.parse(await readFile(join(dataDir, 'targets.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(file['tls13-0rtt'], { notStarted: { program: 'nginx', missing: true, message: '/nonexistent/bin/nginx is not installed (not found on PATH)' } });
    const registry = await readDemoRegistry(dataDir);
    assert.ok(registry && !('tls13-0rtt' in registry) && 'tls13' in registry, 'a reader of endpoints sees only running targets');
    const status = await readDemoStatus(dataDir);
    assert.deepEqual(Object.keys(status!.notStarted).sort(), ['tls13-0rtt', 'tls13-pha']);
    assert.equal(
      notRunningSentence('tls13-0rtt.test', status!.notStarted['tls13-0rtt']),
      'tls13-0rtt.test is a built-in demo target that is not running on this server: it needs nginx, which is not installed',
    );
  });

  test('the CLI, asked for it, says it is not running and why (not that no such target exists)', async () => {
    await assert.rejects(resolveDemoTarget('https://tls13-0rtt.test/', dataDir), {
      message: 'tls13-0rtt.test is a built-in demo target that is not running on this server: it needs nginx, which is not installed',
    });
    await assert.rejects(resolveDemoTarget('https://tls13-pha.test/secure/', dataDir), /^RunInputError: tls13-pha\.test is a built-in demo target that is not running on this server: false did not start \(/);
    assert.ok(await resolveDemoTarget('https://tls13.test/', dataDir));
    await assert.rejects(resolveDemoTarget('https://nothing.test/', dataDir), /no demo target named "nothing"/);
  });
});
