import 'reflect-metadata';
import { DataSource, DataSourceOptions } from 'typeorm';
import { ALL_MIGRATIONS } from './migrations';
import { APP_ENTITIES } from './src/app.entities';

/**
 * The one TypeORM data source definition, used by the app (through TypeOrmModule) and by the
 * TypeORM CLI (`npm run migration:*`, which starts the embedded server when DATABASE_URL is unset).
 * `synchronize` is never on: the schema is the migrations'.
 */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: APP_ENTITIES,
    migrations: ALL_MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    extra: { max: 20, connectionTimeoutMillis: 5000 },
  };
}

export default new DataSource(
  dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://localhost/postgres'),
);
