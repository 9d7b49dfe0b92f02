/**
 * The built service (`../src/main.js` next to this file) as a child process of the bench, with
 * the bench's database and the rate limit off, and what the bench reads of it: CPU time and RSS
 * from /proc, and JSON calls to its API.
 */
import autocannon from 'autocannon';
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';

const MAIN = path.join(__dirname, '..', 'src', 'main.js');

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** User + system CPU time of `pid` in ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

export function rssMb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** The service as a child process: started, waited for, stopped by its PID. */
export class ServiceProcess {
  private readonly output: string[] = [];
  private exited = false;
  private readonly exit: Promise<void>;
  readonly child: ChildProcessByStdio<null, Readable, Readable>;

  constructor(
    databaseUrl: string,
    readonly port: number,
    jwtSecret: string,
  ) {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build the app first`);
    // BENCH_SERVICE_CPU_PROF_DIR=<dir>: a V8 CPU profile of the service, written there on exit.
    const profileDir = process.env.BENCH_SERVICE_CPU_PROF_DIR;
    const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    this.child = spawn(process.execPath, [...profile, MAIN], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'test',
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        AUTH_JWT_SECRET: jwtSecret,
        LOG_LEVEL: 'error',
        WEBHOOKS_ALLOW_HTTP: 'true',
        WEBHOOKS_ALLOW_PRIVATE_URLS: 'true',
        API_RATE_LIMIT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer): void => {
      this.output.push(chunk.toString('utf8'));
      if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
    };
    this.child.stdout.on('data', keep);
    this.child.stderr.on('data', keep);
    // If the bench exits first (its watchdog, an error), the service goes with it.
    const orphaned = (): void => void (this.exited || this.child.kill('SIGKILL'));
    process.once('exit', orphaned);
    this.exit = new Promise((resolve) =>
      this.child.once('exit', () => {
        this.exited = true;
        process.off('exit', orphaned);
        resolve();
      }),
    );
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the service did not start');
    return this.child.pid;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async waitUntilHealthy(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`the service exited:\n${this.output.join('')}`);
      const status = await fetch(`${this.baseUrl}/health`, { signal: AbortSignal.timeout(2_000) })
        .then((res) => res.status)
        .catch(() => 0);
      if (status === 200) return;
      await sleep(100);
    }
    throw new Error(`the service was not healthy within ${timeoutMs} ms:\n${this.output.join('')}`);
  }

  /** SIGTERM, then SIGKILL after 15 s; by PID only. */
  async stop(): Promise<void> {
    if (this.exited || this.child.pid === undefined) return;
    this.child.kill('SIGTERM');
    const stopped = await Promise.race([
      this.exit.then(() => true),
      sleep(15_000).then(() => false),
    ]);
    if (!stopped) {
      this.child.kill('SIGKILL');
      await this.exit;
    }
  }
}

export async function call<T>(
  baseUrl: string,
  token: string,
  method: string,
  route: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${baseUrl}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** One autocannon load, as a promise. */
export function runLoad(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error: unknown, result: autocannon.Result) =>
      error
        ? reject(error instanceof Error ? error : new Error(`autocannon: ${JSON.stringify(error)}`))
        : resolve(result),
    );
  });
}
