import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import type { CandidateStatus } from './candidate-status';

/** Someone a company considers hiring, moving along the hiring life cycle. */
@Entity({ name: 'hr_candidates' })
@Unique('uq_hr_candidates_company_email', ['companyId', 'email'])
@Index('idx_hr_candidates_company_created', ['companyId', 'createdAt', 'id'])
@Check(
  'ck_hr_candidates_status',
  `"status" IN ('new', 'screening', 'interview', 'offer', 'hired', 'rejected')`,
)
export class Candidate {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'company_id', type: 'varchar', length: 128 })
  companyId!: string;

  @Column({ name: 'first_name', type: 'varchar', length: 100 })
  firstName!: string;

  @Column({ name: 'last_name', type: 'varchar', length: 100 })
  lastName!: string;

  /** Lower-cased: unique per company whatever the case it was given in. */
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  /** As given, trimmed; null when none is known. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  phone!: string | null;

  /** A set (no order), each skill named once whatever its case. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  skills!: string[];

  @Column({ type: 'varchar', length: 16, default: 'new' })
  status!: CandidateStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
