import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { SchedulerRegistry } from '@nestjs/schedule';
import { SubscriptionHealth } from '../../packages/nest-webhooks/src/dispatch/subscription-health.service';
import { OperationalEvents } from '../../packages/nest-webhooks/src/events/operational-events';
import { deliveryFixture, FAST_RETRIES, type Subscription } from '../support/delivery-harness';
import { eventually, type ReceivedRequest } from '../support/receiver';
import { QUIET_MS } from '../support/constants';
import { sleep } from '../support/time';

interface Received {
  id: string;
  event: string;
  companyId: string;
  data: Record<string, unknown>;
}

/**
 * CONTRACT.md "Events", operational events: each type with its data, to the company's
 * subscriptions that name it (or `webhook.*`) and never to the one it is about; `*` alone gets
 * none; no loop when the subscription that receives them fails itself.
 */
describe('operational events', () => {
  const f = deliveryFixture();
  const { helpers } = f;
  const subscribe = (companyId: string, path: string, body: Record<string, unknown> = {}) =>
    helpers.subscribe(companyId, path, { ...FAST_RETRIES, ...body });
  const watch = (companyId: string, path: string, events = ['webhook.*']) =>
    helpers.subscribe(companyId, path, { events });

  const verify = (req: ReceivedRequest, secret: string): Received =>
    new Webhook(secret).verify(req.text, {
      'webhook-id': String(req.headers['webhook-id']),
      'webhook-timestamp': String(req.headers['webhook-timestamp']),
      'webhook-signature': String(req.headers['webhook-signature']),
    }) as Received;
  /** The operational events `path` received so far, verified, in arrival order. */
  const operational = (path: string, secret: string): Received[] =>
    f.receiver
      .on(path)
      .filter((r) => String(r.headers['x-webhook-event']).startsWith('webhook.'))
      .map((r) => verify(r, secret));
  /** Waits (bounded) until `path` has received an event of `type` matching `about`. */
  const arrival = (path: string, secret: string, type: string, about: (d: Received) => boolean) =>
    eventually(
      async () => operational(path, secret).find((e) => e.event === type && about(e)) ?? null,
      15_000,
    );
  const storedOfType = async (companyId: string, type: string) =>
    (
      await f.t.dataSource.query<[{ count: number }]>(
        `SELECT count(*)::int AS count FROM webhook_events WHERE company_id = $1 AND type = $2`,
        [companyId, type],
      )
    )[0].count;

  it('created, updated, enabled, deleted: to webhook.* and named subscriptions, not to * nor to the one concerned', async () => {
    const company = 'ops-endpoint';
    const ops = await watch(company, '/ops/endpoint/all');
    const named = await watch(company, '/ops/endpoint/named', ['webhook.endpoint.enabled']);
    const everything = await watch(company, '/ops/endpoint/star', ['*']);
    const auth = helpers.auth(company);
    const target = await subscribe(company, '/ops/endpoint/target', {
      events: ['webhook.*', 'contract.signed'],
    });

    const created = await arrival(
      '/ops/endpoint/all',
      ops.secret,
      'webhook.endpoint.created',
      (e) => e.data.subscriptionId === target.id,
    );
    expect(created).toMatchObject({
      companyId: company,
      data: {
        subscriptionId: target.id,
        url: target.url,
        events: ['webhook.*', 'contract.signed'],
      },
    });

    await request(f.server)
      .patch(`/api/webhooks/${target.id}`)
      .set(auth)
      .send({ isActive: false })
      .expect(200);
    await request(f.server)
      .patch(`/api/webhooks/${target.id}`)
      .set(auth)
      .send({ isActive: true })
      .expect(200);
    const enabled = await arrival(
      '/ops/endpoint/named',
      named.secret,
      'webhook.endpoint.enabled',
      (e) => e.data.subscriptionId === target.id,
    );
    expect(enabled.data).toEqual({ subscriptionId: target.id, url: target.url });
    const updates = await eventually(async () => {
      const seen = operational('/ops/endpoint/all', ops.secret).filter(
        (e) => e.event === 'webhook.endpoint.updated' && e.data.subscriptionId === target.id,
      );
      return seen.length === 2 ? seen : null;
    }, 15_000);
    expect(updates[0].data).toEqual({
      subscriptionId: target.id,
      url: target.url,
      events: ['webhook.*', 'contract.signed'],
    });

    await request(f.server).delete(`/api/webhooks/${target.id}`).set(auth).expect(204);
    const deleted = await arrival(
      '/ops/endpoint/all',
      ops.secret,
      'webhook.endpoint.deleted',
      (e) => e.data.subscriptionId === target.id,
    );
    expect(deleted.data).toEqual({
      subscriptionId: target.id,
      url: target.url,
      events: ['webhook.*', 'contract.signed'],
    });

    await sleep(QUIET_MS);
    // The subscription concerned heard nothing about itself; `*` alone heard nothing at all.
    expect(
      operational('/ops/endpoint/target', target.secret).filter(
        (e) => e.data.subscriptionId === target.id,
      ),
    ).toEqual([]);
    expect(operational('/ops/endpoint/star', everything.secret)).toEqual([]);
    // The named one only its type.
    expect(operational('/ops/endpoint/named', named.secret).map((e) => e.event)).toEqual([
      'webhook.endpoint.enabled',
    ]);
    // And about the watchers created after it, the first one heard too, but never about itself.
    expect(
      operational('/ops/endpoint/all', ops.secret).filter((e) => e.data.subscriptionId === ops.id),
    ).toEqual([]);
  });

  it('a company with no subscription naming them stores no operational event', async () => {
    const company = 'ops-nobody';
    const only = await subscribe(company, '/ops/nobody');
    const auth = helpers.auth(company);
    await request(f.server)
      .patch(`/api/webhooks/${only.id}`)
      .set(auth)
      .send({ description: 'x' })
      .expect(200);
    expect(await storedOfType(company, 'webhook.endpoint.created')).toBe(0);
    expect(await storedOfType(company, 'webhook.endpoint.updated')).toBe(0);
  });

  it('failing at the 4th failed attempt, exhausted at the end; recovered after failing; signed like any event', async () => {
    const company = 'ops-delivery';
    const ops = await watch(company, '/ops/delivery/all');
    const failingOnly = await watch(company, '/ops/delivery/failing', ['webhook.delivery.failing']);
    // Also names webhook.*: it must not hear about its own deliveries.
    const doomed = await subscribe(company, '/ops/delivery/doomed', {
      events: ['contract.signed', 'webhook.*'],
      maxRetryCount: 4,
    });
    f.receiver.script(
      '/ops/delivery/doomed',
      ...Array.from({ length: 5 }, () => ({ status: 500 })),
    );
    const lost = await helpers.publish(company);
    const lostDelivery = await helpers.deliveryIdOf(lost, doomed.id);
    await helpers.deliveryWhen(company, lostDelivery, (d) => d.status === 'failed', 30_000);

    const failing = await arrival(
      '/ops/delivery/all',
      ops.secret,
      'webhook.delivery.failing',
      (e) => e.data.deliveryId === lostDelivery,
    );
    expect(failing.data).toEqual({
      deliveryId: lostDelivery,
      subscriptionId: doomed.id,
      eventId: lost,
      eventType: 'contract.signed',
      attemptCount: 4,
      lastStatusCode: 500,
      lastError: null, // answered: the status says it all (as the delivery's lastError)
    });
    const exhausted = await arrival(
      '/ops/delivery/all',
      ops.secret,
      'webhook.delivery.exhausted',
      (e) => e.data.deliveryId === lostDelivery,
    );
    expect(exhausted.data).toMatchObject({
      deliveryId: lostDelivery,
      subscriptionId: doomed.id,
      attemptCount: 5,
      lastStatusCode: 500,
    });
    await arrival(
      '/ops/delivery/failing',
      failingOnly.secret,
      'webhook.delivery.failing',
      (e) => e.data.deliveryId === lostDelivery,
    );

    // Four failures, then a success: failing, then recovered. Another subscription: five failures
    // in a row opened the first one's circuit (paused 30 s).
    const recovering = await subscribe(company, '/ops/delivery/recovering', { maxRetryCount: 4 });
    f.receiver.script(
      '/ops/delivery/recovering',
      ...Array.from({ length: 4 }, () => ({ status: 503 })),
    );
    const saved = await helpers.publish(company);
    const savedDelivery = await helpers.deliveryIdOf(saved, recovering.id);
    await helpers.deliveryWhen(company, savedDelivery, (d) => d.status === 'succeeded', 30_000);
    const recovered = await arrival(
      '/ops/delivery/all',
      ops.secret,
      'webhook.delivery.recovered',
      (e) => e.data.deliveryId === savedDelivery,
    );
    expect(recovered.data).toMatchObject({
      deliveryId: savedDelivery,
      eventId: saved,
      attemptCount: 5,
      lastStatusCode: 200,
      lastError: null,
    });

    await sleep(QUIET_MS);
    const all = operational('/ops/delivery/all', ops.secret).filter((e) =>
      e.event.startsWith('webhook.delivery.'),
    );
    const label = (e: Received) =>
      e.data.deliveryId === lostDelivery
        ? 'lost'
        : e.data.deliveryId === savedDelivery
          ? 'saved'
          : 'other';
    expect(all.map((e) => `${e.event} ${label(e)}`).sort()).toEqual([
      'webhook.delivery.exhausted lost',
      'webhook.delivery.failing lost',
      'webhook.delivery.failing saved',
      'webhook.delivery.recovered saved',
    ]);
    expect(operational('/ops/delivery/failing', failingOnly.secret).map((e) => e.event)).toEqual([
      'webhook.delivery.failing',
      'webhook.delivery.failing',
    ]);
    expect(
      operational('/ops/delivery/doomed', doomed.secret).filter((e) =>
        e.event.startsWith('webhook.delivery.'),
      ),
    ).toEqual([]);
  });

  it('no loop: the subscription receiving operational events fails too, and nothing is said about its deliveries', async () => {
    const company = 'ops-loop';
    const ops = await subscribe(company, '/ops/loop/ops', {
      events: ['webhook.*'],
      maxRetryCount: 0,
    });
    const other = await watch(company, '/ops/loop/other', ['webhook.delivery.exhausted']);
    const broken = await subscribe(company, '/ops/loop/broken', { maxRetryCount: 0 });
    f.receiver.setDefault({ status: 200, body: 'ok' });
    f.receiver.script('/ops/loop/broken', { status: 500 });
    f.receiver.script('/ops/loop/ops', ...Array.from({ length: 20 }, () => ({ status: 500 })));
    const eventId = await helpers.publish(company);
    const delivery = await helpers.deliveryIdOf(eventId, broken.id);
    await arrival(
      '/ops/loop/other',
      other.secret,
      'webhook.delivery.exhausted',
      (e) => e.data.deliveryId === delivery,
    );
    // The operational subscription got the exhausted event and failed it (no retries).
    await eventually(async () => {
      const rows = await f.t.dataSource.query<{ status: string }[]>(
        `SELECT status FROM webhook_deliveries WHERE subscription_id = $1 AND event_type = 'webhook.delivery.exhausted'`,
        [ops.id],
      );
      return rows.length === 1 && rows[0].status === 'failed' ? true : null;
    }, 15_000);
    await sleep(QUIET_MS * 2);
    expect(await storedOfType(company, 'webhook.delivery.exhausted')).toBe(1);
    expect(await storedOfType(company, 'webhook.delivery.failing')).toBe(0);
    const told = operational('/ops/loop/other', other.secret);
    expect(told.map((e) => e.data.deliveryId)).toEqual([delivery]);
  });

  it('the hourly sweep deactivates a subscription failing for 5 days without new traffic, and tells the others', async () => {
    const company = 'ops-sweep';
    const quiet = await subscribe(company, '/ops/sweep/quiet');
    const recent = await subscribe(company, '/ops/sweep/recent');
    const ops = await watch(company, '/ops/sweep/ops', ['webhook.endpoint.disabled']);
    await f.t.dataSource.query(
      `UPDATE webhook_subscriptions SET failing_since = now() - interval '5 days 1 minute' WHERE id = $1`,
      [quiet.id],
    );
    await f.t.dataSource.query(
      `UPDATE webhook_subscriptions SET failing_since = now() - interval '4 days' WHERE id = $1`,
      [recent.id],
    );
    expect(f.t.app.get(SchedulerRegistry).getIntervals()).toContain('webhooks:failing-sweep');
    expect(await f.t.app.get(SubscriptionHealth).sweepFailing()).toBe(1);
    const disabled = await arrival(
      '/ops/sweep/ops',
      ops.secret,
      'webhook.endpoint.disabled',
      (e) => e.data.subscriptionId === quiet.id,
    );
    expect(disabled.data).toMatchObject({
      subscriptionId: quiet.id,
      url: quiet.url,
      reason: 'every delivery failed for 5 days',
    });
    const auth = helpers.auth(company);
    const after = (id: string) =>
      request(f.server).get(`/api/webhooks/${id}`).set(auth).expect(200);
    expect((await after(quiet.id)).body as Subscription).toMatchObject({ isActive: false });
    expect((await after(recent.id)).body as Subscription).toMatchObject({ isActive: true });
    expect(await f.t.app.get(SubscriptionHealth).sweepFailing()).toBe(0);
  });
  it('several at once (a record batch): only those a subscription hears are stored, in order, in the given transaction', async () => {
    const heard = await watch('ops-many-heard', '/ops/many/heard', ['webhook.delivery.failing']);
    const self = await watch('ops-many-self', '/ops/many/self', ['webhook.delivery.*']);
    const data = (subscriptionId: string) => ({
      deliveryId: '00000000-0000-4000-8000-000000000001',
      subscriptionId,
      eventId: '00000000-0000-4000-8000-000000000002',
      eventType: 'contract.signed',
      attemptCount: 4,
      lastStatusCode: 500,
      lastError: null,
    });
    const other = '00000000-0000-4000-8000-0000000000ff';
    const events = [
      { type: 'webhook.delivery.failing', companyId: 'ops-many-heard', data: data(other) },
      { type: 'webhook.delivery.failing', companyId: 'ops-many-none', data: data(other) },
      // Heard only by the subscription it is about: nobody.
      { type: 'webhook.delivery.failing', companyId: 'ops-many-self', data: data(self.id) },
      // Not a type the listener names.
      { type: 'webhook.delivery.exhausted', companyId: 'ops-many-heard', data: data(other) },
      { type: 'webhook.delivery.exhausted', companyId: 'ops-many-self', data: data(other) },
      { type: 'webhook.delivery.failing', companyId: 'ops-many-heard', data: data(heard.id) },
    ];
    const publishAll = () =>
      f.t.dataSource.transaction((manager) =>
        f.t.app.get(OperationalEvents).publishAll(events, manager),
      );
    const published = (await publishAll()) as ({ id: string } | null)[];
    expect(published.map((p) => p !== null)).toEqual([true, false, false, false, true, false]);
    const stored = await f.t.dataSource.query<{ id: string; company_id: string; type: string }[]>(
      `SELECT id, company_id, type FROM webhook_events WHERE company_id LIKE 'ops-many-%' ORDER BY created_at, company_id`,
    );
    expect(stored.map((e) => [e.company_id, e.type])).toEqual([
      ['ops-many-heard', 'webhook.delivery.failing'],
      ['ops-many-self', 'webhook.delivery.exhausted'],
    ]);
    expect(stored.map((e) => e.id).sort()).toEqual(
      published.flatMap((p) => (p ? [p.id] : [])).sort(),
    );
    // A rolled-back transaction keeps none of them.
    await expect(
      f.t.dataSource.transaction(async (manager) => {
        await f.t.app.get(OperationalEvents).publishAll(events, manager);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await storedOfType('ops-many-heard', 'webhook.delivery.failing')).toBe(1);
  });
});
