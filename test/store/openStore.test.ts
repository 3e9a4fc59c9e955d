/**
 * openStore: the environment picks the store. (PostgreSQL selection is tested in postgres.test.ts,
 * against a real server.)
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_RESULTS_DB, StoreError, openStore } from '../../server/store';
import { uniqueTrace } from './contract';

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tlspg-open-store-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openStore(env)', () => {
  test('without DATABASE_URL: SQLite at RESULTS_DB', async () => {
    const path = join(dir, 'results.db');
    const store = await openStore({ RESULTS_DB: path });
    try {
      assert.equal(store.kind, 'sqlite');
      const { id } = await store.save(uniqueTrace());
      assert.ok(existsSync(path));
      assert.ok(await store.get(id));
    } finally {
      await store.close();
    }
  });

  test('the default SQLite path is ./data/results.db', () => {
    assert.equal(DEFAULT_RESULTS_DB, './data/results.db');
  });

  test('RESULTS_MAX_BYTES sets the size cap; a bad value is refused at startup', async () => {
    const store = await openStore({ RESULTS_DB: join(dir, 'capped.db'), RESULTS_MAX_BYTES: '1000' });
    try {
      await assert.rejects(store.save(uniqueTrace(1000)), (err: unknown) => err instanceof StoreError && err.code === 'TOO_LARGE' && /limited to 1000 bytes/.test(err.message));
    } finally {
      await store.close();
    }
    for (const bad of ['0', '-5', '2MB', '1.5']) {
      await assert.rejects(openStore({ RESULTS_DB: join(dir, 'x.db'), RESULTS_MAX_BYTES: bad }), /RESULTS_MAX_BYTES must be a positive number of bytes/);
    }
  });
});
