import { IsISO8601, IsOptional, IsUUID } from 'class-validator';

export class DeliveryStatsQueryDto {
  /**
   * Only this subscription's attempts (another company's or an unknown one: 404).
   * @example 3f0e9a52-6a7b-4c1d-9e2f-8a7b6c5d4e3f
   */
  @IsOptional()
  @IsUUID()
  subscriptionId?: string;

  /**
   * Start of the window (ISO-8601 date-time), rounded down to its minute; at most 24 h back and
   * not in the future. Default: 60 minutes ago.
   * @example 2026-12-02T09:00:00Z
   */
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  since?: string;
}

/** Attempts made in one minute, by outcome. */
export class DeliveryStatsBucketDto {
  /** Start of the minute. */
  at!: Date;
  /** Attempts answered 2xx. */
  succeeded!: number;
  /** Failed attempts that ended their delivery as `failed` (no retry after them). */
  failed!: number;
  /** Failed attempts after which another attempt was scheduled. */
  retrying!: number;
}

export class DeliveryStatsDto {
  /** Start of the first bucket. */
  since!: Date;
  /** End of the window: now. */
  until!: Date;
  /** Width of each bucket: 60. */
  bucketSeconds!: number;
  /** One per minute from `since` to now, zeros included, oldest first. */
  buckets!: DeliveryStatsBucketDto[];
}

/** The most recent failed attempt. */
export class LastAttemptErrorDto {
  at!: Date;
  /** null when no HTTP answer was received. */
  statusCode!: number | null;
  /** null, or a short reason: `timeout`, `connection refused`, ... */
  error!: string | null;
}

/** A subscription's deliveries created in the last 24 h. */
export class SubscriptionStatsDto {
  subscriptionId!: string;
  /** Start of the window: 24 h ago. */
  since!: Date;
  /** Deliveries created since `since`, whatever their state (cancelled ones included). */
  deliveries!: number;
  succeeded!: number;
  failed!: number;
  /** Not finished yet: `pending` or `sending`. */
  pending!: number;
  /** succeeded / (succeeded + failed); null when none has finished. */
  successRate!: number | null;
  /** The most recent failed attempt since `since`, or null. */
  lastError!: LastAttemptErrorDto | null;
}
