import type { QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';

/** A statement run often enough to be worth preparing: its name is unique in the module. */
export interface HotStatement {
  name: string;
  text: string;
}

/** The part of pg's pool used here (TypeORM's PostgreSQL driver keeps it as `master`). */
interface PgPool {
  query<T extends QueryResultRow>(config: {
    name?: string;
    text: string;
    values: unknown[];
  }): Promise<{ rows: T[] }>;
}

/**
 * Runs a hot statement (claim, record, group publish) on TypeORM's own pg pool, as a named
 * prepared statement when `prepare` is set: each connection then parses and plans it once and
 * after that only binds and executes. Parsing and planning these statements cost about a fifth of
 * the database's CPU per delivery. Unprepared (`prepare` false), it is an ordinary query, for
 * poolers that cannot keep prepared statements across transactions.
 */
export async function hotQuery<T extends QueryResultRow>(
  dataSource: DataSource,
  statement: HotStatement,
  values: unknown[],
  prepare: boolean,
): Promise<T[]> {
  const pool = (dataSource.driver as unknown as { master: PgPool }).master;
  const { rows } = await pool.query<T>(
    prepare
      ? { name: statement.name, text: statement.text, values }
      : { text: statement.text, values },
  );
  return rows;
}
