import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { EventCatalog } from '../catalog/event-catalog.service';
import { filtersMatching, matchesAnyEventFilter } from '../catalog/event-type-matching';
import type { DirectEndpoint } from '../deliveries/webhook-delivery.entity';
import type { DirectSendDefaults } from '../interfaces/webhooks-module-options.interface';
import { DELIVERIES_CHANNEL } from '../dispatch/delivery-notifications';
import { deliveryMetrics } from '../dispatch/delivery-metrics';
import { DispatchSignal } from '../dispatch/dispatch-signal';
import { type ClaimedDelivery, type ClaimRow, toClaimed } from '../dispatch/claimed-delivery';
import { DeliveryHandoff } from '../dispatch/delivery-handoff';
import { GroupCommit } from './group-commit';
import { isRefusedStatement } from '../common/sql-state';
import { type HotStatement, hotQuery } from '../common/prepared-statement';
import { signingSecretProblem } from '../security/secret-cipher';
import { checkSubscriberUrl, UrlPolicyViolation } from '../security/url-policy';
import { WebhooksError, WebhooksErrorCode } from '../webhooks.errors';
import { WebhooksSettings } from '../webhooks-settings';

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
 * Per-call endpoint settings of `send` over the module's `directSend` defaults (a `secret` of
 * null sends unsigned; headers are merged, per-call entries winning).
 */
export interface DirectSendOptions extends DirectSendDefaults {
  companyId: string;
  manager?: EntityManager;
}

/** An event of the common case, waiting for its group commit (`data` as JSON). */
interface OutboxEvent {
  id: string;
  companyId: string;
  type: string;
  data: string;
}

const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * One pending delivery per active subscription of the company whose filters overlap the event's
 * ($1 event id, $2 company, $3 type, $4 the filters that match the type: `filtersMatching`).
 */
const FAN_OUT = `
  INSERT INTO webhook_deliveries (id, company_id, event_id, subscription_id, event_type, status, next_attempt_at)
  SELECT gen_random_uuid(), $2::varchar, $1::uuid, s.id, $3::varchar, 'pending', now()
  FROM webhook_subscriptions s
  WHERE s.company_id = $2::varchar AND s.is_active AND s.deleted_at IS NULL AND s.events && $4::text[]
  RETURNING 1`;

/**
 * A group of events and their fan-out in one statement ($1: the events as one JSON document). Up
 * to $3 deliveries ($6 per subscription, none for the subscriptions in $4) are created already
 * leased to $2 for $5 seconds at least, and besides, for each subscription $7[i], up to $8[i]
 * (deliveries that wait in the dispatcher's memory); the others are `pending`. Returns every
 * delivery, with the event's data as stored for the leased ones.
 */
const PUBLISH_GROUP: HotStatement = {
  name: 'webhooks_publish_group',
  text: `WITH input AS (
     SELECT * FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
       AS (id uuid, company_id varchar, type varchar, data jsonb, filters text))
       WITH ORDINALITY AS i(id, company_id, type, data, filters, n)
   ), event AS (
     INSERT INTO webhook_events (id, company_id, type, data)
     SELECT id, company_id, type, data FROM input
     RETURNING id, created_at, data
   ), matched AS (
     SELECT i.id AS event_id, i.company_id, i.type, s.id AS subscription_id, s.request_timeout_ms,
            -- In the group's order: the first events go to memory, the rest wait in the table.
            NOT (s.id = ANY($4::uuid[])) AND CASE
              WHEN sp.room IS NOT NULL THEN row_number() OVER (PARTITION BY s.id ORDER BY i.n) <= sp.room
              ELSE row_number() OVER (PARTITION BY sp.room IS NULL ORDER BY i.n) <= $3::int
                AND row_number() OVER (PARTITION BY s.id ORDER BY i.n) <= $6::int END AS leased
     FROM input i JOIN webhook_subscriptions s
       ON s.company_id = i.company_id AND s.is_active AND s.deleted_at IS NULL
      AND s.events && string_to_array(i.filters, ',')
     LEFT JOIN unnest($7::uuid[], $8::int[]) AS sp(id, room) ON sp.id = s.id
   ), created AS (
     INSERT INTO webhook_deliveries (id, company_id, event_id, subscription_id, event_type, status,
       attempt_count, next_attempt_at, lease_owner, lease_expires_at)
     SELECT gen_random_uuid(), m.company_id, m.event_id, m.subscription_id, m.type,
            CASE WHEN m.leased THEN 'sending' ELSE 'pending' END, CASE WHEN m.leased THEN 1 ELSE 0 END, now(),
            CASE WHEN m.leased THEN $2::varchar END,
            CASE WHEN m.leased THEN webhook_lease_expires_at(m.request_timeout_ms, $5::float8) END
     FROM matched m
     RETURNING id, company_id, event_id, subscription_id, event_type, status, attempt_count, lease_expires_at
   )
   SELECT c.id, c.company_id, c.event_id, c.subscription_id, c.event_type, c.attempt_count,
          c.lease_expires_at, c.status = 'sending' AS leased, e.created_at, s.updated_at AS subscription_version,
          -- As stored (jsonb orders keys): the first attempt's body is then byte for byte a retry's.
          CASE WHEN c.status = 'sending' THEN e.data END AS data
   FROM created c JOIN event e ON e.id = c.event_id
   JOIN webhook_subscriptions s ON s.id = c.subscription_id`,
};

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
  ) {}

  async publish(type: string, data: unknown, options: PublishOptions): Promise<PublishedEvent> {
    this.validate(type, data);
    if (!options.manager && !options.idempotencyKey) return this.publishAlone(type, data, options);
    const requestHash = options.idempotencyKey ? hashRequest(type, data) : null;
    return this.inTransaction(options.manager, async (manager) => {
      if (options.idempotencyKey && requestHash) {
        const earlier = await this.claimIdempotencyKey(
          manager,
          options.companyId,
          options.idempotencyKey,
          requestHash,
        );
        if (earlier) return earlier;
      }
      const id = randomUUID();
      const inserted = await manager.query<{ id: string }[]>(
        `INSERT INTO webhook_events (id, company_id, type, data, idempotency_key, request_hash)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (company_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING id`,
        [
          id,
          options.companyId,
          type,
          JSON.stringify(data),
          options.idempotencyKey ?? null,
          requestHash,
        ],
      );
      if (inserted.length === 0 && options.idempotencyKey && requestHash) {
        // A concurrent request with the same key committed first.
        const earlier = await this.claimIdempotencyKey(
          manager,
          options.companyId,
          options.idempotencyKey,
          requestHash,
        );
        if (earlier) return earlier;
      }
      const deliveries = await this.fanOut(manager, id, options.companyId, type);
      deliveryMetrics.published.inc();
      return { id, deliveries, replayed: false };
    });
  }

  /**
   * The common case (no caller transaction, no idempotency key): group-committed with the
   * concurrent ones (see {@link GroupCommit}); no NOTIFY inside the commit (NOTIFY serialises
   * committing transactions): this instance wakes at once, the others through a throttled NOTIFY
   * after the commit.
   */
  private publishAlone(
    type: string,
    data: unknown,
    options: PublishOptions,
  ): Promise<PublishedEvent> {
    return this.outbox.submit({
      id: randomUUID(),
      companyId: options.companyId,
      type,
      data: JSON.stringify(data),
    });
  }

  private readonly outbox = new GroupCommit<OutboxEvent, PublishedEvent>(
    (events) => this.insertAlone(events),
    async (event) => (await this.insertAlone([event]))[0],
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
   * Events and their fan-out in one statement, one round trip and one commit, however many. The
   * deliveries' foreign key is checked at the end of the statement, after the event inserts.
   * While this instance's dispatcher has room, up to that many deliveries are created already
   * leased to it (`sending`, attempt 1) and handed to it on commit: no claim query for them.
   */
  private async insertAlone(events: OutboxEvent[]): Promise<PublishedEvent[]> {
    // What one delivery may hold in memory: its event's data, and about 1 KiB besides.
    const bytesEach = events.reduce((most, e) => Math.max(most, e.data.length), 0) + 1024;
    const reservation = this.handoff.reserve(events.length * 2, bytesEach);
    let rows: (ClaimRow & { leased: boolean })[];
    try {
      rows = await hotQuery<ClaimRow & { leased: boolean }>(
        this.dataSource,
        PUBLISH_GROUP,
        [
          outboxDocument(events),
          reservation?.owner ?? '',
          reservation?.take ?? 0,
          reservation?.excluded ?? [],
          reservation?.leaseSeconds ?? 0,
          reservation?.perSubscription ?? 0,
          reservation?.spill.ids ?? [],
          reservation?.spill.rooms ?? [],
        ],
        this.settings.preparedStatements,
      );
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
    this.dataSource.query(`SELECT pg_notify($1, '')`, [DELIVERIES_CHANNEL]).catch(() => {
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
    return this.inTransaction(options.manager, async (manager) => {
      const ids = events.map(() => randomUUID());
      await manager.query(
        `INSERT INTO webhook_events (id, company_id, type, data)
         SELECT e.id, $1, e.type, e.data
         FROM unnest($2::uuid[], $3::text[], $4::jsonb[]) AS e(id, type, data)`,
        [
          options.companyId,
          ids,
          events.map((e) => e.type),
          events.map((e) => JSON.stringify(e.data)),
        ],
      );
      const subscriptions = await manager.query<{ id: string; events: string[]; batch: boolean }[]>(
        `SELECT id, events, batch FROM webhook_subscriptions
         WHERE company_id = $1 AND is_active AND deleted_at IS NULL`,
        [options.companyId],
      );
      const counts = new Map<string, number>(ids.map((id) => [id, 0]));
      const rows: {
        eventId: string;
        batch: string[] | null;
        subscriptionId: string;
        type: string;
      }[] = [];
      for (const subscription of subscriptions) {
        const matching = events
          .map((event, i) => ({ ...event, id: ids[i] }))
          .filter((event) => matchesAnyEventFilter(subscription.events, event.type));
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
          for (const event of matching) {
            rows.push({
              eventId: event.id,
              batch: null,
              subscriptionId: subscription.id,
              type: event.type,
            });
          }
        }
        matching.forEach((e) => counts.set(e.id, (counts.get(e.id) ?? 0) + 1));
      }
      if (rows.length > 0) {
        await manager.query(
          `INSERT INTO webhook_deliveries
             (id, company_id, event_id, batch_event_ids, subscription_id, event_type, status, next_attempt_at)
           SELECT gen_random_uuid(), $1::varchar, r.event_id, CASE WHEN r.batch = '' THEN NULL ELSE string_to_array(r.batch, ',')::uuid[] END,
                  r.subscription_id, r.type, 'pending', now()
           FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::text[]) AS r(event_id, batch, subscription_id, type)`,
          [
            options.companyId,
            rows.map((r) => r.eventId),
            rows.map((r) => (r.batch ? r.batch.join(',') : '')),
            rows.map((r) => r.subscriptionId),
            rows.map((r) => r.type),
          ],
        );
        await manager.query(`SELECT pg_notify($1, '')`, [DELIVERIES_CHANNEL]);
      }
      return ids.map((id) => ({ id, deliveries: counts.get(id) ?? 0, replayed: false }));
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
    const endpoint = await this.directEndpoint(options);
    return this.inTransaction(options.manager, async (manager) => {
      const eventId = randomUUID();
      const deliveryId = randomUUID();
      await manager.query(
        `INSERT INTO webhook_events (id, company_id, type, data) VALUES ($1, $2, $3, $4)`,
        [eventId, options.companyId, event.type, JSON.stringify(event.data)],
      );
      await manager.query(
        `INSERT INTO webhook_deliveries (id, company_id, event_id, endpoint, event_type, status, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, 'pending', now())`,
        [deliveryId, options.companyId, eventId, JSON.stringify(endpoint), event.type],
      );
      await manager.query(`SELECT pg_notify($1, '')`, [DELIVERIES_CHANNEL]);
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

  /** One delivery per active subscription of the company whose filters match the type. */
  private async fanOut(
    manager: EntityManager,
    eventId: string,
    companyId: string,
    type: string,
  ): Promise<number> {
    const [{ count }] = await manager.query<[{ count: number }]>(
      `WITH created AS (${FAN_OUT}) SELECT count(*)::int AS count FROM created`,
      [eventId, companyId, type, filtersMatching(type)],
    );
    if (count > 0) await manager.query(`SELECT pg_notify($1, '')`, [DELIVERIES_CHANNEL]);
    return count;
  }

  /**
   * The earlier event with this key, if it is within the window (422 when its body differed);
   * an older one gives its key up. null: go on and create the event.
   */
  private async claimIdempotencyKey(
    manager: EntityManager,
    companyId: string,
    key: string,
    requestHash: string,
  ): Promise<PublishedEvent | null> {
    const rows = await manager.query<
      { id: string; request_hash: string | null; created_at: Date }[]
    >(
      `SELECT id, request_hash, created_at FROM webhook_events WHERE company_id = $1 AND idempotency_key = $2`,
      [companyId, key],
    );
    const earlier = rows[0];
    if (!earlier) return null;
    if (Date.now() - new Date(earlier.created_at).getTime() > IDEMPOTENCY_WINDOW_MS) {
      await manager.query(`UPDATE webhook_events SET idempotency_key = NULL WHERE id = $1`, [
        earlier.id,
      ]);
      return null;
    }
    if (earlier.request_hash !== requestHash) {
      throw new WebhooksError(
        WebhooksErrorCode.IdempotencyKeyReused,
        'Idempotency-Key was already used with a different request body',
        'Idempotency-Key',
      );
    }
    return { id: earlier.id, deliveries: 0, replayed: true };
  }

  private async directEndpoint(options: DirectSendOptions): Promise<DirectEndpoint> {
    const base = this.settings.directSend;
    const url = options.url ?? base.url;
    if (!url) throw WebhooksError.invalidField('url', 'url is required for a direct send');
    try {
      await checkSubscriberUrl(url, this.settings.urlPolicy, this.settings.resolveHost);
    } catch (error) {
      if (error instanceof UrlPolicyViolation)
        throw WebhooksError.invalidField('url', error.message);
      throw error;
    }
    const secret = options.secret === undefined ? base.secret : options.secret;
    const secretProblem = secret ? signingSecretProblem(secret) : null;
    if (secretProblem) throw WebhooksError.invalidField('secret', secretProblem);
    const defaults = this.settings.defaults;
    return {
      url,
      secretEncrypted: secret ? this.settings.cipher.encrypt(secret) : null,
      signatureAlgorithm: options.signatureAlgorithm ?? base.signatureAlgorithm ?? 'HmacSha256',
      format: options.format ?? base.format ?? 'json',
      headers: { ...(base.headers ?? {}), ...(options.headers ?? {}) },
      maxRetryCount: options.maxRetryCount ?? base.maxRetryCount ?? defaults.maxRetryCount,
      retryDelayMs: options.retryDelayMs ?? base.retryDelayMs ?? defaults.retryDelayMs,
      retryBackoffMultiplier:
        options.retryBackoffMultiplier ??
        base.retryBackoffMultiplier ??
        defaults.retryBackoffMultiplier,
      requestTimeoutMs:
        options.requestTimeoutMs ?? base.requestTimeoutMs ?? defaults.requestTimeoutMs,
    };
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

/**
 * The group's events as one JSON array (one parameter, serialised natively instead of five
 * escaped text arrays); each event's data is spliced in as the JSON text taken at publish time.
 */
function outboxDocument(events: OutboxEvent[]): string {
  return `[${events
    .map(
      (e) =>
        `{"id":"${e.id}","company_id":${JSON.stringify(e.companyId)},"type":${JSON.stringify(e.type)},` +
        // Event filters never contain a comma (EVENT_FILTER_PATTERN).
        `"filters":"${filtersMatching(e.type).join(',')}","data":${e.data}}`,
    )
    .join(',')}]`;
}

function hashRequest(type: string, data: unknown): string {
  return createHash('sha256').update(type).update('\0').update(JSON.stringify(data)).digest('hex');
}
