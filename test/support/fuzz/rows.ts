import type { DataSource } from 'typeorm';
import { sleep } from '../time';

// What the app stored: every row of every application table, counted and hashed, so that a run
// whose requests were all refused can be shown to have changed nothing.

/** Per table: how many rows, and an md5 of all of them. */
export type Snapshot = Map<string, { rows: number; hash: string }>;

/** The query that snapshots every table of the app's schema (not the migrations). */
export async function snapshotQuery(dataSource: DataSource): Promise<string> {
  const tables = await dataSource.query<{ table_name: string }[]>(
    `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'migrations'
       ORDER BY table_name`,
  );
  return tables
    .map(
      ({ table_name: name }) =>
        `SELECT '${name}' AS t, count(*)::int AS n,
                  md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h
           FROM "${name}" x`,
    )
    .join(' UNION ALL ');
}

export async function snapshot(dataSource: DataSource, sql: string): Promise<Snapshot> {
  const rows = await dataSource.query<{ t: string; n: number; h: string }[]>(sql);
  return new Map(rows.map((r) => [r.t, { rows: r.n, hash: r.h }]));
}

export function differences(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  for (const [table, was] of before) {
    const now = after.get(table);
    if (!now || now.rows !== was.rows || now.hash !== was.hash) {
      out.push(
        `${table}: ${was.rows} -> ${now?.rows ?? '?'} rows${now && now.rows === was.rows ? ' (a row changed)' : ''}`,
      );
    }
  }
  return out;
}

/**
 * Waits until no delivery is being sent or due within a minute, so the dispatcher cannot write
 * while a run is measured. Deliveries still due after a while (a fuzzed subscription that
 * fails and retries fast) are cancelled: they belong to earlier, accepted requests.
 */
export async function quiesce(dataSource: DataSource): Promise<void> {
  const busySql = `SELECT count(*)::int AS n FROM webhook_deliveries
      WHERE status = 'sending'
         OR (status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= now() + interval '60 seconds'))`;
  const until = Date.now() + 3000;
  for (;;) {
    const [{ n }] = await dataSource.query<{ n: number }[]>(busySql);
    if (n === 0) return;
    if (Date.now() > until) break;
    await sleep(25);
  }
  await dataSource.query(
    `UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = now()
       WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= now() + interval '60 seconds')`,
  );
  const stuckUntil = Date.now() + 10_000;
  for (;;) {
    const [{ n }] = await dataSource.query<{ n: number }[]>(busySql);
    if (n === 0) return;
    if (Date.now() > stuckUntil) {
      throw new Error(`${n} deliveries stayed 'sending' for more than 10 s`);
    }
    await sleep(50);
  }
}
