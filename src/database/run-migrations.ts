import type { DataSource } from 'typeorm';

/** Any fixed number: instances starting together take turns on the migrations. */
const MIGRATIONS_LOCK = 7_236_104_551;

/** Runs pending migrations under a PostgreSQL advisory lock, so parallel starts are safe. */
export async function runMigrationsLocked(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATIONS_LOCK]);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATIONS_LOCK]);
    }
  } finally {
    await runner.release();
  }
}
