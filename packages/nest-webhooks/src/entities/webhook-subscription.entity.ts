import {
  Check,
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { SignedContent } from '../signing/signature-headers';

/** A company's endpoint that receives the events it subscribed to. */
@Entity({ name: 'webhook_subscriptions' })
@Index('idx_webhook_subscriptions_company_created', ['companyId', 'createdAt', 'id'])
@Index('idx_webhook_subscriptions_active_company', { synchronize: false })
@Index('idx_webhook_subscriptions_filtered_company', { synchronize: false })
@Check('chk_webhook_subscriptions_signed_content', `"signed_content" IN ('timestamp.body', 'body')`)
@Check('chk_webhook_subscriptions_handshake', `"handshake" IN ('none', 'cloudevents')`)
export class WebhookSubscription {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'company_id', type: 'varchar', length: 128 })
  companyId!: string;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  /** Event types and wildcards (`candidate.*`, `*`). */
  @Column({ type: 'text', array: true })
  events!: string[];

  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive!: boolean;

  /** AES-256-GCM ciphertext of the signing secret (see SecretCipher). */
  @Column({ name: 'secret_encrypted', type: 'text' })
  secretEncrypted!: string;

  /** The secret before the last rotation, still signing until `previousSecretExpiresAt`. */
  @Column({ name: 'previous_secret_encrypted', type: 'text', nullable: true })
  previousSecretEncrypted!: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', precision: 3, nullable: true })
  previousSecretExpiresAt!: Date | null;

  @Column({ type: 'varchar', length: 32 })
  format!: string;

  @Column({ name: 'signature_algorithm', type: 'varchar', length: 16 })
  signatureAlgorithm!: string;

  /** What `X-Webhook-Signature` signs: `timestamp.body` or `body` (the original design's). */
  @Column({ name: 'signed_content', type: 'varchar', length: 16, default: 'timestamp.body' })
  signedContent!: SignedContent;

  /** `cloudevents`: the endpoint granted the CloudEvents validation handshake for its URL. */
  @Column({ type: 'varchar', length: 16, default: 'none' })
  handshake!: 'none' | 'cloudevents';

  /** An asymmetric algorithm's public key (`whpk_...`; the private key is `secretEncrypted`). */
  @Column({ name: 'public_key', type: 'varchar', length: 200, nullable: true })
  publicKey!: string | null;

  /** Extra request headers sent with every delivery. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  headers!: Record<string, string>;

  @Column({ name: 'max_retry_count', type: 'integer' })
  maxRetryCount!: number;

  @Column({ name: 'retry_delay_ms', type: 'integer' })
  retryDelayMs!: number;

  @Column({ name: 'retry_backoff_multiplier', type: 'double precision' })
  retryBackoffMultiplier!: number;

  @Column({ name: 'request_timeout_ms', type: 'integer' })
  requestTimeoutMs!: number;

  /** Batch deliveries: `publishBatch` sends this endpoint several events in one request. */
  @Column({ type: 'boolean', default: false })
  batch!: boolean;

  /** Condition on an event's data (MongoDB query syntax); null: every event of its types. */
  @Column({ type: 'jsonb', nullable: true })
  filter!: Record<string, unknown> | null;

  /** Start of the current run of failed attempts; null after a success. 5 days: deactivated. */
  @Column({ name: 'failing_since', type: 'timestamptz', precision: 3, nullable: true })
  failingSince!: Date | null;

  /** Why the system deactivated it (410 Gone, 5 days of failures); null otherwise. */
  @Column({ name: 'disabled_reason', type: 'varchar', length: 200, nullable: true })
  disabledReason!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;

  /** Set by DELETE: the row stays for the delivery history until retention. */
  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz', precision: 3, nullable: true })
  deletedAt!: Date | null;
}
