/**
 * Crashes at random points of the delivery path (CONTRACT.md "Delivery semantics"): the built app
 * runs as a child process while 5,000 events are published through POST /api/events and delivered
 * to one subscriber; it is SIGKILLed at 5 random moments (a seeded PRNG: set RANDOM_CRASH_SEED to
 * replay a run) and restarted each time on the same database and port.
 *
 * - lost = 0: every event answered 202 arrives at least once;
 * - duplicates only with the same webhook-id: every request's `webhook-id` is its body's `id`, an
 *   event always comes with the same `X-Webhook-Delivery` (the database's delivery id) and the same
 *   body bytes, and a duplicate concerns a delivery the killed instance held (or a logged failed
 *   attempt);
 * - nothing stays `sending` once the leases have expired, and every delivery ends `succeeded`.
 *
 * Half the events are published without an Idempotency-Key (one statement, the common path): a
 * request cut by a kill is simply sent again, so an event may be stored without ever being
 * answered 202. Such events are not "accepted" (not counted as lost or as duplicates of accepted
 * ones), but they must still be delivered. The other half carry an Idempotency-Key: the retried
 * request answers the same id, so every stored keyed event must have been answered 202.
 */
import { Client } from 'pg';
import {
  type ChildApp,
  childEnv,
  childToken,
  delay,
  forEachLimited,
  freePort,
  killChildApp,
  startChildApp,
  stopAllChildApps,
  waitUntilHealthy,
  type CandidateData,
  candidateCreated,
  createChildSubscription,
  SLOW_RETRIES,
} from '../support/child-app';
import { DELIVERY_PERMISSIONS } from '../support/constants';
import { createTestDatabase } from '../support/database';
import { LoadReceiver } from '../support/load-receiver';

jest.setTimeout(195_000);

const EVENTS = 5_000;
const CONCURRENCY = 20;
const KILLS = 5;
const LEASE_SECONDS = 5;
/** The subscription's request timeout: a claim's lease lasts max(LEASE_SECONDS, timeout + 5 s). */
const REQUEST_TIMEOUT_MS = 5_000;
const EFFECTIVE_LEASE_MS = Math.max(LEASE_SECONDS * 1000, REQUEST_TIMEOUT_MS + 5_000);
/** A delivery whose holder died is sent again within the lease plus 15 s. */
const REDELIVERY_BOUND_MS = EFFECTIVE_LEASE_MS + 15_000;
/** Kills fall between these fractions of the accepted events (one per equal slice). */
const KILL_WINDOW = [0.08, 0.92] as const;
/** A restarted instance accepts and delivers this much before it may be killed again. */
const MIN_ACCEPTED_BETWEEN_KILLS = 150;
const MIN_RECEIVED_BETWEEN_KILLS = 50;
const MAX_KILL_JITTER_MS = 300;
/**
 * The reaper runs every 5 s: once an instance has been up this long, no delivery may still be
 * `sending` this long after its lease expired (5 s plus a margin for a loaded machine).
 */
const STUCK_AFTER_EXPIRY_MS = 8_000;
/** Everything below is bounded by these, measured from the start of the test. */
const PUBLISH_BUDGET_MS = 120_000;
const DRAIN_TIMEOUT_MS = 90_000;
const TOTAL_BUDGET_MS = 180_000;
const COMPANY = 'random-crash-co';
const EVENT_TYPE = 'candidate.created';

/** mulberry32: a small seeded PRNG, so that a failing run can be replayed with its seed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface KillRecord {
  n: number;
  pid: number;
  /** ms since the start of the test. */
  at: number;
  jitterMs: number;
  threshold: number;
  acceptedAtKill: number;
  receivedAtKill: number;
  phase: 'publishing' | 'draining';
  inFlight: number;
  restartMs: number;
}

describe('SIGKILL at random moments of a 5,000-event run, restarting on the same database', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pg: Client;
  let receiver: LoadReceiver;
  /** Set by afterAll: publishers still retrying give up. */
  let finished = false;

  beforeAll(async () => {
    db = await createTestDatabase('randomcrash');
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    receiver = await LoadReceiver.start(20);
  });

  afterAll(async () => {
    finished = true;
    await stopAllChildApps();
    await receiver?.close();
    await pg?.end();
    await db?.drop();
  });

  it('loses no accepted event, duplicates only with the same webhook-id, leaves nothing sending', async () => {
    const started = Date.now();
    const since = (): number => Date.now() - started;
    const seed = process.env.RANDOM_CRASH_SEED
      ? Number(process.env.RANDOM_CRASH_SEED) >>> 0
      : Math.floor(Math.random() * 2 ** 32);
    const random = seededRandom(seed);
    // One kill in each equal slice of the window, at a random accepted count, then a random delay:
    // spread over the run, and at an arbitrary point of claiming, sending or recording.
    const slice = (KILL_WINDOW[1] - KILL_WINDOW[0]) / KILLS;
    const plan = Array.from({ length: KILLS }, (_, k) => ({
      threshold: Math.floor(EVENTS * (KILL_WINDOW[0] + slice * (k + random()))),
      jitterMs: Math.floor(random() * (MAX_KILL_JITTER_MS + 1)),
    }));
    console.log(
      `[random-crash] seed=${seed} (RANDOM_CRASH_SEED=${seed} replays the plan) ` +
        `kills at accepted counts ${plan.map((p) => `${p.threshold}+${p.jitterMs}ms`).join(', ')}`,
    );

    const port = await freePort();
    const env = childEnv(db.url, port, { WEBHOOKS_LEASE_SECONDS: String(LEASE_SECONDS) });
    let current: ChildApp = startChildApp(env);
    await waitUntilHealthy(current);
    const baseUrl = current.baseUrl;

    const token = childToken(COMPANY, DELIVERY_PERMISSIONS);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    await createChildSubscription({ baseUrl }, token, {
      url: receiver.url(),
      events: [EVENT_TYPE],
      format: 'json',
      ...SLOW_RETRIES,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });

    const events: CandidateData[] = Array.from({ length: EVENTS }, (_, i) =>
      candidateCreated('RandomCrash', i),
    );
    /** event index -> id answered with 202. */
    const accepted = new Map<number, string>();
    const refused = new Map<number, string>();
    let publishRetries = 0;
    let publishingDone = false;
    const publishDeadline = started + PUBLISH_BUDGET_MS;

    const publishOne = async (data: CandidateData, i: number): Promise<void> => {
      const keyed = i % 2 === 1;
      while (!finished && Date.now() < publishDeadline) {
        let status: number;
        let body: unknown;
        try {
          const res = await fetch(`${baseUrl}/api/events`, {
            method: 'POST',
            headers: keyed ? { ...headers, 'idempotency-key': `random-crash-${i}` } : headers,
            body: JSON.stringify({ type: EVENT_TYPE, data }),
            signal: AbortSignal.timeout(10_000),
          });
          status = res.status;
          body = await res.json();
        } catch {
          // Refused, reset or cut mid-answer (the app is down): send it again, to whichever runs.
          publishRetries++;
          await delay(50 + Math.floor(Math.random() * 100));
          continue;
        }
        if (status === 202 && typeof body === 'object' && body !== null && 'id' in body) {
          if (typeof body.id === 'string') {
            accepted.set(i, body.id);
            return;
          }
        }
        if (status >= 500) {
          publishRetries++;
          await delay(100);
          continue;
        }
        refused.set(i, `${status} ${JSON.stringify(body)}`);
        return;
      }
      refused.set(i, 'not accepted before the publishing deadline');
    };

    const kills: KillRecord[] = [];
    /** event ids of the deliveries each killed instance held (`sending` under its lease). */
    const inFlightEventIds = new Set<string>();
    let lastHealthyAt = Date.now();
    /** Incremented at each kill: a sample taken across a kill is dropped. */
    let generation = 0;

    // All along the run: deliveries left `sending` well after their lease expired, while an
    // instance (with its reaper) has been running long enough to hand them out again.
    const stuck: { atMs: number; ids: string[]; expiredMs: number[] }[] = [];
    let samples = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling && !finished) {
        await delay(500);
        const from = generation;
        if (Date.now() - lastHealthyAt < STUCK_AFTER_EXPIRY_MS) continue;
        const rows = await pg
          .query<{ id: string; expired_ms: number }>(
            `SELECT id, (extract(epoch FROM now() - lease_expires_at) * 1000)::int AS expired_ms
             FROM webhook_deliveries
             WHERE status = 'sending' AND lease_expires_at < now() - make_interval(secs => $1)
             LIMIT 5`,
            [STUCK_AFTER_EXPIRY_MS / 1000],
          )
          .then((r) => r.rows)
          .catch(() => null);
        if (rows === null) continue;
        if (generation !== from || Date.now() - lastHealthyAt < STUCK_AFTER_EXPIRY_MS) continue;
        samples++;
        if (rows.length > 0) {
          stuck.push({
            atMs: since(),
            ids: rows.map((r) => r.id),
            expiredMs: rows.map((r) => r.expired_ms),
          });
        }
      }
    })();

    const killAndRestart = async (): Promise<void> => {
      for (let k = 0; k < KILLS; k++) {
        const { threshold, jitterMs } = plan[k];
        const acceptedAtRestart = accepted.size;
        const receivedAtRestart = receiver.receipts.length;
        const ready = (): boolean =>
          publishingDone ||
          (accepted.size >= threshold &&
            accepted.size - acceptedAtRestart >= MIN_ACCEPTED_BETWEEN_KILLS &&
            receiver.receipts.length - receivedAtRestart >= MIN_RECEIVED_BETWEEN_KILLS);
        while (!ready()) {
          if (finished || Date.now() > publishDeadline) {
            throw new Error(
              `kill ${k + 1} never came due: accepted ${accepted.size}/${threshold}, ` +
                `received ${receiver.receipts.length}`,
            );
          }
          await delay(5);
        }
        if (jitterMs > 0) await delay(jitterMs);
        const victim = current;
        generation++;
        lastHealthyAt = Infinity;
        const phase = publishingDone ? 'draining' : 'publishing';
        const exit = await killChildApp(victim);
        const at = since();
        const acceptedAtKill = accepted.size;
        const receivedAtKill = receiver.receipts.length;
        expect(exit.signal).toBe('SIGKILL');
        // What the dead instance held: the only deliveries it may have sent without recording it.
        const held = (
          await pg.query<{ event_id: string }>(
            `SELECT event_id FROM webhook_deliveries WHERE status = 'sending' AND lease_owner LIKE $1`,
            [`%:${victim.pid}:%`],
          )
        ).rows;
        for (const row of held) inFlightEventIds.add(row.event_id);
        const restartStarted = Date.now();
        current = startChildApp(env);
        await waitUntilHealthy(current);
        lastHealthyAt = Date.now();
        const record: KillRecord = {
          n: k + 1,
          pid: victim.pid,
          at,
          jitterMs,
          threshold,
          acceptedAtKill,
          receivedAtKill,
          phase,
          inFlight: held.length,
          restartMs: lastHealthyAt - restartStarted,
        };
        kills.push(record);
        console.log(`[random-crash] kill ${JSON.stringify(record)}`);
      }
    };

    const publishing = forEachLimited(events, CONCURRENCY, publishOne).finally(() => {
      publishingDone = true;
    });
    await Promise.all([publishing, killAndRestart()]);
    const publishedAt = since();

    expect([...refused.entries()].slice(0, 5)).toEqual([]);
    expect(accepted.size).toBe(EVENTS);
    const acceptedIds = new Set(accepted.values());
    expect(acceptedIds.size).toBe(EVENTS);

    // Every accepted id arrives (bounded).
    const missing = (): string[] => [...acceptedIds].filter((id) => !receiver.byId.has(id));
    const drainBy = Math.min(Date.now() + DRAIN_TIMEOUT_MS, started + TOTAL_BUDGET_MS - 10_000);
    while (missing().length > 0 && Date.now() < drainBy) await delay(100);
    const drainedAt = since();

    const count = async (sql: string, params: unknown[] = []): Promise<number> =>
      Number((await pg.query<{ n: string }>(sql, params)).rows[0].n);
    // Leases of the last killed instance expire, the reaper hands their deliveries out again, and
    // every delivery (of accepted events and of events stored but never answered) ends `succeeded`.
    const settleBy = Math.min(
      Math.max(Date.now(), lastHealthyAt + REDELIVERY_BOUND_MS) + 10_000,
      started + TOTAL_BUDGET_MS,
    );
    const unsettled = async (): Promise<number> =>
      count(`SELECT count(*) AS n FROM webhook_deliveries WHERE status <> 'succeeded'`);
    while ((await unsettled()) > 0 && Date.now() < settleBy) await delay(250);
    const settledAt = since();
    sampling = false;
    await sampler;

    const sending = await count(
      `SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'sending'`,
    );
    const states = (
      await pg.query<{ status: string; n: string }>(
        `SELECT status, count(*) AS n FROM webhook_deliveries GROUP BY status ORDER BY status`,
      )
    ).rows.map((r) => [r.status, Number(r.n)] as const);
    const stored = (
      await pg.query<{ id: string; keyed: boolean; delivery_id: string | null }>(
        `SELECT e.id, e.idempotency_key IS NOT NULL AS keyed, d.id AS delivery_id
         FROM webhook_events e LEFT JOIN webhook_deliveries d ON d.event_id = e.id`,
      )
    ).rows;
    const deliveryOf = new Map(stored.map((r) => [r.id, r.delivery_id]));
    const notSucceededAccepted = (
      await pg.query<{ id: string; event_id: string; status: string }>(
        `SELECT id, event_id, status FROM webhook_deliveries
         WHERE status <> 'succeeded' AND event_id = ANY($1::uuid[])`,
        [[...acceptedIds]],
      )
    ).rows;
    const failedAttemptEventIds = new Set(
      (
        await pg.query<{ event_id: string }>(
          `SELECT DISTINCT event_id FROM webhook_attempts WHERE status = 'failed'`,
        )
      ).rows.map((r) => r.event_id),
    );
    const attemptOutcomes = (
      await pg.query<{ status: string; error: string | null; n: string }>(
        `SELECT status, error, count(*) AS n FROM webhook_attempts GROUP BY status, error ORDER BY n DESC`,
      )
    ).rows.map((r) => `${r.status}/${r.error ?? '-'}: ${r.n}`);

    // What the receiver saw.
    const lost = missing();
    const duplicates = [...receiver.byId].filter(([, list]) => list.length > 1).map(([id]) => id);
    const duplicatesOfAccepted = duplicates.filter((id) => acceptedIds.has(id));
    const extraRequests = receiver.receipts.length - receiver.byId.size;
    const idMismatches = receiver.receipts.filter(
      (r) => r.bodyId !== r.webhookId || r.eventType !== EVENT_TYPE,
    );
    const inconsistent = [...receiver.byId].filter(
      ([, list]) =>
        new Set(list.map((r) => r.deliveryId)).size > 1 ||
        new Set(list.map((r) => r.bodyHash)).size > 1,
    );
    const wrongDeliveryId = [...receiver.byId].filter(
      ([id, list]) => deliveryOf.get(id) !== list[0].deliveryId,
    );
    const candidateOf = new Map([...accepted].map(([i, id]) => [id, events[i].candidateId]));
    const wrongData = [...acceptedIds].filter((id) => {
      const first = receiver.byId.get(id)?.[0];
      return first !== undefined && first.candidateId !== candidateOf.get(id);
    });
    const storedIds = new Set(stored.map((r) => r.id));
    const receivedNotStored = [...receiver.byId.keys()].filter((id) => !storedIds.has(id));
    const storedNotAccepted = stored.filter((r) => !acceptedIds.has(r.id));
    const keyedNotAccepted = storedNotAccepted.filter((r) => r.keyed);
    const storedNotReceived = stored.filter((r) => !receiver.byId.has(r.id));
    const unexplainedDuplicates = duplicates.filter(
      (id) => !inFlightEventIds.has(id) && !failedAttemptEventIds.has(id),
    );
    const totalInFlight = kills.reduce((sum, k) => sum + k.inFlight, 0);

    console.log(
      `[random-crash] accepted=${acceptedIds.size} receivedDistinct=${receiver.byId.size} ` +
        `requests=${receiver.receipts.length} lost=${lost.length} duplicates=${duplicates.length} ` +
        `(of accepted ${duplicatesOfAccepted.length}, extra requests ${extraRequests}, ` +
        `unexplained ${unexplainedDuplicates.length}) kills=${kills.length} ` +
        `inFlightAtKills=${totalInFlight} storedEvents=${stored.length} ` +
        `storedNotAccepted=${storedNotAccepted.length} (keyed ${keyedNotAccepted.length}) ` +
        `sendingAtEnd=${sending} stuckSamples=${stuck.length}/${samples} states=${JSON.stringify(states)} publishRetries=${publishRetries} ` +
        `seed=${seed} killsAtMs=${kills.map((k) => k.at).join('/')} ` +
        `restartsMs=${kills.map((k) => k.restartMs).join('/')} publishDone=${publishedAt}ms ` +
        `drained=${drainedAt}ms settled=${settledAt}ms duration=${since()}ms ` +
        `attempts=${JSON.stringify(attemptOutcomes)}`,
    );

    // Five real crashes, restarts included.
    expect(kills.map((k) => k.n)).toEqual([1, 2, 3, 4, 5]);
    // The kills hit deliveries in flight.
    expect(totalInFlight).toBeGreaterThan(0);
    // At least once: no accepted event lost, and it carried the data published.
    expect({ lost: lost.length, examples: lost.slice(0, 5) }).toEqual({ lost: 0, examples: [] });
    expect(wrongData).toEqual([]);
    // Each request: webhook-id is the body's id; the same event, the same delivery and bytes.
    expect(idMismatches.slice(0, 5)).toEqual([]);
    expect(inconsistent.slice(0, 5)).toEqual([]);
    expect(wrongDeliveryId.slice(0, 5).map(([id, list]) => [id, list[0].deliveryId])).toEqual([]);
    // Only stored events arrive; an Idempotency-Key retried after a crash answers the stored id.
    expect(receivedNotStored).toEqual([]);
    expect(keyedNotAccepted.map((r) => r.id)).toEqual([]);
    // Duplicates only where a killed instance held the delivery (or an attempt failed, logged).
    expect({
      unexplained: unexplainedDuplicates.length,
      examples: unexplainedDuplicates.slice(0, 5),
    }).toEqual({ unexplained: 0, examples: [] });
    // Never, during the run, a delivery left `sending` long after its lease expired.
    expect(stuck.slice(0, 5)).toEqual([]);
    // Once the leases expired: nothing `sending`, nothing pending, every stored event delivered.
    expect(sending).toBe(0);
    expect(notSucceededAccepted).toEqual([]);
    expect(states).toEqual([['succeeded', stored.length]]);
    expect(storedNotReceived.map((r) => r.id)).toEqual([]);
    expect(stored.every((r) => r.delivery_id !== null)).toBe(true);
  });
});
