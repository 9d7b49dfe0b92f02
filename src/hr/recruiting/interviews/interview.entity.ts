import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { JobApplication } from '../applications/application.entity';
import type { InterviewKind } from './interview-kind';

/** An interview of an application's candidate, at a time that may be moved. */
@Entity({ name: 'hr_interviews' })
@Index('idx_hr_interviews_company', ['companyId'])
@Index('idx_hr_interviews_application', ['applicationId'])
@Check('ck_hr_interviews_kind', `"kind" IN ('phone', 'video', 'on-site')`)
@Check('ck_hr_interviews_interviewers', `cardinality("interviewers") > 0`)
export class Interview {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'company_id', type: 'varchar', length: 128 })
  companyId!: string;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId!: string;

  @ManyToOne(() => JobApplication)
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'fk_hr_interviews_application' })
  application?: JobApplication;

  @Column({ type: 'varchar', length: 16 })
  kind!: InterviewKind;

  /** The instant it starts (answered and sent in UTC). */
  @Column({ name: 'scheduled_at', type: 'timestamptz', precision: 3 })
  scheduledAt!: Date;

  /** Who conducts it: names or emails, at least one. */
  @Column({ type: 'text', array: true })
  interviewers!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
