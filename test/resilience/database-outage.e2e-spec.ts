/**
 * Database outage (CONTRACT.md "Delivery semantics": an accepted event is never lost, not even by
 * a database outage). The built app runs as a child process that reaches PostgreSQL only through
 * a TCP proxy this test controls; the machine's server itself is never touched. Events are
 * published before, during and after a 10 s outage (every connection cut, new ones refused):
 * while the database is gone the API answers 503 with Retry-After (never a 500, never a hang),
 * /health answers 503, the dispatcher backs off and resumes, the app survives, and every accepted
 * event is delivered (duplicates only with the same webhook-id); nothing is left `sending`.
 */
import { Client } from 'pg';
import {
  type ChildApp,
  childEnv,
  childToken,
  delay,
  freePort,
  startChildApp,
  stopAllChildApps,
  waitUntilHealthy,
  type CandidateData,
  candidateCreated,
  createChildSubscription,
  SLOW_RETRIES,
} from '../support/child-app';
import { createTestDatabase } from '../support/database';
import { LoadReceiver } from '../support/load-receiver';
import { TcpProxy } from '../support/tcp-proxy';

jest.setTimeout(120_000);

const COMPANY = 'outage-co';
const LEASE_SECONDS = 5;
const CONCURRENCY = 10;
/** At most this many distinct events are published. */
const MAX_EVENTS = 3_000;
/** Each worker waits this long between two requests: at most ~CONCURRENCY * 1000 / PACE_MS a second. */
const PACE_MS = 100;
const BEFORE_MS = 8_000;
const OUTAGE_MS = 10_000;
/** New events keep coming for this long after the database is back. */
const AFTER_MS = 10_000;
/** A request with no answer by then counts as a hang. */
const REQUEST_TIMEOUT_MS = 15_000;
/** Publishing (refused events retried with their Idempotency-Key) stops by then at the latest. */
const PUBLISH_BOUND_MS = BEFORE_MS + OUTAGE_MS + AFTER_MS + 12_000;
/** Requests sent this long after the database is back must all be accepted. */
const RECOVERY_GRACE_MS = 2_000;
const DELIVERY_BOUND_MS = 30_000;
const SETTLE_BOUND_MS = (LEASE_SECONDS + 15) * 1000;

/** One publish request as the test saw it. */
interface Outcome {
  index: number;
  sentAt: number;
  doneAt: number;
  /** HTTP status, or `network` (no answer) / `timeout` (no answer within REQUEST_TIMEOUT_MS). */
  status: number | 'network' | 'timeout';
  retryAfter: string | null;
  body: string;
}

interface ErrorBody {
  statusCode?: number;
  code?: string;
  message?: string[];
  error?: string;
}

function parseJson<T>(text: string): T | null {
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

interface LogLine {
  level: string;
  context: string;
  msg: string;
  /** The answer's status, on a request line (JSON logs). */
  status?: number;
}

const PINO_LEVELS: Record<number, string> = {
  10: 'VERBOSE',
  20: 'DEBUG',
  30: 'LOG',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/**
 * One line of the app's output: Nest's console format (`[Nest] pid - date   WARN [Context]
 * message`, colours stripped) or a JSON (pino) line; null for a line of neither kind.
 */
function parseLogLine(raw: string): LogLine | null {
  // eslint-disable-next-line no-control-regex
  const line = raw.replace(/\x1b\[[0-9;]*m/g, '').trim();
  if (line.startsWith('{')) {
    const json = parseJson<{
      level?: number;
      context?: string;
      msg?: string;
      res?: { statusCode?: number };
    }>(line);
    if (!json) return null;
    return {
      level: PINO_LEVELS[json.level ?? 0] ?? String(json.level),
      context: json.context ?? '',
      msg: json.msg ?? '',
      status: json.res?.statusCode,
    };
  }
  const nest = /\b(LOG|WARN|ERROR|DEBUG|VERBOSE|FATAL)\s+(?:\[([^\]]+)\]\s?)?(.*)$/.exec(line);
  if (nest) return { level: nest[1], context: nest[2] ?? '', msg: nest[3] };
  return line ? { level: '?', context: '', msg: line.slice(0, 500) } : null;
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return cause === undefined ? '' : JSON.stringify(cause);
}

/** A 503 the way the contract wants it: Retry-After in seconds and a body naming the database. */
function isDatabase503(status: number | string, retryAfter: string | null, body: string): boolean {
  const parsed = parseJson<ErrorBody>(body);
  return (
    status === 503 &&
    retryAfter !== null &&
    /^[1-9][0-9]*$/.test(retryAfter) &&
    parsed?.code === 'database_unavailable' &&
    parsed.statusCode === 503 &&
    (parsed.message ?? []).some((m) => m.includes('database'))
  );
}

describe('the database goes away for 10 s while events are published and delivered', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pg: Client;
  let proxy: TcpProxy;
  let receiver: LoadReceiver;
  let finished = false;

  beforeAll(async () => {
    db = await createTestDatabase('outage');
    // The test's own client goes straight to the server, never through the proxy.
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    proxy = await TcpProxy.start(db.url);
    receiver = await LoadReceiver.start(20);
  });

  afterAll(async () => {
    finished = true;
    await stopAllChildApps();
    await proxy?.close();
    await receiver?.close();
    await pg?.end();
    await db?.drop();
  });

  it('answers 503 while it is gone, backs off, resumes, and loses no accepted event', async () => {
    const started = Date.now();
    const app: ChildApp = startChildApp(
      childEnv(proxy.rewrite(db.url), await freePort(), {
        WEBHOOKS_LEASE_SECONDS: String(LEASE_SECONDS),
        // The dispatcher's "listening again" line is an info line.
        LOG_LEVEL: 'info',
      }),
    );
    // The app's log lines, timestamped as they arrive (child.output() keeps only the last chunks,
    // and thousands of request lines go by during this test); the 503 lines are only counted.
    const logLines: (LogLine & { at: number })[] = [];
    let refusalLines = 0;
    let pending = '';
    const collect = (chunk: Buffer): void => {
      const text = pending + chunk.toString('utf8');
      const lines = text.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const parsed = parseLogLine(line);
        if (!parsed) continue;
        if (parsed.context === 'Database') refusalLines++;
        else logLines.push({ ...parsed, at: Date.now() });
      }
    };
    app.child.stdout?.on('data', collect);
    app.child.stderr?.on('data', collect);
    await waitUntilHealthy(app, 20_000);
    expect(proxy.forwarded).toBeGreaterThan(0);

    const token = childToken(COMPANY, [
      'system.webhooks.manage',
      'system.events.publish',
      'hr.manage',
    ]);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    await createChildSubscription(app, token, {
      url: receiver.url(),
      events: ['candidate.created'],
      ...SLOW_RETRIES,
    });

    // --- The publishers: new events until the end of the "after" phase; a refused event is sent
    // again with the same Idempotency-Key once its Retry-After has passed, as a client would.
    const events: CandidateData[] = [];
    const eventAt = (i: number): CandidateData => {
      while (events.length <= i) {
        const n = events.length;
        events.push(candidateCreated('Outage', n));
      }
      return events[i];
    };
    const outcomes: Outcome[] = [];
    const accepted = new Map<number, string>();
    const retries: { index: number; dueAt: number }[] = [];
    let nextIndex = 0;
    let inFlight = 0;
    const publishStart = Date.now();
    const newEventsUntil = publishStart + BEFORE_MS + OUTAGE_MS + AFTER_MS;
    const publishBound = publishStart + PUBLISH_BOUND_MS;

    const publishOnce = async (index: number): Promise<void> => {
      const sentAt = Date.now();
      let outcome: Outcome;
      try {
        const res = await fetch(`${app.baseUrl}/api/events`, {
          method: 'POST',
          headers: { ...headers, 'idempotency-key': `outage-${index}` },
          body: JSON.stringify({ type: 'candidate.created', data: eventAt(index) }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const body = await res.text();
        outcome = {
          index,
          sentAt,
          doneAt: Date.now(),
          status: res.status,
          retryAfter: res.headers.get('retry-after'),
          body,
        };
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        outcome = {
          index,
          sentAt,
          doneAt: Date.now(),
          status: name === 'TimeoutError' ? 'timeout' : 'network',
          retryAfter: null,
          body: error instanceof Error ? `${error.message} ${describeCause(error.cause)}` : '',
        };
      }
      outcomes.push(outcome);
      const id = parseJson<{ id?: string }>(outcome.body)?.id;
      if (outcome.status === 202 && id) {
        accepted.set(index, id);
        return;
      }
      const seconds = Number(outcome.retryAfter);
      const wait = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000;
      retries.push({ index, dueAt: Date.now() + wait });
    };

    const nextWork = (): number | null => {
      const now = Date.now();
      const due = retries.findIndex((r) => r.dueAt <= now);
      if (due >= 0) return retries.splice(due, 1)[0].index;
      if (now < newEventsUntil && nextIndex < MAX_EVENTS) return nextIndex++;
      return null;
    };

    const worker = async (): Promise<void> => {
      while (!finished && Date.now() < publishBound) {
        const index = nextWork();
        if (index === null) {
          if (Date.now() >= newEventsUntil && retries.length === 0 && inFlight === 0) return;
          await delay(50);
          continue;
        }
        inFlight++;
        try {
          await publishOnce(index);
        } finally {
          inFlight--;
        }
        await delay(PACE_MS);
      }
    };

    // --- The outage, and what the other routes answer during it.
    let downStartedAt = 0;
    let downAt = 0;
    let upStartedAt = 0;
    let upAt = 0;
    let appBackendsWhileDown = -1;
    let directQueryWhileDown = false;
    const sideChecks: {
      route: string;
      status: number | string;
      retryAfter: string | null;
      body: string;
    }[] = [];
    let healthyAgainAfterMs = -1;

    const probe = async (route: string, init: RequestInit = {}): Promise<void> => {
      try {
        const res = await fetch(`${app.baseUrl}${route.replace(/^\w+ /, '')}`, {
          ...init,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        sideChecks.push({
          route,
          status: res.status,
          retryAfter: res.headers.get('retry-after'),
          body: (await res.text()).slice(0, 500),
        });
      } catch (error) {
        sideChecks.push({
          route,
          status: error instanceof Error ? error.name : 'error',
          retryAfter: null,
          body: error instanceof Error ? error.message : '',
        });
      }
    };

    const outage = async (): Promise<void> => {
      await delay(BEFORE_MS);
      expect(proxy.openConnections).toBeGreaterThan(0);
      downStartedAt = Date.now();
      await proxy.down('refuse');
      downAt = Date.now();
      // The server is still there for the test's own (direct) connection, and the app holds no
      // connection of its own to it: it only ever went through the proxy.
      const backends = async (): Promise<number> =>
        Number(
          (
            await pg.query<{ n: string }>(
              `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
              [db.name],
            )
          ).rows[0].n,
        );
      const settledBy = Date.now() + 3_000;
      appBackendsWhileDown = await backends();
      while (appBackendsWhileDown > 0 && Date.now() < settledBy) {
        await delay(100);
        appBackendsWhileDown = await backends();
      }
      directQueryWhileDown = true;
      await delay(2_000);
      await Promise.all([
        probe('GET /health'),
        probe('GET /api/webhooks', { headers }),
        probe('POST /api/candidates', {
          method: 'POST',
          headers,
          body: JSON.stringify({
            firstName: 'During',
            lastName: 'Outage',
            email: 'during.outage@example.com',
          }),
        }),
      ]);
      await delay(Math.max(0, downAt + OUTAGE_MS - Date.now()));
      upStartedAt = Date.now();
      await proxy.up();
      upAt = Date.now();
      // /health is 200 again (bounded).
      const healthyBy = Date.now() + 15_000;
      while (Date.now() < healthyBy) {
        const res = await fetch(`${app.baseUrl}/health`, {
          signal: AbortSignal.timeout(5_000),
        }).catch(() => null);
        if (res?.status === 200) {
          healthyAgainAfterMs = Date.now() - upAt;
          break;
        }
        await delay(100);
      }
    };

    await Promise.all([Promise.all(Array.from({ length: CONCURRENCY }, worker)), outage()]);
    const publishedAt = Date.now();

    // --- Delivery: every accepted event arrives (bounded).
    const acceptedIds = new Set(accepted.values());
    const missing = (): string[] => [...acceptedIds].filter((id) => !receiver.byId.has(id));
    let deliveryError = '';
    await receiver
      .until(() => missing().length === 0, DELIVERY_BOUND_MS, 'every accepted event')
      .catch((error: Error) => {
        deliveryError = error.message;
      });
    const allReceivedAt = Date.now();

    // --- Nothing left `sending` once the leases have expired; everything ends `succeeded`.
    const states = async (): Promise<[string, number][]> =>
      (
        await pg.query<{ status: string; n: string }>(
          `SELECT status, count(*) AS n FROM webhook_deliveries GROUP BY status ORDER BY status`,
        )
      ).rows.map((r) => [r.status, Number(r.n)]);
    const settleBy = Date.now() + SETTLE_BOUND_MS;
    let finalStates = await states();
    while (finalStates.some(([status]) => status !== 'succeeded') && Date.now() < settleBy) {
      await delay(250);
      finalStates = await states();
    }
    const sendingAtEnd = finalStates.find(([status]) => status === 'sending')?.[1] ?? 0;

    // Every delivery has its successful attempt on record (record writes cut by the outage were
    // retried, not dropped).
    const withoutRecordedSuccess = Number(
      (
        await pg.query<{ n: string }>(
          `SELECT count(*) AS n FROM webhook_deliveries d WHERE NOT EXISTS (
             SELECT 1 FROM webhook_attempts a WHERE a.delivery_id = d.id AND a.status = 'succeeded')`,
        )
      ).rows[0].n,
    );
    const attemptOutcomes = (
      await pg.query<{ status: string; error: string | null; n: string }>(
        `SELECT status, error, count(*) AS n FROM webhook_attempts GROUP BY status, error ORDER BY n DESC`,
      )
    ).rows.map((r) => `${r.status}/${r.error ?? '-'}: ${r.n}`);
    const storedIds = new Set(
      (
        await pg.query<{ id: string }>(`SELECT id FROM webhook_events WHERE company_id = $1`, [
          COMPANY,
        ])
      ).rows.map((r) => r.id),
    );
    const storedNotAccepted = [...storedIds].filter((id) => !acceptedIds.has(id));
    const acceptedNotStored = [...acceptedIds].filter((id) => !storedIds.has(id));

    // --- What the requests got, by phase.
    const phaseOf = (o: Outcome): string => {
      if (o.doneAt < downStartedAt) return 'before';
      if (o.sentAt < downAt) return 'at-down';
      if (o.doneAt < upStartedAt) return 'during';
      if (o.sentAt < upAt) return 'at-up';
      return 'after';
    };
    const byPhase = new Map<string, Map<string, number>>();
    for (const o of outcomes) {
      const phase = phaseOf(o);
      const counts = byPhase.get(phase) ?? new Map<string, number>();
      counts.set(String(o.status), (counts.get(String(o.status)) ?? 0) + 1);
      byPhase.set(phase, counts);
    }
    const phaseSummary = Object.fromEntries(
      [...byPhase].map(([phase, counts]) => [phase, Object.fromEntries(counts)]),
    );
    const describeOutcome = (o: Outcome): string =>
      `${phaseOf(o)} +${o.sentAt - downAt}ms..+${o.doneAt - downAt}ms ${o.status} ` +
      `retry-after=${o.retryAfter} ${o.body.slice(0, 200)}`;
    const refused503 = outcomes.filter((o) => o.status === 503);
    const otherAnswers = outcomes.filter((o) => o.status !== 202 && o.status !== 503);
    const bad503 = refused503.filter((o) => !isDatabase503(o.status, o.retryAfter, o.body));
    const during = outcomes.filter((o) => phaseOf(o) === 'during');
    const duringNot503 = during.filter((o) => o.status !== 503);
    const lateRefusals = outcomes.filter(
      (o) => o.sentAt >= upAt + RECOVERY_GRACE_MS && o.status !== 202,
    );
    const beforeRefusals = outcomes.filter((o) => phaseOf(o) === 'before' && o.status !== 202);
    const slowest = outcomes.reduce((max, o) => Math.max(max, o.doneAt - o.sentAt), 0);

    // --- Receipts: duplicates carry the webhook-id of their delivery; timings around the outage.
    const webhookIdsByDelivery = new Map<string, Set<string>>();
    for (const r of receiver.receipts) {
      const ids = webhookIdsByDelivery.get(r.deliveryId) ?? new Set<string>();
      ids.add(r.webhookId);
      webhookIdsByDelivery.set(r.deliveryId, ids);
    }
    const inconsistentDuplicates = [...webhookIdsByDelivery].filter(([, ids]) => ids.size > 1);
    const duplicates = [...receiver.byId].filter(([, list]) => list.length > 1).map(([id]) => id);
    const unknownIds = [...receiver.byId.keys()].filter((id) => !acceptedIds.has(id));
    const receivedDuringOutage = receiver.receipts.filter(
      (r) => r.at >= downAt && r.at < upAt,
    ).length;
    const firstAfterUp = receiver.receipts.find((r) => r.at >= upAt);
    const firstDeliveryAfterUpMs = firstAfterUp ? firstAfterUp.at - upAt : -1;

    // --- The app's own account: backed off while the database was gone, then resumed.
    const lines = (context: string, pattern: RegExp, from = 0, to = Infinity): typeof logLines =>
      logLines.filter(
        (l) => l.context === context && pattern.test(l.msg) && l.at >= from && l.at < to,
      );
    const claimFailures = lines(
      'DeliveryDispatcher',
      /^Claiming deliveries failed/,
      downStartedAt,
      upAt,
    );
    const claimDelays = claimFailures.map((l) => Number(/retrying in (\d+) ms/.exec(l.msg)?.[1]));
    const recordFailures = lines('AttemptRecorder', /^Recording \d+ attempts failed/);
    const notificationsLost = lines('DeliveryNotifications', /unavailable/, downStartedAt);
    const notificationsBack = lines('DeliveryNotifications', /again/, upStartedAt);
    // Still failing well after the database came back: the dispatcher did not resume.
    const claimFailuresAfterUp = lines(
      'DeliveryDispatcher',
      /^Claiming deliveries failed/,
      upAt + RECOVERY_GRACE_MS,
    );
    // The backoff is honoured: each retry of the claim comes no sooner than the delay the
    // previous failure announced (no query hit the database in between, so nothing else should
    // wake the dispatcher early).
    const claimGaps = claimFailures.slice(1).map((l, i) => ({
      announced: claimDelays[i],
      actual: l.at - claimFailures[i].at,
    }));
    const earlyRetries = claimGaps.filter((g) => g.actual < g.announced * 0.9 - 100);
    // A crash in the making: a request that ended in a 500 (Nest's ExceptionsHandler), an
    // unhandled rejection or exception, a fatal line. Other error lines are listed in the summary.
    const crashLines = logLines.filter(
      (l) =>
        l.level === 'FATAL' ||
        l.context === 'ExceptionsHandler' ||
        (l.status !== undefined && l.status >= 500 && l.status !== 503) ||
        /uncaught|unhandled/i.test(l.msg),
    );
    // Expected while the database is gone: terminus logs every failed /health check as an error,
    // and the request log shows each 503 at the error level.
    const errorLines = logLines.filter(
      (l) =>
        l.level === 'ERROR' &&
        l.status !== 503 &&
        !/^Health Check has failed!.*"status":"down"/.test(l.msg),
    );
    const otherLines = logLines.filter((l) => l.at >= downStartedAt && l.level === '?');
    const stillAlive = app.exit === null;

    console.log(
      `[outage] accepted=${acceptedIds.size} refused503=${refused503.length} ` +
        `otherErrors=${otherAnswers.length} delivered(distinct)=${receiver.distinct} ` +
        `lost=${missing().length} duplicates=${duplicates.length} ` +
        `firstDeliveryAfterUp=${firstDeliveryAfterUpMs}ms\n` +
        `[outage] events=${nextIndex} requests=${outcomes.length} phases=${JSON.stringify(phaseSummary)} ` +
        `slowestRequest=${slowest}ms healthyAgainAfterUp=${healthyAgainAfterMs}ms ` +
        `receivedDuringOutage=${receivedDuringOutage} appBackendsWhileDown=${appBackendsWhileDown} ` +
        `states=${JSON.stringify(finalStates)} withoutRecordedSuccess=${withoutRecordedSuccess} ` +
        `attempts=${JSON.stringify(attemptOutcomes)} alive=${stillAlive} ` +
        `publishDone=${publishedAt - started}ms allReceived=${allReceivedAt - started}ms\n` +
        `[outage] app log: claimFailures=${claimFailures.length} announced=${JSON.stringify(claimDelays)} ` +
        `gaps(actual/announced ms)=${JSON.stringify(claimGaps.map((g) => `${g.actual}/${g.announced}`))} ` +
        `claimFailuresAfterUp=${claimFailuresAfterUp.length} recordFailures=${recordFailures.length} ` +
        `notificationsLost=${notificationsLost.length} notificationsBack=${notificationsBack.length} ` +
        `503lines=${refusalLines} errorLines=${errorLines.length} ` +
        `${JSON.stringify(errorLines.slice(0, 5).map((l) => `[${l.context}] ${l.msg.slice(0, 160)}`))} ` +
        `unparsed=${JSON.stringify(otherLines.slice(0, 5).map((l) => l.msg.slice(0, 160)))}`,
    );

    // The test really took the database away from the app, and only from the app.
    expect(downAt).toBeGreaterThan(0);
    expect(upAt - downAt).toBeGreaterThanOrEqual(OUTAGE_MS);
    expect(directQueryWhileDown).toBe(true);
    expect(appBackendsWhileDown).toBe(0);

    // Publishing: only 202 and 503, no other status, no network error, no hang.
    expect(otherAnswers.map(describeOutcome)).toEqual([]);
    expect(beforeRefusals.map(describeOutcome)).toEqual([]);
    // While the database is gone: 503 with Retry-After and a body naming the database.
    expect(during.length).toBeGreaterThanOrEqual(50);
    expect(duringNot503.map(describeOutcome)).toEqual([]);
    expect(bad503.map(describeOutcome)).toEqual([]);
    // Once it is back, publishing works again.
    expect(lateRefusals.map(describeOutcome)).toEqual([]);
    expect(accepted.size).toBe(nextIndex);
    // A refused publish retried with its Idempotency-Key is stored once: the stored events are
    // exactly the accepted ones.
    expect(acceptedIds.size).toBe(accepted.size);
    expect({ storedNotAccepted, acceptedNotStored }).toEqual({
      storedNotAccepted: [],
      acceptedNotStored: [],
    });

    // The other routes during the outage: 503 too, /health with the database down.
    const side = (route: string): (typeof sideChecks)[number] | undefined =>
      sideChecks.find((c) => c.route === route);
    const health = side('GET /health');
    expect(health?.status).toBe(503);
    expect(
      parseJson<{ status?: string; error?: { database?: { status?: string } } }>(
        health?.body ?? '',
      ),
    ).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
    for (const route of ['GET /api/webhooks', 'POST /api/candidates']) {
      const check = side(route);
      expect({
        route,
        check,
        ok: isDatabase503(check?.status ?? 0, check?.retryAfter ?? null, check?.body ?? ''),
      }).toMatchObject({ ok: true });
    }
    expect(healthyAgainAfterMs).toBeGreaterThanOrEqual(0);

    // Delivery: every accepted event arrived, nothing else; duplicates keep their webhook-id.
    expect(deliveryError).toBe('');
    expect(missing()).toEqual([]);
    expect(unknownIds).toEqual([]);
    expect(inconsistentDuplicates).toEqual([]);
    expect(firstDeliveryAfterUpMs).toBeGreaterThanOrEqual(0);
    expect(sendingAtEnd).toBe(0);
    expect(finalStates).toEqual([['succeeded', acceptedIds.size]]);
    expect(withoutRecordedSuccess).toBe(0);

    // The app survived, backed off (growing delays, capped at 10 s) and resumed.
    expect({ stillAlive, exit: app.exit }).toEqual({ stillAlive: true, exit: null });
    expect(crashLines.map((l) => `${l.level} [${l.context}] ${l.msg}`)).toEqual([]);
    expect(claimFailures.length).toBeGreaterThan(0);
    expect(claimFailuresAfterUp.map((l) => l.msg)).toEqual([]);
    expect(Math.max(...claimDelays)).toBeLessThanOrEqual(10_000);
    expect(Math.max(...claimDelays)).toBeGreaterThan(Math.min(...claimDelays));
    expect(earlyRetries).toEqual([]);
    expect(notificationsLost.length).toBeGreaterThan(0);
    expect(notificationsBack.length).toBeGreaterThan(0);
  });
});
