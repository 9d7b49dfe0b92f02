import { Injectable } from '@nestjs/common';
import { SubscriptionsService } from '../subscriptions/subscriptions.service';
import { WebhooksError } from '../webhooks.errors';
import { DeliveryStatsRepository, type MinuteCounts } from './delivery-stats.repository';
import type {
  DeliveryStatsBucketDto,
  DeliveryStatsDto,
  SubscriptionStatsDto,
} from './dto/stats.dto';

const MINUTE_MS = 60_000;
/** Default window of the minute buckets. */
export const STATS_DEFAULT_WINDOW_MS = 60 * MINUTE_MS;
/** Farthest back the minute buckets go, and the window of a subscription's stats. */
export const STATS_MAX_WINDOW_MS = 24 * 60 * MINUTE_MS;

/** The stats routes: attempts a minute by outcome, and a subscription's last 24 h. */
@Injectable()
export class DeliveryStats {
  constructor(
    private readonly stats: DeliveryStatsRepository,
    private readonly subscriptions: SubscriptionsService,
  ) {}

  /**
   * Attempts of the company (or of one of its subscriptions) made each minute from `since` (at
   * most 24 h back; default an hour ago) to now, one bucket per minute, zeros included.
   */
  async perMinute(
    companyId: string,
    query: { subscriptionId?: string; since?: string },
    now = new Date(),
  ): Promise<DeliveryStatsDto> {
    const since = windowStart(query.since, now);
    if (query.subscriptionId) await this.subscriptions.require(companyId, query.subscriptionId);
    const counts = await this.stats.attemptsPerMinuteForCompany(
      companyId,
      since,
      now,
      query.subscriptionId,
    );
    return { since, until: now, bucketSeconds: 60, buckets: minuteBuckets(since, now, counts) };
  }

  /** The subscription's deliveries created in the last 24 h, and its last failed attempt. */
  async forSubscription(
    companyId: string,
    subscriptionId: string,
    now = new Date(),
  ): Promise<SubscriptionStatsDto> {
    await this.subscriptions.require(companyId, subscriptionId);
    const since = new Date(now.getTime() - STATS_MAX_WINDOW_MS);
    const [counts, lastError] = await Promise.all([
      this.stats.deliveryCountsForCompany(companyId, subscriptionId, since),
      this.stats.lastErrorForCompany(companyId, subscriptionId, since),
    ]);
    const finished = counts.succeeded + counts.failed;
    return {
      subscriptionId,
      since,
      ...counts,
      successRate: finished === 0 ? null : counts.succeeded / finished,
      lastError,
    };
  }
}

/** `since` rounded down to its minute: at most 24 h before `now`, not after it. */
export function windowStart(since: string | undefined, now: Date): Date {
  const at = since === undefined ? now.getTime() - STATS_DEFAULT_WINDOW_MS : Date.parse(since);
  if (Number.isNaN(at)) {
    throw WebhooksError.invalidField('since', 'since must be an ISO-8601 date-time');
  }
  if (now.getTime() - at > STATS_MAX_WINDOW_MS) {
    throw WebhooksError.invalidField('since', 'since must be at most 24 hours ago');
  }
  if (at > now.getTime()) {
    throw WebhooksError.invalidField('since', 'since must not be in the future');
  }
  return new Date(Math.floor(at / MINUTE_MS) * MINUTE_MS);
}

/** One bucket per minute from `since`'s to `until`'s (inclusive), the counts where there are any. */
export function minuteBuckets(
  since: Date,
  until: Date,
  counts: readonly MinuteCounts[],
): DeliveryStatsBucketDto[] {
  const byMinute = new Map(counts.map((c) => [c.minute, c]));
  const first = Math.floor(since.getTime() / MINUTE_MS);
  const last = Math.floor(until.getTime() / MINUTE_MS);
  const buckets: DeliveryStatsBucketDto[] = [];
  for (let minute = first; minute <= last; minute++) {
    const c = byMinute.get(minute);
    buckets.push({
      at: new Date(minute * MINUTE_MS),
      succeeded: c?.succeeded ?? 0,
      failed: c?.failed ?? 0,
      retrying: c?.retrying ?? 0,
    });
  }
  return buckets;
}
