import { freePort } from '../../src/database/free-port';
/**
 * The built app (`node dist/src/main.js`) as a child process, for tests that crash it or run
 * several instances. Every child started here is remembered so that `stopAllChildApps` (afterAll)
 * can stop what is left, by its own PID and nothing else.
 */
import { JwtService } from '@nestjs/jwt';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { HrEventData } from '../../src/hr/hr-event-types';
import { sleep } from './time';

export const ROOT = path.resolve(__dirname, '..', '..');
export const MAIN = path.join(ROOT, 'dist', 'src', 'main.js');
/** The bearer-token key the child apps are started with (AUTH_JWT_SECRET). */
export const CHILD_JWT_SECRET = 'resilience-tests-jwt-secret-0123456789';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildApp {
  child: ChildProcess;
  pid: number;
  port: number;
  baseUrl: string;
  output: () => string;
  exited: Promise<ChildExit>;
  exit: ChildExit | null;
}

const children = new Set<ChildApp>();

export { freePort };

/** The resilience specs' name for `sleep` (test/support/time.ts). */
export const delay = sleep;

/** The environment of a child app on `databaseUrl`: test mode, http and private URLs allowed. */
export function childEnv(
  databaseUrl: string,
  port: number,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    AUTH_JWT_SECRET: CHILD_JWT_SECRET,
    WEBHOOKS_ALLOW_HTTP: 'true',
    WEBHOOKS_ALLOW_PRIVATE_URLS: 'true',
    // Thousands of API calls a minute from one company: no rate limit in these tests.
    API_RATE_LIMIT: '0',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** Starts `node dist/src/main.js` with exactly `env` (nothing inherited). */
export function startChildApp(env: NodeJS.ProcessEnv): ChildApp {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`nest build\` first`);
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (!child.pid) throw new Error('the child app did not start');
  const out: string[] = [];
  const keep = (chunk: Buffer): void => {
    out.push(chunk.toString('utf8'));
    if (out.length > 2000) out.splice(0, out.length - 2000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const port = Number(env.PORT);
  const app: ChildApp = {
    child,
    pid: child.pid,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => out.join(''),
    exit: null,
    exited: new Promise<ChildExit>((resolve) => {
      child.once('exit', (code, signal) => {
        children.delete(app);
        app.exit = { code, signal };
        resolve({ code, signal });
      });
    }),
  };
  children.add(app);
  return app;
}

/** Polls GET /health until 200 with the database up (bounded). */
export async function waitUntilHealthy(app: ChildApp, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (app.exit) {
      throw new Error(
        `app ${app.pid} exited (${JSON.stringify(app.exit)}) before it was healthy:\n${app.output()}`,
      );
    }
    try {
      const res = await fetch(`${app.baseUrl}/health`, { signal: AbortSignal.timeout(3_000) });
      last = String(res.status);
      if (res.status === 200) return;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(100);
  }
  throw new Error(
    `app ${app.pid} not healthy within ${timeoutMs} ms (last: ${last})\n${app.output()}`,
  );
}

/** SIGKILL by PID (a crash: no shutdown hook runs); resolves once the process is gone. */
export async function killChildApp(app: ChildApp): Promise<ChildExit> {
  if (app.exit) return app.exit;
  process.kill(app.pid, 'SIGKILL');
  return app.exited;
}

/** SIGTERM by PID, then SIGKILL if it has not exited within `graceMs`. */
export async function stopChildApp(app: ChildApp, graceMs = 20_000): Promise<ChildExit> {
  if (app.exit) return app.exit;
  try {
    process.kill(app.pid, 'SIGTERM');
  } catch {
    return app.exited;
  }
  let timer: NodeJS.Timeout | undefined;
  const exited = await Promise.race([
    app.exited,
    new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), graceMs))),
  ]);
  clearTimeout(timer);
  if (exited) return exited;
  return killChildApp(app);
}

/** Stops every child app still running (afterAll). */
export async function stopAllChildApps(): Promise<void> {
  await Promise.all([...children].map((app) => stopChildApp(app, 10_000)));
}

/** A bearer token the child apps accept. */
export function childToken(companyId: string, permissions: string[]): string {
  return new JwtService({ secret: CHILD_JWT_SECRET }).sign(
    { sub: 'resilience-test', companyId, permissions },
    { algorithm: 'HS256', expiresIn: 3600 },
  );
}

/** `candidate.created` data as the HR module publishes it (CONTRACT.md "Events"). */
export type CandidateData = HrEventData['candidate.created'];

/** The `n`th `candidate.created` data of a test, named after `label`. */
export function candidateCreated(label: string, n: number): CandidateData {
  return {
    candidateId: randomUUID(),
    firstName: label,
    lastName: `Number${n}`,
    email: `${label.toLowerCase()}.${n}@example.com`,
    status: 'new',
    createdAt: new Date().toISOString(),
  };
}

/** Retries that outlast a restart: every 1 s, then 2 s, 4 s, ... 20 of them. */
export const SLOW_RETRIES = { retryDelayMs: 1_000, retryBackoffMultiplier: 2, maxRetryCount: 20 };

/** Creates a subscription through `app`'s API (`POST /api/webhooks`); throws unless 201. */
export async function createChildSubscription(
  app: Pick<ChildApp, 'baseUrl'>,
  token: string,
  body: Record<string, unknown>,
): Promise<{ id: string }> {
  const created = await fetch(`${app.baseUrl}/api/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await created.text();
  if (created.status !== 201) throw new Error(`POST /api/webhooks: ${created.status} ${text}`);
  return JSON.parse(text) as { id: string };
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
export async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await work(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
