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
import { Candidate } from '../../candidates/candidate.entity';
import { Job } from '../jobs/job.entity';
import type { ApplicationStatus } from './application-status';

/** A candidate applying to a published job (once per job), moving along its own life cycle. */
@Entity({ name: 'hr_job_applications' })
@Unique('uq_hr_job_applications_job_candidate', ['jobId', 'candidateId'])
@Index('idx_hr_job_applications_job_created', ['jobId', 'createdAt', 'id'])
@Index('idx_hr_job_applications_company', ['companyId'])
@Index('idx_hr_job_applications_candidate', ['candidateId'])
@Check(
  'ck_hr_job_applications_status',
  `"status" IN ('submitted', 'reviewed', 'shortlisted', 'hired', 'rejected', 'withdrawn')`,
)
export class JobApplication {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'company_id', type: 'varchar', length: 128 })
  companyId!: string;

  @Column({ name: 'job_id', type: 'uuid' })
  jobId!: string;

  @ManyToOne(() => Job)
  @JoinColumn({ name: 'job_id', foreignKeyConstraintName: 'fk_hr_job_applications_job' })
  job?: Job;

  @Column({ name: 'candidate_id', type: 'uuid' })
  candidateId!: string;

  @ManyToOne(() => Candidate)
  @JoinColumn({
    name: 'candidate_id',
    foreignKeyConstraintName: 'fk_hr_job_applications_candidate',
  })
  candidate?: Candidate;

  @Column({ type: 'varchar', length: 16, default: 'submitted' })
  status!: ApplicationStatus;

  /** What the candidate wrote with it; null when nothing. */
  @Column({ name: 'cover_letter', type: 'text', nullable: true })
  coverLetter!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
