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
import { Employee } from '../employees/employee.entity';
import type { ContractType } from './contract-type';

/**
 * The employment contract of a hired candidate: creating it creates the employee; signing it
 * (once, for good) is what payroll waits for.
 */
@Entity({ name: 'hr_contracts' })
@Unique('uq_hr_contracts_candidate', ['candidateId'])
@Unique('uq_hr_contracts_employee', ['employeeId'])
@Index('idx_hr_contracts_company', ['companyId'])
@Check(
  'ck_hr_contracts_type',
  `"contract_type" IN ('CDI', 'CDD', 'INTERIM', 'APPRENTISSAGE', 'STAGE')`,
)
@Check('ck_hr_contracts_end_after_start', `"end_date" IS NULL OR "end_date" > "start_date"`)
@Check('ck_hr_contracts_cdd_end', `"contract_type" <> 'CDD' OR "end_date" IS NOT NULL`)
export class Contract {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'company_id', type: 'varchar', length: 128 })
  companyId!: string;

  /** The hired candidate (one contract per candidate). */
  @Column({ name: 'candidate_id', type: 'uuid' })
  candidateId!: string;

  @ManyToOne(() => Candidate)
  @JoinColumn({ name: 'candidate_id', foreignKeyConstraintName: 'fk_hr_contracts_candidate' })
  candidate?: Candidate;

  /** The employee created with the contract (one contract per employee). */
  @Column({ name: 'employee_id', type: 'uuid' })
  employeeId!: string;

  @ManyToOne(() => Employee)
  @JoinColumn({ name: 'employee_id', foreignKeyConstraintName: 'fk_hr_contracts_employee' })
  employee?: Employee;

  @Column({ name: 'contract_type', type: 'varchar', length: 16 })
  contractType!: ContractType;

  /** YYYY-MM-DD. */
  @Column({ name: 'start_date', type: 'date' })
  startDate!: string;

  /** YYYY-MM-DD, after startDate; always set for a CDD. */
  @Column({ name: 'end_date', type: 'date', nullable: true })
  endDate!: string | null;

  /** null until signed; signing is one-way. */
  @Column({ name: 'signed_at', type: 'timestamptz', precision: 3, nullable: true })
  signedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
