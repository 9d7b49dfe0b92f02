import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource, type EntityManager } from 'typeorm';
import { hotQuery } from '../common/prepared-statement';
import type { DeliveryStatus } from '../entities/delivery-status';
import { WebhooksSettings } from '../webhooks-settings';
import { type ClaimedDelivery, type ClaimRow, toClaimed } from './claimed-delivery';
import { CLAIM_STATEMENT, RECORD_STATEMENT, releaseStatement } from './delivery-queue.statements';

/** One attempt (or a cancellation: `attempt_id` null) as `webhook_record_attempts` takes it. */
export interface RecordRow {
  attempt_id: string | null;
  delivery_id: string;
  company_id: string;
  event_id: string;
  subscription_id: string | null;
  event_type: string;
  attempt_number: number;
  status: 'succeeded' | 'failed';
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_body: string | null;
  request_headers: Record<string, string>;
  response_headers: Record<string, string> | null;
  at: Date;
  next_status: DeliveryStatus;
  next_attempt_at: Date | null;
}

/** Whether any attempt of a subscription in a recorded batch was answered, and the earliest. */
export interface SubscriptionOutcome {
  subscriptionId: string;
  ok: boolean;
  at: Date;
}

/**
 * The delivery queue: every statement that changes a `webhook_deliveries` row once it exists
 * (claim, record, release, reap, requeue, recover, cancel) and the test ping's leased row. New
 * rows come with their events from the OutboxRepository; the API's reads are the log's.
 */
@Injectable()
export class DeliveryQueue {
  /** Lease owner name of this instance. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: WebhooksSettings,
  ) {}

  /** Leases up to `limit` due deliveries, none of the subscriptions in `excluded`, oldest first. */
  async claim(limit: number, excluded: string[]): Promise<ClaimedDelivery[]> {
    const rows = await hotQuery<ClaimRow>(
      this.dataSource,
      CLAIM_STATEMENT,
      [this.owner, limit, excluded, this.settings.leaseSeconds],
      this.settings.preparedStatements,
    );
    return this.withBatchEvents(rows.map(toClaimed));
  }

  /** Writes attempts and the states they lead to, of deliveries this instance holds, in one statement. */
  async record(
    rows: RecordRow[],
    subscriptions: SubscriptionOutcome[],
    manager?: EntityManager,
  ): Promise<void> {
    // One JSON document for the whole batch: serialised natively, where 25 text arrays cost more
    // to escape than the statement costs to run.
    const values = [
      JSON.stringify(rows),
      this.owner,
      rows.map((r) => r.delivery_id),
      subscriptions.map((s) => s.subscriptionId),
      subscriptions.map((s) => s.ok),
      subscriptions.map((s) => s.at.toISOString()),
    ];
    // In a transaction (operational events published with it): there, unprepared.
    if (manager) {
      await manager.query(RECORD_STATEMENT.text, values);
    } else {
      await hotQuery(this.dataSource, RECORD_STATEMENT, values, this.settings.preparedStatements);
    }
  }

  /** A delivery this instance holds (`sending`, leased to `owner`), or null. */
  async heldDelivery(deliveryId: string): Promise<ClaimedDelivery | null> {
    const rows = await this.dataSource.query<ClaimRow[]>(
      `SELECT d.id, d.company_id, d.event_id, d.batch_event_ids, d.subscription_id, d.endpoint,
              d.event_type, d.attempt_count, d.lease_expires_at, e.type, e.data, e.created_at
       FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
       WHERE d.id = $1 AND d.lease_owner = $2 AND d.status = 'sending'`,
      [deliveryId, this.owner],
    );
    const [claimed] = await this.withBatchEvents(rows.map(toClaimed));
    return claimed ?? null;
  }

  /**
   * Gives held deliveries back without an attempt (their lease is too short to wait any longer,
   * or their endpoint is paused: then they are not due before `notBefore`).
   */
  async release(ids: string[], notBefore: Date | null = null): Promise<number> {
    return this.released(
      releaseStatement('id = ANY($1::uuid[]) AND lease_owner = $2', '$3', 'false'),
      [ids, this.owner, notBefore?.toISOString() ?? null],
    );
  }

  /** Gives back everything this instance holds (shutdown). */
  async releaseAll(): Promise<number> {
    return this.released(releaseStatement('lease_owner = $1', 'NULL', 'false'), [this.owner]);
  }

  /** Deliveries left `sending` by an instance that stopped renewing: pending again. */
  async reapExpired(): Promise<number> {
    return this.released(releaseStatement('lease_expires_at < now()', 'NULL', 'true'), []);
  }

  /**
   * Queues one delivery again now, whatever its state but `sending`. Returns its state before:
   * null when it does not exist for the company.
   */
  async requeueForCompany(companyId: string, deliveryId: string): Promise<DeliveryStatus | null> {
    const rows = await this.dataSource.query<{ status: DeliveryStatus }[]>(
      `WITH target AS (
         SELECT id, status FROM webhook_deliveries WHERE company_id = $1 AND id = $2 FOR UPDATE
       ), requeued AS (
         UPDATE webhook_deliveries d SET status = 'pending', next_attempt_at = now(), updated_at = now()
         FROM target WHERE d.id = target.id AND target.status <> 'sending'
         RETURNING d.id)
       SELECT status FROM target`,
      [companyId, deliveryId],
    );
    return rows[0]?.status ?? null;
  }

  /** A subscription's failed deliveries whose last attempt is at or after `since`: pending now. */
  async recoverForCompany(companyId: string, subscriptionId: string, since: Date): Promise<number> {
    const [, count] = await this.dataSource.query<[unknown[], number]>(
      `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), updated_at = now()
       WHERE company_id = $1 AND subscription_id = $2 AND status = 'failed' AND last_attempt_at >= $3`,
      [companyId, subscriptionId, since.toISOString()],
    );
    return count;
  }

  /**
   * Pending deliveries of a deleted or deactivated subscription: cancelled (history kept). With
   * `companyId`, only the company's; with `manager`, in the caller's transaction.
   */
  async cancelPending(
    subscriptionId: string,
    scope: { companyId?: string; manager?: EntityManager } = {},
  ): Promise<number> {
    const [, count] = await (scope.manager ?? this.dataSource).query<[unknown[], number]>(
      `UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = now()
       WHERE subscription_id = $1 AND status = 'pending' AND ($2::varchar IS NULL OR company_id = $2)`,
      [subscriptionId, scope.companyId ?? null],
    );
    return count;
  }

  /** A delivery created already held by this instance (a test ping, sent at once). */
  async insertHeld(
    manager: EntityManager,
    delivery: {
      id: string;
      companyId: string;
      eventId: string;
      subscriptionId: string;
      eventType: string;
      requestTimeoutMs: number;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO webhook_deliveries (id, company_id, event_id, subscription_id, event_type, status,
         attempt_count, lease_owner, lease_expires_at)
       VALUES ($1, $2, $3, $4, $5, 'sending', 1, $6, webhook_lease_expires_at($7::int, $8::float8))`,
      [
        delivery.id,
        delivery.companyId,
        delivery.eventId,
        delivery.subscriptionId,
        delivery.eventType,
        this.owner,
        delivery.requestTimeoutMs,
        this.settings.leaseSeconds,
      ],
    );
  }

  private async released(sql: string, parameters: unknown[]): Promise<number> {
    const [row] = await this.dataSource.query<{ released: number }[]>(sql, parameters);
    return row?.released ?? 0;
  }

  /** Loads every event of the batch deliveries among `claimed` (one query). */
  private async withBatchEvents(claimed: ClaimedDelivery[]): Promise<ClaimedDelivery[]> {
    const batches = claimed.filter((d) => d.batchEventIds !== null);
    if (batches.length === 0) return claimed;
    const ids = [...new Set(batches.flatMap((d) => d.batchEventIds ?? []))];
    const rows = await this.dataSource.query<
      { id: string; company_id: string; type: string; data: unknown; created_at: Date }[]
    >(
      `SELECT id, company_id, type, data, created_at FROM webhook_events WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const delivery of batches) {
      delivery.batch = (delivery.batchEventIds ?? []).flatMap((id) => {
        const row = byId.get(id);
        if (!row) return [];
        const timestamp = new Date(row.created_at).toISOString();
        return [
          { id: row.id, type: row.type, timestamp, companyId: row.company_id, data: row.data },
        ];
      });
    }
    return claimed;
  }
}
