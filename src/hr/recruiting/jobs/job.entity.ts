import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { ContractType } from '../../contracts/contract-type';
import type { JobCloseReason, JobStatus } from './job-status';

/** A position a company recruits for: a draft, then published (taking applications), then closed. */
@Entity({ name: 'hr_jobs' })
@Index('idx_hr_jobs_company_created', ['companyId', 'createdAt', 'id'])
@Check(
  'ck_hr_jobs_contract_type',
  `"contract_type" IN ('CDI', 'CDD', 'INTERIM', 'APPRENTISSAGE', 'STAGE')`,
)
@Check('ck_hr_jobs_status', `"status" IN ('draft', 'published', 'closed')`)
@Check(
  'ck_hr_jobs_salary_range',
  `"salary_min" IS NULL OR "salary_max" IS NULL OR "salary_max" >= "salary_min"`,
)
@Check(
  'ck_hr_jobs_closed',
  `("status" = 'closed') = ("close_reason" IS NOT NULL) AND ("status" = 'closed') = ("closed_at" IS NOT NULL)`,
)
@Check('ck_hr_jobs_published', `("status" = 'draft') = ("published_at" IS NULL)`)
@Check(
  'ck_hr_jobs_close_reason',
  `"close_reason" IS NULL OR "close_reason" IN ('filled', 'cancelled')`,
)
export class Job {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'company_id', type: 'varchar', length: 128 })
  companyId!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'varchar', length: 200 })
  location!: string;

  @Column({ name: 'contract_type', type: 'varchar', length: 16 })
  contractType!: ContractType;

  /** Annual gross, in euros; null: open at that end. */
  @Column({ name: 'salary_min', type: 'integer', nullable: true })
  salaryMin!: number | null;

  @Column({ name: 'salary_max', type: 'integer', nullable: true })
  salaryMax!: number | null;

  /** What the job asks for; applications are scored against it when shortlisted. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  skills!: string[];

  @Column({ type: 'varchar', length: 16, default: 'draft' })
  status!: JobStatus;

  @Column({ name: 'close_reason', type: 'varchar', length: 16, nullable: true })
  closeReason!: JobCloseReason | null;

  @Column({ name: 'published_at', type: 'timestamptz', precision: 3, nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', precision: 3, nullable: true })
  closedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
