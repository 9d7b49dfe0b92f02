import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { WEBHOOK_ENDPOINT_DISABLED } from '../catalog/builtin-event-types';
import type { OperationalEventPublisher } from '../interfaces/operational-event-publisher.interface';
import { DeliveryQueue } from '../queue/delivery-queue.repository';
import { OPERATIONAL_EVENTS } from '../webhooks.constants';

/** How long every delivery of a subscription may fail before it is deactivated. */
export const FAILING_DEACTIVATION_MS = 5 * 24 * 60 * 60 * 1000;
/** The reason given when a subscription is deactivated for failing 5 days. */
export const FAILED_FOR_5_DAYS = 'every delivery failed for 5 days';

/**
 * Deactivates endpoints that asked to be removed (410) or have failed for 5 days: cancels their
 * pending deliveries and tells the company's other subscriptions (`webhook.endpoint.disabled`).
 */
@Injectable()
export class SubscriptionHealth {
  private readonly logger = new Logger(SubscriptionHealth.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: DeliveryQueue,
    @Inject(OPERATIONAL_EVENTS) private readonly events: OperationalEventPublisher,
  ) {}

  /** Of these subscriptions, the active ones whose failures started 5 days ago or more. */
  async failingTooLong(ids: string[]): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM webhook_subscriptions
       WHERE id = ANY($1::uuid[]) AND is_active AND deleted_at IS NULL
         AND failing_since <= now() - make_interval(secs => $2)`,
      [ids, FAILING_DEACTIVATION_MS / 1000],
    );
    return rows.map((r) => r.id);
  }

  /**
   * The hourly sweep: deactivates every active subscription whose failures started 5 days ago or
   * more, whether or not anything was sent to it lately (at most 1,000 a sweep). Their count.
   */
  async sweepFailing(): Promise<number> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM webhook_subscriptions
       WHERE is_active AND deleted_at IS NULL AND failing_since <= now() - make_interval(secs => $1)
       ORDER BY failing_since LIMIT 1000`,
      [FAILING_DEACTIVATION_MS / 1000],
    );
    let deactivated = 0;
    for (const { id } of rows) {
      if (await this.deactivate(id, FAILED_FOR_5_DAYS)) deactivated++;
    }
    return deactivated;
  }

  async deactivate(subscriptionId: string, reason: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager.query<[{ company_id: string; url: string }[], number]>(
        `UPDATE webhook_subscriptions SET is_active = false, disabled_reason = $2, updated_at = now()
         WHERE id = $1 AND is_active RETURNING company_id, url`,
        [subscriptionId, reason],
      );
      const row = rows[0]?.[0];
      if (!row) return false;
      await this.queue.cancelPending(subscriptionId, { manager });
      await this.events.publish(
        WEBHOOK_ENDPOINT_DISABLED,
        { subscriptionId, url: row.url, reason, disabledAt: new Date().toISOString() },
        { companyId: row.company_id, manager },
      );
      this.logger.warn(`Subscription ${subscriptionId} deactivated: ${reason}`);
      return true;
    });
  }
}
