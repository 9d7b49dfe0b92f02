import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { WebhookEvent } from './webhook-event.entity';
import { WebhookSubscription } from './webhook-subscription.entity';
import type { DeliveryStatus } from './delivery-status';

/** What a direct send (`WebhookPublisher.send`) delivers to, instead of a subscription. */
export interface DirectEndpoint {
  url: string;
  /** null: sent unsigned. */
  secretEncrypted: string | null;
  signatureAlgorithm: string;
  /** Absent on rows written before it existed: `timestamp.body`. */
  signedContent?: 'timestamp.body' | 'body';
  format: string;
  headers: Record<string, string>;
  maxRetryCount: number;
  retryDelayMs: number;
  retryBackoffMultiplier: number;
  requestTimeoutMs: number;
}

/**
 * One event (or batch of events) to one subscription: its state machine
 * pending -> sending -> succeeded | failed | cancelled (and back to pending for a retry).
 */
@Entity({ name: 'webhook_deliveries' })
@Index('idx_webhook_deliveries_subscription_created', ['subscriptionId', 'createdAt', 'id'])
@Index('idx_webhook_deliveries_event', ['eventId'])
// Partial indexes (written by the migrations; `synchronize: false` keeps migration:generate off them).
@Index('idx_webhook_deliveries_due', { synchronize: false })
@Index('idx_webhook_deliveries_leased', { synchronize: false })
@Index('idx_webhook_deliveries_failed', { synchronize: false })
@Check(
  'ck_webhook_deliveries_status',
  `"status" IN ('pending', 'sending', 'succeeded', 'failed', 'cancelled')`,
)
@Check('ck_webhook_deliveries_target', `"subscription_id" IS NOT NULL OR "endpoint" IS NOT NULL`)
// A lease owner exactly while sending: the dispatcher finds its own rows by id and owner alone.
@Check('ck_webhook_deliveries_lease', `("status" = 'sending') = ("lease_owner" IS NOT NULL)`)
export class WebhookDelivery {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'company_id', type: 'varchar', length: 128 })
  companyId!: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @ManyToOne(() => WebhookEvent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'event_id', foreignKeyConstraintName: 'fk_webhook_deliveries_event' })
  event?: WebhookEvent;

  /** Every event of a batch delivery (publishBatch), in order; null for a single event. */
  @Column({ name: 'batch_event_ids', type: 'uuid', array: true, nullable: true })
  batchEventIds!: string[] | null;

  /** null for a direct send, which carries its `endpoint` instead. */
  @Column({ name: 'subscription_id', type: 'uuid', nullable: true })
  subscriptionId!: string | null;

  @ManyToOne(() => WebhookSubscription, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'subscription_id',
    foreignKeyConstraintName: 'fk_webhook_deliveries_subscription',
  })
  subscription?: WebhookSubscription;

  @Column({ type: 'jsonb', nullable: true })
  endpoint!: DirectEndpoint | null;

  @Column({ name: 'event_type', type: 'varchar', length: 200 })
  eventType!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: DeliveryStatus;

  @Column({ name: 'attempt_count', type: 'integer', default: 0 })
  attemptCount!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', precision: 3, nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ name: 'lease_owner', type: 'varchar', length: 64, nullable: true })
  leaseOwner!: string | null;

  @Column({ name: 'lease_expires_at', type: 'timestamptz', precision: 3, nullable: true })
  leaseExpiresAt!: Date | null;

  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode!: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', precision: 3, nullable: true })
  lastAttemptAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
