import { randomUUID } from 'node:crypto';
import { DeliveryDispatcher } from '../../src/webhooks/dispatch/delivery-dispatcher.service';
import { WebhookPublisher } from '../../src/webhooks/events/webhook-publisher.service';
import type { TestApp } from '../support/test-app';
import {
  contractSigned,
  DELIVERY_ENV,
  deliveryFixture,
  FAST_RETRIES,
  sleep,
} from '../support/delivery-harness';

interface DeliveryRow {
  status: string;
  attempt_count: number;
  lease_owner: string | null;
  lease_ms: number | null;
  /** The row was never updated after the publish's insert (same transaction as its event). */
  untouched: boolean;
}

const deliveryRow = async (t: TestApp, eventId: string): Promise<DeliveryRow> => {
  const [row] = await t.dataSource.query<DeliveryRow[]>(
    `SELECT d.status, d.attempt_count, d.lease_owner,
            (extract(epoch FROM d.lease_expires_at - e.created_at) * 1000)::int AS lease_ms,
            d.xmin::text = e.xmin::text AS untouched
     FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE d.event_id = $1`,
    [eventId],
  );
  return row;
};

describe('hand-off: deliveries created by a publish go straight to this instance', () => {
  describe('with a running dispatcher', () => {
    const f = deliveryFixture(DELIVERY_ENV, { webhooks: { dispatch: { concurrency: 20 } } });

    it('the delivery is created leased to this instance (attempt 1) and sent without a claim', async () => {
      const companyId = 'handoff-leased';
      await f.helpers.subscribe(companyId, '/handoff/hang', { requestTimeoutMs: 8000 });
      f.receiver.script('/handoff/hang', { hang: true });
      const { id, deliveries } = await f.t.app
        .get(WebhookPublisher)
        .publish('contract.signed', contractSigned(), { companyId });
      expect(deliveries).toBe(1);
      const [request] = await f.receiver.waitFor(1, '/handoff/hang', 5000);
      expect(request.headers['webhook-id']).toBe(id);
      const row = await deliveryRow(f.t, id);
      expect(row).toEqual({
        status: 'sending',
        attempt_count: 1,
        lease_owner: f.t.app.get(DeliveryDispatcher).owner,
        // The lease outlasts the request: its timeout plus 5 s, at least WEBHOOKS_LEASE_SECONDS.
        lease_ms: 30_000,
        untouched: true,
      });
    });

    it('a subscription with a 30 s timeout: the lease is its timeout plus 5 s', async () => {
      const companyId = 'handoff-long-timeout';
      await f.helpers.subscribe(companyId, '/handoff/hang-long', { requestTimeoutMs: 30_000 });
      f.receiver.script('/handoff/hang-long', { hang: true });
      const { id } = await f.t.app
        .get(WebhookPublisher)
        .publish('contract.signed', contractSigned(), { companyId });
      await f.receiver.waitFor(1, '/handoff/hang-long', 5000);
      expect(await deliveryRow(f.t, id)).toMatchObject({
        status: 'sending',
        lease_ms: 35_000,
        untouched: true,
      });
    });

    it("a retry sends the first attempt's body byte for byte (data as stored, keys in jsonb order)", async () => {
      const companyId = 'handoff-retry-body';
      await f.helpers.subscribe(companyId, '/handoff/retry', { ...FAST_RETRIES });
      f.receiver.script('/handoff/retry', { status: 500 });
      // Keys in an order jsonb does not keep (it sorts them by length, then bytes).
      const data = {
        startDate: '2026-12-01',
        contractType: 'CDI',
        employeeId: randomUUID(),
        contractId: randomUUID(),
      };
      const { id } = await f.t.app
        .get(WebhookPublisher)
        .publish('contract.signed', data, { companyId });
      const [first, retry] = await f.receiver.waitFor(2, '/handoff/retry', 10_000);
      expect(first.headers['webhook-id']).toBe(id);
      expect(retry.headers['webhook-id']).toBe(id);
      expect(retry.text).toBe(first.text);
      expect(JSON.parse(first.text)).toMatchObject({ data });
    });

    it('more deliveries than the dispatcher has room for: the rest are claimed; each arrives once, at attempt 1', async () => {
      const companyId = 'handoff-overflow';
      await f.helpers.subscribe(companyId, '/handoff/many');
      await f.helpers.subscribe(companyId, '/handoff/many-too');
      const published = await Promise.all(
        Array.from({ length: 100 }, () =>
          f.t.app.get(WebhookPublisher).publish('contract.signed', contractSigned(), { companyId }),
        ),
      );
      const ids = published.map((p) => p.id).sort();
      for (const path of ['/handoff/many', '/handoff/many-too']) {
        const requests = await f.receiver.waitFor(100, path, 20_000);
        expect(requests.map((r) => r.headers['webhook-id']).sort()).toEqual(ids);
      }
      await sleep(500);
      expect(f.receiver.on('/handoff/many')).toHaveLength(100);
      expect(f.receiver.on('/handoff/many-too')).toHaveLength(100);
      const attempts = await f.t.dataSource.query<{ attempt_number: number; count: number }[]>(
        `SELECT attempt_number, count(*)::int AS count FROM webhook_attempts WHERE company_id = $1 GROUP BY 1`,
        [companyId],
      );
      expect(attempts).toEqual([{ attempt_number: 1, count: 200 }]);
    });
  });

  describe('with a dispatcher of concurrency 20 and endpoints that never answer', () => {
    // Only a commit wakes the loop (no polling claim racing the publish), and the hanging
    // requests are abandoned quickly at shutdown.
    const f = deliveryFixture(DELIVERY_ENV, {
      webhooks: { dispatch: { concurrency: 20, pollIntervalMs: 60_000, shutdownGraceMs: 200 } },
    });

    it('a publish of 40 takes 3/4 of the room (15) from memory, the claim the rest (5): never more than 20 held', async () => {
      const companyId = 'handoff-bound';
      await f.helpers.subscribe(companyId, '/handoff/bound', { requestTimeoutMs: 20_000 });
      f.receiver.script(
        '/handoff/bound',
        ...Array.from({ length: 40 }, () => ({ hang: true as const })),
      );
      const published = await Promise.all(
        Array.from({ length: 40 }, () =>
          f.t.app.get(WebhookPublisher).publish('contract.signed', contractSigned(), { companyId }),
        ),
      );
      await f.receiver.waitFor(20, '/handoff/bound', 10_000);
      await sleep(500);
      expect(f.receiver.on('/handoff/bound')).toHaveLength(20);
      const rows = await Promise.all(published.map(({ id }) => deliveryRow(f.t, id)));
      const count = (f: (r: DeliveryRow) => boolean) => rows.filter(f).length;
      expect(count((r) => r.status === 'sending' && r.untouched)).toBe(15);
      expect(count((r) => r.status === 'sending' && !r.untouched)).toBe(5);
      expect(count((r) => r.status === 'pending' && r.lease_owner === null)).toBe(20);
    });

    it('closing with those 20 requests hanging aborts them after the 200 ms grace, not their 20 s timeout', async () => {
      const closing = f.t;
      f.t = undefined as unknown as TestApp;
      const started = Date.now();
      await closing.close();
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });

  describe('without a dispatcher in this instance', () => {
    const f = deliveryFixture(DELIVERY_ENV, { webhooks: { dispatch: { enabled: false } } });

    it('the delivery is created pending, for any instance to claim', async () => {
      const companyId = 'handoff-none';
      await f.helpers.subscribe(companyId, '/handoff/none');
      const { id } = await f.t.app
        .get(WebhookPublisher)
        .publish('contract.signed', contractSigned(), { companyId });
      expect(await deliveryRow(f.t, id)).toEqual({
        status: 'pending',
        attempt_count: 0,
        lease_owner: null,
        lease_ms: null,
        untouched: true,
      });
      await sleep(500);
      expect(f.receiver.on('/handoff/none')).toHaveLength(0);
    });
  });
});
