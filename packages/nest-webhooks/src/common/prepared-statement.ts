import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import { sqlState } from '../shared/sql-state';

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
 * Whether the session is still good after `error`: PostgreSQL refused the statement (severity
 * ERROR) and its prepared statement is not stale. A FATAL error (the server ending the session),
 * a lost connection or a timeout on our side all close it.
 */
function keepsSession(error: unknown): boolean {
  return (
    (error as { severity?: unknown } | null)?.severity === 'ERROR' &&
    !STALE_STATEMENT.has(sqlState(error) ?? '')
  );
}

/**
 * Runs a hot statement (claim, record, group publish) on TypeORM's own pg pool, as a named
 * prepared statement when `prepare` is set: each connection then parses and plans it once and
 * after that only binds and executes. Parsing and planning these statements cost about a fifth of
 * the database's CPU per delivery. Unprepared (`prepare` false), it is an ordinary query, for
 * poolers that cannot keep prepared statements across transactions.
 *
 * The connection goes back to the pool after a statement PostgreSQL refused (the session is still
 * good), as TypeORM's own queries do: `pool.query` would close it after any error. It is closed
 * when it broke, or holds a prepared statement gone stale.
 */
export async function hotQuery<T extends QueryResultRow>(
  dataSource: DataSource,
  statement: HotStatement,
  values: unknown[],
  prepare: boolean,
): Promise<T[]> {
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  const client = await pool.connect();
  // A checked-out client has no listener of pg-pool's: without one, a connection lost mid-query
  // would be an unhandled 'error' event, and the process would exit.
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    const { rows } = await client.query<T>(
      prepare
        ? { name: statement.name, text: statement.text, values }
        : { text: statement.text, values },
    );
    return rows;
  } catch (error) {
    if (!keepsSession(error)) broken ??= error as Error;
    throw error;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}
