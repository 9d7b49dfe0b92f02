import { WebhookPublisher } from '../../packages/nest-webhooks/src/events/webhook-publisher.service';
import { sqlState } from 'nest-webhooks/shared';
import { eventually } from '../support/receiver';
import { contractSigned, deliveryFixture, FAST_RETRIES } from '../support/delivery-harness';
import { DELIVERY_ENV } from '../support/constants';
import { sleep } from '../support/time';

/**
 * WEBHOOKS_PREPARED_STATEMENTS=false (for PgBouncer in transaction mode): the same engine with
 * ordinary statements. Hand-off, claim, retry and record all go through the statements that are
 * otherwise prepared.
 */
describe('delivery with prepared statements off', () => {
  const f = deliveryFixture(
    { ...DELIVERY_ENV, WEBHOOKS_PREPARED_STATEMENTS: 'false' },
    { webhooks: { dispatch: { concurrency: 20 } } },
  );

  it('more deliveries than the dispatcher has room for: handed off and claimed, each arrives once', async () => {
    const companyId = 'unprepared-many';
    await f.helpers.subscribe(companyId, '/unprepared/many');
    const published = await Promise.all(
      Array.from({ length: 100 }, () =>
        f.t.app.get(WebhookPublisher).publish('contract.signed', contractSigned(), { companyId }),
      ),
    );
    const requests = await f.receiver.waitFor(100, '/unprepared/many', 20_000);
    expect(requests.map((r) => r.headers['webhook-id']).sort()).toEqual(
      published.map((p) => p.id).sort(),
    );
    await sleep(300);
    expect(f.receiver.on('/unprepared/many')).toHaveLength(100);
    const rows = await f.t.dataSource.query<{ status: string; count: number }[]>(
      `SELECT status, count(*)::int AS count FROM webhook_deliveries WHERE company_id = $1 GROUP BY 1`,
      [companyId],
    );
    expect(rows).toEqual([{ status: 'succeeded', count: 100 }]);
    // None of the pool's sessions asked holds the module's statements.
    for (let i = 0; i < 10; i++) {
      const prepared = await f.t.dataSource.query<{ name: string }[]>(
        `SELECT name FROM pg_prepared_statements WHERE name LIKE 'webhooks%'`,
      );
      expect(prepared).toEqual([]);
    }
  });

  it('500 then 200: retried with the same webhook-id, two attempts recorded', async () => {
    const companyId = 'unprepared-retry';
    const subscription = await f.helpers.subscribe<{ id: string }>(companyId, '/unprepared/retry', {
      ...FAST_RETRIES,
    });
    f.receiver.script('/unprepared/retry', { status: 500 }, { status: 200 });
    const { id } = await f.t.app
      .get(WebhookPublisher)
      .publish('contract.signed', contractSigned(), { companyId });
    const [first, second] = await f.receiver.waitFor(2, '/unprepared/retry', 10_000);
    expect([first.headers['webhook-id'], second.headers['webhook-id']]).toEqual([id, id]);
    const deliveryId = await f.helpers.deliveryIdOf(id, subscription.id);
    const delivery = await f.helpers.deliveryWhen(
      companyId,
      deliveryId,
      (d) => d.status === 'succeeded',
    );
    expect(delivery).toMatchObject({ status: 'succeeded', attemptCount: 2 });
  });

  it('the database refuses a lease owner on a delivery that is not sending (nothing stored)', async () => {
    const companyId = 'unprepared-check';
    await f.helpers.subscribe(companyId, '/unprepared/check');
    const event = await f.t.app
      .get(WebhookPublisher)
      .publish('contract.signed', contractSigned(), { companyId });
    await f.receiver.waitFor(1, '/unprepared/check', 10_000);
    const id = await eventually(async () => {
      const rows = await f.t.dataSource.query<{ id: string }[]>(
        `SELECT id FROM webhook_deliveries WHERE event_id = $1 AND status = 'succeeded'`,
        [event.id],
      );
      return rows[0]?.id ?? null;
    }, 10_000);
    const error = await f.t.dataSource
      .query(`UPDATE webhook_deliveries SET lease_owner = 'someone' WHERE id = $1`, [id])
      .catch((e: unknown) => e);
    expect(sqlState(error)).toBe('23514');
    const [row] = await f.t.dataSource.query<{ lease_owner: string | null }[]>(
      `SELECT lease_owner FROM webhook_deliveries WHERE id = $1`,
      [id],
    );
    expect(row.lease_owner).toBeNull();
  });
});
