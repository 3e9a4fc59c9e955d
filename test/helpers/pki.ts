/**
 * The standard test PKI (server/pki createTestPki), shared by every test process of this user:
 * generated once into a directory under the system temp dir and reused afterwards (RSA key
 * generation is the slow part). Test files run in parallel processes, so a lock directory keeps
 * two processes from writing the same certificate and key files at once.
 */
import { mkdir, rmdir, stat } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { type TestPki, createTestPki } from '../../server/pki';

/** TLSPG_TEST_PKI_DIR overrides the location (the helper's own test uses a fresh directory). */
const SHARED_DIR = process.env.TLSPG_TEST_PKI_DIR ?? join(tmpdir(), `tlspg-test-pki-${userInfo().username}`);
/** A lock older than this belongs to a process that died while holding it. */
const STALE_LOCK_MS = 60_000;

async function withLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await stat(lockDir).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > STALE_LOCK_MS) await rmdir(lockDir).catch(() => {});
      if (Date.now() - started > 2 * STALE_LOCK_MS) throw new Error(`could not lock ${lockDir}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    await rmdir(lockDir).catch(() => {});
  }
}

let shared: Promise<TestPki> | undefined;

/** The shared standard test PKI (root, intermediate, localhost leaves per key type, failure cases, client). */
export function sharedTestPki(): Promise<TestPki> {
  shared ??= (async () => {
    await mkdir(SHARED_DIR, { recursive: true, mode: 0o700 });
    return withLock(join(SHARED_DIR, '.lock'), () => createTestPki(SHARED_DIR));
  })();
  return shared;
}
