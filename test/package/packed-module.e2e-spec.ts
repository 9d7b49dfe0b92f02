/**
 * The module as a new user gets it: `npm pack` of packages/nest-webhooks, installed into a scratch
 * Nest app together with exactly the dependencies the README's "Embedding" section lists (and what
 * `nest new` already gives an app), compiled under `strict`, started on a real database, and
 * checked from outside: a receiver on 127.0.0.1 gets one signed delivery for the order whose
 * transaction committed and none for the one rolled back; SIGTERM stops it cleanly.
 *
 * The install reads the npm registry (through the local cache first, `--prefer-offline`).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { createTestDatabase } from '../support/database';
import { TestReceiver } from '../support/receiver';
import { sleep } from '../support/time';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../..');
const PACKAGE_DIR = path.join(ROOT, 'packages/nest-webhooks');
const FIXTURE = path.join(ROOT, 'test/fixtures/packed-host');

/** What `nest new` puts in a new app's package.json, before any step of our README. */
const NEW_NEST_APP = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/platform-express',
  'reflect-metadata',
  'rxjs',
];
const NEW_NEST_APP_DEV = ['typescript', '@types/node'];

/**
 * The packages of the README's install command (the `npm install` line of its "Embedding the
 * module" section), with the module itself standing for the tarball.
 */
function readmeInstallLine(): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Embedding the module'));
  const line = section.split('\n').find((l) => /^npm install \S*nest-webhooks/.test(l));
  if (!line) {
    throw new Error(
      'README: no `npm install ...nest-webhooks...` line under "Embedding the module"',
    );
  }
  return line.replace(/#.*$/, '').trim().split(/\s+/).slice(2);
}

/** npm as a user's shell runs it: without the npm_* variables of the `npm test` around us. */
function npm(
  args: string[],
  cwd: string,
  timeout = 240_000,
): { status: number | null; output: string } {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')),
  );
  const result = spawnSync('npm', args, {
    cwd,
    env: {
      ...env,
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    },
    encoding: 'utf8',
    timeout,
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe('the packed module in a new Nest app (README dependencies only)', () => {
  let work: string;
  let host: string;
  let tarball: string;
  let packedFiles: string[];
  let readmePackages: string[];
  let installed: { status: number | null; output: string };
  let compiled: { status: number | null; output: string };

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'packed-module-'));
    // dist/ is built by the test run's global setup; --ignore-scripts keeps `prepack` from
    // rebuilding it under other tests that run the app from it.
    const pack = npm(
      ['pack', '--ignore-scripts', '--json', '--pack-destination', work],
      PACKAGE_DIR,
    );
    expect(pack.status).toBe(0);
    const [packed] = JSON.parse(
      pack.output.slice(pack.output.indexOf('['), pack.output.lastIndexOf(']') + 1),
    ) as {
      filename: string;
      files: { path: string }[];
    }[];
    tarball = path.join(work, packed.filename);
    packedFiles = packed.files.map((f) => f.path);

    host = path.join(work, 'host');
    mkdirSync(path.join(host, 'src'), { recursive: true });
    // The README's Node 20 note: @nestjs/common 12 pins file-type 22, which declares Node >= 22.
    const overrides = process.versions.node.startsWith('20.') ? { 'file-type': '^21.3.4' } : {};
    writeFileSync(
      path.join(host, 'package.json'),
      JSON.stringify({ name: 'scratch-host', private: true, overrides }),
    );
    copyFileSync(path.join(FIXTURE, 'main.ts'), path.join(host, 'src/main.ts'));
    copyFileSync(path.join(FIXTURE, 'tsconfig.host.json'), path.join(host, 'tsconfig.json'));

    readmePackages = readmeInstallLine().map((p) => (/nest-webhooks/.test(p) ? tarball : p));
    installed = npm(['install', '--prefer-offline', ...NEW_NEST_APP, ...readmePackages], host);
    if (installed.status === 0) {
      installed = npm(['install', '--prefer-offline', '--save-dev', ...NEW_NEST_APP_DEV], host);
    }
    compiled =
      installed.status === 0
        ? (() => {
            const tsc = spawnSync(
              process.execPath,
              [path.join(host, 'node_modules/typescript/bin/tsc'), '-p', host],
              {
                encoding: 'utf8',
                timeout: 120_000,
              },
            );
            return { status: tsc.status, output: `${tsc.stdout}\n${tsc.stderr}` };
          })()
        : { status: null, output: 'not installed' };
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('packs the built module, its types, migrations, console and changelog: no sources, specs or maps', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'CHANGELOG.md',
        'dist/src/index.js',
        'dist/src/index.d.ts',
        'dist/src/shared/index.js',
        'dist/migrations/index.js',
        'dist/migrations/index.d.ts',
        'console/index.html',
      ]),
    );
    const unexpected = packedFiles.filter(
      (f) =>
        !['package.json', 'README.md', 'CHANGELOG.md'].includes(f) &&
        !f.startsWith('console/') &&
        !(/^dist\/(src|migrations)\//.test(f) && /\.(js|d\.ts)$/.test(f) && !/\.spec\./.test(f)),
    );
    expect(unexpected).toEqual([]);
  });

  it("the README's install line names the module and everything it needs beside a new Nest app", () => {
    expect(readmePackages).toContain(tarball);
    expect(readmePackages.length).toBeGreaterThan(1);
  });

  it('installs with those packages alone and compiles under strict', () => {
    expect(installed.output).not.toMatch(/ERESOLVE|EBADENGINE/);
    expect(installed.status).toBe(0);
    expect(compiled.output.trim()).toBe('');
    expect(compiled.status).toBe(0);
  });

  describe('run on a real database', () => {
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    let receiver: TestReceiver;
    let child: ChildProcess;
    const lines: Record<string, unknown>[] = [];
    let stderr = '';

    beforeAll(async () => {
      db = await createTestDatabase('packed');
      receiver = await TestReceiver.start();
      child = spawn(process.execPath, [path.join(host, 'dist/main.js')], {
        cwd: host,
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: db.url,
          RECEIVER_URL: receiver.url('/orders'),
          WEBHOOKS_SECRET_KEY: 'packed-host-webhooks-secret-key-0123456789',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let buffered = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const parts = buffered.split('\n');
        buffered = parts.pop()!;
        for (const part of parts) {
          if (part.startsWith('{')) lines.push(JSON.parse(part) as Record<string, unknown>);
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    });

    afterAll(async () => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await receiver?.close();
      await db?.drop();
    });

    const line = async (key: string): Promise<Record<string, unknown>> => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const found = lines.find((l) => key in l);
        if (found) return found;
        if (child.exitCode !== null) {
          throw new Error(`the host exited (${child.exitCode}): ${stderr}`);
        }
        if (Date.now() > deadline) {
          throw new Error(`no "${key}" line from the host; stderr: ${stderr}`);
        }
        await sleep(50);
      }
    };

    it('delivers the committed order.placed, signed, and nothing for the rolled-back order', async () => {
      const { subscription } = (await line('subscription')) as { subscription: { secret: string } };
      const { published, refused } = (await line('published')) as {
        published: string;
        refused: string;
      };
      expect(refused).toBe('payment refused');

      const [delivered] = await receiver.waitFor(1, '/orders', 60_000);
      const payload = new Webhook(subscription.secret).verify(delivered.text, {
        'webhook-id': String(delivered.headers['webhook-id']),
        'webhook-timestamp': String(delivered.headers['webhook-timestamp']),
        'webhook-signature': String(delivered.headers['webhook-signature']),
      }) as { id: string; event: string; companyId: string; data: unknown };
      expect(payload).toMatchObject({
        id: published,
        event: 'order.placed',
        companyId: 'shop',
        data: { orderId: 'order-1' },
      });

      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ id: string }>('SELECT id FROM orders ORDER BY id');
        expect(rows.map((r) => r.id)).toEqual(['order-1']);
        const events = await client.query<{ n: string }>(
          'SELECT count(*) AS n FROM webhook_events',
        );
        expect(Number(events.rows[0].n)).toBe(1);
        const deliveries = await client.query<{ event_id: string }>(
          'SELECT event_id FROM webhook_deliveries',
        );
        expect(deliveries.rows).toEqual([{ event_id: published }]);
      } finally {
        await client.end();
      }
      expect(receiver.on('/orders')).toHaveLength(1);
      expect(stderr).toBe('');
    });

    it('stops on SIGTERM promptly, without an error', async () => {
      const exited = new Promise<string>((resolve) =>
        child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)),
      );
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        exited,
        new Promise<string>(
          (resolve) => (timer = setTimeout(() => resolve('still running'), 30_000)),
        ),
      ]);
      clearTimeout(timer);
      // Nest's shutdown hooks close the app, then re-raise the signal to end the process with it.
      expect(outcome).toBe('SIGTERM');
      expect(stderr).toBe('');
    });
  });
});
