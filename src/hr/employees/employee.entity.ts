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
import { Candidate } from '../candidates/candidate.entity';
import type { TerminationReason } from './termination-reason';

/**
 * Someone the company employs: created with their contract from a hired candidate (whose names
 * and email it copies), terminated once.
 */
@Entity({ name: 'hr_employees' })
@Unique('uq_hr_employees_candidate', ['candidateId'])
@Index('idx_hr_employees_company', ['companyId'])
@Check(
  'ck_hr_employees_termination_reason',
  `"termination_reason" IS NULL OR "termination_reason" IN ('RESIGNATION', 'DISMISSAL', 'RUPTURE_CONVENTIONNELLE', 'END_OF_FIXED_TERM', 'RETIREMENT', 'TRIAL_PERIOD_END')`,
)
@Check(
  'ck_hr_employees_termination_complete',
  `("termination_date" IS NULL) = ("termination_reason" IS NULL) AND ("termination_date" IS NULL) = ("terminated_at" IS NULL)`,
)
export class Employee {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'company_id', type: 'varchar', length: 128 })
  companyId!: string;

  /** The candidate this employee was hired as (one employee per candidate). */
  @Column({ name: 'candidate_id', type: 'uuid' })
  candidateId!: string;

  @ManyToOne(() => Candidate)
  @JoinColumn({ name: 'candidate_id', foreignKeyConstraintName: 'fk_hr_employees_candidate' })
  candidate?: Candidate;

  @Column({ name: 'first_name', type: 'varchar', length: 100 })
  firstName!: string;

  @Column({ name: 'last_name', type: 'varchar', length: 100 })
  lastName!: string;

  /** Lower-cased, as the candidate's. */
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  /** Last day of the employment; null while employed. */
  @Column({ name: 'termination_date', type: 'date', nullable: true })
  terminationDate!: string | null;

  @Column({ name: 'termination_reason', type: 'varchar', length: 32, nullable: true })
  terminationReason!: TerminationReason | null;

  /** When the termination was recorded. */
  @Column({ name: 'terminated_at', type: 'timestamptz', precision: 3, nullable: true })
  terminatedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
