/**
 * Child process for sqlite.test.ts: saves the trace read from stdin into the SQLite store at argv[2],
 * prints the id, and then waits to be killed without closing anything.
 */
import { SqliteResultStore } from '../../server/store/sqlite';

let input = '';
process.stdin.on('data', (c: Buffer) => (input += c.toString()));
process.stdin.on('end', () => {
  const store = new SqliteResultStore({ path: process.argv[2] });
  void store.saveJson(input).then(({ id }) => {
    process.stdout.write(`${id}\n`);
    setInterval(() => {}, 1000);
  });
});
