import { createHmac, randomUUID } from 'node:crypto';
import request from 'supertest';
import type { App } from 'supertest/types';
import { Webhook } from 'standardwebhooks';
import { DeliveryJobs } from '../../packages/nest-webhooks/src/dispatch/delivery-jobs.service';
import { createTestApp, type TestApp } from '../support/test-app';
import { eventually, type ReceivedRequest, TestReceiver } from '../support/receiver';
import {
  type Attempt,
  contractSignedEvent,
  type Delivery,
  deliveryHelpers,
  FAST_RETRIES,
  type Subscription,
} from '../support/delivery-harness';
import { DELIVERY_ENV, DELIVERY_PERMISSIONS, UUID } from '../support/constants';
import { sleep } from '../support/time';

/**
 * CONTRACT.md "Subscriptions" routes around deliveries: the test ping, the logs, one delivery,
 * tenant isolation, DELETE with pending deliveries, extra headers and their redaction, the
 * User-Agent, and the retention purge.
 */

const ATTEMPT_FIELDS = [
  'attemptNumber',
  'createdAt',
  'deliveryId',
  'durationMs',
  'error',
  'eventId',
  'eventType',
  'id',
  'requestHeaders',
  'responseBody',
  'responseHeaders',
  'status',
  'statusCode',
];
const DELIVERY_FIELDS = [
  'attemptCount',
  'attempts',
  'createdAt',
  'eventId',
  'eventType',
  'id',
  'lastError',
  'lastStatusCode',
  'nextAttemptAt',
  'status',
  'subscriptionId',
  'updatedAt',
];

interface AttemptPage {
  items: Attempt[];
  nextCursor: string | null;
}

interface TestResult {
  delivered: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  attemptId: string;
}

const candidateCreated = () => ({
  type: 'candidate.created',
  data: {
    candidateId: randomUUID(),
    firstName: 'Léa',
    lastName: 'Martin',
    email: 'lea.martin@example.com',
    status: 'new',
    createdAt: '2026-11-23T10:00:00.000Z',
  },
});

describe('delivery routes: test ping, logs, deliveries, isolation, deletion, retention', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let server: App;

  const { auth, subscribe, publish, deliveryIdOf, getDelivery, deliveryWhen } = deliveryHelpers(
    () => t,
    () => receiver,
    DELIVERY_PERMISSIONS,
    FAST_RETRIES,
  );

  const logs = (company: string, subscriptionId: string, query: Record<string, string> = {}) =>
    request(server).get(`/api/webhooks/${subscriptionId}/logs`).query(query).set(auth(company));

  const count = async (sql: string, params: unknown[]): Promise<number> => {
    const [row] = await t.dataSource.query<{ n: number }[]>(sql, params);
    return Number(row.n);
  };

  beforeAll(async () => {
    t = await createTestApp(DELIVERY_ENV, { webhooks: { dispatch: { pollIntervalMs: 200 } } });
    receiver = await TestReceiver.start();
    server = t.app.getHttpServer() as App;
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  describe('POST /api/webhooks/{id}/test', () => {
    it('sends a signed webhook.ping now and answers the result', async () => {
      const company = 'routes-ping';
      const sub = await subscribe(company, '/ping', { signatureAlgorithm: 'HmacSha256' });

      const res = await request(server)
        .post(`/api/webhooks/${sub.id}/test`)
        .set(auth(company))
        .expect(200);
      const result = res.body as TestResult;
      expect(result).toEqual({
        delivered: true,
        statusCode: 200,
        durationMs: expect.any(Number),
        error: null,
        attemptId: expect.stringMatching(UUID),
      });
      expect(result.durationMs).toBeGreaterThanOrEqual(0);

      // It was sent before the answer: no waiting needed.
      const requests = receiver.on('/ping');
      expect(requests).toHaveLength(1);
      const [req] = requests;
      expect(req.headers['x-webhook-event']).toBe('webhook.ping');
      const body = verify(req, sub.secret) as {
        id: string;
        event: string;
        companyId: string;
        data: { subscriptionId: string };
      };
      expect(body).toEqual(expect.objectContaining({ event: 'webhook.ping', companyId: company }));
      expect(body.data.subscriptionId).toBe(sub.id);
      expect(req.headers['webhook-id']).toBe(body.id);
      // The second signature scheme: <alg>=<hex HMAC of "<timestamp>.<body>">, key = whole secret.
      const timestamp = String(req.headers['x-webhook-timestamp']);
      const expected = createHmac('sha256', sub.secret)
        .update(`${timestamp}.`)
        .update(req.body)
        .digest('hex');
      expect(req.headers['x-webhook-signature']).toBe(`sha256=${expected}`);
      expect(req.headers['x-webhook-signature-algorithm']).toBe('HmacSha256');

      // The attempt is in the logs.
      const page = (await logs(company, sub.id).expect(200)).body as AttemptPage;
      expect(page.items.map((a) => [a.id, a.eventType, a.status])).toEqual([
        [result.attemptId, 'webhook.ping', 'succeeded'],
      ]);
    });

    it('reports a 500 without retrying it', async () => {
      const company = 'routes-ping-500';
      const sub = await subscribe(company, '/ping-500', { maxRetryCount: 5 });
      receiver.script('/ping-500', { status: 500, body: 'boom' });

      const res = await request(server)
        .post(`/api/webhooks/${sub.id}/test`)
        .set(auth(company))
        .expect(200);
      expect(res.body).toEqual({
        delivered: false,
        statusCode: 500,
        durationMs: expect.any(Number),
        error: null,
        attemptId: expect.stringMatching(UUID),
      });
      await sleep(1500); // 15 retry delays of 100 ms
      expect(receiver.on('/ping-500')).toHaveLength(1);
      const page = (await logs(company, sub.id).expect(200)).body as AttemptPage;
      expect(page.items).toHaveLength(1);
      expect(page.items[0]).toEqual(
        expect.objectContaining({ status: 'failed', statusCode: 500, responseBody: 'boom' }),
      );
    });
  });

  describe('GET /api/webhooks/{id}/logs', () => {
    const company = 'routes-logs';
    let sub: Subscription;
    /** Event ids in publication order, with how each attempt ended. */
    const sent: { eventId: string; type: string; status: 'succeeded' | 'failed' }[] = [];
    const bigBody = 'x'.repeat(10_000);

    beforeAll(async () => {
      sub = await subscribe(company, '/logs', {
        events: ['contract.signed', 'candidate.created'],
        maxRetryCount: 0,
      });
      const plan = [
        { event: contractSignedEvent, reply: { status: 500 }, status: 'failed' },
        { event: candidateCreated, reply: { status: 200 }, status: 'succeeded' },
        { event: contractSignedEvent, reply: { status: 204 }, status: 'succeeded' },
        { event: candidateCreated, reply: { status: 503 }, status: 'failed' },
        { event: contractSignedEvent, reply: { status: 200, body: bigBody }, status: 'succeeded' },
      ] as const;
      for (const step of plan) {
        receiver.script('/logs', step.reply);
        const event = step.event();
        const eventId = await publish(company, event);
        const id = await deliveryIdOf(eventId, sub.id);
        await deliveryWhen(company, id, (d) => d.status === step.status);
        sent.push({ eventId, type: event.type, status: step.status });
        await sleep(5); // distinct createdAt
      }
    });

    const newestFirst = () => [...sent].reverse();

    it('lists every attempt newest first, each with the contract fields', async () => {
      const page = (await logs(company, sub.id).expect(200)).body as AttemptPage;
      expect(page.nextCursor).toBeNull();
      expect(page.items.map((a) => a.eventId)).toEqual(newestFirst().map((s) => s.eventId));
      const times = page.items.map((a) => Date.parse(a.createdAt));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      for (const [i, attempt] of page.items.entries()) {
        expect(Object.keys(attempt).sort()).toEqual(ATTEMPT_FIELDS);
        const expected = newestFirst()[i];
        expect(attempt).toEqual({
          id: expect.stringMatching(UUID),
          deliveryId: expect.stringMatching(UUID),
          eventId: expected.eventId,
          eventType: expected.type,
          attemptNumber: 1,
          status: expected.status,
          statusCode: expect.any(Number),
          durationMs: expect.any(Number),
          error: null,
          responseBody: expect.any(String),
          requestHeaders: expect.objectContaining({
            'webhook-id': expected.eventId,
            'webhook-signature': '[redacted]',
          }),
          responseHeaders: expect.objectContaining({ date: expect.any(String) }),
          createdAt: expect.any(String),
        });
        expect(Number.isNaN(Date.parse(attempt.createdAt))).toBe(false);
      }
      expect(page.items.map((a) => a.statusCode)).toEqual([200, 503, 204, 200, 500]);
    });

    it('keeps at most 4096 characters of the answer', async () => {
      const page = (await logs(company, sub.id, { limit: '1' }).expect(200)).body as AttemptPage;
      const [latest] = page.items;
      expect(latest.eventId).toBe(sent[4].eventId);
      expect(latest.responseBody).not.toBeNull();
      expect(latest.responseBody!.length).toBeLessThanOrEqual(4096);
      expect(latest.responseBody!.length).toBeGreaterThan(0);
      expect(bigBody.startsWith(latest.responseBody!)).toBe(true);
    });

    it('filters by status and by eventType', async () => {
      const ids = async (query: Record<string, string>) =>
        ((await logs(company, sub.id, query).expect(200)).body as AttemptPage).items.map(
          (a) => a.eventId,
        );
      const expected = (keep: (s: (typeof sent)[number]) => boolean) =>
        newestFirst()
          .filter(keep)
          .map((s) => s.eventId);

      expect(await ids({ status: 'failed' })).toEqual(expected((s) => s.status === 'failed'));
      expect(await ids({ status: 'succeeded' })).toEqual(expected((s) => s.status === 'succeeded'));
      expect(await ids({ eventType: 'candidate.created' })).toEqual(
        expected((s) => s.type === 'candidate.created'),
      );
      expect(await ids({ status: 'failed', eventType: 'contract.signed' })).toEqual(
        expected((s) => s.status === 'failed' && s.type === 'contract.signed'),
      );
      expect(await ids({ eventType: 'training.completed' })).toEqual([]);
    });

    it('pages with limit and cursor (limit 2 over 5 attempts)', async () => {
      const seen: string[] = [];
      const pages: number[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 5; i++) {
        const query: Record<string, string> = { limit: '2' };
        if (cursor) query.cursor = cursor;
        const page = (await logs(company, sub.id, query).expect(200)).body as AttemptPage;
        pages.push(page.items.length);
        seen.push(...page.items.map((a) => a.eventId));
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      expect(pages).toEqual([2, 2, 1]);
      expect(seen).toEqual(newestFirst().map((s) => s.eventId));

      // With a filter, the cursor pages within it.
      const first = (await logs(company, sub.id, { status: 'succeeded', limit: '2' }).expect(200))
        .body as AttemptPage;
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = (
        await logs(company, sub.id, {
          status: 'succeeded',
          limit: '2',
          cursor: first.nextCursor!,
        }).expect(200)
      ).body as AttemptPage;
      expect(second.nextCursor).toBeNull();
      expect([...first.items, ...second.items].map((a) => a.eventId)).toEqual(
        newestFirst()
          .filter((s) => s.status === 'succeeded')
          .map((s) => s.eventId),
      );
    });

    it('answers 400 for a bad cursor, status or limit', async () => {
      await logs(company, sub.id, { cursor: 'not-a-cursor' }).expect(400);
      await logs(company, sub.id, {
        cursor: Buffer.from('{"id":"x"}').toString('base64url'),
      }).expect(400);
      await logs(company, sub.id, { status: 'pending' }).expect(400);
      await logs(company, sub.id, { status: 'bogus' }).expect(400);
      await logs(company, sub.id, { limit: '0' }).expect(400);
      await logs(company, sub.id, { limit: '101' }).expect(400);
      await logs(company, sub.id, { limit: 'ten' }).expect(400);
    });
  });

  it('GET /api/deliveries/{id}: the contract fields, attempts oldest first', async () => {
    const company = 'routes-delivery';
    const sub = await subscribe(company, '/delivery', { maxRetryCount: 3 });
    receiver.script('/delivery', { status: 502, body: 'bad gateway' });
    const eventId = await publish(company);
    const id = await deliveryIdOf(eventId, sub.id);

    const delivery = await deliveryWhen(company, id, (d) => d.status === 'succeeded');
    expect(Object.keys(delivery).sort()).toEqual(DELIVERY_FIELDS);
    expect(delivery).toEqual({
      id,
      eventId,
      subscriptionId: sub.id,
      eventType: 'contract.signed',
      status: 'succeeded',
      attemptCount: 2,
      nextAttemptAt: null,
      lastStatusCode: 200,
      lastError: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      attempts: [expect.any(Object), expect.any(Object)],
    });
    const [first, second] = delivery.attempts;
    for (const attempt of delivery.attempts) {
      expect(Object.keys(attempt).sort()).toEqual(ATTEMPT_FIELDS);
      expect(attempt).toEqual(
        expect.objectContaining({ deliveryId: id, eventId, eventType: 'contract.signed' }),
      );
    }
    expect(first).toEqual(
      expect.objectContaining({
        attemptNumber: 1,
        status: 'failed',
        statusCode: 502,
        responseBody: 'bad gateway',
      }),
    );
    expect(second).toEqual(
      expect.objectContaining({ attemptNumber: 2, status: 'succeeded', statusCode: 200 }),
    );
    expect(Date.parse(first.createdAt)).toBeLessThanOrEqual(Date.parse(second.createdAt));
  });

  it("another company's delivery, logs, test, recover and retry answer 404", async () => {
    const owner = 'routes-owner';
    const other = 'routes-intruder';
    const sub = await subscribe(owner, '/isolated');
    const id = await deliveryIdOf(await publish(owner), sub.id);
    await deliveryWhen(owner, id, (d) => d.status === 'succeeded');
    const before = receiver.on('/isolated').length;

    await request(server).get(`/api/deliveries/${id}`).set(auth(other)).expect(404);
    await request(server).post(`/api/deliveries/${id}/retry`).set(auth(other)).expect(404);
    await request(server).get(`/api/webhooks/${sub.id}/logs`).set(auth(other)).expect(404);
    await request(server).post(`/api/webhooks/${sub.id}/test`).set(auth(other)).expect(404);
    await request(server)
      .post(`/api/webhooks/${sub.id}/recover`)
      .set(auth(other))
      .send({ since: new Date(Date.now() - 60_000).toISOString() })
      .expect(404);

    // Unknown and malformed ids.
    await request(server).get(`/api/deliveries/${randomUUID()}`).set(auth(owner)).expect(404);
    await request(server).get('/api/deliveries/not-a-uuid').set(auth(owner)).expect(404);
    await request(server).post('/api/deliveries/not-a-uuid/retry').set(auth(owner)).expect(404);
    await request(server)
      .post(`/api/deliveries/${randomUUID()}/retry`)
      .set(auth(owner))
      .expect(404);
    await request(server).get('/api/webhooks/not-a-uuid/logs').set(auth(owner)).expect(404);
    await request(server).post('/api/webhooks/not-a-uuid/test').set(auth(owner)).expect(404);

    // Nothing was sent or re-queued on the intruder's behalf.
    await sleep(300);
    expect(receiver.on('/isolated')).toHaveLength(before);
    const delivery = await getDelivery(owner, id);
    expect(delivery.attemptCount).toBe(1);
    expect(delivery.status).toBe('succeeded');
  });

  it('DELETE cancels pending deliveries and keeps their history', async () => {
    const company = 'routes-delete';
    const sub = await subscribe(company, '/delete', { maxRetryCount: 5, retryDelayMs: 60_000 });
    await subscribe(company, '/survivor');
    receiver.script('/delete', { status: 200 }, { status: 500 });

    const doneEvent = await publish(company);
    const doneId = await deliveryIdOf(doneEvent, sub.id);
    await deliveryWhen(company, doneId, (d) => d.status === 'succeeded');

    // One pending after a failed attempt, its retry a minute away.
    const retryingId = await deliveryIdOf(await publish(company), sub.id);
    await deliveryWhen(company, retryingId, (d) => d.status === 'pending' && d.attemptCount === 1);

    // One pending that was never attempted (due in an hour).
    const untouchedEvent = randomUUID();
    const untouchedId = randomUUID();
    await t.dataSource.query(
      `INSERT INTO webhook_events (id, company_id, type, data) VALUES ($1, $2, 'contract.signed', $3)`,
      [untouchedEvent, company, JSON.stringify(contractSignedEvent().data)],
    );
    await t.dataSource.query(
      `INSERT INTO webhook_deliveries (id, company_id, event_id, subscription_id, event_type, status, next_attempt_at)
       VALUES ($1, $2, $3, $4, 'contract.signed', 'pending', now() + interval '1 hour')`,
      [untouchedId, company, untouchedEvent, sub.id],
    );
    const attemptsBefore = await count(
      `SELECT count(*) AS n FROM webhook_attempts WHERE subscription_id = $1`,
      [sub.id],
    );
    expect(attemptsBefore).toBe(2);
    const requestsBefore = receiver.on('/delete').length;

    await request(server).delete(`/api/webhooks/${sub.id}`).set(auth(company)).expect(204);

    for (const id of [retryingId, untouchedId]) {
      const cancelled = await deliveryWhen(company, id, (d) => d.status === 'cancelled');
      expect(cancelled.nextAttemptAt).toBeNull();
    }
    expect((await getDelivery(company, retryingId)).attempts).toEqual([
      expect.objectContaining({ attemptNumber: 1, statusCode: 500 }),
    ]);
    expect((await getDelivery(company, untouchedId)).attempts).toHaveLength(0);
    const done = await getDelivery(company, doneId);
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toHaveLength(1);
    expect(
      await count(`SELECT count(*) AS n FROM webhook_attempts WHERE subscription_id = $1`, [
        sub.id,
      ]),
    ).toBe(attemptsBefore);

    // Nothing more goes to it; the company's other subscription still gets events.
    const after = await publish(company);
    await eventually(
      async () => receiver.on('/survivor').find((r) => r.headers['webhook-id'] === after),
      10_000,
    );
    await sleep(300);
    expect(receiver.on('/delete')).toHaveLength(requestsBefore);
    await request(server).get(`/api/webhooks/${sub.id}`).set(auth(company)).expect(404);
  });

  it('a delivery in flight during DELETE is not sent to the deleted endpoint again', async () => {
    const company = 'routes-delete-inflight';
    const sub = await subscribe(company, '/delete-inflight', {
      requestTimeoutMs: 400,
      retryDelayMs: 100,
      maxRetryCount: 5,
    });
    receiver.script('/delete-inflight', { hang: true });
    const eventId = await publish(company);
    const id = await deliveryIdOf(eventId, sub.id);
    await receiver.waitFor(1, '/delete-inflight');

    await request(server).delete(`/api/webhooks/${sub.id}`).set(auth(company)).expect(204);

    // The hanging attempt times out (400 ms); its retry (100 ms later) must not reach the
    // deleted endpoint, and the delivery ends cancelled.
    await deliveryWhen(company, id, (d) => d.attempts.length >= 1);
    await sleep(700);
    const sentAfterDelete = receiver.on('/delete-inflight').length - 1;
    expect(sentAfterDelete).toBe(0);
    const ended = await deliveryWhen(company, id, (d) => d.status === 'cancelled', 5000);
    expect(ended.attempts).toEqual([
      expect.objectContaining({ attemptNumber: 1, status: 'failed', error: 'timeout' }),
    ]);
  });

  it("sends the subscription's extra headers, redacts their values in the log, and a User-Agent", async () => {
    const company = 'routes-headers';
    const sub = await subscribe(company, '/headers', {
      headers: { 'X-Api-Key': 'sk_live_very_secret', 'X-Partner-Id': 'acme-payroll' },
    });
    const eventId = await publish(company);
    const [req] = await receiver.waitFor(1, '/headers');
    expect(req.headers['x-api-key']).toBe('sk_live_very_secret');
    expect(req.headers['x-partner-id']).toBe('acme-payroll');
    expect(String(req.headers['user-agent'])).toMatch(/^nest-webhooks\//);
    expect(req.headers['webhook-id']).toBe(eventId);

    const id = await deliveryIdOf(eventId, sub.id);
    await deliveryWhen(company, id, (d) => d.status === 'succeeded');
    const [row] = await t.dataSource.query<{ request_headers: Record<string, string> }[]>(
      `SELECT request_headers FROM webhook_attempts WHERE delivery_id = $1`,
      [id],
    );
    const logged = Object.fromEntries(
      Object.entries(row.request_headers).map(([name, value]) => [name.toLowerCase(), value]),
    );
    expect(logged['x-api-key']).toBe('[redacted]');
    expect(logged['x-partner-id']).toBe('[redacted]');
    expect(JSON.stringify(row.request_headers)).not.toContain('sk_live_very_secret');
    expect(logged['user-agent']).toMatch(/^nest-webhooks\//);

    // The test ping carries them too.
    await request(server).post(`/api/webhooks/${sub.id}/test`).set(auth(company)).expect(200);
    const ping = receiver
      .on('/headers')
      .find((r) => r.headers['x-webhook-event'] === 'webhook.ping');
    expect(ping?.headers['x-api-key']).toBe('sk_live_very_secret');
    expect(String(ping?.headers['user-agent'])).toMatch(/^nest-webhooks\//);
  });

  it('retention: purges old attempts and old finished events, keeps pending and recent ones', async () => {
    const company = 'routes-retention';
    const sub = await subscribe(company, '/retention', { maxRetryCount: 0 });
    receiver.script('/retention', { status: 200 }, { status: 500 });
    const publishAndSettle = async (status: Delivery['status']) => {
      const eventId = await publish(company);
      const id = await deliveryIdOf(eventId, sub.id);
      await deliveryWhen(company, id, (d) => d.status === status);
      return { eventId, id };
    };
    const oldSucceeded = await publishAndSettle('succeeded');
    const oldFailed = await publishAndSettle('failed');
    const oldPending = await publishAndSettle('succeeded');
    const middleAged = await publishAndSettle('succeeded');
    const recent = await publishAndSettle('succeeded');
    const oldRetriedRecently = await publishAndSettle('succeeded');

    const age = async (eventId: string, interval: string) => {
      await t.dataSource.query(
        `UPDATE webhook_events SET created_at = now() - $2::interval WHERE id = $1`,
        [eventId, interval],
      );
      await t.dataSource.query(
        `UPDATE webhook_deliveries SET created_at = now() - $2::interval, updated_at = now() - $2::interval
         WHERE event_id = $1`,
        [eventId, interval],
      );
      await t.dataSource.query(
        `UPDATE webhook_attempts SET created_at = now() - $2::interval WHERE event_id = $1`,
        [eventId, interval],
      );
    };
    await age(oldSucceeded.eventId, '40 days');
    await age(oldFailed.eventId, '40 days');
    await age(oldPending.eventId, '40 days');
    await age(middleAged.eventId, '20 days');
    await age(oldRetriedRecently.eventId, '40 days');
    // A manual retry of an old event a moment ago: its fresh history must survive the purge.
    await t.dataSource.query(`UPDATE webhook_deliveries SET updated_at = now() WHERE id = $1`, [
      oldRetriedRecently.id,
    ]);
    // Still to be delivered (a retry due later): its event must stay.
    await t.dataSource.query(
      `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now() + interval '1 hour'
       WHERE id = $1`,
      [oldPending.id],
    );

    await t.app.get(DeliveryJobs).purgeExpired();

    const events = async (eventId: string) =>
      count(`SELECT count(*) AS n FROM webhook_events WHERE id = $1`, [eventId]);
    const deliveries = async (id: string) =>
      count(`SELECT count(*) AS n FROM webhook_deliveries WHERE id = $1`, [id]);
    const attempts = async (id: string) =>
      count(`SELECT count(*) AS n FROM webhook_attempts WHERE delivery_id = $1`, [id]);

    for (const gone of [oldSucceeded, oldFailed]) {
      expect(await events(gone.eventId)).toBe(0);
      expect(await deliveries(gone.id)).toBe(0);
      expect(await attempts(gone.id)).toBe(0);
    }
    expect(await events(oldPending.eventId)).toBe(1);
    expect(await deliveries(oldPending.id)).toBe(1);
    expect(await attempts(oldPending.id)).toBe(0); // the attempt itself was 40 days old
    expect(await events(oldRetriedRecently.eventId)).toBe(1);
    expect(await deliveries(oldRetriedRecently.id)).toBe(1);
    for (const kept of [middleAged, recent]) {
      expect(await events(kept.eventId)).toBe(1);
      expect(await deliveries(kept.id)).toBe(1);
      expect(await attempts(kept.id)).toBe(1);
    }
    const page = (await logs(company, sub.id).expect(200)).body as AttemptPage;
    expect(page.items.map((a) => a.eventId).sort()).toEqual(
      [middleAged.eventId, recent.eventId].sort(),
    ); // the recently retried event's attempt was itself 40 days old: purged
  });
});

/** Checks the Standard Webhooks signature of a received request; returns the parsed body. */
function verify(req: ReceivedRequest, secret: string): unknown {
  return new Webhook(secret).verify(req.text, {
    'webhook-id': String(req.headers['webhook-id']),
    'webhook-timestamp': String(req.headers['webhook-timestamp']),
    'webhook-signature': String(req.headers['webhook-signature']),
  });
}
