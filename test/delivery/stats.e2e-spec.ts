import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DELIVERY_ENV, DELIVERY_PERMISSIONS, ISO_DATE_TIME, READ } from '../support/constants';
import { deliveryHelpers, FAST_RETRIES, type Subscription } from '../support/delivery-harness';
import { eventually, TestReceiver } from '../support/receiver';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * The stats routes: GET /api/deliveries/stats (attempts a minute by outcome) and
 * GET /api/webhooks/{id}/stats (a subscription's last 24 h), from real attempts to a real
 * receiver that fails and then succeeds (their queries' plans: test/schema/stats-query-plans).
 */

interface Bucket {
  at: string;
  succeeded: number;
  failed: number;
  retrying: number;
}
interface MinuteStats {
  since: string;
  until: string;
  bucketSeconds: number;
  buckets: Bucket[];
}
interface SubscriptionStats {
  subscriptionId: string;
  since: string;
  deliveries: number;
  succeeded: number;
  failed: number;
  pending: number;
  successRate: number | null;
  lastError: { at: string; statusCode: number | null; error: string | null } | null;
}

const COMPANY = 'stats-co';
const OTHER = 'stats-other';
const HOUR_MS = 3_600_000;

describe('delivery stats', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let server: App;
  /** Fails twice (500), then succeeds. */
  let flaky: Subscription;
  /** Fails once (500) with no retry: the delivery ends failed. */
  let failing: Subscription;
  /** Fails once (503), its retry an hour away: pending. */
  let waiting: Subscription;
  /** No delivery at all. */
  let idle: Subscription;
  let otherCompanySubscription: Subscription;

  const { auth, subscribe, publish, deliveryIdOf } = deliveryHelpers(
    () => t,
    () => receiver,
    DELIVERY_PERMISSIONS,
    FAST_RETRIES,
  );
  const get = (path: string, company = COMPANY, permissions = DELIVERY_PERMISSIONS) =>
    request(server).get(path).set(auth(company, permissions));

  const sum = (buckets: Bucket[]) =>
    buckets.reduce(
      (total, b) => ({
        succeeded: total.succeeded + b.succeeded,
        failed: total.failed + b.failed,
        retrying: total.retrying + b.retrying,
      }),
      { succeeded: 0, failed: 0, retrying: 0 },
    );

  beforeAll(async () => {
    t = await createTestApp({ ...DELIVERY_ENV, WEBHOOKS_CIRCUIT_FAILURES: '0' });
    receiver = await TestReceiver.start();
    server = t.app.getHttpServer() as App;
    receiver.script('/flaky', { status: 500 }, { status: 500 }, { status: 200 });
    receiver.script('/failing', { status: 500, body: 'down' });
    receiver.script('/waiting', { status: 503 });
    flaky = await subscribe(COMPANY, '/flaky', { maxRetryCount: 5 });
    failing = await subscribe(COMPANY, '/failing', { maxRetryCount: 0 });
    waiting = await subscribe(COMPANY, '/waiting', { retryDelayMs: HOUR_MS, maxRetryCount: 3 });
    idle = await subscribe(COMPANY, '/idle', { events: ['candidate.created'] });
    otherCompanySubscription = await subscribe(OTHER, '/other');

    const eventId = await publish(COMPANY);
    await publish(OTHER);
    const settled = async (subscriptionId: string, statuses: string[]) => {
      const id = await deliveryIdOf(eventId, subscriptionId);
      await eventually(async () => {
        const [row] = await t.dataSource.query<{ status: string; attempt_count: number }[]>(
          `SELECT status, attempt_count FROM webhook_deliveries WHERE id = $1`,
          [id],
        );
        return statuses.includes(row.status) && row.attempt_count > 0 ? true : null;
      }, 10_000);
    };
    await settled(flaky.id, ['succeeded']);
    await settled(failing.id, ['failed']);
    await settled(waiting.id, ['pending']);
    await eventually(async () => (receiver.on('/other').length > 0 ? true : null));
  });

  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  describe('GET /api/deliveries/stats', () => {
    it('counts the attempts of the last hour by outcome, one bucket a minute, zeros included', async () => {
      const before = Date.now();
      const res = await get('/api/deliveries/stats').expect(200);
      const stats = res.body as MinuteStats;
      expect(stats.bucketSeconds).toBe(60);
      expect(stats.since).toMatch(ISO_DATE_TIME);
      expect(stats.until).toMatch(ISO_DATE_TIME);
      expect(Date.parse(stats.until)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(stats.since)).toBe(
        Math.floor((Date.parse(stats.until) - HOUR_MS) / 60_000) * 60_000,
      );
      expect(stats.buckets).toHaveLength(61);
      stats.buckets.forEach((bucket, i) => {
        expect(Date.parse(bucket.at)).toBe(Date.parse(stats.since) + i * 60_000);
      });
      // flaky: 2 retrying + 1 succeeded; failing: 1 failed; waiting: 1 retrying. The other
      // company's attempt is not counted.
      expect(sum(stats.buckets)).toEqual({ succeeded: 1, failed: 1, retrying: 3 });
      expect(stats.buckets.filter((b) => b.succeeded + b.failed + b.retrying === 0).length).toBe(
        stats.buckets.length - new Set(await attemptMinutes(COMPANY)).size,
      );
    });

    it('puts each attempt in the bucket of its minute', async () => {
      const stats = (await get('/api/deliveries/stats').expect(200)).body as MinuteStats;
      for (const at of await attemptMinutes(COMPANY)) {
        const bucket = stats.buckets.find((b) => Date.parse(b.at) === at);
        expect(bucket).toBeDefined();
        expect(bucket!.succeeded + bucket!.failed + bucket!.retrying).toBeGreaterThan(0);
      }
    });

    it('counts one subscription with subscriptionId', async () => {
      const of = async (id: string) =>
        sum(
          (
            (await get(`/api/deliveries/stats?subscriptionId=${id}`).expect(200))
              .body as MinuteStats
          ).buckets,
        );
      expect(await of(flaky.id)).toEqual({ succeeded: 1, failed: 0, retrying: 2 });
      expect(await of(failing.id)).toEqual({ succeeded: 0, failed: 1, retrying: 0 });
      expect(await of(waiting.id)).toEqual({ succeeded: 0, failed: 0, retrying: 1 });
      expect(await of(idle.id)).toEqual({ succeeded: 0, failed: 0, retrying: 0 });
    });

    it('takes since: older attempts come in, one bucket per minute back to it', async () => {
      // One attempt of `failing` moved two hours back: outside the default hour.
      await t.dataSource.query(
        `UPDATE webhook_attempts SET created_at = created_at - interval '2 hours'
         WHERE subscription_id = $1`,
        [failing.id],
      );
      try {
        const lastHour = (await get('/api/deliveries/stats').expect(200)).body as MinuteStats;
        expect(sum(lastHour.buckets)).toEqual({ succeeded: 1, failed: 0, retrying: 3 });
        const since = new Date(Date.now() - 3 * HOUR_MS).toISOString();
        const res = await get(`/api/deliveries/stats?since=${encodeURIComponent(since)}`);
        expect(res.status).toBe(200);
        const stats = res.body as MinuteStats;
        expect(stats.since).toBe(
          new Date(Math.floor(Date.parse(since) / 60_000) * 60_000).toISOString(),
        );
        expect(stats.buckets.length).toBeGreaterThanOrEqual(181);
        expect(stats.buckets.length).toBeLessThanOrEqual(182);
        expect(sum(stats.buckets)).toEqual({ succeeded: 1, failed: 1, retrying: 3 });
      } finally {
        await t.dataSource.query(
          `UPDATE webhook_attempts SET created_at = created_at + interval '2 hours'
           WHERE subscription_id = $1`,
          [failing.id],
        );
      }
    });

    it('opens to system.webhooks.read', async () => {
      await get('/api/deliveries/stats', COMPANY, [READ]).expect(200);
    });

    it.each([
      ['since more than 24 h back', () => `since=${iso(-24 * HOUR_MS - 60_000)}`, 'since'],
      ['since in the future', () => `since=${iso(60_000)}`, 'since'],
      ['since not a date-time', () => 'since=yesterday', 'since'],
      ['since a date without time', () => 'since=2026-12-01', 'since'],
      ['subscriptionId not a UUID', () => 'subscriptionId=abc', 'subscriptionId'],
      ['an unknown parameter', () => 'limit=5', 'limit'],
    ])('answers 400 to %s, naming the field', async (_label, query, field) => {
      const res = await get(`/api/deliveries/stats?${query()}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(
        expect.objectContaining({ statusCode: 400, code: 'INVALID_FIELD', field }),
      );
    });

    it("answers 404 to another company's subscription or an unknown one", async () => {
      for (const id of [otherCompanySubscription.id, randomUUID()]) {
        const res = await get(`/api/deliveries/stats?subscriptionId=${id}`);
        expect(res.status).toBe(404);
        expect(res.body).toEqual(expect.objectContaining({ code: 'SUBSCRIPTION_NOT_FOUND' }));
      }
    });
  });

  describe('GET /api/webhooks/{id}/stats', () => {
    const statsOf = async (id: string) =>
      (await get(`/api/webhooks/${id}/stats`).expect(200)).body as SubscriptionStats;

    it('a subscription whose delivery succeeded after two failures', async () => {
      const stats = await statsOf(flaky.id);
      expect(stats).toEqual({
        subscriptionId: flaky.id,
        since: expect.stringMatching(ISO_DATE_TIME),
        deliveries: 1,
        succeeded: 1,
        failed: 0,
        pending: 0,
        successRate: 1,
        lastError: { at: expect.stringMatching(ISO_DATE_TIME), statusCode: 500, error: null },
      });
      expect(Date.now() - Date.parse(stats.since)).toBeGreaterThanOrEqual(24 * HOUR_MS);
      expect(Date.now() - Date.parse(stats.since)).toBeLessThan(24 * HOUR_MS + 60_000);
      // The most recent failed attempt: the second.
      const [second] = await t.dataSource.query<{ created_at: Date }[]>(
        `SELECT created_at FROM webhook_attempts WHERE subscription_id = $1 AND attempt_number = 2`,
        [flaky.id],
      );
      expect(stats.lastError!.at).toBe(second.created_at.toISOString());
    });

    it('a failed one, a pending one, and one without deliveries', async () => {
      expect(await statsOf(failing.id)).toEqual(
        expect.objectContaining({
          deliveries: 1,
          succeeded: 0,
          failed: 1,
          pending: 0,
          successRate: 0,
          lastError: expect.objectContaining({ statusCode: 500 }),
        }),
      );
      expect(await statsOf(waiting.id)).toEqual(
        expect.objectContaining({
          deliveries: 1,
          succeeded: 0,
          failed: 0,
          pending: 1,
          successRate: null,
          lastError: expect.objectContaining({ statusCode: 503 }),
        }),
      );
      expect(await statsOf(idle.id)).toEqual(
        expect.objectContaining({
          deliveries: 0,
          succeeded: 0,
          failed: 0,
          pending: 0,
          successRate: null,
          lastError: null,
        }),
      );
    });

    it('opens to system.webhooks.read', async () => {
      await get(`/api/webhooks/${flaky.id}/stats`, COMPANY, [READ]).expect(200);
    });

    it("answers 404 to another company's subscription, an unknown one and a non-UUID", async () => {
      for (const id of [otherCompanySubscription.id, randomUUID(), 'stats']) {
        const res = await get(`/api/webhooks/${id}/stats`);
        expect(res.status).toBe(404);
      }
    });
  });

  /** The minutes (ms since the epoch) in which the company's attempts were made. */
  async function attemptMinutes(company: string): Promise<number[]> {
    const rows = await t.dataSource.query<{ created_at: Date }[]>(
      `SELECT created_at FROM webhook_attempts WHERE company_id = $1`,
      [company],
    );
    return rows.map((r) => Math.floor(r.created_at.getTime() / 60_000) * 60_000);
  }
});

function iso(offsetMs: number): string {
  return encodeURIComponent(new Date(Date.now() + offsetMs).toISOString());
}
