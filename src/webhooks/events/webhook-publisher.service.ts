import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { EventCatalog } from '../catalog/event-catalog.service';
import { matchesAnyEventFilter } from '../catalog/event-type-matching';
import { isRefusedStatement } from '../../common/sql-state';
import { deliveryMetrics } from '../dispatch/delivery-metrics';
import { DispatchSignal } from '../dispatch/dispatch-signal';
import { DeliveryHandoff } from '../dispatch/delivery-handoff';
import { type ClaimedDelivery, toClaimed } from '../queue/claimed-delivery';
import {
  type BatchDeliveryRow,
  type GroupRow,
  type OutboxEvent,
  OutboxRepository,
} from '../queue/outbox.repository';
import { WebhooksError } from '../webhooks.errors';
import { WebhooksSettings } from '../webhooks-settings';
import { type DirectSendOptions, directEndpoint } from './direct-endpoint';
import { GroupCommit } from './group-commit';

export type { DirectSendOptions };

export interface PublishOptions {
  /** The tenant: only its subscriptions receive the event. */
  companyId: string;
  /**
   * The caller's transaction: the event and its deliveries are written in it (a transactional
   * outbox), so they exist exactly when the caller's change commits.
   */
  manager?: EntityManager;
  /** Same key (per company, 24 h) and same body: the first event's id, nothing new stored. */
  idempotencyKey?: string;
}

export interface PublishedEvent {
  id: string;
  /** How many deliveries were created (0 for a replayed idempotent request). */
  deliveries: number;
  /** true when an earlier event with the same idempotency key was answered. */
  replayed: boolean;
}

export interface EventInput {
  type: string;
  data: unknown;
}

/**
 * Accepts events: validates them against the catalog, stores each with one delivery per matching
 * subscription in one transaction, and wakes the dispatchers once that transaction commits
 * (NOTIFY inside the transaction reaches every instance on commit, never on rollback).
 */
@Injectable()
export class WebhookPublisher {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: EventCatalog,
    private readonly settings: WebhooksSettings,
    private readonly signal: DispatchSignal,
    private readonly handoff: DeliveryHandoff,
    private readonly outbox: OutboxRepository,
  ) {}

  async publish(type: string, data: unknown, options: PublishOptions): Promise<PublishedEvent> {
    this.validate(type, data);
    const event: OutboxEvent = {
      id: randomUUID(),
      companyId: options.companyId,
      type,
      data: JSON.stringify(data),
    };
    if (!options.manager && !options.idempotencyKey) return this.groups.submit(event);
    const key = options.idempotencyKey;
    const idempotency = key ? { key, requestHash: hashRequest(type, data) } : null;
    return this.inTransaction(options.manager, async (manager) => {
      const earlier = () =>
        idempotency
          ? this.outbox.claimIdempotencyKey(
              manager,
              event.companyId,
              idempotency.key,
              idempotency.requestHash,
            )
          : null;
      const replayed = await earlier();
      if (replayed) return { id: replayed, deliveries: 0, replayed: true };
      if (!(await this.outbox.insertEvent(manager, event, idempotency))) {
        // A concurrent request with the same key committed first.
        const first = await earlier();
        if (first) return { id: first, deliveries: 0, replayed: true };
      }
      const deliveries = await this.outbox.fanOut(manager, event);
      deliveryMetrics.published.inc();
      return { id: event.id, deliveries, replayed: false };
    });
  }

  /**
   * The common case (no caller transaction, no idempotency key): group-committed with the
   * concurrent ones (see {@link GroupCommit}); no NOTIFY inside the commit (NOTIFY serialises
   * committing transactions): this instance wakes at once, the others through a throttled NOTIFY
   * after the commit.
   */
  private readonly groups = new GroupCommit<OutboxEvent, PublishedEvent>(
    (events) => this.publishGroup(events),
    async (event) => (await this.publishGroup([event]))[0],
    {
      maxGroup: 500,
      maxInFlight: 4,
      // Only PostgreSQL refusing the data (class 22) or a constraint (23) may be one event's
      // fault. Anything else (a lost connection) may even have committed the group: each event
      // alone would then fail on its id, so every caller gets the group's error, as a publish of
      // its own would.
      retryAlone: isRefusedStatement,
    },
  );

  /**
   * Events and their fan-out in one statement. While this instance's dispatcher has room, up to
   * that many deliveries are created already leased to it (`sending`, attempt 1) and handed to
   * it on commit: no claim query for them.
   */
  private async publishGroup(events: OutboxEvent[]): Promise<PublishedEvent[]> {
    // What one delivery may hold in memory: its event's data, and about 1 KiB besides.
    const bytesEach = events.reduce((most, e) => Math.max(most, e.data.length), 0) + 1024;
    const reservation = this.handoff.reserve(events.length * 2, bytesEach);
    let rows: GroupRow[];
    try {
      rows = await this.outbox.insertGroup(events, reservation);
    } catch (error) {
      if (reservation) this.handoff.adopt(reservation, []);
      throw error;
    }
    deliveryMetrics.published.inc(events.length);
    const types = new Map(events.map((e) => [e.id, e.type]));
    // One pass: the deliveries to send from memory, the subscriptions left pending, the fan-out.
    const leased: ClaimedDelivery[] = [];
    const pending = new Set<string>();
    const counts = new Map<string, number>();
    for (const row of rows) {
      counts.set(row.event_id, (counts.get(row.event_id) ?? 0) + 1);
      if (row.leased) {
        // Completed in place (no copy of every row): what a claim's row has besides.
        row.type = types.get(row.event_id)!;
        row.batch_event_ids = null;
        row.endpoint = null;
        leased.push(toClaimed(row));
      } else if (row.subscription_id) {
        pending.add(row.subscription_id);
      }
    }
    if (reservation) this.handoff.adopt(reservation, leased, [...pending]);
    if (rows.length > leased.length) {
      this.signal.wake();
      this.notifyOtherInstances();
    }
    return events.map((e) => ({ id: e.id, deliveries: counts.get(e.id) ?? 0, replayed: false }));
  }

  private lastNotifyAt = 0;

  /** At most one NOTIFY per 50 ms: enough to wake every other instance promptly. */
  private notifyOtherInstances(): void {
    const now = Date.now();
    if (now - this.lastNotifyAt < 50) return;
    this.lastNotifyAt = now;
    this.outbox.notify().catch(() => {
      // The other instances' ticks pick the deliveries up anyway.
    });
  }

  /**
   * Several events at once. Subscriptions with `batch: true` get one delivery carrying every event
   * they match (one HTTP request); the others get one delivery per event as with `publish`.
   */
  async publishBatch(
    events: readonly EventInput[],
    options: Omit<PublishOptions, 'idempotencyKey'>,
  ): Promise<PublishedEvent[]> {
    events.forEach((event) => this.validate(event.type, event.data));
    if (events.length === 0) return [];
    const stored = events.map((e) => ({
      id: randomUUID(),
      type: e.type,
      data: JSON.stringify(e.data),
    }));
    return this.inTransaction(options.manager, async (manager) => {
      const subscriptions = await this.outbox.activeSubscriptions(manager, options.companyId);
      const counts = new Map<string, number>(stored.map((e) => [e.id, 0]));
      const rows: BatchDeliveryRow[] = [];
      for (const subscription of subscriptions) {
        const matching = stored.filter((e) => matchesAnyEventFilter(subscription.events, e.type));
        if (matching.length === 0) continue;
        if (subscription.batch) {
          const types = new Set(matching.map((e) => e.type));
          rows.push({
            eventId: matching[0].id,
            batch: matching.map((e) => e.id),
            subscriptionId: subscription.id,
            type: types.size === 1 ? matching[0].type : 'batch',
          });
        } else {
          for (const e of matching) {
            rows.push({
              eventId: e.id,
              batch: null,
              subscriptionId: subscription.id,
              type: e.type,
            });
          }
        }
        matching.forEach((e) => counts.set(e.id, (counts.get(e.id) ?? 0) + 1));
      }
      await this.outbox.insertBatch(manager, options.companyId, stored, rows);
      return stored.map(({ id }) => ({ id, deliveries: counts.get(id) ?? 0, replayed: false }));
    });
  }

  /**
   * Delivers one event to an ad-hoc endpoint (no subscription): per-call options over the
   * module's `directSend` defaults. Persisted, signed and retried like any other delivery.
   */
  async send(
    event: EventInput,
    options: DirectSendOptions,
  ): Promise<{ eventId: string; deliveryId: string }> {
    this.validate(event.type, event.data);
    const endpoint = await directEndpoint(options, this.settings);
    return this.inTransaction(options.manager, async (manager) => {
      const eventId = randomUUID();
      const deliveryId = randomUUID();
      const stored = { id: eventId, companyId: options.companyId, type: event.type };
      await this.outbox.insertDirect(
        manager,
        { ...stored, data: JSON.stringify(event.data) },
        deliveryId,
        endpoint,
      );
      return { eventId, deliveryId };
    });
  }

  /** Throws a 400-mapped error unless `type` is in the catalog and `data` matches its schema. */
  validate(type: string, data: unknown): void {
    if (!this.catalog.has(type)) {
      throw WebhooksError.invalidField('type', `type "${type}" is not in the event catalog`);
    }
    const problems = this.catalog.validateData(type, data);
    if (problems.length) {
      throw WebhooksError.invalidField(
        'data',
        `data does not match the schema of ${type}: ${problems.join('; ')}`,
      );
    }
  }

  private async inTransaction<T>(
    manager: EntityManager | undefined,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    if (manager) return work(manager);
    const result = await this.dataSource.transaction(work);
    this.signal.wake();
    return result;
  }
}

function hashRequest(type: string, data: unknown): string {
  return createHash('sha256').update(type).update('\0').update(JSON.stringify(data)).digest('hex');
}
