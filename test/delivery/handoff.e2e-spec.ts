import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { EventCatalog } from '../../packages/nest-webhooks/src/catalog/event-catalog.service';
import { DeliveryQueue } from '../../packages/nest-webhooks/src/queue/delivery-queue.repository';
import { WebhookPublisher } from '../../packages/nest-webhooks/src/events/webhook-publisher.service';
import { serverUrl } from '../support/database';
import { eventually, type Reply } from '../support/receiver';
import type { TestApp } from '../support/test-app';
import { contractSigned, deliveryFixture, FAST_RETRIES } from '../support/delivery-harness';
import { DELIVERY_ENV } from '../support/constants';
import { sleep } from '../support/time';

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

/** Deliveries the app took to send so far, by how (`webhook_dispatch_deliveries_total`). */
const taken = async (t: TestApp): Promise<{ handoff: number; claim: number }> => {
  const { text } = await request(t.app.getHttpServer() as App)
    .get('/metrics')
    .expect(200);
  const via = (name: string) =>
    Number(
      new RegExp(`^webhook_dispatch_deliveries_total\\{via="${name}"\\} (\\d+)$`, 'm').exec(
        text,
      )?.[1] ?? 0,
    );
  return { handoff: via('handoff'), claim: via('claim') };
};

const answers = (count: number, delayMs: number): Reply[] =>
  Array.from({ length: count }, () => ({ status: 200, delayMs }));

/** Publishes `n` events of `type` for `companyId` at once (fresh `data()` each). */
const publishMany = (
  t: TestApp,
  companyId: string,
  n: number,
  type = 'contract.signed',
  data: () => unknown = contractSigned,
) =>
  Promise.all(
    Array.from({ length: n }, () =>
      t.app.get(WebhookPublisher).publish(type, data(), { companyId }),
    ),
  );

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
        lease_owner: f.t.app.get(DeliveryQueue).owner,
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
      const published = await publishMany(f.t, companyId, 100);
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
      const published = await publishMany(f.t, companyId, 40);
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

  describe('spill: a burst faster than a busy endpoint waits in memory, not in claims', () => {
    // 4 requests at once per subscription; the lease is 30 s unless the timeout asks more.
    const f = deliveryFixture(DELIVERY_ENV, {
      webhooks: { dispatch: { concurrency: 20, perSubscriptionConcurrency: 4 } },
    });
    const send = (companyId: string, n: number) => publishMany(f.t, companyId, n);

    /**
     * A subscription whose mean answer time is known (4 answered in `knownMs`) and whose 4 slots
     * are taken (4 more, answered after `busyMs`); its next requests are answered by `then`.
     */
    const busySubscription = async (
      companyId: string,
      path: string,
      body: Record<string, unknown>,
      knownMs: number,
      busyMs: number,
      then: Reply[],
    ) => {
      await f.helpers.subscribe(companyId, path, body);
      f.receiver.script(path, ...answers(4, knownMs), ...answers(4, busyMs), ...then);
      await send(companyId, 4);
      await f.receiver.waitFor(4, path, 5000);
      await send(companyId, 4);
      await f.receiver.waitFor(8, path, 5000);
    };

    /** How many of a company's attempts had each attempt number. */
    const attemptNumbers = (companyId: string) =>
      f.t.dataSource.query<{ attempt_number: number; count: number }[]>(
        `SELECT attempt_number, count(*)::int AS count FROM webhook_attempts WHERE company_id = $1 GROUP BY 1`,
        [companyId],
      );

    it('beyond the bound, the deliveries are created leased and sent from memory: no claim, never more than 4 at once, each once', async () => {
      const companyId = 'spill-burst';
      await busySubscription(companyId, '/spill/burst', {}, 20, 400, answers(200, 10));
      const before = await taken(f.t);
      const burst = await send(companyId, 200);
      const requests = await f.receiver.waitFor(208, '/spill/burst', 20_000);
      await sleep(300);
      const after = await taken(f.t);
      expect(after.handoff - before.handoff).toBe(200);
      expect(after.claim - before.claim).toBe(0);
      expect(f.receiver.on('/spill/burst')).toHaveLength(208);
      const ids = new Set(requests.map((r) => r.headers['webhook-id']));
      expect(ids.size).toBe(208);
      for (const { id } of burst) expect(ids.has(id)).toBe(true);
      expect(f.receiver.mostOpen('/spill/burst')).toBeLessThanOrEqual(4);
      expect(await attemptNumbers(companyId)).toEqual([{ attempt_number: 1, count: 208 }]);
    });

    it('a full spill: the rest is created pending, and later events wait behind it (no overtaking by hand-off)', async () => {
      const companyId = 'spill-full';
      // Timeout 25 s: the 30 s lease leaves 4 s of waiting, a quarter of it is 1 s. At about 50 ms
      // an answer, 4 at once, the spill holds about 80 deliveries.
      const timeout = { requestTimeoutMs: 25_000 };
      await busySubscription(companyId, '/spill/full', timeout, 50, 300, answers(220, 10));
      const before = await taken(f.t);
      const burst = await send(companyId, 200);
      // Once the spill has room again, while the burst's overflow still waits in the database.
      await f.receiver.waitFor(38, '/spill/full', 5000);
      const later = await send(companyId, 20);
      const requests = await f.receiver.waitFor(228, '/spill/full', 30_000);
      await sleep(300);
      const after = await taken(f.t);
      expect(f.receiver.on('/spill/full')).toHaveLength(228);
      expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(228);
      expect(f.receiver.mostOpen('/spill/full')).toBeLessThanOrEqual(4);
      // Some spilled, the rest claimed; together every one of the 220.
      const handedOff = after.handoff - before.handoff;
      const claimed = after.claim - before.claim;
      expect(handedOff + claimed).toBe(220);
      expect(handedOff).toBeGreaterThan(0);
      expect(claimed).toBeGreaterThanOrEqual(100);
      // Arrival order: a later event may only pass the burst's last few (4 are sent at once).
      const order = new Map(requests.map((r, i) => [r.headers['webhook-id'] as string, i]));
      const burstOrder = burst.map(({ id }) => order.get(id)!);
      for (const { id } of later) {
        const overtaken = burstOrder.filter((i) => i > order.get(id)!).length;
        expect(overtaken).toBeLessThanOrEqual(4);
      }
      // Once the claims have caught up, its next event goes to memory again.
      const resumed = await taken(f.t);
      await send(companyId, 1);
      await f.receiver.waitFor(229, '/spill/full', 5000);
      expect(await taken(f.t)).toEqual({ handoff: resumed.handoff + 1, claim: resumed.claim });
    });

    it('large events: the spill holds at most 32 MiB of their data, the rest waits in the table; each arrives once', async () => {
      const companyId = 'spill-large';
      const path = '/spill/large';
      f.t.app
        .get(EventCatalog)
        .register([
          { type: 'test.large', description: 'A large event (tests)', schema: { type: 'object' } },
        ]);
      await f.helpers.subscribe(companyId, path, {
        events: ['test.large'],
        requestTimeoutMs: 15_000,
      });
      // Its 4 slots then stay taken until the burst is published: nothing leaves the spill.
      const hang = Array.from({ length: 4 }, () => ({ hang: true as const }));
      f.receiver.script(path, ...answers(4, 20), ...hang);
      // 2 MiB of data each, counted at 2 MiB and 1 KiB: 15 of them fit in the spill's 32 MiB.
      const blob = 'x'.repeat(2 * 1024 * 1024);
      const sendLarge = (n: number) =>
        publishMany(f.t, companyId, n, 'test.large', () => ({ blob }));
      await sendLarge(4);
      await f.receiver.waitFor(4, path, 10_000);
      await sendLarge(4);
      await f.receiver.waitFor(8, path, 10_000);
      // If the last of these came through a claim that filled its room (slow 2 MiB publishes
      // under a loaded machine), hand-off waits for the next claim to come back short: at the
      // latest the next poll (1 s).
      await sleep(1100);
      const before = await taken(f.t);
      // In three publishes one after the other, so that what the first ones spilled must count
      // against the later ones' room.
      const burst = [];
      for (let turn = 0; turn < 3; turn++) burst.push(...(await sendLarge(10)));
      f.receiver.release();
      const requests = await f.receiver.waitFor(38, path, 30_000);
      await sleep(300);
      const after = await taken(f.t);
      expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(38);
      for (const { id } of burst) {
        expect(requests.some((r) => r.headers['webhook-id'] === id)).toBe(true);
      }
      const handedOff = after.handoff - before.handoff;
      expect(handedOff + after.claim - before.claim).toBe(30);
      expect(handedOff).toBeGreaterThan(0);
      expect(handedOff).toBeLessThanOrEqual(15);
    });

    it('a spill that waited too long for a slowed endpoint: released before its lease ends, claimed, each sent once at attempt 1', async () => {
      const companyId = 'spill-slowed';
      // Known at 50 ms an answer (spill room about 80), then 700 ms: 40 take 7 s, the 4 s of
      // waiting their lease leaves is not enough for all of them.
      const timeout = { requestTimeoutMs: 25_000 };
      await busySubscription(companyId, '/spill/slowed', timeout, 50, 700, answers(40, 700));
      const before = await taken(f.t);
      await send(companyId, 40);
      const requests = await f.receiver.waitFor(48, '/spill/slowed', 30_000);
      await sleep(1000);
      const after = await taken(f.t);
      expect(f.receiver.on('/spill/slowed')).toHaveLength(48);
      expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(48);
      expect(after.handoff - before.handoff).toBe(40);
      expect(after.claim - before.claim).toBeGreaterThan(0);
      expect(await attemptNumbers(companyId)).toEqual([{ attempt_number: 1, count: 48 }]);
    });
  });

  describe('spill under a global bound: concurrency 6, 4 per subscription', () => {
    const f = deliveryFixture(DELIVERY_ENV, {
      webhooks: { dispatch: { concurrency: 6, perSubscriptionConcurrency: 4 } },
    });

    it('a spill that arrives once the other subscription has taken the room waits for it: never more than 6 at once; each delivery once', async () => {
      const x = { companyId: 'spill-global-x', path: '/spill/global-x' };
      const y = { companyId: 'spill-global-y', path: '/spill/global-y' };
      const xId = (await f.helpers.subscribe(x.companyId, x.path)).id;
      await f.helpers.subscribe(y.companyId, y.path);
      f.receiver.script(x.path, ...answers(4, 20), ...answers(4, 2000), ...answers(20, 200));
      f.receiver.script(y.path, ...answers(4, 20), ...answers(6, 2000));
      for (const { companyId, path } of [x, y]) {
        await publishMany(f.t, companyId, 4);
        await f.receiver.waitFor(4, path, 5000);
      }
      // X's 4 slots busy for 2 s, so that X is still at its bound when its burst is published
      // below, after the wait for the next poll.
      await publishMany(f.t, x.companyId, 4);
      await f.receiver.waitFor(8, x.path, 5000);
      // If those 4 came through a claim that filled its room (X's earlier slots still finishing),
      // hand-off waits for the next claim to come back short: at the latest the next poll (1 s).
      await sleep(1100);
      const before = await taken(f.t);
      // X's next publish gets spill room (X is at its bound) but is held before its commit: the
      // deliveries' foreign key waits for this lock on X's subscription row.
      const lock = new Client({ connectionString: f.t.databaseUrl });
      await lock.connect();
      let burst: Promise<{ id: string }[]>;
      try {
        await lock.query('BEGIN');
        await lock.query('SELECT 1 FROM webhook_subscriptions WHERE id = $1 FOR UPDATE', [xId]);
        burst = publishMany(f.t, x.companyId, 20);
        // Meanwhile Y's 6 events wait in the table (no room to hand off) and are claimed as room
        // frees: 2 now, 2 more once X's slots are done. Y then has 4 requests open for a while,
        // X none, and X's spill (200 ms answers) may take only 2 of the 6.
        await sleep(200);
        await publishMany(f.t, y.companyId, 6);
        await f.receiver.waitFor(8, y.path, 5000);
      } finally {
        await lock.query('COMMIT').catch(() => undefined);
        await lock.end();
      }
      const published = await burst;
      const requests = await f.receiver.waitFor(28, x.path, 20_000);
      // The spill waited for Y's requests rather than go past the global bound.
      expect(f.receiver.mostOpen(y.path)).toBe(4);
      expect(f.receiver.mostOpen(null)).toBeLessThanOrEqual(6);
      const ids = new Set(requests.map((r) => r.headers['webhook-id']));
      expect(ids.size).toBe(28);
      for (const { id } of published) expect(ids.has(id)).toBe(true);
      await f.receiver.waitFor(10, y.path, 10_000);
      await sleep(300);
      expect(f.receiver.on(x.path)).toHaveLength(28);
      expect(f.receiver.on(y.path)).toHaveLength(10);
      // X's 20 went to its spill (no claim), Y's 6 were claimed.
      expect(await taken(f.t)).toEqual({
        handoff: before.handoff + 20,
        claim: before.claim + 6,
      });
    });
  });

  describe('spill: a paused endpoint, and shutdown', () => {
    const f = deliveryFixture(DELIVERY_ENV, {
      webhooks: {
        dispatch: { concurrency: 20, perSubscriptionConcurrency: 4, shutdownGraceMs: 200 },
        circuitBreaker: { failureThreshold: 1, cooldownMs: 30_000 },
      },
    });

    /** Delivery states of these events, read on a connection of its own. */
    const states = async (databaseUrl: string, eventIds: string[]) => {
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<Record<string, unknown>>(
          `SELECT status, lease_owner, attempt_count, count(*)::int AS count,
                  min(next_attempt_at) > now() + interval '20 seconds' AS postponed
           FROM webhook_deliveries WHERE event_id = ANY($1::uuid[]) GROUP BY 1, 2, 3`,
          [eventIds],
        );
        return rows;
      } finally {
        await client.end();
      }
    };

    /**
     * A subscription known at 20 ms an answer, whose 4 slots then get `busy` answers; then 30
     * events, spilled: written leased to this instance, waiting in its memory.
     */
    const spillBehind = async (companyId: string, path: string, busy: Reply[]) => {
      await f.helpers.subscribe(companyId, path, { requestTimeoutMs: 5000 });
      f.receiver.script(path, ...answers(4, 20), ...busy);
      await publishMany(f.t, companyId, 4);
      await f.receiver.waitFor(4, path, 5000);
      await publishMany(f.t, companyId, 4);
      await f.receiver.waitFor(8, path, 5000);
      const spilled = await publishMany(f.t, companyId, 30);
      return spilled.map((p) => p.id);
    };

    it('a failed attempt pauses the endpoint (threshold 1): the spill is given back until the pause ends, no attempt used, none sent', async () => {
      const path = '/spill/paused';
      const failing = Array.from({ length: 4 }, () => ({ status: 500, delayMs: 300 }));
      const ids = await spillBehind('spill-paused', path, failing);
      await eventually(async () => {
        expect(await states(f.t.databaseUrl, ids)).toEqual([
          { status: 'pending', lease_owner: null, attempt_count: 0, count: 30, postponed: true },
        ]);
        return true;
      }, 10_000);
      expect(f.receiver.on(path)).toHaveLength(8);
    });

    it('closing with deliveries waiting in the spill gives every one back: pending, no owner, attempt 0, none sent', async () => {
      const path = '/spill/shutdown';
      const hanging = Array.from({ length: 4 }, () => ({ hang: true as const }));
      const ids = await spillBehind('spill-shutdown', path, hanging);
      const owner = f.t.app.get(DeliveryQueue).owner;
      expect(await states(f.t.databaseUrl, ids)).toEqual([
        { status: 'sending', lease_owner: owner, attempt_count: 1, count: 30, postponed: false },
      ]);
      const closing = f.t;
      f.t = undefined as unknown as TestApp;
      await closing.app.close();
      try {
        expect(await states(closing.databaseUrl, ids)).toEqual([
          { status: 'pending', lease_owner: null, attempt_count: 0, count: 30, postponed: false },
        ]);
      } finally {
        const admin = new Client({ connectionString: serverUrl() });
        await admin.connect();
        const name = new URL(closing.databaseUrl).pathname.slice(1);
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin.end();
      }
      expect(f.receiver.on(path)).toHaveLength(8);
    });
  });
});
