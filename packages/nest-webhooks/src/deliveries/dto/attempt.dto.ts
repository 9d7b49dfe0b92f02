import { ApiProperty } from '@nestjs/swagger';
import {
  ATTEMPT_STATUSES,
  type AttemptStatus,
  DELIVERY_STATUSES,
  type DeliveryStatus,
} from '../../entities/delivery-status';

/** One HTTP try of a delivery. */
export class AttemptDto {
  id!: string;
  deliveryId!: string;
  eventId!: string;
  eventType!: string;
  /** 1 for the first try; keeps counting across manual retries. */
  attemptNumber!: number;
  @ApiProperty({ enum: ATTEMPT_STATUSES })
  status!: AttemptStatus;
  /** null when no HTTP answer was received. */
  statusCode!: number | null;
  durationMs!: number;
  /** null, or a short reason: `timeout`, `connection refused`, ... */
  error!: string | null;
  /** The first 4 KiB of the answer. */
  responseBody!: string | null;
  /**
   * Every header sent, by name as sent; the signature headers' values (`webhook-signature`,
   * `X-Webhook-Signature`) and the subscription's own header values read `[redacted]`.
   */
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: {
      'content-type': 'application/json',
      'webhook-id': '0b7e2f6c-8a1d-4c3b-9e5f-2d4a6b8c0e1f',
      'webhook-signature': '[redacted]',
      Authorization: '[redacted]',
    },
  })
  requestHeaders!: Record<string, string>;
  /**
   * The answer's headers as received, lower-case names (the first 50, each value cut to
   * 1 KiB); null when no answer came.
   */
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
    example: { 'content-type': 'text/plain', 'retry-after': '30' },
  })
  responseHeaders!: Record<string, string> | null;
  createdAt!: Date;
}

export class AttemptPageDto {
  items!: AttemptDto[];
  nextCursor!: string | null;
}

export class DeliveryDto {
  id!: string;
  eventId!: string;
  /** null for a direct send. */
  subscriptionId!: string | null;
  eventType!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES })
  status!: DeliveryStatus;
  attemptCount!: number;
  nextAttemptAt!: Date | null;
  lastStatusCode!: number | null;
  lastError!: string | null;
  createdAt!: Date;
  updatedAt!: Date;
  /** Oldest first. */
  attempts!: AttemptDto[];
}

export class TestDeliveryResultDto {
  /** Whether the endpoint answered 2xx. */
  delivered!: boolean;
  statusCode!: number | null;
  durationMs!: number;
  error!: string | null;
  attemptId!: string;
}

export class RequeuedDto {
  /** How many failed deliveries were queued again. */
  requeued!: number;
}
