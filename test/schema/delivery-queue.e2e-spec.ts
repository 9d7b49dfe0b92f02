import type { ArgumentsHost } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../ormconfig';
import {
  DeliveryQueue,
  type RecordRow,
} from '../../packages/nest-webhooks/src/queue/delivery-queue.repository';
import {
  type GroupLease,
  type OutboxEvent,
  OutboxRepository,
} from '../../packages/nest-webhooks/src/queue/outbox.repository';
import { WebhooksExceptionFilter } from '../../packages/nest-webhooks/src/webhooks-exception.filter';
import { WebhooksError, WebhooksErrorCode } from '../../packages/nest-webhooks/src/webhooks.errors';
import { WebhooksSettings } from '../../packages/nest-webhooks/src/webhooks-settings';
import { createTestDatabase } from '../support/database';
import { SubscriptionFilters } from '../../packages/nest-webhooks/src/queue/subscription-filters';

interface DeliveryState {
  id: string;
  company_id: string;
  subscription_id: string | null;
  status: string;
  attempt_count: number;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  next_attempt_at: Date | null;
  updated_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  /** lease_expires_at - updated_at, in seconds (both set by the same statement). */
  lease_seconds: number | null;
}

/** The repositories' statements on a real PostgreSQL, rows looked at directly. */
describe('DeliveryQueue and OutboxRepository', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  let queue: DeliveryQueue;
  let other: DeliveryQueue;
  let outbox: OutboxRepository;
  const settings = new WebhooksSettings({ secretKey: 'x'.repeat(32), leaseSeconds: 30 });

  beforeAll(async () => {
    database = await createTestDatabase('delivery_queue');
    dataSource = new DataSource(dataSourceOptions(database.url));
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    queue = new DeliveryQueue(dataSource, settings);
    other = new DeliveryQueue(dataSource, settings);
    outbox = new OutboxRepository(dataSource, settings, new SubscriptionFilters(dataSource));
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  beforeEach(async () => {
    await dataSource.query(
      `TRUNCATE webhook_attempts, webhook_deliveries, webhook_events, webhook_subscriptions`,
    );
  });

  async function subscription(
    companyId: string,
    options: { events?: string[]; active?: boolean; deleted?: boolean; timeoutMs?: number } = {},
  ): Promise<string> {
    const [{ id }] = await dataSource.query<{ id: string }[]>(
      `INSERT INTO webhook_subscriptions (company_id, url, events, is_active, deleted_at, secret_encrypted,
         format, signature_algorithm, max_retry_count, retry_delay_ms, retry_backoff_multiplier, request_timeout_ms)
       VALUES ($1, 'https://hooks.example.com/in', $2, $3, CASE WHEN $4 THEN now() END, $5,
         'json', 'HmacSha256', 3, 1000, 2, $6)
       RETURNING id`,
      [
        companyId,
        options.events ?? ['*'],
        options.active ?? true,
        options.deleted ?? false,
        settings.cipher.encrypt('whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ='),
        options.timeoutMs ?? 10_000,
      ],
    );
    return id;
  }

  /**
   * An event and one delivery of it. `dueIn`, `leaseIn`: PostgreSQL intervals from now; a
   * `sending` delivery needs an `owner`.
   */
  async function delivery(
    companyId: string,
    subscriptionId: string | null,
    options: {
      status?: string;
      dueIn?: string | null;
      attemptCount?: number;
      owner?: string;
      leaseIn?: string;
      lastAttemptIn?: string;
      endpoint?: object;
      batch?: string[];
      data?: object;
    } = {},
  ): Promise<string> {
    const eventId = randomUUID();
    await dataSource.query(
      `INSERT INTO webhook_events (id, company_id, type, data) VALUES ($1, $2, 'contract.signed', $3)`,
      [eventId, companyId, JSON.stringify(options.data ?? { n: eventId })],
    );
    const id = randomUUID();
    const status = options.status ?? 'pending';
    await dataSource.query(
      `INSERT INTO webhook_deliveries (id, company_id, event_id, batch_event_ids, subscription_id, endpoint,
         event_type, status, attempt_count, next_attempt_at, lease_owner, lease_expires_at, last_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'contract.signed', $7, $8, now() + $9::interval, $10,
         CASE WHEN $10::varchar IS NOT NULL THEN now() + COALESCE($11::interval, interval '30 seconds') END,
         now() + $12::interval)`,
      [
        id,
        companyId,
        eventId,
        options.batch ?? null,
        subscriptionId,
        options.endpoint ? JSON.stringify(options.endpoint) : null,
        status,
        options.attemptCount ?? 0,
        options.dueIn === undefined ? '0 seconds' : options.dueIn,
        options.owner ?? null,
        options.leaseIn ?? null,
        options.lastAttemptIn ?? null,
      ],
    );
    return id;
  }

  async function state(id: string): Promise<DeliveryState> {
    const [row] = await dataSource.query<DeliveryState[]>(
      `SELECT id, company_id, subscription_id, status, attempt_count, lease_owner, lease_expires_at,
              next_attempt_at, updated_at, last_status_code, last_error, last_attempt_at,
              extract(epoch FROM lease_expires_at - updated_at)::float8 AS lease_seconds
       FROM webhook_deliveries WHERE id = $1`,
      [id],
    );
    if (!row) throw new Error(`no delivery ${id}`);
    return row;
  }

  /** Moves `updated_at` an hour back, so that a statement's `now()` is seen to move it. */
  async function ageUpdatedAt(ids: string[]): Promise<void> {
    await dataSource.query(
      `UPDATE webhook_deliveries SET updated_at = updated_at - interval '1 hour' WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  }

  const outboxEvent = (companyId: string, n: number, type = 'contract.signed'): OutboxEvent => ({
    id: randomUUID(),
    companyId,
    type,
    data: JSON.stringify({ n }),
  });

  const lease = (overrides: Partial<GroupLease> = {}): GroupLease => ({
    owner: queue.owner,
    take: 100,
    excluded: [],
    perSubscription: 100,
    leaseSeconds: 30,
    spill: { ids: [], rooms: [] },
    ...overrides,
  });

  describe('OutboxRepository.insertGroup', () => {
    it('without a lease: the events, and a pending delivery per matching active subscription', async () => {
      const contracts = await subscription('acme', { events: ['contract.*'] });
      const everything = await subscription('acme', { events: ['*'] });
      await subscription('acme', { events: ['candidate.created'] });
      await subscription('acme', { active: false });
      await subscription('acme', { deleted: true });
      await subscription('globex');
      const events = [outboxEvent('acme', 1), outboxEvent('acme', 2)];

      const rows = await outbox.insertGroup(events, null);

      expect(rows).toHaveLength(4);
      expect(rows.every((r) => !r.leased && r.data === null)).toBe(true);
      expect(rows.map((r) => `${r.event_id}/${r.subscription_id}`).sort()).toEqual(
        events.flatMap((e) => [`${e.id}/${contracts}`, `${e.id}/${everything}`]).sort(),
      );
      for (const r of rows) {
        expect(await state(r.id)).toMatchObject({
          status: 'pending',
          attempt_count: 0,
          lease_owner: null,
          lease_expires_at: null,
          company_id: 'acme',
        });
        expect((await state(r.id)).next_attempt_at).not.toBeNull();
      }
      const stored = await dataSource.query<{ id: string; data: unknown }[]>(
        `SELECT id, data FROM webhook_events ORDER BY data->>'n'`,
      );
      expect(stored).toEqual(events.map((e) => ({ id: e.id, data: JSON.parse(e.data) })));
    });

    it('with a lease: leased rows are sending, owned, attempt 1, for the lease or timeout + 5 s; the rest pending', async () => {
      const a = await subscription('acme', { timeoutMs: 10_000 });
      const b = await subscription('acme', { timeoutMs: 40_000 });
      const events = [1, 2, 3].map((n) => outboxEvent('acme', n));

      const rows = await outbox.insertGroup(events, lease({ perSubscription: 2 }));

      expect(rows).toHaveLength(6);
      for (const r of rows) {
        const n = events.findIndex((e) => e.id === r.event_id) + 1;
        const s = await state(r.id);
        if (n <= 2) {
          expect(r.leased).toBe(true);
          expect(r.data).toEqual({ n });
          expect(s).toMatchObject({
            status: 'sending',
            lease_owner: queue.owner,
            attempt_count: 1,
          });
          // 30 s, or the request timeout and 5 s when longer.
          expect(s.lease_seconds).toBe(r.subscription_id === a ? 30 : 45);
          expect(new Date(r.lease_expires_at).getTime()).toBe(s.lease_expires_at!.getTime());
        } else {
          expect(r.leased).toBe(false);
          expect(s).toMatchObject({ status: 'pending', lease_owner: null, attempt_count: 0 });
        }
      }
      expect(new Set(rows.map((r) => r.subscription_id))).toEqual(new Set([a, b]));
    });

    it('leases at most `take` deliveries in all, none of the excluded subscriptions', async () => {
      const a = await subscription('acme');
      const b = await subscription('acme');
      const excluded = await subscription('acme');
      const taken = await outbox.insertGroup([outboxEvent('acme', 1)], lease({ take: 1 }));
      expect(taken.filter((r) => r.leased)).toHaveLength(1);

      await dataSource.query(`TRUNCATE webhook_deliveries, webhook_events CASCADE`);
      const rows = await outbox.insertGroup(
        [outboxEvent('acme', 1), outboxEvent('acme', 2)],
        lease({ excluded: [excluded] }),
      );
      const leased = (id: string) => rows.filter((r) => r.subscription_id === id && r.leased);
      expect([leased(a).length, leased(b).length, leased(excluded).length]).toEqual([2, 2, 0]);
    });

    it('spill room leases up to its rooms for its subscription, beyond `take`', async () => {
      const spilling = await subscription('acme');
      const full = await subscription('acme');
      const rows = await outbox.insertGroup(
        [1, 2, 3].map((n) => outboxEvent('acme', n)),
        lease({ take: 0, spill: { ids: [spilling], rooms: [2] } }),
      );
      const leased = (id: string) => rows.filter((r) => r.subscription_id === id && r.leased);
      expect(leased(spilling)).toHaveLength(2);
      expect(leased(spilling).map((r) => r.data)).toEqual(
        expect.arrayContaining([{ n: 1 }, { n: 2 }]),
      );
      expect(leased(full)).toHaveLength(0);
    });
  });

  describe('DeliveryQueue.claim', () => {
    it('leases the due deliveries oldest first, skipping excluded subscriptions and those not due', async () => {
      const sub = await subscription('acme');
      const excluded = await subscription('acme');
      const second = await delivery('acme', sub, { dueIn: '-3 minutes' });
      const newest = await delivery('acme', sub, { dueIn: '-1 minute' });
      const oldest = await delivery('acme', sub, { dueIn: '-4 minutes', attemptCount: 2 });
      const third = await delivery('acme', sub, { dueIn: '-2 minutes' });
      const future = await delivery('acme', sub, { dueIn: '1 hour' });
      const skipped = await delivery('acme', excluded, { dueIn: '-5 minutes' });
      const leasedElsewhere = await delivery('acme', sub, {
        status: 'sending',
        owner: other.owner,
        dueIn: '-6 minutes',
      });
      const done = await delivery('acme', sub, { status: 'succeeded', dueIn: '-7 minutes' });

      const first = await queue.claim(2, [excluded]);
      expect(first.map((d) => d.id).sort()).toEqual([oldest, second].sort());
      const rest = await queue.claim(10, [excluded]);
      expect(rest.map((d) => d.id).sort()).toEqual([third, newest].sort());
      expect(await queue.claim(10, [excluded])).toEqual([]);

      for (const id of [future, skipped]) expect((await state(id)).status).toBe('pending');
      expect(await state(leasedElsewhere)).toMatchObject({ lease_owner: other.owner });
      expect((await state(done)).status).toBe('succeeded');
      expect((await queue.claim(10, [])).map((d) => d.id)).toEqual([skipped]);
    });

    it('counts the attempt and leases to this instance for the lease (or timeout + 5 s)', async () => {
      const sub = await subscription('acme', { timeoutMs: 60_000 });
      const id = await delivery('acme', sub, { attemptCount: 2, data: { contract: 'c-1' } });
      const direct = await delivery('acme', null, {
        endpoint: { url: 'https://direct.example.com/', requestTimeoutMs: 1_000 },
      });

      const claimed = await queue.claim(10, []);
      const held = claimed.find((d) => d.id === id)!;
      const s = await state(id);
      expect(s).toMatchObject({ status: 'sending', lease_owner: queue.owner, attempt_count: 3 });
      expect(s.lease_seconds).toBe(65);
      expect(held).toMatchObject({
        companyId: 'acme',
        subscriptionId: sub,
        eventType: 'contract.signed',
        attemptNumber: 3,
        batchEventIds: null,
        batch: null,
        endpoint: null,
        leaseExpiresAt: s.lease_expires_at!.getTime(),
        event: { type: 'contract.signed', companyId: 'acme', data: { contract: 'c-1' } },
      });
      const [{ updated_at }] = await dataSource.query<{ updated_at: Date }[]>(
        `SELECT updated_at FROM webhook_subscriptions WHERE id = $1`,
        [sub],
      );
      expect(held.subscriptionVersion).toBe(updated_at.getTime());

      const sentDirect = claimed.find((d) => d.id === direct)!;
      expect(sentDirect).toMatchObject({ subscriptionId: null, attemptNumber: 1 });
      expect(sentDirect.endpoint).toMatchObject({ url: 'https://direct.example.com/' });
      expect((await state(direct)).lease_seconds).toBe(30);
    });

    it('loads the events of a batch delivery, in the batch order', async () => {
      const sub = await subscription('acme');
      const events = [randomUUID(), randomUUID()];
      for (const [n, id] of events.entries()) {
        await dataSource.query(
          `INSERT INTO webhook_events (id, company_id, type, data) VALUES ($1, 'acme', 'contract.signed', $2)`,
          [id, JSON.stringify({ n })],
        );
      }
      await delivery('acme', sub, { batch: [events[1], events[0]] });
      const [claimed] = await queue.claim(10, []);
      expect(claimed.batchEventIds).toEqual([events[1], events[0]]);
      expect(claimed.batch).toEqual([
        expect.objectContaining({ id: events[1], data: { n: 1 }, companyId: 'acme' }),
        expect.objectContaining({ id: events[0], data: { n: 0 } }),
      ]);
    });
  });

  describe('the release rule', () => {
    it('release(ids): pending, no owner, the attempt given back, updated, due as it was', async () => {
      const sub = await subscription('acme');
      const once = await delivery('acme', sub, { dueIn: '-10 minutes' });
      const retried = await delivery('acme', sub, { dueIn: '-5 minutes', attemptCount: 3 });
      const before = new Map(
        await Promise.all([once, retried].map(async (id) => [id, await state(id)] as const)),
      );
      expect(await queue.claim(10, [])).toHaveLength(2);
      // Held by this instance without a counted attempt (not through a claim): stays at 0.
      const uncounted = await delivery('acme', sub, { status: 'sending', owner: queue.owner });
      const elsewhere = await delivery('acme', sub, {
        status: 'sending',
        owner: other.owner,
        attemptCount: 1,
      });
      const pending = await delivery('acme', sub);
      await ageUpdatedAt([once, retried, uncounted, elsewhere, pending]);
      const aged = new Map(
        await Promise.all(
          [once, retried, uncounted, elsewhere, pending].map(
            async (id) => [id, (await state(id)).updated_at.getTime()] as const,
          ),
        ),
      );

      expect(await queue.release([once, retried, uncounted, elsewhere, pending])).toBe(3);

      for (const [id, attempts] of [
        [once, 0],
        [retried, 3],
        [uncounted, 0],
      ] as const) {
        const s = await state(id);
        expect(s).toMatchObject({
          status: 'pending',
          lease_owner: null,
          lease_expires_at: null,
          attempt_count: attempts,
        });
        expect(s.updated_at.getTime()).toBeGreaterThan(aged.get(id)!);
      }
      for (const id of [once, retried]) {
        expect((await state(id)).next_attempt_at).toEqual(before.get(id)!.next_attempt_at);
      }
      expect(await state(elsewhere)).toMatchObject({
        status: 'sending',
        lease_owner: other.owner,
        attempt_count: 1,
      });
      expect((await state(elsewhere)).updated_at.getTime()).toBe(aged.get(elsewhere));
      expect((await state(pending)).updated_at.getTime()).toBe(aged.get(pending));
    });

    it('release(ids, notBefore): due at notBefore when later, as it was when earlier', async () => {
      const sub = await subscription('acme');
      const paused = await delivery('acme', sub, { dueIn: '-1 minute' });
      const later = await delivery('acme', sub, { dueIn: '-1 minute' });
      await queue.claim(10, []);
      await dataSource.query(
        `UPDATE webhook_deliveries SET next_attempt_at = now() + interval '2 hours' WHERE id = $1`,
        [later],
      );
      const dueLater = (await state(later)).next_attempt_at!;
      const notBefore = new Date(Date.now() + 60 * 60 * 1000);

      expect(await queue.release([paused, later], notBefore)).toBe(2);

      expect(await state(paused)).toMatchObject({ status: 'pending', attempt_count: 0 });
      expect((await state(paused)).next_attempt_at!.getTime()).toBe(notBefore.getTime());
      expect((await state(later)).next_attempt_at).toEqual(dueLater);
    });

    it('a held test ping (never due) released is due now', async () => {
      const sub = await subscription('acme');
      const eventId = randomUUID();
      await dataSource.query(
        `INSERT INTO webhook_events (id, company_id, type, data) VALUES ($1, 'acme', 'webhook.test', '{}')`,
        [eventId],
      );
      const id = randomUUID();
      await queue.insertHeld(dataSource.manager, {
        id,
        companyId: 'acme',
        eventId,
        subscriptionId: sub,
        eventType: 'webhook.test',
        requestTimeoutMs: 10_000,
      });
      expect(await state(id)).toMatchObject({
        status: 'sending',
        lease_owner: queue.owner,
        attempt_count: 1,
        next_attempt_at: null,
        lease_seconds: 30,
      });
      expect(await queue.heldDelivery(id)).toMatchObject({
        id,
        attemptNumber: 1,
        eventType: 'webhook.test',
      });
      expect(await other.heldDelivery(id)).toBeNull();

      expect(await queue.release([id])).toBe(1);
      expect(await state(id)).toMatchObject({ status: 'pending', attempt_count: 0 });
      const [{ due }] = await dataSource.query<{ due: boolean }[]>(
        `SELECT next_attempt_at <= now() AS due FROM webhook_deliveries WHERE id = $1`,
        [id],
      );
      expect(due).toBe(true);
      expect(await queue.heldDelivery(id)).toBeNull();
    });

    it('releaseAll(): the same for every delivery this instance holds, none of another', async () => {
      const sub = await subscription('acme');
      const mine = [
        await delivery('acme', sub, { dueIn: '-3 minutes', attemptCount: 1 }),
        await delivery('acme', sub, { dueIn: '-2 minutes', attemptCount: 4 }),
      ];
      const before = await Promise.all(mine.map(state));
      await queue.claim(10, []);
      const theirs = await delivery('acme', sub, {
        status: 'sending',
        owner: other.owner,
        attemptCount: 2,
      });
      const pending = await delivery('acme', sub, { dueIn: '1 hour', attemptCount: 1 });
      await ageUpdatedAt([...mine, theirs, pending]);
      const aged = await Promise.all(
        mine.map(async (id) => (await state(id)).updated_at.getTime()),
      );

      expect(await queue.releaseAll()).toBe(2);

      for (const [i, id] of mine.entries()) {
        const s = await state(id);
        expect(s).toMatchObject({
          status: 'pending',
          lease_owner: null,
          lease_expires_at: null,
          attempt_count: before[i].attempt_count,
          next_attempt_at: before[i].next_attempt_at,
        });
        expect(s.updated_at.getTime()).toBeGreaterThan(aged[i]);
      }
      expect(await state(theirs)).toMatchObject({
        status: 'sending',
        lease_owner: other.owner,
        attempt_count: 2,
      });
      expect(await state(pending)).toMatchObject({ status: 'pending', attempt_count: 1 });
      expect(await queue.releaseAll()).toBe(0);
    });

    it('reapExpired(): only the deliveries whose lease ended, whoever held them, keeping their attempt', async () => {
      const sub = await subscription('acme');
      const expiredMine = await delivery('acme', sub, {
        status: 'sending',
        owner: queue.owner,
        attemptCount: 2,
        leaseIn: '-1 second',
        dueIn: '-10 minutes',
      });
      const expiredTheirs = await delivery('acme', sub, {
        status: 'sending',
        owner: other.owner,
        attemptCount: 1,
        leaseIn: '-5 minutes',
      });
      const running = await delivery('acme', sub, {
        status: 'sending',
        owner: queue.owner,
        attemptCount: 1,
        leaseIn: '5 minutes',
      });
      const dueBefore = (await state(expiredMine)).next_attempt_at;

      expect(await other.reapExpired()).toBe(2);

      expect(await state(expiredMine)).toMatchObject({
        status: 'pending',
        lease_owner: null,
        lease_expires_at: null,
        attempt_count: 2,
        next_attempt_at: dueBefore,
      });
      expect(await state(expiredTheirs)).toMatchObject({
        status: 'pending',
        lease_owner: null,
        attempt_count: 1,
      });
      expect(await state(running)).toMatchObject({
        status: 'sending',
        lease_owner: queue.owner,
        attempt_count: 1,
      });
      expect(await queue.reapExpired()).toBe(0);
    });
  });

  describe('DeliveryQueue.record', () => {
    const at = new Date('2026-11-23T12:00:00.123Z');
    const retryAt = new Date('2026-11-23T12:05:00.000Z');

    function row(
      id: string,
      subscriptionId: string,
      overrides: Partial<RecordRow> = {},
    ): Promise<RecordRow> {
      return dataSource
        .query<{ event_id: string }[]>(`SELECT event_id FROM webhook_deliveries WHERE id = $1`, [
          id,
        ])
        .then(([{ event_id }]) => ({
          attempt_id: randomUUID(),
          delivery_id: id,
          company_id: 'acme',
          event_id,
          subscription_id: subscriptionId,
          event_type: 'contract.signed',
          attempt_number: 1,
          status: 'succeeded',
          status_code: 200,
          duration_ms: 42,
          error: null,
          response_body: 'ok',
          request_headers: { 'content-type': 'application/json', Authorization: '[redacted]' },
          response_headers: { 'content-type': 'text/plain', 'x-request-id': 'r-1' },
          at,
          next_status: 'succeeded',
          next_attempt_at: null,
          ...overrides,
        }));
    }

    it('writes the attempts and the states they lead to, and the subscriptions failing mark', async () => {
      const failing = await subscription('acme');
      const recovered = await subscription('acme');
      await dataSource.query(
        `UPDATE webhook_subscriptions SET failing_since = now() - interval '1 day' WHERE id = $1`,
        [recovered],
      );
      const rejected = await delivery('acme', failing);
      const retried = await delivery('acme', failing);
      const dropped = await delivery('acme', failing);
      const answered = await delivery('acme', recovered);
      expect(await queue.claim(10, [])).toHaveLength(4);
      const rows = [
        await row(rejected, failing, {
          status: 'failed',
          status_code: 404,
          error: 'HTTP 404',
          response_body: 'not here',
          next_status: 'failed',
        }),
        await row(retried, failing, {
          status: 'failed',
          status_code: 503,
          error: 'HTTP 503',
          next_status: 'pending',
          next_attempt_at: retryAt,
        }),
        await row(dropped, failing, {
          attempt_id: null,
          status: 'failed',
          status_code: null,
          error: 'subscription inactive',
          response_body: '',
          request_headers: {},
          response_headers: null,
          next_status: 'cancelled',
        }),
        await row(answered, recovered),
      ];

      await queue.record(rows, [
        { subscriptionId: failing, ok: false, at },
        { subscriptionId: recovered, ok: true, at },
      ]);

      expect(await state(rejected)).toMatchObject({
        status: 'failed',
        lease_owner: null,
        lease_expires_at: null,
        attempt_count: 1,
        next_attempt_at: null,
        last_status_code: 404,
        last_error: 'HTTP 404',
        last_attempt_at: at,
      });
      expect(await state(retried)).toMatchObject({
        status: 'pending',
        lease_owner: null,
        attempt_count: 1,
        next_attempt_at: retryAt,
        last_status_code: 503,
      });
      // A cancellation is no attempt: none counted, none logged.
      expect(await state(dropped)).toMatchObject({
        status: 'cancelled',
        lease_owner: null,
        attempt_count: 0,
        next_attempt_at: null,
        last_status_code: null,
        last_attempt_at: null,
      });
      expect(await state(answered)).toMatchObject({ status: 'succeeded', last_status_code: 200 });

      const attempts = await dataSource.query<Record<string, unknown>[]>(
        `SELECT id, delivery_id, company_id, subscription_id, attempt_number, status, status_code, duration_ms,
                error, response_body, request_headers, response_headers, retry_scheduled, created_at
         FROM webhook_attempts ORDER BY status_code`,
      );
      expect(attempts).toEqual([
        {
          id: rows[3].attempt_id,
          delivery_id: answered,
          company_id: 'acme',
          subscription_id: recovered,
          attempt_number: 1,
          status: 'succeeded',
          status_code: 200,
          duration_ms: 42,
          error: null,
          response_body: 'ok',
          request_headers: { 'content-type': 'application/json', Authorization: '[redacted]' },
          response_headers: { 'content-type': 'text/plain', 'x-request-id': 'r-1' },
          retry_scheduled: false,
          created_at: at,
        },
        // Failed, no retry after it.
        expect.objectContaining({
          id: rows[0].attempt_id,
          status_code: 404,
          response_body: 'not here',
          retry_scheduled: false,
        }),
        // Failed, another attempt scheduled: retrying in the stats.
        expect.objectContaining({
          id: rows[1].attempt_id,
          status_code: 503,
          error: 'HTTP 503',
          retry_scheduled: true,
        }),
      ]);

      const marks = await dataSource.query<{ id: string; failing_since: Date | null }[]>(
        `SELECT id, failing_since FROM webhook_subscriptions`,
      );
      expect(Object.fromEntries(marks.map((m) => [m.id, m.failing_since]))).toEqual({
        [failing]: at,
        [recovered]: null,
      });
    });

    it('a subscription failing already keeps the time it began failing', async () => {
      const sub = await subscription('acme');
      await dataSource.query(
        `UPDATE webhook_subscriptions SET failing_since = '2026-11-01T00:00:00Z' WHERE id = $1`,
        [sub],
      );
      const id = await delivery('acme', sub);
      await queue.claim(10, []);
      await queue.record(
        [await row(id, sub, { status: 'failed', status_code: 500, next_status: 'failed' })],
        [{ subscriptionId: sub, ok: false, at }],
      );
      const [{ failing_since }] = await dataSource.query<{ failing_since: Date }[]>(
        `SELECT failing_since FROM webhook_subscriptions WHERE id = $1`,
        [sub],
      );
      expect(failing_since).toEqual(new Date('2026-11-01T00:00:00Z'));
    });

    it('leaves the state of a delivery another instance holds', async () => {
      const sub = await subscription('acme');
      const id = await delivery('acme', sub);
      await other.claim(10, []);
      await queue.record([await row(id, sub)], []);
      expect(await state(id)).toMatchObject({
        status: 'sending',
        lease_owner: other.owner,
        attempt_count: 1,
        last_status_code: null,
      });
    });
  });

  describe('company-scoped changes', () => {
    it('requeueForCompany: queues a delivery of the company again, whatever its state but sending', async () => {
      const sub = await subscription('acme');
      const failed = await delivery('acme', sub, { status: 'failed', dueIn: null });
      const succeeded = await delivery('acme', sub, { status: 'succeeded', dueIn: null });
      const sending = await delivery('acme', sub, { status: 'sending', owner: other.owner });
      const theirs = await delivery('globex', sub, { status: 'failed', dueIn: null });

      expect(await queue.requeueForCompany('acme', failed)).toBe('failed');
      expect(await queue.requeueForCompany('acme', succeeded)).toBe('succeeded');
      expect(await queue.requeueForCompany('acme', sending)).toBe('sending');
      expect(await queue.requeueForCompany('acme', theirs)).toBeNull();
      expect(await queue.requeueForCompany('acme', randomUUID())).toBeNull();

      for (const id of [failed, succeeded]) {
        expect((await state(id)).status).toBe('pending');
        const [{ due }] = await dataSource.query<{ due: boolean }[]>(
          `SELECT next_attempt_at <= now() AS due FROM webhook_deliveries WHERE id = $1`,
          [id],
        );
        expect(due).toBe(true);
      }
      expect(await state(sending)).toMatchObject({ status: 'sending', lease_owner: other.owner });
      expect(await state(theirs)).toMatchObject({ status: 'failed', next_attempt_at: null });
    });

    it('recoverForCompany: the subscription failed deliveries attempted since then, of the company only', async () => {
      const sub = await subscription('acme');
      const another = await subscription('acme');
      const attempted = (
        company: string,
        subscriptionId: string,
        lastAttemptIn: string,
        status = 'failed',
      ) => delivery(company, subscriptionId, { status, dueIn: null, lastAttemptIn });
      const recent = await attempted('acme', sub, '-1 hour');
      const old = await attempted('acme', sub, '-3 hours');
      const otherSubscription = await attempted('acme', another, '-1 hour');
      const otherCompany = await attempted('globex', sub, '-1 hour');
      const cancelled = await attempted('acme', sub, '-1 hour', 'cancelled');
      const since = new Date(Date.now() - 2 * 60 * 60 * 1000);
      // Last attempted exactly at `since`: recovered too ("at or after").
      const atSince = await attempted('acme', sub, '-3 hours');
      await dataSource.query(`UPDATE webhook_deliveries SET last_attempt_at = $2 WHERE id = $1`, [
        atSince,
        since.toISOString(),
      ]);

      expect(await queue.recoverForCompany('acme', sub, since)).toBe(2);

      for (const id of [recent, atSince]) {
        expect((await state(id)).status).toBe('pending');
        expect((await state(id)).next_attempt_at).not.toBeNull();
      }
      for (const id of [old, otherSubscription, otherCompany]) {
        expect(await state(id)).toMatchObject({ status: 'failed', next_attempt_at: null });
      }
      expect((await state(cancelled)).status).toBe('cancelled');
      expect(await queue.recoverForCompany('globex', sub, since)).toBe(1);
      expect((await state(otherCompany)).status).toBe('pending');
    });

    it('cancelPending: the subscription pending deliveries, of one company when asked, in a transaction when given one', async () => {
      const sub = await subscription('acme');
      const another = await subscription('acme');
      const mine = await delivery('acme', sub);
      const theirs = await delivery('globex', sub);
      const sending = await delivery('acme', sub, { status: 'sending', owner: queue.owner });
      const failed = await delivery('acme', sub, { status: 'failed', dueIn: null });
      const unrelated = await delivery('acme', another);

      expect(await queue.cancelPending(sub, { companyId: 'acme' })).toBe(1);
      expect(await state(mine)).toMatchObject({ status: 'cancelled', next_attempt_at: null });
      expect((await state(theirs)).status).toBe('pending');

      const runner = dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      expect(await queue.cancelPending(sub, { manager: runner.manager })).toBe(1);
      await runner.rollbackTransaction();
      await runner.release();
      expect((await state(theirs)).status).toBe('pending');

      expect(await queue.cancelPending(sub)).toBe(1);
      expect((await state(theirs)).status).toBe('cancelled');
      expect((await state(sending)).status).toBe('sending');
      expect((await state(failed)).status).toBe('failed');
      expect((await state(unrelated)).status).toBe('pending');
    });
  });

  describe('OutboxRepository.claimIdempotencyKey', () => {
    /** The HTTP status WebhooksExceptionFilter answers an error with. */
    function httpStatusOf(error: WebhooksError): number {
      interface FakeResponse {
        status(code: number): FakeResponse;
        json(body: unknown): FakeResponse;
      }
      let status = 0;
      const response: FakeResponse = {
        status(code: number) {
          status = code;
          return response;
        },
        json: () => response,
      };
      const host = { switchToHttp: () => ({ getResponse: () => response }) };
      new WebhooksExceptionFilter().catch(error, host as unknown as ArgumentsHost);
      return status;
    }

    async function keyed(companyId: string, key: string, requestHash: string): Promise<string> {
      const event = outboxEvent(companyId, 1);
      expect(
        await outbox.insertEvent(dataSource.manager, {
          ...event,
          idempotency: { key, requestHash },
        }),
      ).toBe(true);
      return event.id;
    }

    it('the same body gives the earlier event; another company or key gives nothing', async () => {
      const id = await keyed('acme', 'key-1', 'hash-1');
      const m = dataSource.manager;
      expect(await outbox.claimIdempotencyKey(m, 'acme', 'key-1', 'hash-1')).toBe(id);
      expect(await outbox.claimIdempotencyKey(m, 'globex', 'key-1', 'hash-1')).toBeNull();
      expect(await outbox.claimIdempotencyKey(m, 'acme', 'key-2', 'hash-1')).toBeNull();
      // A concurrent request that lost the race inserts nothing.
      expect(
        await outbox.insertEvent(m, {
          ...outboxEvent('acme', 2),
          idempotency: { key: 'key-1', requestHash: 'hash-1' },
        }),
      ).toBe(false);
    });

    it('another body with the same key is refused: 422 IDEMPOTENCY_KEY_REUSED', async () => {
      await keyed('acme', 'key-1', 'hash-1');
      const refusal = await outbox
        .claimIdempotencyKey(dataSource.manager, 'acme', 'key-1', 'hash-2')
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(refusal).toBeInstanceOf(WebhooksError);
      expect(refusal).toMatchObject({
        code: WebhooksErrorCode.IdempotencyKeyReused,
        field: 'Idempotency-Key',
      });
      expect(httpStatusOf(refusal as WebhooksError)).toBe(422);
    });

    it('a key older than 24 hours is given up: the earlier event keeps no key, a new one may take it', async () => {
      const id = await keyed('acme', 'key-1', 'hash-1');
      await dataSource.query(
        `UPDATE webhook_events SET created_at = now() - interval '25 hours' WHERE id = $1`,
        [id],
      );
      expect(
        await outbox.claimIdempotencyKey(dataSource.manager, 'acme', 'key-1', 'hash-2'),
      ).toBeNull();
      const [{ idempotency_key }] = await dataSource.query<{ idempotency_key: string | null }[]>(
        `SELECT idempotency_key FROM webhook_events WHERE id = $1`,
        [id],
      );
      expect(idempotency_key).toBeNull();
      const fresh = await keyed('acme', 'key-1', 'hash-2');
      expect(await outbox.claimIdempotencyKey(dataSource.manager, 'acme', 'key-1', 'hash-2')).toBe(
        fresh,
      );
    });
  });
});
