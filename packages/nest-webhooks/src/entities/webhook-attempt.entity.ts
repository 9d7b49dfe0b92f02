import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { WebhookDelivery } from './webhook-delivery.entity';
import type { AttemptStatus } from './delivery-status';

/** One HTTP try of a delivery (append-only). */
@Entity({ name: 'webhook_attempts' })
@Index('idx_webhook_attempts_subscription_created', ['subscriptionId', 'createdAt', 'id'])
@Index('idx_webhook_attempts_delivery', ['deliveryId', 'attemptNumber'])
@Index('idx_webhook_attempts_created', ['createdAt'])
@Index('idx_webhook_attempts_company_created', ['companyId', 'createdAt'])
@Check('ck_webhook_attempts_status', `"status" IN ('succeeded', 'failed')`)
export class WebhookAttempt {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'company_id', type: 'varchar', length: 128 })
  companyId!: string;

  @Column({ name: 'delivery_id', type: 'uuid' })
  deliveryId!: string;

  @ManyToOne(() => WebhookDelivery, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'delivery_id', foreignKeyConstraintName: 'fk_webhook_attempts_delivery' })
  delivery?: WebhookDelivery;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'subscription_id', type: 'uuid', nullable: true })
  subscriptionId!: string | null;

  @Column({ name: 'event_type', type: 'varchar', length: 200 })
  eventType!: string;

  @Column({ name: 'attempt_number', type: 'integer' })
  attemptNumber!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: AttemptStatus;

  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode!: number | null;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs!: number;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** First 4 KiB of the answer. */
  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody!: string | null;

  /** Every request header sent, the signatures' and the subscription's own values masked. */
  @Column({ name: 'request_headers', type: 'jsonb' })
  requestHeaders!: Record<string, string>;

  /** The response headers as received (the first 50, values cut to 1 KiB); null without an answer. */
  @Column({ name: 'response_headers', type: 'jsonb', nullable: true })
  responseHeaders!: Record<string, string> | null;

  /** Failed, and another attempt was scheduled after it (its delivery went back to pending). */
  @Column({ name: 'retry_scheduled', type: 'boolean', default: false })
  retryScheduled!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
