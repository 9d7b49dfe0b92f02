import { DataSource } from 'typeorm';
import { hotQuery } from '../../packages/nest-webhooks/src/common/prepared-statement';
import { isRefusedStatement, sqlState } from 'nest-webhooks/shared';
import { createTestDatabase } from '../support/database';
import { eventually } from '../support/receiver';
import { TcpProxy } from '../support/tcp-proxy';

/**
 * The dispatcher's hot statements run on TypeORM's own pool, prepared once per connection unless
 * the host turned prepared statements off (a pooler in transaction mode cannot keep them).
 */
describe('hotQuery', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('hot_query');
    // One connection: the session that prepared a statement is the one asked about it (as long
    // as it lives).
    dataSource = new DataSource({ type: 'postgres', url: database.url, extra: { max: 1 } });
    await dataSource.initialize();
    await dataSource.query(`CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL CHECK (n >= 0))`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const preparedNames = async () =>
    (
      await dataSource.query<{ name: string }[]>(
        `SELECT name FROM pg_prepared_statements ORDER BY name`,
      )
    ).map((r) => r.name);

  const insert = {
    name: 'test_insert',
    text: `INSERT INTO t (id, n) VALUES ($1, $2) RETURNING id, n`,
  };

  it('prepares a statement once and runs it again by name, returning its rows', async () => {
    expect(await hotQuery(dataSource, insert, [1, 10], true)).toEqual([{ id: 1, n: 10 }]);
    expect(await hotQuery(dataSource, insert, [2, 20], true)).toEqual([{ id: 2, n: 20 }]);
    expect(await preparedNames()).toEqual(['test_insert']);
  });

  it('runs an unnamed statement when prepared statements are off', async () => {
    const select = { name: 'test_select', text: `SELECT count(*)::int AS c FROM t WHERE n > $1` };
    expect(await hotQuery(dataSource, select, [0], false)).toEqual([{ c: 2 }]);
    expect(await preparedNames()).not.toContain('test_select');
  });

  const backendPid = async () =>
    (await dataSource.query<{ pid: number }[]>(`SELECT pg_backend_pid() AS pid`))[0].pid;

  it("passes PostgreSQL's refusal on with its SQLSTATE, stores nothing, and keeps the connection", async () => {
    const pid = await backendPid();
    const error = await hotQuery(dataSource, insert, [3, -1], true).catch((e: unknown) => e);
    expect(sqlState(error)).toBe('23514');
    expect(isRefusedStatement(error)).toBe(true);
    const rows = await dataSource.query<{ c: number }[]>(`SELECT count(*)::int AS c FROM t`);
    expect(rows[0].c).toBe(2);
    // Same session, its prepared statement still there and working.
    expect(await backendPid()).toBe(pid);
    expect(await hotQuery(dataSource, insert, [3, 30], true)).toEqual([{ id: 3, n: 30 }]);
    expect(await preparedNames()).toContain('test_insert');
  });

  it('a connection cut mid-statement rejects the call, with no unhandled error event; the next call connects again', async () => {
    // The same database through a proxy that can cut the socket (no goodbye from the server).
    const proxy = await TcpProxy.start(database.url);
    const cut = new DataSource({
      type: 'postgres',
      url: proxy.rewrite(database.url),
      extra: { max: 1 },
    });
    await cut.initialize();
    try {
      const pid = (await cut.query<{ pid: number }[]>(`SELECT pg_backend_pid() AS pid`))[0].pid;
      const slow = hotQuery(cut, { name: 'test_slow', text: `SELECT pg_sleep(10)` }, [], true).then(
        () => null,
        (error: unknown) => error,
      );
      await eventually(
        async () => {
          const [row] = await dataSource.query<{ active: boolean }[]>(
            `SELECT state = 'active' AS active FROM pg_stat_activity WHERE pid = $1`,
            [pid],
          );
          return row?.active ?? false;
        },
        5_000,
        20,
      );
      await proxy.down();
      expect(String(await slow)).toMatch(/Connection terminated unexpectedly/);
      await proxy.up();
      expect(await hotQuery(cut, { name: 'test_one', text: `SELECT 1 AS one` }, [], true)).toEqual([
        { one: 1 },
      ]);
    } finally {
      await cut.destroy();
      await proxy.close();
    }
  });

  it('a prepared statement whose result type changed takes its connection with it; the next one prepares it again', async () => {
    const all = { name: 'test_all', text: `SELECT * FROM t WHERE id = $1` };
    expect(await hotQuery(dataSource, all, [1], true)).toEqual([{ id: 1, n: 10 }]);
    const pid = await backendPid();
    await dataSource.query(`ALTER TABLE t ADD COLUMN note text`);
    const error = await hotQuery(dataSource, all, [1], true).catch((e: unknown) => e);
    expect(sqlState(error)).toBe('0A000');
    expect(await backendPid()).not.toBe(pid);
    expect(await hotQuery(dataSource, all, [1], true)).toEqual([{ id: 1, n: 10, note: null }]);
  });
});
