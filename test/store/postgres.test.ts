/**
 * The PostgreSQL result store against a real PostgreSQL server that this test starts (Debian's
 * postgresql package, a throwaway cluster on loopback): the shared contract, plus what is
 * particular to a shared server: the table is created on first use, safely even when several app
 * instances start at once, and the stored text is exactly the canonical JSON that was hashed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { canonicalTraceJson } from '../../lib/export/json';
import { StoreError, openStore } from '../../server/store';
import { PostgresResultStore } from '../../server/store/postgres';
import { type PostgresServer, startPostgres } from '../helpers/postgres';
import { resultStoreContract, uniqueTrace } from './contract';

let server: PostgresServer;
let contractUrl: string;

before(async () => {
  server = await startPostgres();
  contractUrl = await server.createDatabase('contract');
});

after(async () => {
  await server?.stop();
});

resultStoreContract('PostgreSQL', () => ({
  open: (options) => new PostgresResultStore({ connectionString: contractUrl, ...options }),
}));

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const tableExists = async (url: string) => (await query<{ t: string | null }>(url, "SELECT to_regclass('public.saved_results')::text AS t"))[0].t !== null;

describe('PostgreSQL store specifics', () => {
  test('the table is created on first use, not when the store is constructed', async () => {
    const url = await server.createDatabase('first_use');
    const store = new PostgresResultStore({ connectionString: url });
    try {
      assert.equal(await tableExists(url), false);
      assert.equal(await store.get('AAAAAAAAAAAAAAAAAAAAAA'), null);
      assert.equal(await tableExists(url), true);
    } finally {
      await store.close();
    }
  });

  test('ten app instances starting at once on an empty database all save (schema creation is serialized)', async () => {
    const url = await server.createDatabase('many_instances');
    const stores = Array.from({ length: 10 }, () => new PostgresResultStore({ connectionString: url }));
    try {
      const trace = uniqueTrace();
      const results = await Promise.all(stores.map((s) => s.save(trace)));
      assert.equal(results.filter((r) => r.created).length, 1);
      assert.equal(new Set(results.map((r) => r.id)).size, 1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  test('the row holds the canonical JSON byte for byte (text, not jsonb) and its size', async () => {
    const store = new PostgresResultStore({ connectionString: contractUrl });
    try {
      const trace = uniqueTrace(100);
      const { id } = await store.save(trace);
      const [row] = await query<{ trace: string; size_bytes: number }>(contractUrl, 'SELECT trace, size_bytes FROM saved_results WHERE id = $1', [id]);
      assert.equal(row.trace, canonicalTraceJson(trace));
      assert.equal(row.size_bytes, Buffer.byteLength(row.trace));
    } finally {
      await store.close();
    }
  });

  test('openStore picks PostgreSQL when DATABASE_URL is set', async () => {
    const store = await openStore({ DATABASE_URL: contractUrl, RESULTS_DB: '/nonexistent/should-not-be-used.db' });
    try {
      assert.equal(store.kind, 'postgresql');
      const trace = uniqueTrace();
      const { id } = await store.save(trace);
      assert.deepEqual(await store.get(id), trace);
    } finally {
      await store.close();
    }
  });

  test('a database it cannot use: UNAVAILABLE with the reason, not a crash', async () => {
    const store = new PostgresResultStore({ connectionString: `postgresql://postgres@127.0.0.1:${server.port}/no_such_database` });
    try {
      await assert.rejects(store.save(uniqueTrace()), (err: unknown) => {
        assert.ok(err instanceof StoreError);
        assert.equal(err.code, 'UNAVAILABLE');
        assert.match(err.message, /cannot create the saved_results table .*no_such_database/);
        return true;
      });
    } finally {
      await store.close();
    }
  });
});
