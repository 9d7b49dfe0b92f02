import * as fc from 'fast-check';
import type { TestReceiver } from '../receiver';
import type { TestApp } from '../test-app';
import { sleep } from '../time';
import { authorization } from './auth';
import { leaksOf, tokenList } from './checks';
import type { EventTypeSchema } from './openapi';
import type { OutputCapture } from './output-capture';
import type { FuzzRequest } from './requests';
import { differences, quiesce, type Snapshot, snapshot, snapshotQuery } from './rows';
import { clip, redact } from './secrets';
import type { Seeder } from './seed';
import { BASE_SEED, FUZZ_TIME_MS, MIN_RUNS, RUNS_PER_ROUTE, SHRINK_TIME_MS } from './settings';
import type { Context, Fixtures } from './values';
import { type Answer, describeAnswer, describeRequest, send } from './wire';

interface RouteStats {
  runs: number;
  requests: number;
  statuses: Record<string, number>;
  /** Runs whose requests were all refused, so the stored rows were compared. */
  checked: number;
  /** Wall-clock time of the route, seeding included. */
  ms: number;
  seedMs: number;
}

/** What the fuzzer runs against, once the app is up. */
export interface FuzzTarget {
  t: TestApp;
  receiver: TestReceiver;
  /** The port the app listens on, on 127.0.0.1. */
  port: number;
  /** Makes the records the requests act on, afresh when a route may have changed them. */
  seeder: Seeder;
  eventTypes: EventTypeSchema[];
  /** Every route that will be fuzzed: each gets its share of the time left. */
  routeNames: string[];
}

/**
 * Runs one property per route (`fuzz`): runs of 1 to 3 generated requests, each answer checked
 * (no 5xx, no dropped connection, no secret in the answer or in what was logged meanwhile,
 * Object.prototype untouched), and the stored rows compared before and after every run whose
 * requests were all refused. Keeps the statistics and every bearer token sent.
 */
export class RouteFuzzer {
  /** Every bearer token sent, for the final sweep of the logs. */
  readonly tokensSent = new Set<string>();
  /** The routes fuzzed so far, passed or failed. */
  readonly done = new Set<string>();
  private readonly stats = new Map<string, RouteStats>();
  /** Object.prototype's own keys before any request. */
  private readonly prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort().join(',');
  private session: (FuzzTarget & { snapshotSql: string }) | null = null;
  private unsettled = true;
  private deadline = 0;
  private fixtures: Fixtures | null = null;
  /** A write was accepted (or failed with 5xx) since the records were seeded. */
  private dirty = false;

  /** Construct it where the spec's state is set up: Object.prototype's keys are taken then. */
  constructor(private readonly capture: OutputCapture) {}

  /** Takes the target, in beforeAll once the app is up: the time budget starts now. */
  async start(target: FuzzTarget): Promise<void> {
    this.session = { ...target, snapshotSql: await snapshotQuery(target.t.dataSource) };
    this.deadline = Date.now() + FUZZ_TIME_MS;
  }

  /** After requests the app may have acted on: the next snapshot waits until rows settle. */
  markUnsettled(): void {
    this.unsettled = true;
  }

  quiesce(): Promise<void> {
    return quiesce(this.target.t.dataSource);
  }

  snapshot(): Promise<Snapshot> {
    return snapshot(this.target.t.dataSource, this.target.snapshotSql);
  }

  /** One line per route fuzzed: runs, requests, runs checked, time, statuses. */
  summary(): string[] {
    return [...this.stats].map(
      ([route, s]) =>
        `${route.padEnd(45)} runs=${String(s.runs).padStart(3)} requests=${String(s.requests).padStart(4)} checked=${String(s.checked).padStart(3)} ${String(s.ms).padStart(5)}ms (seed ${s.seedMs}) ${JSON.stringify(s.statuses)}`,
    );
  }

  private get target(): FuzzTarget & { snapshotSql: string } {
    if (!this.session) throw new Error('RouteFuzzer.start was not called');
    return this.session;
  }

  private routesLeft(): number {
    return this.target.routeNames.filter((r) => !this.done.has(r)).length;
  }

  /** A stable snapshot: after accepted requests, until two in a row agree. */
  private async settledSnapshot(): Promise<Snapshot> {
    await this.quiesce();
    let last = await this.snapshot();
    if (!this.unsettled) return last;
    for (let i = 0; i < 40; i++) {
      await sleep(25);
      await this.quiesce();
      const next = await this.snapshot();
      if (differences(last, next).length === 0) {
        this.unsettled = false;
        return next;
      }
      last = next;
    }
    throw new Error('the database did not settle within 1 s after accepted requests');
  }

  /** One run: the requests in order, then the stored rows if every one was refused. */
  private async runBatch(route: string, requests: FuzzRequest[]): Promise<void> {
    const routeStats = this.stats.get(route)!;
    const before = await this.settledSnapshot();
    routeStats.runs++;
    const answers: { req: FuzzRequest; answer: Answer; token: string | null }[] = [];
    for (const req of requests) {
      const { header, token } = authorization(req.auth);
      if (token) this.tokensSent.add(token);
      let answer: Answer;
      try {
        answer = await send(this.target.port, req, header);
      } catch (error) {
        this.unsettled = true;
        throw new Error(
          `no answer (${error instanceof Error ? error.message : String(error)})\n  request: ${describeRequest(req, tokenList(token))}`,
        );
      }
      routeStats.requests++;
      const bucket = `${answer.status}`;
      routeStats.statuses[bucket] = (routeStats.statuses[bucket] ?? 0) + 1;
      answers.push({ req, answer, token });
      const write = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
      if (write && (answer.status < 400 || answer.status >= 500)) this.dirty = true;
      if (answer.status < 400 || answer.status >= 500) this.unsettled = true;
      const logged = this.capture.takeNew();
      const leaks = leaksOf(req, answer, token, logged);
      if (answer.status >= 500 || leaks) {
        const tokens = tokenList(token);
        const problem = answer.status >= 500 ? `${answer.status} answer` : (leaks ?? '');
        throw new Error(
          `${problem}\n  request: ${describeRequest(req, tokens)}\n  answer: ${describeAnswer(answer, tokens)}${
            answer.status >= 500
              ? `${leaks ? `\n  ${leaks}` : ''}\n  logged: ${clip(redact(logged, tokens), 900)}`
              : ''
          }`,
        );
      }
      const keys = Object.getOwnPropertyNames(Object.prototype).sort().join(',');
      if (keys !== this.prototypeKeys || ({} as Record<string, unknown>).polluted !== undefined) {
        throw new Error(
          `Object.prototype polluted (${keys})\n  request: ${describeRequest(req, tokenList(token))}`,
        );
      }
    }
    if (answers.every(({ answer }) => answer.status >= 400 && answer.status < 500)) {
      const after = await this.snapshot();
      const changed = differences(before, after);
      if (changed.length > 0) {
        this.unsettled = true;
        throw new Error(
          `stored rows after refused requests: ${changed.join('; ')}\n${answers
            .map(
              ({ req, answer, token }) =>
                `  request: ${describeRequest(req, tokenList(token))}\n  answer: ${describeAnswer(answer, tokenList(token))}`,
            )
            .join('\n')}`,
        );
      }
      routeStats.checked++;
    }
  }

  async fuzz(
    route: string,
    index: number,
    build: (ctx: Context) => fc.Arbitrary<FuzzRequest>,
  ): Promise<void> {
    const started = Date.now();
    const share = Math.max(600, (this.deadline - started) / Math.max(1, this.routesLeft()));
    // Fresh records when an earlier route may have changed them (deleted, rotated, signed,
    // terminated, ...): a write that was not refused. Refused ones change nothing (checked).
    if (!this.fixtures || this.dirty) this.fixtures = await this.target.seeder.seed();
    this.dirty = false;
    const ctx: Context = {
      fixtures: this.fixtures,
      receiverUrl: `http://127.0.0.1:${this.target.receiver.port}`,
      eventTypes: this.target.eventTypes,
    };
    this.stats.set(route, {
      runs: 0,
      requests: 0,
      statuses: {},
      checked: 0,
      ms: 0,
      seedMs: Date.now() - started,
    });
    let stopAt = started + share;
    let failedOnce = false;
    let lastFailure = '';
    const property = fc.asyncProperty(
      fc.array(build(ctx), { minLength: 1, maxLength: 3 }),
      async (requests) => {
        // Time budget used up (each route still makes MIN_RUNS): the run passes, unchecked.
        if (Date.now() > stopAt && this.stats.get(route)!.runs >= MIN_RUNS) return;
        try {
          await this.runBatch(route, requests);
        } catch (error) {
          // Shrinking re-runs the property: it gets a bounded budget of its own.
          if (!failedOnce) stopAt = Date.now() + SHRINK_TIME_MS;
          failedOnce = true;
          lastFailure = error instanceof Error ? error.message : String(error);
          throw error;
        }
      },
    );
    try {
      await fc.assert(property, { numRuns: RUNS_PER_ROUTE, seed: BASE_SEED + index });
    } catch (error) {
      // fast-check's report prints the counterexample (bodies up to 300 KiB); the last failure
      // seen is the shrunk counterexample's, described and clipped.
      const report = error instanceof Error ? error.message : String(error);
      const replay = report.split('\n').slice(0, 2).join(' ');
      throw new Error(`${replay}\n  ${lastFailure}`);
    } finally {
      this.done.add(route);
      this.stats.get(route)!.ms = Date.now() - started;
    }
    const s = this.stats.get(route)!;
    // The row check must have been exercised wherever refusals are the rule (not /health).
    const refused = Object.entries(s.statuses)
      .filter(([status]) => status.startsWith('4'))
      .reduce((sum, [, n]) => sum + n, 0);
    if (s.runs >= 5 && refused * 2 >= s.requests) expect(s.checked).toBeGreaterThan(0);
  }
}
