import request from 'supertest';
import type { App } from 'supertest/types';
import { WebhookPublisher } from '../../packages/nest-webhooks/src/events/webhook-publisher.service';
import { eventually } from '../support/receiver';
import { contractSigned, deliveryFixture } from '../support/delivery-harness';
import { DELIVERY_ENV } from '../support/constants';

describe('recording attempts', () => {
  const f = deliveryFixture({ ...DELIVERY_ENV, WEBHOOKS_LEASE_SECONDS: '5' });

  const deliveryOf = async (eventId: string, subscriptionId: string) =>
    (
      await f.t.dataSource.query<{ status: string; attempts: number }[]>(
        `SELECT d.status, (SELECT count(*)::int FROM webhook_attempts a WHERE a.delivery_id = d.id) AS attempts
         FROM webhook_deliveries d WHERE d.event_id = $1 AND d.subscription_id = $2`,
        [eventId, subscriptionId],
      )
    )[0];

  /** webhook_attempt_records_dropped_total, as an operator's Prometheus reads it. */
  const droppedRecords = async (): Promise<number> => {
    const metrics = await request(f.t.app.getHttpServer() as App)
      .get('/metrics')
      .expect(200);
    const match = /^webhook_attempt_records_dropped_total (\d+)$/m.exec(metrics.text);
    return Number(match?.[1] ?? NaN);
  };

  it('an attempt PostgreSQL refuses to record holds up no other record, and its delivery is sent again once its lease ends', async () => {
    const companyId = 'recording-refused';
    const refused = await f.helpers.subscribe(companyId, '/recording/refused', {
      requestTimeoutMs: 2000,
    });
    const healthy = await f.helpers.subscribe(companyId, '/recording/healthy', {
      requestTimeoutMs: 2000,
    });
    const droppedBefore = await droppedRecords();
    // Attempts of one subscription break a constraint: its records are refused, the batch too.
    await f.t.dataSource.query(
      `ALTER TABLE webhook_attempts ADD CONSTRAINT test_refuse_one CHECK (subscription_id <> '${refused.id}') NOT VALID`,
    );
    try {
      const publisher = f.t.app.get(WebhookPublisher);
      const events = await Promise.all(
        Array.from({ length: 5 }, () =>
          publisher.publish('contract.signed', contractSigned(), { companyId }),
        ),
      );
      await f.receiver.waitFor(5, '/recording/refused', 10_000);
      await f.receiver.waitFor(5, '/recording/healthy', 10_000);
      // The healthy subscription's records are written although they shared batches.
      await eventually(async () => {
        for (const { id } of events) {
          expect(await deliveryOf(id, healthy.id)).toMatchObject({ status: 'succeeded' });
        }
        return true;
      }, 10_000);
      // Each refused record is dropped, counted, and leaves its delivery leased, unlogged.
      await eventually(async () => {
        expect(await droppedRecords()).toBe(droppedBefore + 5);
        return true;
      }, 10_000);
      for (const { id } of events) {
        expect(await deliveryOf(id, refused.id)).toEqual({ status: 'sending', attempts: 0 });
      }
    } finally {
      await f.t.dataSource.query(`ALTER TABLE webhook_attempts DROP CONSTRAINT test_refuse_one`);
    }
    // Once the lease (the 2 s timeout + 5 s) has ended, the reaper (every 5 s) hands them out
    // again: sent again, recorded.
    const requests = await f.receiver.waitFor(10, '/recording/refused', 25_000);
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(5);
    await eventually(async () => {
      const [{ succeeded }] = await f.t.dataSource.query<{ succeeded: number }[]>(
        `SELECT count(*)::int AS succeeded FROM webhook_deliveries WHERE subscription_id = $1 AND status = 'succeeded'`,
        [refused.id],
      );
      expect(succeeded).toBe(5);
      return true;
    }, 10_000);
    expect(f.receiver.on('/recording/healthy')).toHaveLength(5);
  });
});
