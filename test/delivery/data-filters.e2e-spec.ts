import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { WebhookPublisher } from '../../packages/nest-webhooks/src/events/webhook-publisher.service';
import { SubscriptionFilters } from '../../packages/nest-webhooks/src/queue/subscription-filters';
import { deliveryFixture, type Subscription } from '../support/delivery-harness';

type Filtered = Subscription & { filter: Record<string, unknown> | null };

const contract = (contractType: string) => ({
  contractId: randomUUID(),
  employeeId: randomUUID(),
  contractType,
  startDate: '2026-12-01',
});
const training = (cpfHours: number) => ({
  employeeId: randomUUID(),
  trainingId: randomUUID(),
  cpfHours,
});
const PERMANENT = { contractType: { $in: ['CDI', 'CDD'] } };

describe('subscription filters (filter: MongoDB query syntax on data)', () => {
  const f = deliveryFixture();
  const { helpers } = f;
  const subscribe = (companyId: string, path: string, body: Record<string, unknown>) =>
    helpers.subscribe<Filtered>(companyId, path, body);
  const publisher = () => f.t.app.get(WebhookPublisher);

  /** The subscriptions the event has a delivery row for. */
  const deliveredTo = async (eventId: string): Promise<string[]> =>
    (
      await f.t.dataSource.query<{ subscription_id: string }[]>(
        `SELECT subscription_id FROM webhook_deliveries WHERE event_id = $1 OR $1 = ANY(batch_event_ids)
         ORDER BY subscription_id`,
        [eventId],
      )
    ).map((r) => r.subscription_id);
  const sorted = (...ids: string[]) => [...ids].sort();
  const subscriptionCount = async (companyId: string) =>
    (
      await f.t.dataSource.query<[{ count: number }]>(
        `SELECT count(*)::int AS count FROM webhook_subscriptions WHERE company_id = $1`,
        [companyId],
      )
    )[0].count;

  it('create, read, PATCH and remove a filter; the answers show it', async () => {
    const companyId = 'filter-crud';
    const created = await subscribe(companyId, '/f/crud', { filter: PERMANENT });
    expect(created.filter).toEqual(PERMANENT);
    const auth = helpers.auth(companyId);
    const got = await request(f.server).get(`/api/webhooks/${created.id}`).set(auth).expect(200);
    expect((got.body as Filtered).filter).toEqual(PERMANENT);
    const changed = { cpfHours: { $gt: 0 } };
    const patched = await request(f.server)
      .patch(`/api/webhooks/${created.id}`)
      .set(auth)
      .send({ filter: changed })
      .expect(200);
    expect((patched.body as Filtered).filter).toEqual(changed);
    const removed = await request(f.server)
      .patch(`/api/webhooks/${created.id}`)
      .set(auth)
      .send({ filter: null })
      .expect(200);
    expect((removed.body as Filtered).filter).toBeNull();
    const plain = await subscribe(companyId, '/f/plain', {});
    expect(plain.filter).toBeNull();
  });

  const refused: [string, unknown, RegExp][] = [
    [
      'an unknown operator',
      { cpfHours: { $foo: 1 } },
      /filter\.cpfHours\.\$foo: unknown operator \$foo/,
    ],
    ['an operator outside the contract', { $where: 'true' }, /unknown operator \$where/],
    [
      'a malformed regex',
      { contractType: { $regex: '[' } },
      /filter\.contractType\.\$regex is not a valid regular expression/,
    ],
    [
      'a regex that can backtrack exponentially',
      { contractType: { $regex: '^(a+)+$' } },
      /filter\.contractType\.\$regex may take exponential time/,
    ],
    ['over 4 KiB', { contractType: 'x'.repeat(4100) }, /more than the 4096 allowed/],
    ['not an object', ['CDI'], /filter must be an object/],
  ];

  it.each(refused)(
    'POST and PATCH with %s: 400 naming the problem, nothing stored',
    async (_n, filter, message) => {
      const companyId = `filter-400-${randomUUID()}`;
      const auth = helpers.auth(companyId);
      const body = { url: f.receiver.url('/f/bad'), events: ['contract.signed'], filter };
      const res = await request(f.server).post('/api/webhooks').set(auth).send(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', field: 'filter' });
      expect((res.body as { message: string[] }).message.join('\n')).toMatch(message);
      expect(await subscriptionCount(companyId)).toBe(0);

      const kept = await subscribe(companyId, '/f/kept', { filter: PERMANENT });
      const patch = await request(f.server)
        .patch(`/api/webhooks/${kept.id}`)
        .set(auth)
        .send({ filter, description: 'changed' })
        .expect(400);
      expect(patch.body).toMatchObject({ statusCode: 400, field: 'filter' });
      expect((patch.body as { message: string[] }).message.join('\n')).toMatch(message);
      const after = await request(f.server).get(`/api/webhooks/${kept.id}`).set(auth).expect(200);
      expect(after.body).toMatchObject({ filter: PERMANENT, description: null });
    },
  );

  it('REST publish: a non-matching event creates no delivery row; wildcards and filters combine', async () => {
    const companyId = 'filter-rest';
    const permanent = await subscribe(companyId, '/f/rest/permanent', {
      events: ['contract.*'],
      filter: PERMANENT,
    });
    const cpf = await subscribe(companyId, '/f/rest/cpf', {
      events: ['*'],
      filter: { cpfHours: { $gt: 0 } },
    });
    const all = await subscribe(companyId, '/f/rest/all', { events: ['contract.*'] });

    const cdi = await helpers.publish(companyId, {
      type: 'contract.signed',
      data: contract('CDI'),
    });
    const stage = await helpers.publish(companyId, {
      type: 'contract.signed',
      data: contract('STAGE'),
    });
    const hours = await helpers.publish(companyId, {
      type: 'training.completed',
      data: training(7),
    });
    const none = await helpers.publish(companyId, {
      type: 'training.completed',
      data: training(0),
    });

    expect(await deliveredTo(cdi)).toEqual(sorted(permanent.id, all.id));
    expect(await deliveredTo(stage)).toEqual([all.id]);
    expect(await deliveredTo(hours)).toEqual([cpf.id]);
    expect(await deliveredTo(none)).toEqual([]);
    // And the matching ones are sent.
    const [sent] = await f.receiver.waitFor(1, '/f/rest/permanent');
    expect(sent.headers['webhook-id']).toBe(cdi);
    await f.receiver.waitFor(1, '/f/rest/cpf');
    await f.receiver.waitFor(2, '/f/rest/all');
  });

  it('REST publish with an Idempotency-Key (the keyed group statement), and its replay', async () => {
    const companyId = 'filter-keyed';
    const permanent = await subscribe(companyId, '/f/keyed', { filter: PERMANENT });
    const auth = helpers.auth(companyId);
    const post = (data: unknown, key: string) =>
      request(f.server)
        .post('/api/events')
        .set(auth)
        .set('Idempotency-Key', key)
        .send({ type: 'contract.signed', data })
        .expect(202);
    const cdd = contract('CDD');
    const matching = ((await post(cdd, 'k-match')).body as { id: string }).id;
    const other = ((await post(contract('INTERIM'), 'k-other')).body as { id: string }).id;
    expect(await deliveredTo(matching)).toEqual([permanent.id]);
    expect(await deliveredTo(other)).toEqual([]);
    expect(((await post(cdd, 'k-match')).body as { id: string }).id).toBe(matching);
    expect(await deliveredTo(matching)).toEqual([permanent.id]);
  });

  it("publish in the caller's transaction applies the filter, keyed or not", async () => {
    const companyId = 'filter-tx';
    const permanent = await subscribe(companyId, '/f/tx', { filter: PERMANENT });
    const ids = await f.t.dataSource.transaction(async (manager) => [
      (await publisher().publish('contract.signed', contract('CDI'), { companyId, manager })).id,
      (await publisher().publish('contract.signed', contract('STAGE'), { companyId, manager })).id,
      (
        await publisher().publish('contract.signed', contract('STAGE'), {
          companyId,
          manager,
          idempotencyKey: 'tx-key',
        })
      ).id,
    ]);
    expect(await deliveredTo(ids[0])).toEqual([permanent.id]);
    expect(await deliveredTo(ids[1])).toEqual([]);
    expect(await deliveredTo(ids[2])).toEqual([]);
  });

  it('batch publish: per-event and batch subscriptions get only the matching events', async () => {
    const companyId = 'filter-batch';
    const single = await subscribe(companyId, '/f/batch/single', { filter: PERMANENT });
    const batch = await subscribe(companyId, '/f/batch/batch', { filter: PERMANENT, batch: true });
    const nothing = await subscribe(companyId, '/f/batch/nothing', {
      filter: { contractType: 'APPRENTISSAGE' },
      batch: true,
    });
    const published = await publisher().publishBatch(
      [
        { type: 'contract.signed', data: contract('CDI') },
        { type: 'contract.signed', data: contract('STAGE') },
        { type: 'contract.signed', data: contract('CDD'), idempotencyKey: 'batch-key' },
      ],
      { companyId },
    );
    const [cdi, stage, cdd] = published.map((p) => p.id);
    expect(await deliveredTo(cdi)).toEqual(sorted(single.id, batch.id));
    expect(await deliveredTo(stage)).toEqual([]);
    expect(await deliveredTo(cdd)).toEqual(sorted(single.id, batch.id));
    const [batchRow] = await f.t.dataSource.query<{ batch_event_ids: string[] }[]>(
      `SELECT batch_event_ids FROM webhook_deliveries WHERE subscription_id = $1`,
      [batch.id],
    );
    expect(batchRow.batch_event_ids).toEqual([cdi, cdd]);
    const [{ count }] = await f.t.dataSource.query<[{ count: number }]>(
      `SELECT count(*)::int AS count FROM webhook_deliveries WHERE subscription_id = $1`,
      [nothing.id],
    );
    expect(count).toBe(0);
  });

  it('a filter changed behind this instance (another instance, SQL) applies from the next publish', async () => {
    const companyId = 'filter-stale';
    const sub = await subscribe(companyId, '/f/stale', { filter: PERMANENT });
    const cdi = await helpers.publish(companyId, {
      type: 'contract.signed',
      data: contract('CDI'),
    });
    expect(await deliveredTo(cdi)).toEqual([sub.id]);
    // As another instance's PATCH would: this instance's filters are now out of date.
    await f.t.dataSource.query(
      `UPDATE webhook_subscriptions SET filter = '{"contractType": "STAGE"}', updated_at = now() + interval '1 ms' WHERE id = $1`,
      [sub.id],
    );
    const cdi2 = await helpers.publish(companyId, {
      type: 'contract.signed',
      data: contract('CDI'),
    });
    const stage = await helpers.publish(companyId, {
      type: 'contract.signed',
      data: contract('STAGE'),
    });
    expect(await deliveredTo(cdi2)).toEqual([]);
    expect(await deliveredTo(stage)).toEqual([sub.id]);
    // A filtered subscription created behind it, and a filter removed, too.
    const added = await f.t.dataSource.query<{ id: string }[]>(
      `INSERT INTO webhook_subscriptions (company_id, url, events, secret_encrypted, format, signature_algorithm,
         max_retry_count, retry_delay_ms, retry_backoff_multiplier, request_timeout_ms, filter)
       SELECT company_id, url, events, secret_encrypted, format, signature_algorithm, max_retry_count,
         retry_delay_ms, retry_backoff_multiplier, request_timeout_ms, '{"contractType": "CDI"}'
       FROM webhook_subscriptions WHERE id = $1 RETURNING id`,
      [sub.id],
    );
    await f.t.dataSource.query(
      `UPDATE webhook_subscriptions SET filter = NULL, updated_at = now() + interval '2 ms' WHERE id = $1`,
      [sub.id],
    );
    const cdi3 = await helpers.publish(companyId, {
      type: 'contract.signed',
      data: contract('CDI'),
    });
    expect(await deliveredTo(cdi3)).toEqual(sorted(sub.id, added[0].id));
  });
  it('a filtered subscription deactivated behind this instance is no longer evaluated from the next publish', async () => {
    const companyId = 'filter-dropped';
    const kept = await subscribe(companyId, '/f/kept', { filter: PERMANENT });
    const dropped = await subscribe(companyId, '/f/dropped', { filter: PERMANENT });
    const first = await helpers.publish(companyId, {
      type: 'contract.signed',
      data: contract('CDI'),
    });
    expect(await deliveredTo(first)).toEqual(sorted(kept.id, dropped.id));
    const known = async () =>
      (
        await f.t.app
          .get(SubscriptionFilters)
          .verdicts([{ companyId, type: 'contract.signed', data: '{}' }])
      ).known.ids.sort();
    expect(await known()).toEqual(sorted(kept.id, dropped.id));
    // As the engine's deactivation on another instance might leave it: inactive, same version.
    await f.t.dataSource.query(`UPDATE webhook_subscriptions SET is_active = false WHERE id = $1`, [
      dropped.id,
    ]);
    const second = await helpers.publish(companyId, {
      type: 'contract.signed',
      data: contract('CDI'),
    });
    expect(await deliveredTo(second)).toEqual([kept.id]);
    expect(await known()).toEqual([kept.id]);
    // Deleted (soft) too.
    await f.t.dataSource.query(
      `UPDATE webhook_subscriptions SET deleted_at = now() WHERE id = $1`,
      [kept.id],
    );
    const third = await helpers.publish(companyId, {
      type: 'contract.signed',
      data: contract('CDI'),
    });
    expect(await deliveredTo(third)).toEqual([]);
    expect(await known()).toEqual([]);
  });
});
