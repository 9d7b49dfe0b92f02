import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../ormconfig';
import { createTestDatabase } from '../support/database';

/**
 * The migrations are the schema; the entities must describe exactly what they create, or
 * `npm run migration:generate` would write a destructive migration.
 */
describe('entities and migrations', () => {
  it('migration:generate finds nothing to change after every migration ran, and all revert', async () => {
    const database = await createTestDatabase('schema');
    const dataSource = new DataSource(dataSourceOptions(database.url));
    try {
      await dataSource.initialize();
      const ran = await dataSource.runMigrations({ transaction: 'each' });
      expect(ran.length).toBeGreaterThan(0);
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
      for (let i = 0; i < ran.length; i++) await dataSource.undoLastMigration();
      const tables = await dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM information_schema.tables
         WHERE table_schema = 'public' AND table_name <> 'migrations'`,
      );
      expect(tables[0].n).toBe(0);
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
      await database.drop();
    }
  });
});
