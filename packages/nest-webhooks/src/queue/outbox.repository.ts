import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { concernedSubscription } from '../catalog/builtin-event-types';
import { outboxDocument } from './outbox-document';
import { filtersMatching } from '../catalog/event-type-matching';
import { hotQuery } from '../common/prepared-statement';
import type { DirectEndpoint } from '../entities/webhook-delivery.entity';
import { WebhooksSettings } from '../webhooks-settings';
import type { ClaimRow } from './claimed-delivery';
import { decideKey, type IdempotencyClaim, type KeyedEvent, keyReused } from './idempotency';
import {
  BATCH_DELIVERIES,
  DELIVERIES_CHANNEL,
  FAN_OUT,
  PUBLISH_GROUP,
  PUBLISH_GROUP_KEYED,
} from './outbox.statements';
import { type FilterVerdicts, SubscriptionFilters } from './subscription-filters';

/** An event to store (`data` as JSON text, taken at publish time). */
export interface OutboxEvent {
  id: string;
  companyId: string;
  type: string;
  data: string;
  /** Per company, 24 h: the same key and body answer the first event (see `decideKey`). */
  idempotency?: IdempotencyClaim;
}

/**
 * What a group publish may create already leased to this instance (see DeliveryHandoff): at most
 * `take` deliveries (`perSubscription` of one subscription, none of `excluded`), and besides up to
 * `spill.rooms[i]` of subscription `spill.ids[i]`.
 */
export interface GroupLease {
  owner: string;
  take: number;
  excluded: string[];
  perSubscription: number;
  /** The least lease (seconds), as `webhook_lease_expires_at` takes it. */
  leaseSeconds: number;
  spill: { ids: string[]; rooms: number[] };
}

/**
 * A delivery the group publish created; `leased` ones come with their event's data. A `skipped`
 * row is an event not stored because its idempotency key was taken (no delivery: `id` null).
 */
export type GroupRow = ClaimRow & { leased: boolean; skipped?: boolean; stale?: boolean };

/** How many times a publish statement runs when the data filters it was given were out of date. */
const FILTER_ROUNDS = 3;

/**
 * The transactional outbox: every insert of an event, with the deliveries it fans out to, and the
 * idempotency keys. Rows are written in the caller's transaction (`manager`) where there is one.
 */
@Injectable()
export class OutboxRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: WebhooksSettings,
    private readonly filters: SubscriptionFilters,
  ) {}

  /**
   * Runs a publish statement with the data filters' verdicts; when it found them out of date
   * (and wrote nothing), reloads the companies' filters and runs it again.
   */
  private async withFilters<T extends { stale?: boolean }>(
    events: readonly { companyId: string; type: string; data: string }[],
    manager: EntityManager | undefined,
    run: (verdicts: FilterVerdicts) => Promise<T[]>,
  ): Promise<T[]> {
    for (let round = 1; ; round++) {
      if (round > 1) {
        await this.filters.reload(
          events.map((e) => e.companyId),
          manager,
        );
      }
      const rows = await run(await this.filters.verdicts(events, manager));
      if (!rows.some((r) => r.stale)) return rows;
      if (round >= FILTER_ROUNDS) {
        throw new Error(`subscription filters kept changing during the publish (${round} tries)`);
      }
    }
  }

  /**
   * Events and their fan-out in one statement, one round trip and one commit, however many; the
   * deliveries `lease` allows are created leased. The deliveries' foreign key is checked at the
   * end of the statement, after the event inserts. In a transaction (`manager`) it runs there,
   * unprepared. `batch`: the `batch` subscriptions are left to `insertBatchDeliveries`.
   */
  async insertGroup(
    events: OutboxEvent[],
    lease: GroupLease | null,
    options: { manager?: EntityManager; batch?: boolean } = {},
  ): Promise<GroupRow[]> {
    const keyed = events.some((e) => e.idempotency);
    const statement = keyed ? PUBLISH_GROUP_KEYED : PUBLISH_GROUP;
    const { manager } = options;
    return this.withFilters(events, manager, (verdicts) => {
      const values = [
        outboxDocument(events, keyed),
        lease?.owner ?? '',
        lease?.take ?? 0,
        lease?.excluded ?? [],
        lease?.leaseSeconds ?? 0,
        lease?.perSubscription ?? 0,
        lease?.spill.ids ?? [],
        lease?.spill.rooms ?? [],
        options.batch ?? false,
        verdicts.known.ids,
        verdicts.known.versions,
        verdicts.pairs.events,
        verdicts.pairs.subscriptions,
      ];
      if (manager) return manager.query<GroupRow[]>(statement.text, values);
      return hotQuery<GroupRow>(
        this.dataSource,
        statement,
        values,
        this.settings.preparedStatements,
      );
    });
  }

  /**
   * A batch publish's one delivery per `batch` subscription, pending, carrying every event of
   * `events` it matches; returns each delivery's event ids.
   */
  async insertBatchDeliveries(
    manager: EntityManager,
    companyId: string,
    events: Pick<OutboxEvent, 'id' | 'type' | 'data'>[],
  ): Promise<string[][]> {
    const described = events.map((e) => ({ ...e, companyId }));
    const rows = await this.withFilters(described, manager, (verdicts) =>
      manager.query<{ batch_event_ids: string[]; stale: boolean }[]>(BATCH_DELIVERIES, [
        companyId,
        events.map((e) => e.id),
        events.map((e) => e.type),
        events.map((e) => filtersMatching(e.type).join(',')),
        verdicts.pairs.events,
        verdicts.known.ids,
        verdicts.known.versions,
        verdicts.pairs.subscriptions,
      ]),
    );
    return rows.map((r) => r.batch_event_ids);
  }

  /** Takes their idempotency keys from events older than the window: the keys are free again. */
  async giveUpKeys(manager: EntityManager, eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await manager.query(
      `UPDATE webhook_events SET idempotency_key = NULL WHERE id = ANY($1::uuid[])`,
      [eventIds],
    );
  }

  /** The events holding these keys (company and key), whatever their age. */
  async keyedEvents(
    keys: { companyId: string; key: string }[],
    manager: EntityManager | DataSource = this.dataSource,
  ): Promise<(KeyedEvent & { companyId: string; key: string })[]> {
    const rows = await manager.query<
      {
        id: string;
        company_id: string;
        idempotency_key: string;
        request_hash: string | null;
        created_at: Date;
      }[]
    >(
      `SELECT e.id, e.company_id, e.idempotency_key, e.request_hash, e.created_at
       FROM unnest($1::varchar[], $2::varchar[]) AS k(company_id, idempotency_key)
       JOIN webhook_events e ON e.company_id = k.company_id AND e.idempotency_key = k.idempotency_key`,
      [keys.map((k) => k.companyId), keys.map((k) => k.key)],
    );
    return rows.map((r) => ({
      id: r.id,
      companyId: r.company_id,
      key: r.idempotency_key,
      requestHash: r.request_hash,
      createdAt: new Date(r.created_at),
    }));
  }

  /** One event; false when a concurrent request with the same idempotency key committed first. */
  async insertEvent(manager: EntityManager, event: OutboxEvent): Promise<boolean> {
    const idempotency = event.idempotency;
    const inserted = await manager.query<{ id: string }[]>(
      `INSERT INTO webhook_events (id, company_id, type, data, idempotency_key, request_hash)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (company_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING id`,
      [
        event.id,
        event.companyId,
        event.type,
        event.data,
        idempotency?.key ?? null,
        idempotency?.requestHash ?? null,
      ],
    );
    return inserted.length > 0;
  }

  /** One pending delivery per active subscription of the company whose filters match the type. */
  async fanOut(manager: EntityManager, event: OutboxEvent): Promise<number> {
    const [{ count }] = await this.withFilters([event], manager, (verdicts) =>
      manager.query<{ count: number; stale: boolean }[]>(FAN_OUT, [
        event.id,
        event.companyId,
        event.type,
        filtersMatching(event.type),
        verdicts.matched[0],
        verdicts.known.ids,
        verdicts.known.versions,
        concernedSubscription(event.type, event.data),
      ]),
    );
    if (count > 0) await this.notify(manager);
    return count;
  }

  /**
   * The earlier event with this key, if it is within the window (422 when its body differed);
   * an older one gives its key up. null: go on and create the event.
   */
  async claimIdempotencyKey(
    manager: EntityManager,
    companyId: string,
    key: string,
    requestHash: string,
  ): Promise<string | null> {
    const rows = await manager.query<
      { id: string; request_hash: string | null; created_at: Date }[]
    >(
      `SELECT id, request_hash, created_at FROM webhook_events WHERE company_id = $1 AND idempotency_key = $2`,
      [companyId, key],
    );
    const earlier = rows[0];
    const decision = decideKey(
      { key, requestHash },
      earlier && {
        id: earlier.id,
        requestHash: earlier.request_hash,
        createdAt: new Date(earlier.created_at),
      },
      Date.now(),
    );
    if (decision.kind === 'reused') throw keyReused();
    if (decision.kind === 'replay') return decision.id;
    // Older than the window: the key is given up.
    if (earlier) await this.giveUpKeys(manager, [earlier.id]);
    return null;
  }

  /** One event for an ad-hoc endpoint, and its pending delivery. */
  async insertDirect(
    manager: EntityManager,
    event: OutboxEvent,
    deliveryId: string,
    endpoint: DirectEndpoint,
  ): Promise<void> {
    await this.insertEvent(manager, event);
    await manager.query(
      `INSERT INTO webhook_deliveries (id, company_id, event_id, endpoint, event_type, status, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, 'pending', now())`,
      [deliveryId, event.companyId, event.id, JSON.stringify(endpoint), event.type],
    );
    await this.notify(manager);
  }

  /**
   * Which of `targets` (a company, and the subscription the event would be about or null) have an
   * active subscription other than that one which would get an event of this type (data filters
   * aside): one query however many.
   */
  async listening(
    type: string,
    targets: readonly { companyId: string; about: string | null }[],
    manager: EntityManager | DataSource = this.dataSource,
  ): Promise<boolean[]> {
    const rows = await manager.query<{ i: string }[]>(
      `SELECT t.i FROM unnest($1::varchar[], $2::uuid[]) WITH ORDINALITY AS t(company_id, about, i)
       WHERE EXISTS (SELECT 1 FROM webhook_subscriptions s
         WHERE s.company_id = t.company_id AND s.is_active AND s.deleted_at IS NULL
           AND s.events && $3::text[] AND s.id IS DISTINCT FROM t.about)`,
      [targets.map((t) => t.companyId), targets.map((t) => t.about), filtersMatching(type)],
    );
    const heard = new Set(rows.map((r) => Number(r.i)));
    return targets.map((_, i) => heard.has(i + 1));
  }

  /** Wakes every instance's dispatcher: inside a transaction, on its commit only. */
  async notify(manager: EntityManager | DataSource = this.dataSource): Promise<void> {
    await manager.query(`SELECT pg_notify($1, '')`, [DELIVERIES_CHANNEL]);
  }
}
