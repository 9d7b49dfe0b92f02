import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import type { ContractType } from '../../contracts/contract-type';
import { JobApplication } from '../applications/application.entity';
import type { OfferStatus } from './offer-status';

/** The terms offered to a shortlisted application's candidate (one offer per application). */
@Entity({ name: 'hr_offers' })
@Unique('uq_hr_offers_application', ['applicationId'])
@Index('idx_hr_offers_company', ['companyId'])
@Check('ck_hr_offers_salary', `"salary" > 0`)
@Check(
  'ck_hr_offers_contract_type',
  `"contract_type" IN ('CDI', 'CDD', 'INTERIM', 'APPRENTISSAGE', 'STAGE')`,
)
@Check('ck_hr_offers_status', `"status" IN ('draft', 'sent', 'accepted')`)
@Check(
  'ck_hr_offers_moments',
  `("status" = 'draft') = ("sent_at" IS NULL) AND ("status" = 'accepted') = ("accepted_at" IS NOT NULL)`,
)
export class Offer {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'company_id', type: 'varchar', length: 128 })
  companyId!: string;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId!: string;

  @ManyToOne(() => JobApplication)
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'fk_hr_offers_application' })
  application?: JobApplication;

  /** Annual gross, in euros. */
  @Column({ type: 'integer' })
  salary!: number;

  /** YYYY-MM-DD. */
  @Column({ name: 'start_date', type: 'date' })
  startDate!: string;

  @Column({ name: 'contract_type', type: 'varchar', length: 16 })
  contractType!: ContractType;

  @Column({ type: 'varchar', length: 16, default: 'draft' })
  status!: OfferStatus;

  @Column({ name: 'sent_at', type: 'timestamptz', precision: 3, nullable: true })
  sentAt!: Date | null;

  @Column({ name: 'accepted_at', type: 'timestamptz', precision: 3, nullable: true })
  acceptedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
