import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** An accepted event: stored once, fanned out to one delivery per matching subscription. */
@Entity({ name: 'webhook_events' })
@Index('idx_webhook_events_created', ['createdAt'])
@Index('uq_webhook_events_idempotency', { synchronize: false })
export class WebhookEvent {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'company_id', type: 'varchar', length: 128 })
  companyId!: string;

  @Column({ type: 'varchar', length: 200 })
  type!: string;

  @Column({ type: 'jsonb' })
  data!: unknown;

  /** `Idempotency-Key` of the request that created it (unique per company for 24 h). */
  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true })
  idempotencyKey!: string | null;

  /** SHA-256 of the request body, to tell a replay from a different request with the same key. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64, nullable: true })
  requestHash!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
