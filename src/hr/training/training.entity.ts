import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** A training a company offers its employees; CPF-eligible ones credit hours on the CPF. */
@Entity({ name: 'hr_trainings' })
@Index('idx_hr_trainings_company', ['companyId'])
export class Training {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'company_id', type: 'varchar', length: 128 })
  companyId!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  /** Whether completing it credits hours on the employee's CPF. */
  @Column({ name: 'cpf_eligible', type: 'boolean' })
  cpfEligible!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
