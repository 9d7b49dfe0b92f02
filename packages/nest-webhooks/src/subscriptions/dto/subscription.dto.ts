import { ApiProperty } from '@nestjs/swagger';
import { SIGNATURE_ALGORITHMS, SUBSCRIPTION_FORMATS } from '../../webhooks.constants';

/** A subscription as the API shows it: never its secret. */
export class SubscriptionDto {
  /** @example 0b6e8c57-4a34-4bb2-8c8e-3f2bd2a8e0b1 */
  id!: string;
  url!: string;
  events!: string[];
  description!: string | null;
  isActive!: boolean;
  /** `json`, `cloudevents+json`, `xml`, `cloudevents+xml`, or a host-registered format. */
  @ApiProperty({ example: SUBSCRIPTION_FORMATS[0] })
  format!: string;
  /** `HmacSha256`, `HmacSha384`, `HmacSha512`, `HmacSha1`, or a host-registered algorithm. */
  @ApiProperty({ example: SIGNATURE_ALGORITHMS[0] })
  signatureAlgorithm!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  headers!: Record<string, string>;
  maxRetryCount!: number;
  retryDelayMs!: number;
  retryBackoffMultiplier!: number;
  requestTimeoutMs!: number;
  /** The condition on an event's data (MongoDB query syntax); null: every event of its types. */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  filter!: Record<string, unknown> | null;
  /** Receives `publishBatch` events several to a request. */
  batch!: boolean;
  /** Why the system deactivated it (410 Gone, 5 days of failures); null otherwise. */
  disabledReason!: string | null;
  createdAt!: Date;
  updatedAt!: Date;
}

/** The creation answer: the subscription and, this once, its signing secret. */
export class CreatedSubscriptionDto extends SubscriptionDto {
  /** @example whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD */
  secret!: string;
}

export class SubscriptionPageDto {
  items!: SubscriptionDto[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor!: string | null;
}

export class SigningSecretDto {
  /** @example whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD */
  secret!: string;
}
