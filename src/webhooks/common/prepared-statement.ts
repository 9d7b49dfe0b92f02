import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import { sqlState } from './sql-state';

/** A statement run often enough to be worth preparing: its name is unique in the module. */
export interface HotStatement {
  name: string;
  text: string;
}

/**
 * A prepared statement this session can no longer run (its result type changed: 0A000, or it is
 * gone: 26000): the connection goes, and the next one prepares it afresh.
 */
const STALE_STATEMENT = new Set(['0A000', '26000']);

/**
 * Runs a hot statement (claim, record, group publish) on TypeORM's own pg pool, as a named
 * prepared statement when `prepare` is set: each connection then parses and plans it once and
 * after that only binds and executes. Parsing and planning these statements cost about a fifth of
 * the database's CPU per delivery. Unprepared (`prepare` false), it is an ordinary query, for
 * poolers that cannot keep prepared statements across transactions.
 *
 * The connection goes back to the pool after an error PostgreSQL answered (a refused statement
 * leaves the session usable; pg-pool drops a broken connection by itself), as TypeORM's own
 * queries do: `pool.query` would close it after any error.
 */
export async function hotQuery<T extends QueryResultRow>(
  dataSource: DataSource,
  statement: HotStatement,
  values: unknown[],
  prepare: boolean,
): Promise<T[]> {
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  const client = await pool.connect();
  try {
    const { rows } = await client.query<T>(
      prepare
        ? { name: statement.name, text: statement.text, values }
        : { text: statement.text, values },
    );
    client.release();
    return rows;
  } catch (error) {
    client.release(STALE_STATEMENT.has(sqlState(error) ?? '') ? (error as Error) : undefined);
    throw error;
  }
}
