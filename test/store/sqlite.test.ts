/**
 * The SQLite result store (the embedded default) against a real database file: the shared
 * contract, plus what is particular to a file: created on first use, WAL, a process killed right
 * after saving loses nothing.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { SqliteResultStore } from '../../server/store/sqlite';
import { resultStoreContract, uniqueTrace } from './contract';

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tlspg-sqlite-store-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

resultStoreContract('SQLite', () => ({
  open: (options) => new SqliteResultStore({ path: join(dir, 'contract', 'results.db'), ...options }),
}));

describe('SQLite store specifics', () => {
  test('the directory and the file are created on first use, not when the store is constructed', async () => {
    const path = join(dir, 'lazy', 'nested', 'results.db');
    const store = new SqliteResultStore({ path });
    try {
      assert.equal(existsSync(join(dir, 'lazy')), false);
      await store.save(uniqueTrace());
      assert.equal(existsSync(path), true);
    } finally {
      await store.close();
    }
  });

  test('the database runs in WAL mode', async () => {
    const path = join(dir, 'wal', 'results.db');
    const store = new SqliteResultStore({ path });
    await store.get('AAAAAAAAAAAAAAAAAAAAAA');
    await store.close();
    const db = new Database(path, { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      db.close();
    }
  });

  test('a process killed (SIGKILL) right after a save loses nothing', async () => {
    const path = join(dir, 'killed', 'results.db');
    const trace = uniqueTrace();
    const script = fileURLToPath(new URL('./saveAndHang.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, path], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdin.end(JSON.stringify(trace));
    const id = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.on('exit', (code) => reject(new Error(`the saving process exited early (${code})`)));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const store = new SqliteResultStore({ path });
    try {
      assert.deepEqual(await store.get(id), trace);
    } finally {
      await store.close();
    }
  });
});
