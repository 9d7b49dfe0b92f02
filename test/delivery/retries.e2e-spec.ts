import request from 'supertest';
import type { App } from 'supertest/types';
import { Webhook } from 'standardwebhooks';
import { createTestApp, type TestApp } from '../support/test-app';
import { eventually, type ReceivedRequest, TestReceiver } from '../support/receiver';
import { deliveryHelpers, FAST_RETRIES, type Subscription } from '../support/delivery-harness';
import { DELIVERY_ENV, DELIVERY_PERMISSIONS } from '../support/constants';
import { sleep } from '../support/time';

/**
 * CONTRACT.md "Delivery semantics": which answers are retried, how long between attempts, what
 * ends a delivery, 410 Gone and the 5-day rule, and the manual retry / recover routes, each
 * against a real HTTP receiver.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

interface DisabledEvent {
  id: string;
  event: string;
  companyId: string;
  data: { subscriptionId: string; url: string; reason: string; disabledAt: string };
}

describe('retries, failures and their consequences', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let server: App;

  const { auth, subscribe, publish, deliveryIdOf, getDelivery, deliveryWhen } = deliveryHelpers(
    () => t,
    () => receiver,
    DELIVERY_PERMISSIONS,
    FAST_RETRIES,
  );

  const getSubscription = async (company: string, id: string): Promise<Subscription> =>
    (await request(server).get(`/api/webhooks/${id}`).set(auth(company)).expect(200))
      .body as Subscription;

  const failingSince = async (subscriptionId: string): Promise<Date | null> => {
    const [row] = await t.dataSource.query<{ failing_since: Date | null }[]>(
      `SELECT failing_since FROM webhook_subscriptions WHERE id = $1`,
      [subscriptionId],
    );
    return row.failing_since;
  };

  /** The first request to `path` carrying a `webhook.endpoint.disabled` event, verified. */
  const disabledEventAt = async (path: string, secret: string): Promise<DisabledEvent> => {
    const req = await eventually(
      async () =>
        receiver
          .on(path)
          .find((r) => r.headers['x-webhook-event'] === 'webhook.endpoint.disabled') ?? null,
      10_000,
    );
    return verify(req, secret) as DisabledEvent;
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

  it('500, 500, 200: three attempts with one webhook-id, backoff delays, then succeeded', async () => {
    const company = 'retry-backoff';
    const retryDelayMs = 300;
    const multiplier = 2;
    const sub = await subscribe(company, '/backoff', {
      retryDelayMs,
      retryBackoffMultiplier: multiplier,
      maxRetryCount: 5,
    });
    receiver.script('/backoff', { status: 500 }, { status: 500 }, { status: 200 });

    const eventId = await publish(company);
    const requests = await receiver.waitFor(3, '/backoff', 10_000);
    const id = await deliveryIdOf(eventId, sub.id);
    const delivery = await deliveryWhen(company, id, (d) => d.status === 'succeeded');

    expect(requests.map((r) => r.headers['webhook-id'])).toEqual([eventId, eventId, eventId]);
    for (const req of requests) verify(req, sub.secret);
    expect(delivery.attemptCount).toBe(3);
    expect(delivery.lastStatusCode).toBe(200);
    expect(delivery.attempts.map((a) => [a.attemptNumber, a.status, a.statusCode])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'succeeded', 200],
    ]);

    // retry n waits retryDelayMs * multiplier^(n-1), +-20% jitter.
    for (let n = 1; n <= 2; n++) {
      const expected = retryDelayMs * Math.pow(multiplier, n - 1);
      const gap = requests[n].at - requests[n - 1].at;
      expect(gap).toBeGreaterThanOrEqual(0.8 * expected - 50);
      expect(gap).toBeLessThan(1.2 * expected + 2000);
    }
    // No fourth request once it succeeded.
    await sleep(400);
    expect(receiver.on('/backoff')).toHaveLength(3);
  });

  it('400: exactly one attempt, the delivery failed, no retry', async () => {
    const company = 'retry-400';
    const sub = await subscribe(company, '/bad-request', { maxRetryCount: 5 });
    receiver.script('/bad-request', { status: 400, body: 'nope' });

    const eventId = await publish(company);
    const id = await deliveryIdOf(eventId, sub.id);
    const delivery = await deliveryWhen(company, id, (d) => d.status === 'failed');
    await sleep(600); // several retry delays of 100 ms
    expect(receiver.on('/bad-request')).toHaveLength(1);
    const after = await getDelivery(company, id);
    expect(after.status).toBe('failed');
    expect(after.attemptCount).toBe(1);
    expect(after.nextAttemptAt).toBeNull();
    expect(delivery.lastStatusCode).toBe(400);
    expect(after.attempts).toEqual([
      expect.objectContaining({ attemptNumber: 1, status: 'failed', statusCode: 400 }),
    ]);
  });

  it('410: deactivates the subscription, cancels its pending deliveries, tells the others', async () => {
    const company = 'retry-410';
    const gone = await subscribe(company, '/gone', { retryDelayMs: 60_000, maxRetryCount: 5 });
    const watchPrefix = await subscribe(company, '/watch-prefix', { events: ['webhook.*'] });
    await subscribe(company, '/watch-all', { events: ['*'] });
    receiver.script('/gone', { status: 500 }, { status: 410 });

    // A first event fails with 500: pending, its retry a minute away.
    const waiting = await publish(company);
    const waitingId = await deliveryIdOf(waiting, gone.id);
    await deliveryWhen(company, waitingId, (d) => d.status === 'pending' && d.attemptCount === 1);

    // A second one gets 410 Gone.
    const goneEvent = await publish(company);
    const goneId = await deliveryIdOf(goneEvent, gone.id);
    await receiver.waitFor(2, '/gone');

    const deactivated = await eventually(async () => {
      const s = await getSubscription(company, gone.id);
      return s.isActive ? null : s;
    }, 10_000);
    expect(deactivated.disabledReason).toEqual(expect.any(String));
    expect(deactivated.disabledReason).not.toBe('');

    const cancelled = await deliveryWhen(company, waitingId, (d) => d.status === 'cancelled');
    expect(cancelled.attempts).toHaveLength(1); // history kept
    const answered = await deliveryWhen(company, goneId, (d) => d.status !== 'sending');
    expect(answered.status).toBe('failed');
    expect(answered.lastStatusCode).toBe(410);

    // `*` alone does not match operational events (CONTRACT.md): only the `webhook.*` watcher.
    for (const [path, watcher] of [['/watch-prefix', watchPrefix]] as const) {
      const event = await disabledEventAt(path, watcher.secret);
      expect(event).toEqual({
        id: expect.any(String),
        event: 'webhook.endpoint.disabled',
        timestamp: expect.any(String),
        companyId: company,
        data: {
          subscriptionId: gone.id,
          url: gone.url,
          reason: expect.any(String),
          disabledAt: expect.any(String),
        },
      });
    }
    // The deactivated endpoint itself is not told, and gets nothing new.
    expect(
      receiver
        .on('/gone')
        .filter((r) => r.headers['x-webhook-event'] === 'webhook.endpoint.disabled'),
    ).toHaveLength(0);
    const later = await publish(company);
    await eventually(
      async () => receiver.on('/watch-all').find((r) => r.headers['webhook-id'] === later),
      10_000,
    );
    expect(receiver.on('/gone')).toHaveLength(2);
    expect(
      receiver
        .on('/watch-all')
        .filter((r) => String(r.headers['x-webhook-event']).startsWith('webhook.')),
    ).toHaveLength(0);
  });

  it("a receiver that hangs past requestTimeoutMs: attempt error 'timeout', then retried", async () => {
    const company = 'retry-timeout';
    const sub = await subscribe(company, '/slow', { requestTimeoutMs: 300, maxRetryCount: 3 });
    receiver.script('/slow', { hang: true });

    const eventId = await publish(company);
    const id = await deliveryIdOf(eventId, sub.id);
    const delivery = await deliveryWhen(company, id, (d) => d.status === 'succeeded');
    const [first, second] = delivery.attempts;
    expect(first).toEqual(
      expect.objectContaining({
        attemptNumber: 1,
        status: 'failed',
        statusCode: null,
        error: 'timeout',
      }),
    );
    expect(first.durationMs).toBeGreaterThanOrEqual(250);
    expect(first.durationMs).toBeLessThan(2000);
    expect(second).toEqual(
      expect.objectContaining({ attemptNumber: 2, status: 'succeeded', statusCode: 200 }),
    );
    const requests = receiver.on('/slow');
    expect(requests).toHaveLength(2);
    expect(requests.map((r) => r.headers['webhook-id'])).toEqual([eventId, eventId]);
  });

  it('429 with Retry-After: 1 delays the next attempt by about a second (retryDelayMs 100)', async () => {
    const company = 'retry-429';
    const sub = await subscribe(company, '/throttled', { maxRetryCount: 3 });
    receiver.script('/throttled', { status: 429, headers: { 'Retry-After': '1' } });

    const eventId = await publish(company);
    const [first, second] = await receiver.waitFor(2, '/throttled', 10_000);
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
    expect(second.headers['webhook-id']).toBe(eventId);
    const delivery = await deliveryWhen(
      company,
      await deliveryIdOf(eventId, sub.id),
      (d) => d.status === 'succeeded',
    );
    expect(delivery.attempts.map((a) => a.statusCode)).toEqual([429, 200]);
  });

  it('3xx is never followed and is retried', async () => {
    const company = 'retry-3xx';
    const sub = await subscribe(company, '/moved', { maxRetryCount: 3 });
    receiver.script(
      '/moved',
      { status: 302, headers: { Location: receiver.url('/redirect-target') } },
      { status: 307, headers: { Location: receiver.url('/redirect-target') } },
    );

    const eventId = await publish(company);
    const id = await deliveryIdOf(eventId, sub.id);
    const delivery = await deliveryWhen(company, id, (d) => d.status === 'succeeded');
    expect(delivery.attempts.map((a) => [a.attemptNumber, a.status, a.statusCode])).toEqual([
      [1, 'failed', 302],
      [2, 'failed', 307],
      [3, 'succeeded', 200],
    ]);
    expect(receiver.on('/moved')).toHaveLength(3);
    expect(receiver.on('/redirect-target')).toHaveLength(0);
  });

  it('after maxRetryCount retries it is failed; POST /retry sends attempt 4 with the same webhook-id', async () => {
    const company = 'retry-exhaust';
    const sub = await subscribe(company, '/exhaust', { maxRetryCount: 2 });
    receiver.script('/exhaust', { status: 500 }, { status: 500 }, { status: 500 });

    const eventId = await publish(company);
    const id = await deliveryIdOf(eventId, sub.id);
    const failed = await deliveryWhen(company, id, (d) => d.status === 'failed');
    expect(failed.attemptCount).toBe(3);
    expect(failed.nextAttemptAt).toBeNull();
    expect(failed.attempts.map((a) => [a.attemptNumber, a.statusCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
    ]);
    await sleep(500);
    expect(receiver.on('/exhaust')).toHaveLength(3);

    await request(server).post(`/api/deliveries/${id}/retry`).set(auth(company)).expect(202);
    const requests = await receiver.waitFor(4, '/exhaust');
    expect(requests[3].headers['webhook-id']).toBe(eventId);
    expect(requests[3].headers['x-webhook-delivery']).toBe(id);
    verify(requests[3], sub.secret);
    const retried = await deliveryWhen(company, id, (d) => d.status === 'succeeded');
    expect(retried.attemptCount).toBe(4);
    expect(retried.attempts.map((a) => [a.attemptNumber, a.status, a.statusCode])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'failed', 500],
      [4, 'succeeded', 200],
    ]);
  });

  it('POST /retry re-sends a succeeded delivery, and answers 409 while it is sending', async () => {
    const company = 'retry-manual';
    const sub = await subscribe(company, '/manual');
    const eventId = await publish(company);
    const id = await deliveryIdOf(eventId, sub.id);
    await deliveryWhen(company, id, (d) => d.status === 'succeeded');

    await request(server).post(`/api/deliveries/${id}/retry`).set(auth(company)).expect(202);
    const [first, again] = await receiver.waitFor(2, '/manual');
    expect(again.headers['webhook-id']).toBe(first.headers['webhook-id']);
    const resent = await deliveryWhen(
      company,
      id,
      (d) => d.status === 'succeeded' && d.attemptCount === 2,
    );
    expect(resent.attempts.map((a) => a.attemptNumber)).toEqual([1, 2]);

    // Another instance is sending it.
    await t.dataSource.query(
      `UPDATE webhook_deliveries
       SET status = 'sending', lease_owner = 'another-instance', lease_expires_at = now() + interval '1 minute'
       WHERE id = $1`,
      [id],
    );
    await request(server).post(`/api/deliveries/${id}/retry`).set(auth(company)).expect(409);
    const [row] = await t.dataSource.query<{ status: string }[]>(
      `SELECT status FROM webhook_deliveries WHERE id = $1`,
      [id],
    );
    expect(row.status).toBe('sending');
    await sleep(300);
    expect(receiver.on('/manual')).toHaveLength(2);
  });

  it('POST /recover {since} re-queues the failed deliveries; since is validated', async () => {
    const company = 'retry-recover';
    const sub = await subscribe(company, '/recover', { maxRetryCount: 0 });
    receiver.script('/recover', { status: 500 }, { status: 500 });
    const recover = (body: Record<string, unknown>) =>
      request(server).post(`/api/webhooks/${sub.id}/recover`).set(auth(company)).send(body);

    const failedIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      const id = await deliveryIdOf(await publish(company), sub.id);
      await deliveryWhen(company, id, (d) => d.status === 'failed');
      failedIds.push(id);
    }
    // A succeeded delivery is not "recovered".
    const okId = await deliveryIdOf(await publish(company), sub.id);
    await deliveryWhen(company, okId, (d) => d.status === 'succeeded');
    expect(receiver.on('/recover')).toHaveLength(3);

    await recover({ since: new Date(Date.now() - 15 * DAY_MS).toISOString() }).expect(400);
    await recover({}).expect(400);
    await recover({ since: 'yesterday' }).expect(400);
    await recover({ since: '2026-13-45T99:00:00Z' }).expect(400);
    await recover({ since: 12345 }).expect(400);
    // Nothing failed after a time in the future.
    const none = await recover({ since: new Date(Date.now() + 60_000).toISOString() }).expect(202);
    expect(none.body).toEqual({ requeued: 0 });
    expect(receiver.on('/recover')).toHaveLength(3);

    const res = await recover({
      since: new Date(Date.now() - 13 * DAY_MS).toISOString(),
    }).expect(202);
    expect(res.body).toEqual({ requeued: 2 });
    await receiver.waitFor(5, '/recover');
    for (const id of failedIds) {
      const delivery = await deliveryWhen(company, id, (d) => d.status === 'succeeded');
      expect(delivery.attempts.map((a) => [a.attemptNumber, a.statusCode])).toEqual([
        [1, 500],
        [2, 200],
      ]);
    }
    const ok = await getDelivery(company, okId);
    expect(ok.attemptCount).toBe(1);
    await sleep(300);
    expect(receiver.on('/recover')).toHaveLength(5);
  });

  it('failing for 5 days deactivates the subscription and tells the others; 4 days does not', async () => {
    const company = 'retry-5days';
    const old = await subscribe(company, '/six-days', { maxRetryCount: 0 });
    const recent = await subscribe(company, '/four-days', { maxRetryCount: 0 });
    const watcher = await subscribe(company, '/watch-5days', {
      events: ['webhook.endpoint.disabled'],
    });
    receiver.script('/six-days', { status: 500 });
    receiver.script('/four-days', { status: 503 });
    await t.dataSource.query(
      `UPDATE webhook_subscriptions SET failing_since = now() - interval '6 days' WHERE id = $1`,
      [old.id],
    );
    await t.dataSource.query(
      `UPDATE webhook_subscriptions SET failing_since = now() - interval '4 days' WHERE id = $1`,
      [recent.id],
    );

    const eventId = await publish(company);
    await deliveryWhen(company, await deliveryIdOf(eventId, old.id), (d) => d.status === 'failed');
    await deliveryWhen(
      company,
      await deliveryIdOf(eventId, recent.id),
      (d) => d.status === 'failed',
    );

    const deactivated = await eventually(async () => {
      const s = await getSubscription(company, old.id);
      return s.isActive ? null : s;
    }, 10_000);
    expect(deactivated.disabledReason).toEqual(expect.any(String));
    const event = await disabledEventAt('/watch-5days', watcher.secret);
    expect(event.companyId).toBe(company);
    expect(event.data).toEqual(
      expect.objectContaining({ subscriptionId: old.id, url: old.url, reason: expect.any(String) }),
    );

    await sleep(300);
    const stillActive = await getSubscription(company, recent.id);
    expect(stillActive.isActive).toBe(true);
    expect(stillActive.disabledReason).toBeNull();
    const told = receiver
      .on('/watch-5days')
      .filter((r) => r.headers['x-webhook-event'] === 'webhook.endpoint.disabled');
    expect(told).toHaveLength(1);
  });

  it('a failed attempt starts failing_since; a success clears it', async () => {
    const company = 'retry-clear';
    const sub = await subscribe(company, '/clear', { maxRetryCount: 0 });
    receiver.script('/clear', { status: 500 });
    expect(await failingSince(sub.id)).toBeNull();

    const failedId = await deliveryIdOf(await publish(company), sub.id);
    await deliveryWhen(company, failedId, (d) => d.status === 'failed');
    const since = await eventually(() => failingSince(sub.id));
    expect(Math.abs(since.getTime() - Date.now())).toBeLessThan(60_000);

    // Even an old failure streak ends with one success.
    await t.dataSource.query(
      `UPDATE webhook_subscriptions SET failing_since = now() - interval '1 day' WHERE id = $1`,
      [sub.id],
    );
    const okId = await deliveryIdOf(await publish(company), sub.id);
    await deliveryWhen(company, okId, (d) => d.status === 'succeeded');
    await eventually(async () => (await failingSince(sub.id)) === null);
    expect(await failingSince(sub.id)).toBeNull();
    expect((await getSubscription(company, sub.id)).isActive).toBe(true);
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
