/**
 * The README's two walkthroughs as a user runs them: scripts/walkthrough.sh and
 * scripts/hiring-walkthrough.sh, each twice in a row, against the built service (`node
 * dist/src/main.js` as a child process on a database of its own, http://127.0.0.1 receivers
 * allowed, as the README says to start it). Every run must end with exit code 0, its receiver
 * having verified the signature of every delivery the README promises, and stopped; the second
 * run must not trip over what the first one left (a company, a subscription, a candidate's email,
 * an idempotency key), nor over a receiver left on a port the first run used (the test listens
 * there during the second run). The README's step-by-step blocks must be the scripts' own lines.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import * as path from 'node:path';
import {
  CHILD_JWT_SECRET,
  type ChildApp,
  childEnv,
  freePort,
  ROOT,
  startChildApp,
  stopAllChildApps,
  waitUntilHealthy,
} from '../support/child-app';
import { createTestDatabase } from '../support/database';
import { sleep } from '../support/time';

/** One run may take this long on a busy 2-core machine (a typical run takes 10 to 20 s). */
const RUN_LIMIT_MS = 180_000;
jest.setTimeout(2 * RUN_LIMIT_MS + 90_000);

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  ms: number;
}

/** The scripts this file started and that have not exited yet (stopped by PID in afterAll). */
const running = new Set<ChildProcess>();

/**
 * Runs `bash scripts/<script>` against `api` with only the environment a user's shell would give
 * it; its stdout and stderr together. Past RUN_LIMIT_MS it is sent SIGTERM (its trap stops its
 * receivers), then SIGKILL 10 s later.
 */
function runScript(script: string, api: string): Promise<Run> {
  const started = Date.now();
  const child = spawn('bash', [path.join('scripts', script)], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
      API: api,
      // `npm run token` signs with the key the service verifies with.
      AUTH_JWT_SECRET: CHILD_JWT_SECRET,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const chunks: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  let term: NodeJS.Timeout | undefined;
  let kill: NodeJS.Timeout | undefined;
  return new Promise<Run>((resolve, reject) => {
    child.once('error', reject);
    term = setTimeout(() => {
      chunks.push(`\n[test] ${script} still running after ${RUN_LIMIT_MS} ms: SIGTERM\n`);
      child.kill('SIGTERM');
      kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    }, RUN_LIMIT_MS);
    child.once('close', (code, signal) => {
      running.delete(child);
      clearTimeout(term);
      clearTimeout(kill);
      resolve({ code, signal, output: chunks.join(''), ms: Date.now() - started });
    });
  });
}

/**
 * How many deliveries of each event type the receivers verified, by type: their output as the
 * script prints it at the end, after `== the receiver verified` (before it, lines may show twice).
 */
function verifiedByType(output: string): Record<string, number> {
  const counts: Record<string, number> = {};
  const end = output.slice(output.lastIndexOf('\n== the receiver verified'));
  for (const [, type] of end.matchAll(/^verified (\S+) webhook-id=/gm)) {
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

/** The ports the run's receivers said they listened on. */
function receiverPorts(output: string): number[] {
  return [...output.matchAll(/^receiver on http:\/\/127\.0\.0\.1:(\d+)\/hooks$/gm)].map((m) =>
    Number(m[1]),
  );
}

/** True when nothing accepts connections on 127.0.0.1:`port` (the receiver has stopped). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(5_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** Polls `refused` until it holds, for at most `ms`. */
async function refusedWithin(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await refused(port))) {
    if (Date.now() > deadline) return false;
    await sleep(200);
  }
  return true;
}

/**
 * Listens on 127.0.0.1:`port`, as a receiver an earlier run left behind would; null when the
 * port is taken already (by something else: that does as well).
 */
function occupy(port: number): Promise<Server | null> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Runs `script` twice; during the second run, the ports of the first run's receivers are taken. */
async function runTwice(
  script: string,
  api: string,
  check: (run: Run, n: number) => Promise<void>,
): Promise<void> {
  const first = await runScript(script, api);
  await check(first, 1);
  const taken = await Promise.all(receiverPorts(first.output).map(occupy));
  try {
    await check(await runScript(script, api), 2);
  } finally {
    await Promise.all(
      taken.map(
        (server) => new Promise((resolve) => (server ? server.close(resolve) : resolve(0))),
      ),
    );
  }
}

/** What every run must show: exit 0, these verified deliveries, nothing refused, receivers gone. */
async function expectGoodRun(
  run: Run,
  done: RegExp,
  expected: Record<string, number>,
): Promise<string> {
  if (run.code !== 0 || run.signal !== null) {
    throw new Error(`exit ${run.code} ${run.signal ?? ''} after ${run.ms} ms:\n${run.output}`);
  }
  expect(run.output).not.toMatch(/FAILED|REJECTED|EADDRINUSE/);
  expect(verifiedByType(run.output)).toEqual(expected);
  const ports = receiverPorts(run.output);
  expect(ports.length).toBeGreaterThan(0);
  for (const port of ports) expect(await refusedWithin(port, 10_000)).toBe(true);
  const company = done.exec(run.output)?.[1];
  expect(company).toEqual(expect.any(String));
  return company!;
}

/** The lines of the ```bash blocks of the README section titled `title`. */
function readmeBashLines(title: string): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].flatMap(([, block]) => block.split('\n'));
}

describe('the README walkthrough scripts, each run twice in a row', () => {
  let app: ChildApp;
  let dropDatabase: (() => Promise<void>) | undefined;
  const timings: string[] = [];

  beforeAll(async () => {
    const db = await createTestDatabase('walkthrough');
    dropDatabase = db.drop;
    // The README's first run: http://127.0.0.1 receivers allowed; the default rate limit.
    app = startChildApp(childEnv(db.url, await freePort(), { API_RATE_LIMIT: '1000' }));
    await waitUntilHealthy(app, 90_000);
  }, 150_000);

  afterAll(async () => {
    for (const child of running) {
      child.kill('SIGTERM');
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 15_000);
        child.once('close', () => resolve(clearTimeout(timer)));
      });
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await stopAllChildApps();
    await dropDatabase?.();
    if (timings.length) process.stdout.write(`walkthrough runs: ${timings.join(', ')}\n`);
  }, 60_000);

  it('scripts/walkthrough.sh: subscribe, ping, publish, batch, miss two, retry and recover them, rotate, delete', async () => {
    const companies: string[] = [];
    await runTwice('walkthrough.sh', app.baseUrl, async (run, n) => {
      timings.push(`walkthrough.sh #${n} ${run.ms} ms`);
      companies.push(
        await expectGoodRun(run, /^walkthrough done: company (\S+), subscription /m, {
          'webhook.ping': 2,
          'contract.signed': 2,
          'training.completed': 3,
        }),
      );
      // the receiver was down for two deliveries, then came back on another free port
      expect(receiverPorts(run.output)).toHaveLength(2);
      expect(run.output).toMatch(/"error":"connection refused"/);
    });
    expect(companies[0]).toMatch(/^walkthrough-[0-9a-f]{8}$/);
    expect(companies[1]).not.toBe(companies[0]);
  });

  it('scripts/hiring-walkthrough.sh: a hire from candidate to termination, every event verified', async () => {
    const companies: string[] = [];
    await runTwice('hiring-walkthrough.sh', app.baseUrl, async (run, n) => {
      timings.push(`hiring-walkthrough.sh #${n} ${run.ms} ms`);
      companies.push(
        await expectGoodRun(run, /^hiring walkthrough done: company (\S+), employee /m, {
          'candidate.created': 1,
          'candidate.status_changed': 4,
          'contract.signed': 1,
          'training.completed': 1,
          'employee.terminated': 1,
        }),
      );
      expect(run.output).toMatch(/^verified employee\.terminated .*"RUPTURE_CONVENTIONNELLE"/m);
    });
    expect(companies[1]).not.toBe(companies[0]);
  });

  it.each([
    ['Walkthrough with curl', 'walkthrough.sh'],
    ['HR walkthrough: hire someone end to end', 'hiring-walkthrough.sh'],
  ])('the README section "%s" shows the lines %s runs', (title, script) => {
    const source = readFileSync(path.join(ROOT, 'scripts', script), 'utf8');
    const commands = readmeBashLines(title)
      .map((line) => line.trim())
      // example answers and the command that starts the service are the README's own
      .filter((line) => line && !line.startsWith('#') && !/\bnpm start\b/.test(line));
    expect(commands.length).toBeGreaterThan(5);
    expect(commands.filter((line) => !source.includes(line))).toEqual([]);
  });
});
