/**
 * The TypeORM CLI on this app's data source (ormconfig.ts). With DATABASE_URL unset it starts the
 * embedded PostgreSQL under DATA_DIR for the duration of the command, as `npm start` would.
 *   npm run migration:run | migration:revert | migration:generate -- migrations/<Name>
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { loadConfig } from '../src/config/app-config';
import { EmbeddedDatabase } from '../src/database/embedded-database';

async function main(): Promise<number> {
  const config = loadConfig();
  let embedded: EmbeddedDatabase | null = null;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await EmbeddedDatabase.start(config.dataDir);
    url = embedded.url();
  }
  try {
    const cli = path.join(path.dirname(require.resolve('typeorm')), 'cli.js');
    const result = spawnSync(
      process.execPath,
      [
        require.resolve('ts-node/dist/bin.js'),
        '--transpile-only',
        cli,
        '-d',
        'ormconfig.ts',
        ...process.argv.slice(2),
      ],
      { stdio: 'inherit', env: { ...process.env, DATABASE_URL: url } },
    );
    return result.status ?? 1;
  } finally {
    await embedded?.stop();
  }
}

void main().then((code) => process.exit(code));
