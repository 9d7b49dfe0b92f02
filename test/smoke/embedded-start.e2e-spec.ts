import { isAlive } from '../../src/database/embedded-database';
import { freePort } from '../../src/database/free-port';
/**
 * Smoke test of the built app (`node dist/src/main.js`) on its embedded PostgreSQL: no
 * DATABASE_URL, data under a fresh DATA_DIR. Covers start-up, health, `npm run token`, one API
 * write, Swagger, metrics, a clean SIGTERM stop (the embedded server stops with the app), a restart
 * on the same data, and start-up refusals for bad configuration.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MANAGE } from '../support/constants';
import { sleep } from '../support/time';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'dist', 'src', 'main.js');

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface RunningApp {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  output: () => string;
  stderr: () => string;
  exited: Promise<Exit>;
  exit: Exit | null;
}

/** Every child this file started, so afterAll can stop what is left (by PID, nothing else). */
const children = new Set<ChildProcess>();
/** Every DATA_DIR this file created. */
const dataDirs: string[] = [];

function newDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'webhooks-smoke-'));
  dataDirs.push(dir);
  return dir;
}

function appEnv(dataDir: string, port: number | string, extra: NodeJS.ProcessEnv = {}) {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: dataDir,
    PORT: String(port),
    NODE_ENV: 'development',
    WEBHOOKS_ALLOW_HTTP: 'true',
    WEBHOOKS_ALLOW_PRIVATE_URLS: 'true',
    LOG_LEVEL: 'warn',
    ...extra,
  };
  // No DATABASE_URL: the app must run its embedded PostgreSQL.
  delete env.DATABASE_URL;
  return env;
}

/** Starts the built app (`node dist/src/main.js`), or `command` (e.g. through npm). */
function startApp(
  env: NodeJS.ProcessEnv,
  [file, args]: [string, string[]] = [process.execPath, [MAIN]],
): RunningApp {
  const child = spawn(file, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const out: string[] = [];
  const err: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => out.push(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    out.push(text);
    err.push(text);
  });
  const port = Number(env.PORT);
  const app: RunningApp = {
    child,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => out.join(''),
    stderr: () => err.join(''),
    exit: null,
    exited: new Promise<Exit>((resolve) => {
      child.once('exit', (code, signal) => {
        children.delete(child);
        app.exit = { code, signal };
        resolve({ code, signal });
      });
    }),
  };
  return app;
}

/** Resolves with the exit, or rejects after `ms`. */
async function exitWithin(app: RunningApp, ms: number): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`process ${app.child.pid} did not exit within ${ms} ms\n${app.output()}`)),
      ms,
    );
  });
  try {
    return await Promise.race([app.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface HealthBody {
  status?: string;
  info?: { database?: { status?: string } };
}

/** Polls GET /health until 200 with the database up (at most 60 s). */
async function waitUntilHealthy(app: RunningApp): Promise<HealthBody> {
  const deadline = Date.now() + 60_000;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (app.exit) {
      throw new Error(
        `the app exited (${JSON.stringify(app.exit)}) before it was healthy:\n${app.output()}`,
      );
    }
    try {
      const res = await fetch(`${app.baseUrl}/health`, { signal: AbortSignal.timeout(5_000) });
      const body = (await res.json()) as HealthBody;
      last = `${res.status} ${JSON.stringify(body)}`;
      if (res.status === 200 && body.info?.database?.status === 'up') return body;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
  throw new Error(`/health not up within 60 s (last: ${last})\n${app.output()}`);
}

/** SIGTERM and wait (at most 20 s) for the exit. */
async function stopApp(app: RunningApp): Promise<Exit> {
  if (app.exit) return app.exit;
  app.child.kill('SIGTERM');
  return exitWithin(app, 20_000);
}

/** Runs the app with a configuration it must refuse; the exit and stderr (at most 30 s). */
async function runToExit(env: NodeJS.ProcessEnv): Promise<{ exit: Exit; stderr: string }> {
  const app = startApp(env);
  try {
    const exit = await exitWithin(app, 30_000);
    return { exit, stderr: app.stderr() };
  } finally {
    if (!app.exit && app.child.pid) app.child.kill('SIGKILL');
  }
}

/** A JSON log line, or null when the line is not JSON. */
function parsedLine(line: string): { level?: number; msg?: string; pid?: number } | null {
  try {
    return JSON.parse(line) as { level?: number; msg?: string; pid?: number };
  } catch {
    return null;
  }
}

/**
 * The lines of `output` at warn level or above (or not JSON at all), and those saying the database
 * went away under the app (logged at info when the server itself was shutting down).
 */
function warningsIn(output: string): string[] {
  return output
    .split('\n')
    .filter(Boolean)
    .filter(
      (line) =>
        (parsedLine(line)?.level ?? 100) >= 40 ||
        /Releasing leases failed|notifications unavailable/.test(line),
    );
}

function postmasterPidFile(dataDir: string): string {
  return path.join(dataDir, 'postgres', 'postmaster.pid');
}

function mintToken(env: NodeJS.ProcessEnv): string {
  return execFileSync(
    'npx',
    [
      'ts-node',
      '--transpile-only',
      'scripts/token.ts',
      '--company',
      'smoke',
      '--permissions',
      MANAGE,
    ],
    { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] },
  ).trim();
}

describe('built app on the embedded PostgreSQL (smoke)', () => {
  let dataDir: string;
  let first: RunningApp;
  let token: string;
  let subscriptionId: string;

  beforeAll(async () => {
    expect(existsSync(MAIN)).toBe(true);
    dataDir = newDataDir();
    const env = appEnv(dataDir, await freePort(), { LOG_LEVEL: 'info' });
    first = startApp(env);
    await waitUntilHealthy(first);
    token = mintToken(env);
  });

  afterAll(async () => {
    for (const child of [...children]) {
      if (child.pid && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const gone = await Promise.race([
          new Promise<boolean>((resolve) => child.once('exit', () => resolve(true))),
          sleep(20_000).then(() => false),
        ]);
        if (!gone) child.kill('SIGKILL');
      }
    }
    // A postgres left behind by one of our apps (only when a test failed): stop it by its PID.
    for (const dir of dataDirs) {
      const pidFile = postmasterPidFile(dir);
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
        if (Number.isInteger(pid) && pid > 0) {
          try {
            process.kill(pid, 'SIGINT');
            await sleep(2_000);
          } catch {
            // already gone
          }
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers /health with the database up', async () => {
    const res = await fetch(`${first.baseUrl}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as HealthBody;
    expect(body.status).toBe('ok');
    expect(body.info?.database?.status).toBe('up');
  });

  it('mints a working token with `npm run token` and creates a subscription (201)', async () => {
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const res = await fetch(`${first.baseUrl}/api/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://127.0.0.1:9/hook', events: ['candidate.*'] }),
    });
    const body = (await res.json()) as {
      id: string;
      url: string;
      events: string[];
      secret: string;
    };
    expect(res.status).toBe(201);
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.url).toBe('http://127.0.0.1:9/hook');
    expect(body.events).toEqual(['candidate.*']);
    expect(body.secret).toMatch(/^whsec_/);
    subscriptionId = body.id;
  });

  it('serves the Swagger UI at /docs and the OpenAPI document at /docs-json', async () => {
    const ui = await fetch(`${first.baseUrl}/docs`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toMatch(/text\/html/);
    expect(await ui.text()).toMatch(/swagger/i);

    const json = await fetch(`${first.baseUrl}/docs-json`);
    expect(json.status).toBe(200);
    const doc = (await json.json()) as {
      paths: Record<string, unknown>;
      components?: { securitySchemes?: Record<string, { type?: string; scheme?: string }> };
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/webhooks', '/api/webhooks/{id}/secret/rotate']),
    );
    const schemes = Object.values(doc.components?.securitySchemes ?? {});
    expect(schemes).toContainEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
  });

  it('serves Prometheus metrics at /metrics', async () => {
    const res = await fetch(`${first.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^# HELP \w+ /m);
    expect(text).toMatch(/^# TYPE \w+ (counter|gauge|histogram|summary)$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
  });

  it('logs JSON lines from the first one, and listens on 127.0.0.1 only in development', () => {
    const lines = first.output().split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((line) => parsedLine(line) === null)).toEqual([]);
    expect(lines.map((line) => parsedLine(line)?.msg)).toContain(
      `Listening on http://127.0.0.1:${first.port} (Swagger UI at /docs)`,
    );
  });

  it('stops on SIGTERM with exit code 0, its leases released before its embedded PostgreSQL stops', async () => {
    expect(existsSync(postmasterPidFile(dataDir))).toBe(true);
    const before = first.output().length;
    const exit = await stopApp(first);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(existsSync(postmasterPidFile(dataDir))).toBe(false);
    expect(warningsIn(first.output().slice(before))).toEqual([]);
  });

  it('`npm run start:prod` stopped by SIGTERM to npm leaves nothing running, without a warning', async () => {
    const dir = newDataDir();
    const app = startApp(appEnv(dir, await freePort(), { LOG_LEVEL: 'info' }), [
      'npm',
      ['run', '--silent', 'start:prod'],
    ]);
    await waitUntilHealthy(app);
    const listening = app.output().split('\n').map(parsedLine);
    const nodePid = listening.find((line) => line?.msg?.startsWith('Listening on'))?.pid;
    expect(nodePid).toEqual(expect.any(Number));
    expect(nodePid).not.toBe(app.child.pid);
    const before = app.output().length;
    app.child.kill('SIGTERM');
    expect(await exitWithin(app, 20_000)).toEqual({ code: 0, signal: null });
    for (let i = 0; i < 50 && isAlive(nodePid!); i++) await sleep(100);
    expect(isAlive(nodePid!)).toBe(false);
    expect(existsSync(postmasterPidFile(dir))).toBe(false);
    expect(warningsIn(app.output().slice(before))).toEqual([]);
  });

  it('starts again on the same DATA_DIR and still has the subscription', async () => {
    expect(subscriptionId).toBeDefined();
    const second = startApp(appEnv(dataDir, await freePort()));
    try {
      await waitUntilHealthy(second);
      const res = await fetch(`${second.baseUrl}/api/webhooks/${subscriptionId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        id: subscriptionId,
        url: 'http://127.0.0.1:9/hook',
        events: ['candidate.*'],
      });
      expect(body).not.toHaveProperty('secret');
    } finally {
      const exit = await stopApp(second);
      expect(exit).toEqual({ code: 0, signal: null });
    }
    expect(existsSync(postmasterPidFile(dataDir))).toBe(false);
  });

  it('refuses to start in production without AUTH_JWT_SECRET, naming it', async () => {
    const { exit, stderr } = await runToExit(
      appEnv(newDataDir(), await freePort(), {
        NODE_ENV: 'production',
        WEBHOOKS_SECRET_KEY: 'a-production-secret-key-of-some-length',
      }),
    );
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(stderr).toContain('AUTH_JWT_SECRET');
  });

  it('refuses to start with PORT=abc, naming PORT', async () => {
    const { exit, stderr } = await runToExit(appEnv(newDataDir(), 'abc'));
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(stderr).toMatch(/\bPORT\b/);
  });
});
