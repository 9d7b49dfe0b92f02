import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { LastAttemptErrorDto } from './dto/stats.dto';

/** Attempts of one minute (minutes since the Unix epoch), by outcome. */
export interface MinuteCounts {
  minute: number;
  succeeded: number;
  failed: number;
  retrying: number;
}

export interface DeliveryCounts {
  deliveries: number;
  succeeded: number;
  failed: number;
  pending: number;
}

const PER_MINUTE = `
  SELECT floor(extract(epoch FROM created_at) / 60)::int AS minute,
         count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
         count(*) FILTER (WHERE status = 'failed' AND NOT retry_scheduled)::int AS failed,
         count(*) FILTER (WHERE status = 'failed' AND retry_scheduled)::int AS retrying
  FROM webhook_attempts
  WHERE company_id = $1 AND created_at >= $2 AND created_at < $3`;

/** The statements of the stats routes (a test reads their plans). */
export const STATS_STATEMENTS = {
  /** $1 company, $2 since, $3 until. */
  attemptsPerMinute: `${PER_MINUTE} GROUP BY 1 ORDER BY 1`,
  /** $1 company, $2 since, $3 until, $4 subscription. */
  subscriptionAttemptsPerMinute: `${PER_MINUTE} AND subscription_id = $4 GROUP BY 1 ORDER BY 1`,
  /** $1 company, $2 subscription, $3 since. */
  deliveryCounts: `
    SELECT count(*)::int AS deliveries,
           count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
           count(*) FILTER (WHERE status = 'failed')::int AS failed,
           count(*) FILTER (WHERE status IN ('pending', 'sending'))::int AS pending
    FROM webhook_deliveries
    WHERE company_id = $1 AND subscription_id = $2 AND created_at >= $3`,
  /** $1 company, $2 subscription, $3 since. */
  lastError: `
    SELECT created_at AS "at", status_code AS "statusCode", error
    FROM webhook_attempts
    WHERE company_id = $1 AND subscription_id = $2 AND status = 'failed' AND created_at >= $3
    ORDER BY created_at DESC, id DESC LIMIT 1`,
};

/**
 * The stats routes' reads, every one scoped to a company. The minute counts read
 * `idx_webhook_attempts_company_created` (or, for one subscription,
 * `idx_webhook_attempts_subscription_created`); the delivery counts
 * `idx_webhook_deliveries_subscription_created`.
 */
@Injectable()
export class DeliveryStatsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Attempts made from `since` (inclusive) to `until` (exclusive), per minute that has any. */
  async attemptsPerMinuteForCompany(
    companyId: string,
    since: Date,
    until: Date,
    subscriptionId?: string,
  ): Promise<MinuteCounts[]> {
    const window = [companyId, since.toISOString(), until.toISOString()];
    return subscriptionId
      ? this.dataSource.query<MinuteCounts[]>(STATS_STATEMENTS.subscriptionAttemptsPerMinute, [
          ...window,
          subscriptionId,
        ])
      : this.dataSource.query<MinuteCounts[]>(STATS_STATEMENTS.attemptsPerMinute, window);
  }

  /** A subscription's deliveries created since `since`, by state. */
  async deliveryCountsForCompany(
    companyId: string,
    subscriptionId: string,
    since: Date,
  ): Promise<DeliveryCounts> {
    const [counts] = await this.dataSource.query<DeliveryCounts[]>(
      STATS_STATEMENTS.deliveryCounts,
      [companyId, subscriptionId, since.toISOString()],
    );
    return counts;
  }

  /** The subscription's most recent failed attempt since `since`, or null. */
  async lastErrorForCompany(
    companyId: string,
    subscriptionId: string,
    since: Date,
  ): Promise<LastAttemptErrorDto | null> {
    const rows = await this.dataSource.query<LastAttemptErrorDto[]>(STATS_STATEMENTS.lastError, [
      companyId,
      subscriptionId,
      since.toISOString(),
    ]);
    return rows[0] ?? null;
  }
}
